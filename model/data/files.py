"""Reading the plain data files safely: size limit, encodings, CSV layout, numbers as users type them.

Every problem is a `DataError` naming the file, the row and the column, so the CLI can report it and
stop before anything is written. The rules of each file live in its own module (`settings`, `actuals` ...).
"""
from __future__ import annotations

import csv
import difflib
import io
import re
import tomllib
from pathlib import Path

MAX_FILE_BYTES = 5_000_000   # a company's data files are a few kB; anything this big is the wrong file
MAX_TEXT_CHARS = 2000        # one cell of text (a note, a title); Excel's own limit is 32767
MAX_LISTED = 40              # problems listed in one report
# The size of any figure, in the display unit or as a fraction: 0, or within these. Beyond them a
# figure is a typing mistake, and ratios of such figures could overflow what a spreadsheet holds.
SMALLEST, LARGEST = 1e-9, 1e12

# How files that are not CSV text start: a workbook saved under a .csv name, say.
SIGNATURES = {b"PK\x03\x04": "an Excel workbook (.xlsx)", b"\xd0\xcf\x11\xe0": "an old Excel workbook (.xls)",
              b"%PDF": "a PDF document"}


class DataError(Exception):
    """A problem in a data file: `row` and `column` are the CSV row and column, or for a TOML file
    the line and the setting. A Path is shown by its name, a str as given."""

    def __init__(self, file, message, row=None, column=None):
        self.file = file.name if isinstance(file, Path) else str(file)
        self.row, self.column, self.message = row, column, message
        self.problems = [self]
        toml = self.file.endswith(".toml")
        where = (self.file + (f", {'line' if toml else 'row'} {row}" if row else "")
                 + (f", {'setting' if toml else 'column'} '{column}'" if column else ""))
        super().__init__(f"{where}: {message}")


class DataErrors(DataError):
    """Several problems found together; file, row and column are the first one's."""

    def __init__(self, problems: list[DataError]):
        first = problems[0]
        self.file, self.row, self.column, self.message = first.file, first.row, first.column, first.message
        self.problems = problems
        listed = [str(p) for p in problems[:MAX_LISTED]]
        if len(problems) > MAX_LISTED:
            listed.append(f"... and {len(problems) - MAX_LISTED} more")
        Exception.__init__(self, f"{len(problems)} problems in the company data:\n  " + "\n  ".join(listed))


class Problems(list):
    """Problems collected while loading; `raise_if_any` stops the load with all of them."""

    def raise_if_any(self):
        if len(self) == 1:
            raise self[0]
        if self:
            raise DataErrors(list(self))


def hint(name: str, known) -> str:
    """'; did you mean X?' for a likely typo of one of `known`, else ''."""
    close = difflib.get_close_matches(name, list(known), n=1)
    return f"; did you mean {close[0]!r}?" if close else ""


def unknown(kind: str, name: str, known) -> str:
    """The message for a name that is not one of `known`: a did-you-mean hint, or the list."""
    known = list(known)
    return f"unknown {kind} {name!r}" + (hint(name, known) or "; expected one of: " + ", ".join(known))


def excel_precision(v: float) -> float:
    """`v` rounded to the 15 significant digits Excel keeps of a typed number."""
    return float(f"{v:.15g}")


def parse_number(text: str, file, row, column, required=True) -> float | None:
    """A number as a user types it: 0.6, 60%, 1,234.5, (12.3) for negatives; blank is None.
    Kept to 15 significant digits, as Excel keeps a typed number, so the value written into the
    workbook is exactly the value the model computed with."""
    s = (text or "").strip()
    if not s:
        if required:
            raise DataError(file, "a number is required here, the cell is empty", row, column)
        return None
    neg = s.startswith("(") and s.endswith(")")
    t = s.strip("()").replace(",", "").strip()
    pct = t.endswith("%")
    if not t.isascii() or "_" in t:   # float() reads 1_000 and full-width digits; a spreadsheet does not
        raise DataError(file, f"expected a number typed with the digits 0-9 (such as 1000, 1,000 or 12.5%), found "
                        f"{s!r}", row, column)
    try:
        v = float(t.rstrip("%").strip())
    except ValueError:
        raise DataError(file, f"expected a number, found {s!r}", row, column) from None
    if v != v or v in (float("inf"), float("-inf")):
        raise DataError(file, f"expected a finite number, found {s!r}", row, column)
    v = excel_precision(v / 100 if pct else v)
    if abs(v) > LARGEST or 0 < abs(v) < SMALLEST:
        raise DataError(file, f"{s} is not a plausible figure: expected 0 or a size between {SMALLEST:g} and "
                        f"{LARGEST:g}", row, column)
    return -v if neg else v


def read_toml(path: Path) -> tuple[str, dict]:
    """A TOML data file (company.toml, units.toml): its text and table; a DataError naming the line where
    it is not valid TOML, or where tables or arrays nest too deeply (tomllib parses them recursively)."""
    text = read_text(path)
    try:
        return text, tomllib.loads(text)
    except tomllib.TOMLDecodeError as e:
        at = re.search(r"line (\d+)", str(e))
        raise DataError(path, f"not valid TOML: {e}", int(at.group(1)) if at else None) from None
    except RecursionError:
        raise DataError(path, "not valid TOML for these settings: tables or arrays nested too deeply") from None


