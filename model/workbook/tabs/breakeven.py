"""Breakeven: per scenario, when adjusted net income turns positive and what it would take — for each
year of the horizon, the revenue that covers that year's fixed costs at that year's gross margin, and
the revenue CAGR from the last actual year it requires beside the scenario's own."""
from __future__ import annotations

from ..book import REFERENCE_LINE, Chart, Series, line_style
from ...calc.formula import CHOOSE, IFERROR, NA, Num, Rng
from ..layout import LineBlock
from ...calc.costs import required_revenue_lines
from ..timeline import FIRST_COL, LABEL_COL, UNIT_COL
from . import scenario_table, title_rows

# the summary's columns: (label id breakeven.<id>, unit kind, number format)
COLUMNS = [("breakeven", "year", "year"), ("cumulative_loss", "amount", "amount"),
           ("required_revenue", "amount", "amount"), ("scenario_revenue", "amount", "amount"),
           ("required_cagr", "pct", "pct"), ("scenario_cagr", "pct", "pct"), ("cagr_gap", "pct", "pct")]


def target_pick(block, key, target, years):
    """A forecast line of `block` in the target year (n/a when the year is outside the horizon): the forecast
    years are consecutive, so the target's place among them is target - the first + 1 (the parts of a year
    shown in parts stand between them on the timeline, and carry its year in their headers: no MATCH)."""
    tl = block.tl
    k = target - years.first.ref(abs_row=True, abs_col=True) + 1
    return IFERROR(CHOOSE(k, *[block.cells[(key, p)].ref() for p in tl.forecast]), NA)


class BreakevenTab:
    def __init__(self, book, data, tl, inputs, income, scenarios):
        t = book.t
        sh = self.sheet = book.add_sheet("breakeven", "output")
        unit = t.unit
        title_rows(sh, sh.name, t("breakeven.subtitle", unit=unit))
        scs = data.scenarios
        self.headers = tl.write_header(sh, 4)
        years = Rng(self.headers[tl.forecast[0]], self.headers[tl.forecast[-1]])
        top = 7
        sh.put(top, LABEL_COL, t("breakeven.target"), "label")
        sh.put(top, UNIT_COL, t.unit_of("year"), "unit")
        claim = inputs.claims.get(next((c.id for c in data.claims if c.calc == "breakeven"), None))
        target = claim[0].ref(True, True) if claim else self.headers[tl.forecast[-1]].ref(True, True)
        self.target = sh.put(top, FIRST_COL, target, "calc", "year")
        sh.put(top, FIRST_COL + 1, t("breakeven.target_claim" if claim else "breakeven.target_last",
                                     inputs=t("tabs.inputs")), "note")
        self.probability_row = top + 1   # the Monte Carlo's probability of breakeven by then (add_probability)
        table_top = top + 2
        row = table_top + len(scs) + 6  # below the summary table and its note

        self.blocks = {}
        for sc in scs:
            sh.put(row, LABEL_COL, t("scenarios.block", scenario=sc), "section")
            row += 1
            block = LineBlock(sh, tl, required_revenue_lines(data), row, tl.forecast, inputs,
                              source=scenarios.blocks[sc], headers=self.headers)
            block.fill(notes=sc == scs[0])
            self.blocks[sc] = block
            row = block.last_row + 2

        target = self.target.ref(True, True)

        def values(sc):
            s, b = scenarios.summary[sc], self.blocks[sc]
            return [s[0].ref(), s[1].ref(), target_pick(b, "required_revenue", target, years),
                    target_pick(b, "scenario_revenue", target, years), target_pick(b, "required_cagr", target, years),
                    target_pick(b, "scenario_cagr", target, years), target_pick(b, "cagr_gap", target, years)]
        columns = [(t(f"breakeven.{key}", base=tl.base_year.code), kind, fmt) for key, kind, fmt in COLUMNS]
        self.summary, self.selected, r = scenario_table(sh, table_top, columns, scs, values, income.index)
        sh.put(r - 1, UNIT_COL, inputs.Scenario, "calc_total", "text")
        sh.put(r, LABEL_COL, t("common.nm_rule", inputs=t("tabs.inputs")), "note")
        self.RequiredRevenue = book.define("RequiredRevenue", self.selected[2])
        self.RequiredCAGR = book.define("RequiredCAGR", self.selected[4])

        # chart: adjusted net income per scenario against the breakeven line
        sh.put(row, LABEL_COL, t("common.chart_data"), "section")
        row += 1
        sh.put(row, LABEL_COL, t("breakeven.zero_line"), "label")
        sh.put(row, UNIT_COL, unit, "unit")
        zero = {p: sh.put(row, tl.col[p], Num(0), "calc", "amount") for p in tl.years}
        first, last = tl.years[0], tl.years[-1]
        cats = Rng(self.headers[first], self.headers[last])
        series = [Series(t("breakeven.series", scenario=sc),
                         Rng(scenarios.blocks[sc].cell("adjusted_net_income", first),
                             scenarios.blocks[sc].cell("adjusted_net_income", last)), cats, style=line_style(i))
                  for i, sc in enumerate(scs)]
        series.append(Series(sh.cell_at(row, LABEL_COL), Rng(zero[first], zero[last]), cats, style=REFERENCE_LINE))
        sh.charts.append(Chart("line", t("breakeven.chart", unit=unit), series, (row + 2, LABEL_COL),
                               size=(900, 340), columns=tl.chart_columns(first, last), axes={"y": {"fmt": "amount", "major_gridlines": {
                                   "visible": True, "line": {"color": "#D9D9D9"}}},
                                   "x": {"label_position": "low", "fmt": "year"}}))

    def add_probability(self, risk):
        """The Risk tab's probability of adjusted breakeven by the target year, under the target year:
        ProbBreakevenByTarget."""
        sh, t, r = self.sheet, self.sheet.book.t, self.probability_row
        sh.put(r, LABEL_COL, t("breakeven.probability"), "label")
        sh.put(r, UNIT_COL, t.unit_of("pct"), "unit")
        cell = sh.put(r, FIRST_COL, risk.prob_target.ref(), "calc", "pct")
        sh.put(r, FIRST_COL + 1, t("breakeven.probability_note", risk=t("tabs.risk")), "note")
        self.ProbBreakevenByTarget = sh.book.define("ProbBreakevenByTarget", cell)
