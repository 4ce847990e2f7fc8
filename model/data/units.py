"""The optional unit build of a company folder: units.toml (settings and cost classes), operating.csv
(operating metrics by actual period) and units.csv (per-scenario unit drivers by forecast year).

With units.toml present, the cloud segment's revenue and cost and the two parts of R&D are forecast
from volume, price and unit cost (model/calc/units.py) instead of growth rates. Errors are
`DataError`s naming file, row and column, as for the other files.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import math

from ..calc.units import COST_LINES, INTERIM_FALLBACK
from .bounds import Bound, POSITIVE
from .files import DataError, LARGEST, Problems, SMALLEST, parse_number, read_csv, read_toml, toml_line, unknown
from .periods import parse_period



@dataclass
class UnitBuild:
    segment: str                               # the segment whose revenue is tokens x price (cloud / MaaS)
    settings: dict[str, float]                 # SETTINGS key -> value
    classes: dict[str, str]                    # COST_LINES key -> fixed | variable
    setting_lines: dict[str, int] = field(default_factory=dict)
    customer_segment: str = ""                 # the segment whose revenue is customers x revenue per customer, or ""


# Scalar settings (units.toml): key -> (number format, help). Labels: model/labels units.<key>.
SETTINGS = {
    "days_per_year": ("int", "days a year of serving (tokens per day x days = tokens a year)"),
    "price_scale": ("amount4", "company units per (trillion tokens x one price unit); RMB per million "
                               "tokens into RMB 100m: 1e12 / 1e6 / 1e8 = 0.01"),
    "head_scale": ("amount4", "company units per (one head or customer x one per-head or per-customer unit): "
                              "R&D headcount x cost per head, customers x revenue per customer; RMB m into RMB 100m: 0.01"),
}
# What each setting may be: a year of serving has 1 to 366 days (1e300 days would turn every price into
# 1e-300); a scale is a plausible size (files.SMALLEST to LARGEST), as every figure typed in a CSV.
SETTING_BOUNDS = {"days_per_year": Bound("days", 1, 366), "price_scale": POSITIVE, "head_scale": POSITIVE}
# Base-year metrics the unit build divides by (price = revenue / tokens, cost per head, per customer, per
# generation) and grows from: 0 leaves every forecast of the line undefined.
DIVISORS = {"tokens_per_day": "the price per million tokens is the segment's revenue / tokens",
            "rnd_headcount": "the cost per head is R&D staff cost / headcount",
            "customers": "the revenue per customer is the segment's revenue / customers",
            "generations": "the cost per generation is the training cost / generations"}
FILES = ("operating.csv", "units.csv")   # the unit build's data files; units.toml turns them on
CLASSES = ("fixed", "variable")
# Drivers of assumptions.csv the unit build replaces: the unit segment's, every R&D driver (units.csv
# has its own), whichever way assumptions.csv forecasts R&D, and other operating costs' growth; with a
# customer segment, its growth.
REPLACED = ("growth_{seg}", "gm_{seg}", "rnd_compute_growth", "rnd_other_growth", "rnd_growth", "other_opex_growth")
RND_REPLACED = ("rnd_compute_growth", "rnd_other_growth", "rnd_growth")
# The unit build's R&D (training generations, research compute, people and the rest) splits compute within
# R&D; where compute is not known for the base year (never disclosed, nor assumed), R&D is forecast as one line
# with assumptions.csv's rnd_growth, and these metrics, drivers and cost lines are not used.
RND_ACTUALS = ("training_share", "generations", "rnd_headcount", "rnd_staff_cost")
RND_DRIVERS = ("generations", "training_cost_growth", "research_compute_growth", "headcount_growth",
               "cost_per_head_growth", "rnd_rest_growth")
RND_COST_LINES = ("training", "research_compute", "rnd_people", "rnd_rest")


def rnd_by_units(data) -> bool:
    """The unit build forecasts R&D (its parts) when compute within R&D is known for the base year."""
    return bool(data.units) and data.split_compute


def replaced_drivers(units: UnitBuild | None, rnd: bool = True) -> set[str]:
    """The drivers of assumptions.csv the unit build replaces; `rnd`: whether it forecasts R&D too."""
    if not units:
        return set()
    return {d.format(seg=units.segment) for d in REPLACED if rnd or d not in RND_REPLACED} | (
        {f"growth_{units.customer_segment}"} if units.customer_segment else set())


def load_settings(folder: Path, segments: list[str], problems: Problems) -> UnitBuild | None:
    """units.toml, or None when the folder has none (the growth-rate build); what is wrong with it goes
    into `problems`, reported with the other files' blanks."""
    path = folder / "units.toml"
    if not path.exists():
        return None
    text, table = read_toml(path)

    def problem(key, message):
        problems.append(DataError(path, message, toml_line(text, key), key))
    known = ("segment", "customer_segment", "cost_classes", *SETTINGS)
    for key in table:
        if key not in known:
            problem(key, unknown("setting", key, known))
    segment = table.get("segment")
    if segment not in segments:
        problem("segment", f"segment must be the key of the segment whose revenue is tokens x price, one of "
                           f"{', '.join(segments)}; found {segment!r}")
    customers = table.get("customer_segment", "")
    if customers and (customers not in segments or customers == segment):
        problem("customer_segment", "customer_segment (optional) must be the key of the segment whose revenue is "
                                    "customers x revenue per customer, another than segment: one of "
                                    f"{', '.join(s for s in segments if s != segment)}; found {customers!r}")
    if problems and any(p.file == path.name and p.column in ("segment", "customer_segment") for p in problems):
        problems.raise_if_any()   # the drivers a unit segment replaces cannot be known without it
    settings = {}
    for key in SETTINGS:
        why = setting_problem(key, table.get(key))
        if why:
            problem(key, why)
        else:
            settings[key] = float(table[key])
    classes = table.get("cost_classes")
    if not isinstance(classes, dict):
        problem("cost_classes", "[cost_classes] must be a table giving each cost line 'fixed' or 'variable': "
                                + ", ".join(COST_LINES))
        classes = {}
    for key, v in classes.items():
        if key == "other_opex":   # one line before the unit build split it
            problem(key, "other_opex is two cost lines in the unit build: opex_variable (a share of revenue) and "
                         "opex_fixed; give each a class instead")
        elif key not in COST_LINES:
            problem(key, unknown("cost line", key, COST_LINES))
        elif v not in CLASSES:
            problem(key, f"cost class of {key} must be \"fixed\" or \"variable\", found {v!r}")
    for key in COST_LINES:
        if key not in classes and isinstance(table.get("cost_classes"), dict):
            problem("cost_classes", f"[cost_classes] has no class for {key} (\"fixed\" or \"variable\")")
    return UnitBuild(segment, settings, dict(classes), {k: toml_line(text, k) for k in SETTINGS}, customers)


