"""Sensitivity: the selected scenario recomputed with its drivers shifted — two-way grids of revenue
growth against R&D growth (breakeven year, final-year adjusted margin, the target year's adjusted net
income, lowest cash, funding need) and a tornado of the main drivers' effect on final-year adjusted net
income at one relative step (tornado_shift), with each bar's lowest cash and funding need. Plain
formulas only: every grid cell and tornado bar has its own recomputed forecast below, built from the same
line definitions as the Income Statement and the Cash & Funding bridge, with the shifted drivers written
over the selected scenario's cells. A forecast carries only the lines its results need, and of those only
the cells its shift moves (layout.moved_by); the rest it reads from where they are already computed."""
from __future__ import annotations

from ..book import Chart, Series
from ...data.items import RND_DRIVERS, driver_items
from ...data.settings import SENSITIVITY
from ...calc.formula import ABS, INDEX, MATCH, ROWS, SUMPRODUCT, Flags, Num, Rng, ratio
from ..layout import LineBlock, keep_both, moved_both, reads
from ...calc.cashflow import cash_lines
from ...calc.lines import breakeven_lines, first_flagged, scenario_lines
from .breakeven import target_pick
from .cash import lowest_and_need
from ..timeline import FIRST_COL, LABEL_COL, UNIT_COL
from . import LINE_HEIGHT, STATUS_ROW, title_rows

SIDE = 2  # grid steps either side of the selected scenario (a 5 x 5 grid)
# the tornado table's columns (label ids sensitivity.<id>)
TORNADO_COLUMNS = ["step", "step_pp", "at_minus", "at_plus", "change_minus", "change_plus", "swing", "rank", "be_minus",
                   "be_plus", "moves"]
CASH_COLUMNS = ["lowest_minus", "lowest_plus", "need_minus", "need_plus"]   # the table below it, by driver


UNIT_RND = ["training_cost_growth", "research_compute_growth", "headcount_growth", "rnd_rest_growth"]
COMPUTE_RND = ["hours_per_gen_growth", "research_growth", "headcount_growth", "rnd_rest_growth"]


def rnd_drivers(data) -> list[str]:
    """The R&D growth drivers the grid's columns shift: compute and other, or total R&D; with the unit
    build training cost per generation, research compute, headcount and the rest; with the compute build the
    accelerator-hours per generation and the accelerators doing research in place of the first two. With R&D as
    one line (compute within R&D not known), total R&D."""
    if not data.split_compute:
        return list(RND_DRIVERS[False])
    if data.compute:
        return COMPUTE_RND
    return UNIT_RND if data.units else list(RND_DRIVERS[True])


def revenue_drivers(data) -> list[str]:
    """The revenue growth drivers the grid's rows shift: each segment's growth; with the unit build
    token growth in place of the unit segment's (and customer growth in place of a customer segment's)."""
    items = driver_items(data)
    customers = ["customer_growth"] if data.units and data.units.customer_segment else []
    return ([f"growth_{k}" for k, _ in data.segments if f"growth_{k}" in items]
            + (["token_growth"] if data.units else []) + customers)


# How the tornado shocks a driver so that the line it drives moves by the tornado step (model/labels: the tab's
# note): a growth rate is shifted in its first forecast period only (the line's level then stays ± step in
# every later year), a margin moves its segment's cost of revenue, a level its line directly, an inverse
# level (throughput, utilisation, useful life) its line the other way (the line is the level's reciprocal).
LEVEL = ("opex_variable_share", "rent_per_hour", "owned_share", "capex_per_accelerator", "power_hosting")
INVERSE = ("utilisation", "throughput", "useful_life")
# whole numbers (generations a year) are left out: a 10% shock would be 2.2 generations; their line (training)
# moves with the training driver's bar


def tornado_kind(drv: str) -> str:
    return ("margin" if drv.startswith("gm_") else "level" if drv in LEVEL else "inverse" if drv in INVERSE
            else "growth")


