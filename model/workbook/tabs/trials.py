"""Trials: the Monte Carlo's trials, one row each. A row draws a uniform number for the shared factor and
for each driver with a range (the HDR generator, in the cell's own arithmetic, from the trial number, the
variable and the seed), ties each driver's draw to the factor's, turns it into the driver's shift
(triangular), and recomputes the selected scenario's forecast with its drivers shifted, from the same line
definitions as the Income Statement and Cash & Funding: revenue, adjusted net income, cash before new
funding and closing cash per forecast year, then the year of breakeven and the year cash first falls below
the minimum (0: not within the horizon). A line no shift moves is read from the selected scenario's; a line
that grows from its own last year (tokens, price, cash) has a cell per year; the rest is composed into the
formulas (workbook/inline.py), unless a formula would then be longer than Excel reads (within_limit).

Every column holds one formula, rendered once, evaluated for all rows at once (calc/vector.py) and written
as one shared formula (workbook/shared.py)."""
from __future__ import annotations

from contextlib import contextmanager

from ...calc.formula import FORMULA_LIMIT, Fn, FormulaTooLong, Name, Neg, Op, Ref, Rng, col_letter
from ...calc.cashflow import cash_lines
from ...calc.lines import scenario_lines
from ...calc.risk import hdr_formula, shifted, triangular, with_factor
from ...calc.vector import ROW, Column, Computed, RowFirst, evaluate, on_row, render
from ...data.items import driver_items
from ...labels import LANGS
from ..inline import InlineRow
from ..layout import keep_both, line_formula, moved_both, reads
from ..timeline import FIRST_COL, LABEL_COL, UNIT_COL
from . import LINE_HEIGHT, title_rows

OUTPUTS = ("revenue", "adjusted_net_income")          # income lines every trial keeps, per forecast year
CASH_OUTPUTS = ("cash_before_plug", "closing_cash")   # and cash-flow lines
HEAD = 4            # the group headings' row; the parameter rows below it
PARAMS = ("variable", "factor", "low", "likely", "high")   # label ids trials.<id>, one row each


