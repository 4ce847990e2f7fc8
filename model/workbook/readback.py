"""Read a user's workbook back safely: anything that reads an .xlsx back goes through `open_workbook`.

An .xlsx is a zip archive of XML files, so a hostile or broken file can be a zip bomb (a few kB that
expand to gigabytes), an XML bomb (nested entities), or simply not a workbook. The archive's declared
sizes are checked before any part is read (Python's zipfile never inflates an entry past its
declared size), and every XML part, whatever its name, goes through a first pass of the expat parser
that refuses a document type declaration (the way entities come in) before anything else reads it:
`open_workbook` (build, edits, diff) and `vet` (check) apply the same rule.

The reader is deliberately small: per cell its cached value, its formula (and whether it is shared
or an array's), and its number format; per sheet its part, state and the comments on its cells; the
sheets in order; the defined names; and the vetted parts themselves, from which a rebuild takes the
user's own sheets. That is all a rebuild, `edits`, `diff` and `check` need, and it reads a file
once, about ten times faster than openpyxl loading it twice (cached values, then formulas) -- which
matters because every regeneration reads the previous workbook. Tests compare it with openpyxl cell
by cell. A rebuild reads with `skip_large`: a sheet too large to carry is left unread (its reason in
`refused`) instead of refusing the file.
"""
from __future__ import annotations

import posixpath
import re
import zipfile
from contextlib import contextmanager
from pathlib import Path
from xml.etree.ElementTree import fromstring
from xml.parsers import expat

from ..calc.formula import a1

MAX_FILE_BYTES = 50_000_000           # the workbook on disk
MAX_EXPANDED_BYTES = 300_000_000      # all its parts inflated
MAX_PART_BYTES = 100_000_000          # any one part inflated
MAX_RATIO = 200                       # inflated/compressed, for parts over RATIO_FLOOR bytes
RATIO_FLOOR = 1_000_000
MAX_PARTS = 10_000


class WorkbookError(Exception):
    """The file cannot be read safely as an .xlsx workbook; the message says why."""


def check_archive(path: Path):
    """Refuse what is not an .xlsx archive, or would inflate beyond the limits."""
    if not path.is_file():
        raise WorkbookError(f"{path}: file not found" if not path.exists() else f"{path}: not a file")
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise WorkbookError(f"{path}: {size:,} bytes is larger than the {MAX_FILE_BYTES // 1_000_000} MB a model "
                            "workbook can be")
    with open(path, "rb") as f:
        head = f.read(4)
    if head == b"\xd0\xcf\x11\xe0":
        raise WorkbookError(f"{path}: an old-format (.xls) or password-protected workbook; save it as an "
                            "unprotected .xlsx")
    if not zipfile.is_zipfile(path):
        raise WorkbookError(f"{path}: not an .xlsx workbook, or a damaged one (it is not a readable zip archive)")
    try:
        with zipfile.ZipFile(path) as z:
            parts = z.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as e:
        raise WorkbookError(f"{path}: a corrupt .xlsx archive ({e})") from None
    if len(parts) > MAX_PARTS:
        raise WorkbookError(f"{path}: {len(parts):,} parts in the archive; a workbook has far fewer")
    total = 0
    for part in parts:
        total += part.file_size
        if part.file_size > MAX_PART_BYTES or total > MAX_EXPANDED_BYTES:
            raise WorkbookError(f"{path}: the archive expands to more than {MAX_EXPANDED_BYTES // 1_000_000} MB "
                                f"(part {part.filename}); refused as a possible zip bomb")
        if part.file_size > RATIO_FLOOR and part.file_size > MAX_RATIO * max(part.compress_size, 1):
            raise WorkbookError(f"{path}: part {part.filename} expands {part.file_size // max(part.compress_size, 1):,} "
                                "times; refused as a possible zip bomb")
    if "[Content_Types].xml" not in {p.filename for p in parts}:
        raise WorkbookError(f"{path}: not an .xlsx workbook (a zip archive without [Content_Types].xml)")


