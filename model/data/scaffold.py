"""A new company folder: every data file, each column explained in comment rows, blanks to fill.

The rows listed are the company's shape (its years, interims, segments and scenarios); the values
are left blank. Building the folder before it is filled reports every required blank at once.
"""
from __future__ import annotations

import csv
import io
import json
import os
import re
import shutil
import tempfile
from pathlib import Path

from .claims import CLAIM_BASES, CLAIM_CALCS, CLAIM_CONDITIONS, CLAIM_TESTS
from .items import (ACTUAL_ITEMS, CASH_DRIVERS, COST_DRIVERS, EITHER_ACTUALS, FUNDING_ITEMS, REQUIRED_ACTUALS, CUSTOMER_ACTUALS, CUSTOMER_DRIVERS, RND_DRIVERS, SEGMENT_ACTUALS, SEGMENT_DRIVERS, SHARE_ITEMS, UNIT_ACTUALS, UNIT_DRIVERS, per_segment)
from .balance import BALANCE_ITEMS, BALANCE_TEXTS, GRADES
from .valuation import VALUATION_ITEMS, VALUATION_TEXTS
from .settings import (CLAIM_TEXTS, EDITIONS, FUNDING_TEXTS, MAX_FORECAST_YEARS, MAX_SCENARIOS, MAX_SEGMENTS, PLAIN_KEY,
                       SCENARIO_NAME, SENSITIVITY, SOURCE_TEXTS, TOLERANCES, per_edition)
from ..calc.formula import name_part
from ..labels import table
from .dataset import DEFAULT_SPLIT_YEARS
from .periods import FIRST_YEAR, LAST_YEAR, Period, forecast_periods, parse_period, parse_year_end, year_parts
from .units import (COST_LINES, RND_ACTUALS as RND_UNIT_ACTUALS, RND_DRIVERS as RND_UNIT_DRIVERS,
                    SETTINGS as UNIT_SETTINGS, UnitBuild, replaced_drivers)

VARIABLE_LINES = ("inference", "delivery", "opex_variable")   # the scaffold's default classes: the rest fixed

GUIDE = "templates/README.md"
FOLDER_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]*")


def parse_years(text: str) -> list[int]:
    """'2022-2024' -> [2022, 2023, 2024]; a single year is one full year."""
    m = re.fullmatch(r"\s*(?:FY)?(\d{4})\s*(?:-\s*(?:FY)?(\d{4}))?\s*", text, re.IGNORECASE)
    if not m:
        raise ValueError(f"--years {text!r}: expected a range of fiscal years such as 2022-2024")
    first, last = int(m.group(1)), int(m.group(2) or m.group(1))
    if last < first:
        raise ValueError(f"--years {text!r}: the last year comes before the first")
    if first < FIRST_YEAR or last > LAST_YEAR:
        raise ValueError(f"--years {text!r}: fiscal years from {FIRST_YEAR} to {LAST_YEAR}")
    return list(range(first, last + 1))


def parse_interims(text: str) -> list[Period]:
    out = []
    for code in filter(None, (c.strip() for c in text.split(","))):
        p = parse_period(code)
        if p is None or p.is_full_year:
            raise ValueError(f"--interims {code!r}: expected interim codes such as 1H2025, 9M2025, Q1 2025")
        out.append(p)
    return sorted(set(out))


def parse_segments(text: str) -> list[tuple[str, str]]:
    """'api:API,apps:Applications' -> [(key, label), ...]; a bare key is its own label."""
    segments = []
    for part in filter(None, (s.strip() for s in text.split(","))):
        key, _, label = part.partition(":")
        key, label = key.strip(), (label.strip() or key.strip())
        if not PLAIN_KEY.fullmatch(key):
            raise ValueError(f"--segments: key {key!r} must be a plain word: a letter, then letters, digits or _")
        if key.lower() in (k.lower() for k, _ in segments):
            raise ValueError(f"--segments: key {key!r} is given twice")
        segments.append((key, label))
    if not segments:
        raise ValueError("--segments: give at least one segment, e.g. main:Main")
    if len(segments) > MAX_SEGMENTS:
        raise ValueError(f"--segments: {len(segments)} segments; at most {MAX_SEGMENTS}")
    return segments


