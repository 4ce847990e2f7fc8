"""The first step of a rebuild: read a workbook a user has edited (saved by Excel, LibreOffice or
this tool) once, into plain data: its input cells by defined name and what the build record says
about them, the choices made on its Review tab, what the user added to our tabs (usercontent.py) and
what no build can carry over. No later step opens the workbook again.

Each input cell is identified by its slot (see slots.py): from the build record when the named
range still has the shape it was built with (rows inserted elsewhere or a block moved do not
matter: the defined name moves with it), else from the period header above its column on the same
sheet (columns inserted inside the block) and the defined name itself.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from ..workbook.build import TABS, blocks_of
from ..calc.lines import all_lines
from ..data.items import COST_DRIVERS, REST, RND_DRIVERS, all_driver_items
from ..labels import LANGS, Labels, table
from ..workbook.cellkeys import header_period, period_at, period_headers  # noqa: F401 (diff and tests use them from here)
from ..workbook.record import META_SHEET, MetaError, read_meta
from ..workbook.tabs.review import REVIEW_CHOICES
from ..data.periods import parse_period
from ..workbook.readback import WorkbookError, open_workbook
from ..workbook.slots import EVENT_BOUNDS, Slot, label
from ..calc.values import same
from .usercontent import Added, tab_content
from .usersheets import Reader, UserName, UserSheet, user_names, user_sheet

MISSING = object()  # no build record for this cell: the data value at build time is unknown
MAX_BLOCK_CELLS = 10_000  # an input block's cells; a name covering a whole sheet is refused before it is read


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
class Choice:
    """A conflict the Review tab listed (the user's edit against a change in the data files) and what the
    user chose there: "mine", "data", or "" (undecided)."""
    slot: Slot
    mine: object    # the user's value
    old: object     # the data files' value when the user edited it
    new: object     # the data files' value that went into the workbook instead
    choice: str


@dataclass
class UserBook:
    """A user's workbook read once, as plain data: every later step of a rebuild works from this."""
    path: Path
    inputs: list[InputCell]
    has_record: bool             # False: built by an older version, or the record was removed
    folder: str = ""             # data folder name the workbook was built from
    data_path: str = ""          # ... relative to the project, as the build record gives it
    lang: str = "en"             # its edition (tab names and labels; model/labels)
    extras: list[str] = field(default_factory=list)  # user content no build carries over
    notes: list[str] = field(default_factory=list)
    added: list[Added] = field(default_factory=list)   # comments and values on our tabs
    choices: list[Choice] = field(default_factory=list)  # what the user chose on the Review tab
    tabs: dict = field(default_factory=dict)   # our tab's name -> its TabMap (where each cell stands)
    sheets: list[UserSheet] = field(default_factory=list)   # the user's own sheets
    names: list[UserName] = field(default_factory=list)     # the names the user defined
    package: dict = field(default_factory=dict)  # the styles and shared-strings parts the user's sheets point into
    values: object = None        # the workbook as read (readback.Workbook; for diff)


EVENT_FIELDS = sorted(EVENT_BOUNDS.keys() | {"year"}, key=len, reverse=True)  # maturity_year before year


def _event_slot(rest: str) -> Slot | None:
    fld = next((f for f in EVENT_FIELDS if rest.endswith("_" + f)), None)
    return Slot("event", rest[:-len(fld) - 1], field=fld) if fld else None


def _balance_slot(rest: str) -> Slot:
    """Bal_<item> (its value), Bal_<item>_rate, Bal_<item>_repaid."""
    fld = next((f for f in ("rate", "repaid") if rest.endswith("_" + f)), None)
    return Slot("balance", rest[:-len(fld) - 1], field=fld) if fld else Slot("balance", rest, field="value")


def _valuation_slot(rest: str, data=None) -> Slot:
    """Val_<item>, or Val_weight_<scenario>."""
    if rest.startswith("weight_"):
        return Slot("valuation", "weight", rest[len("weight_"):], field="value")
    return Slot("valuation", rest, field="value")


SCALAR_NAMES = {  # prefix of a one-cell input's defined name -> its slot from the rest of the name
    "Tol_": lambda rest: Slot("tolerance", rest), "Fund_": lambda rest: Slot("funding", rest),
    "Step_": lambda rest: Slot("step", rest), "Unit_": lambda rest: Slot("unit", rest),
    "Claim_": lambda rest: Slot("claim", rest, field="value"),
    "ClaimTol_": lambda rest: Slot("claim", rest, field="tolerance"), "Event_": _event_slot, "Bal_": _balance_slot,
    "Val_": _valuation_slot}
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
    values = open_workbook(path, skip_large=True)
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
    inputs_at = {}   # (sheet, row, col) of an input cell -> its slot token
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
        by_offset, by_head, spanned = {}, {}, set()
        if record and record.get("heads") and any(record["heads"]) and name != "ReferenceFigures":
            by_head = {h: Slot.from_token(tok) for h, (*_, tok, _) in zip(record["heads"], record["cells"])}
            spanned = set(record.get("columns", ()))   # a column a build of the data has but no input in:
            # an FY sum beside its halves, an annual driver's halves -- no slot; a period the data no longer
            # spans is read from the name, so that a rebuild says what became of it
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
                    head = "".join(period) if period else ""
                    slot = by_head.get(head) if by_head and period else None
                    if slot is None and head not in spanned:
                        slot = _slot_from_name(name, period, ws, cell.row - 1, c, data)
                address = f"{sheet}!{cell.coordinate}"
                if slot is not None:
                    inputs_at[(sheet, cell.row - 1, cell.column - 1)] = slot.token()
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
        book.choices = review_choices(values, meta, book.lang, claimed)
    ours = set(meta.layouts) if meta else {table(lang)[f"tabs.{tab}"] for lang in LANGS
                                            for tab in TABS + ["units", "compute_refs", "review"]}
    for ws in values.worksheets:
        if ws.title in ours:
            if ws.refused:   # one of our tabs far larger than a build makes it: not a workbook to carry from
                raise WorkbookError(f"{path}: sheet {ws.title!r} has {ws.refused}; a model tab has far fewer")
            if meta:
                book.tabs[ws.title], added, lost = tab_content(ws, meta, claimed)
                book.added += added
                book.extras += lost
    if meta and not meta.keys and any(ws.notes for ws in values.worksheets if ws.title in ours):
        book.extras.append("comments on the model's tabs: the workbook was built by an earlier version, whose record "
                           "does not tell yours from the model's")
    theirs = {ws.title for ws in values.worksheets if ws.title not in ours and ws.title != META_SHEET}
    reader = Reader(meta, book.tabs, inputs_at) if meta else None
    for item in book.added:
        if item.kind == "formula":
            item.formula = reader.formula(item.content[1:], item.sheet, item.cached)
    gone = [n for n in ours if n not in values.sheetnames] if meta else []
    for ws in values.worksheets:
        if ws.title in theirs:
            book.sheets.append(user_sheet(values, ws, reader, theirs))
            if gone:
                book.notes.append(f"sheet {ws.title!r} is carried over as your own; if it is {', '.join(map(repr, gone))}"
                                  " renamed, the rebuild writes that tab under its own name")
    book.names = user_names(values, meta, reader, theirs)
    book.package = {part: values.parts[part] for part in ("xl/styles.xml", "xl/sharedStrings.xml") if part in values.parts}
    values.parts = {}   # the raw parts are no longer needed: what the carry needs was taken above
    return book


def review_choices(wb, meta, lang, claimed: set) -> list[Choice]:
    """The choices the user made on the Review tab, one per conflict it listed (the record keeps the
    conflict, the defined name ReviewChoices the cells, which join `claimed`)."""
    try:
        (sheet, coord), = wb.defined_names.get(REVIEW_CHOICES) or [None]
        cells = [cell for row in wb[sheet].grid(coord, MAX_BLOCK_CELLS) for cell in row]
    except (TypeError, ValueError, KeyError, WorkbookError):
        sheet, cells = "", []
    claimed.update((sheet, cell.row - 1, cell.column - 1) for cell in cells)
    texts = {table(edition)[f"review.{key}"].casefold(): key for edition in LANGS for key in ("keep_mine", "keep_data")}
    out = []
    for i, (token, mine, old, new) in enumerate(meta.review):
        value = cells[i].value if i < len(cells) else None
        choice = texts.get(str(value).strip().casefold(), "") if isinstance(value, str) else ""
        out.append(Choice(Slot.from_token(token), mine, old, new, {"keep_mine": "mine", "keep_data": "data"}.get(choice, "")))
    return out
