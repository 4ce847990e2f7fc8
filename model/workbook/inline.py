"""Line definitions composed into the cells of one table row: each cell the row stores holds one line at
one period, and the lines it reads are written into its formula (inline) instead of into cells of their
own, unless the row stores them too. The Risk tab's trials use it: a trial is one row, and a forecast
line per cell would make a thousand trials a hundred thousand cells.

The row stores the lines it is asked for and every line that reads itself at an earlier period (a
balance, a volume that grows from last year's): inlined, such a line would repeat its whole history in
every year's formula. A line the row's shifts do not move is read from the block that already has it
(the selected scenario's), not computed again.
"""
from __future__ import annotations

from ..calc.formula import SUM, Expr
from .layout import LineBlock, cash_at, line_formula, previous_at_length


class InlineRow:
    """The context line definitions are called in (see calc/lines.py): `at`, `here`, `prev`, `drv` ...
    `lines`: the row's line definitions; `moved`: line -> whether a shift moves it; `fixed`: the block
    whose cells an unmoved line (or an actual period) is read from; `drivers`: (name, p) -> Expr;
    `stored`: (line, p) -> the Expr of the row's own cell holding it; `source`: the row `at` reads (the
    income lines, for a cash bridge)."""

    def __init__(self, tl, lines, periods, moved, fixed, drivers, stored, inputs, headers, source=None):
        self.tl, self.periods, self.moved, self.fixed = tl, periods, moved, fixed
        self.lines = {ln.key: ln for ln in lines}
        self.drivers, self.stored, self.inputs, self.headers, self.source = drivers, stored, inputs, headers, source
        self.memo = {}
        self.stack = []          # the (line, period) being composed, innermost last
        self.recursive = set()   # lines read at another period while composing themselves

    def formula(self, key, p) -> Expr:
        """The formula of line `key` at period p with the lines it reads composed in: what the row's cell
        for (key, p) holds."""
        fn = line_formula(self.tl, self.lines[key], p)
        if fn is None:   # no cell there (a forecast-only flow in a year opened by its actual interim)
            return None
        self.stack.append((key, p))
        try:
            return fn(self, p)
        finally:
            self.stack.pop()

    def own(self, key, p) -> Expr:
        if (key, p) in self.stored:
            return self.stored[(key, p)]
        if key not in self.lines or self.tl.is_actual(p) or not self.moved.get(key):
            return self.fixed.cells[(key, p)].ref(True, True)
        if any(k == key and q != p for k, q in self.stack):
            self.recursive.add(key)
        if (key, p) not in self.memo:
            self.memo[(key, p)] = self.formula(key, p)
        return self.memo[(key, p)]

    # --- the context line definitions use (as layout.LineBlock) ---
    def at(self, key, p):
        return (self.source or self).own(key, p)

    anchor = at

    def here(self, key, p):
        return self.own(key, p)

    def before_here(self, key, p):
        return self.own(key, self.periods[self.periods.index(p) - 1])

    cash_row = None   # the InlineRow of the cash bridge `cash` reads (set once both rows exist)

    def cash(self, key, p):
        """The cash bridge's line `key` at p, as LineBlock.cash reads it (layout.cash_at)."""
        row = self.cash_row
        return cash_at(self, row.own, lambda k, q: q in row.periods, key, p)

    def prev(self, key, p):   # as LineBlock.prev: the period before (a part's), a flow at p's length
        row = self.source or self
        return previous_at_length(self, key, p, lambda: row.lines.get(key) or row.fixed.line(key))

    def share(self, p):
        return None if p.is_full_year else self.inputs.part_share(p).ref(True, True)

    def drv(self, name, p=None):
        d = self.drivers(name, p)
        return d if isinstance(d, Expr) else d.ref(True, True)

    def total(self, keys, p):
        return SUM(*[self.at(k, p) for k in keys])

    def run(self, key, p):
        raise NotImplementedError(f"{key}: a running range has no place in a table row")

    run_here = run

    def year(self, p, fixed=False):
        return self.headers[p].ref(True, True)

    def const(self, key):
        return LineBlock.const(self, key)   # a fixed cell, as every block reads it

    def inp(self, item, p):
        return self.inputs.cell(item, p).ref(True, True)

    def comparative(self, p):
        return self.tl.comparative(p)

    def comparative_parts(self, p):
        return self.tl.comparative_parts(p)

    @property
    def base_year(self):
        return self.tl.base_year

    @property
    def first_year(self):
        return self.tl.actual_years[0]
