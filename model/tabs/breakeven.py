"""Breakeven: per scenario, when adjusted net income turns positive and what it would take — for each
year of the horizon, the revenue that covers that year's fixed costs at that year's gross margin, and
the revenue CAGR from the last actual year it requires beside the scenario's own."""
from __future__ import annotations

from ..book import REFERENCE_LINE, Chart, Series, line_style
from ..formula import IFERROR, INDEX, MATCH, NA, Num, Rng
from ..layout import LineBlock
from ..lines import required_revenue_lines
from ..timeline import FIRST_COL, LABEL_COL, UNIT_COL
from . import scenario_table, title_rows


def target_pick(block, key, target, years):
    """A forecast line of `block` in the target year (n/a when the year is outside the horizon)."""
    tl = block.tl
    row = Rng(block.cells[(key, tl.forecast[0])], block.cells[(key, tl.forecast[-1])])
    return IFERROR(INDEX(row, MATCH(target, years)), NA)


class BreakevenTab:
    def __init__(self, book, data, tl, inputs, income, scenarios):
        sh = self.sheet = book.add_sheet("Breakeven", "output")
        unit = data.company["unit"]
        base = tl.base_year.code
        title_rows(sh, data, "Breakeven", f"{unit}. Breakeven: the first forecast year with adjusted net income ≥ 0. "
                   "Revenue needed = that year's fixed costs (R&D + other operating costs) ÷ that year's blended "
                   "gross margin.")
        scs = data.scenarios
        top = 4
        sh.put(top, LABEL_COL, "Target breakeven year", "label")
        claim = inputs.claims.get(next((c.id for c in data.claims if c.calc == "breakeven"), None))
        self.target = sh.put(top, FIRST_COL, claim[0].ref(True, True) if claim else None, "calc", "year")
        sh.put(top, FIRST_COL + 1, "the claimed breakeven year (Inputs, claims to audit); the summary's 'needed' "
               "columns are for this year" if claim else "the last forecast year (no breakeven claim in claims.csv)",
               "note")
        table_top = top + 2
        header_row = table_top + 2 + len(scs) + 5
        self.headers = tl.write_header(sh, header_row)
        sh.freeze = (0, FIRST_COL)
        years = Rng(self.headers[tl.forecast[0]], self.headers[tl.forecast[-1]])
        if claim is None:
            self.target.content = self.headers[tl.forecast[-1]].ref(True, True)

        row = header_row + 3
        self.blocks = {}
        for sc in scs:
            sh.put(row, LABEL_COL, f"Scenario: {sc}", "section")
            row += 1
            block = LineBlock(sh, tl, required_revenue_lines(base), row, tl.forecast, inputs,
                              source=scenarios.blocks[sc], headers=self.headers, unit=unit)
            block.fill(notes=sc == scs[0])
            self.blocks[sc] = block
            row = block.last_row + 2

        target = self.target.ref(True, True)

        def values(sc):
            s, b = scenarios.summary[sc], self.blocks[sc]
            return [s[0].ref(), s[1].ref(), target_pick(b, "required_revenue", target, years),
                    target_pick(b, "scenario_revenue", target, years), target_pick(b, "required_cagr", target, years),
                    target_pick(b, "scenario_cagr", target, years), target_pick(b, "cagr_gap", target, years)]
        columns = [("Breakeven year", "year", "year"), ("Cumulative adjusted loss to breakeven", unit, "amount"),
                   ("Revenue needed in target year", unit, "amount"), ("Scenario revenue in target year", unit, "amount"),
                   (f"Revenue CAGR needed from {base}A", "%", "pct"), (f"Scenario CAGR from {base}A", "%", "pct"),
                   ("Extra annual growth needed", "%", "pct")]
        self.summary, self.selected, r = scenario_table(sh, table_top, columns, scs, values, income.index)
        sh.put(r - 1, UNIT_COL, inputs.Scenario, "calc_total", "text")
        self.RequiredRevenue = book.define("RequiredRevenue", self.selected[2])
        self.RequiredCAGR = book.define("RequiredCAGR", self.selected[4])

        # chart: adjusted net income per scenario against the breakeven line
        sh.put(row, LABEL_COL, "Chart data", "section")
        row += 1
        sh.put(row, LABEL_COL, "Breakeven line (adjusted net income = 0)", "label")
        sh.put(row, UNIT_COL, unit, "unit")
        zero = {p: sh.put(row, tl.col[p], Num(0), "calc", "amount") for p in tl.years}
        first, last = tl.years[0], tl.years[-1]
        cats = Rng(self.headers[first], self.headers[last])
        series = [Series(f"Adjusted net income — {sc}",
                         Rng(scenarios.blocks[sc].cell("adjusted_net_income", first),
                             scenarios.blocks[sc].cell("adjusted_net_income", last)), cats, style=line_style(i))
                  for i, sc in enumerate(scs)]
        series.append(Series("Breakeven (0)", Rng(zero[first], zero[last]), cats, style=REFERENCE_LINE))
        sh.charts.append(Chart("line", f"Adjusted net income by scenario, {unit}", series, (row + 2, LABEL_COL),
                               size=(900, 340), axes={"y": {"fmt": "amount", "major_gridlines": {
                                   "visible": True, "line": {"color": "#D9D9D9"}}},
                                   "x": {"label_position": "low", "fmt": "year"}}))
