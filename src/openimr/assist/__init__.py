"""openimr.assist: reviewer decision support (proposals only; the expert reviewer decides).

- `facts` / `context`: case facts from the clinical case summary, each with its sentence,
  negation and uncertainty handled by a small ConText-style scope.
- `guidance`: the governing recommendation and its criteria, through `openimr.evidence`.
- `precedents`: the most similar published items (never the same case), via `openimr.corpus`.
- `model` / `rates` / `train`: the calibrated outcome model and its JSON artifact.
- `rationale`: the draft in our own words.
- `propose`: `propose(case)` for the web workbench; `batch`: `openimr assist batch`.
- `evaluate`: grouped cross-validation against real reviewers (`openimr assist evaluate`).
"""
