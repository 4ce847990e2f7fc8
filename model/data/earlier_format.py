"""Forecast tables (assumptions.csv, units.csv, compute.csv) written for the earlier format: one column a
year, and for the year of the latest interim the `rest_` rows (rest_growth_cloud in FY2026 gave 2H2026 over
1H2026) or, before those, full-year values only. Such a table builds: each forecast part takes a documented
default from the year's value, and the build report names every default used with its file and rows
(templates/README.md, "The earlier format").

The defaults, by the kind of driver:
- a growth rate g of a year: each of the year's parts grows at (1 + g)^(1/2) - 1 over the part before. The
  parts' run rates are six months apart whatever the interim's length (1H and 2H; 9M and Q4: the midpoints
  of consecutive parts are half a year apart), so the half-year rate compounds to the year's;
- a margin, share, price or other level: the year's value in each part;
- an amount (adjustments): the year's amount spread over its parts by their months;
- a count (generations): whole numbers, the first part its months' share rounded (half up), the rest of the
  year the remainder;
- a `rest_` value gives the rest of the year after the interim as it did: a growth over the interim
  (2H = 1H x (1 + r)) becomes the run-rate growth (1 + r) x interim months / rest months - 1, a margin or
  amount is the rest's own. The year's own value of a driver with a rest_ row is ignored, as it was.

May import: .bounds, .files, .items, .periods (and .compute for its driver items)."""
from __future__ import annotations

from pathlib import Path

from .bounds import GROWTH
from .files import DataError, parse_number
from .items import (CASH_DRIVERS, COST_DRIVERS, FUNCTION_DRIVERS, per_segment, REST, RND_DRIVERS, SEGMENT_DRIVERS,
                    UNIT_DRIVERS)
from .periods import parse_column

KEYS = ("scenario", "driver")
# Added to the rationale of a row whose parts took a default, so the Inputs tab says so in each edition.
TAG = {"rationale": "Earlier format: the parts' values are defaults from the year's (see the build report).",
       "rationale_zh": "旧格式：分期数值为按全年数值推得的默认值（见生成报告）。"}


def is_earlier(header: list[str], rows, data) -> bool:
    """A table of the earlier format: only full-year columns where the forecast runs in parts, or rest_ rows
    in a table of full-year columns."""
    periods = [parse_column(h) for h in header if h not in KEYS]
    if any(p is not None and not p.is_full_year for p in periods):
        return False   # the current format (a rest_ row in it is refused by its reader)
    return bool(data.split_years) or any(r["driver"].startswith(REST) for _, r in rows)


def driver_kinds(data) -> dict:
    """Each driver a forecast table may hold -> its Item (growth, level, amount or count; its periods)."""
    from .compute import COMPUTE_DRIVERS
    return {**per_segment(SEGMENT_DRIVERS, data.segments), **RND_DRIVERS[True], **RND_DRIVERS[False], **COST_DRIVERS,
            **FUNCTION_DRIVERS, **CASH_DRIVERS, **UNIT_DRIVERS, **COMPUTE_DRIVERS}


def kind(item) -> str:
    if item is None:
        return "level"
    if item.bound == GROWTH:
        return "growth"
    return {"count": "count", "amount": "amount"}.get(item.unit, "level")


def number(x: float) -> str:
    return format(x, ".15g")


def row_list(rows: list[int]) -> str:
    """'rows 2-5, 9' for the build report."""
    rows, spans = sorted(set(rows)), []
    for n in rows:
        if spans and n == spans[-1][1] + 1:
            spans[-1][1] = n
        else:
            spans.append([n, n])
    text = ", ".join(f"{a}" if a == b else f"{a}-{b}" for a, b in spans)
    return f"row{'s' if len(rows) > 1 else ''} {text}"


