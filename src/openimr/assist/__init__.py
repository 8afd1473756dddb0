"""openimr.assist: reviewer decision support (proposals only; the expert reviewer decides).

- `facts` / `context`: case facts from the clinical case summary, each with its sentence,
  negation and uncertainty handled by a small ConText-style scope.
- `guidance`: the governing recommendation and its criteria, through `openimr.evidence`.
- `precedents`: the most similar published items (never the same case), via `openimr.corpus`.
- `model` / `rates` / `train`: the calibrated outcome model and its JSON artifact.
- `reasons` / `reason_rank` / `reason_fit`: the deciding reasons of an item (reasons.md codes
  with the record's words), their order learnt from the reviewers' rationales;
  `reviewer_reasons` / `reviewer_phrases`: reading those rationales (`openimr assist reasons`);
  `rationale_facts`: the facts a rationale states, to check the extractor against.
- `as_written`: checks on the request as written (duplicate, UR-certified part, suspension).
- `halves`: the development / held-out split of the dev letters by case number.
- `rationale`: the draft in our own words.
- `propose`: `propose(case)` for the web workbench; `batch`: `openimr assist batch`.
- `evaluate` / `evaluate_report`: grouped cross-validation and the held-out check against real
  reviewers (`openimr assist evaluate`).
"""
