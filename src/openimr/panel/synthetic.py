"""Generated panels and case batches (seeded) for benchmarks, tests and demos.

The documents have the shapes of docs/product.md `panel assign`, so they go through the same
validation as real files. Specialty mix, credential lapses and affiliations are invented but
plausible; `hard=True` makes capacity scarce and puts generic cases first, the pattern that
traps greedy first-fit.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

# (specialty, profession, share of the panel)
SPECIALTY_MIX: list[tuple[str, str, float]] = [
    ("Occupational Medicine", "MD", 0.22),
    ("Physical Medicine & Rehabilitation", "MD", 0.14),
    ("Orthopaedic Surgery", "MD", 0.12),
    ("Pain Medicine", "MD", 0.09),
    ("Family Medicine", "MD", 0.07),
    ("Internal Medicine", "DO", 0.06),
    ("Psychiatry", "MD", 0.05),
    ("Psychology", "PhD", 0.05),
    ("Chiropractic", "DC", 0.05),
    ("Neurology", "MD", 0.04),
    ("Anesthesiology", "MD", 0.03),
    ("Neurological Surgery", "MD", 0.02),
    ("Acupuncture", "LAc", 0.02),
    ("Hand Surgery", "MD", 0.02),
    ("Podiatry", "DPM", 0.02),
]

# (item, condition): disputed items as the letters word them
CASE_TEMPLATES: list[tuple[str, str]] = [
    ("Norco 10/325mg #60", "chronic low back pain"),
    ("Physical therapy 2x6 lumbar spine", "lumbar strain"),
    ("MRI of the lumbar spine without contrast", "low back pain with radiculopathy"),
    ("Hot/cold unit, lumbar", "chronic low back pain"),
    ("TENS unit purchase", "chronic neck pain"),
    ("Cyclobenzaprine 7.5mg #90", "cervical strain"),
    ("Chiropractic care 8 visits cervical spine", "neck pain"),
    ("Acupuncture 6 sessions", "chronic low back pain"),
    ("Psychotherapy 6 sessions", "depression"),
    ("Psychological evaluation", "anxiety"),
    ("Lumbar epidural steroid injection L4-5", "lumbar radiculopathy"),
    ("L4-5 posterior lumbar fusion", "spondylolisthesis"),
    ("Right shoulder arthroscopy with subacromial decompression", "shoulder impingement"),
    ("Right carpal tunnel release", "carpal tunnel syndrome"),
    ("EMG/NCV bilateral upper extremities", "carpal tunnel syndrome"),
    ("Knee MRI right", "knee pain"),
    ("Custom foot orthotics", "plantar fasciitis"),
    ("Gabapentin 600mg #90", "lumbar radiculopathy"),
    ("Urine drug screen", "chronic pain"),
    ("Functional restoration program 80 hours", "chronic pain"),
]
GENERIC = {0, 1, 3, 4, 5, 7, 17, 18}  # items many specialties may review
ROLES = [
    "employer",
    "claims_administrator",
    "requesting_physician",
    "ur_physician",
    "injured_worker",
]


def generate(
    n_cases: int,
    n_reviewers: int,
    *,
    seed: int = 0,
    as_of: date = date(2026, 12, 1),
    capacity: tuple[int, int] = (3, 10),
    hard: bool = False,
    explicit_specialties: bool = False,
    lapse_rate: float = 0.08,
    conflict_rate: float = 0.15,
) -> tuple[dict[str, Any], dict[str, Any]]:
    """(reviewer document, case document), reproducible from `seed`."""
    rng = random.Random(seed)
    n_orgs = max(20, n_reviewers // 4)
    groups = [f"org:group-{i}" for i in range(n_orgs)]
    payers = [f"org:payer-{i}" for i in range(max(10, n_orgs // 4))]
    holdings = [f"org:holding-{i}" for i in range(max(5, n_orgs // 20))]
    doctors = [f"person:dr-{i}" for i in range(max(50, n_reviewers))]
    relations: list[dict[str, str]] = []
    for g in groups:
        if rng.random() < 0.3:
            relations.append({"source": g, "kind": "owned_by", "target": rng.choice(holdings)})
    for p in payers:
        if rng.random() < 0.3:
            relations.append({"source": p, "kind": "subsidiary_of", "target": rng.choice(holdings)})
    for d in doctors:
        relations.append({"source": d, "kind": "works_for", "target": rng.choice(groups)})

    names = [s for s, _, _ in SPECIALTY_MIX]
    weights = [w for _, _, w in SPECIALTY_MIX]
    profession = {s: p for s, p, _ in SPECIALTY_MIX}
    reviewers: list[dict[str, Any]] = []
    for i in range(n_reviewers):
        spec = rng.choices(names, weights)[0]
        prof = profession[spec]
        specs = [spec]
        if spec == "Occupational Medicine" and rng.random() < 0.3:
            specs.append("Family Medicine")
        if spec == "Physical Medicine & Rehabilitation" and rng.random() < 0.3:
            specs.append("Pain Medicine")
        lapse = rng.random() < lapse_rate
        kind = rng.randrange(4) if lapse else -1
        licence_end = as_of + timedelta(days=rng.randint(30, 900))
        if kind == 0:
            licence_end = as_of - timedelta(days=rng.randint(1, 300))
        rec: dict[str, Any] = {
            "id": f"R{i}",
            "profession": prof,
            "specialties": specs,
            "board_certifications": [spec] if prof in ("MD", "DO") and kind != 1 else [],
            "licenses": [
                {
                    "state": rng.choice(["CA", "CA", "CA", "NV", "OR", "AZ"]),
                    "expires": licence_end.isoformat(),
                }
            ],
            "years_active_practice": rng.choice([4, 5]) if kind == 2 else rng.randint(6, 35),
            "hours_per_week": rng.choice([10, 20, 23]) if kind == 3 else rng.randint(24, 60),
            "capacity": rng.randint(*capacity),
            "affiliations": rng.sample(groups, rng.randint(0, 2))
            + rng.sample(payers, rng.random() < 0.2),
        }
        reviewers.append(rec)

    cases: list[dict[str, Any]] = []
    for j in range(n_cases):
        if hard:
            # generic cases first, specialised ones last: greedy spends the versatile reviewers
            t = (
                rng.choice(sorted(GENERIC))
                if j < n_cases * 0.7
                else rng.choice([k for k in range(len(CASE_TEMPLATES)) if k not in GENERIC])
            )
        else:
            t = rng.randrange(len(CASE_TEMPLATES))
        item, condition = CASE_TEMPLATES[t]
        parties = [rng.choice(payers), rng.choice(doctors), f"org:employer-{rng.randrange(500)}"]
        if rng.random() < conflict_rate:
            parties.append(rng.choice(groups))
        case: dict[str, Any] = {
            "id": f"C{j}",
            "priority": "expedited" if rng.random() < 0.05 else "standard",
            "due": (as_of + timedelta(days=rng.randint(1, 30))).isoformat(),
            "condition": condition,
            "items": [{"description": item}],
            "parties": parties,
            "excluded_reviewers": (
                [f"R{rng.randrange(n_reviewers)}"] if n_reviewers and rng.random() < 0.05 else []
            ),
        }
        if explicit_specialties:
            case["specialties"] = rng.sample(names, rng.randint(1, 3))
        cases.append(case)
    return (
        {"reviewers": reviewers, "relations": relations},
        {"as_of": as_of.isoformat(), "cases": cases},
    )