def tornado_drivers(data):
    """(driver, kind) pairs the tornado shifts, one at a time: every revenue and cost driver of adjusted net
    income, revenue first, then margins, then costs. With the unit build its drivers replace the growth rates
    of the lines it forecasts (and with the compute build, serving capacity and the cost of an accelerator-hour
    replace inference cost and fixed serving capacity). Whole-number drivers (generations) are left out."""
    items = driver_items(data)
    revenue = revenue_drivers(data) + [d for d in ("price_change", "revenue_per_customer_change") if d in items]
    margins = [f"gm_{k}" for k, _ in data.segments if f"gm_{k}" in items]
    if data.units:   # with R&D one line (compute within R&D not known), its growth rate
        costs = [d for d in UNIT_COSTS if d in items] + ([] if data.split_compute else ["rnd_growth"])
    else:
        costs = list(RND_DRIVERS[data.split_compute]) + [d for d in ("other_opex_growth",) if d in items]  # not by function
    return [(d, tornado_kind(d)) for d in revenue + margins + costs]


# the unit (and compute) build's cost drivers in the tornado's order: serving, training and research, people, other
UNIT_COSTS = ("unit_cost_change", "serving_fixed_growth", "rent_per_hour", "utilisation", "throughput", "owned_share",
              "capex_per_accelerator", "useful_life", "power_hosting", "training_cost_growth", "hours_per_gen_growth",
              "research_compute_growth", "research_growth", "headcount_growth", "cost_per_head_growth",
              "rnd_rest_growth", "opex_variable_share", "opex_fixed_growth")


# the line each driver drives (what its bar moves by the step in the last forecast year); a margin moves its
# segment's cost of revenue (revenue − gross profit), named by sensitivity.segment_cost
DRIVEN = {"token_growth": "u_tokens", "price_change": "u_price", "customer_growth": "u_customers",
          "revenue_per_customer_change": "u_rev_per_customer", "unit_cost_change": "u_unit_cost",
          "serving_fixed_growth": "u_serving_fixed", "rent_per_hour": "c_rent", "utilisation": "c_serving_acc",
          "throughput": "c_serving_acc", "owned_share": "c_owned", "capex_per_accelerator": "accelerator_depreciation",
          "useful_life": "accelerator_depreciation", "power_hosting": "c_power",
          "training_cost_growth": "u_cost_per_gen", "hours_per_gen_growth": "c_hours_per_gen",
          "research_compute_growth": "u_research_compute", "research_growth": "c_research_acc",
          "headcount_growth": "u_headcount", "cost_per_head_growth": "u_cost_per_head", "rnd_rest_growth": "u_rnd_rest",
          "opex_variable_share": "u_opex_variable", "opex_fixed_growth": "u_opex_fixed",
          "rnd_compute_growth": "rnd_compute", "rnd_other_growth": "rnd_other", "rnd_growth": "rnd",
          "other_opex_growth": "other_opex"}


def driven_line(drv: str) -> str:
    """The key of the line a tornado driver moves (a segment's growth: its revenue; a margin: gm_<segment>,
    whose line is the segment's cost of revenue)."""
    return DRIVEN.get(drv) or (f"rev_{drv[len('growth_'):]}" if drv.startswith("growth_") else drv)


def tornado_shift(kind, step, sign, tl=None):
    """The tornado's comparable shock: the line a driver drives moves by the same relative step in the last
    forecast year. Returns (base, name, p) -> Expr, the shifted driver of period p. A growth rate is shifted in
    its first forecast period only (the first half after the interim when the near term runs in halves): g
    becomes g ± step × (1 + g), the line's level × (1 ± step) from then on, every later half and year built on
    it. A gross margin m becomes m ± step × (1 − m) every period: the segment's cost of revenue × (1 ∓ step). A
    level v becomes v × (1 ± step); an inverse level v ÷ (1 ∓ step): its line × (1 ∓ step)."""
    up = sign > 0
    if kind == "growth":
        def growth(base, name, p):
            if tl is not None and p != tl.driver_periods[0]:
                return base
            return base + step * (1 + base) if up else base - step * (1 + base)
        return growth
    if kind == "level":
        return (lambda base, name, p: base * (1 + step)) if up else (lambda base, name, p: base * (1 - step))
    if kind == "inverse":
        return (lambda base, name, p: base / (1 - step)) if up else (lambda base, name, p: base / (1 + step))
    return (lambda base, name, p: base + step * (1 - base)) if up else (lambda base, name, p: base - step * (1 - base))