class Cell:
    """One cell: its cached value, its formula text ("=..."; "=" for a shared formula's follower;
    None for a constant), its number format and whether the value is an error (#REF!, ...); for a
    formula of a kind other than plain, `shared` holds ("shared", group index) or ("array" | "dataTable", None)."""
    __slots__ = ("row", "column", "value", "formula", "number_format", "error", "shared")

    def __init__(self, row, column, value=None, formula=None, number_format="General", error=False, shared=None):
        self.row, self.column, self.value = row, column, value
        self.formula, self.number_format, self.error = formula, number_format, error
        self.shared = shared

    @property
    def is_formula(self) -> bool:
        return self.formula is not None

    @property
    def filled(self) -> bool:
        """Holds a formula or a value other than blank."""
        return self.formula is not None or self.value not in (None, "")

    @property
    def coordinate(self) -> str:
        return a1(self.row - 1, self.column - 1)


class Worksheet:
    def __init__(self, title: str, cells: dict, part: str = "", state: str = "visible", notes: dict | None = None,
                 refused: str = ""):
        self.title, self.cells = title, cells   # (row, column) -> Cell, 1-based as in Excel
        self.max_row = max((r for r, _ in cells), default=0)
        self.max_column = max((c for _, c in cells), default=0)
        self.part, self.state = part, state     # its part in the archive; visible | hidden | veryHidden
        self.notes = notes or {}                # (row, column) -> the text of the comment on that cell
        self.refused = refused                  # why its cells were not read (too many), "" when they were

    def cell(self, row: int, column: int) -> Cell:
        return self.cells.get((row, column)) or Cell(row, column)

    def iter_cells(self):
        """The cells the file holds, row by row."""
        return (self.cells[k] for k in sorted(self.cells))

    def value_rows(self):
        """Each row that holds cells, as its values from column A to its last cell (one pass)."""
        rows: dict = {}
        for (r, c), cell in self.cells.items():
            rows.setdefault(r, {})[c] = cell.value
        for r in sorted(rows):
            values = rows[r]
            yield [values.get(c) for c in range(1, max(values) + 1)]

    def grid(self, ref: str, limit: int = 0) -> list[list[Cell]]:
        """The cells of a range ("B2:D4", "$B$2") as rows; WorkbookError beyond `limit` cells (a name
        covering a whole sheet would be 17 billion of them)."""
        (r1, c1), (r2, c2) = _corners(ref)
        limit = limit or MAX_CELLS
        if (abs(r2 - r1) + 1) * (abs(c2 - c1) + 1) > limit:
            raise WorkbookError(f"covers {ref}: more than the {limit:,} cells an input block can have")
        return [[self.cell(r, c) for c in range(c1, c2 + 1)] for r in range(r1, r2 + 1)]


class Workbook:
    def __init__(self, worksheets: list[Worksheet], defined_names: dict, names: list | None = None,
                 parts: dict | None = None):
        self.worksheets = worksheets
        self.sheetnames = [ws.title for ws in worksheets]
        self.defined_names = defined_names  # workbook-level name -> [(sheet, "A1:B2"), ...] ([] : not a range)
        self.names = names or []   # every defined name: (name, index of its sheet or None, formula text, hidden)
        self.parts = parts or {}   # every part of the archive, name -> bytes, vetted
        self._by_title = {ws.title: ws for ws in worksheets}

    def __getitem__(self, title: str) -> Worksheet:
        return self._by_title[title]


_A1 = re.compile(r"^\$?([A-Z]{1,3})\$?(\d+)$")
MAX_ROW, MAX_COLUMN = 1_048_576, 16_384  # a worksheet's last row and column (XFD)
MAX_CELLS = 500_000                      # cells in all sheets: a model workbook has a few ten thousand
MAX_SHEET_CELLS = 200_000                # one sheet read when others may be left unread (a user's, carried over)
_COLUMNS: dict = {}  # "AB" -> 28, filled as letters are met


