"""claims.csv: the research note's quantitative claims and how the model tests each."""
from __future__ import annotations

from pathlib import Path

from .bounds import check_bound, TOLERANCE
from .dataset import Claim, Dataset
from .files import DataError, parse_number, read_csv, unknown
from .periods import parse_period, Period
from .settings import CLAIM_TEXTS, per_edition


# claims.csv: how the model computes a claim's figure (calc -> number of periods; None: one or more)
CLAIM_CALCS = {"value": 1, "cost_share": 1, "multiple": 2, "cagr": 2, "change": 2, "sum": None, "max": None,
               "min": None, "breakeven": 0, "released": 0, "none": 0}
# calcs with a row per scenario (the scenario's breakeven year; its incremental margin after breakeven)
PER_SCENARIO = ("breakeven", "released")
# unit-build lines the compute build redefines (cost per token: the average serving cost, not per-token inference)
REDEFINED = ("u_unit_cost", "u_variable_share")
CLAIM_TESTS = ("equal", "at_least", "at_most")
# what the model's figure rests on: another source (agreement corroborates the claim), the note itself (the
# data took the figure from it: agreement by construction), a proxy (can confirm the claim, cannot refute it)
# or the dataset's own assumptions (the unit build's split of a cost that is not disclosed: it shows what
# the claim means under them, it neither corroborates nor refutes)
CLAIM_BASES = ("source", "note", "proxy", "assumption")
# a claim's condition the model can hold: revenue growth kept at the last actual year's rate (calc breakeven)
CLAIM_CONDITIONS = ("growth_kept",)
# claims.csv's optional columns beyond the texts (templates/README.md)
CLAIM_OPTIONAL = ["quote", "metric", "periods", "explanation", "source", "group", "basis", "benchmark", "condition",
                  "latest", "per"]
# latest: "" (the claim's own periods only), "yes" (the later actuals shown beside it for reference: a claim about
# its own period is never judged by a later one) or "forward" (a claim about what follows the note: the later
# actuals judge it too)
CLAIM_LATEST = ("", "yes", "forward")
# calcs whose figure may be taken per period over another line (per: R&D over the adjusted loss)
PER_CALCS = ("value", "max", "min")

def left_out_because(data, metric: str) -> str:
    """Why a claim on `metric` does not apply to this build ("" when it does): a line of a build the folder
    does not have, or a unit-build line the compute build redefines."""
    if metric.startswith(("u_", "ue_")) and not data.units:
        return "is a line of the unit build, and this folder has no units.toml"
    if metric.startswith("c_") and not data.compute:
        return "is a line of the compute build, and this folder has no compute.csv"
    if metric in REDEFINED and data.compute:
        return "rests on the unit build's fixed serving share, which the compute build (compute.csv) replaces"
    return ""