class TrialsTab:
    def __init__(self, book, data, tl, inputs, income, cash, risk):
        """`risk`: the Risk tab (its settings cells, its period header, and the trial it shows, whose cash
        bridge holds the lines no shift moves)."""
        t = self.t = book.t
        sh = self.sheet = book.add_sheet("trials", "calc")
        self.tl, self.data, self.risk = tl, data, risk
        title_rows(sh, sh.name, t("trials.subtitle", risk=t("tabs.risk"), inputs=t("tabs.inputs")))
        self.top = HEAD + 1 + len(PARAMS) + 1     # the first trial's row, under the headings and parameters
        self.rows = range(self.top, self.top + data.risk.trials)
        self.param = {key: HEAD + 1 + i for i, key in enumerate(PARAMS)}
        self.plan(data, tl, inputs, income, cash, risk)
        columns = self.draw_columns(data.risk.ranges, inputs.risk)
        columns.update(self.forecast_columns(data.risk.ranges, income, cash))
        self.write(sh, columns, data.risk.trials)

    def draw_columns(self, ranges, rin) -> dict:
        """The draws' columns, each under its heading and parameters: the shared factor's draw, each driver's
        draw tied to it, each driver's shift. Returns key -> (formula of the row, number format)."""
        sh, t, top, param = self.sheet, self.t, self.top, self.param
        for key, r in param.items():
            sh.put(r, LABEL_COL, t(f"trials.{key}"), "detail_label")
        sh.put(HEAD, LABEL_COL, "", "head")
        sh.put(top - 1, LABEL_COL, t("trials.trial_head"), "head")
        sh.put(top - 1, UNIT_COL, t("trials.trial"), "head")
        sh.widths.update({LABEL_COL: 30, UNIT_COL: 8})
        sh.heights[top - 1] = 4 * LINE_HEIGHT
        sh.freeze = (top, FIRST_COL)
        keys = ["u0"] + [("u", r.driver) for r in ranges] + [("d", r.driver) for r in ranges]
        self.col = {key: FIRST_COL + i for i, key in enumerate(keys)}
        items = driver_items(self.data)
        sh.put(top - 1, self.col["u0"], t("trials.factor_draw"), "head_wrap")
        for r in ranges:
            label = t.item("drivers", items[r.driver])
            sh.put(top - 1, self.col[("u", r.driver)], t("trials.draw", driver=label), "head_wrap")
            sh.put(top - 1, self.col[("d", r.driver)], t("trials.shift", driver=label), "head_wrap")
        for c in self.col.values():
            sh.widths[c] = 12
        for key, first, last in (("draws", "u0", ("u", ranges[-1].driver)),
                                 ("shifts", ("d", ranges[0].driver), ("d", ranges[-1].driver))):
            sh.put(HEAD, self.col[first], t(f"trials.{key}"), "head")
            if self.col[last] > self.col[first]:
                sh.merges.append((HEAD, self.col[first], self.col[last]))
        # the generator's variable ids: the draw column's position, 1 for the shared factor
        var = {c: sh.put(param["variable"], c, _columns(sh.cell_at(top - 1, self.col["u0"]), sh.cell_at(top - 1, c)),
                         "calc", "int").ref(abs_row=True)
               for c in [self.col["u0"]] + [self.col[("u", r.driver)] for r in ranges]}
        here = lambda key, c: sh.cell_at(param[key], c).ref(abs_row=True)   # noqa: E731  (its column's parameter)
        trial, seed = Column("trial", UNIT_COL), self.risk.seed.ref(True, True)
        u0 = Column("u0", self.col["u0"])
        columns = {"u0": (hdr_formula(trial, var[self.col["u0"]], seed), "rate")}
        for r in ranges:
            c = self.col[("u", r.driver)]
            sh.put(param["factor"], c, rin[(r.driver, "factor")].ref(), "calc", "count")
            columns[("u", r.driver)] = (with_factor(hdr_formula(trial, var[c], seed), u0, here("factor", c),
                                                    self.risk.factor_weight.ref(True, True)), "rate")
            c = self.col[("d", r.driver)]
            for key in ("low", "likely", "high"):
                sh.put(param[key], c, rin[(r.driver, key)].ref(), "calc", "pct")
            columns[("d", r.driver)] = (triangular(Column(("u", r.driver), self.col[("u", r.driver)]),
                                                   here("low", c), here("likely", c), here("high", c)), "pct")
        return columns

    def forecast_columns(self, ranges, income, cash) -> dict:
        """The forecast's columns: a cell per forecast year for each line the row keeps (stored_lines), then
        the breakeven year and the year cash first falls below the minimum."""
        sh, t, fc, top = self.sheet, self.t, self.tl.forecast, self.top
        kind = {r.driver: r.kind for r in ranges}

        def drivers(name, p):
            base = income.drivers[(name, p)].ref(True, True)
            drv = name
            if drv not in kind:
                return base
            return shifted(kind[drv], base, Column(("d", drv), self.col[("d", drv)]), share=self.inputs.part_share(p).ref(True, True) if p is not None and self.tl.is_part(p) else None)

        stored = self.stored_lines(drivers)
        col, heads = max(self.col.values()) + 1, {}
        for key, part, periods in stored:
            sh.put(HEAD, col, t.line(self.line(key, part))[0], "head")
            sh.merges.append((HEAD, col, col + len(periods) - 1))
            for p in periods:
                self.col[("line", key, p)] = col
                heads[(key, p)] = sh.put(top - 1, col, self.risk.headers[p].ref(), "head",   # as on Risk: 2H2026E
                                         "as_" + self.tl.header_format(p))
                sh.widths[col] = 11
                col += 1
        self.col["be"], self.col["runout"] = col, col + 1
        for c, key in ((col, "be_year"), (col + 1, "runout_year")):
            sh.put(top - 1, c, t(f"trials.{key}"), "head_wrap")
            sh.widths[c] = 12
        columns = {("line", key, p): (expr, self.line(key, part).unit)
                   for (key, part), (p, expr) in self.compose(drivers, stored)}
        line = lambda key: [Column(("line", key, p), self.col[("line", key, p)]) for p in fc]   # noqa: E731
        # the fiscal years over a line's own columns (the Risk tab's full years stand apart, parts between them)
        fiscal = lambda key: [heads[(key, p)].ref(True, True) for p in fc]   # noqa: E731
        columns["be"] = (RowFirst(line("adjusted_net_income"), ">=", 0, fiscal("adjusted_net_income")), "year")
        columns["runout"] = (RowFirst(line("cash_before_plug"), "<", cash.scalars["min_cash"].ref(True, True),
                                      fiscal("cash_before_plug")), "year")
        return columns

    def line(self, key, part):
        return (self.lines if part == "lines" else self.bridge_lines)[key]

    # --- which lines a trial needs, what moves them, and which it keeps in cells of its own ---
    def plan(self, data, tl, inputs, income, cash, risk):
        self.periods = tl.main[tl.main.index(tl.base_year):]
        # the trials' cash runs in full years (the year of the opening date: its rest), not along Cash & Funding's
        # chain of halves: part cells in every trial row would grow the biggest tab of the build (issue 28); the
        # Risk tab's shown trial, which Checks compares with its row, runs alike
        self.cash_periods = [inputs.opening_period] + tl.forecast
        bridge = cash_lines(cash.bridge_spec)
        every_bridge = reads(tl, bridge, self.cash_periods, inputs, risk.headers, True)
        lines = scenario_lines(data)
        forecast = [p for p in self.periods if not tl.is_actual(p)]
        every = reads(tl, lines, forecast, inputs, risk.headers)
        keep, keep_bridge = keep_both(every, every_bridge, OUTPUTS, CASH_OUTPUTS)
        self.bridge_lines = {ln.key: ln for ln in bridge if ln.key in keep_bridge}
        self.lines = {ln.key: ln for ln in lines if ln.key in keep}
        ids = {r.driver: r.driver for r in data.risk.ranges}
        self.moved, self.bridge_moved = moved_both({k: every[k] for k in keep}, {k: every_bridge[k] for k in keep_bridge},
                                                   ids)
        self.fixed, self.fixed_bridge = income.lines, risk.viewer.bridge
        self.inputs, self.headers = inputs, risk.headers

    def rows_for(self, drivers, stored_lines, stored_bridge):
        tl = self.tl
        lines = InlineRow(tl, self.lines.values(), self.periods, self.moved, self.fixed, drivers, stored_lines,
                          self.inputs, self.headers)
        cash = self.fixed_bridge
        bridge = InlineRow(tl, self.bridge_lines.values(), self.cash_periods, self.bridge_moved, cash,
                           lambda name, p: cash.drivers(name, p), stored_bridge, self.inputs, self.headers, source=lines)
        lines.cash_row = bridge
        return lines, bridge

    def stored_lines(self, drivers) -> list:
        """(line, part, periods) the trial keeps a cell per period for: the outputs and every line moved by a shift
        that reads itself at an earlier period (composed inline it would repeat its history), each forecast year;
        then the lines within_limit adds."""
        out = [(k, "lines") for k in OUTPUTS] + [(k, "bridge") for k in CASH_OUTPUTS]
        kept = lambda keys: {(k, p): Column(k, 0) for k in keys for p in self.tl.forecast}   # noqa: E731
        lines, bridge = self.rows_for(drivers, kept(OUTPUTS), kept(CASH_OUTPUTS))
        for row, keys in ((lines, OUTPUTS), (bridge, CASH_OUTPUTS)):
            for k in keys:
                for p in self.tl.forecast:
                    row.formula(k, p)
        out += [(k, "lines") for k in self.lines if k in lines.recursive and (k, "lines") not in out]
        out += [(k, "bridge") for k in self.bridge_lines if k in bridge.recursive and (k, "bridge") not in out]
        return self.within_limit(drivers, [(k, part, tuple(self.tl.forecast)) for k, part in out])

    def within_limit(self, drivers, stored) -> list:
        """`stored`, with more lines while a stored cell's formula, its composed lines written in, would be longer
        than Excel reads (FORMULA_LIMIT, at the last trial's row numbers and a far column's letters): each time the
        line whose composed formulas are longest in all keeps a cell of its own in every forecast period of its row
        (halves included: a full year opened in halves composes them)."""
        far, last = FIRST_COL + 16000, self.rows[-1]
        periods = {"lines": tuple(p for p in self.periods if not self.tl.is_actual(p)), "bridge": tuple(self.tl.forecast)}
        with _longest_names(self.sheet.book):   # the same lines kept in every edition
            while True:
                cell = _placed(stored, lambda k, p: Column((k, p), far))
                lines, bridge = self.rows_for(drivers, cell["lines"], cell["bridge"])
                row = {"lines": lines, "bridge": bridge}
                longest = max(len(on_row(render(e, self.sheet), last)) - 1 for k, part, ps in stored for p in ps
                              if (e := row[part].formula(k, p)) is not None)
                if longest <= FORMULA_LIMIT:
                    return stored
                size, kept = {}, {(k, part) for k, part, _ in stored}
                for part, r in row.items():
                    for (k, _), e in r.memo.items():
                        if e is not None and (k, part) not in kept:
                            size[(k, part)] = size.get((k, part), 0) + len(render(e, self.sheet))
                if not size:
                    raise FormulaTooLong(f"{self.sheet.name}: a trial's formula has {longest:,} characters, more than "
                                         f"the {FORMULA_LIMIT:,} Excel reads, with every line it reads in a cell of its own")
                k, part = max(size, key=size.get)   # its periods that have a cell (layout.line_formula)
                stored = stored + [(k, part, tuple(p for p in periods[part]
                                                   if line_formula(self.tl, self.line(k, part), p) is not None))]

    def compose(self, drivers, stored) -> list:
        """((line, part), (period, formula)) for every stored cell of a trial row."""
        cell = _placed(stored, lambda k, p: Column(("line", k, p), self.col[("line", k, p)]))
        lines, bridge = self.rows_for(drivers, cell["lines"], cell["bridge"])
        out = [((k, part), (p, (lines if part == "lines" else bridge).formula(k, p))) for k, part, ps in stored
               for p in ps]
        return [(kp, (p, expr)) for kp, (p, expr) in out if expr is not None]

    def write(self, sh, columns, n):
        """Every column's formula rendered once and its values computed for all n rows at once (in the order
        the columns read each other), then written row by row."""
        self.values = values = {"trial": [float(i + 1) for i in range(n)]}
        head = sh.cell_at(self.top - 1, UNIT_COL)
        trial_text = f"=ROWS({col_letter(UNIT_COL)}${head.row + 1}:{col_letter(UNIT_COL)}{ROW})"
        for i, r in enumerate(self.rows):   # the trial number: the rows above it, from the heading
            sh.put(r, UNIT_COL, Computed(trial_text, r - 1, float(i + 1), False, ()), "calc", "int")
        for key in _order(columns):
            expr, fmt = columns[key]
            values[key] = evaluate(expr, values, n)
            text = render(expr, sh)
            links = tuple(c for c in _cells_read(expr) if c.sheet is not sh)[:1]
            c = self.col[key]
            for r, v in zip(self.rows, values[key]):
                sh.put(r, c, Computed(text, r, v, expr.array, links), "calc", fmt)

    def column(self, key) -> Rng:
        """A column of the trials as a range (rows fixed, the column relative: it moves along a timeline)."""
        c = self.col[key]
        return Rng(self.sheet.cell_at(self.rows[0], c), self.sheet.cell_at(self.rows[-1], c), absolute=False,
                   fixed_rows=True)

    def trial_numbers(self) -> Rng:
        return Rng(self.sheet.cell_at(self.rows[0], UNIT_COL), self.sheet.cell_at(self.rows[-1], UNIT_COL))


