"""Cash & Funding: each scenario's cash bridge from the opening cash date, the lowest balance, the year
cash would fall below the minimum, and the funding still needed to reach breakeven."""
from __future__ import annotations

from ..book import REFERENCE_LINE, Chart, Series, line_style
from ..formula import INDEX, MATCH, MAX, MIN, Rng
from ..layout import LineBlock
from ..lines import cash_lines, first_flagged
from ..timeline import FIRST_COL, LABEL_COL, UNIT_COL
from . import scenario_table, title_rows

NOT_WITHIN = "none"  # cash stays above the minimum over the whole horizon


class CashTab:
    def __init__(self, book, data, tl, inputs, income, scenarios):
        sh = self.sheet = book.add_sheet("Cash & Funding", "output")
        unit = data.company["unit"]
        op = inputs.opening_period
        title_rows(sh, data, "Cash & Funding", f"{unit}. Cash bridge from the opening cash date: adjusted net income "
                   "+ non-cash items − capital expenditure − working capital + equity raised.")
        fund, fig = inputs.funding, data.funding
        row = 4
        sh.put(row, LABEL_COL, "Funding inputs", "section")
        row += 1
        scalars = {}

        def put(key, label, u, expr, fmt="amount", note=""):
            nonlocal row
            sh.put(row, LABEL_COL, label, "label")
            sh.put(row, UNIT_COL, u, "unit")
            scalars[key] = sh.put(row, FIRST_COL, expr, "calc", fmt)
            if note:
                sh.put(row, FIRST_COL + 1, note, "note")
            row += 1
        put("opening_cash", f"Cash and equivalents at the end of {op.code}", unit, fund["opening_cash"].ref())
        put("opening_year", "Fiscal year of the opening cash date", "year", income.headers[op].ref(), "year")
        put("opening_ani", f"{op.code}A adjusted net income (already in that cash)", unit,
            income.lines.at("adjusted_net_income", op),
            note="Deducted from that fiscal year's forecast so the year counts only the months after the cash date."
            if not op.is_full_year else "The opening cash closes a full year: nothing to deduct.")
        put("raise", "Equity raised, net proceeds", fig["equity_raise"].unit or unit, fund["equity_raise"].ref(), "amount3")
        put("fx_rate", "Exchange rate", fig["fx_rate"].unit, fund["fx_rate"].ref(), "rate")
        put("raise_converted", f"Equity raised, {unit}", unit, scalars["raise"].ref() * scalars["fx_rate"].ref())
        put("raise_year", "Received in fiscal year", "year", fund["raise_year"].ref(), "year")
        put("min_cash", "Minimum cash balance", unit, fund["min_cash"].ref(),
            note="Cash 'runs out' when it falls below this; the funding need tops cash up to it.")
        self.scalars = scalars
        scalar = {k: c.ref(True, True) for k, c in scalars.items()}
        row += 1
        sh.put(row, LABEL_COL, f"Timing: the opening cash is at the end of {op.code}. "
               + (f"FY{op.year}E counts only the rest of the year: its full-year adjusted net income less the "
                  f"{op.code} actual, and its cash-flow inputs on Inputs are for that remainder."
                  if not op.is_full_year else "Every forecast year counts in full."), "note")
        row += 2

        scs = data.scenarios
        table_top = row
        header_row = table_top + 2 + len(scs) + 5
        self.headers = tl.write_header(sh, header_row)
        sh.freeze = (0, FIRST_COL)
        first, last = tl.forecast[0], tl.forecast[-1]
        years = Rng(self.headers[first], self.headers[last])

        row = header_row + 3
        self.blocks = {}
        for sc in scs:
            sh.put(row, LABEL_COL, f"Scenario: {sc}", "section")
            row += 1

            def drivers(name, p, sc=sc):
                return scalar[name] if name in scalar else inputs.asm[(sc, name, p)]
            block = LineBlock(sh, tl, cash_lines(), row, [op] + tl.forecast, inputs, source=scenarios.blocks[sc],
                              drivers=drivers, headers=self.headers, unit=unit)
            block.fill(notes=sc == scs[0])
            self.blocks[sc] = block
            row = block.last_row + 2

        def line(b, key):
            return Rng(b.cell(key, first), b.cell(key, last))

        def values(sc):
            b = self.blocks[sc]
            closing = line(b, "closing_cash")
            return [MIN(closing), INDEX(years, MATCH(MIN(closing), closing)),
                    first_flagged(line(b, "below_min"), years, NOT_WITHIN),
                    MAX(0, scalar["min_cash"] - MIN(line(b, "cash_to_breakeven"))),
                    scenarios.summary[sc][0].ref(), b.here("closing_cash", last)]
        columns = [("Lowest cash balance", unit, "amount"), ("Year of the lowest balance", "year", "year"),
                   ("Cash falls below the minimum in", "year", "year"),
                   ("Funding need to breakeven", unit, "amount"),
                   ("Breakeven year", "year", "year"), (f"Closing cash {last.code}E", unit, "amount")]
        self.summary, self.selected, r = scenario_table(sh, table_top, columns, scs, values, income.index)
        sh.put(r - 1, UNIT_COL, inputs.Scenario, "calc_total", "text")
        sh.put(r, LABEL_COL, "Funding need: the minimum cash less the lowest closing cash up to and including the "
               "breakeven year, if positive. When breakeven is not reached it covers the horizon only: a lower bound. "
               "'none': cash stays above the minimum in every forecast year.", "note")
        self.LowestCash = book.define("LowestCash", self.selected[0])
        self.CashRunOutYear = book.define("CashRunOutYear", self.selected[2])
        self.FundingNeed = book.define("FundingNeed", self.selected[3])

        # chart: closing cash per scenario against the minimum
        series = [Series(f"Closing cash — {sc}", line(self.blocks[sc], "closing_cash"), years, style=line_style(i))
                  for i, sc in enumerate(scs)]
        sh.put(row, LABEL_COL, "Chart data", "section")
        row += 1
        sh.put(row, LABEL_COL, "Minimum cash balance", "label")
        sh.put(row, UNIT_COL, unit, "unit")
        floor = {p: sh.put(row, tl.col[p], scalar["min_cash"], "calc", "amount") for p in tl.forecast}
        series.append(Series("Minimum cash", Rng(floor[first], floor[last]), years, style=REFERENCE_LINE))
        sh.charts.append(Chart("line", f"Closing cash by scenario, {unit}", series, (row + 2, LABEL_COL),
                               size=(900, 340), axes={"y": {"fmt": "amount", "major_gridlines": {
                                   "visible": True, "line": {"color": "#D9D9D9"}}}, "x": {"label_position": "low", "fmt": "year"}}))
