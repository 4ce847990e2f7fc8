"""Risk: the Monte Carlo of the selected scenario, live in the workbook. Ranges on its key drivers
(Inputs), the trials that draw them and recompute the forecast (the Trials tab), and what they say: the
probability of adjusted breakeven by each forecast year (ProbBreakevenByTarget for the Breakeven tab's
target year), the probability that cash before new funding falls below the minimum, P10 / P50 / P90 fans
of revenue, adjusted net income and closing cash, a probability-weighted view of the named scenarios from
the weights on Inputs, the measured correlation of the drivers' draws, and one trial shown like a scenario
(the same line definitions as the Income Statement and Cash & Funding, its drivers shifted by that trial's
draws), which the Checks tab ties to its row of the Trials tab."""
from __future__ import annotations

from ..book import REFERENCE_LINE, Chart, Series, line_style
from ...calc.formula import (CHOOSE, CORREL, COUNTIFS, IF, IFERROR, INDEX, ISNUMBER, MAX, MIN, NA, ROWS, SUM,
                             SUMPRODUCT, Flags, PercentileIf, ROUND, Rng, Text)
from ...calc.cashflow import cash_lines
from ...calc.lines import breakeven_lines, first_flagged, scenario_lines
from ...calc.risk import shifted
from ...data.items import driver_items
from ..layout import LineBlock
from ...labels import LANGS
from ..timeline import FIRST_COL, LABEL_COL, LABEL_WIDTH, UNIT_COL
from . import LINE_HEIGHT, put_label, title_rows

FANS = (("revenue", "lines"), ("adjusted_net_income", "lines"), ("closing_cash", "bridge"))
PERCENTILES = ("p_low", "p_mid", "p_high")
DASHED = {"line": {"color": "#7F7F7F", "dash_type": "dash", "width": 1.25}}


