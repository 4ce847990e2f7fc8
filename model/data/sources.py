"""sources.csv and reference.csv: where the figures come from, and the published figures the Checks
tab ties to."""
from __future__ import annotations

from pathlib import Path

from .bounds import check_bound, TOLERANCE
from .dataset import Dataset, Reference
from .fields import check_sources, read_period
from .files import DataError, parse_number, read_csv, unknown
from .periods import Period
from .settings import per_edition, SOURCE_TEXTS


def load_sources(folder: Path) -> list[dict]:
    path = folder / "sources.csv"
    _, rows = read_csv(path, ["id", "title", "address", "supports"], ["reliability", "filing", *per_edition(*SOURCE_TEXTS)])
    where = {}
    for n, r in rows:
        if not r["id"]:
            raise DataError(path, "the source id is empty", n, "id")
        if r["id"] in where:
            raise DataError(path, f"source id {r['id']!r} is given twice (also in row {where[r['id']]})", n, "id")
        where[r["id"]] = n
    return [r for _, r in rows]


def load_references(folder: Path, data: Dataset, sources: set[str]):
    """Published figures to tie to; each names a line (metric) and a period on the timeline."""
    from ..calc.lines import all_lines
    lines = all_lines(data)
    forecast = [Period(y, 12) for y in data.forecast_years]
    periods = data.periods + forecast
    path = folder / "reference.csv"
    if not path.exists():
        return []
    _, rows = read_csv(path, ["metric", "period", "value", "tolerance"], ["source", "claim", "claim_zh"])
    refs, where = [], {}
    for n, r in rows:
        if r["metric"] not in lines:
            raise DataError(path, unknown("metric", r["metric"], lines), n, "metric")
        period = read_period(r["period"], path, n, "period")
        if period not in periods:
            raise DataError(path, f"{period.code} is not a period of the model (" + ", ".join(p.code for p in periods)
                            + ")", n, "period")
        if period in forecast and lines[r["metric"]].forecast is None:
            raise DataError(path, f"{r['metric']} is not forecast, so it has no value for {period.code}", n, "period")
        if (r["metric"], period) in where:
            raise DataError(path, f"{r['metric']} for {period.code} is given twice (also in row "
                            f"{where[r['metric'], period]})", n, "period")
        where[r["metric"], period] = n
        tolerance = parse_number(r["tolerance"], path, n, "tolerance")
        check_bound(TOLERANCE, "amount", tolerance, path, n, "tolerance")
        check_sources(r.get("source", ""), sources, path, n, "source")
        refs.append(Reference(r["metric"], period, parse_number(r["value"], path, n, "value"), tolerance,
                              r.get("source", ""), r.get("claim", ""), lines[r["metric"]].unit,
                              r.get("claim_zh", "")))
    return refs
