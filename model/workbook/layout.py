"""Placing line items on a sheet: one row per line, one cell per period, formulas from `lines.py`."""
from __future__ import annotations

from ..calc.formula import Expr, Rng
from ..data.company import REST
from ..labels import LANGS
from .tabs import fit_rows, put_label
from .timeline import LABEL_COL, LABEL_WIDTH, NOTE_WIDTH, UNIT_COL

LABEL_ROLE = {"total": "total_label", "detail": "detail_label", "memo": "memo_label"}


def ytd_plus_rest(key):
    """A flow in a first forecast year that has a year-to-date interim: the interim actual plus the rest."""
    return lambda x, p: x.at(key, x.tl.stub) + x.at(key, x.tl.rest)


def full_less_ytd(key):
    """The rest of a first forecast year whose full year another build forecasts (the unit build's lines
    are annual): the full year less the year-to-date interim actual."""
    return lambda x, p: x.at(key, x.tl.stub_year) - x.at(key, x.tl.stub)


class LineBlock:
    """Rows of line items on one sheet, and the context their formulas are written in."""

    def __init__(self, sheet, tl, lines, first_row, periods, inputs, source=None, drivers=None,
                 headers=None, link_actuals=None):
        self.sheet, self.tl, self.lines = sheet, tl, lines
        self.periods = periods
        self.inputs = inputs            # InputsTab: .cell(item, p)
        self.source = source            # the LineBlock `at` reads (None: this one)
        self.drivers = drivers          # (name, p) -> Cell, or an Expr (a shifted driver, a fixed scalar)
        self.headers = headers          # p -> header cell (fiscal year)
        self.link_actuals = link_actuals  # a LineBlock whose actual cells this one links to
        self.rows = {ln.key: first_row + i for i, ln in enumerate(lines)}
        self.cells = {}
        t = sheet.book.t
        self.editions = [t.edition(lang) for lang in LANGS]  # texts of every edition: one layout for all
        for ln in lines:
            r = self.rows[ln.key]
            put_label(sheet, r, t.line(ln)[0], LABEL_ROLE.get(ln.kind, "label"), [e.line(ln)[0] for e in self.editions],
                      LABEL_WIDTH)
            sheet.put(r, UNIT_COL, t.unit_of(ln.unit), "unit")
            for p in periods:
                self.cells[(ln.key, p)] = sheet.put(r, tl.col[p], None, "calc", ln.unit)
        self.last_row = first_row + len(lines) - 1
        # detail lines (segments, R&D parts) are grouped under the total they add up to
        run = []
        for ln in lines + [None]:
            if ln is not None and ln.kind == "detail":
                run.append(self.rows[ln.key])
            elif run:
                sheet.groups.append((run[0], run[-1]))
                run = []

    def fill(self, notes=True):
        """Write every line's formula into its cells (after all blocks exist, so links resolve)."""
        tl = self.tl
        for ln in self.lines:
            for p in self.periods:
                actual = tl.is_actual(p)
                fn = ln.actual if actual else ln.forecast
                if p == tl.rest and not ln.rest:
                    fn = None      # a line with no remainder (breakeven flags, cash): nothing in 2H2026E
                elif p == tl.stub_year and ln.rest == "flow" and fn is not None:
                    fn = ytd_plus_rest(ln.key)
                elif p == tl.rest and ln.rest == "annual":
                    fn = full_less_ytd(ln.key)
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
            note = self.sheet.book.t.line(ln)[1]
            if notes and note:
                self.sheet.put(self.rows[ln.key], self.tl.note_col, note, "note_wrap")
                fit_rows(self.sheet, [(self.rows[ln.key], e.line(ln)[1], NOTE_WIDTH) for e in self.editions])

    def line(self, key):
        return next(ln for ln in self.lines if ln.key == key)

    # --- the context line definitions use ---
    def cell(self, key, p):
        return self.cells[(key, p)]

    def has(self, key, p) -> bool:
        """Whether the line has a cell in period p (an annual line has none in interim columns)."""
        c = self.cells.get((key, p))
        return c is not None and self.sheet.cells.get((c.row, c.col)) is c

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

    def before_here(self, key, p):
        """This block's own line one column back along its periods: a balance's opening (the first forecast
        year's is the opening column, e.g. the cash at the opening date)."""
        return self.cells[(key, self.periods[self.periods.index(p) - 1])].ref()

    def run_here(self, key, p):
        return Rng(self.cells[(key, self.tl.forecast[0])], self.cells[(key, p)], absolute=False, anchored=True)

    def prev(self, key, p):
        """The figure a forecast grows from: the previous full year; for the rest of a year (2H2026E), the
        year to date (1H2026A)."""
        return self.at(key, self.tl.stub if p == self.tl.rest else self.tl.before(p))

    def inp(self, item, p):
        return self.inputs.cell(item, p).ref()

    def drv(self, name, p=None):
        """A scenario driver; for the rest of a year its remainder twin (rest_growth_cloud for growth_cloud)."""
        d = self.drivers(REST + name if p is not None and p == self.tl.rest else name, p)
        return d if isinstance(d, Expr) else d.ref()

    def const(self, key):
        """A scalar setting of the unit build on Inputs (days a year, a unit scale), fixed ($C$9)."""
        return self.inputs.units[key].ref(True, True)

    def year(self, p, fixed=False):
        return self.headers[p].ref(abs_row=True, abs_col=fixed)

    def comparative(self, p):
        return self.tl.comparative(p)

    def comparative_parts(self, p):
        return self.tl.comparative_parts(p)

    @property
    def first_year(self):
        return self.tl.actual_years[0]

    @property
    def base_year(self):
        return self.tl.base_year

    @staticmethod
    def range(a, b):
        return Rng(a.cell, b.cell, absolute=False)
