"""The optional compute build of a company folder (with the unit build): serving and training cost from
accelerator capacity (model/calc/compute.py).

- compute.csv: per-scenario drivers by forecast year, as units.csv (rationale and rationale_zh);
- compute_operating.csv: the metrics by actual period, full years and interims: cost per accelerator-hour,
  throughput, owned accelerators, their capex, life and power, and where reported the fleet in service;
- reference_class.csv (optional): published figures the assumptions are held against (the Compute
  References tab), each with its source, grade and the model figure it is compared with.

compute.csv turns the build on. Errors are `DataError`s naming file, row and column.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from .bounds import AMOUNT, FRACTION, GROWTH, POSITIVE, SIGNED, Bound, check_bound
from .dataset import Figure
from .fields import check_sources
from .files import DataError, Problems, parse_number, read_csv, unknown
from .items import Item
from .periods import parse_period
from .settings import per_edition

UTILISATION = Bound("utilisation", 0, 1, low_open=True)
LEAD = Bound("lead", 0, 2)

# Metrics by actual period (compute_operating.csv). `fleet_reported` is optional: a fleet size the company or
# the press gives, which the reported cost is held against (the cost per accelerator-hour it implies).
COMPUTE_ACTUALS = {
    "rent_per_hour": Item("rent_per_hour", "per_hour", POSITIVE, "cost per accelerator-hour of rented capacity"),
    "throughput": Item("throughput", "throughput", POSITIVE,
                       "tokens per accelerator-second at full load, for the model generations served"),
    "owned_accelerators": Item("owned_accelerators", "accelerators", AMOUNT, "owned accelerators in service, thousand"),
    "capex_per_accelerator": Item("capex_per_accelerator", "per_accelerator", POSITIVE,
                                  "capital cost of an owned accelerator, installed"),
    "useful_life": Item("useful_life", "years", POSITIVE, "years an owned accelerator is depreciated over"),
    "power_hosting": Item("power_hosting", "per_hour", AMOUNT, "power and hosting per owned accelerator-hour"),
    "fleet_reported": Item("fleet_reported", "accelerators", AMOUNT,
                           "accelerators reported serving (optional), thousand", detail=True),
}
OPTIONAL_ACTUALS = ("fleet_reported",)
COMPUTE_DRIVERS = {
    "rent_per_hour": COMPUTE_ACTUALS["rent_per_hour"],
    "throughput": COMPUTE_ACTUALS["throughput"],
    "utilisation": Item("utilisation", "pct", UTILISATION,
                        "target utilisation: average tokens served over the fleet's capacity at full load"),
    "capacity_lead": Item("capacity_lead", "years", LEAD,
                          "years of the period's token growth the serving fleet is put in ahead of demand"),
    "owned_share": Item("owned_share", "pct", FRACTION, "owned share of the accelerator fleet"),
    "capex_per_accelerator": COMPUTE_ACTUALS["capex_per_accelerator"],
    "useful_life": COMPUTE_ACTUALS["useful_life"],
    "power_hosting": COMPUTE_ACTUALS["power_hosting"],
    "hours_per_gen_growth": Item("hours_per_gen_growth", "pct", GROWTH,
                                 "growth of the accelerator-hours a model generation takes to train"),
    "research_growth": Item("research_growth", "pct", GROWTH, "growth of the accelerators doing research"),
}
# What the compute build replaces of the unit build: its drivers and metrics of serving and training cost,
# checked but not used (removing compute.csv gives them back), and the classes of the serving lines.
REPLACED_DRIVERS = ("unit_cost_change", "serving_fixed_growth", "training_cost_growth", "research_compute_growth")
REPLACED_ACTUALS = ("serving_fixed_share",)
REPLACED_CLASSES = ("inference", "serving_fixed")


@dataclass
class Benchmark:
    """A published figure of the reference class (reference_class.csv): its range [low, high] in the
    company's units (converted where the source gives another currency: say so in the note), the model line
    it is compared with in `periods` (period codes, or 'forecast': every forecast year), and its grade."""
    id: str
    item: str
    low: float
    high: float
    unit: str                  # a unit kind of the model line (pct, per_hour, price, throughput, x ...)
    metric: str
    periods: list = field(default_factory=list)   # Period objects; empty: every forecast year
    source: str = ""
    reliability: str = ""
    note: str = ""
    texts: dict = field(default_factory=dict)     # item_zh, note_zh

    @property
    def fields(self) -> dict:
        return {"item": self.item, "note": self.note, **self.texts}


def has_compute(folder: Path) -> bool:
    return (Path(folder) / "compute.csv").exists()


def load(folder: Path, data, sources: set[str], problems: Problems):
    """The compute build into `data` (data.compute, its actuals and drivers, the reference class), when the
    folder has compute.csv and the unit build (units.toml; without it the compute files are noted as not used)."""
    if not has_compute(folder):
        return
    if not data.units:   # as the unit build's files without units.toml: noted, not used (nothing silently dead)
        data.notes.append("compute.csv, compute_operating.csv and reference_class.csv not used: the compute build "
                          "needs the unit build (tokens per day are its volume), and units.toml is not in the folder")
        return
    data.compute = True
    load_operating(folder, data, sources, problems)
    from .units import load_drivers
    load_drivers(folder, data, COMPUTE_DRIVERS, problems, name="compute.csv",
                 needs="compute.csv turns the compute build on")
    data.notes.append("compute build (compute.csv): serving and training cost from accelerator capacity; "
                      + ", ".join(REPLACED_DRIVERS) + " (units.csv) and " + ", ".join(REPLACED_ACTUALS)
                      + " (operating.csv) are checked but not used, and the classes of "
                      + " and ".join(REPLACED_CLASSES) + " (units.toml) do not apply: serving capacity is variable")
    data.benchmarks = load_benchmarks(folder, data, sources)


def load_operating(folder: Path, data, sources: set[str], problems: Problems):
    """compute_operating.csv into data.actuals: full years and interims of actuals.csv (a later period waits
    until actuals.csv has it); every metric but the optional ones is required for the base year."""
    path = folder / "compute_operating.csv"
    if not path.exists():
        raise DataError(path, "missing: compute.csv turns the compute build on, which needs compute_operating.csv "
                              "(item,period,value,source,reliability,note,note_zh)")
    _, rows = read_csv(path, ["item", "period", "value"], ["source", "reliability", "note", *per_edition("note")])
    seen = {}
    for n, r in rows:
        item = r["item"]
        if item not in COMPUTE_ACTUALS:
            raise DataError(path, unknown("item", item, COMPUTE_ACTUALS), n, "item")
        period = parse_period(r["period"])
        if period is None:
            raise DataError(path, f"period {r['period']!r} is not a period code such as FY2024 or 1H2025", n, "period")
        if (item, period) in seen:
            raise DataError(path, f"{item} for {period.code} is given twice (also in row {seen[item, period]})", n,
                            "period")
        seen[item, period] = n
        value = parse_number(r["value"], path, n, "value", required=False)
        check_bound(COMPUTE_ACTUALS[item].bound, COMPUTE_ACTUALS[item].unit, value, path, n, "value", data.notes)
        check_sources(r.get("source", ""), sources, path, n, "source")
        if period not in data.periods:
            continue
        reliability, source = r.get("reliability", ""), r.get("source", "")
        if reliability.lower() == "assumption":   # shown as such in the Inputs tab's source column
            source = "; ".join(x for x in ("assumption", source) if x)
        graded = lambda note: "; ".join(x for x in (reliability and f"reliability {reliability}", note) if x)  # noqa: E731
        data.actuals.setdefault(item, {})[period] = Figure(
            value, source, graded(r.get("note", "")), {k: graded(r[k]) for k in per_edition("note") if r.get(k)},
            assumed=reliability.strip().lower() == "assumption")
    for item in COMPUTE_ACTUALS:
        if item not in OPTIONAL_ACTUALS and data.actual(item, data.base_year) is None:
            problems.append(DataError(path, f"{item} for {data.base_year.code} is required: the compute build starts "
                                            "from the base year's metrics", seen.get((item, data.base_year)), "value"))


BENCHMARK_TEXTS = ("item", "note")


def load_benchmarks(folder: Path, data, sources: set[str]) -> list[Benchmark]:
    """reference_class.csv (optional): id,item,low,high,unit,metric,periods,source,reliability,note (+ _zh). A row
    without a metric is shown, not compared."""
    path = folder / "reference_class.csv"
    if not path.exists():
        return []
    from ..calc.compute import BENCHMARK_METRICS
    _, rows = read_csv(path, ["id", "item", "low", "high", "unit"],
                       ["metric", "periods", "source", "reliability", "note", *per_edition(*BENCHMARK_TEXTS)])
    out, ids = [], {}
    for n, r in rows:
        if r["id"] in ids:
            raise DataError(path, f"id {r['id']!r} is given twice (also in row {ids[r['id']]})", n, "id")
        ids[r["id"]] = n
        low, high = (parse_number(r[c], path, n, c) for c in ("low", "high"))
        for c, v in (("low", low), ("high", high)):
            check_bound(SIGNED, r["unit"], v, path, n, c)
        if low > high:
            raise DataError(path, f"low {low:g} is above high {high:g}", n, "low")
        if r["metric"] and r["metric"] not in BENCHMARK_METRICS:   # blank: shown, not compared
            raise DataError(path, unknown("metric", r["metric"], BENCHMARK_METRICS), n, "metric")
        periods = []
        for code in (c.strip() for c in r.get("periods", "").split(";") if c.strip()):
            p = parse_period(code)
            if p is None:
                raise DataError(path, f"period {code!r} is not a period code such as FY2025 or 1H2026 (blank: "
                                      "every forecast year)", n, "periods")
            periods.append(p)
        check_sources(r.get("source", ""), sources, path, n, "source")
        out.append(Benchmark(r["id"], r["item"], low, high, r["unit"], r.get("metric", ""), periods, r.get("source", ""),
                             r.get("reliability", ""), r.get("note", ""),
                             {k: r[k] for k in per_edition(*BENCHMARK_TEXTS) if r.get(k)}))
    return out
