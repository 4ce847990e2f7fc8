"""Re-point a user's formula to the new layout (part of the carry step): each reference the read step
found into the model is rewritten to read the same line item and period, the same input, in the built
book; INDEX over an input block gets the indices of the same slot. A reference whose target no longer
exists (a forecast year that became an actual, a line or a name removed) is not re-pointed to anything
else: the formula is reported gone, with why, and its cell keeps its last value."""
from __future__ import annotations

from ..calc.excel import a1, cell_ref, tokens
from ..calc.formula import Rng, quote_sheet
from ..workbook.cellkeys import SEP, Positions
from ..workbook.slots import Slot, input_slots, resolve
from .reasons import Why
from .usersheets import Formula, Target



class Gone(Exception):
    """The formula reads something the new workbook no longer has; `why` (a reasons.Why) says what."""

    def __init__(self, why: Why):
        super().__init__(str(why))
        self.why = why


class Repointer:
    def __init__(self, book, data, renames: dict | None = None, has_record: bool = True):
        self.book, self.data, self.renames = book, data, renames or {}
        self.positions = Positions(book)
        self.cells = {slot.token(): cell for cell, slot in input_slots(book.tabs["inputs"]).items()}
        self.sheets = {s.name for s in book.sheets}
        self.has_record = has_record

    def text(self, formula: Formula, tab: str | None = None) -> str:
        """The formula's text in the new layout (`tab`: the tab of ours it stands on). Raises Gone."""
        out, last = [], 0
        toks = tokens(formula.text)
        for i, tok in enumerate(toks):
            if tok.start < last:     # inside what an INDEX rewrite replaced
                continue
            new = None
            target = formula.reads.get(tok.start)
            if target is not None:
                new = self._target(tok, target, tab, toks, i)
            elif tok.kind == "ref" and tok.sheet in self.renames:
                new = quote_sheet(self.renames[tok.sheet]) + "!" + tok.area
            if new is not None:
                if isinstance(new, tuple):          # INDEX: the indices after the name change too
                    new, end = new
                    out += [formula.text[last:tok.start], new]
                    last = end
                    continue
                out += [formula.text[last:tok.start], new]
                last = tok.end
        return "".join(out) + formula.text[last:]

    def _target(self, tok, target: Target, tab, toks, i):
        if target.kind == "name":
            if target.name not in self.book.names:
                raise Gone(Why("name_gone", name=target.name))
            return None
        if target.kind == "index":
            return self._index(tok, target, toks, i)
        if not target.corners:
            raise Gone(Why("no_key" if self.has_record else "no_record"))
        sheet = tok.sheet if tok.sheet is not None else tab
        parts = tok.area.split(":")
        new = []
        for corner, part in zip(target.corners[:len(parts)] if len(parts) == 1 else target.corners, parts):
            where = self._corner(sheet, corner, target.what)
            _, _, abs_row, abs_col = cell_ref(part)
            new.append((where, abs_row, abs_col))
        if len(new) == 2:   # keep the range the right way round
            (r1, c1), (r2, c2) = new[0][0], new[1][0]
            new = [((min(r1, r2), min(c1, c2)), *new[0][1:]), ((max(r1, r2), max(c1, c2)), *new[1][1:])]
        area = ":".join(a1(r, c, ar, ac) for (r, c), ar, ac in new)
        return tok.text[:len(tok.text) - len(tok.area)] + area

    def _corner(self, sheet: str, corner, what: str = "") -> tuple[int, int]:
        if corner[0] == "input":
            cell = self.cells.get(corner[1])
            if cell is None or cell.sheet.name != sheet:
                raise Gone(self._slot_gone(corner[1]))
            return cell.row, cell.col
        if sheet not in self.sheets:
            raise Gone(Why("tab_gone", tab=sheet))
        where = self.positions.find(sheet, corner[1], corner[2])
        if where is None:
            what = what or " ".join(p for p in (corner[1].split(SEP)[1], corner[2]) if not p.startswith("#"))
            actual = corner[2].startswith("FY") and corner[2].endswith("E") and self.positions.find(
                sheet, corner[1], corner[2][:-1] + "A")
            raise Gone(Why("now_actual", what=what, tab=sheet, year=corner[2][2:6]) if actual
                       else Why("cell_gone", what=what, tab=sheet))
        return where

    def _slot_gone(self, token: str) -> Why:
        slot = Slot.from_token(token)
        r = resolve(self.data, slot)
        what = " ".join(p for p in (r.label, slot.period_label(), slot.scenario) if p)
        return Why("input_gone", what=what, detail=f": {r.gone}" if r.gone else "")

    def _index(self, tok, target: Target, toks, i):
        """INDEX(block, i[, j]): the new indices of the slot the old ones picked."""
        if not target.slot:
            return None
        if target.name not in self.book.names:
            raise Gone(Why("name_gone", name=target.name))
        block = self.book.names[target.name]
        grid = block.cells() if isinstance(block, Rng) else [[block]]
        cell = self.cells.get(target.slot)
        where = next(((r, c) for r, row in enumerate(grid) for c, x in enumerate(row) if x is cell), None) if cell else None
        if where is None:
            raise Gone(self._slot_gone(target.slot))
        # the arguments after the name: ", i" or ", i, j" up to the closing bracket
        k, end = i + 1, tok.end
        while k < len(toks) and toks[k].text != ")":
            end = toks[k].end
            k += 1
        rows, cols = len(grid), len(grid[0])
        args = f"{where[1] + 1}" if rows == 1 else f"{where[0] + 1}" if cols == 1 else f"{where[0] + 1},{where[1] + 1}"
        # a one-row block read with two indices keeps two (INDEX(block,1,k): the form every engine reads)
        if rows == 1 and sum(1 for t in toks[i + 1:k] if t.text == ",") == 2:
            args = f"1,{where[1] + 1}"
        return f"{tok.text},{args}", end

