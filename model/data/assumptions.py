"""assumptions.csv: each scenario's drivers by forecast year, with a rationale per row."""
from __future__ import annotations

from pathlib import Path

from ..calc.formula import name_part
from .bounds import check_bound
from .dataset import Dataset
from .files import DataError, parse_number, Problems, read_csv, unknown
from .items import (_driver_items, all_driver_items, CASH_DRIVER_DEFAULT, CASH_DRIVERS, COST_DRIVERS, FUNCTION_DRIVERS,
                    per_segment, REST, rest_items, RND_DRIVERS, SEGMENT_DRIVERS, UNIT_DRIVERS, unit_replaced)
from .periods import parse_period
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


def refuse_growth_across_zero(data, path, where, year_cols, problems):
    """Other operating costs, net, grown by a percentage stay on the side of zero they start from: where they
    start as a net income (other income and gains above selling and G&A) a growth rate could never make them a
    cost again. Refused, with the way out: the income statement by function."""
    if data.by_function or data.units:
        return
    for drv, p in (("other_opex_growth", data.base_year), (REST + "other_opex_growth", data.stub)):
        opex = derived_opex(data, p) if p else None
        rows = [n for (sc, d), n in where.items() if d == drv]
        if opex is not None and opex <= 0 and rows:
            problems.append(DataError(path, f"other operating costs, net, are {opex:.6g} in {p.code} (gross profit − R&D "
                                      "− adjusted net income): a net income, which a growth rate can never take "
                                      "across zero; give selling_marketing and general_admin (or "
                                      f"selling_general_admin) in actuals.csv for {data.base_year.code}"
                                      + (f" and {data.stub.code}" if data.stub else "") + " to forecast the income "
                                      "statement by function", min(rows), year_cols[0]))


def whole_years(drv: str) -> bool:
    """A driver of every forecast year, the first one whole even after its year-to-date interim: the cash
    drivers (the cash bridge runs from the opening cash date) and the unit and compute builds' (they are annual)."""
    from .compute import COMPUTE_DRIVERS
    return drv in CASH_DRIVERS or drv in UNIT_DRIVERS or drv in COMPUTE_DRIVERS


def driver_columns(data, drv: str, year_cols: list[str]) -> list[str]:
    """The year columns of assumptions.csv that hold a driver's values: every forecast year, but with a
    year-to-date interim of the first one (data.stub) that year's column holds the remainder drivers
    only, and the other income-statement drivers start the year after."""
    if data.stub is None or whole_years(drv):
        return year_cols
    return year_cols[:1] if drv.startswith(REST) else year_cols[1:]


def remainder_problem(data, drv: str, column: str = "") -> str:
    """Where a remainder driver applies, in words for an error message."""
    first = data.base_year.year + 1
    what = f"{drv} forecasts the rest of FY{first} after its year-to-date interim"
    if data.stub is None:
        return (f"{what}, but actuals.csv has no interim of FY{first} (1H, 9M or a quarter) with revenue: FY{first} is forecast "
                f"from FY{first - 1} as a whole; leave the row blank or remove it")
    if column:
        return (f"{what} ({data.stub.rest().code}, after {data.stub.code}), so it takes a value in FY{first} only; "
                f"{column} has no interim: leave it blank")
    return f"FY{first} is {data.stub.code} actual plus {data.stub.rest().code}, forecast with the {REST}* drivers"


