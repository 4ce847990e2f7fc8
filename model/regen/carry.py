"""The fourth step of a rebuild: carry what the user made into the built book, from the read step's
plain description (never the workbook itself).

- A comment, a value or a formula the user put on one of our tabs goes to the same line item and period
  (cellkeys.py), whatever column or row that now is (place_added).
- Each of the user's own sheets goes into the new workbook in its place among the tabs (carry_sheets):
  every formula re-pointed to read the same line item and period, input or name (repoint.py) and its
  value computed anew against the built book (calc/excel.py), so that the file's cached values are what
  an engine recalculates; the sheet itself is spliced into the package after it is written
  (workbook/splice.py). A formula whose target is gone keeps its last value, with the formula kept in a
  comment on its cell.
What has no place any more is returned with the reason, for the Review tab and the build report.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ..calc.excel import Evaluator, Unsupported, area_corners, parse, tokens
from ..calc.formula import Expr, Rng, XlError, a1
from ..workbook.cellkeys import Positions
from ..workbook.splice import SheetPart
from .reasons import Why
from .repoint import Gone, Repointer
from .usercontent import Added
from .userbook import UserBook

MAX_NAME = 31   # characters in a sheet's name


@dataclass
class Placed:
    item: Added
    now: str = ""    # Sheet!A1 in the new workbook; "" when it has no place
    why: Why | None = None   # why it has no place
    cell: object = None   # the book's cell it went into


class Written(Expr):
    """A formula the user wrote, carried onto one of our tabs: its text and the value it now gives."""

    def __init__(self, text: str, result):
        self.text, self.result = text, result

    def xl(self, sheet):
        return self.text

    def value(self):
        return self.result


@dataclass
class Lost:
    """Something of the user's sheets not carried as it was."""
    kind: str        # reference (a formula kept as its value) | formula (not recalculated) | sheet | part
    where: str       # Sheet!A1, or the sheet's name
    content: str     # the formula, or what the part is
    why: Why


@dataclass
class Carried:
    """The user's sheets, ready to splice into the written package, and what did not come with them."""
    sheets: list[SheetPart] = field(default_factory=list)
    names: list = field(default_factory=list)        # (name, local sheet or None, text, hidden)
    styles: bytes | None = None
    strings: bytes | None = None
    lost: list[Lost] = field(default_factory=list)
    carried: list[str] = field(default_factory=list)  # the names of the sheets carried
    renamed: dict = field(default_factory=dict)       # a sheet's name -> the name it is carried under
    before: dict = field(default_factory=dict)        # a carried sheet's name -> the sheets before it, nearest first

    def place(self, book):
        """Each sheet's index among the tabs of `book` as it will be written: after the nearest sheet before
        it in the user's workbook that the new one has (never before the Cover, never after the record)."""
        order = [s.name for s in book.sheets]
        for part in self.sheets:
            part.index = next((max(order.index(b) + 1, 1) for b in self.before[part.name] if b in order), 1)
            order.insert(part.index, part.name)
        for part in self.sheets:
            part.index = order.index(part.name)


class Values:
    """The built book and the user's sheets as calc/excel.py's Evaluator reads them: our cells' values
    as the build computed them, the user's cells as their (re-pointed) formulas now give them."""

    def __init__(self, book, sheets: dict, names: dict):
        self.book, self.sheets, self.names = book, sheets, names   # sheets: name -> (values, formulas)
        self.ours = {s.name: s for s in book.sheets}
        self.done, self.busy, self.failed = {}, set(), set()

    def area(self, sheet, first, last):
        if sheet in self.ours:
            sh = self.ours[sheet]
            return [[self._ours(sh.cell_at(r, c)) for c in range(first[1], last[1] + 1)]
                    for r in range(first[0], last[0] + 1)]
        if sheet not in self.sheets:
            raise XlError("#REF!")
        return [[self.cell(sheet, r, c) for c in range(first[1], last[1] + 1)] for r in range(first[0], last[0] + 1)]

    @staticmethod
    def _ours(cell):
        return None if cell is None else cell.result()

    def name(self, name):
        target = self.book.names.get(name)
        if isinstance(target, Rng):
            return target.first.sheet.name, f"{a1(target.first.row, target.first.col)}:{a1(target.last.row, target.last.col)}"
        if target is not None:
            return target.sheet.name, a1(target.row, target.col)
        text = self.names.get(name)
        toks = [t for t in tokens(text or "") if t.kind != "ws"]
        if len(toks) == 1 and toks[0].kind == "ref" and area_corners(toks[0].area):
            return toks[0].sheet, toks[0].area.replace("$", "")
        if text is not None:
            raise Unsupported(f"the name {name} is not a range")
        return None

    def cell(self, sheet, r, c):
        """A user's cell's value: its formula evaluated (once), else its constant."""
        values, formulas = self.sheets[sheet]
        key = (sheet, r, c)
        if key in self.done:
            return self.done[key]
        text = formulas.get((r, c))
        if text is None:
            return values.get((r, c))
        if key in self.busy:
            raise Unsupported("a circular reference")
        self.busy.add(key)
        try:
            value = Evaluator(self, sheet).value(parse(text))
        except Unsupported:
            self.failed.add(key)
            value = values.get((r, c))   # its last value
        finally:
            self.busy.discard(key)
        self.done[key] = value
        return value


def _fresh_name(name: str, taken: set) -> str:
    n = 2
    while True:
        suffix = f" ({n})"
        candidate = name[:MAX_NAME - len(suffix)] + suffix
        if candidate.casefold() not in taken:
            return candidate
        n += 1



