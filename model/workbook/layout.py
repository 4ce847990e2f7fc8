"""Placing line items on a sheet: one row per line, one cell per period, formulas from `lines.py`."""
from __future__ import annotations

from ..calc.formula import SUM, Expr, Num, Rng
from ..calc.lines import chain_parts
from ..labels import LANGS
from .tabs import fit_rows, put_label
from .timeline import LABEL_WIDTH, NOTE_WIDTH, UNIT_COL

LABEL_ROLE = {"total": "total_label", "detail": "detail_label", "memo": "memo_label"}


def part_sum(key):
    """A flow's full year shown in parts: the sum of its parts (FY2026E = 1H2026A + 2H2026E)."""
    return lambda x, p: SUM(*[x.at(key, q) for q in x.tl.parts(p)])


def part_average(key):
    """A level's full year shown in parts: the average of its parts, each weighted by its share of a year."""
    def f(x, p):
        a, b = x.tl.parts(p)
        return x.at(key, a) * x.share(a) + x.at(key, b) * x.share(b)
    return f


def part_closing(key):
    """A closing level's full year shown in parts: its last part's."""
    return lambda x, p: x.at(key, x.tl.parts(p)[-1])


def line_formula(tl, ln, p):
    """A line's definition for period p as a function of the context, or None (no cell there). In a year
    shown in parts (lines.py, Line.half) the parts are forecast as any period and the full year follows the
    line's kind: the sum of the parts (a flow), their weighted average (a level), the last part (a closing
    level), the line's actual formula (a ratio, implied by the year's flows), or its forecast formula."""
    if tl.is_actual(p):
        return ln.actual
    if ln.forecast is None:
        return None
    if not p.is_full_year:
        return ln.forecast if ln.half else None      # an annual line has no cell in the parts
    if not tl.parts(p):
        return ln.forecast
    if ln.half in ("flow", "average", "closing") and ln.actual is None and any(tl.is_actual(q) for q in tl.parts(p)):
        return None     # a forecast-only line (a utilisation target): no full year beside an actual half
    return {"flow": part_sum(ln.key), "average": part_average(ln.key), "closing": part_closing(ln.key),
            "ratio": ln.actual}.get(ln.half, ln.forecast)


def _row_run(block, key, first, p):
    """A line's cells from period `first` to p as a range that grows along the row."""
    a, b = block.cells[(key, first)], block.cells[(key, p)]
    assert a.sheet is b.sheet and a.row == b.row, f"{key}: its cells are in different blocks"
    return Rng(a, b, absolute=False, anchored=True)


def is_flow(ln) -> bool:
    """Whether a line is an amount of its period (a flow, or a total of flows) rather than a level or a rate."""
    return ln.half == "flow" or ln.half == "calc" and ln.unit == "amount"


def previous_at_length(x, key, p, line):
    """`x`'s figure of `key` in the period before p; a flow's scaled to p's length when the two differ.
    `x`: a LineBlock or an InlineRow (at, share, tl); `line()`: key's line, looked up only then."""
    q = x.tl.previous(p)
    ref = x.at(key, q)
    if q.months == p.months or not is_flow(line()):
        return ref
    return ref * x.share(p) / x.share(q)


class Pending(Expr):
    """A read of the scenario's cash-flow line (`LineBlock.cash`) made before that block exists (the Income
    Statement and Scenarios tabs are built before Cash & Funding): `resolve_cash` replaces it."""

    def __init__(self, key, p):
        self.key, self.p = key, p

    def unlinked(self):
        raise AssertionError(f"{self.key} {self.p.code}: its cash-flow line was never linked")

    def xl(self, sheet):
        self.unlinked()

    def value(self):
        self.unlinked()

    def refs(self):
        self.unlinked()


def cash_at(x, read, has, key, p):
    """A cash-flow line `key` at period p as the income lines of context `x` read it (`read(key, p)`: the
    line's figure; `has(key, p)`: whether there is one). A part of a year the cash runs as a whole (the trials'
    cash, a balance sheet older than the interim): the year's figure x the part's share of a year / the share
    of the year the figure covers (period_years)."""
    if has(key, p):
        return read(key, p)
    year = p.full_year()
    return read(key, year) * x.share(p) / read("period_years", year)


