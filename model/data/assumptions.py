"""assumptions.csv: each scenario's drivers by forecast period, with a rationale per row. units.csv has the
same shape and is read with the same `read_forecast_table` (model/data/units.py).

The columns are the forecast periods in timeline order (Dataset.forecast_periods): each year shown in
parts its forecast parts and then the year (2H2026, FY2026, 1H2027, 2H2027, FY2027), then the later years
(FY2028 ...). A driver takes values in the periods its kind names (items.Item.periods): the income
statement's and the unit build's drivers in the parts and the later years (the full year of a year in
parts is the sum of its parts), the cash drivers in every fiscal year."""
from __future__ import annotations

from pathlib import Path

from ..calc.formula import name_part
from . import earlier_format
from .bounds import check_bound
from .dataset import Dataset
from .files import DataError, parse_number, Problems, read_csv, unknown
from .items import (all_driver_items, CASH_DRIVER_DEFAULT, CASH_DRIVERS, COST_DRIVERS, FUNCTION_DRIVERS, per_segment,
                    REST, RND_DRIVERS, SEGMENT_DRIVERS, UNIT_DRIVERS, unit_replaced)
from .periods import Period, parse_column
from .settings import MAX_SCENARIOS, RATIONALE_TEXTS, SCENARIO_NAME
from .unused import Unused, unit_build_why


def year_span(columns: list[str]) -> str:
    return columns[0] if len(columns) == 1 else f"{columns[0]}..{columns[-1]}" if len(columns) > 2 else " and ".join(columns)


def rnd_mode_hint(data, driver) -> str:
    base = data.base_year.code
    if data.split_compute:
        carried = data.compute_carried_from(data.base_year)
        why = (f"gives rnd_compute for {carried.code}, whose share of R&D is carried to {base}" if carried else
               f"gives rnd_compute for {base}" if data.actual("rnd_compute", data.base_year) is not None else
               f"assumes rnd_compute_share for {base}")
        return (f"driver {driver!r} does not apply: actuals.csv {why}, so R&D is forecast as "
                "compute (rnd_compute_growth) plus the rest (rnd_other_growth); leave this row blank or remove it")
    return (f"driver {driver!r} applies only when compute within R&D is known for {base} (the base year: "
            "actuals.csv gives rnd_compute for it or an earlier period, or rnd_compute_share); without it R&D is "
            "forecast as one line with driver 'rnd_growth'; leave this row blank or remove it")


def opex_mode_hint(data, driver) -> str:
    periods = " and ".join(p.code for p in [data.base_year] + ([data.stub] if data.stub else []))
    if data.by_function:
        return (f"driver {driver!r} does not apply: actuals.csv gives selling_marketing and general_admin (or "
                f"selling_general_admin) for {periods}, so the costs below R&D are forecast by function ("
                + ", ".join(FUNCTION_DRIVERS) + "); leave this row blank or remove it")
    return (f"driver {driver!r} applies when the income statement is forecast by function: actuals.csv giving "
            f"selling_marketing and general_admin (or selling_general_admin) for {periods}"
            + (" (and no unit build)" if data.units else "") + "; leave this row blank or remove it")


def derived_opex(data, p) -> float | None:
    """Other operating costs, net, of an actual period as the workbook derives them: gross profit − R&D −
    adjusted net income (None when a figure is missing)."""
    a = lambda item: data.actual(item, p)  # noqa: E731
    gross = a("gross_profit") if a("gross_profit") is not None else (
        a("revenue") - a("cost_of_revenue") if None not in (a("revenue"), a("cost_of_revenue")) else None)
    if None in (gross, a("rnd"), a("adjusted_net_income")):
        return None
    return gross - a("rnd") - a("adjusted_net_income")


def refuse_growth_across_zero(data, path, where, column, problems):
    """Other operating costs, net, grown by a percentage stay on the side of zero they start from: where they
    start as a net income (other income and gains above selling and G&A) a growth rate could never make them a
    cost again. Refused, with the way out: the income statement by function."""
    if data.by_function or data.units:
        return
    rows = [n for (sc, d), n in where.items() if d == "other_opex_growth"]
    for p in (data.base_year, data.stub):   # the year grows from the base year's, its parts from the interim's
        opex = derived_opex(data, p) if p else None
        if opex is not None and opex <= 0 and rows:
            problems.append(DataError(path, f"other operating costs, net, are {opex:.6g} in {p.code} (gross profit − R&D "
                                      "− adjusted net income): a net income, which a growth rate can never take "
                                      "across zero; give selling_marketing and general_admin (or "
                                      f"selling_general_admin) in actuals.csv for {data.base_year.code}"
                                      + (f" and {data.stub.code}" if data.stub else "") + " to forecast the income "
                                      "statement by function", min(rows), column))
            return


def split_text(data) -> str:
    """How the forecast runs in parts, in words: 'FY2026 is 1H2026 actual + 2H2026; FY2027 is 1H2027 + 2H2027'."""
    out = []
    for y in data.split_years:
        first, rest = data.parts(y)
        out.append(f"FY{y} is {first.code}{' actual' if first == data.stub else ''} + {rest.code}")
    return "; ".join(out)