def carry_sheets(book, user: UserBook, data, placed: list) -> Carried:
    """The user's sheets as the new workbook will hold them (see the module's docstring)."""
    out = Carried(styles=user.package.get("xl/styles.xml"), strings=user.package.get("xl/sharedStrings.xml"))
    taken = {s.name.casefold() for s in book.sheets} | {book.t("tabs.review").casefold()}   # Review: added later
    for sheet in user.sheets:
        if sheet.name.casefold() in taken:
            out.renamed[sheet.name] = _fresh_name(sheet.name, taken)
        taken.add(out.renamed.get(sheet.name, sheet.name).casefold())
    repoint = Repointer(book, data, out.renamed, user.has_record)
    formulas, gone, sheets = {}, {}, {}
    for sheet in user.sheets:
        if sheet.refused:
            out.lost.append(Lost("sheet", sheet.name, "", Why("too_large", detail=sheet.refused)))
            continue
        name = out.renamed.get(sheet.name, sheet.name)
        texts = {}
        for key, f in sheet.formulas.items():
            try:
                texts[key] = repoint.text(f)
            except Gone as e:
                gone[(name, key)] = (f, e.why)
        formulas[name] = texts
        sheets[name] = (sheet.values, {k: t for k, t in texts.items() if not sheet.formulas[k].kind})
    user_names = {}
    for n in user.names:
        if n.sheet is None and n.name in book.names:   # the model now defines a name of that name
            out.lost.append(Lost("part", n.name, "=" + n.formula.text, Why("name_taken")))
            continue
        try:
            text = repoint.text(n.formula)
        except Gone as e:
            out.lost.append(Lost("reference", n.name, "=" + n.formula.text, e.why))
            text = "#REF!"
        user_names[n.name] = text
        out.names.append((n.name, out.renamed.get(n.sheet, n.sheet), text, n.hidden))
    values = Values(book, sheets, user_names)
    _formulas_on_our_tabs(placed, repoint, values)
    for sheet in user.sheets:
        if sheet.refused:
            continue
        name = out.renamed.get(sheet.name, sheet.name)
        out.before[name] = [out.renamed.get(b, b) for b in sheet.before]
        cells, notes = {}, {}
        for key, f in sheet.formulas.items():
            where = f"{name}!{a1(*key)}"
            if (name, key) in gone:
                why = gone[(name, key)][1]
                cells[key] = (None, f.cached)
                notes[key] = f"={f.text}\n" + book.t("review.kept_value", why=why.text(book.t))
                out.lost.append(Lost("reference", where, "=" + f.text, why))
                continue
            value = values.cell(name, *key) if not f.kind else f.cached
            if f.kind or (name, *key) in values.failed:
                if f.reads or _reads_changed(f):
                    out.lost.append(Lost("formula", where, "=" + formulas[name][key],
                                         Why("not_computed", what=_unsupported(f))))
            cells[key] = (formulas[name][key], value)
        part_texts = {}
        for text, f in sheet.others.items():
            try:
                part_texts[text] = repoint.text(f)
            except Gone as e:
                part_texts[text] = "#REF!"
                out.lost.append(Lost("reference", name, text, Why("reads_ref", reason=e.why)))
        out.lost += [Lost("part", name, kind, Why("part", part=kind)) for _, kind in sheet.dropped]
        out.sheets.append(SheetPart(name, sheet.state, 0, sheet.part, dict(sheet.parts), dict(sheet.types),
                                    {rid for rid, _ in sheet.dropped}, cells, notes, part_texts))
        out.carried.append(name)
    return out


def _reads_changed(f) -> bool:
    """A formula not computed here that reads the model or a sheet: its last value may be out of date."""
    return any(t.kind in ("ref", "name") for t in tokens(f.text))


def _unsupported(f) -> str:
    try:
        parse(f.text)
    except Unsupported as e:
        return str(e)
    return "an array formula" if f.kind == "array" else "a formula that reads such a cell"


def _formulas_on_our_tabs(placed: list, repoint: Repointer, values: Values):
    """A formula the user typed on one of our tabs, placed already: re-pointed and evaluated."""
    for x in placed:
        if x.item.kind != "formula" or not x.now:
            continue
        cell = x.cell
        try:
            text = repoint.text(x.item.formula, x.item.sheet)
        except Gone as e:
            del cell.sheet.cells[(cell.row, cell.col)]
            x.now, x.why, x.cell = "", e.why, None
            continue
        try:
            value = Evaluator(values, cell.sheet.name).value(parse(text))
        except Unsupported:
            value = x.item.cached
        cell.content = Written(text, value)


def place_added(book, items: list[Added]) -> list[Placed]:
    """Put each comment, value and formula the user added to our tabs on its line and period in `book`
    (a formula with its text as written: carry_sheets re-points and evaluates it)."""
    positions = Positions(book)
    out = []
    for item in items:
        where = positions.find(item.sheet, *item.key) if item.key else None
        why = Why("no_row") if item.key is None else Why("no_place") if where is None else None
        if why:
            out.append(Placed(item, "", why))
            continue
        sheet = book.sheet(item.sheet)
        cell = sheet.cell_at(*where)
        if item.kind == "comment":
            cell = cell or sheet.put(*where, None, "label")
            cell.comment = f"{cell.comment}\n{item.content}" if cell.comment else item.content
        elif cell is not None and (cell.is_formula or cell.content not in (None, "")):
            out.append(Placed(item, "", Why("taken")))
            continue
        else:
            cell = sheet.put(*where, Written(item.content[1:], item.cached) if item.kind == "formula" else item.content,
                             "user")
        out.append(Placed(item, f"{sheet.name}!{a1(*where)}", cell=cell))
    return out