def load_claims(folder: Path, data: Dataset) -> list[Claim]:
    """claims.csv (optional): the research note's quantitative claims and how to test each."""
    from ..calc.lines import all_lines
    path = folder / "claims.csv"
    if not path.exists():
        return []
    metrics = set(all_lines(data))
    if data.units:   # Unit Economics' lines (the contribution view, one definition of fixed and variable cost)
        from ..calc.units import contribution_lines
        metrics |= {ln.key for ln in contribution_lines(data)}
    periods = set(data.periods) | {Period(y, 12) for y in data.forecast_years}
    cols = ["id", "claim", "reported", "unit", "calc", "test", "tolerance"]
    texts = per_edition(*CLAIM_TEXTS)
    _, rows = read_csv(path, cols, [*CLAIM_OPTIONAL, *texts])
    claims, ids = [], {}
    for n, r in rows:
        if not r["id"].replace("_", "").isalnum():
            raise DataError(path, f"id {r['id']!r} must be letters and digits", n, "id")
        if r["id"].lower() in ids:
            first, row = ids[r["id"].lower()]
            raise DataError(path, f"claim id {r['id']!r} is given twice" if first == r["id"] else
                            f"claim id {r['id']!r} differs from {first!r} (row {row}) only in case; the defined names "
                            "Claim_<id> would collide (Excel names ignore case)", n, "id")
        ids[r["id"].lower()] = (r["id"], n)
        calc = r["calc"]
        if calc not in CLAIM_CALCS:
            raise DataError(path, f"unknown calc {calc!r}; expected one of " + ", ".join(CLAIM_CALCS), n, "calc")
        if r["test"] not in CLAIM_TESTS:
            raise DataError(path, f"unknown test {r['test']!r}; expected one of " + ", ".join(CLAIM_TESTS), n, "test")
        metric = r.get("metric", "")
        left_out = left_out_because(data, metric) if CLAIM_CALCS[calc] != 0 else ""
        if left_out:
            data.notes.append(f"claims.csv: claim {r['id']} (row {n}) left out: its metric {metric} {left_out}")
            continue
        if CLAIM_CALCS[calc] != 0 and metric not in metrics:
            raise DataError(path, unknown("metric", metric, sorted(metrics)), n, "metric")
        codes = [c for c in r.get("periods", "").split(";") if c.strip()]
        pers = []
        for c in codes:
            p = parse_period(c)
            if p is None or p not in periods:
                raise DataError(path, f"period {c.strip()!r} is not a period of the model", n, "periods")
            pers.append(p)
        need = CLAIM_CALCS[calc]
        if (need is None and not pers) or (need is not None and len(pers) != need):
            want = "one or more periods" if need is None else f"{need} period(s)"
            raise DataError(path, f"calc {calc} needs {want} separated by ';', found {len(pers)}", n, "periods")
        tolerance = parse_number(r["tolerance"], path, n, "tolerance")
        check_bound(TOLERANCE, "amount", tolerance, path, n, "tolerance")
        basis = r.get("basis") or "source"
        if basis not in CLAIM_BASES:
            raise DataError(path, f"unknown basis {basis!r}; expected one of " + ", ".join(CLAIM_BASES), n, "basis")
        condition = r.get("condition", "")
        if condition and condition not in CLAIM_CONDITIONS:
            raise DataError(path, f"unknown condition {condition!r}; expected one of " + ", ".join(CLAIM_CONDITIONS),
                            n, "condition")
        if condition and calc != "breakeven":   # (a computed case holds it for breakeven only)
            raise DataError(path, f"condition {condition} applies to calc breakeven only, not {calc}", n, "condition")
        if r.get("latest", "") not in CLAIM_LATEST:
            raise DataError(path, f"latest must be yes, forward or blank, not {r['latest']!r}", n, "latest")
        per = r.get("per", "")
        if per and per not in metrics:
            raise DataError(path, unknown("metric", per, sorted(metrics)), n, "per")
        if per and calc not in PER_CALCS:
            raise DataError(path, "per applies to calc " + ", ".join(PER_CALCS) + f", not {calc}", n, "per")
        group = r.get("group") or r["id"]
        if not group.replace("_", "").isalnum():
            raise DataError(path, f"group {group!r} must be letters and digits", n, "group")
        claims.append(Claim(r["id"], r["claim"], r.get("quote", ""), parse_number(r["reported"], path, n, "reported"),
                            r["unit"] or "amount", calc, metric, pers, r["test"], tolerance,
                            r.get("explanation", ""), r.get("source", ""), {k: r[k] for k in texts if r.get(k)},
                            group, basis, r.get("benchmark", ""), condition, r.get("latest", ""), per))
    by_id = {c.id: c for c in claims}
    for (n, _), c in zip(rows, claims):
        if c.benchmark and (c.benchmark not in by_id or c.benchmark == c.id or by_id[c.benchmark].calc in PER_SCENARIO):
            raise DataError(path, f"benchmark {c.benchmark!r} is not the id of another claim in the file (one that "
                            "is not a breakeven claim)", n, "benchmark")
    return claims
