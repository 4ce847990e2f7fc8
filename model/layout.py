"""Placing line items on a sheet: one row per line, one cell per period, formulas from `lines.py`."""
from __future__ import annotations

from .formula import Expr, Rng
from .timeline import FIRST_COL, LABEL_COL, UNIT_COL

UNIT_TEXT = {"amount": None, "pct": "%", "x": "x", "year": "year", "flag": "1/0"}  # None: the company's unit


class LineBlock:
    """Rows of line items on one sheet, and the context their formulas are written in."""

    def __init__(self, sheet, tl, lines, first_row, periods, inputs, source=None, drivers=None,
                 headers=None, unit="", label_prefix="", link_actuals=None):
        self.sheet, self.tl, self.lines = sheet, tl, lines
        self.periods = periods
        self.inputs = inputs            # InputsTab: .cell(item, p)
        self.source = source            # the LineBlock `at` reads (None: this one)
        self.drivers = drivers          # (name, p) -> Cell, or an Expr (a shifted driver, a fixed scalar)
        self.headers = headers          # p -> header cell (fiscal year)
        self.link_actuals = link_actuals  # a LineBlock whose actual cells this one links to
        self.rows = {ln.key: first_row + i for i, ln in enumerate(lines)}
        self.cells = {}
        for ln in lines:
            r = self.rows[ln.key]
            sheet.put(r, LABEL_COL, label_prefix + ln.label, "total_label" if ln.kind == "total" else
                      ("detail_label" if ln.kind == "detail" else ("memo_label" if ln.kind == "memo" else "label")))
            sheet.put(r, UNIT_COL, UNIT_TEXT[ln.unit] or unit, "unit")
            for p in periods:
                self.cells[(ln.key, p)] = sheet.put(r, tl.col[p], None, "calc", ln.unit)
        self.last_row = first_row + len(lines) - 1

    def fill(self, notes=True):
        """Write every line's formula into its cells (after all blocks exist, so links resolve)."""
        for ln in self.lines:
            for p in self.periods:
                actual = self.tl.is_actual(p)
                fn = ln.actual if actual else ln.forecast
                cell = self.cells[(ln.key, p)]
                if fn is None:
                    del self.sheet.cells[(cell.row, cell.col)]
                    continue
                if actual and self.link_actuals:
                    cell.content = self.link_actuals.cells[(ln.key, p)].ref()
                else:
                    cell.content = fn(self, p)
                if cell.content is None:
                    del self.sheet.cells[(cell.row, cell.col)]
                    continue
                if ln.kind == "total":
                    cell.role = "calc_total"
            if notes and ln.note:
                self.sheet.put(self.rows[ln.key], self.tl.note_col, ln.note, "note")

    # --- the context line definitions use ---
    def cell(self, key, p):
        return self.cells[(key, p)]

    def at(self, key, p):
        block = self.source or self
        return block.cells[(key, p)].ref()

    def anchor(self, key, p):
        """`at` with the column fixed ($C5): a reference every column of a row shares."""
        block = self.source or self
        return block.cells[(key, p)].ref(abs_col=True)

    def here(self, key, p):
        return self.cells[(key, p)].ref()

    def run(self, key, p):
        """`at`'s cells from the first forecast year to p: a range that grows along the row."""
        block = self.source or self
        return Rng(block.cells[(key, self.tl.forecast[0])], block.cells[(key, p)], absolute=False, anchored=True)

    def run_here(self, key, p):
        return Rng(self.cells[(key, self.tl.forecast[0])], self.cells[(key, p)], absolute=False, anchored=True)

    def prev(self, key, p):
        return self.at(key, self.tl.before(p))

    def inp(self, item, p):
        return self.inputs.cell(item, p).ref()

    def drv(self, name, p=None):
        d = self.drivers(name, p)
        return d if isinstance(d, Expr) else d.ref()

    def year(self, p, fixed=False):
        return self.headers[p].ref(abs_row=True, abs_col=fixed)

    def comparative(self, p):
        return self.tl.comparative(p)

    @property
    def first_year(self):
        return self.tl.actual_years[0]

    @property
    def base_year(self):
        return self.tl.base_year

    @staticmethod
    def range(a, b):
        return Rng(a.cell, b.cell, absolute=False)
