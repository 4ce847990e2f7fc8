"""Load a company folder (company.toml, actuals.csv, assumptions.csv, sources.csv, reference.csv).

Every problem is a `DataError` naming the file, the row and the column, so the CLI can report it and
stop before anything is written.
"""
from __future__ import annotations

import csv
import difflib
import io
import tomllib
from dataclasses import dataclass, field
from pathlib import Path

from .periods import Period, parse_period

MAX_FILE_BYTES = 5_000_000


class DataError(Exception):
    def __init__(self, file, message, row=None, column=None):
        self.file, self.row, self.column, self.message = Path(file).name, row, column, message
        where = self.file + (f", row {row}" if row else "") + (f", column '{column}'" if column else "")
        super().__init__(f"{where}: {message}")


# Historical line items: key -> (label, unit kind). Segment items are added per segment.
ACTUAL_ITEMS = {
    "revenue": ("Revenue", "amount"),
    "cost_of_revenue": ("Cost of revenue", "amount"),
    "gross_profit": ("Gross profit (reported)", "amount"),
    "rnd": ("R&D expense", "amount"),
    "rnd_compute": ("  of which compute", "amount"),
    "selling_marketing": ("Selling & marketing expense", "amount"),
    "net_income": ("Net income (loss), reported", "amount"),
    "adjusted_net_income": ("Adjusted net income (loss)", "amount"),
}
SEGMENT_ACTUALS = {"share": ("Revenue share — {}", "pct"), "gm": ("Gross margin — {}", "pct")}

# Forecast drivers per scenario: key -> (label, unit kind).
DRIVERS = {
    "rnd_compute_growth": ("R&D compute growth", "pct"),
    "rnd_other_growth": ("R&D other (people etc.) growth", "pct"),
    "other_opex_growth": ("Other operating costs growth", "pct"),
    "adjustments": ("Non-IFRS adjustments (SBC, fair-value changes)", "amount"),
}
SEGMENT_DRIVERS = {"growth": ("Revenue growth — {}", "pct"), "gm": ("Gross margin — {}", "pct")}

TOLERANCES = {
    "share_sum": "Tolerance: revenue shares sum to 100%",
    "amount": "Tolerance: amounts that must tie",
    "segment_margin": "Tolerance: segment-implied vs reported gross margin",
}


@dataclass
class Figure:
    value: float | None
    source: str = ""
    note: str = ""


@dataclass
class Reference:
    metric: str
    period: Period
    value: float
    tolerance: float
    source: str
    claim: str


@dataclass
class Dataset:
    folder: Path
    company: dict
    segments: list[tuple[str, str]]            # (key, label)
    periods: list[Period]                      # actual periods, sorted
    actuals: dict[str, dict[Period, Figure]]   # item -> period -> figure
    scenarios: list[str]
    forecast_years: list[int]
    assumptions: dict[tuple[str, str], list[float]]  # (scenario, driver) -> value per forecast year
    rationales: dict[tuple[str, str], str]
    sources: list[dict]
    references: list[Reference]
    tolerances: dict[str, float]
    extra: dict = field(default_factory=dict)

    @property
    def full_years(self) -> list[Period]:
        return [p for p in self.periods if p.is_full_year]

    @property
    def interims(self) -> list[Period]:
        return [p for p in self.periods if not p.is_full_year]

    def actual(self, item: str, period: Period) -> float | None:
        fig = self.actuals.get(item, {}).get(period)
        return fig.value if fig else None


def actual_items(segments) -> dict[str, tuple[str, str]]:
    items = dict(ACTUAL_ITEMS)
    for prefix, (text, unit) in SEGMENT_ACTUALS.items():
        for key, label in segments:
            items[f"{prefix}_{key}"] = (text.format(label), unit)
    return items


def driver_items(segments) -> dict[str, tuple[str, str]]:
    items = {}
    for prefix, (text, unit) in SEGMENT_DRIVERS.items():
        for key, label in segments:
            items[f"{prefix}_{key}"] = (text.format(label), unit)
    items.update(DRIVERS)
    return items


def parse_number(text: str, file, row, column, required=True) -> float | None:
    """A number as a user types it: 0.6, 60%, 1,234.5, (12.3) for negatives; blank is None."""
    s = (text or "").strip()
    if not s:
        if required:
            raise DataError(file, "a number is required here, the cell is empty", row, column)
        return None
    neg = s.startswith("(") and s.endswith(")")
    t = s.strip("()").replace(",", "").strip()
    pct = t.endswith("%")
    try:
        v = float(t.rstrip("%").strip())
    except ValueError:
        raise DataError(file, f"expected a number, found {s!r}", row, column) from None
    if v != v or v in (float("inf"), float("-inf")):
        raise DataError(file, f"expected a finite number, found {s!r}", row, column)
    v = v / 100 if pct else v
    return -v if neg else v