def _cell_ref(ref: str) -> tuple[int, int]:
    """(row, column) of "B7" or "$B$7", 1-based."""
    m = _A1.match(ref)
    if not m:
        raise ValueError(f"not a cell reference: {ref!r}")
    letters = m.group(1)
    col = _COLUMNS.get(letters)
    if col is None:
        col = 0
        for ch in letters:
            col = col * 26 + ord(ch) - 64
        _COLUMNS[letters] = col
    row = int(m.group(2))
    if not (1 <= row <= MAX_ROW and col <= MAX_COLUMN):
        raise ValueError(f"{ref} lies beyond a worksheet's last cell XFD{MAX_ROW}")
    return row, col


def _corners(ref: str):
    first, _, last = ref.partition(":")
    return _cell_ref(first), _cell_ref(last or first)


_AREA = re.compile(r"^(?:'((?:[^']|'')+)'|([^'!]+))!(\$?[A-Z]{1,3}\$?\d+(?::\$?[A-Z]{1,3}\$?\d+)?)$")


def destinations(text: str) -> list[tuple[str, str]]:
    """(sheet, "A1:B2") for each area of a defined name's formula; [] when it is not plain ranges."""
    out = []
    for part in (text or "").split(","):
        m = _AREA.match(part.strip())
        if not m:
            return []
        out.append((m.group(1).replace("''", "'") if m.group(1) else m.group(2), m.group(3).replace("$", "")))
    return out


# ECMA-376 built-in number formats (the ids a file may use without declaring them)
BUILTIN_FORMATS = {
    0: "General", 1: "0", 2: "0.00", 3: "#,##0", 4: "#,##0.00", 5: '"$"#,##0_);("$"#,##0)',
    6: '"$"#,##0_);[Red]("$"#,##0)', 7: '"$"#,##0.00_);("$"#,##0.00)', 8: '"$"#,##0.00_);[Red]("$"#,##0.00)',
    9: "0%", 10: "0.00%", 11: "0.00E+00", 12: "# ?/?", 13: "# ??/??", 14: "mm-dd-yy", 15: "d-mmm-yy",
    16: "d-mmm", 17: "mmm-yy", 18: "h:mm AM/PM", 19: "h:mm:ss AM/PM", 20: "h:mm", 21: "h:mm:ss",
    22: "m/d/yy h:mm", 37: "#,##0_);(#,##0)", 38: "#,##0_);[Red](#,##0)", 39: "#,##0.00_);(#,##0.00)",
    40: "#,##0.00_);[Red](#,##0.00)", 41: '_(* #,##0_);_(* \\(#,##0\\);_(* "-"_);_(@_)',
    42: '_("$"* #,##0_);_("$"* \\(#,##0\\);_("$"* "-"_);_(@_)',
    43: '_(* #,##0.00_);_(* \\(#,##0.00\\);_(* "-"??_);_(@_)',
    44: '_("$"* #,##0.00_)_("$"* \\(#,##0.00\\)_("$"* "-"??_)_(@_)', 45: "mm:ss", 46: "[h]:mm:ss",
    47: "mmss.0", 48: "##0.0E+0", 49: "@",
}


def _local(tag: str) -> str:
    return tag.rpartition("}")[2]


def _children(el, name: str):
    return [c for c in el if _local(c.tag) == name]


def _text(el) -> str:
    """A string item's text: its own <t>, or its rich-text runs' (phonetic runs left out)."""
    return "".join(t.text or "" for c in el for t in ([c] if _local(c.tag) == "t" else
                                                         _children(c, "t") if _local(c.tag) == "r" else []))


def _number(text: str):
    """A number's text as openpyxl gives it: an int unless it has a point or an exponent."""
    return float(text) if "." in text or "E" in text or "e" in text or "n" in text or "N" in text else int(text)


