"""actuals.csv: the reported figures by period, and the rules they must meet."""
from __future__ import annotations

import datetime
import re
from pathlib import Path

from .bounds import check_bound, pct
from .dataset import Dataset, Figure
from .fields import check_sources, read_period, valid_date
from .files import DataError, parse_number, Problems, read_csv, unknown
from .items import ACTUAL_ITEMS, actual_items, EITHER_ACTUALS, per_segment, REQUIRED_ACTUALS, SEGMENT_ACTUALS
from .periods import parse_year_end, period_end_date


ASSUMPTION = "assumption"   # a source id, or a reliability in sources.csv, that marks a figure as an assumption


def is_assumed(item: str, source: str, assumption_ids: set[str]) -> bool:
    """Whether a figure is an assumption, not a reported one: an assumed compute share by its nature, else
    one that cites an assumption source (the id `assumption`, or one whose reliability is `assumption`)."""
    cited = {s.strip().lower() for s in re.split(r"[;,]", source) if s.strip()}
    return item == "rnd_compute_share" or bool(cited & ({ASSUMPTION} | assumption_ids))


def assumption_sources(data) -> set[str]:
    return {s["id"].lower() for s in data.sources if s.get("reliability", "").strip().lower() == ASSUMPTION}


def load_actuals(folder: Path, data: Dataset, sources: set[str], problems: Problems):
    """Fills data.actuals and data.periods (every period the file names, even with blank values)."""
    path = folder / "actuals.csv"
    assumed = assumption_sources(data)
    items = {**ACTUAL_ITEMS, **per_segment(SEGMENT_ACTUALS, data.segments)}
    allowed = actual_items(data)
    _, rows = read_csv(path, ["item", "period", "value"], ["source", "note"])
    where = {}
    for n, r in rows:
        item = r["item"]
        if item not in items:
            raise DataError(path, unknown("item", item, allowed), n, "item")
        if item not in allowed:
            raise DataError(path, f"{item}: with a single segment its share is 100% and its margin the blended gross "
                                  "margin by definition; remove this row", n, "item")
        period = read_period(r["period"], path, n, "period")
        if (item, period) in where:
            raise DataError(path, f"{item} for {period.code} is given twice (also in row {where[item, period]})", n, "period")
        value = parse_number(r["value"], path, n, "value", required=False)
        check_bound(items[item].bound, items[item].unit, value, path, n, "value", data.notes)
        check_sources(r.get("source", ""), sources, path, n, "source")
        data.actuals.setdefault(item, {})[period] = Figure(value, r.get("source", ""), r.get("note", ""),
                                                           assumed=is_assumed(item, r.get("source", ""), assumed))
        where[(item, period)] = n
    data.periods = sorted({p for per_item in data.actuals.values() for p in per_item})
    first_row = {p: min(n for (_, q), n in where.items() if q == p) for p in data.periods}
    fys = data.full_years
    if not fys:
        raise DataError(path, "no full-year actuals: at least one FY period is needed", column="period")
    for a, b in zip(fys, fys[1:]):
        if b.year != a.year + 1:
            raise DataError(path, f"full years must be consecutive: {a.code} is followed by {b.code} "
                            f"(FY{a.year + 1} is missing)", first_row[b], "period")
    base = data.base_year
    for p in data.interims:
        if p.year > base.year + 1:
            raise DataError(path, f"interim {p.code} falls after FY{base.year + 1}, the first forecast year: give "
                                  f"the full years before it", first_row[p], "period")
    as_of = data.company.get("as_of")
    as_of = as_of if isinstance(as_of, datetime.date) else (datetime.date.fromisoformat(str(as_of))
                                                            if as_of and valid_date(str(as_of)) else None)
    year_end = parse_year_end(str(data.company.get("fiscal_year_end", "")))
    for p in data.periods if as_of and year_end else []:
        ends = datetime.date(*period_end_date(p, year_end))
        if ends > as_of:
            raise DataError(path, f"{p.code} ends on {ends}, after as_of {as_of} in company.toml (the date of the "
                            "latest data used): correct the period, or move as_of", first_row[p], "period")
    for item in REQUIRED_ACTUALS:
        if data.actual(item, base) is None:
            problems.append(DataError(path, f"{item} for {base.code} is required: the last full year is the base of "
                                            "the forecast", where.get((item, base)), "value"))
    for group in EITHER_ACTUALS:
        if all(data.actual(i, base) is None for i in group):
            at = next((where[i, base] for i in group if (i, base) in where), None)
            problems.append(DataError(path, f"{' or '.join(group)} for {base.code} is required (either; the other is "
                                            "derived): the last full year is the base of the forecast", at, "value"))
    stub = data.stub
    if stub is not None:
        # what the rest of the year builds on; an undisclosed segment margin or compute within R&D is derived
        # (Dataset.forecast_bases), not required
        why = f"FY{stub.year} is forecast as {stub.code} actual plus {stub.rest().code}"
        for item in list(REQUIRED_ACTUALS) + ["net_income"]:
            if data.actual(item, stub) is None:
                problems.append(DataError(path, f"{item} for {stub.code} is required: {why}", where.get((item, stub)),
                                          "value"))
        for group in EITHER_ACTUALS:
            if all(data.actual(i, stub) is None for i in group):
                at = next((where[i, stub] for i in group if (i, stub) in where), None)
                problems.append(DataError(path, f"{' or '.join(group)} for {stub.code} is required (either; the other "
                                                f"is derived): {why}", at, "value"))
        if data.split_compute and not data.compute_given(stub) and data.compute_carried_from(stub) is None:
            problems.append(DataError(path, f"rnd_compute (or an assumed rnd_compute_share) for {stub.code} is "
                                            f"required: {why}, and no earlier period has a share of R&D to carry",
                                      where.get(("rnd", stub)), "value"))
        if not data.single_segment:
            first_key = data.segments[0][0]
            if all(data.actual(f"{kind}_{first_key}", stub) is None for kind in ("rev", "share")):
                problems.append(DataError(path, f"segment revenue for {stub.code} is required: give every segment's "
                                                f"rev_<segment> (amount) or share_<segment>: {why}",
                                          where.get((f"share_{first_key}", stub)), "value"))
    if not data.single_segment:
        first_key = data.segments[0][0]
        if all(data.actual(f"{kind}_{first_key}", base) is None for kind in ("rev", "share")):
            problems.append(DataError(path, f"segment revenue for {base.code} is required: give every segment's "
                                            "rev_<segment> (amount) or share_<segment>", where.get((f"share_{first_key}", base)),
                                      "value"))
        for p in data.periods:
            problems.extend(share_problems(data, p, where, path))
            problems.extend(segment_amount_problems(data, p, where, path))
    for p in data.periods:
        problems.extend(tie_problems(data, p, where, path))


