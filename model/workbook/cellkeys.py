"""Where a cell of one of our tabs stands, whatever its address: the identity of its row (the section
it sits in and its line: the line item's key where a line block placed it, else the row's label) and of
its column (the period the header above it names, such as FY2027E or 2H2026E, else its position).

A rebuild puts what the user added to a tab, and re-points a user's reference to it, by these keys,
never by the column a period had: the timeline changes (a forecast year becoming an actual, half-year
columns), the line items stay. The build record keeps each tab's row keys (record.py); the period
headers are read from the file itself, so columns a user inserted do not matter.
"""
from __future__ import annotations

import difflib
import re
from collections import Counter

from ..calc.formula import Ref
from ..data.periods import Period, parse_period

SEP = "\u241f"  # between the parts of a row key (a unit separator no label holds)


def label_key(value, is_formula: bool) -> str:
    """A row's identity for aligning rows: the start of its column-A text ("=" for a formula)."""
    if is_formula:
        return "="
    if value is None:
        return ""
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        return f"{float(value):g}"
    return str(value)[:24]


def _text(cell) -> str | None:
    """A label's text; for a label that repeats another (=A31: charted figures), "=" and that one's."""
    if cell is None or cell.content in (None, ""):
        return None
    if isinstance(cell.content, Ref):
        return "=" + (_text(cell.content.cell) or "")
    return None if cell.is_formula else str(cell.content).strip()


def row_keys(sheet) -> list:
    """One key per row of a Book sheet (None: a row with nothing in it). A row is named by its section and
    its line: the line item's key, else its label, else (a sensitivity grid's row, labelled by a formula
    in column B) its place below the section's heading. A label repeated within a section (each funding
    event's 'Received in fiscal year') is told apart by the nearest row above it whose key is unique, then
    by its place among its like."""
    rows = sheet.last_row() + 1
    filled = {r for r, _ in sheet.cells}
    section, top, base = "", 0, [None] * rows
    for r in range(rows):
        cell = sheet.cell_at(r, 0)
        if cell is not None and cell.role == "section" and _text(cell):
            section, top = _text(cell), r
        line = sheet.line_keys.get(r) or _text(cell) or (f"+{r - top}" if r in filled else None)
        if line:
            base[r] = f"{section}{SEP}{line}"
    counts = Counter(k for k in base if k)
    keys, parent, seen = [None] * rows, "", Counter()
    for r, key in enumerate(base):
        if key is None:
            continue
        if counts[key] == 1:
            keys[r], parent = key, key.rpartition(SEP)[2]
            continue
        key = f"{key}{SEP}{parent}"
        seen[key] += 1
        keys[r] = f"{key}{SEP}{seen[key]}"
    return keys


def period_code(cell) -> str | None:
    """The period a header cell of a Book sheet names with its A/E marker (FY2027E), else None."""
    if cell.role == "head" and cell.fmt.startswith("period_") and isinstance(cell.content, (int, float)):
        return f"{cell.fmt[len('period_'):-1]}{int(cell.content)}{cell.fmt[-1]}"
    return None


def period_columns(sheet) -> dict:
    """Header row -> {column: "FY2027E"} for every period header row of a Book sheet."""
    heads: dict = {}
    for (r, c), cell in sheet.cells.items():
        code = period_code(cell)
        if code:
            heads.setdefault(r, {})[c] = code
    return heads


def column_key(heads: dict, row: int, col: int) -> str:
    """A column's identity at a row: the period of the nearest header row above it that has the column,
    else "#" and its position (a table without periods). `heads`: header row -> {column: period}."""
    above = [r for r in heads if r < row and col in heads[r]]
    return heads[max(above)][col] if above else f"#{col}"


class Positions:
    """The cells of a built Book by key: where a row key and a column key now stand."""

    def __init__(self, book):
        self.book, self._sheets = book, {}

    def _sheet(self, name):
        if name not in self._sheets:
            sheet = next((s for s in self.book.sheets if s.name == name), None)
            rows = {k: r for r, k in enumerate(row_keys(sheet)) if k} if sheet else {}
            self._sheets[name] = (sheet, rows, period_columns(sheet) if sheet else {})
        return self._sheets[name]

    def find(self, sheet_name: str, row_key: str, col_key: str):
        """(row, column) of the cell at those keys on the sheet, or None where the sheet, the row or the
        period is no longer there."""
        sheet, rows, heads = self._sheet(sheet_name)
        r = rows.get(row_key)
        if r is None:
            return None
        if col_key.startswith("#"):
            return r, int(col_key[1:])
        cols = {c for h, cs in heads.items() if h < r for c, code in cs.items() if code == col_key}
        c = next((c for c in sorted(cols) if column_key(heads, r, c) == col_key), None)
        return None if c is None else (r, c)