def parse_scenarios(text: str) -> list[str]:
    """Scenario names as assumptions.csv allows them (the loader's rules: a new folder must build once filled)."""
    names = [s.strip() for s in text.split(",") if s.strip()]
    if not names or len({name_part(n).lower() for n in names}) != len(names):
        raise ValueError(f"--scenarios {text!r}: give one or more distinct names, e.g. base,bull,bear (names that "
                         "differ only in case or punctuation are the same to Excel)")
    bad = next((n for n in names if not SCENARIO_NAME.fullmatch(n)), None)
    if bad:
        raise ValueError(f"--scenarios: {bad!r} must start with a letter and use only letters, digits, spaces, _ or - "
                         "(at most 31)")
    if len(names) > MAX_SCENARIOS:
        raise ValueError(f"--scenarios: {len(names)} scenarios; at most {MAX_SCENARIOS}")
    return names


def comment_rows(*lines: str) -> str:
    """Comment rows for a CSV: plain text without commas or quotes, so Excel keeps each in one cell."""
    for line in lines:
        assert "," not in line and '"' not in line, line
    return "".join(f"# {line}\n" for line in lines)


def csv_rows(rows) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    return out.getvalue()


def toml_string(s: str) -> str:
    return json.dumps(s, ensure_ascii=False)


def settings(pairs) -> str:
    """TOML `key = value` lines with their comments aligned."""
    return "".join(f"{f'{key} = {value}':<34}# {comment}\n" for key, value, comment in pairs)


def company_toml(name, segments, scenarios, forecast_end, year_end) -> str:
    main = settings([
        ("name", toml_string(name), "company name shown on every tab"),
        ("name_local", '""', "optional: the name in the local language"),
        ("ticker", '""', 'optional: exchange and code, e.g. "NASDAQ ABCD"'),
        ("currency", '""', 'e.g. "USD", "RMB", "EUR"'),
        ("unit", '""', 'display unit of every amount in the CSV files, e.g. "USD m", "RMB 100m"'),
        ("unit_local", '""', 'optional: the unit in the local language, e.g. "亿元"'),
        ("fiscal_year_end", toml_string(year_end), "month-day; FY2025 is the fiscal year that ends in 2025"),
        ("as_of", '""', 'date of the latest data used, e.g. "2026-01-31"'),
        ("forecast_end", forecast_end, "last forecast year; the forecast starts after the last full year of actuals.csv"),
        ("default_scenario", toml_string(scenarios[0]), "scenario selected when the workbook opens"),
        ("split_years", DEFAULT_SPLIT_YEARS, "forecast years shown in parts (1H | 2H | FY) from the latest interim"),
        ("adjustments_label", '""', 'optional: the name of adjusted minus reported net income, e.g. "Non-GAAP adjustments"'),
        ("reliability_legend", '""', "optional: what the reliability codes of sources.csv mean"),
    ])
    segs = "\n".join("[[segments]]\n" + settings([
        ("key", toml_string(k), f"a plain word: item and driver names use it (growth_{k})"),
        ("label", toml_string(label), "shown in the workbook"),
        ("seasonal", "false", "true: its forecast halves carry the base year's 2H / 1H pattern")]) for k, label in segments)
    tol = settings((key, default, table("en")[f"tolerances.{key}"]) for key, (_, default) in TOLERANCES.items())
    steps = settings((key, default, table("en")[f"sensitivity.{key}"]) for key, default in SENSITIVITY.items())
    return f"""# Company settings. Fill in every "" that is not marked optional; the guide is {GUIDE}.
# Then build the workbook:  python cli.py build --data <this folder>

{main}
# Revenue segments in the order the workbook shows them. With a single segment (no split
# disclosed) its share is 100% and its margin the blended margin: actuals.csv has no share_/gm_ rows.
{segs}
# Optional: how closely the Checks tab requires figures to tie. share_sum and segment_margin are
# fractions (0.001 = 0.1%); amount is in the display unit.
[tolerances]
{tol}
# Optional: the Sensitivity tab's steps, as fractions (0.05 = 5 percentage points).
[sensitivity]
{steps}"""