def year_columns(path: Path, header: list[str], data, notes: list[str]) -> dict[int, str]:
    """The earlier format's year columns: forecast year -> its header text (every forecast year needed); a
    year outside the forecast is noted and ignored."""
    years, out = data.forecast_years, {}
    for h in header:
        p = parse_column(h) if h not in KEYS else None
        if p is None:
            continue
        if p.year in out:
            raise DataError(path, f"column {h!r} is FY{p.year} again (also column {out[p.year]!r}): keep one", 1, h)
        if years[0] <= p.year <= years[-1]:
            out[p.year] = h
        else:
            notes.append(f"{path.name}: column {h} ignored (the forecast runs FY{years[0]} to FY{years[-1]})")
    for y in years:
        if y not in out:
            raise DataError(path, f"missing column 'FY{y}': a table of one column a year (the earlier format) needs "
                                  f"every forecast year, FY{years[0]} to FY{years[-1]}", None, f"FY{y}")
    if list(out) != sorted(out):
        raise DataError(path, f"year columns must run in order: {', '.join(out.values())}", 1)
    return out


class Defaults:
    """The defaults used, by what was done and where, with the rows: the build report's notes."""

    def __init__(self):
        self.used: dict[str, list[int]] = {}

    def add(self, text: str, n: int):
        self.used.setdefault(text, []).append(n)

    def notes(self, name: str) -> list[str]:
        return [f"{name}, {row_list(rows)}: earlier format: {text}" for text, rows in self.used.items()]


def year_default(k: str, v: float, parts: list, part, stub) -> tuple[float, str]:
    """A part's value from its year's value v (parts: the year's two parts), and the default in words."""
    y = part.year
    where = (f"{part.code} (the rest of FY{y} after {stub.code})" if stub is not None and part == stub.rest()
             else " and ".join(p.code for p in parts))
    if k == "growth":
        return (1 + v) ** 0.5 - 1, (f"each FY{y} growth rate g applied to {where} as the half-year rate (1 + g)^½ − 1 "
                                   "that compounds to it (each part over the part before, at the run rate)")
    if k == "amount":
        return v * part.months / 12, (f"each FY{y} amount spread over {where} by months ("
                                      + ", ".join(f"{p.code} {p.months}/12" for p in parts if p != stub) + ")")
    if k == "count":
        first = int(v * parts[0].months / 12 + 0.5)
        return (first if part == parts[0] else v - first), (
            f"each FY{y} count split into whole numbers over {where}: {parts[0].code} takes its months' share of the "
            f"year rounded (half up), {parts[1].code} the rest")
    return v, f"each FY{y} value applied to {where} as it is"


def rest_default(k: str, v: float, stub, rest) -> tuple[float, str]:
    """The rest of the interim's year from a rest_ value, and the default in words."""
    if k == "growth" and stub.months != rest.months:
        return (1 + v) * stub.months / rest.months - 1, (
            f"each rest_ growth r (over {stub.code}) applied to {rest.code} at the run rate: (1 + r) × "
            f"{stub.months}/{rest.months} − 1")
    return v, f"each rest_ value applied to {rest.code} (its driver's column) as it is"