def tie_problems(data, p, where, path) -> list[DataError]:
    """Figures given two ways must agree: revenue - cost of revenue = gross profit; compute given both as
    an amount and as an assumed share is refused (the share is for a period that does not disclose it)."""
    out = []
    rev, cost, gp = (data.actual(i, p) for i in ("revenue", "cost_of_revenue", "gross_profit"))
    tolerance = data.company["tolerances"]["amount"]
    if None not in (rev, cost, gp) and abs(rev - cost - gp) > tolerance:
        out.append(DataError(path, f"revenue - cost_of_revenue = {rev - cost:.6g} for {p.code}, but gross_profit is "
                             f"{gp:.6g} (amount tolerance {tolerance:g} in company.toml): correct one, or leave one blank",
                             where["gross_profit", p], "value"))
    if data.actual("rnd_compute_share", p) is not None:
        if data.actual("rnd_compute", p) is not None:
            out.append(DataError(path, f"rnd_compute_share for {p.code} is an assumption for a period that does not "
                                 "disclose compute, but rnd_compute is given: remove one", where["rnd_compute_share", p],
                                 "value"))
        elif data.actual("rnd", p) is None:
            out.append(DataError(path, f"rnd_compute_share for {p.code} needs rnd for {p.code} (compute = R&D x share)",
                                 where["rnd_compute_share", p], "value"))
    return out


def segment_amount_problems(data, p, where, path) -> list[DataError]:
    """A period's segment revenue amounts: all given or none, adding to revenue, and tying to the shares
    where both are given (within share_sum of revenue: published shares are rounded)."""
    items = [f"rev_{key}" for key, _ in data.segments]
    given = [i for i in items if data.actual(i, p) is not None]
    if not given:
        return []
    missing = [i for i in items if i not in given]
    if missing:
        return [DataError(path, f"{missing[0]} for {p.code} is missing while {given[0]} is given: give every "
                          "segment's revenue for a period, or none", where[given[-1], p], "value")]
    rev, total = data.actual("revenue", p), sum(data.actual(i, p) for i in items)
    tol = data.company["tolerances"]
    if rev is not None and abs(total - rev) > tol["amount"]:
        return [DataError(path, f"segment revenue for {p.code} adds up to {total:.6g}, not revenue {rev:.6g} (amount "
                          f"tolerance {tol['amount']:g} in company.toml)", where[items[-1], p], "value")]
    for key, _ in data.segments:
        share = data.actual(f"share_{key}", p)
        if share is not None and rev and abs(data.actual(f"rev_{key}", p) / rev - share) > tol["share_sum"]:
            return [DataError(path, f"rev_{key} for {p.code} is {pct(data.actual(f'rev_{key}', p) / rev)} of revenue but "
                              f"share_{key} is {pct(share)} (share_sum tolerance {pct(tol['share_sum'])}): correct one, or "
                              "leave the shares blank", where[f"share_{key}", p], "value")]
    return []


def share_problems(data, p, where, path) -> list[DataError]:
    """A period's segment shares: all given or none, adding to 100% within the share_sum tolerance."""
    items = [f"share_{key}" for key, _ in data.segments]
    given = [i for i in items if data.actual(i, p) is not None]
    if not given:
        return []
    missing = [i for i in items if i not in given]
    if missing:
        return [DataError(path, f"{missing[0]} for {p.code} is missing while {given[0]} is given: give every "
                          "segment's share for a period, or none", where[given[-1], p], "value")]
    total = sum(data.actual(i, p) for i in items)
    tolerance = data.company["tolerances"]["share_sum"]
    if abs(total - 1) > tolerance:
        return [DataError(path, f"revenue shares for {p.code} add up to {pct(total)}, not 100% (share_sum tolerance "
                          f"{pct(tolerance)} in company.toml)", where[items[-1], p], "value")]
    return []