def actuals_csv(years, interims, segments) -> str:
    items = dict(ACTUAL_ITEMS)
    if len(segments) > 1:
        items.update(per_segment(SEGMENT_ACTUALS, segments))
    required = list(REQUIRED_ACTUALS) + [" or ".join(g) for g in EITHER_ACTUALS] + (
        ["every segment's rev_ (amount) or share_"] if len(segments) > 1 else [])
    periods = [Period(y, 12) for y in years] + list(interims)
    periods.sort()
    head = comment_rows(
        f"actuals.csv: historical figures; one per row. Guide: {GUIDE}",
        "Fill the value column. A blank value means not disclosed: the workbook shows n/a (never zero).",
        "Amounts in the unit of company.toml; rates as 60% or 0.6; a loss as -1.5 or (1.5).",
        f"Required for FY{years[-1]} (the last full year: the base of the forecast): " + "; ".join(required) + ".",
        *[f"  {key}: {item.help}" for key, item in items.items()],
        "Segment revenue: amounts (rev_) or shares (share_) or both (they must tie); cost of revenue or gross profit",
        "or both (they must tie); a segment margin left blank where not disclosed shows as n/a.",
        "rnd_compute_share: an ASSUMPTION only for a period that discloses no compute; say why in the note.",
        "source: ids from sources.csv separated by ; (shown beside the figure). note: free text.",
        "Full years must be consecutive. An interim (1H/9M/Q1) is compared with the same interim a year earlier.",
        "Rows whose first cell starts with # are comments. Delete rows you do not need; add rows as data arrive.",
    )
    return head + csv_rows([["item", "period", "value", "source", "note"]]
                           + [[item, p.code, "", "", ""] for item in items for p in periods])


def period_columns(first_year, forecast_end, stub=None) -> list[Period]:
    """The forecast columns of assumptions.csv and units.csv (periods.forecast_periods, the default split)."""
    return forecast_periods(list(range(first_year, forecast_end + 1)), stub, DEFAULT_SPLIT_YEARS)


def parts_note(first_year, stub) -> list[str]:
    """Comment rows on the columns of a forecast that runs in parts from an interim of its first year."""
    if stub is None:
        return []
    rest, nxt = stub.rest().code, year_parts(first_year + 1, stub.months)
    return [f"{stub.code} is an interim of FY{first_year}: FY{first_year} = {stub.code} actual + {rest} forecast; "
            f"FY{first_year + 1} = {nxt[0].code} + {nxt[1].code}",
            f"(company.toml split_years; default {DEFAULT_SPLIT_YEARS}). A part's growth is over the part before it (half on",
            "half; at the run rate for parts of unequal length); its margin or amount is its own. Leave the full-year",
            "cells of those years blank for these drivers: each full year is the sum of its parts. The cash-flow",
            "drivers take full years only (FY columns)."]