class RiskTab:
    def __init__(self, book, data, tl, inputs, income, scenarios, breakeven, cash):
        t = self.t = book.t
        sh = self.sheet = book.add_sheet("risk", "output")
        self.data, self.tl, self.inputs, self.income, self.scenarios, self.breakeven, self.cash = (
            data, tl, inputs, income, scenarios, breakeven, cash)
        rin = inputs.risk
        title_rows(sh, sh.name, t("risk.subtitle", trials=t("tabs.trials"), inputs=t("tabs.inputs")))
        self.headers = tl.write_header(sh, 4)
        self.row = 7

        # the simulation's settings, as the trials use them
        self.section("risk.simulation", inputs=t("tabs.inputs"), trials=t("tabs.trials"))
        self.put("risk.scenario", "", inputs.Scenario, "text")
        self.built = self.put("risk.built", t.unit_of("trials"), None, "int", "risk.built_note")
        self.used = self.put("risk.used", t.unit_of("trials"), MIN(whole(rin[("trials", "")]), self.built.ref()),
                             "int", "risk.used_note")
        self.seed = self.put("risk.seed_used", "", whole(rin[("seed", "")]), "int", "risk.seed_used_note")
        self.factor_weight = self.put("risk.factor_weight", t.unit_of("pct"), rin[("factor_weight", "")].ref(), "pct",
                                      "risk.factor_weight_note")
        self.p = {k: self.put(f"risk.{k}", t.unit_of("pct"), rin[(k, "")].ref(), "pct") for k in PERCENTILES}
        self.row += 1
        self.plan_results()
        self.viewer_block(data, tl, inputs, income, cash, rin)

    # --- small helpers ---
    def section(self, key, **fill):
        self.sheet.put(self.row, LABEL_COL, self.t(key, **fill), "section")
        note = self.t.texts.get(key + "_note")
        if note:
            self.sheet.put(self.row, FIRST_COL, note.format(**fill), "note")
        self.row += 1

    def label(self, key, role, **fill):
        """A row label in this edition, wrapped (the row as tall as needed) where any edition's is longer
        than the label column."""
        put_label(self.sheet, self.row, self.t(key, **fill), role,
                  [self.t.edition(lang)(key, **fill) for lang in LANGS], LABEL_WIDTH)

    def put(self, key, unit, expr, fmt, note=None, **fill):
        """A labelled result in the first value column; returns its cell."""
        sh, t = self.sheet, self.t
        self.label(key, "label", **fill)
        sh.put(self.row, UNIT_COL, unit, "unit")
        cell = sh.put(self.row, FIRST_COL, expr, "calc", fmt)
        if note:
            sh.put(self.row, FIRST_COL + 1, t(note, **fill), "note")
        self.row += 1
        return cell

    def timeline_row(self, key, unit, fmt, role="label", **fill):
        """A row with a cell per forecast year (contents filled later); returns {period: cell}."""
        sh, t, tl = self.sheet, self.t, self.tl
        self.label(key, role, **fill)
        sh.put(self.row, UNIT_COL, unit, "unit")
        cells = {p: sh.put(self.row, tl.col[p], None, "calc", fmt) for p in tl.forecast}
        note = t.texts.get(key + "_note")
        if note:
            sh.put(self.row, tl.note_col, note.format(**fill), "note")
        self.row += 1
        return cells

    # --- the layout of the results (filled by `results` once the Trials tab exists) ---
    def plan_results(self):
        self.plan_breakeven()
        self.plan_fans()
        self.plan_weighted()
        self.plan_draws()

    def plan_breakeven(self):
        """The probabilities by year, and what they say for the target year and the horizon."""
        t, tl = self.t, self.tl
        pct = t.unit_of("pct")
        self.section("risk.breakeven")
        self.be = self.timeline_row("risk.be_by_year", pct, "pct", "total_label")
        self.positive = self.timeline_row("risk.positive", pct, "pct")
        self.runout = self.timeline_row("risk.runout_by_year", pct, "pct")
        self.be_flags = self.timeline_row("risk.median_flag", t.unit_of("flag"), "int", "detail_label")
        self.target = self.put("risk.target", t.unit_of("year"), self.breakeven.target.ref(), "year", "risk.target_note",
                               breakeven=t("tabs.breakeven"))
        self.prob_target = self.put("risk.prob_target", pct, None, "pct", "risk.prob_target_note")
        self.median_year = self.put("risk.median_year", t.unit_of("year"), None, "year", "risk.median_year_note")
        self.prob_horizon = self.put("risk.prob_horizon", pct, None, "pct", None, period=tl.forecast[-1].code)
        self.prob_runout = self.put("risk.prob_runout", pct, None, "pct", "risk.prob_runout_note",
                                    period=tl.forecast[-1].code)
        self.row += 1

    def plan_fans(self):
        """Each fan's percentile rows and the selected scenario's row, then room for the fan charts."""
        t = self.t
        self.section("risk.fans")
        self.fans = {}
        for key, part in FANS:
            label = t(f"risk.fan_{key}")
            self.sheet.put(self.row, LABEL_COL, label, "subsection")
            self.row += 1
            for k in PERCENTILES:
                self.fans[(key, k)] = self.timeline_row(f"risk.{k}_row", t.unit, "amount", "detail_label")
            self.fans[(key, "scenario")] = self.timeline_row("risk.scenario_row", t.unit, "amount", "detail_label")
        self.row += 1
        self.chart_row = self.row
        self.row += 3 * 17 + 1   # the fan charts

    def plan_weighted(self):
        """The named scenarios with their probabilities and breakeven years, and what the weights give."""
        t, sh, pct = self.t, self.sheet, self.t.unit_of("pct")
        self.section("risk.weighted", inputs=t("tabs.inputs"), scenarios=t("tabs.scenarios"))
        for i, key in enumerate(("weight", "scenario_be", "be_for_mean")):
            sh.put(self.row, FIRST_COL + i, t(f"risk.{key}"), "head_wrap")
        sh.put(self.row, LABEL_COL, t("scenarios.scenario"), "head")
        sh.put(self.row, UNIT_COL, "", "head")
        sh.heights[self.row] = 3 * LINE_HEIGHT
        self.row += 1
        self.weighted = {}
        for sc in self.data.scenarios:
            sh.put(self.row, LABEL_COL, t.scenario(sc), "label")
            self.weighted[sc] = [sh.put(self.row, FIRST_COL + i, None, "calc", fmt)
                                 for i, fmt in enumerate(("pct", "year", "year"))]
            self.row += 1
        self.row += 1
        self.w_be = self.timeline_row("risk.weighted_be", pct, "pct", "total_label")
        self.w_flags = self.timeline_row("risk.median_flag", t.unit_of("flag"), "int", "detail_label")
        self.w_target = self.put("risk.weighted_target", pct, None, "pct")
        self.w_median = self.put("risk.weighted_median", t.unit_of("year"), None, "year", "risk.median_year_note")
        self.w_mean = self.put("risk.weighted_mean", t.unit_of("year"), None, "count", None)
        self.w_basis = self.sheet.cell_at(self.row - 1, FIRST_COL + 1) or self.sheet.put(self.row - 1, FIRST_COL + 1, None)
        self.w_missing = self.put("risk.weighted_missing", pct, None, "pct", None, period=self.tl.forecast[-1].code)
        self.row += 1

    def plan_draws(self):
        """The drivers' draws: their measured correlation matrix and their means."""
        t, sh = self.t, self.sheet
        ranges = self.data.risk.ranges
        self.section("risk.draws")
        items = driver_items(self.data)
        self.labels = {r.driver: t.item("drivers", items[r.driver]) for r in ranges}
        sh.put(self.row, LABEL_COL, t("risk.correlation_head"), "head")
        sh.put(self.row, UNIT_COL, "", "head")
        for j, r in enumerate(ranges):
            sh.put(self.row, FIRST_COL + j, self.labels[r.driver], "head_wrap")
        sh.heights[self.row] = 5 * LINE_HEIGHT
        self.row += 1
        self.corr = {}
        for r in ranges:
            sh.put(self.row, LABEL_COL, self.labels[r.driver], "label")
            for j, s in enumerate(ranges):
                self.corr[(r.driver, s.driver)] = sh.put(self.row, FIRST_COL + j, None, "calc", "amount")
            self.row += 1
        sh.put(self.row, LABEL_COL, t("risk.mean_draw"), "label")
        self.mean_draw_cells = [sh.put(self.row, FIRST_COL + j, None, "calc", "rate") for j in range(len(ranges))]
        sh.put(self.row, FIRST_COL + len(ranges), t("risk.mean_draw_note"), "note")
        self.row += 2

    def viewer_block(self, data, tl, inputs, income, cash, rin):
        """One trial recomputed like a scenario: its draws and shifts, then the selected scenario's lines and
        cash bridge with the drivers shifted by that trial's draws."""
        sh, t = self.sheet, self.t
        self.section("risk.shown", trials=t("tabs.trials"), checks=t("tabs.checks"))
        self.shown = self.put("risk.shown_row", "", MIN(MAX(1, whole(rin[("shown_trial", "")])), self.built.ref()),
                              "int", "risk.shown_row_note", inputs=t("tabs.inputs"))
        sh.put(self.row, LABEL_COL, t("risk.driver"), "head")
        sh.put(self.row, UNIT_COL, "", "head")
        sh.put(self.row, FIRST_COL, t("risk.draw"), "head")
        sh.put(self.row, FIRST_COL + 1, t("risk.shift"), "head")
        self.row += 1
        self.shown_draw, self.shown_shift = {}, {}
        kind = {}
        for r in data.risk.ranges:
            sh.put(self.row, LABEL_COL, self.labels[r.driver], "label")
            sh.put(self.row, UNIT_COL, t.unit_of("pct"), "unit")
            self.shown_draw[r.driver] = sh.put(self.row, FIRST_COL, None, "calc", "rate")
            self.shown_shift[r.driver] = sh.put(self.row, FIRST_COL + 1, None, "calc", "pct")
            kind[r.driver] = r.kind
            self.row += 1
        self.row += 1

        def drivers(name, p):
            base = income.drivers[(name, p)]
            drv = name
            if drv not in kind:
                return base
            return shifted(kind[drv], base.ref(), self.shown_shift[drv].ref(True, True), share=inputs.part_share(p).ref(True, True) if p is not None and tl.is_part(p) else None)
        periods = tl.main[tl.main.index(tl.base_year):]
        self.viewer = LineBlock(sh, tl, scenario_lines(data) + breakeven_lines()[:1], self.row, periods, inputs,
                                drivers=drivers, headers=self.headers, link_actuals=income.lines)
        self.viewer.fill(notes=False)
        self.row = self.viewer.last_row + 2
        sh.put(self.row - 1, LABEL_COL, t("risk.shown_cash"), "subsection")
        scalars = cash.scalars
        index = income.index.ref(True, True)

        def cash_drivers(name, p):
            return scalars[name].ref(True, True) if name in scalars else INDEX(inputs.driver_column(name, p), index)
        # in full years, as every trial's row (tabs/trials.py: the trials keep no part cells)
        self.viewer.bridge = LineBlock(sh, tl, cash_lines(cash.bridge_spec), self.row,
                                       [inputs.opening_period] + tl.forecast, inputs, source=self.viewer,
                                       drivers=cash_drivers, headers=self.headers)
        self.viewer.bridge.fill(notes=False)
        self.viewer.link_cash(self.viewer.bridge)
        self.row = self.viewer.bridge.last_row + 2

    # --- the results, from the Trials tab ---
    def results(self, trials):
        t, tl = self.t, self.tl
        fc = tl.forecast
        first, last = fc[0], fc[-1]
        years = Rng(self.headers[first], self.headers[last])
        n = self.used.ref(True, True)
        numbers = trials.trial_numbers()
        used = Text("<=").cat(n)
        self.built.content = ROWS(numbers)
        be = Rng(trials.column("be").first, trials.column("be").last)
        runout = Rng(trials.column("runout").first, trials.column("runout").last)
        for p in fc:
            year = self.headers[p].ref(abs_row=True)
            ani = trials.column(("line", "adjusted_net_income", p))
            self.be[p].content = COUNTIFS(numbers, used, be, Text(">0"), be, Text("<=").cat(year)) / n
            self.positive[p].content = COUNTIFS(numbers, used, ani, Text(">=0")) / n
            self.runout[p].content = COUNTIFS(numbers, used, runout, Text(">0"), runout, Text("<=").cat(year)) / n
            self.be_flags[p].content = IF(self.be[p].ref().ge(self.p["p_mid"].ref(True, True)), 1, 0)
        row_of = lambda cells: Rng(cells[first], cells[last])   # noqa: E731
        target = self.target.ref(True, True)
        pick = lambda cells: IFERROR(CHOOSE(target - years.first.ref(True, True) + 1,   # noqa: E731  (no MATCH on
                                            *[cells[p].ref() for p in fc]), NA)     # headers the parts share)
        self.prob_target.content = pick(self.be)
        self.median_year.content = first_flagged(row_of(self.be_flags), years, t("common.not_reached"))
        self.prob_horizon.content = self.be[last].ref()
        self.prob_runout.content = self.runout[last].ref()
        self.ProbBreakevenByTarget = self.prob_target

        # fans: the percentiles of each year's figure over the trials, beside the selected scenario's
        index = self.income.index.ref(True, True)
        for key, part in FANS:
            for p in fc:
                col = trials.column(("line", key, p))
                for k in PERCENTILES:
                    self.fans[(key, k)][p].content = PercentileIf(col, numbers, n, self.p[k].ref(True, True))
                if part == "lines":
                    scenario = self.income.lines.at(key, p)
                else:
                    scenario = CHOOSE(index, *[self.cash.blocks[sc].cell(key, p).ref() for sc in self.data.scenarios])
                self.fans[(key, "scenario")][p].content = scenario
        self.charts()

        # the named scenarios, weighted by the probabilities on Inputs
        rin = self.inputs.risk
        after = self.headers[last].ref(True, True) + 1
        for sc, (w, year, for_mean) in self.weighted.items():
            w.content = rin[(sc, "weight")].ref()
            year.content = self.scenarios.summary[sc][0].ref()
            for_mean.content = IF(ISNUMBER(year.ref()), year.ref(), after)
        scs = self.data.scenarios
        col = lambda i: Rng(self.weighted[scs[0]][i], self.weighted[scs[-1]][i])   # noqa: E731
        weights, be_years, for_mean = col(0), col(1), col(2)
        for p in fc:
            self.w_be[p].content = SUMPRODUCT(weights, Flags(be_years, "<=", self.headers[p].ref(abs_row=True)))
            self.w_flags[p].content = IF(self.w_be[p].ref().ge(self.p["p_mid"].ref(True, True)), 1, 0)
        self.w_target.content = pick(self.w_be)
        self.w_median.content = first_flagged(row_of(self.w_flags), years, t("common.not_reached"))
        self.w_missing.content = SUMPRODUCT(weights, Flags(be_years, ">", self.headers[last].ref(True, True)))
        self.w_mean.content = SUMPRODUCT(weights, for_mean) / SUM(weights)
        self.w_basis.content = IF(self.w_missing.ref().gt(0), Text(t("risk.lower_bound", period=last.code)),
                                  Text(t("risk.mean_basis")))
        self.w_basis.role, self.w_basis.fmt = "note", "text"

        # the drivers' draws: their measured correlation (a rank correlation: the draws are uniform) and mean
        ranges = self.data.risk.ranges
        draws = {r.driver: Rng(trials.column(("u", r.driver)).first, trials.column(("u", r.driver)).last)
                 for r in ranges}
        for (a, b), cell in self.corr.items():
            cell.content = CORREL(draws[a], draws[b])
        for cell, r in zip(self.mean_draw_cells, ranges):
            cell.content = SUM(draws[r.driver]) / ROWS(draws[r.driver])

        # the trial shown: its draws and shifts, from its row of the Trials tab
        shown = self.shown.ref(True, True)
        for r in ranges:
            self.shown_draw[r.driver].content = INDEX(draws[r.driver], shown)
            shifts = trials.column(("d", r.driver))
            self.shown_shift[r.driver].content = INDEX(Rng(shifts.first, shifts.last), shown)

    def charts(self):
        """A fan chart per figure: the P10, P50 and P90 lines over the forecast years, and the selected
        scenario's line."""
        t, tl, sh = self.t, self.tl, self.sheet
        first, last = tl.forecast[0], tl.forecast[-1]
        cats = Rng(self.headers[first], self.headers[last])
        for i, (key, _) in enumerate(FANS):
            def series(k, style):
                cells = self.fans[(key, k)]
                return Series(sh.cell_at(cells[first].row, LABEL_COL), Rng(cells[first], cells[last]), cats, style=style)
            lines = [series("p_high", DASHED), series("p_mid", line_style(0)), series("p_low", DASHED),
                     series("scenario", REFERENCE_LINE)]
            sh.charts.append(Chart("line", t("risk.chart", figure=t(f"risk.fan_{key}"), unit=t.unit), lines,
                                   (self.chart_row + 17 * i, LABEL_COL), size=(900, 320),
                                   columns=tl.chart_columns(first, last),   # the full years: no gap at the halves
                                   axes={"y": {"fmt": "amount", "major_gridlines": {
                                       "visible": True, "line": {"color": "#D9D9D9"}}},
                                       "x": {"label_position": "low", "fmt": "year"}}))


def whole(cell):
    """An input typed as a whole number, rounded to one (a count, a seed, a trial number)."""
    return ROUND(cell.ref(True, True), 0)