def load_assumptions(folder: Path, data: Dataset, problems: Problems):
    path = folder / "assumptions.csv"
    drivers = {k: v for k, v in all_driver_items(data).items() if k not in UNIT_DRIVERS}  # units.csv has those
    every = {**per_segment(SEGMENT_DRIVERS, data.segments), **RND_DRIVERS[True], **RND_DRIVERS[False], **COST_DRIVERS}
    every = {**every, **rest_items(every)}
    replaced = {d: every[d] for d in unit_replaced(data)}
    other_mode = {} if data.units else RND_DRIVERS[not data.split_compute]
    opex_mode = {"other_opex_growth": COST_DRIVERS["other_opex_growth"]} if data.by_function else FUNCTION_DRIVERS
    other_mode = {**other_mode, **rest_items(other_mode), **opex_mode, **rest_items(opex_mode)}
    years = list(range(data.base_year.year + 1, data.company["forecast_end"] + 1))
    year_cols = [f"FY{y}" for y in years]
    stub = data.stub
    plain = _driver_items(tuple(data.segments), data.split_compute, False, data.by_function)  # what a remainder twins
    remainder = rest_items(plain)
    known = set(drivers) | set(other_mode) | set(remainder) | set(replaced)
    is_year = lambda h: parse_period(h) is not None and parse_period(h).is_full_year  # noqa: E731
    header, rows = read_csv(path, ["scenario", "driver"] + year_cols, ["rationale", *RATIONALE_TEXTS], extra_ok=is_year)
    in_file = [h for h in header if is_year(h)]
    for a, b in zip(in_file, in_file[1:]):
        if parse_period(b) <= parse_period(a):
            raise DataError(path, f"year columns must run in order: {b} comes after {a}", 1, b)
    values, rationales, scenarios, excel_names, where, ignored = {}, {}, [], {}, {}, []
    for n, r in rows:
        sc, drv = r["scenario"], r["driver"]
        if not SCENARIO_NAME.fullmatch(sc):
            raise DataError(path, f"scenario name {sc!r} must start with a letter and use only letters, digits, "
                            "spaces, _ or - (at most 31)", n, "scenario")
        if drv not in known:
            raise DataError(path, unknown("driver", drv, drivers), n, "driver")
        if drv in other_mode:
            if any(r[c] for c in year_cols):
                hint = opex_mode_hint if drv.removeprefix(REST) in opex_mode else rnd_mode_hint
                raise DataError(path, hint(data, drv.removeprefix(REST)), n, "driver")
            continue
        if drv in remainder:
            wrong = [c for c in year_cols if r[c] and (stub is None or c != year_cols[0])]
            if wrong:
                raise DataError(path, remainder_problem(data, drv, wrong[0]), n, wrong[0])
            if stub is None:
                continue   # a blank remainder row: nothing to forecast with it
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
        cols = driver_columns(data, drv, year_cols)
        if stub and drv in plain and r[year_cols[0]]:
            ignored.append(n)
        blank = [c for c in cols if not r[c]]
        if blank:
            problems.append(DataError(path, f"{sc} / {drv}: no value for {year_span(blank)}"
                                      + (f" ({remainder_problem(data, drv)})" if drv in remainder else ""), n, blank[0]))
            values[(sc, drv)] = None
            continue
        item = drivers.get(drv) or replaced[drv]
        vals = [parse_number(r[c], path, n, c) if c in cols else None for c in year_cols]
        for c, v in zip(year_cols, vals):
            check_bound(item.bound, item.unit, v, path, n, c, data.notes)
        values[(sc, drv)] = vals
    if not scenarios:
        raise DataError(path, "no scenarios: add rows with scenario,driver,...")
    if ignored:
        data.notes.append(f"assumptions.csv: the {year_cols[0]} values of the income-statement drivers are ignored "
                          f"(rows {', '.join(map(str, ignored))}): {year_cols[0]} is the {stub.code} actual plus the "
                          f"{stub.rest().code} forecast, driven by the {REST}* rows; blank them when convenient")
    for h in header:
        p = parse_period(h) if h not in ("scenario", "driver", "rationale") else None
        if p and p.year < years[0]:
            data.notes.append(f"assumptions.csv: column {h} ignored ({data.base_year.code} actuals are in the data, "
                              f"so the forecast starts in FY{years[0]}); delete the column when convenient")
        elif p and p.year > years[-1]:
            data.notes.append(f"assumptions.csv: column {h} ignored (after forecast_end {years[-1]} in company.toml)")
    for sc in scenarios:
        first = min(n for (s, _), n in where.items() if s == sc)
        for drv in drivers:
            if (sc, drv) in values:
                continue
            if drv in CASH_DRIVERS:
                values[(sc, drv)] = [0.0] * len(years)
                rationales[(sc, drv)] = {"rationale": CASH_DRIVER_DEFAULT}
            else:
                why = f" ({remainder_problem(data, drv)})" if drv in remainder else ""
                problems.append(DataError(path, f"scenario {sc!r} has no row for driver {drv!r}{why}", first, "driver"))
    # rows of drivers the unit build replaces are checked as usual and kept out of the model (they serve
    # the growth-rate build of the same figures: the folder without units.toml); reported, as the workbook
    # shows other figures for what they forecast
    unused = Unused(path)
    for (sc, drv), n in where.items():
        if drv in replaced and values.get((sc, drv)) is not None:
            unused.add(drv, n, sc, unit_build_why(data, drv.removeprefix(REST)))
    unused.note(data.notes)
    values = {k: v for k, v in values.items() if k[1] not in replaced}
    data.scenarios, data.forecast_years, data.assumptions, data.rationales = scenarios, years, values, rationales
    refuse_growth_across_zero(data, path, where, year_cols, problems)
