"""Conflicts of interest as a graph query (LC 139.5; docs/regulations.md §4.3).

Nodes are keys of people, organisations, reviewers and cases: "person:dr-lee",
"org:acme-insurance", "reviewer:R1", "case:CM16-0001". Edges are named relations
("works_for", "owned_by", "family_of", "financial_interest", "reviewed" ...). A reviewer's own
`affiliations` and `financial_interests` are edges from its "reviewer:<id>" node.

A reviewer is conflicted with a case when a path of at most `max_hops` relations of the
policy's kinds joins the reviewer to any party or provider of the case, or to the case itself
(prior involvement). The search runs breadth-first from each party (cached per party), so the
shortest path is the one reported, and it never walks through another reviewer.
"""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

from openimr.domain.reviewer import ExpertReviewer

# §4.3 of docs/regulations.md: the LC 139.5 affiliation list, by the role of the party reached.
CATEGORY_BY_ROLE: dict[str, tuple[int, str]] = {
    "employer": (1, "the employer"),
    "insurer": (1, "the insurer"),
    "claims_administrator": (1, "the claims administrator"),
    "ur_organization": (1, "the UR organization"),
    "requesting_physician": (3, "the requesting physician"),
    "provider": (3, "a provider involved in the disputed treatment"),
    "ur_physician": (3, "the UR physician"),
    "facility": (4, "the facility where the service would be given"),
    "manufacturer": (5, "the manufacturer of the drug, device or therapy"),
    "injured_worker": (6, "the employee"),
    "representative": (6, "the employee's attorney or representative"),
    "case": (0, "this case (prior involvement)"),
}
OFFICER_KINDS = frozenset({"officer_of", "director_of"})
FAMILY_KINDS = frozenset({"family_of"})
FINANCIAL_KINDS = frozenset({"financial_interest", "owns"})
PRIOR_KINDS = frozenset({"treated", "examined", "reviewed"})


@dataclass(frozen=True)
class Relation:
    """One edge: `source` <kind> `target`, e.g. person:dr-a works_for org:group-b."""

    source: str
    kind: str
    target: str


@dataclass(frozen=True)
class Step:
    source: str
    kind: str
    target: str

    def text(self) -> str:
        return f"{self.source} {self.kind} {self.target}"


@dataclass(frozen=True)
class ConflictPath:
    """Why a reviewer is conflicted: the party reached and the relations that reach it."""

    reviewer_id: str
    party_key: str
    party_role: str | None
    steps: tuple[Step, ...]

    @property
    def category(self) -> tuple[int, str]:
        last_kinds = {s.kind for s in self.steps}
        number, label = CATEGORY_BY_ROLE.get(self.party_role or "", (-1, "a party of the case"))
        if number == 1 and self.steps and self.steps[-1].kind in OFFICER_KINDS:
            return 2, f"an officer, director or manager of {label}"
        if last_kinds & PRIOR_KINDS and number in (0, 6):
            return 0, "prior involvement with this case or employee"
        return number, label

    @property
    def nature(self) -> str:
        kinds = {s.kind for s in self.steps}
        if kinds & FAMILY_KINDS:
            return "familial"
        if kinds & FINANCIAL_KINDS:
            return "financial"
        return "professional"

    def reason(self, prior_involvement_citation: str = "prior involvement") -> str:
        """The sentence of an exclusion: category, party, the path that joins them, the rule
        (a prior-involvement path cites the policy's `prior_involvement` rule)."""
        number, label = self.category
        path = "; ".join(s.text() for s in self.steps)
        policy = "policy reviewer_policy.yaml: conflicts"
        if number == 0:
            rule = prior_involvement_citation
            return f"prior involvement: {label}, via {path} ({rule}; {policy})"
        item = f"LC 139.5 conflict list item {number}" if number > 0 else "LC 139.5"
        return (
            f"{self.nature} affiliation with {label} {self.party_key} via {path} ({item}; {policy})"
        )


class RelationGraph:
    """An undirected view over named, directed relations between people and organisations."""

    def __init__(self, relations: Iterable[Relation] = ()) -> None:
        # node -> list of (neighbour, kind, forward?) so paths print in the stated direction
        self._adj: dict[str, list[tuple[str, str, bool]]] = defaultdict(list)
        self._relations: list[Relation] = []
        for rel in relations:
            self.add(rel.source, rel.kind, rel.target)

    def add(self, source: str, kind: str, target: str) -> None:
        self._relations.append(Relation(source, kind, target))
        self._adj[source].append((target, kind, True))
        self._adj[target].append((source, kind, False))

    @property
    def relations(self) -> list[Relation]:
        return list(self._relations)

    def neighbours(self, node: str) -> list[tuple[str, str, bool]]:
        return self._adj.get(node, [])

    def __len__(self) -> int:
        return len(self._relations)


def reviewer_node(reviewer_id: str) -> str:
    return f"reviewer:{reviewer_id}"