def _placed(stored, column) -> dict:
    """Part ("lines", "bridge") -> {(line, period): column(line, period)} for the (line, part, periods) stored."""
    return {part: {(k, p): column(k, p) for k, pt, ps in stored if pt == part for p in ps} for part in ("lines", "bridge")}


@contextmanager
def _longest_names(book):
    """Each tab named, for a while, by its longest name in any edition ('Income Statement' over 利润表): a
    formula's length measured then is its longest in any edition."""
    named = [(sh, sh.name) for sh in book.sheets if sh.name == book.t(f"tabs.{sh.tab}")]
    try:
        for sh, _ in named:
            sh.name = max((book.t.edition(lang)(f"tabs.{sh.tab}") for lang in LANGS), key=len)
        yield
    finally:
        for sh, name in named:
            sh.name = name


def _columns(first, cell):
    """The number of columns from `first` to `cell`: the generator's variable id of a draw column."""
    return Fn("COLUMNS", Rng(first, cell, anchored=True))


def _cells_read(expr) -> list:
    """The cells a column's formula reads (a range by its first cell)."""
    out, todo = [], [expr]
    while todo:
        e = todo.pop()
        if isinstance(e, (Ref, Name)):
            out.append(e.cell)
        elif isinstance(e, Rng):
            out.append(e.first)
        elif isinstance(e, Op):
            todo += [e.a, e.b]
        elif isinstance(e, Neg):
            todo.append(e.a)
        elif isinstance(e, Fn):
            todo += e.args
        elif isinstance(e, RowFirst):
            todo += [e.x, *e.years]
    return out


def _order(columns) -> list:
    """The column keys in an order where each comes after the columns its formula reads (same row)."""
    deps = {k: {c.key for c in _leaves(e)} for k, (e, _) in columns.items()}
    done, out = {"trial"}, []
    while len(out) < len(columns):
        ready = [k for k in columns if k not in done and deps[k] <= done]
        if not ready:
            raise ValueError(f"trial columns read each other in a cycle: {[k for k in columns if k not in done]}")
        for k in ready:
            done.add(k)
            out.append(k)
    return out


def _leaves(expr):
    out, todo = [], [expr]
    while todo:
        e = todo.pop()
        if isinstance(e, Column):
            out.append(e)
        elif isinstance(e, RowFirst):
            out.extend(e.cols)
        for child in (getattr(e, "a", None), getattr(e, "b", None), *getattr(e, "args", ())):
            if child is not None:
                todo.append(child)
    return out

