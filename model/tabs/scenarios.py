"""Scenarios: every scenario computed at once, whichever is selected, with its breakeven year and
the adjusted losses accumulated until then."""
from __future__ import annotations

from ..formula import CHOOSE, SUM, Rng
from ..layout import LineBlock
from ..lines import breakeven_lines, cagr, first_flagged, scenario_lines
from ..timeline import FIRST_COL, LABEL_COL, UNIT_COL
from . import scenario_table, title_rows

NOT_REACHED = "not reached"
SUMMARY = ["Breakeven year", "Cumulative adjusted loss to breakeven", "Revenue, final year",
           "Adjusted net income, final year", "Revenue CAGR, base to final year"]


class ScenariosTab:
    def __init__(self, book, data, tl, inputs, income):
        sh = self.sheet = book.add_sheet("Scenarios", "output")
        unit = data.company["unit"]
        title_rows(sh, data, "Scenarios", f"All scenarios side by side, always live. {unit}. Breakeven: the first "
                   "forecast year with adjusted net income ≥ 0.")
        scs = data.scenarios
        top = 4
        header_row = top + 2 + len(scs) + 4
        self.headers = tl.write_header(sh, header_row)
        sh.freeze = (0, FIRST_COL)
        years = Rng(self.headers[tl.forecast[0]], self.headers[tl.forecast[-1]])
        first, last = tl.forecast[0], tl.forecast[-1]

        row = header_row + 3
        self.blocks = {}
        for sc in scs:
            sh.put(row, LABEL_COL, f"Scenario: {sc}", "section")
            row += 1
            block = LineBlock(sh, tl, scenario_lines(data) + breakeven_lines(), row, tl.years, inputs,
                              drivers=lambda name, p, sc=sc: inputs.asm[(sc, name, p)], headers=self.headers,
                              unit=unit, link_actuals=income.lines)
            block.fill(notes=False)
            self.blocks[sc] = block
            sh.groups.append((row, block.last_row))
            row = block.last_row + 2

        def values(sc):
            b = self.blocks[sc]
            rev_last, rev_base = b.at("revenue", last), b.at("revenue", tl.base_year)
            return [first_flagged(Rng(b.cell("be_flag", first), b.cell("be_flag", last)), years, NOT_REACHED),
                    SUM(Rng(b.cell("be_loss", first), b.cell("be_loss", last))),
                    rev_last, b.at("adjusted_net_income", last), cagr(b, last, rev_last, rev_base, tl.base_year)]
        columns = list(zip(SUMMARY, ["year", unit, unit, unit, "%"], ["year", "amount", "amount", "amount", "pct"]))
        self.summary, self.selected, r = scenario_table(sh, top, columns, scs, values, income.index)
        sh.put(r - 1, UNIT_COL, inputs.Scenario, "calc_total", "text")
        sh.put(r, LABEL_COL, "Cumulative loss: sum of forecast-year adjusted losses before the breakeven year "
               "(all forecast years when breakeven is not reached).", "note")
        self.BreakevenYear = book.define("BreakevenYear", self.selected[0])
        self.CumulativeLoss = book.define("CumulativeLossToBreakeven", self.selected[1])

        # the selected scenario recomputed here, for the tie-out check against the Income Statement
        sh.put(row, LABEL_COL, "Selected scenario (for the tie-out check)", "section")
        row += 1
        self.tie = {}
        for key, label in (("revenue", "Total revenue"), ("adjusted_net_income", "Adjusted net income (loss)")):
            sh.put(row, LABEL_COL, label, "label")
            sh.put(row, UNIT_COL, unit, "unit")
            for p in tl.forecast:
                opts = [self.blocks[sc].cell(key, p).ref() for sc in scs]
                self.tie[(key, p)] = sh.put(row, tl.col[p], CHOOSE(income.index.ref(True, True), *opts), "calc", "amount")
            row += 1