def block_cash(x, b, key, p):
    """cash_at over the cash-flow block `b`'s cells."""
    return cash_at(x, lambda k, q: b.cells[(k, q)].ref(), b.has, key, p)


class LineBlock:
    """Rows of line items on one sheet, and the context their formulas are written in."""

    cash_block = None   # the LineBlock of this scenario's cash-flow statement `cash` reads (None: not built yet)

    def __init__(self, sheet, tl, lines, first_row, periods, inputs, source=None, drivers=None,
                 headers=None, link_actuals=None, owners=None):
        self.sheet, self.tl, self.lines = sheet, tl, lines
        self.periods = periods
        self.inputs = inputs            # InputsTab: .cell(item, p)
        self.source = source            # the LineBlock `at` reads (None: this one)
        self.drivers = drivers          # (name, p) -> Cell, or an Expr (a shifted driver, a fixed scalar)
        self.headers = headers          # p -> header cell (fiscal year)
        self.link_actuals = link_actuals  # a LineBlock whose actual cells this one links to
        # (key, p) -> the LineBlock whose cell this one uses instead of a cell of its own, or None: a line
        # that no period of its own needs gets no row (the Sensitivity tab's recomputed forecasts)
        owners = owners or (lambda key, p: None)
        self.cells, owned = {}, {}
        pairs = tl.pairs
        for ln in lines:
            owned[ln.key] = []
            for p in periods:
                key = (ln.key, p)
                key = pairs.setdefault(key, key)
                other = owners(ln.key, p)
                if other is None:
                    owned[ln.key].append(key)
                else:
                    self.cells[key] = other.cells[key]
        rowed = [ln for ln in lines if owned[ln.key]]
        self.rows = {ln.key: first_row + i for i, ln in enumerate(rowed)}
        sheet.line_keys.update({r: key for key, r in self.rows.items()})
        t = sheet.book.t
        self.editions = [t.edition(lang) for lang in LANGS]  # texts of every edition: one layout for all
        for ln in rowed:
            r = self.rows[ln.key]
            put_label(sheet, r, t.line(ln)[0], LABEL_ROLE.get(ln.kind, "label"), [e.line(ln)[0] for e in self.editions],
                      LABEL_WIDTH)
            sheet.put(r, UNIT_COL, t.unit_of(ln.unit), "unit")
            for key in owned[ln.key]:
                self.cells[key] = sheet.put(r, tl.col[key[1]], None, "calc", ln.unit)
        self.own = {key for ln in rowed for key in owned[ln.key]}
        self.last_row = first_row + len(rowed) - 1
        # detail lines (segments, R&D parts) are grouped under the total they add up to
        run = []
        for ln in rowed + [None]:
            if ln is not None and ln.kind == "detail":
                run.append(self.rows[ln.key])
            elif run:
                sheet.groups.append((run[0], run[-1]))
                run = []

    def fill(self, notes=True):
        """Write every line's formula into its cells (after all blocks exist, so links resolve)."""
        tl = self.tl
        for ln in self.lines:
            if ln.key not in self.rows:
                continue
            for p in self.periods:
                if (ln.key, p) not in self.own:
                    continue
                actual = tl.is_actual(p)
                fn = line_formula(tl, ln, p)
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
                if actual:
                    self.sheet.book.actual_cells.append(cell)
            note = self.sheet.book.t.line(ln)[1]
            if notes and note:
                self.sheet.put(self.rows[ln.key], self.tl.note_col, note, "note_wrap")
                fit_rows(self.sheet, [(self.rows[ln.key], e.line(ln)[1], NOTE_WIDTH) for e in self.editions])

    def line(self, key):
        try:
            return self._by_key[key]
        except AttributeError:
            self._by_key = {ln.key: ln for ln in self.lines}
            return self._by_key[key]

    # --- the context line definitions use ---
    def cell(self, key, p):
        return self.cells[(key, p)]

    def has(self, key, p) -> bool:
        """Whether the line has a cell in period p (an annual line has none in interim columns)."""
        c = self.cells.get((key, p))
        return c is not None and c.sheet.cells.get((c.row, c.col)) is c

    def at(self, key, p):
        block = self.source or self
        return block.cells[(key, p)].ref()

    def anchor(self, key, p):
        """`at` with the column fixed ($C5): a reference every column of a row shares."""
        block = self.source or self
        return block.cells[(key, p)].ref(abs_col=True)

    def here(self, key, p):
        return self.cells[(key, p)].ref()

    def cash(self, key, p):
        """This scenario's cash-flow line `key` at p (finance income and cost, tax: they come from the balances
        the cash-flow statement carries), or a Pending read until that block exists."""
        return Pending(key, p) if self.cash_block is None else block_cash(self, self.cash_block, key, p)

    def link_cash(self, block):
        """Read this scenario's cash-flow lines from `block` (block_cash), the Pending reads made before it
        existed included."""
        self.cash_block = block
        self.resolve_cash(lambda key, p: block_cash(self, block, key, p))

    def resolve_cash(self, of):
        """Replace each Pending read by `of(key, p)`, once the cash-flow blocks exist."""
        for key, p in self.own:
            cell = self.cells[(key, p)]
            if isinstance(cell.content, Pending):
                cell.content = of(cell.content.key, cell.content.p)

    def run(self, key, p):
        """`at`'s cells from the first forecast year to p: a range that grows along the row."""
        block = self.source or self
        return _row_run(block, key, self.tl.forecast[0], p)

    def before_here(self, key, p):
        """This block's own line one period back along its chain: a balance's opening (the first forecast
        period's is the opening column, e.g. the cash at the opening date). A part steps over the full-year
        column of a year whose parts are in the block (a summary of its parts: 1H2027E opens from 2H2026E); a full
        year opens from the column before it (FY2028E from FY2027E, whose balances are its last part's)."""
        i = self.periods.index(p) - 1
        while not p.is_full_year and chain_parts(self, self.periods[i]):
            i -= 1
        return self.cells[(key, self.periods[i])].ref()

    def run_here(self, key, p):
        return _row_run(self, key, self.tl.forecast[0], p)

    def prev(self, key, p):
        """The figure a forecast of p grows from: the previous period of the forecast (timeline.previous: the
        year before, or the part before: 1H2026A for 2H2026E); a flow's scaled to p's length when the two
        differ (a nine-month figure x 3/9 before a fourth quarter)."""
        return previous_at_length(self, key, p, lambda: (self.source or self).line(key))

    def share(self, p):
        """The share of a year part p spans (a calendar fact on Inputs, fixed), None for a full year."""
        return None if p.is_full_year else self.inputs.part_share(p).ref(True, True)

    def inp(self, item, p):
        return self.inputs.cell(item, p).ref()

    def drv(self, name, p=None):
        """A scenario driver in forecast period p (a part has its own), or a scalar (p None)."""
        d = self.drivers(name, p)
        return d if isinstance(d, Expr) else d.ref()

    def const(self, key):
        """A scalar setting of the unit build on Inputs (days a year, a unit scale), or a fact of the compute
        build's units (hours a year, a conversion), fixed ($C$9)."""
        cell = self.inputs.units.get(key) or self.inputs.facts[key]
        return cell.ref(True, True)

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

    def total(self, keys, p):
        """The sum of lines `keys` at p: over their range when their cells stand one under another in one
        column, else cell by cell (some lines read from another block)."""
        block = self.source or self
        cells = [block.cells[(k, p)] for k in keys]
        first = cells[0]
        if all(c.sheet is first.sheet and c.col == first.col and c.row == first.row + i for i, c in enumerate(cells)):
            return SUM(Rng(first, cells[-1], absolute=False))
        return SUM(*[c.ref() for c in cells])


