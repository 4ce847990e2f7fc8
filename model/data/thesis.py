"""thesis.csv: the research note's conclusions (its thesis), each judged by the claims.csv rows that test
it, with a line of evidence built from their figures. The Claims Audit shows them above the claims, the
Cover counts their verdicts."""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from .claims import PER_SCENARIO
from .dataset import Dataset
from .files import DataError, read_csv
from .settings import per_edition

THESIS_TEXTS = ("thesis", "evidence", "evidence_scenario")   # each with its <text>_zh twin for the Chinese edition
# {ID} a claim row's figure; {ID_if} its computed case under the claim's condition; {ID*} / {ID_if*} the same
# for every scenario in a list ("base FY2029, bull FY2028, bear not reached")
PLACEHOLDER = re.compile(r"\{(\w+?)(_if)?(\*)?\}")


@dataclass
class Thesis:
    id: str
    thesis: str                 # the conclusion in plain words
    quote: str                  # the note's own wording
    tests: list[str]            # ids of the claims.csv rows that judge it (those the build has)
    evidence: str               # one line of evidence: text with {ID} placeholders (claims' figures)
    evidence_scenario: str = ""  # per scenario (a thesis judged by breakeven-like claims): the same, per scenario
    texts: dict[str, str] = field(default_factory=dict)   # thesis_zh, evidence_zh ...

    @property
    def fields(self) -> dict[str, str]:
        return {"thesis": self.thesis, "evidence": self.evidence, "evidence_scenario": self.evidence_scenario,
                **self.texts}


def load_thesis(folder: Path, data: Dataset) -> list[Thesis]:
    """thesis.csv (optional, beside claims.csv): one conclusion a row; `tests` names the claims.csv ids
    that judge it (separated by ;). A test whose claim this build leaves out (a unit-build line without
    units.toml) is dropped with a note; a thesis left without tests is shown as one that cannot be tested."""
    path = folder / "thesis.csv"
    if not path.exists():
        return []
    if not (folder / "claims.csv").exists():
        data.notes.append("thesis.csv is not used: its conclusions are judged by the claims of claims.csv, and the "
                          "folder has none")
        return []
    _, rows = read_csv(path, ["id", "thesis", "tests", "evidence"],
                       ["quote", "evidence_scenario", *per_edition(*THESIS_TEXTS)])
    listed = listed_claims(folder)
    claims = {c.id: c for c in data.claims}
    out, seen = [], set()
    for n, r in rows:
        if not r["id"].replace("_", "").isalnum():
            raise DataError(path, f"id {r['id']!r} must be letters and digits", n, "id")
        if r["id"] in seen:
            raise DataError(path, f"thesis id {r['id']!r} is given twice", n, "id")
        seen.add(r["id"])
        tests = [c.strip() for c in r["tests"].split(";") if c.strip()]
        if not tests:
            raise DataError(path, "name the claims.csv ids that test this thesis, separated by ;", n, "tests")
        for cid in tests:
            if cid not in listed:
                raise DataError(path, f"{cid!r} is not an id of claims.csv", n, "tests")
        kept = [cid for cid in tests if cid in claims]
        if len(kept) < len(tests):
            data.notes.append(f"thesis.csv: thesis {r['id']} (row {n}) is judged without "
                              + ", ".join(c for c in tests if c not in claims) + ": left out of claims.csv's build")
        per_scenario = {claims[c].calc in PER_SCENARIO for c in kept}
        if len(per_scenario) > 1:
            raise DataError(path, "a thesis is judged either per scenario (breakeven-like claims) or not: do not mix "
                            "them in one row", n, "tests")
        texts = {k: r[k] for k in per_edition(*THESIS_TEXTS) if r.get(k)}
        for col in ("evidence", "evidence_scenario", *per_edition("evidence", "evidence_scenario")):
            for m in PLACEHOLDER.finditer(r.get(col, "")):
                cid, cond, listed_ = m.groups()
                if cid not in listed:
                    raise DataError(path, f"placeholder {m.group(0)} names no claims.csv id", n, col)
                if cid in claims and (cond or listed_ or col.startswith("evidence_scenario")) and \
                        claims[cid].calc not in PER_SCENARIO:
                    raise DataError(path, f"{m.group(0)}: {cid} has one figure, not one per scenario", n, col)
                if cid in claims and cond and not claims[cid].condition:
                    raise DataError(path, f"{m.group(0)}: claim {cid} has no condition", n, col)
        for key in ("evidence", "evidence_scenario"):   # an edition's words, the same figures: one formula for both
            for k in per_edition(key):
                if r.get(k) and sorted(PLACEHOLDER.findall(r[k])) != sorted(PLACEHOLDER.findall(r.get(key, ""))):
                    raise DataError(path, f"{k} must name the same figures as {key} (placeholders in braces)", n, k)
        if r.get("evidence_scenario") and True not in per_scenario:
            raise DataError(path, "evidence_scenario is for a thesis judged per scenario", n, "evidence_scenario")
        out.append(Thesis(r["id"], r["thesis"], r.get("quote", ""), kept, r["evidence"], r.get("evidence_scenario", ""),
                          texts))
    return out


def listed_claims(folder: Path) -> set[str]:
    """Every id claims.csv lists, those the build leaves out included."""
    if not (folder / "claims.csv").exists():
        return set()
    _, rows = read_csv(folder / "claims.csv", ["id"], extra_ok=lambda h: True)
    return {r["id"] for _, r in rows}
