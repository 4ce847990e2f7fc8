"""Scenarios: every scenario computed at once, whichever is selected, with its breakeven year and
the adjusted losses accumulated until then."""
from __future__ import annotations

from ..formula import CHOOSE, IF, INDEX, MATCH, SUM, Rng, Text
from ..layout import LineBlock
from ..lines import scenario_lines
from ..timeline import FIRST_COL, LABEL_COL, UNIT_COL
from . import title_rows

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
        sh.put(top, LABEL_COL, "Summary by scenario", "head")
        sh.put(top, UNIT_COL, "", "head")
        for i, h in enumerate(SUMMARY):
            sh.put(top, FIRST_COL + i, h, "head_wrap")
        sh.put(top + 1, LABEL_COL, "Unit", "subhead")
        units = ["year", unit, unit, unit, "%"]
        for i, u in enumerate(units):
            sh.put(top + 1, FIRST_COL + i, u, "subhead")
        summary_first = top + 2
        header_row = summary_first + len(scs) + 4
        self.headers = tl.write_header(sh, header_row)
        sh.freeze = (0, FIRST_COL)
        years = Rng(self.headers[tl.forecast[0]], self.headers[tl.forecast[-1]])

        row = header_row + 3
        self.blocks = {}
        self.summary = {}
        for n, sc in enumerate(scs):
            sh.put(row, LABEL_COL, f"Scenario: {sc}", "section")
            row += 1
            block = LineBlock(sh, tl, scenario_lines(data), row, tl.years, inputs,
                              drivers=lambda name, p, sc=sc: inputs.asm[(sc, name, p)], headers=self.headers,
                              unit=unit, link_actuals=income.lines)
            block.fill(notes=False)
            self.blocks[sc] = block
            row = block.last_row + 1
            adj = {p: block.cell("adjusted_net_income", p) for p in tl.forecast}
            flag, reached, loss = {}, {}, {}
            labels = ["Breakeven flag (adjusted net income ≥ 0)", "Breakeven reached by this year",
                      "Adjusted loss before breakeven"]
            for i, lab in enumerate(labels):
                sh.put(row + i, LABEL_COL, lab, "detail_label")
                sh.put(row + i, UNIT_COL, "1/0" if i < 2 else unit, "unit")
            for p in tl.forecast:
                c = tl.col[p]
                flag[p] = sh.put(row, c, IF(adj[p].ref().ge(0), 1, 0), "calc", "int")
            for p in tl.forecast:
                c = tl.col[p]
                run = Rng(flag[tl.forecast[0]], flag[p], absolute=False, anchored=True)
                reached[p] = sh.put(row + 1, tl.col[p], IF(SUM(run).gt(0), 1, 0), "calc", "int")
                loss[p] = sh.put(row + 2, c, IF(reached[p].ref().eq(0), -adj[p].ref(), 0), "calc", "amount")
            sh.groups.append((block.rows[scenario_lines(data)[0].key], row + 2))
            row += 4
            flags = Rng(flag[tl.forecast[0]], flag[tl.forecast[-1]])
            r = summary_first + n
            last = tl.forecast[-1]
            rev_last, rev_base = block.cell("revenue", last).ref(), block.cell("revenue", tl.base_year).ref()
            sh.put(r, LABEL_COL, sc, "label")
            self.summary[sc] = [
                sh.put(r, FIRST_COL, IF(SUM(flags).eq(0), Text("not reached"),
                                        INDEX(years, MATCH(1, flags))), "calc", "year"),
                sh.put(r, FIRST_COL + 1, SUM(Rng(loss[tl.forecast[0]], loss[last], absolute=False)), "calc", "amount"),
                sh.put(r, FIRST_COL + 2, rev_last, "calc", "amount"),
                sh.put(r, FIRST_COL + 3, adj[last].ref(), "calc", "amount"),
                sh.put(r, FIRST_COL + 4, (rev_last / rev_base) ** (1 / (self.headers[last].ref(True) - self.headers[tl.base_year].ref(True))) - 1,
                       "calc", "pct"),
            ]
        # the selected scenario's row, picked by the Income Statement's scenario number
        r = summary_first + len(scs)
        sh.put(r, LABEL_COL, "Selected scenario", "total_label")
        sh.put(r, UNIT_COL, inputs.Scenario, "calc_total", "text")
        self.selected = []
        for i in range(len(SUMMARY)):
            col = Rng(self.summary[scs[0]][i], self.summary[scs[-1]][i])
            self.selected.append(sh.put(r, FIRST_COL + i, INDEX(col, income.index.ref(True, True)), "calc_total",
                                        self.summary[scs[0]][i].fmt))
        sh.put(r + 1, LABEL_COL, "Cumulative loss: sum of forecast-year adjusted losses before the breakeven year "
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