def read_text(path: Path) -> str:
    """A data file as text: UTF-8 (with or without BOM), else GBK as Excel saves it in China."""
    if not path.exists():
        raise DataError(path, "file not found")
    if path.stat().st_size > MAX_FILE_BYTES:
        raise DataError(path, f"file is larger than {MAX_FILE_BYTES // 1_000_000} MB; is it the right file?")
    raw = path.read_bytes()
    for enc in ("utf-8-sig", "gbk"):
        try:
            return raw.decode(enc)
        except UnicodeDecodeError:
            continue
    raise DataError(path, "cannot decode the file: save it as UTF-8 CSV")


def read_csv(path: Path, required: list[str], optional: list[str] = (), extra_ok=None):
    """Rows of a CSV as dicts with (row number, dict); header checked against the expected columns."""
    text = read_text(path)
    rows = list(csv.reader(io.StringIO(text)))
    if not rows or not any(cell.strip() for cell in rows[0]):
        raise DataError(path, "the file is empty; expected a header row: " + ",".join(required))
    header = [h.strip() for h in rows[0]]
    known = list(required) + list(optional)
    for i, h in enumerate(header):
        if h in known or (extra_ok and extra_ok(h)):
            continue
        hint = difflib.get_close_matches(h, known, n=1)
        raise DataError(path, f"unknown column {h!r}" + (f"; did you mean {hint[0]!r}?" if hint else
                        "; expected " + ", ".join(known)), 1, h)
    if len(set(header)) != len(header):
        dup = next(h for h in header if header.count(h) > 1)
        raise DataError(path, f"column {dup!r} appears twice", 1, dup)
    for col in required:
        if col not in header:
            raise DataError(path, f"missing column {col!r}", 1, col)
    out = []
    for n, cells in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in cells):
            continue
        if len(cells) > len(header) and any(c.strip() for c in cells[len(header):]):
            raise DataError(path, f"row has {len(cells)} cells but the header has {len(header)}", n)
        out.append((n, {h: (cells[i].strip() if i < len(cells) else "") for i, h in enumerate(header)}))
    return header, out


def load_company(folder: Path) -> dict:
    path = folder / "company.toml"
    try:
        company = tomllib.loads(read_text(path))
    except tomllib.TOMLDecodeError as e:
        raise DataError(path, f"not valid TOML: {e}") from None
    for key in ("name", "currency", "unit", "fiscal_year_end", "as_of", "forecast_end", "segments"):
        if key not in company:
            raise DataError(path, f"missing setting {key!r}", column=key)
    if not isinstance(company["forecast_end"], int):
        raise DataError(path, "forecast_end must be a year such as 2030", column="forecast_end")
    segs = company["segments"]
    if not isinstance(segs, list) or not segs or not all(isinstance(s, dict) and "key" in s and "label" in s for s in segs):
        raise DataError(path, "segments must be a list of [[segments]] tables with key and label", column="segments")
    keys = [s["key"] for s in segs]
    if len(set(keys)) != len(keys):
        raise DataError(path, "segment keys must be unique", column="segments")
    for k in keys:
        if not str(k).isidentifier():
            raise DataError(path, f"segment key {k!r} must be a plain word (letters, digits, _)", column="segments")
    tol = company.get("tolerances", {})
    for key in TOLERANCES:
        if not isinstance(tol.get(key), (int, float)) or tol.get(key) < 0:
            raise DataError(path, f"[tolerances] needs a non-negative number {key}", column=key)
    return company


def load_actuals(folder: Path, segments):
    path = folder / "actuals.csv"
    items = actual_items(segments)
    _, rows = read_csv(path, ["item", "period", "value"], ["source", "note"])
    actuals: dict[str, dict[Period, Figure]] = {}
    for n, r in rows:
        item = r["item"]
        if item not in items:
            hint = difflib.get_close_matches(item, items, n=1)
            raise DataError(path, f"unknown item {item!r}" + (f"; did you mean {hint[0]!r}?" if hint else ""), n, "item")
        period = parse_period(r["period"])
        if period is None:
            raise DataError(path, f"period {r['period']!r} is not a period code such as FY2024, 1H2025, 9M2025, Q1 2025", n, "period")
        if period in actuals.get(item, {}):
            raise DataError(path, f"{item} for {period.code} is given twice", n, "item")
        value = parse_number(r["value"], path, n, "value", required=False)
        if item == "revenue" and value is not None and value < 0:
            raise DataError(path, "revenue cannot be negative", n, "value")
        actuals.setdefault(item, {})[period] = Figure(value, r.get("source", ""), r.get("note", ""))
    periods = sorted({p for per_item in actuals.values() for p in per_item if per_item[p].value is not None})
    fys = [p for p in periods if p.is_full_year]
    if not fys:
        raise DataError(path, "no full-year actuals: at least one FY period is needed")
    for a, b in zip(fys, fys[1:]):
        if b.year != a.year + 1:
            raise DataError(path, f"full years must be consecutive: {a.code} is followed by {b.code}")
    last = fys[-1]
    for item in ("revenue", "cost_of_revenue", "rnd", "rnd_compute", "adjusted_net_income"):
        if actuals.get(item, {}).get(last) is None or actuals[item][last].value is None:
            raise DataError(path, f"{item} for {last.code} (the base of the forecast) is required", column="value")
    for key, _ in segments:
        for prefix in ("share", "gm"):
            if actual(actuals, f"{prefix}_{key}", last) is None:
                raise DataError(path, f"{prefix}_{key} for {last.code} (the base of the forecast) is required", column="value")
    return periods, actuals