# --- the same keys in a workbook read back (readback.Worksheet) -------------------------------------

_LITERAL = r'(?:"[^"]*"|\\.)*'
_PERIOD_FORMAT = re.compile(rf"^({_LITERAL})0({_LITERAL})$")


def _literal(text: str) -> str:
    return "".join(a or b for a, b in re.findall(r'"([^"]*)"|\\(.)', text))


def header_period(value, number_format):
    """(period code, "A" | "E") for a period header cell (2024 shown as "FY"0"A"), else None."""
    if not isinstance(value, (int, float)) or isinstance(value, bool):
        return None
    m = _PERIOD_FORMAT.match(number_format or "")
    if not m:
        return None
    text, suffix = _literal(m.group(1)) + str(int(value)), _literal(m.group(2))
    period = parse_period(text) or _remainder(text)
    return (period.code, suffix) if period and suffix in ("A", "E") else None


def _remainder(text: str):
    """The rest-of-year period a header such as 2H2026 or Q4 2026 names (Period.code's own forms)."""
    m = re.match(r"^(2H|Q4 |Q2-Q4 |M(\d+)-12 )(\d{4})$", text)
    if not m:
        return None
    start = {"2H": 6, "Q4 ": 9, "Q2-Q4 ": 3}.get(m.group(1)) or int(m.group(2)) - 1
    return Period(int(m.group(3)), 12 - start, start)


def period_headers(ws) -> dict:
    """Header row -> {column: (period code, A/E)} for every period header row of a sheet (0-based)."""
    rows: dict = {}
    for cell in ws.iter_cells():
        hp = header_period(cell.value, cell.number_format)
        if hp:
            rows.setdefault(cell.row - 1, {})[cell.column - 1] = hp
    return rows


def period_at(headers: dict, row: int, col: int):
    """The period of a cell: the nearest header row above it that has its column."""
    above = [r for r in headers if r < row and col in headers[r]]
    return headers[max(above)][col] if above else None




def _align(recorded: list, found: list) -> dict:
    """Row in the file -> row in the record, matching rows by their label (inserted rows, moved rows)."""
    if recorded == found:   # no row inserted or moved (a rebuild's usual case): the match difflib would find
        return dict(enumerate(range(len(found))))
    sm = difflib.SequenceMatcher(None, recorded, found, autojunk=False)
    mapping = {}
    for a, b, n in sm.get_matching_blocks():
        for i in range(n):
            mapping[b + i] = a + i
    used = set(mapping.values())
    free = [a for a in range(len(recorded)) if a not in used]
    for b, key in enumerate(found):
        if b not in mapping and key:
            a = next((a for a in free if recorded[a] == key), None)
            if a is not None:
                mapping[b] = a
                free.remove(a)
    return mapping


class TabMap:
    """One of our tabs as a user's file has it (a readback.Worksheet): the key of each of its cells, by
    the record's rows (`layout`, `keys`; the file's rows aligned to them by label, so rows the user
    inserted do not matter) and the file's own period headers."""

    def __init__(self, ws, layout_rows: list, keys: list | None, extra_rows=()):
        self.ws, self.layout_rows, self.keys = ws, layout_rows, keys
        rows = {cell.row - 1 for cell in ws.iter_cells() if cell.filled} | set(extra_rows)
        # align only the rows that hold something: the work stays bounded by the cells the file has
        found_rows, recorded_rows = sorted(rows), [i for i, rec in enumerate(layout_rows) if rec]
        found = [label_key(ws.cell(r + 1, 1).value, ws.cell(r + 1, 1).is_formula) for r in found_rows]
        mapping = _align([layout_rows[i][0] for i in recorded_rows], found)
        self.rows = {found_rows[b]: recorded_rows[a] for b, a in mapping.items()}  # file row -> record row
        self.heads = {r: {c: code + ae for c, (code, ae) in cols.items()} for r, cols in period_headers(ws).items()}

    def layout(self, row: int):
        """The record's [label, formula columns, constant columns] of a file row (0-based), or None."""
        r = self.rows.get(row)
        return self.layout_rows[r] if r is not None else None

    def key(self, row: int, col: int):
        """(row key, column key) of a cell of the file (0-based), or None where its row is not one the
        tool wrote (a row the user inserted) or the record has no keys (an older one)."""
        r = self.rows.get(row)
        if r is None or not self.keys or r >= len(self.keys) or not self.keys[r]:
            return None
        return self.keys[r], column_key(self.heads, row, col)