def case_node(case_id: str) -> str:
    return f"case:{case_id}"


class ConflictIndex:
    """The relation graph joined with the panel's own affiliation lists, ready for queries."""

    def __init__(
        self,
        reviewers: Sequence[ExpertReviewer],
        graph: RelationGraph | None,
        *,
        kinds: Iterable[str],
        max_hops: int,
    ) -> None:
        self.kinds = frozenset(kinds) | {"affiliated_with", "financial_interest"}
        self.max_hops = max_hops
        self.graph = graph or RelationGraph()
        self._reviewer_nodes = {reviewer_node(r.reviewer_id): r.reviewer_id for r in reviewers}
        self._cache: dict[str, dict[str, tuple[Step, ...]]] = {}
        self._ids: dict[str, frozenset[str]] = {}
        # Affiliation edges from the reviewer records, kept apart so the caller's graph is not
        # mutated: key -> [(reviewer node, kind)].
        self._extra: dict[str, list[tuple[str, str, bool]]] = defaultdict(list)
        for r in reviewers:
            node = reviewer_node(r.reviewer_id)
            for key in r.affiliations:
                self._extra[node].append((key, "affiliated_with", True))
                self._extra[key].append((node, "affiliated_with", False))
            for key in r.financial_interests:
                self._extra[node].append((key, "financial_interest", True))
                self._extra[key].append((node, "financial_interest", False))

    def _neighbours(self, node: str) -> Iterable[tuple[str, str, bool]]:
        yield from self.graph.neighbours(node)
        yield from self._extra.get(node, ())

    def conflicts(self, parties: Mapping[str, str | None]) -> dict[str, ConflictPath]:
        """Reviewers joined to any party within `max_hops`: reviewer id -> shortest path.

        `parties` maps each party key to its role (a key of CATEGORY_BY_ROLE, or None). The
        search from each party is cached: a batch meets the same insurers again and again.
        """
        found: dict[str, ConflictPath] = {}
        for key, role in parties.items():
            for rid, steps in self._from_party(key).items():
                if rid not in found or len(steps) < len(found[rid].steps):
                    found[rid] = ConflictPath(rid, key, role, steps)
        return found

    def conflicted_ids(self, parties: Mapping[str, str | None]) -> set[str]:
        """Only the ids of `conflicts(parties)`: what a large batch needs, built cheaply."""
        out: set[str] = set()
        for key in parties:
            out |= self._ids_from_party(key)
        return out

    def _ids_from_party(self, key: str) -> frozenset[str]:
        """The reviewers within reach of one party (no paths kept: a batch meets thousands)."""
        ids = self._ids.get(key)
        if ids is None:
            paths = self._cache.get(key)
            ids = frozenset(paths if paths is not None else self._search(key)[0])
            self._ids[key] = ids
        return ids

    def _from_party(self, key: str) -> dict[str, tuple[Step, ...]]:
        """Breadth-first from one party: reviewer id -> shortest path back to the party."""
        cached = self._cache.get(key)
        if cached is None:
            reached, parent = self._search(key)
            if key in self._reviewer_nodes:  # the reviewer is itself a party of the case
                cached = {self._reviewer_nodes[key]: (Step(key, "is", key),)}
            else:
                cached = {rid: self._path(node, parent) for rid, node in reached.items()}
            self._cache[key] = cached
        return cached

    def _search(self, key: str) -> tuple[dict[str, str], dict[str, tuple[str, str, bool] | None]]:
        """(reviewer id -> its node, parent links) of a breadth-first walk from `key`."""
        if key in self._reviewer_nodes:
            return {self._reviewer_nodes[key]: key}, {key: None}
        reached: dict[str, str] = {}
        # parent[node] = (previous node, kind, forward) on the way back to the party
        parent: dict[str, tuple[str, str, bool] | None] = {key: None}
        queue: deque[tuple[str, int]] = deque([(key, 0)])
        while queue:
            node, depth = queue.popleft()
            if depth >= self.max_hops:
                continue
            for nxt, kind, forward in self._neighbours(node):
                if kind not in self.kinds or nxt in parent:
                    continue
                parent[nxt] = (node, kind, forward)
                rid = self._reviewer_nodes.get(nxt)
                if rid is not None:
                    reached[rid] = nxt
                    continue  # never walk on through another reviewer
                queue.append((nxt, depth + 1))
        return reached, parent

    @staticmethod
    def _path(end: str, parent: Mapping[str, tuple[str, str, bool] | None]) -> tuple[Step, ...]:
        """Steps from the reviewer (`end`) back to the party, each in its stated direction."""
        steps: list[Step] = []
        node = end
        while parent[node] is not None:
            prev, kind, forward = parent[node]  # type: ignore[misc]
            # forward: the relation was stated prev -> node
            steps.append(Step(prev, kind, node) if forward else Step(node, kind, prev))
            node = prev
        return tuple(steps)