def assumptions_csv(segments, scenarios, first_year, forecast_end, stub=None, units: str = "") -> str:
    """The drivers' rows, one column per forecast period (with an interim of the first forecast year, `stub`,
    the near term in parts: 2H2026, FY2026, 1H2027, 2H2027, FY2027, FY2028 ...). With the unit build for
    segment `units`, no row of a driver it replaces (a row nobody would read in the workbook): the segment's
    growth and margin, other operating costs' growth and the split R&D's (rnd_growth stays: R&D is one line
    when compute within R&D is not known)."""
    drivers = {**per_segment(SEGMENT_DRIVERS, segments), **RND_DRIVERS[True], **RND_DRIVERS[False], **COST_DRIVERS}
    if units:
        replaced = replaced_drivers(UnitBuild(units, {}, {}), rnd=False) | set(RND_DRIVERS[True])
        drivers = {k: v for k, v in drivers.items() if k not in replaced}
    columns = period_columns(first_year, forecast_end, stub)
    years = [p.code for p in columns]
    head = comment_rows(
        f"assumptions.csv: forecast drivers; one row per scenario and driver. Guide: {GUIDE}",
        "Scenarios: as many as you like; their names and order come from this file. Every scenario needs every driver.",
        *[f"  {key}: {item.help}" for key, item in drivers.items()],
        *(["R&D: when actuals.csv gives rnd_compute for the base year (or an earlier period) fill rnd_compute_growth",
           "and rnd_other_growth and leave rnd_growth blank; otherwise fill rnd_growth and leave the other two blank."]
          if not units else
          [f"The unit build (units.toml) forecasts {dict(segments).get(units, units)}; other operating costs and R&D from",
           "units.csv: their rows are not here. rnd_growth is used only when compute within R&D is never given",
           "(actuals.csv rnd_compute or rnd_compute_share): R&D is then one line; otherwise leave it blank."]),
        "Rates as 25% or 0.25; adjustments as an amount in the unit of company.toml.",
        "Cash-flow drivers (Cash & Funding tab; optional: a scenario without them assumes 0):",
        *[f"  {key}: {item.help.replace(',', ';')}" for key, item in CASH_DRIVERS.items()],
        *parts_note(first_year, stub),
        "rationale: a one-line reason shown beside the row in the workbook.",
        edition_note(["rationale"]),
    )
    texts = ["rationale", *per_edition("rationale")]
    blanks = [""] * (len(years) + len(texts))
    zeros = ["0" if p.is_full_year else "" for p in columns] + [""] * len(texts)
    return head + csv_rows([["scenario", "driver", *years, *texts]]
                           + [[sc, drv, *blanks] for sc in scenarios for drv in drivers]
                           + [[sc, drv, *zeros] for sc in scenarios for drv in CASH_DRIVERS])


def funding_csv(years, interims) -> str:
    """The cash at the latest actual date (an interim after the last full year, else that year)."""
    after = [p for p in interims if p.year == years[-1] + 1]
    opening = max(after) if after else Period(years[-1], 12)
    head = comment_rows(
        f"funding.csv: cash and funding for the Cash & Funding tab; one item per row. Guide: {GUIDE}",
        *[f"  {key}: {item.help.replace(',', ';')}" for key, item in FUNDING_ITEMS.items()],
        "opening_cash is required: its period is the actual period whose end the cash is measured at.",
        f"Add a raise as: equity_raise with the forecast year it arrives (FY{years[-1] + 2}) and an fx_rate row;",
        "or list several (IPO; placing; convertible bond; bank loan) with their dates in events.csv (see the guide;"
        f" its notes may be given per edition too: {' / '.join(per_edition('note'))}).",
        "Shares (Cash & Funding tab) need all of " + " / ".join(SHARE_ITEMS) + " (share_fx defaults to 1; plug_price is",
        "required with the plug on); without them the workbook shows no shares. share_price: a market quote with its date",
        "(date column); leave it out when the sources quote none (a placing price is not a quote).",
        "An approved share issue not yet priced (an A-share listing) is a share_issue event in events.csv: its stake of",
        "the enlarged capital; its issue price; its date; its amount the most it may raise.",
        "unit: shown beside the input. source and note: shown in the Inputs tab's source column.",
        edition_note(FUNDING_TEXTS),
    )
    more = [""] * len(per_edition(*FUNDING_TEXTS))
    return head + csv_rows([["item", "period", "value", "unit", "source", "note", *per_edition(*FUNDING_TEXTS)],
                            ["opening_cash", opening.code, "", "", "", "", *more],
                            ["min_cash", "", "0", "", "", "the floor cash must stay above", *more],
                            ["plug", "", "0", "", "", "1 turns the funding plug on", *more],
                            ["cash_rate", "", "0", "", "", "interest earned on cash", *more],
                            ["debt_rate", "", "0", "", "", "interest on the plug's debt", *more]])


