"""Scenarios: every scenario computed at once, whichever is selected, with its breakeven year and
the adjusted losses accumulated until then."""
from __future__ import annotations

from ...calc.formula import CHOOSE, IF, ISNUMBER, NA, SUM, Rng, Text, lift
from ..layout import LineBlock
from ...calc.lines import breakeven_lines, cagr, first_flagged, other_breakeven_lines, scenario_lines
from ..timeline import LABEL_COL, UNIT_COL
from ...labels import LANGS
from . import put_wide_note, scenario_table, title_rows
from .market import MarketView
from .arr import ArrView

# label id, unit kind, number format; the Cover, Breakeven and Cash tabs read columns by position
SUMMARY = [("breakeven", "year", "year"), ("cumulative_loss", "amount", "amount"), ("revenue_last", "amount", "amount"),
           ("adjusted_last", "amount", "amount"), ("cagr", "pct", "pct"), ("loss_basis", "text", "text"),
           ("net_income_last", "amount", "amount"), ("reported_breakeven", "year", "year"),
           ("cash_breakeven", "year", "year"), ("funding_need", "amount", "amount")]
OWN = 8   # the columns computed here; the rest of SUMMARY (and VALUE) Cash & Funding answers (link_cash)
# with share data: dilution and value per share (the Cash & Funding tab's value table)
VALUE = [("dilution", "pct", "pct"), ("value_per_share", "share_price", "share_price")]
# the last column: the breakeven of the adjusted result before finance and tax (without the interest on the cash)
OPERATING = [("operating_breakeven", "year", "year")]



class ScenariosTab:
    def __init__(self, book, data, tl, inputs, income):
        t = book.t
        sh = self.sheet = book.add_sheet("scenarios", "output")
        unit = t.unit
        title_rows(sh, sh.name, t("scenarios.subtitle", unit=unit))
        scs = data.scenarios
        self.share_columns = "shares_outstanding" in data.funding   # VALUE's columns
        self.headers = tl.write_header(sh, 4)
        years = Rng(self.headers[tl.forecast[0]], self.headers[tl.forecast[-1]])
        first, last = tl.forecast[0], tl.forecast[-1]
        top = 7  # the summary table, under the frozen period header; the scenarios' blocks below it
        row = top + len(scs) + 7
        # the market's view (market.csv) between the summary and the blocks, filled once the summary exists
        self.market = MarketView(book, data, tl, inputs, row)
        row += self.market.height + (1 if self.market.height else 0)
        self.arr = ArrView(book, data, tl, inputs, row)   # the ARR bridge (arr.csv), filled with the market's view
        row += self.arr.height + (1 if self.arr.height else 0)
        op = self.opening_period = inputs.opening_period  # losses count from the opening cash date, as the cash bridge counts them
        opening = {"opening_year": income.headers[op].ref(True, True),
                   "opening_ani": income.lines.cell("adjusted_net_income", op).ref(True, True),
                   **{f"season_{k}": c.ref(True, True) for k, c in income.season.items()}}   # scalars
        self.blocks = {}
        sh.pack_end, sh.print_cols = row, tl.last_col   # print pack: the summary and the market's view, no notes
        for sc in scs:
            sh.put(row, LABEL_COL, t("scenarios.block", scenario=sc), "section")
            row += 1
            block = LineBlock(sh, tl, scenario_lines(data, reported=True) + breakeven_lines() + other_breakeven_lines(),
                              row, tl.main, inputs, drivers=lambda name, p, sc=sc: opening.get(name) or
                              inputs.asm[(sc, name, p)], headers=self.headers, link_actuals=income.lines)
            block.fill(notes=False)
            self.blocks[sc] = block
            sh.groups.append((row, block.last_row))
            row = block.last_row + 2

        def values(sc):
            b = self.blocks[sc]
            rev_last, rev_base = b.at("revenue", last), b.at("revenue", tl.base_year)
            year = lambda flag: first_flagged(Rng(b.cell(flag, first), b.cell(flag, last)), years,  # noqa: E731
                                              t("common.not_reached"))
            be = year("be_flag")
            basis = IF(ISNUMBER(be), Text(t("scenarios.to_breakeven")),
                       Text(t("scenarios.lower_bound")))
            linked = [lift(0)] * (len(SUMMARY) - OWN + len(VALUE) * self.share_columns)   # link_cash fills them
            return [be, SUM(Rng(b.cell("be_loss", first), b.cell("be_loss", last))),
                    rev_last, b.at("adjusted_net_income", last), cagr(b, last, rev_last, rev_base, tl.base_year),
                    basis, b.at("net_income", last), year("reported_be_flag")] + linked + [year("operating_be_flag")]
        # the operating-cash breakeven and the capital columns are the Cash & Funding tab's: link_cash fills them
        columns = [(t(f"scenarios.{key}"), kind, fmt) for key, kind, fmt in SUMMARY + (
            VALUE if self.share_columns else []) + OPERATING]
        self.headings = [heading for heading, _, _ in columns]
        self.summary, self.selected, r = scenario_table(sh, top, columns, scs, values, income.index,
                                                               skip=tl.spacer_col)
        sh.put(r - 1, UNIT_COL, inputs.Scenario, "calc_total", "text")
        editions = [t.edition(lang) for lang in LANGS]
        put_wide_note(sh, r, t("scenarios.loss_note", period=op.code), [e("scenarios.loss_note", period=op.code)
                                                                    for e in editions], 0, tl.last_col)
        put_wide_note(sh, r + 1, t("scenarios.other_note"), [e("scenarios.other_note") for e in editions], 0, tl.last_col)
        self.BreakevenYear = book.define("BreakevenYear", self.selected[0])
        self.CumulativeLoss = book.define("CumulativeLossToBreakeven", self.selected[1])
        self.market.fill(sh, self, income)
        self.arr.fill(sh, self, income)

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

    def link_cash(self, cash, valuation=None):
        """The columns the cash-flow statement answers: operating-cash breakeven year, funding need, and with
        share data dilution and the DCF value per share (placeholders until Cash & Funding and Valuation exist;
        n/a without a valuation)."""
        t = self.sheet.book.t
        for sc, cells in self.summary.items():
            b = cash.blocks[sc]
            first, last = cash.first, b.tl.forecast[-1]   # the first forecast column: 2H2026E when in parts
            years = Rng(b.headers[first], b.headers[last])
            links = [first_flagged(Rng(b.cell("cash_be_flag", first), b.cell("cash_be_flag", last)), years,
                                   t("common.not_reached")), cash.summary[sc][3].ref()]
            if self.share_columns:
                links += [cash.share_summary[sc][3].ref(), valuation.value_of(sc).ref() if valuation else NA]
            for cell, expr in zip(cells[OWN:], links):
                cell.content = expr