class Reads(LineBlock):
    """What a line's definition reads, found by calling it in a context that records instead of writing:
    the lines of its own block (`own`), those of the block `at` reads when there is one (`other`), and
    the drivers (`drivers`, a remainder's rest_* twin under its year's name). No cells are placed."""

    def __init__(self, tl, inputs, headers, has_source=False, lines=()):   # no sheet, no cells: LineBlock's set-up is not run
        self.tl, self.inputs, self.headers, self.source = tl, inputs, headers, has_source
        self.lines = lines
        self.own, self.other, self.drivers, self.cash_reads = set(), set(), set(), set()

    def _read(self, key, own=False):
        (self.own if own or not self.source else self.other).add(key)
        return Num(1)

    def at(self, key, p):
        return self._read(key)

    anchor = run = at

    def here(self, key, p):
        return self._read(key, own=True)

    def cash(self, key, p):
        self.cash_reads |= {key, "period_years"}   # a part the cash runs as a whole reads its year's share
        return Num(1)

    before_here = run_here = here

    def total(self, keys, p):
        for k in keys:
            self._read(k)
        return Num(1)

    def drv(self, name, p=None):
        self.drivers.add(name)
        return Num(1)

    def flows(self, key) -> bool:
        return False   # a length factor reads no line


def reads(tl, lines, periods, inputs, headers, has_source=False) -> dict:
    """Per line of `lines`: the Reads of its definitions in `periods`."""
    out = {}
    for ln in lines:
        probe = Reads(tl, inputs, headers, has_source, lines)
        for p in periods:
            fn = line_formula(tl, ln, p)
            if fn is not None:
                fn(probe, p)
        out[ln.key] = probe
    return out