class SensitivityTab:
    def __init__(self, book, data, tl, inputs, income, breakeven, cash):
        t = self.t = book.t
        sh = self.sheet = book.add_sheet("sensitivity", "output")
        unit = t.unit
        last = tl.forecast[-1]
        title_rows(sh, sh.name, t("sensitivity.subtitle"))
        self.data, self.tl, self.inputs, self.income, self.cash = data, tl, inputs, income, cash
        seg_growth = revenue_drivers(data)
        n = 2 * SIDE + 1
        row = 4
        sh.put(row, LABEL_COL, t("sensitivity.steps", inputs=t("tabs.inputs")), "section")
        row += 1
        steps = {}
        for key in SENSITIVITY:
            sh.put(row, LABEL_COL, t(f"sensitivity.{key}"), "label")
            sh.put(row, UNIT_COL, t.unit_of("pct"), "unit")
            steps[key] = sh.put(row, FIRST_COL, inputs.steps[key].ref(), "calc", "pct").ref(True, True)
            sh.put(row, FIRST_COL + 1, t(f"sensitivity.{key}_note"), "note")
            row += 1
        sh.put(row, LABEL_COL, t("sensitivity.centre"), "label")
        sh.put(row, FIRST_COL, inputs.Scenario, "calc", "text")
        row += 2

        # grid layout first (the blocks below read its delta cells)
        # breakeven year, final-year margin, and the adjusted result in the target year (the Breakeven tab's),
        # which carries information where the breakeven year reads "not reached"
        target = breakeven.target.ref(True, True)
        grids = [(t("sensitivity.grid_breakeven"), "year"), (t("sensitivity.grid_margin", period=last.code), "pct"),
                 (t("sensitivity.grid_target"), "amount"), (t("sensitivity.grid_lowest"), "amount"),
                 (t("sensitivity.grid_need"), "amount")]
        grid_top = row
        grid_rows = n + 4
        tornado_top = grid_top + grid_rows * len(grids)
        drivers = tornado_drivers(data)
        header_row = tornado_top + 3 * len(drivers) + 27  # below the tornado, its cash table, the sorted bars and chart
        self.headers = tl.write_header(sh, header_row)
        # the grids and the tornado come first: only the title rows (with the master check) stay in view; the
        # period header sits above the recomputed forecasts it heads
        sh.freeze = (STATUS_ROW + 1, FIRST_COL)
        first_fc = tl.forecast[0]
        years = Rng(self.headers[first_fc], self.headers[last])

        # delta headers: the centre is 0, each neighbour one step further out
        def deltas(cells, step):
            centre = cells[SIDE]
            centre.content = Num(0)
            for i in range(SIDE + 1, n):
                cells[i].content = cells[i - 1].ref() + step
            for i in range(SIDE - 1, -1, -1):
                cells[i].content = cells[i + 1].ref() - step

        self.grid = []
        self.row_deltas, self.col_deltas = [], []
        for g, (title, fmt) in enumerate(grids):
            top = grid_top + g * grid_rows
            sh.put(top, LABEL_COL, title, "section")
            note = t("sensitivity.grid_note", rnd=t("sensitivity.rnd_split" if data.split_compute else "sensitivity.rnd_total"))
            sh.put(top, FIRST_COL, note + (" " + t("sensitivity.need_note") if g == len(grids) - 1 else ""), "note")
            sh.put(top + 1, LABEL_COL, t("sensitivity.axes"), "subsection")
            cols = [sh.put(top + 1, FIRST_COL + j, None, "head", "pct") for j in range(n)]
            rows = [sh.put(top + 2 + i, UNIT_COL, None, "head", "pct") for i in range(n)]
            deltas(cols, steps["cost_growth_step"])
            deltas(rows, steps["growth_step"])
            sh.put(top + 2 + SIDE, LABEL_COL, t("sensitivity.boxed"), "note")
            self.row_deltas.append(rows)
            self.col_deltas.append(cols)
            self.grid.append([[sh.put(top + 2 + i, FIRST_COL + j, None, "centre" if i == j == SIDE else "calc", fmt)
                               for j in range(n)] for i in range(n)])

        row = header_row + 3
        sh.put(row, LABEL_COL, t("sensitivity.recomputed"), "section")
        sh.put(row, FIRST_COL, t("sensitivity.recomputed_note"), "note")
        row += 1
        group_first = row
        self.plan()
        self.blocks = {}
        # the centre first (its deltas are 0: the selected scenario, which Checks verifies): the other forecasts
        # read the cash lines no shift moves from its bridge
        cells = [(SIDE, SIDE)] + [(i, j) for i in range(n) for j in range(n) if (i, j) != (SIDE, SIDE)]
        for i, j in cells:
            rd, cd = self.row_deltas[0][i].ref(True, True), self.col_deltas[0][j].ref(True, True)
            shifts = {**{d: (("row", i), lambda base, name, p, rd=rd: base + rd) for d in seg_growth},
                      **{d: (("col", j), lambda base, name, p, cd=cd: base + cd) for d in rnd_drivers(data)}}
            block, row = self.block(row, t("sensitivity.cell_block", row=i + 1, col=j + 1), shifts)
            self.blocks[(i, j)] = block
            flags = Rng(block.cell("be_flag", first_fc), block.cell("be_flag", last))
            self.grid[0][i][j].content = first_flagged(flags, years, t("common.not_reached"))
            self.grid[1][i][j].content = ratio(block.at("adjusted_net_income", last), block.at("revenue", last),
                                               inputs.tol["nm_ratio"].ref(True, True))  # as on Ratios
            self.grid[2][i][j].content = target_pick(block, "adjusted_net_income", target, years)
            self.grid[3][i][j].content, self.grid[4][i][j].content = self.cash_results(block)
        for g in range(1, len(grids)):  # later grids repeat the first grid's deltas
            for cells, src in ((self.row_deltas[g], self.row_deltas[0]), (self.col_deltas[g], self.col_deltas[0])):
                for c, s in zip(cells, src):
                    c.content = s.ref()

        # tornado: each driver shifted down and up by the same relative step, the rest as selected
        items = driver_items(data)
        sh.put(tornado_top, LABEL_COL, t("sensitivity.tornado", period=last.code), "section")
        sh.put(tornado_top, FIRST_COL, t("sensitivity.tornado_note"), "note")
        sh.put(tornado_top - 1, FIRST_COL, t("sensitivity.tornado_steps"), "note")
        sh.heights[tornado_top + 1] = 3 * LINE_HEIGHT
        free = [c for c in range(FIRST_COL, FIRST_COL + len(TORNADO_COLUMNS) + 1) if c != tl.spacer_col]
        col = dict(zip(TORNADO_COLUMNS, free))   # the narrow spacer column between years and interims is skipped
        sh.put(tornado_top + 1, LABEL_COL, t("sensitivity.driver"), "head")
        sh.put(tornado_top + 1, UNIT_COL, "", "head")
        for h in TORNADO_COLUMNS:
            sh.put(tornado_top + 1, col[h], t(f"sensitivity.{h}", period=last.code), "head_wrap")
        cash_top = tornado_top + len(drivers) + 4   # lowest cash and funding need per bar, below the centre row
        sh.heights[cash_top] = 2 * LINE_HEIGHT
        sh.put(cash_top, LABEL_COL, t("sensitivity.tornado_cash"), "head")
        sh.put(cash_top, UNIT_COL, "", "head")
        for k, h in enumerate(CASH_COLUMNS):
            sh.put(cash_top, FIRST_COL + k, t(f"sensitivity.{h}"), "head_wrap")
        centre = income.lines.at("adjusted_net_income", last)
        step = steps["tornado_step"]
        t_rows = []
        self.bars = {}   # (driver, -1 | 1) -> its recomputed forecast
        r = tornado_top + 2
        for drv, kind in drivers:
            label = t.item("drivers", items[drv])
            lo, row = self.block(row, t("sensitivity.minus_block", driver=label),
                                 {drv: ((drv, -1), tornado_shift(kind, step, -1, tl))})
            hi, row = self.block(row, t("sensitivity.plus_block", driver=label),
                                 {drv: ((drv, 1), tornado_shift(kind, step, 1, tl))})
            self.bars[(drv, -1)], self.bars[(drv, 1)] = lo, hi
            sh.put(r, LABEL_COL, label, "label")
            sh.put(r, UNIT_COL, unit, "unit")
            # the shock at the driver's first forecast period (a growth rate is shifted there only)
            name, p = drv, tl.periods_of(items[drv].periods)[0]
            base = income.drivers[(name, p)].ref()
            flags = lambda b: Rng(b.cell("be_flag", first_fc), b.cell("be_flag", last))  # noqa: E731
            cells = {"step": sh.put(r, col["step"], step, "calc", "pct"),
                     "step_pp": sh.put(r, col["step_pp"], tornado_shift(kind, step, 1, tl)(base, name, p) - base, "calc",
                                       items[drv].unit),
                     "at_minus": sh.put(r, col["at_minus"], lo.at("adjusted_net_income", last), "calc", "amount"),
                     "at_plus": sh.put(r, col["at_plus"], hi.at("adjusted_net_income", last), "calc", "amount"),
                     "be_minus": sh.put(r, col["be_minus"], first_flagged(flags(lo), years, t("common.not_reached")),
                                        "calc", "year"),
                     "be_plus": sh.put(r, col["be_plus"], first_flagged(flags(hi), years, t("common.not_reached")),
                                       "calc", "year"),
                     "moves": sh.put(r, col["moves"], self.moved_line(drv), "text")}
            cells["change_minus"] = sh.put(r, col["change_minus"], cells["at_minus"].ref() - centre, "calc", "amount")
            cells["change_plus"] = sh.put(r, col["change_plus"], cells["at_plus"].ref() - centre, "calc", "amount")
            cells["swing"] = sh.put(r, col["swing"], ABS(cells["at_plus"].ref() - cells["at_minus"].ref()), "calc",
                                    "amount")
            cr = cash_top + 1 + len(t_rows)
            sh.put(cr, LABEL_COL, label, "label")
            sh.put(cr, UNIT_COL, unit, "unit")
            (cells["lowest_minus"], cells["need_minus"]), (cells["lowest_plus"], cells["need_plus"]) = (
                self.cash_results(b) for b in (lo, hi))
            for k, h in enumerate(CASH_COLUMNS):
                cells[h] = sh.put(cr, FIRST_COL + k, cells[h], "calc", "amount")
            t_rows.append(cells)
            r += 1
        del self.owner   # every block is made: the index of who owns which cell is not needed again (memory)
        sh.groups.append((group_first, row - 1))
        sh.collapsed.append(group_first)   # the machinery below its summary: shown (and printed) when expanded
        first_t, last_t = tornado_top + 2, r - 1
        swing = Rng(sh.cell_at(first_t, col["swing"]), sh.cell_at(last_t, col["swing"]))
        tie = inputs.tol["amount"].ref(True, True)   # swings within the amount tolerance tie (two drivers of one
        for k, cells in enumerate(t_rows):           # line, such as headcount and cost per head): row order decides
            me = cells["swing"]
            upto = Rng(swing.first, me, absolute=False, anchored=True)
            cells["rank"] = sh.put(first_t + k, col["rank"], SUMPRODUCT(Flags(swing, ">", me.ref() + tie)) +
                                   SUMPRODUCT(Flags(upto, ">=", me.ref() - tie), Flags(upto, "<=", me.ref() + tie)),
                                   "calc", "int")
        sh.put(r, LABEL_COL, t("sensitivity.centre_total", period=last.code), "total_label")
        sh.put(r, UNIT_COL, unit, "unit")
        self.centre = sh.put(r, col["at_minus"], centre, "calc_total", "amount")
        sh.put(r, col["change_minus"], t("sensitivity.rank_note"), "note")

        sh.put(cash_top + 1 + len(t_rows), LABEL_COL, t("sensitivity.need_note"), "note")

        # sorted for the chart: largest swing first
        r = cash_top + len(t_rows) + 3
        sh.heights[r] = 2 * LINE_HEIGHT
        sh.put(r, LABEL_COL, t("sensitivity.sorted"), "head")
        sh.put(r, UNIT_COL, t("sensitivity.rank"), "head")
        sh.put(r, FIRST_COL, t("sensitivity.change_minus"), "head_wrap")
        sh.put(r, FIRST_COL + 1, t("sensitivity.change_plus"), "head_wrap")
        ranks = Rng(sh.cell_at(first_t, col["rank"]), sh.cell_at(last_t, col["rank"]))
        names = Rng(sh.cell_at(first_t, LABEL_COL), sh.cell_at(last_t, LABEL_COL))
        lows = Rng(sh.cell_at(first_t, col["change_minus"]), sh.cell_at(last_t, col["change_minus"]))
        highs = Rng(sh.cell_at(first_t, col["change_plus"]), sh.cell_at(last_t, col["change_plus"]))
        r += 1
        sorted_first = r
        for k in range(len(t_rows)):
            # rank k counts the rows from the heading to the one above (no self-reference)
            rank = sh.put(r, UNIT_COL, ROWS(Rng(sh.cell_at(sorted_first - 1, UNIT_COL), sh.cell_at(r - 1, UNIT_COL),
                                                absolute=False, anchored=True)), "calc", "int")
            at = MATCH(rank.ref(), ranks)
            sh.put(r, LABEL_COL, INDEX(names, at), "text", "text")
            sh.put(r, FIRST_COL, INDEX(lows, at), "calc", "amount")
            sh.put(r, FIRST_COL + 1, INDEX(highs, at), "calc", "amount")
            r += 1
        cats = Rng(sh.cell_at(sorted_first, LABEL_COL), sh.cell_at(r - 1, LABEL_COL))
        sh.charts.append(Chart(
            "bar", t("sensitivity.chart", period=last.code, unit=unit),
            [Series(t("sensitivity.series_minus"), Rng(sh.cell_at(sorted_first, FIRST_COL), sh.cell_at(r - 1, FIRST_COL)),
                    cats, style={"fill": {"color": "#C00000"}}),
             Series(t("sensitivity.series_plus"), Rng(sh.cell_at(sorted_first, FIRST_COL + 1),
                                                      sh.cell_at(r - 1, FIRST_COL + 1)), cats,
                    style={"fill": {"color": "#1F3864"}})],
            (sorted_first - 1, FIRST_COL + 3), size=(620, 330), options={"overlap": 100, "gap": 40},
            axes={"y": {"reverse": True, "label_position": "low"}, "x": {"fmt": "amount"}}))
        self.tornado = t_rows

    def moved_line(self, drv):
        """The label of the line a tornado driver moves."""
        key, t = driven_line(drv), self.t
        if key.startswith("gm_"):
            return t("sensitivity.segment_cost", segment=t.segment(key[len("gm_"):]))
        return t.line(self.income.lines.line(key))[0]

    def grid_centre(self, g):
        """Grid g's centre cell: the selected scenario itself."""
        return self.grid[g][SIDE][SIDE]

    def plan(self):
        """The lines the recomputed forecasts carry: those the grids' and the tornado's results need, and
        what each line reads (to find the lines a shift moves)."""
        tl, inputs = self.tl, self.inputs
        results = {"closing_cash", "plug_to_breakeven", "cash_to_breakeven"}   # cash.lowest_and_need
        self.periods = [p for p in tl.main if p == tl.base_year or p == tl.stub or not tl.is_actual(p)]
        self.cash_periods = [inputs.opening_period] + self.cash.forecast   # along the chain, as Cash & Funding
        lines, bridge = scenario_lines(self.data, reported=True) + breakeven_lines()[:1], cash_lines(self.cash.bridge_spec)
        every_bridge = reads(tl, bridge, self.cash_periods, inputs, self.headers, True)
        # the lines' actual cells are the Income Statement's: only their forecasts are written here
        forecast = [p for p in self.periods if not tl.is_actual(p)]
        every = reads(tl, lines, forecast, inputs, self.headers)
        keep, keep_bridge = keep_both(every, every_bridge, {"adjusted_net_income", "revenue", "be_flag"}, results)
        self.bridge_lines = [ln for ln in bridge if ln.key in keep_bridge]
        self.lines = [ln for ln in lines if ln.key in keep]
        self.reads = {k: every[k] for k in keep}
        self.bridge_reads = reads(tl, self.bridge_lines, self.cash.forecast, inputs, self.headers, True)
        # (tab part, line, period, what moves it) -> the block that has the cell: the Income Statement for the
        # selected scenario's own lines, then each block for the cells it adds
        self.owner = {("lines", k, p, frozenset()): self.income.lines for k, p in self.income.lines.cells}

    def block(self, row, title, shifts):
        """A forecast of the selected scenario with its drivers shifted: `shifts` maps a driver to (an id of
        the shift, a function of the selected driver's cell giving the shifted driver (Expr)). Only the cells a
        shift moves are its own; the rest it reads from the Income Statement, the centre's forecast or an
        earlier block with the same shift (a grid row's revenue lines, a grid column's R&D lines)."""
        sh, income, tl = self.sheet, self.income, self.tl
        sh.put(row, LABEL_COL, title, "subsection")
        row += 1
        ids = {d: sid for d, (sid, _) in shifts.items()}
        moved, bridge_moved = moved_both(self.reads, self.bridge_reads, ids)

        def shared(part, moves, key, p):   # self.owner's key of a cell: an actual cell no shift moves
            return part, key, p, frozenset() if tl.is_actual(p) else moves[key]

        def owners(part, moves):
            return lambda key, p: self.owner.get(shared(part, moves, key, p))

        def drivers(name, p):   # a part's driver shifts with the year's (a grid's growth delta in every period)
            base = income.drivers[(name, p)]
            base = base if p is None else base.ref()   # a scalar (a seasonal pattern) is an Expr already
            return shifts[name][1](base, name, p) if name in shifts else base
        block = LineBlock(sh, tl, self.lines, row, self.periods, self.inputs, drivers=drivers, headers=self.headers,
                          owners=owners("lines", moved))
        block.fill(notes=False)
        # its cash bridge, as on Cash & Funding: the same lines, the selected scenario's cash drivers
        scalars = self.cash.scalars
        index = income.index.ref(True, True)

        def cash_drivers(name, p):
            return scalars[name].ref(True, True) if name in scalars else self.cash.driver(
                name, p, lambda q: INDEX(self.inputs.driver_column(name, q), index))
        bridge = LineBlock(sh, tl, self.bridge_lines, block.last_row + 1, self.cash_periods, self.inputs,
                           source=block, drivers=cash_drivers, headers=self.headers, owners=owners("bridge", bridge_moved))
        bridge.fill(notes=False)
        block.link_cash(bridge)
        for part, b, moves in (("lines", block, moved), ("bridge", bridge, bridge_moved)):
            for key, p in b.own:
                self.owner.setdefault(shared(part, moves, key, p), b)
        block.bridge = bridge
        return block, bridge.last_row + 2

    def cash_results(self, block):
        """The lowest closing cash and the funding need to breakeven of a block, as Cash & Funding has them."""
        return lowest_and_need(block.bridge, self.cash.scalars["min_cash"].ref(True, True))