def balance_csv(years, interims) -> str:
    """The opening balance sheet at the opening cash date, every item blank: fill what the filing discloses."""
    after = [p for p in interims if p.year == years[-1] + 1]
    opening = max(after) if after else Period(years[-1], 12)
    head = comment_rows(
        f"balance.csv (optional): the latest reported balance sheet at the opening cash date; one item per row. "
        f"Guide: {GUIDE}",
        *[f"  {key}: {item.help.replace(',', ';')}" for key, item in BALANCE_ITEMS.items()],
        "value: at the opening cash date (funding.csv opening_cash); blank = not disclosed: the workbook shows n/a",
        "and what equity holds beyond the figures given becomes one derived line (none when equity is blank).",
        "rate: annual interest earned or paid. repaid: share of the opening balance repaid a year (0 = rolled over).",
        "grade: " + " / ".join(GRADES) + " as the reference files grade a figure. Left all blank: no balance sheet "
        "is given.",
        edition_note(BALANCE_TEXTS),
    )
    more = [""] * len(per_edition(*BALANCE_TEXTS))
    return head + csv_rows([["item", "period", "value", "rate", "repaid", "unit", "source", "grade", "note",
                             *per_edition(*BALANCE_TEXTS)]]
                           + [[key, opening.code, "", "", "", "", "", "", "", *more] for key in BALANCE_ITEMS])


def valuation_csv(scenarios) -> str:
    """The Valuation tab's inputs, every value blank: fill them (or leave the file blank: no Valuation tab)."""
    head = comment_rows(
        f"valuation.csv (optional): the Valuation tab's inputs; one item per row. Guide: {GUIDE}",
        *[f"  {key}: {item.help.replace(',', ';')}" for key, item in VALUATION_ITEMS.items()],
        "weight: one row per scenario; the weights add to 100%. date: the date a peer multiple is as of.",
        "It needs shares_outstanding and unit_millions in funding.csv. Left all blank: no Valuation tab.",
        "The market price is funding.csv's share_price (a quote with its date); the ARR market.csv's latest claim.",
        edition_note(VALUATION_TEXTS),
    )
    more = [""] * len(per_edition(*VALUATION_TEXTS))
    rows = [[key, "", "", "", "", "", "", "", *more] for key in VALUATION_ITEMS if key != "weight"]
    rows += [["weight", sc, "", "", "", "", "", "", *more] for sc in scenarios]
    return head + csv_rows([["item", "scenario", "value", "date", "unit", "source", "grade", "note",
                             *per_edition(*VALUATION_TEXTS)]] + rows)


def edition_note(columns) -> str:
    """The comment row on the optional per-edition text columns (claim_zh ...)."""
    langs = " / ".join(f"--lang {lang}" for lang in EDITIONS)
    words = " / ".join(columns)  # comment rows hold no commas
    return (f"optional: {' / '.join(per_edition(*columns))}: {words} as the edition of that "
            f"language shows them ({langs}); left blank: {words} as given.")


