"""Read a workbook a user has edited (saved by Excel, LibreOffice or this tool): its input cells by
defined name, what the build record says about them, and what the user added that no build can
carry over.

Each input cell is identified by its slot (see slots.py): from the build record when the named
range still has the shape it was built with (rows inserted elsewhere or a block moved do not
matter: the defined name moves with it), else from the period header above its column on the same
sheet (columns inserted inside the block) and the defined name itself.
"""
from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from pathlib import Path

from ..workbook.build import TABS
from ..calc.lines import all_lines
from ..data.items import COST_DRIVERS, REST, RND_DRIVERS, all_driver_items
from ..labels import LANGS, Labels, table
from ..workbook.record import META_SHEET, MetaError, blocks_of, label_key, read_meta
from ..data.periods import Period, parse_period
from ..workbook.readback import WorkbookError, open_workbook
from ..workbook.slots import EVENT_BOUNDS, Slot, label
from ..calc.values import same

MISSING = object()  # no build record for this cell: the data value at build time is unknown
MAX_BLOCK_CELLS = 10_000  # an input block's cells; a name covering a whole sheet is refused before it is read


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


@dataclass
class InputCell:
    name: str            # defined name of the block
    slot: Slot
    address: str         # Sheet!A1 where the user's workbook has it
    value: object        # the cell's value (a typed formula's cached result)
    built: object = MISSING  # the data files' value when the workbook was built
    label: str = ""
    pct: bool = False    # shown as a percentage
    formula: bool = False
    header: str = ""     # the period its column is headed with in the user's workbook (2H2025E), if any

    @property
    def edited(self) -> bool:
        return self.built is not MISSING and not same(self.value, self.built)

    @property
    def period_label(self) -> str:
        """The period as the user's workbook showed it: a rest-of-year driver's 2H2025E (its slot keeps the
        year of its assumptions.csv column, FY2025)."""
        return self.header or self.slot.period_label()


@dataclass
class UserBook:
    path: Path
    inputs: list[InputCell]
    has_record: bool             # False: built by an older version, or the record was removed
    folder: str = ""             # data folder name the workbook was built from
    data_path: str = ""          # ... relative to the project, as the build record gives it
    lang: str = "en"             # its edition (tab names and labels; model/labels)
    extras: list[str] = field(default_factory=list)  # user content no build carries over
    notes: list[str] = field(default_factory=list)
    values: object = None        # the workbook as read (readback.Workbook; for diff)


EVENT_FIELDS = sorted(EVENT_BOUNDS.keys() | {"year"}, key=len, reverse=True)  # maturity_year before year


def _event_slot(rest: str) -> Slot | None:
    fld = next((f for f in EVENT_FIELDS if rest.endswith("_" + f)), None)
    return Slot("event", rest[:-len(fld) - 1], field=fld) if fld else None


SCALAR_NAMES = {  # prefix of a one-cell input's defined name -> its slot from the rest of the name
    "Tol_": lambda rest: Slot("tolerance", rest), "Fund_": lambda rest: Slot("funding", rest),
    "Step_": lambda rest: Slot("step", rest), "Unit_": lambda rest: Slot("unit", rest),
    "Claim_": lambda rest: Slot("claim", rest, field="value"),
    "ClaimTol_": lambda rest: Slot("claim", rest, field="tolerance"), "Event_": _event_slot}
INPUT_NAME = re.compile("^(" + "|".join(sorted(SCALAR_NAMES, key=len, reverse=True)) + "|Act_|Asm_)"
                        "|^(ReferenceFigures|Scenario)$")  # the families known without data (diff)


def _slot_from_name(name: str, period, ws, row: int, offset: int, data) -> Slot | None:
    """A cell's slot from its block's defined name and its period (when there is no usable record)."""
    if name == "Scenario":
        return Slot("scenario")
    prefix = next((p for p in sorted(SCALAR_NAMES, key=len, reverse=True) if name.startswith(p)), None)
    if prefix:
        return SCALAR_NAMES[prefix](name[len(prefix):]) if offset == 0 else None
    if name.startswith("Act_"):
        return Slot("actual", name[4:], period=period[0]) if period and period[1] == "A" else None
    if name.startswith("Asm_"):
        rest = name[4:]
        known = all_driver_items(data) if data else {**COST_DRIVERS, **RND_DRIVERS[True], **RND_DRIVERS[False]}
        drv = next((d for d in sorted(known, key=len, reverse=True) if rest.endswith("_" + d)), None)
        m = re.match(r"^(.+?)_((?:growth|gm)_\w+)$", rest) if drv is None else None
        if drv is None and not m:
            return None
        drv = drv or m.group(2)
        sc = rest[:-len(drv) - 1]
        code = f"FY{period[0][-4:]}" if period and drv.startswith(REST) else period and period[0]  # 2H2025E: FY2025's
        return Slot("assumption", drv, sc, code) if period and period[1] == "E" else None
    if name == "ReferenceFigures" and offset in (0, 1):
        metric, code = ws.cell(row + 1, 1).value, ws.cell(row + 1, 2).value
        p = parse_period(str(code or ""))
        metric = _reference_metrics(data).get(metric, metric)
        return Slot("reference", str(metric), period=p.code, field=("value", "tolerance")[offset]) if p else None
    return None


def _reference_metrics(data) -> dict:
    """A reference figure's row label, in either edition -> its metric key (reference.csv)."""
    if data is None:
        return {}
    lines = all_lines(data)
    return {Labels(lang, data.company).line(lines[ref.metric])[0]: ref.metric
            for lang in LANGS for ref in data.references if ref.metric in lines}