def missing_column(data, p) -> str:
    cols = ", ".join(q.code for q in data.forecast_periods)
    why = (f"{split_text(data)} (company.toml split_years), so the forecast runs by period, not by year: "
           if data.split_years else "")
    return f"missing column {p.code!r}: {why}the columns after 'driver' are {cols}"


def read_forecast_table(path: Path, data: Dataset, notes: list[str]):
    """The rows of a forecast table (scenario, driver, one column per forecast period, rationale) and the
    header text of each forecast period's column. A column of an earlier year or after forecast_end is
    noted and ignored; every forecast period needs its column, in timeline order."""
    columns = data.forecast_periods
    header, rows = read_csv(path, ["scenario", "driver"], ["rationale", *RATIONALE_TEXTS],
                            extra_ok=lambda h: parse_column(h) is not None)
    earlier = earlier_format.convert(path, header, rows, data, notes)   # one column a year: parts by default
    if earlier:
        return earlier
    cols, order = {}, []
    for h in header:
        p = parse_column(h) if h not in ("scenario", "driver", "rationale", *RATIONALE_TEXTS) else None
        if p is None:
            continue
        if p in cols:
            raise DataError(path, f"column {h!r} is {p.code} again (also column {cols[p]!r}): keep one", 1, h)
        cols[p] = h
        if p in columns:
            order.append(p)
        elif p.year < data.forecast_years[0] or p == data.stub:
            notes.append(f"{path.name}: column {h} ignored ({p.code} is an actual period: the forecast starts "
                         f"{'after ' + data.stub.code if data.stub else 'in FY' + str(data.forecast_years[0])}); "
                         "delete the column when convenient")
        elif p.year > data.forecast_years[-1]:
            notes.append(f"{path.name}: column {h} ignored (after forecast_end {data.forecast_years[-1]} in company.toml)")
        else:
            notes.append(f"{path.name}: column {h} ignored (not a forecast period: "
                         f"{split_text(data) or 'every forecast year is a full year'})")
    for p in columns:
        if p not in cols:
            raise DataError(path, missing_column(data, p), None, p.code)
    for a, b in zip(order, order[1:]):
        if columns.index(b) < columns.index(a):
            raise DataError(path, f"forecast columns must run in order ({', '.join(q.code for q in columns)}): "
                                  f"{cols[b]} comes after {cols[a]}", None, cols[b])
    return {p: cols[p] for p in columns}, rows


def driver_values(path, n, r, cols, data, sc, drv, item, problems: Problems, ignored: dict):
    """One row's values, aligned with data.forecast_periods (None outside the driver's periods), or None
    when a value it needs is blank (a problem is recorded). A value where the driver takes none is noted in
    `ignored` (row numbers by the period kind)."""
    want = data.driver_periods(item.periods)
    blank = [p for p in want if not r[cols[p]]]
    if any(r[cols[p]] for p in cols if p not in want):
        ignored.setdefault(item.periods, []).append(n)
    if blank:
        problems.append(DataError(path, f"{sc} / {drv}: no value for {year_span([p.code for p in blank])}", n,
                                  cols[blank[0]]))
        return None
    vals = [parse_number(r[cols[p]], path, n, cols[p]) if p in want else None for p in cols]
    for p, v in zip(cols, vals):
        check_bound(item.bound, item.unit, v, path, n, cols[p], data.notes)
    return vals


def note_ignored(path, data, ignored: dict):
    """The build report's note of values in columns a driver takes none in."""
    split = [f"FY{y}" for y in data.split_years]
    for kind, rows in ignored.items():
        where = ", ".join(map(str, rows))
        if kind == "years":
            data.notes.append(f"{path.name}: the cash-flow drivers take a value in fiscal-year columns only; their "
                              f"values in the columns of the parts of a year are ignored (rows {where})")
        else:
            data.notes.append(f"{path.name}: the {', '.join(split)} values of the income-statement drivers are ignored "
                              f"(rows {where}): {split_text(data)}, and each full year is the sum of its parts; "
                              "blank them when convenient")


def seasonal_problems(data, problems: Problems):
    """A segment marked seasonal carries the base year's pattern into its forecast parts: that needs its
    revenue for the base year and for the base year's interim of the latest interim's length (1H2025)."""
    if not data.seasonal or not data.split_years:
        return
    first = Period(data.base_year.year, data.stub.months)

    def revenue(key, p):   # a segment's revenue, given as an amount or as a share of revenue
        a = lambda item: data.actual(item, p)  # noqa: E731
        if data.single_segment:
            return a("revenue")
        return a(f"rev_{key}") if a(f"rev_{key}") is not None else (
            a("revenue") * a(f"share_{key}") if None not in (a("revenue"), a(f"share_{key}")) else None)
    for key in data.seasonal:
        for p in (data.base_year, first):
            if not revenue(key, p) if p == first else revenue(key, p) is None:
                problems.append(DataError(data.folder / "company.toml", f"segment {key!r} is seasonal: its forecast halves "
                                          f"carry {data.base_year.code}'s pattern ({first.rest().code} over {first.code}), "
                                          f"which needs its revenue for {p.code} in actuals.csv"
                                          + (" (above 0)" if p == first else ""), None, "segments"))
        if revenue(key, first) and revenue(key, data.base_year) is not None and (
                revenue(key, data.base_year) <= revenue(key, first)):
            problems.append(DataError(data.folder / "company.toml", f"segment {key!r} is seasonal, but its {first.code} "
                                      f"revenue is not below its {data.base_year.code} revenue: the rest of the year has no "
                                      "revenue to carry as a pattern; set seasonal = false", None, "segments"))