def claims_csv() -> str:
    return comment_rows(
        f"claims.csv (optional): claims of a research note to audit on the Claims Audit tab. Guide: {GUIDE}",
        "id: a short code. claim: plain words. quote: the note's wording. reported: the note's figure.",
        "unit: pct; x; amount; year; or a count's unit. calc: " + "; ".join(CLAIM_CALCS) + ".",
        "metric: an Income Statement or Ratios line key. periods: period codes separated by ;.",
        "test: " + "; ".join(CLAIM_TESTS) + ". tolerance: in the claim's unit. explanation: one line.",
        "optional: group: the claim a row is part of (counted once). basis: " + "; ".join(CLAIM_BASES)
        + " (what the model's figure rests on). benchmark: the id of the claim giving the figure compared with.",
        "optional: condition: " + "; ".join(CLAIM_CONDITIONS) + " (a breakeven claim's condition). latest: yes "
        "to show the claim against the latest actuals.",
        edition_note(CLAIM_TEXTS),
    ) + csv_rows([["id", "claim", "quote", "reported", "unit", "calc", "metric", "periods", "test", "tolerance",
                   "explanation", "source", "group", "basis", "benchmark", "condition", "latest",
                   *per_edition(*CLAIM_TEXTS)]])


def sources_csv() -> str:
    return comment_rows(
        f"sources.csv: every source the figures rely on; one per row. Guide: {GUIDE}",
        "id: a short id the source column of actuals.csv uses (S1). title: what it is.",
        "address: where the figures were read (a web address or a file). supports: the figures it supports.",
        "reliability: a short code explained by reliability_legend in company.toml (multi / single).",
        "filing: the original document the page quotes (a filing and its address); blank when the page is it.",
        edition_note(SOURCE_TEXTS),
    ) + csv_rows([["id", "title", "address", "supports", "reliability", "filing", *per_edition(*SOURCE_TEXTS)]])


def reference_csv() -> str:
    return comment_rows(
        f"reference.csv (optional): published figures the model must reproduce. Guide: {GUIDE}",
        "metric: an Income Statement or Ratios line key: revenue; gross_profit; gross_margin; rnd_to_revenue;",
        "revenue_growth; adjusted_net_income and so on. The Checks tab fails when the model's figure differs",
        "from value by more than tolerance (amounts in the display unit; ratios as % or fractions).",
    ) + "metric,period,value,tolerance,source,claim\n"


def units_files(segment: str, segments, years: list[int], scenarios, forecast_end: int, stub=None) -> dict[str, str]:
    """The unit build's three files (--units SEGMENT): settings and cost classes, operating metrics for
    the last actual year, unit drivers per scenario; values blank (settings 0) to fill. The optional
    customer segment is described in comments (its rows are added with the setting)."""
    if segment not in [k for k, _ in segments]:
        raise ValueError(f"--units {segment!r}: expected one of the segment keys ({', '.join(k for k, _ in segments)})")
    toml = ["# units.toml: the unit build (tokens x price for one segment; R&D from training and headcount).",
            f"# Guide: {GUIDE}. Every setting must be a positive number; every cost line \"fixed\" or \"variable\".",
            f'segment = "{segment}"']
    others = [k for k, _ in segments if k != segment]
    if others:
        toml.append(f'# customer_segment = "{others[0]}"   # optional: that segment\'s revenue = customers x revenue per '
                    "customer x head_scale; then add its rows to operating.csv and units.csv (see their comments)")
    toml += [f"{key} = 0   # {help_}" for key, (_, help_) in UNIT_SETTINGS.items()]
    toml += ["", "[cost_classes]"] + [f'{key} = "{"variable" if key in VARIABLE_LINES else "fixed"}"'
                                      for key in COST_LINES]
    operating = comment_rows(
        f"operating.csv: operating metrics of the unit build by full year. Guide: {GUIDE}",
        *[f"  {key}: {item.help.replace(',', ';')}" for key, item in UNIT_ACTUALS.items()],
        f"  ({'; '.join(CUSTOMER_ACTUALS)}: only with customer_segment in units.toml)",
        "reliability: A; B; C or assumption (not disclosed: give the rationale in note; shown as an assumption).",
        f"R&D metrics ({'; '.join(RND_UNIT_ACTUALS)}) are used when compute within R&D is known (actuals.csv).",
    ) + csv_rows([["item", "period", "value", "source", "reliability", "note"]]
                 + [[key, f"FY{years[-1]}", "", "", "", ""] for key in UNIT_ACTUALS if key not in CUSTOMER_ACTUALS])
    cols = [p.code for p in period_columns(years[-1] + 1, forecast_end, stub)]
    drivers = comment_rows(
        f"units.csv: unit drivers per scenario and forecast period. Guide: {GUIDE}",
        *[f"  {key}: {item.help.replace(',', ';')}" for key, item in UNIT_DRIVERS.items()],
        f"  ({'; '.join(CUSTOMER_DRIVERS)}: only with customer_segment in units.toml)",
        *parts_note(years[-1] + 1, stub),
        "Rates as 25% or 0.25; generations as a whole count per period. rationale: a one-line reason.",
        f"R&D drivers ({'; '.join(RND_UNIT_DRIVERS)}) are used when compute within R&D is known (actuals.csv);",
        "without it R&D is one line with assumptions.csv's rnd_growth.",
    ) + csv_rows([["scenario", "driver", *cols, "rationale"]]
                 + [[sc, drv, *[""] * (len(cols) + 1)] for sc in scenarios for drv in UNIT_DRIVERS
                    if drv not in CUSTOMER_DRIVERS])
    return {"units.toml": "\n".join(toml) + "\n", "operating.csv": operating, "units.csv": drivers}


