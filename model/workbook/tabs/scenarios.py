"""Scenarios: every scenario computed at once, whichever is selected, with its breakeven year and
the adjusted losses accumulated until then."""
from __future__ import annotations

from ...calc.formula import CHOOSE, SUM, Rng
from ..layout import LineBlock
from ...calc.lines import breakeven_lines, cagr, first_flagged, scenario_lines
from ..timeline import LABEL_COL, UNIT_COL
from . import scenario_table, title_rows

SUMMARY = [("breakeven", "year", "year"), ("cumulative_loss", "amount", "amount"), ("revenue_last", "amount", "amount"),
           ("adjusted_last", "amount", "amount"), ("cagr", "pct", "pct")]  # label id, unit kind, number format


class ScenariosTab:
    def __init__(self, book, data, tl, inputs, income):
        t = book.t
        sh = self.sheet = book.add_sheet("scenarios", "output")
        unit = t.unit
        title_rows(sh, sh.name, t("scenarios.subtitle", unit=unit))
        scs = data.scenarios
        self.headers = tl.write_header(sh, 4)
        years = Rng(self.headers[tl.forecast[0]], self.headers[tl.forecast[-1]])
        first, last = tl.forecast[0], tl.forecast[-1]
        top = 7  # the summary table, under the frozen period header; the scenarios' blocks below it
        row = top + len(scs) + 6
        self.blocks = {}
        for sc in scs:
            sh.put(row, LABEL_COL, t("scenarios.block", scenario=sc), "section")
            row += 1
            block = LineBlock(sh, tl, scenario_lines(data) + breakeven_lines(), row, tl.years + tl.stub_periods, inputs,
                              drivers=lambda name, p, sc=sc: inputs.asm[(sc, name, p)], headers=self.headers,
                              link_actuals=income.lines)
            block.fill(notes=False)
            self.blocks[sc] = block
            sh.groups.append((row, block.last_row))
            row = block.last_row + 2

        def values(sc):
            b = self.blocks[sc]
            rev_last, rev_base = b.at("revenue", last), b.at("revenue", tl.base_year)
            return [first_flagged(Rng(b.cell("be_flag", first), b.cell("be_flag", last)), years, t("common.not_reached")),
                    SUM(Rng(b.cell("be_loss", first), b.cell("be_loss", last))),
                    rev_last, b.at("adjusted_net_income", last), cagr(b, last, rev_last, rev_base, tl.base_year)]
        columns = [(t(f"scenarios.{key}"), kind, fmt) for key, kind, fmt in SUMMARY]
        self.headings = [heading for heading, _, _ in columns]
        self.summary, self.selected, r = scenario_table(sh, top, columns, scs, values, income.index)
        sh.put(r - 1, UNIT_COL, inputs.Scenario, "calc_total", "text")
        sh.put(r, LABEL_COL, t("scenarios.loss_note"), "note")
        self.BreakevenYear = book.define("BreakevenYear", self.selected[0])
        self.CumulativeLoss = book.define("CumulativeLossToBreakeven", self.selected[1])

        # the selected scenario recomputed here, for the tie-out check against the Income Statement
        sh.put(row, LABEL_COL, t("scenarios.tie"), "section")
        row += 1
        self.tie = {}
        for key in ("revenue", "adjusted_net_income"):
            sh.put(row, LABEL_COL, t.line(income.lines.line(key))[0], "label")
            sh.put(row, UNIT_COL, unit, "unit")
            for p in tl.forecast:
                opts = [self.blocks[sc].cell(key, p).ref() for sc in scs]
                self.tie[(key, p)] = sh.put(row, tl.col[p], CHOOSE(income.index.ref(True, True), *opts), "calc", "amount")
            row += 1