def actual(actuals, item, period):
    fig = actuals.get(item, {}).get(period)
    return fig.value if fig else None


def load_assumptions(folder: Path, segments, first_year: int, last_year: int):
    path = folder / "assumptions.csv"
    drivers = driver_items(segments)
    years = list(range(first_year, last_year + 1))
    year_cols = [f"FY{y}" for y in years]
    is_year = lambda h: parse_period(h) is not None and parse_period(h).is_full_year  # noqa: E731
    header, rows = read_csv(path, ["scenario", "driver"] + year_cols, ["rationale"], extra_ok=is_year)
    values, rationales, scenarios = {}, {}, []
    for n, r in rows:
        sc, drv = r["scenario"], r["driver"]
        if not sc:
            raise DataError(path, "scenario name is empty", n, "scenario")
        if drv not in drivers:
            hint = difflib.get_close_matches(drv, drivers, n=1)
            raise DataError(path, f"unknown driver {drv!r}" + (f"; did you mean {hint[0]!r}?" if hint else ""), n, "driver")
        if (sc, drv) in values:
            raise DataError(path, f"driver {drv} is given twice for scenario {sc}", n, "driver")
        vals = [parse_number(r[c], path, n, c) for c in year_cols]
        if "growth" in drv:
            for c, v in zip(year_cols, vals):
                if v <= -1:
                    raise DataError(path, f"growth of {v:.0%} is below -100%", n, c)
        if sc not in scenarios:
            scenarios.append(sc)
        values[(sc, drv)] = vals
        rationales[(sc, drv)] = r.get("rationale", "")
    if not scenarios:
        raise DataError(path, "no scenarios: add rows with scenario,driver,...")
    for sc in scenarios:
        for drv in drivers:
            if (sc, drv) not in values:
                raise DataError(path, f"scenario {sc!r} has no row for driver {drv!r}", column="driver")
    return scenarios, years, values, rationales


def load_sources(folder: Path):
    path = folder / "sources.csv"
    _, rows = read_csv(path, ["id", "title", "address", "supports"], ["reliability"])
    ids = set()
    for n, r in rows:
        if r["id"] in ids:
            raise DataError(path, f"source id {r['id']!r} is given twice", n, "id")
        ids.add(r["id"])
    return [r for _, r in rows]


def load_references(folder: Path, metrics: set[str]):
    path = folder / "reference.csv"
    if not path.exists():
        return []
    _, rows = read_csv(path, ["metric", "period", "value", "tolerance"], ["source", "claim"])
    refs = []
    for n, r in rows:
        if r["metric"] not in metrics:
            hint = difflib.get_close_matches(r["metric"], metrics, n=1)
            raise DataError(path, f"unknown metric {r['metric']!r}" + (f"; did you mean {hint[0]!r}?" if hint else ""), n, "metric")
        period = parse_period(r["period"])
        if period is None:
            raise DataError(path, f"period {r['period']!r} is not a period code such as FY2024 or 1H2025", n, "period")
        refs.append(Reference(r["metric"], period, parse_number(r["value"], path, n, "value"),
                              parse_number(r["tolerance"], path, n, "tolerance"), r.get("source", ""), r.get("claim", "")))
    return refs


def metric_keys(segments) -> set[str]:
    """Line items a reference figure may name: every Income Statement and Ratios line."""
    from .lines import income_lines, ratio_lines
    return {ln.key for ln in income_lines(segments) + ratio_lines(segments)}


def load(folder) -> Dataset:
    folder = Path(folder)
    if not folder.is_dir():
        raise DataError(folder, "company folder not found")
    company = load_company(folder)
    segments = [(s["key"], s["label"]) for s in company["segments"]]
    periods, actuals = load_actuals(folder, segments)
    first = max(p.year for p in periods if p.is_full_year) + 1
    if company["forecast_end"] < first:
        raise DataError(folder / "company.toml", f"forecast_end {company['forecast_end']} is before the first forecast year {first}", column="forecast_end")
    scenarios, years, values, rationales = load_assumptions(folder, segments, first, company["forecast_end"])
    default = company.get("default_scenario", scenarios[0])
    if default not in scenarios:
        raise DataError(folder / "company.toml", f"default_scenario {default!r} is not a scenario in assumptions.csv ({', '.join(scenarios)})", column="default_scenario")
    sources = load_sources(folder)
    refs = load_references(folder, metric_keys(segments))
    return Dataset(folder, company, segments, periods, actuals, scenarios, years, values, rationales,
                   sources, refs, {k: float(company["tolerances"][k]) for k in TOLERANCES})