def read_user_book(path, data=None) -> UserBook:
    """The input cells of a user's workbook, and what it holds that a rebuild would not keep.
    `data` (a Dataset) only helps name inputs in a workbook without a build record."""
    path = Path(path)
    values = open_workbook(path)
    try:
        meta = read_meta(values)
    except MetaError as e:
        meta, note = None, f"{e}; every input that differs from the data files is treated as an edit"
    else:
        note = None if meta else ("the workbook has no build record (built by an older version?); every input "
                                  "that differs from the data files is treated as an edit")
    book = UserBook(path, [], meta is not None, meta.folder if meta else "", meta.path if meta else "",
                    meta.lang if meta else "en", values=values)
    if note:
        book.notes.append(note)
    built = meta.built_values() if meta else {}
    # without a record, the input blocks a build of the data names: every family of input names, from the one
    # place that names them. A one-cell block's slot is taken by position; a block with periods may have moved
    # with the data since the workbook was built, so each of its cells goes by the period header above it
    rebuilt = blocks_of(data) if meta is None and data is not None else {}
    headers = {}
    claimed = set()  # (sheet, row, col) of every cell inside an input block
    names = [n for n in values.defined_names
             if (n in meta.blocks if meta else n in rebuilt or INPUT_NAME.match(n))]
    book.notes += [f"input block {n} is no longer in the workbook; nothing carried over from it"
                   for n in (meta.blocks if meta else ()) if n not in values.defined_names]
    for name in names:
        try:
            (sheet, coord), = values.defined_names[name]
            ws = values[sheet]
            grid = ws.grid(coord, MAX_BLOCK_CELLS)
        except WorkbookError as e:
            raise WorkbookError(f"{path}: the defined name {name} {e}") from None
        except (ValueError, KeyError, TypeError):
            book.notes.append(f"input block {name} no longer points at cells (deleted?); nothing carried over from it")
            continue
        record = meta.blocks.get(name) if meta else rebuilt.get(name)
        by_offset, by_head = {}, {}
        if record and record.get("heads") and any(record["heads"]) and name != "ReferenceFigures":
            by_head = {h: Slot.from_token(tok) for h, (*_, tok, _) in zip(record["heads"], record["cells"])}
        elif record and record["shape"] == [len(grid), len(grid[0])]:
            by_offset = {(r, c): Slot.from_token(tok) for r, c, tok, _ in record["cells"]}
        if sheet not in headers:
            headers[sheet] = period_headers(ws)
        for r, row in enumerate(grid):
            for c, cell in enumerate(row):
                claimed.add((sheet, cell.row - 1, cell.column - 1))
                if by_offset:
                    slot = by_offset.get((r, c))
                else:
                    period = period_at(headers[sheet], cell.row - 1, cell.column - 1)
                    slot = by_head.get("".join(period)) if by_head and period else None
                    slot = slot or _slot_from_name(name, period, ws, cell.row - 1, c, data)
                address = f"{sheet}!{cell.coordinate}"
                if slot is None:
                    if cell.value not in (None, ""):
                        book.extras.append(f"{address}: {cell.value!r} in {name} outside its input periods")
                    continue
                text = record["label"] if record and slot.kind in ("actual", "assumption") else label(slot, data)
                head = period_at(headers[sheet], cell.row - 1, cell.column - 1) if slot.period else None
                book.inputs.append(InputCell(name, slot, address, cell.value, built.get(slot.token(), MISSING), text,
                                             "%" in (cell.number_format or ""), cell.is_formula,
                                             "".join(head) if head else ""))
    if meta:
        book.extras += added_content(values, meta, claimed)
    else:
        ours = {table(lang)[f"tabs.{tab}"] for lang in LANGS for tab in TABS + ["units"]} | {META_SHEET}  # any edition's
        book.extras += [f"sheet {n!r} (added)" for n in values.sheetnames if n not in ours]
    return book


def _align(recorded: list, found: list) -> dict:
    """Row in the file -> row in the record, matching rows by their label (inserted rows, moved rows)."""
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


def added_content(wb, meta, claimed) -> list[str]:
    """Sheets and cells the user added (or formulas replaced by typed values), which a rebuild drops."""
    out = []
    gone = [n for n in meta.layouts if n not in wb.sheetnames]
    for ws in wb.worksheets:
        if ws.title == META_SHEET:
            continue
        rows = meta.layouts.get(ws.title)
        if rows is None:
            renamed = (f", or {', '.join(map(repr, gone))} renamed: a rebuild writes the tab under its own name"
                       if gone else "")
            out.append(f"sheet {ws.title!r} (added{renamed})")
            continue
        filled: dict = {}
        for cell in ws.iter_cells():
            if cell.filled:
                filled.setdefault(cell.row - 1, []).append(cell)
        # align only the rows that hold something: the work stays bounded by the cells the file has
        found_rows, recorded_rows = sorted(filled), [i for i, rec in enumerate(rows) if rec]
        found = [label_key(ws.cell(r + 1, 1).value, ws.cell(r + 1, 1).is_formula) for r in found_rows]
        mapping = _align([rows[i][0] for i in recorded_rows], found)
        mapping = {found_rows[b]: recorded_rows[a] for b, a in mapping.items()}
        for r, cells in sorted(filled.items()):
            rec = rows[mapping[r]] if r in mapping else None
            for cell in cells:
                c = cell.column - 1
                where = f"{ws.title}!{cell.coordinate}"
                if (ws.title, r, c) in claimed:
                    continue
                if rec and c in rec[1]:
                    if not cell.is_formula:
                        out.append(f"{where}: formula replaced by {cell.value!r}")
                elif not (rec and c in rec[2]):
                    out.append(f"{where}: {str(cell.formula or cell.value)[:40]!r} (added)")
    return out
