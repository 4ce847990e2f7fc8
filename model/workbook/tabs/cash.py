"""Cash & Funding: each scenario's cash bridge from the opening cash date, the lowest balance, the year
cash would fall below the minimum, and the funding still needed to reach breakeven."""
from __future__ import annotations

from ..book import REFERENCE_LINE, Chart, Series, line_style
from ...calc.formula import INDEX, MATCH, MAX, MIN, Rng
from ..layout import LineBlock
from ...calc.lines import cash_lines, first_flagged
from ..timeline import FIRST_COL, LABEL_COL, UNIT_COL
from . import scenario_table, title_rows

# the summary's columns: (label id cash.<id>, unit kind, number format)
COLUMNS = [("lowest", "amount", "amount"), ("lowest_year", "year", "year"), ("run_out", "year", "year"),
           ("funding_need", "amount", "amount"), ("breakeven", "year", "year"), ("closing_last", "amount", "amount")]


class CashTab:
    def __init__(self, book, data, tl, inputs, income, scenarios):
        t = book.t
        sh = self.sheet = book.add_sheet("cash", "output")
        unit = t.unit
        op = inputs.opening_period
        title_rows(sh, sh.name, t("cash.subtitle", unit=unit))
        self.headers = tl.write_header(sh, 4)
        first, last = tl.forecast[0], tl.forecast[-1]
        years = Rng(self.headers[first], self.headers[last])
        fund = inputs.funding
        row = 7
        sh.put(row, LABEL_COL, t("cash.inputs", inputs=t("tabs.inputs")), "section")
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
        put("opening_cash", t("cash.opening_cash", period=op.code), unit, fund["opening_cash"].ref())
        put("opening_year", t("cash.opening_year"), t.unit_of("year"), income.headers[op].ref(), "year")
        put("opening_ani", t("cash.opening_ani", period=op.code), unit, income.lines.at("adjusted_net_income", op),
            note=t("cash.opening_ani_interim" if not op.is_full_year else "cash.opening_ani_full"))
        events = []
        for eid, cells in inputs.events.items():
            ev = next(e for e in data.events if e.id == eid)
            name = t("funding.equity_raise") if ev.kind == "equity" else \
                t("events.label", kind=t(f"events.kind_{ev.kind}"), date=ev.date.isoformat())
            put(f"ev_{eid}_converted", t("cash.event_converted", event=name, unit=unit), unit,
                cells["amount"].ref() * cells["fx_rate"].ref())
            put(f"ev_{eid}_year", t("cash.raise_year"), t.unit_of("year"), cells["year"].ref(), "year")
            if cells["counted"] is not None:
                put(f"ev_{eid}_counted", t("cash.event_counted"), t.unit_of("flag"), cells["counted"].ref(), "int")
            events.append((eid, cells["counted"] is not None))
        put("min_cash", t("cash.min_cash"), unit, fund["min_cash"].ref(), note=t("cash.min_cash_note"))
        self.scalars = scalars
        scalar = {k: c.ref(True, True) for k, c in scalars.items()}
        row += 1
        sh.put(row, LABEL_COL, t("cash.timing", period=op.code) + " " + (
            t("cash.timing_interim", year=op.year, period=op.code) if not op.is_full_year else t("cash.timing_full")),
            "note")
        row += 2

        scs = data.scenarios
        table_top = row
        row = table_top + len(scs) + 6  # below the summary table and its note
        self.blocks = {}
        for sc in scs:
            sh.put(row, LABEL_COL, t("scenarios.block", scenario=sc), "section")
            row += 1

            def drivers(name, p, sc=sc):
                return scalar[name] if name in scalar else inputs.asm[(sc, name, p)]
            block = LineBlock(sh, tl, cash_lines(events), row, [op] + tl.forecast, inputs, source=scenarios.blocks[sc],
                              drivers=drivers, headers=self.headers)
            block.fill(notes=sc == scs[0])
            self.blocks[sc] = block
            row = block.last_row + 2

        def line(b, key):
            return Rng(b.cell(key, first), b.cell(key, last))

        def values(sc):
            b = self.blocks[sc]
            closing = line(b, "closing_cash")
            return [MIN(closing), INDEX(years, MATCH(MIN(closing), closing)),
                    first_flagged(line(b, "below_min"), years, t("cash.not_within")),
                    MAX(0, scalar["min_cash"] - MIN(line(b, "cash_to_breakeven"))),
                    scenarios.summary[sc][0].ref(), b.here("closing_cash", last)]
        columns = [(t(f"cash.{key}", period=last.code), kind, fmt) for key, kind, fmt in COLUMNS]
        self.headings = [heading for heading, _, _ in columns]
        self.summary, self.selected, r = scenario_table(sh, table_top, columns, scs, values, income.index)
        sh.put(r - 1, UNIT_COL, inputs.Scenario, "calc_total", "text")
        sh.put(r, LABEL_COL, t("cash.need_note", none=t("cash.not_within")), "note")
        self.LowestCash = book.define("LowestCash", self.selected[0])
        self.CashRunOutYear = book.define("CashRunOutYear", self.selected[2])
        self.FundingNeed = book.define("FundingNeed", self.selected[3])

        # chart: closing cash per scenario against the minimum
        series = [Series(t("cash.series", scenario=sc), line(self.blocks[sc], "closing_cash"), years, style=line_style(i))
                  for i, sc in enumerate(scs)]
        sh.put(row, LABEL_COL, t("common.chart_data"), "section")
        sh.page_breaks.append(row)   # the chart and its data print on a page of their own, not split
        row += 1
        sh.put(row, LABEL_COL, t("cash.min_cash"), "label")
        sh.put(row, UNIT_COL, unit, "unit")
        floor = {p: sh.put(row, tl.col[p], scalar["min_cash"], "calc", "amount") for p in tl.forecast}
        series.append(Series(sh.cell_at(row, LABEL_COL), Rng(floor[first], floor[last]), years, style=REFERENCE_LINE))
        sh.charts.append(Chart("line", t("cash.chart", unit=unit), series, (row + 2, LABEL_COL),
                               size=(900, 340), axes={"y": {"fmt": "amount", "major_gridlines": {
                                   "visible": True, "line": {"color": "#D9D9D9"}}}, "x": {"label_position": "low", "fmt": "year"}}))