def _sheet(root, strings: list, formats: list) -> dict:
    """(row, column) -> Cell for every cell of a worksheet part."""
    ns = root.tag[:root.tag.index("}") + 1] if root.tag.startswith("{") else ""
    V, F, IS, C = ns + "v", ns + "f", ns + "is", ns + "c"
    cells, row = {}, 0
    data = root.find(ns + "sheetData")
    for r in (data if data is not None else ()):
        row, column = int(r.get("r") or row + 1), 0
        if not 1 <= row <= MAX_ROW:
            raise ValueError(f"row {row} lies beyond a worksheet's last row {MAX_ROW}")
        for c in r.iter(C):
            ref = c.get("r")
            row, column = _cell_ref(ref) if ref else (row, column + 1)
            kind, v, f, inline, shared = c.get("t", "n"), None, None, None, None
            for part in c:
                if part.tag == V:
                    v = part.text
                elif part.tag == F:
                    f = "=" + (part.text or "")
                    if part.get("t") in ("shared", "array", "dataTable"):
                        shared = (part.get("t"), int(part.get("si") or 0) if part.get("t") == "shared" else None)
                elif part.tag == IS:
                    inline = _text(part)
            if kind == "inlineStr":
                value = inline
            elif v is None:
                value = None
            elif kind == "n":
                value = _number(v)
            elif kind == "s":
                value = strings[int(v)]
            elif kind == "b":
                value = v.strip() in ("1", "true")
            else:  # str (a formula's text), e (an error), d (an ISO date)
                value = v
            style = int(c.get("s") or 0)
            cells[row, column] = Cell(row, column, value, f, formats[style] if style < len(formats) else "General",
                                      kind == "e", shared)
    return cells


class UnsafeXml(Exception):
    """A part declares a document type (DTD): the way XML bombs and external entities come in."""


def _refuse(*_):
    raise UnsafeXml("a document type declaration (DTD)")


def _checked(data: bytes) -> bytes:
    """A part's bytes, after a first pass of the C parser that stops at any DTD (Excel and
    LibreOffice never write one) -- so the parse that builds elements meets no entity."""
    checker = expat.ParserCreate()
    checker.StartDoctypeDeclHandler = _refuse
    checker.Parse(data, True)
    return data


def _parts(z) -> dict[str, bytes]:
    """Every part of the archive, each XML part checked for a DTD whatever its name (a content type can
    declare any extension as XML): one vetting rule for everything that reads a workbook."""
    parts = {}
    for name in z.namelist():
        data = z.read(name)
        if name.endswith((".xml", ".rels", ".vml")) or data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"<":
            _checked(data)
        parts[name] = data
    return parts


def _styles(parts: dict) -> list[str]:
    """Number format of each cell style (cellXfs), by index."""
    if "xl/styles.xml" not in parts:
        return []
    root = fromstring(parts["xl/styles.xml"])
    custom, xfs = {}, []
    for block in root:
        if _local(block.tag) == "numFmts":
            custom = {int(n.get("numFmtId")): n.get("formatCode") for n in block}
        elif _local(block.tag) == "cellXfs":
            xfs = [int(xf.get("numFmtId", 0)) for xf in block]
    return [custom.get(i) or BUILTIN_FORMATS.get(i, "General") for i in xfs]


_CELL_TAG = re.compile(rb"<(?:[\w.-]+:)?c[\s/>]")
_STRING_TAG = re.compile(rb"<(?:[\w.-]+:)?si[\s/>]")


def relationships(parts: dict, part: str) -> list[tuple[str, str, str]]:
    """(id, type, target) of each relationship of a part; the target as a part name, or as written when
    it lies outside the package (TargetMode External: a web address)."""
    folder, name = posixpath.split(part)
    rels = posixpath.join(folder, "_rels", name + ".rels")
    if rels not in parts:
        return []
    out = []
    for r in fromstring(parts[rels]):
        target = r.get("Target") or ""
        if r.get("TargetMode") != "External":
            target = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
        out.append((r.get("Id"), r.get("Type", "").rpartition("/")[2], target))
    return out


def _notes(parts: dict, part: str) -> dict:
    """(row, column) -> text of each comment (a note) on the cells of a worksheet part."""
    found = {}
    for _, kind, target in relationships(parts, part):
        if kind == "comments" and target in parts:
            for el in fromstring(parts[target]).iter():
                if _local(el.tag) == "comment":
                    body = next((c for c in el if _local(c.tag) == "text"), None)
                    found[_cell_ref(el.get("ref"))] = _text(body) if body is not None else ""
    return found