def new_company(parent: Path, name: str, years: list[int], interims: list[Period], segments, scenarios,
                forecast_end: int, year_end: str = "12-31", units: str = "") -> list[Path]:
    """Write the folder parent/name (refusing an existing one) and return its files."""
    if not FOLDER_NAME.fullmatch(name):
        raise ValueError(f"{name!r}: use letters, digits, '-', '_' or '.' for the folder name")
    folder = Path(parent) / name
    if folder.exists():
        raise FileExistsError(f"{folder} already exists: choose another name or folder (nothing was changed)")
    if forecast_end <= years[-1]:
        raise ValueError(f"--forecast-end {forecast_end} must come after the last actual year {years[-1]}")
    if forecast_end - years[-1] > MAX_FORECAST_YEARS:
        raise ValueError(f"--forecast-end {forecast_end}: a forecast of {forecast_end - years[-1]} years; at most "
                         f"{MAX_FORECAST_YEARS}")
    if parse_year_end(year_end) is None:
        raise ValueError(f"--fiscal-year-end {year_end!r}: expected month-day such as 12-31 or 03-31")
    late = [p.code for p in interims if p.year > years[-1] + 1]
    if late:
        raise ValueError(f"--interims {', '.join(late)}: an interim must fall in FY{years[-1] + 1} or earlier")
    stub = max((p for p in interims if p.year == years[-1] + 1), default=None)
    files = {
        "company.toml": company_toml(name, segments, scenarios, forecast_end, year_end),
        "actuals.csv": actuals_csv(years, interims, segments),
        "assumptions.csv": assumptions_csv(segments, scenarios, years[-1] + 1, forecast_end, stub, units),
        "sources.csv": sources_csv(),
        "funding.csv": funding_csv(years, interims),
        "balance.csv": balance_csv(years, interims),
        "valuation.csv": valuation_csv(scenarios),
        "reference.csv": reference_csv(),
        "claims.csv": claims_csv(),
    }
    if units:
        files.update(units_files(units, segments, years, scenarios, forecast_end, stub))
    folder.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{folder.name}.", dir=folder.parent))
    try:
        for file, text in files.items():
            (tmp / file).write_text(text, encoding="utf-8")
        mask = os.umask(0)
        os.umask(mask)
        os.chmod(tmp, 0o777 & ~mask)   # as a plainly made folder (mkdtemp makes it private: 0700)
        os.rename(tmp, folder)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp)
    return [folder / f for f in files]