def setting_problem(key: str, v) -> str | None:
    """What is wrong with a units.toml setting's value, or None."""
    bound = SETTING_BOUNDS[key]
    if not isinstance(v, (int, float)) or isinstance(v, bool) or not math.isfinite(v) or not v > 0:
        return f"{key} must be a positive number ({SETTINGS[key][1]}), found {v!r}"
    if not bound.allows(v) or not SMALLEST <= v <= LARGEST:
        from .bounds import bound_text
        plausible = bound.high is not None or SMALLEST <= v <= LARGEST
        return (f"{key} {v:g} is not allowed: expected {bound_text(bound, 'amount')}" if plausible else
                f"{key} {v:g} is not a plausible size: expected one between {SMALLEST:g} and {LARGEST:g}")
    return None


def orphan_files(folder: Path) -> list[str]:
    """A note when the unit build's data files are in the folder without units.toml, which turns them on."""
    present = [name for name in FILES if (folder / name).exists()]
    if not present or (folder / "units.toml").exists():
        return []
    return [f"{' and '.join(present)} not used: units.toml, which turns the unit build on, is not in the folder "
            "(the forecast uses the growth rates of assumptions.csv); add units.toml, or remove the file"
            + ("s" if len(present) > 1 else "") + " when convenient"]


def load_operating(folder: Path, data, items: dict, optional: dict, sources: set[str], problems: Problems):
    """operating.csv into data.actuals (the metrics are actual items): only periods of actuals.csv are
    kept (rows of a later year wait until actuals.csv has it). Base-year metrics are required. An
    `optional` item (compute within R&D) is an assumption for a year actuals.csv leaves blank. Of the
    interims only the latest one of the first forecast year (the stub) is used: the second half starts
    from it; a metric it does not give falls back to the base year's (noted here and on the tab)."""
    path = folder / "operating.csv"
    if not path.exists():
        raise DataError(path, "missing: units.toml turns the unit build on, which needs operating.csv "
                              "(item,period,value,source,reliability,note)")
    _, rows = read_csv(path, ["item", "period", "value"], ["source", "reliability", "note"])
    from .actuals import ASSUMPTION, assumption_sources, is_assumed
    from .bounds import check_bound
    from .dataset import Figure
    from .fields import check_sources
    from .items import CUSTOMER_ACTUALS
    seen, known = {}, {**items, **optional}
    for n, r in rows:
        item = r["item"]
        if item in CUSTOMER_ACTUALS and item not in known:
            raise DataError(path, f"{item} needs customer_segment in units.toml (the segment whose revenue is "
                                  "customers x revenue per customer)", n, "item")
        if item not in known:
            raise DataError(path, unknown("item", item, known), n, "item")
        period = parse_period(r["period"])
        if period is None:
            raise DataError(path, f"period {r['period']!r} is not a period code such as FY2024 or 1H2025", n, "period")
        if (item, period) in seen:
            raise DataError(path, f"{item} for {period.code} is given twice (also in row {seen[item, period]})", n, "period")
        seen[item, period] = n
        value = parse_number(r["value"], path, n, "value", required=False)
        check_bound(known[item].bound, known[item].unit, value, path, n, "value", data.notes)
        check_sources(r.get("source", ""), sources, path, n, "source")
        if period not in data.periods:   # a later year: used once actuals.csv has it
            continue
        if not period.is_full_year and period != data.stub:
            data.notes.append(f"operating.csv, row {n}: {item} for {period.code} is not used (the unit build starts "
                              f"its interim from the latest interim of the first forecast year only)")
            continue
        if item in optional and data.actual(item, period) is not None:
            data.notes.append(f"operating.csv, row {n}: {item} for {period.code} is not used: actuals.csv gives the "
                              "reported figure")
            continue
        if item in optional and data.actual(f"{item}_share", period) is not None:
            problems.append(DataError(path, f"{item} for {period.code} is assumed in actuals.csv already "
                                            f"({item}_share): remove one", n, "item"))
            continue
        reliability, source = r.get("reliability", ""), r.get("source", "")
        assumed = reliability.strip().lower() == ASSUMPTION or is_assumed(item, source, assumption_sources(data))
        if reliability.strip().lower() == ASSUMPTION:   # shown as such in the Inputs tab's source column
            source = "; ".join(x for x in (ASSUMPTION, source) if x)
        note = "; ".join(x for x in (reliability and f"reliability {reliability}", r.get("note")) if x)
        data.actuals.setdefault(item, {})[period] = Figure(value, source, note, assumed=assumed)
    base = data.base_year
    if not data.split_compute:   # compute within R&D unknown: R&D is one line, its unit metrics are not used
        from .unused import RND_ONE_LINE, Unused
        unused = Unused(path)
        for (item, period), n in seen.items():
            if item in RND_ACTUALS and data.actual(item, period) is not None:
                unused.add(item, n, period.code, RND_ONE_LINE)
        unused.note(data.notes)
    for item in items:
        if item in RND_ACTUALS and not data.split_compute:
            continue
        if data.actual(item, base) is None:
            problems.append(DataError(path, f"{item} for {base.code} is required: the unit build starts from the "
                                            "base year's metrics", seen.get((item, base)), "value"))
        elif item in DIVISORS and data.actual(item, base) == 0:
            problems.append(DataError(path, f"{item} for {base.code} is 0, but the forecast starts from it: "
                                            f"{DIVISORS[item]} in the base year, then grows; give a figure above 0",
                                      seen.get((item, base)), "value"))
    unused = sorted({p for (_, p) in seen if p not in data.periods})
    if unused:
        data.notes.append(f"operating.csv: the rows for {', '.join(p.code for p in unused)} are not used: actuals.csv "
                          "has no such year (a later year is used once actuals.csv has it)")
    missing = [i for i in items if data.stub and data.actual(i, data.stub) is None]
    if missing:
        data.notes.append(interim_fallback_note(data, missing))