def upstream(keys, read) -> set:
    """`keys` and every line they read, directly or not (`read`: key -> the keys it reads)."""
    seen, todo = set(), list(keys)
    while todo:
        k = todo.pop()
        if k not in seen:
            seen.add(k)
            todo.extend(read(k))
    return seen


def moved_by(read, shifts, source=None, cash=None) -> dict:
    """Per line: the shifted drivers that move it, directly or through the lines it reads, as a frozenset
    of (driver, shift id) pairs from `shifts` (driver -> id). `read`: the lines' Reads; `source`: this
    function's result for the block their `at` reads; `cash`: for the cash-flow lines they read (`cash`).
    A line moved by none equals the unshifted forecast."""
    source, cash = source or {}, cash or {}
    moved, readers = {}, {}
    for k, r in read.items():   # what moves a line by itself, and which lines read it
        moved[k] = {(d, shifts[d]) for d in r.drivers if d in shifts}.union(
            *(source.get(o, ()) for o in r.other), *(cash.get(o, ()) for o in r.cash_reads))
        for o in r.own:
            if o in read:
                readers.setdefault(o, []).append(k)
    todo = [k for k in read if moved[k]]
    while todo:   # each line's movers passed on to its readers, to a fixed point (a balance reads itself: cycles)
        o = todo.pop()
        for k in readers.get(o, ()):
            if not moved[o] <= moved[k]:
                moved[k] |= moved[o]
                todo.append(k)
    return {k: frozenset(v) for k, v in moved.items()}


def moved_both(lines, bridge, shifts) -> tuple[dict, dict]:
    """moved_by for a forecast's income lines and its cash bridge together (the bridge reads the income lines,
    whose finance and tax lines read the bridge): to a fixed point. `lines`, `bridge`: their Reads."""
    moved, bridge_moved = {}, {}
    while True:
        new = moved_by(lines, shifts, cash=bridge_moved)
        new_bridge = moved_by(bridge, shifts, new)
        if (new, new_bridge) == (moved, bridge_moved):
            return moved, bridge_moved
        moved, bridge_moved = new, new_bridge


def keep_both(lines, bridge, line_needs, bridge_needs) -> tuple[set, set]:
    """The income lines and the cash-bridge lines a recomputed forecast carries: what its results need and
    everything that reads, the bridge's reads of the income lines and the income lines' reads of the bridge
    included. `lines`, `bridge`: every line's Reads."""
    keep, keep_bridge = set(), set()
    while True:
        cash_needs = set(bridge_needs).union(*(lines[k].cash_reads for k in keep))
        new_bridge = upstream(cash_needs & set(bridge), lambda k: bridge[k].own)
        new = upstream(set(line_needs).union(*(bridge[k].other for k in new_bridge)), lambda k: lines[k].own)
        if (new, new_bridge) == (keep, keep_bridge):
            return keep, keep_bridge
        keep, keep_bridge = new, new_bridge