def load_assumptions(folder: Path, data: Dataset, problems: Problems):
    path = folder / "assumptions.csv"
    data.forecast_years = list(range(data.base_year.year + 1, data.company["forecast_end"] + 1))
    drivers = {k: v for k, v in all_driver_items(data).items() if k not in UNIT_DRIVERS}  # units.csv has those
    every = {**per_segment(SEGMENT_DRIVERS, data.segments), **RND_DRIVERS[True], **RND_DRIVERS[False], **COST_DRIVERS}
    replaced = {d: every[d] for d in unit_replaced(data)}
    other_mode = {} if data.units else RND_DRIVERS[not data.split_compute]
    opex_mode = {"other_opex_growth": COST_DRIVERS["other_opex_growth"]} if data.by_function else FUNCTION_DRIVERS
    other_mode = {**other_mode, **opex_mode}
    known = set(drivers) | set(other_mode) | set(replaced)
    seasonal_problems(data, problems)
    cols, rows = read_forecast_table(path, data, data.notes)
    values, rationales, scenarios, excel_names, where, ignored = {}, {}, [], {}, {}, {}
    for n, r in rows:
        sc, drv = r["scenario"], r["driver"]
        if not SCENARIO_NAME.fullmatch(sc):
            raise DataError(path, f"scenario name {sc!r} must start with a letter and use only letters, digits, "
                            "spaces, _ or - (at most 31)", n, "scenario")
        if drv.startswith(REST) and drv[len(REST):] in every:
            raise DataError(path, f"{drv} is a driver of the earlier format (the rest of a year after its interim): "
                                  f"the rest of the year is now a column of its own: give its value in the "
                                  f"{drv[len(REST):]} row" + (f" ({split_text(data)})" if data.split_years else ""),
                            n, "driver")
        if drv not in known:
            raise DataError(path, unknown("driver", drv, drivers), n, "driver")
        if drv in other_mode:
            if any(r[c] for c in cols.values()):
                hint = opex_mode_hint if drv in opex_mode else rnd_mode_hint
                raise DataError(path, hint(data, drv), n, "driver")
            continue
        if (sc, drv) in values:
            raise DataError(path, f"driver {drv} is given twice for scenario {sc} (also in row {where[sc, drv]})", n, "driver")
        same = excel_names.setdefault(name_part(sc).lower(), sc)
        if same != sc:
            raise DataError(path, f"scenario names {same!r} and {sc!r} are the same to Excel (defined names ignore case "
                                  "and punctuation): rename one", n, "scenario")
        if sc not in scenarios:
            if len(scenarios) == MAX_SCENARIOS:
                raise DataError(path, f"more than {MAX_SCENARIOS} scenarios", n, "scenario")
            scenarios.append(sc)
        rationales[(sc, drv)] = {k: r.get(k, "") for k in ("rationale", *RATIONALE_TEXTS)}
        where[sc, drv] = n
        values[(sc, drv)] = driver_values(path, n, r, cols, data, sc, drv, drivers.get(drv) or replaced[drv], problems,
                                          ignored)
    if not scenarios:
        raise DataError(path, "no scenarios: add rows with scenario,driver,...")
    note_ignored(path, data, ignored)
    years = data.driver_periods("years")
    for sc in scenarios:
        first = min(n for (s, _), n in where.items() if s == sc)
        for drv in drivers:
            if (sc, drv) in values:
                continue
            if drv in CASH_DRIVERS:
                values[(sc, drv)] = [0.0 if p in years else None for p in cols]
                rationales[(sc, drv)] = {"rationale": CASH_DRIVER_DEFAULT}
            else:
                problems.append(DataError(path, f"scenario {sc!r} has no row for driver {drv!r}", first, "driver"))
    # rows of drivers the unit build replaces are checked as usual and kept out of the model (they serve
    # the growth-rate build of the same figures: the folder without units.toml); reported, as the workbook
    # shows other figures for what they forecast
    unused = Unused(path)
    for (sc, drv), n in where.items():
        if drv in replaced and values.get((sc, drv)) is not None:
            unused.add(drv, n, sc, unit_build_why(data, drv.removeprefix(REST)))
    unused.note(data.notes)
    values = {k: v for k, v in values.items() if k[1] not in replaced}
    data.scenarios, data.assumptions, data.rationales = scenarios, values, rationales
    refuse_growth_across_zero(data, path, where, cols[data.forecast_periods[0]], problems)