def read_text(path: Path) -> str:
    """A data file as text: UTF-8 (with or without BOM), else GBK as Excel saves it in China."""
    if not path.exists():
        raise DataError(path, "file not found")
    if not path.is_file():
        raise DataError(path, "is a folder, not a file" if path.is_dir() else "is not a regular file")
    if path.stat().st_size > MAX_FILE_BYTES:
        raise DataError(path, f"file is larger than {MAX_FILE_BYTES // 1_000_000} MB; is it the right file?")
    try:
        raw = path.read_bytes()
    except OSError as e:
        raise DataError(path, f"cannot read the file: {e.strerror or e}") from None
    for magic, what in SIGNATURES.items():
        if raw.startswith(magic):
            raise DataError(path, f"this is {what}, not text: save it as CSV (comma-separated values)")
    if b"\0" in raw:
        raise DataError(path, "the file holds binary data (NUL bytes), not text")
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        text = raw.decode("gbk")
    except UnicodeDecodeError:
        raise DataError(path, "cannot decode the file: save it as UTF-8 CSV") from None
    refuse_doubtful_gbk(path, raw, text)
    return text


def refuse_doubtful_gbk(path: Path, raw: bytes, text: str) -> None:
    """A file that is not UTF-8 is read as GBK, as Excel saves a CSV in China. Western European text
    (Latin-1, Windows-1252) often decodes as GBK too, into rare characters outside GB2312, the set
    Chinese text is written in: such a file is refused, with both readings of the first doubtful line,
    rather than read as the wrong characters."""
    for n, line in enumerate(io.StringIO(text, newline="").readlines(), start=1):
        odd = next((ch for ch in line if not ch.isascii() and not _in_gb2312(ch)), None)
        if odd is None:
            continue
        western = raw.decode("cp1252", errors="replace").splitlines()
        other = western[n - 1].strip() if n <= len(western) else ""
        raise DataError(path, f"the file is not UTF-8; read as Chinese (GBK) this line has the rare character {odd!r} "
                        f"({line.strip()[:60]!r}), read as Western European (Latin-1) it is {other[:60]!r}: save the "
                        "file as UTF-8 CSV (Excel: CSV UTF-8)", n)


def _in_gb2312(ch: str) -> bool:
    """A character GB2312 has: two bytes each from 0xA1 (GBK's extension uses lower ones), or the euro."""
    b = ch.encode("gbk")
    return b == b"\x80" or (len(b) == 2 and b[0] >= 0xA1 and b[1] >= 0xA1)


def is_comment(cells) -> bool:
    """A row whose first cell starts with # explains the file; the loader skips it."""
    return bool(cells) and cells[0].strip().startswith("#")


def read_csv(path: Path, required: list[str], optional: list[str] = (), extra_ok=None):
    """Rows of a CSV as (row number, {column: text}); the header is checked against the expected
    columns and every cell against the text-length limit. Blank rows and comment rows (first cell
    starting with #) are skipped; row numbers are the file's."""
    text = read_text(path)
    try:
        rows = list(csv.reader(io.StringIO(text, newline="")))
    except csv.Error as e:
        raise DataError(path, f"not a readable CSV file ({e})") from None
    unclosed = unclosed_quote(text, rows)
    numbered = [(n, cells) for n, cells in enumerate(rows, start=1)
                if any(c.strip() for c in cells) and not is_comment(cells)]
    if not numbered:
        raise DataError(path, "the file is empty; expected a header row: " + ",".join(required))
    header_row, header = numbered[0][0], [h.strip() for h in numbered[0][1]]
    known = list(required) + list(optional)
    for h in header:
        if h and h not in known and not (extra_ok and extra_ok(h)):
            raise DataError(path, unknown("column", h, known), header_row, h)
    named = [h for h in header if h]
    if len(set(named)) != len(named):
        dup = next(h for h in named if named.count(h) > 1)
        raise DataError(path, f"column {dup!r} appears twice", header_row, dup)
    for col in required:
        if col not in header:
            raise DataError(path, f"missing column {col!r}; the header has: {', '.join(named)}", header_row, col)
    if unclosed:
        i = len(rows[-1]) - 1
        raise DataError(path, 'a quote (") opens a cell here and is never closed: the rest of the file would be read '
                        'into this cell; close the quote (a quote inside a quoted cell is written twice: "")',
                        len(rows), header[i] if i < len(header) and header[i] else None)
    out = []
    for n, cells in numbered[1:]:
        for i, c in enumerate(cells):
            if i >= len(header) or not header[i]:
                if c.strip():
                    raise DataError(path, f"value {c.strip()[:40]!r} in column {i + 1}, which has no header", n)
            elif len(c) > MAX_TEXT_CHARS:
                raise DataError(path, f"text of {len(c)} characters; at most {MAX_TEXT_CHARS} fit a cell", n, header[i])
        out.append((n, {h: (cells[i].strip() if i < len(cells) else "") for i, h in enumerate(header) if h}))
    return header, out


def unclosed_quote(text: str, rows: list) -> bool:
    """True when the last row of a CSV text opens a quoted cell and the file ends before it closes (the
    csv module then reads the rest of the file into that cell, without a word)."""
    if not rows or '"' not in text:
        return False
    lines = io.StringIO(text, newline="").readlines()
    reader = csv.reader(io.StringIO(text, newline=""))
    start = 0
    for _ in rows[:-1]:
        next(reader)
        start = reader.line_num
    try:
        list(csv.reader(lines[start:], strict=True))
    except csv.Error as e:
        return "unexpected end of data" in str(e)
    return False


def toml_line(text: str, key: str, nth: int = 0) -> int | None:
    """The line where `key = ...` (or the nth [[key]] table) is set, for error messages."""
    pattern = re.compile(rf"^\s*(\[\[\s*{re.escape(key)}\s*\]\]|{re.escape(key)}\s*=)")
    hits = [n for n, line in enumerate(text.splitlines(), start=1) if pattern.match(line)]
    return hits[nth] if nth < len(hits) else None