def convert(path: Path, header: list[str], rows, data, notes: list[str]):
    """(columns, rows) as read_forecast_table returns them, from a table of the earlier format, or None for
    a table of the current one. A converted cell's column is named by the file's column and the period it
    gives ('FY2027 (1H2027)'), so a message about it points at the cell the user typed."""
    if not is_earlier(header, rows, data):
        return None
    years = year_columns(path, header, data, notes)
    data.earlier_tables.add(path.name)
    items, stub = driver_kinds(data), data.stub
    cols = {p: years[p.year] if p.is_full_year else f"{years[p.year]} ({p.code})" for p in data.forecast_periods}
    plain, rests = {}, {}
    for n, r in rows:
        sc, drv = r["scenario"], r["driver"]
        if drv.startswith(REST):
            if (sc, drv) in rests:
                raise DataError(path, f"driver {drv} is given twice for scenario {sc} (also in row {rests[sc, drv][0]})",
                                n, "driver")
            rests[sc, drv] = (n, r)
        else:
            plain.setdefault((sc, drv), n)
    table = Table(path, data, cols, years, items)
    out = []
    for n, r in rows:
        sc, drv = r["scenario"], r["driver"]
        if not drv.startswith(REST):
            rest = rests.get((sc, REST + drv)) if plain[sc, drv] == n and stub is not None else None
            out.append((n, table.row(n, r, rest)))
        elif stub is not None and (sc, drv[len(REST):]) not in plain:   # a rest_ row without its driver's row
            out.append((n, table.row(n, {**r, "driver": drv[len(REST):]}, (n, r))))
    unused = [n for n, _ in rests.values()] if stub is None else []
    notes.append(f"{path.name} is in the earlier format (one column a year" + (", rest_ rows" if rests else "") + ")"
                 + (f": the forecast now runs in parts ({', '.join(p.code for p in data.forecast_periods)}); each part "
                    "takes the default named below: give the file a column per period to set them yourself "
                    "(templates/README.md, 'The earlier format')" if data.split_years else ""))
    if unused:
        notes.append(f"{path.name}, {row_list(unused)}: earlier format: rest_ rows not used (they gave the rest of a "
                     "year after its interim, and actuals.csv has no interim of the first forecast year with revenue); "
                     "delete them when convenient")
    if table.ignored:
        notes.append(f"{path.name}, {row_list(table.ignored)}: earlier format: the FY{stub.year} values of drivers with "
                     f"a rest_ row are ignored, as before (FY{stub.year} is {stub.code} actual plus {stub.rest().code}, "
                     "from the rest_ rows)")
    notes.extend(table.used.notes(path.name))
    return cols, out


class Table:
    """Rows of one earlier-format table into the current layout, with the defaults used."""

    def __init__(self, path, data, cols, years, items):
        self.path, self.data, self.cols, self.years, self.items = path, data, cols, years, items
        self.used, self.ignored = Defaults(), []

    def row(self, n: int, r: dict, rest) -> dict:
        """A driver's row keyed by the current columns; `rest` the (row, cells) of its rest_ row, if any."""
        data, years, stub = self.data, self.years, self.data.stub
        item = self.items.get(r["driver"])
        k, yearly, split = kind(item), item is not None and item.periods == "years", set(data.split_years)
        out = {key: v for key, v in r.items() if key in KEYS or parse_column(key) is None}
        cell = lambda cells, y: (cells.get(years[y]) or "").strip()  # noqa: E731
        before = sum(map(len, self.used.used.values()))
        for p, col in self.cols.items():
            if p.is_full_year:
                out[col] = cell(r, p.year) if yearly or p.year not in split else ""
                continue
            out[col] = ""
            if yearly:
                continue
            if rest is not None and p == stub.rest() and cell(rest[1], p.year):
                v, how = rest_default(k, parse_number(cell(rest[1], p.year), self.path, rest[0], years[p.year]), stub, p)
                out[col] = number(v)
                self.used.add(how, rest[0])
                if rest[0] != n and cell(r, p.year):
                    self.ignored.append(n)
            elif cell(r, p.year):
                v, how = year_default(k, parse_number(cell(r, p.year), self.path, n, years[p.year]),
                                      data.parts(p.year), p, stub)
                out[col] = number(v)
                self.used.add(how, n)
        if sum(map(len, self.used.used.values())) > before:
            english = (out.get("rationale") or "").strip()
            for key, tag in TAG.items():   # after the text in its language (Chinese: no space, 。)
                own = (out.get(key) or "").strip()
                text, chinese = own or english, key.endswith("_zh") and bool(own)
                stop = "" if not text or text.endswith((".", "。")) else "。" if chinese else "."
                out[key] = f"{text}{stop}{'' if chinese or not text else ' '}{tag}"
        return out


def edit_reason(name: str, period: str, data) -> str:
    """Why `edits --apply` cannot write a workbook edit of a forecast part into a table of the earlier
    format ('' when it can): the file has no column for it."""
    p = parse_column(period or "")
    if name not in data.earlier_tables or p is None or p.is_full_year:
        return ""
    return (f"{name} has one column a year (the earlier format), so a {p.code} value has no cell there; give the file "
            "a column per period (templates/README.md, 'The earlier format') to keep it")