def _read(parts: dict, skip_large: bool = False) -> Workbook:
    cells_seen = 0
    wb = fromstring(parts["xl/workbook.xml"])
    rels = {r.get("Id"): r.get("Target") for r in fromstring(parts["xl/_rels/workbook.xml.rels"])}
    strings = []
    if "xl/sharedStrings.xml" in parts:
        raw = parts["xl/sharedStrings.xml"]
        if len(_STRING_TAG.findall(raw)) > MAX_CELLS:  # no more texts than cells: counted before parsing
            raise WorkbookError(f"more than {MAX_CELLS:,} shared texts; a model workbook has far fewer")
        strings = [_text(si) for si in fromstring(raw)]
    formats = _styles(parts)
    sheets, defined, names = [], {}, []
    for block in wb:
        if _local(block.tag) == "sheets":
            for s in block:
                rid = next(v for k, v in s.attrib.items() if k.startswith("{") and _local(k) == "id")
                target = rels[rid]
                part = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join("xl", target))
                cells, notes, refused = {}, {}, ""
                if part in parts and "worksheet" in part:
                    raw = parts[part]
                    count = sum(1 for _ in _CELL_TAG.finditer(raw))  # counted before any element is built
                    if skip_large and (count > MAX_SHEET_CELLS or cells_seen + count > MAX_CELLS):
                        refused = (f"{count:,} cells, more than the {MAX_SHEET_CELLS:,} one sheet may have"
                                   if count > MAX_SHEET_CELLS else
                                   f"{count:,} cells, beyond the {MAX_CELLS:,} read in all sheets")
                    else:
                        cells_seen += count
                        if cells_seen > MAX_CELLS:
                            raise WorkbookError(f"more than {MAX_CELLS:,} cells; a model workbook has far fewer")
                        cells, notes = _sheet(fromstring(raw), strings, formats), _notes(parts, part)
                sheets.append(Worksheet(s.get("name"), cells, part, s.get("state") or "visible", notes, refused))
        elif _local(block.tag) == "definedNames":
            defined = {d.get("name"): destinations(d.text) for d in block if d.get("localSheetId") is None}
            names = [(d.get("name"), None if d.get("localSheetId") is None else int(d.get("localSheetId")),
                      d.text or "", d.get("hidden") in ("1", "true")) for d in block]
    return Workbook(sheets, defined, names, parts)


@contextmanager
def _reading(path: Path):
    """Turn whatever reading a damaged or hostile archive raises into a WorkbookError naming the file."""
    try:
        yield
    except WorkbookError as e:
        raise WorkbookError(f"{path}: {e}") from None
    except UnsafeXml as e:
        raise WorkbookError(f"{path}: refused: its XML has {e}, as XML bombs do") from None
    except Exception as e:  # a damaged part: missing, malformed XML, a bad reference...
        raise WorkbookError(f"{path}: cannot read the workbook: it is damaged or not an .xlsx "
                            f"({type(e).__name__}: {e})") from None


def vet(path) -> None:
    """What must hold before the file goes to another program (LibreOffice): a safe archive whose
    XML parts are all well formed and declare no DTD. Raises WorkbookError otherwise."""
    path = Path(path)
    check_archive(path)
    with _reading(path), zipfile.ZipFile(path) as z:
        z.getinfo("xl/workbook.xml")
        _parts(z)


def open_workbook(path, skip_large: bool = False) -> Workbook:
    """The workbook at `path`, every sheet read (so any problem surfaces here). `skip_large`: a sheet
    of more than MAX_SHEET_CELLS cells, or one that would take the cells read beyond MAX_CELLS, is left
    unread with the reason in its `refused` (a user's sheet a rebuild then leaves in the kept copy),
    instead of refusing the file.

    Raises WorkbookError for a missing, non-xlsx, corrupt, oversized or hostile file."""
    path = Path(path)
    check_archive(path)
    with _reading(path), zipfile.ZipFile(path) as z:
        parts = _parts(z)
    with _reading(path):
        return _read(parts, skip_large)