def interim_fallback_note(data, missing) -> str:
    """What the unit build assumes for the interim metrics operating.csv does not give (build report)."""
    stub, base = data.stub.code, data.base_year.code
    kinds = {"level": f"{base}'s figure", "share": f"{base}'s share",
             "flow": f"{base}'s × {data.stub.months}/12 (generations rounded to a whole number)"}
    parts = [f"{', '.join(i for i in missing if INTERIM_FALLBACK[i] == k)} ({text})" for k, text in kinds.items()
             if any(INTERIM_FALLBACK[i] == k for i in missing)]
    return (f"operating.csv gives no {stub} figure for {'; '.join(parts)}: the unit build's {stub} drivers fall back "
            f"to the full year, and the forecast halves start from them (Unit Economics says so)")


def load_drivers(folder: Path, data, items: dict, problems: Problems, name="units.csv",
                 needs="units.toml turns the unit build on"):
    """units.csv (or the compute build's compute.csv): scenario,driver,<forecast periods>,rationale, as
    assumptions.csv (read_forecast_table), for the unit drivers; into data.assumptions and data.rationales.
    Every scenario of assumptions.csv needs every driver. Generations are whole numbers in every period."""
    from .assumptions import driver_values, note_ignored, read_forecast_table
    from .settings import RATIONALE_TEXTS
    path = folder / name
    if not path.exists():
        raise DataError(path, f"missing: {needs}, which needs {name} (scenario,driver,<forecast periods>,rationale)")
    cols, rows = read_forecast_table(path, data, data.notes)
    from .items import UNIT_DRIVERS
    from .unused import RND_ONE_LINE, Unused
    where, ignored, unused = {}, {}, Unused(path)
    for n, r in rows:
        sc, drv = r["scenario"], r["driver"]
        if sc not in data.scenarios:
            raise DataError(path, unknown("scenario", sc, data.scenarios) + " (scenarios of assumptions.csv)", n, "scenario")
        if drv in RND_DRIVERS and drv not in items and drv in UNIT_DRIVERS:
            if any(r[h] for h in cols.values()):
                unused.add(drv, n, sc, RND_ONE_LINE)
            continue
        if drv not in items:
            raise DataError(path, unknown("driver", drv, items), n, "driver")
        if (sc, drv) in where:
            raise DataError(path, f"driver {drv} is given twice for scenario {sc} (also in row {where[sc, drv]})", n, "driver")
        where[sc, drv] = n
        vals = driver_values(path, n, r, cols, data, sc, drv, items[drv], problems, ignored)
        if vals and items[drv].unit == "count":
            for p, v in zip(cols, vals):
                if v is not None and v != int(v):
                    raise DataError(path, f"{v:g} {drv} is not a whole number: a period trains whole generations (a "
                                          "half 1, a year 2)", n, cols[p])
        data.assumptions[(sc, drv)] = vals
        if vals is not None:
            data.rationales[(sc, drv)] = {k: r.get(k, "") for k in ("rationale", *RATIONALE_TEXTS)}
    note_ignored(path, data, ignored)
    for sc in data.scenarios:
        for drv in items:
            if (sc, drv) not in where:
                problems.append(DataError(path, f"scenario {sc!r} has no row for driver {drv!r}", None, "driver"))
    unused.note(data.notes)
