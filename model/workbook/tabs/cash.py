"""Cash Flow & Funding: each scenario's cash-flow statement from the opening cash date (operating,
investing, financing, the funding plug) with a compact balance that must tie, the lowest balance, the
year cash would fall below the minimum, the funding needed to reach breakeven; with share data, shares
outstanding, dilution, market capitalisation and a value per share per scenario."""
from __future__ import annotations

import datetime

from ..book import REFERENCE_LINE, Chart, Series, line_style
from ...calc.formula import IF, INDEX, MATCH, MAX, MIN, SUM, Rng, lift
from ...data.events import EQUITY_KINDS
from ..layout import LineBlock
from ...calc.lines import CashEvent, cash_lines, first_flagged, value_lines
from ..timeline import FIRST_COL, LABEL_COL, UNIT_COL
from . import scenario_table, title_rows

# the summary's columns: (label id cash.<id>, unit kind, number format)
COLUMNS = [("lowest", "amount", "amount"), ("lowest_year", "year", "year"), ("run_out", "year", "year"),
           ("funding_need", "amount", "amount"), ("breakeven", "year", "year"), ("closing_last", "amount", "amount"),
           ("plug_year", "year", "year"), ("plug_total", "amount", "amount")]
# with share data: (label id cash.<id>, unit kind, number format)
VALUE_COLUMNS = [("shares_last", "shares", "shares"), ("dilution", "pct", "pct"), ("ev_sales_first", "x", "x"),
                 ("value_per_share", "share_price", "share_price"), ("upside", "pct", "pct")]



def lowest_and_need(b, first, last, min_cash):
    """A cash-flow block's lowest closing cash, and its funding need to breakeven: the plug drawn until
    breakeven plus any shortfall below the minimum cash (with the plug off)."""
    line = lambda key: Rng(b.cell(key, first), b.cell(key, last))  # noqa: E731
    return MIN(line("closing_cash")), SUM(line("plug_to_breakeven")) + MAX(0, min_cash - MIN(line("cash_to_breakeven")))

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
        share_data = "shares_outstanding" in fund
        for eid, cells in inputs.events.items():
            ev = next(e for e in data.events if e.id == eid)
            name = t("funding.equity_raise") if ev.kind == "equity" else \
                t("events.label", kind=t(f"events.kind_{ev.kind}"), date=ev.date.isoformat())
            put(f"ev_{eid}_converted", t("cash.event_converted", event=name, unit=unit), unit,
                cells["amount"].ref() * cells["fx_rate"].ref())
            put(f"ev_{eid}_year", t("cash.raise_year"), t.unit_of("year"), cells["year"].ref(), "year")
            if cells["counted"] is not None:
                put(f"ev_{eid}_counted", t("cash.event_counted"), t.unit_of("flag"), cells["counted"].ref(), "int")
            debt = ev.kind not in EQUITY_KINDS
            converts = ev.kind == "convertible_bond"
            if debt:
                put(f"ev_{eid}_rate", t("events.rate"), t.unit_of("pct"), cells["rate"].ref(), "pct")
                if "maturity_year" in cells:
                    put(f"ev_{eid}_repay_year", t("cash.repay_year"), t.unit_of("year"), cells["maturity_year"].ref(),
                        "year")
            if converts:
                if share_data:
                    price = cells["conversion_price"].ref()
                    put(f"ev_{eid}_converts", t("cash.converts"), t.unit_of("flag"),
                        IF(fund["share_price"].ref().ge(price), 1, 0), "int", note=t("cash.converts_note"))
                    put(f"ev_{eid}_shares", t("cash.conversion_shares"), t.unit_of("shares"),
                        scalars[f"ev_{eid}_converted"].ref(True, True) * fund["unit_millions"].ref()
                        / fund["share_fx"].ref() / price, "shares")
                else:
                    put(f"ev_{eid}_converts", t("cash.converts"), t.unit_of("flag"), lift(0), "int",
                        note=t("cash.converts_none"))
            if "shares" in cells and share_data:
                put(f"ev_{eid}_shares", t("events.shares"), t.unit_of("shares"), cells["shares"].ref(), "shares")
            events.append(CashEvent(eid, debt, cells["counted"] is not None, "maturity_year" in cells,
                                    "shares" in cells and share_data, converts))
        put("opening_revenue", t("cash.opening_revenue", period=op.code), unit,
            income.lines.at("revenue", op) if data.actual("revenue", op) is not None else lift(0))
        calendar = inputs.calendar
        put("opening_share", t("cash.opening_share", period=op.code), t.unit_of("pct"), calendar["opening_share"].ref(),
            "pct")
        put("days_in_year", t("inputs.days_in_year"), t.unit_of("days"), calendar["days_in_year"].ref(), "int")
        for key in ("plug", "plug_price", "cash_rate", "debt_rate", "shares_outstanding", "share_price", "share_fx",
                    "unit_millions", "exit_multiple", "discount_rate"):
            if key in fund:
                fmt = {"plug": "int", "cash_rate": "pct", "debt_rate": "pct", "discount_rate": "pct",
                       "exit_multiple": "x", "shares_outstanding": "shares"}.get(key, "share_price")
                put(key, t(f"funding.{key}"), inputs.funding_units[key], fund[key].ref(), fmt)
        if share_data:
            self.value_scalars(data, put, scalars, unit, t)
        put("min_cash", t("cash.min_cash"), unit, fund["min_cash"].ref(), note=t("cash.min_cash_note"))
        self.scalars = scalars
        self.events = events   # the cash-flow statement's events (the Sensitivity tab's bridges use them too)
        scalar = {k: c.ref(True, True) for k, c in scalars.items()}
        row += 1
        sh.put(row, LABEL_COL, t("cash.timing", period=op.code) + " " + (
            t("cash.timing_interim", year=op.year, period=op.code) if not op.is_full_year else t("cash.timing_full")),
            "note")
        row += 2

        scs = data.scenarios
        table_top = row
        value_top = table_top + len(scs) + 6
        row = value_top + (len(scs) + 6 if share_data else 0)  # below the summary tables and their notes
        self.blocks = {}
        sh.pack_end, sh.print_cols = row, tl.last_col   # print pack: the inputs and summaries, without the notes
        for sc in scs:
            sh.put(row, LABEL_COL, t("scenarios.block", scenario=sc), "section")
            row += 1

            def drivers(name, p, sc=sc):
                return scalar[name] if name in scalar else inputs.asm[(sc, name, p)]
            lines = cash_lines(events, share_data, data.compute) + (value_lines() if share_data else [])
            block = LineBlock(sh, tl, lines, row, [op] + tl.forecast, inputs, source=scenarios.blocks[sc],
                              drivers=drivers, headers=self.headers)
            block.fill(notes=sc == scs[0])
            self.blocks[sc] = block
            row = block.last_row + 2

        def line(b, key):
            return Rng(b.cell(key, first), b.cell(key, last))

        def values(sc):
            b = self.blocks[sc]
            closing = line(b, "closing_cash")
            lowest, need = lowest_and_need(b, first, last, scalar["min_cash"])
            return [lowest, INDEX(years, MATCH(MIN(closing), closing)),
                    first_flagged(line(b, "below_min"), years, t("cash.not_within")), need,
                    scenarios.summary[sc][0].ref(), b.here("closing_cash", last),
                    first_flagged(line(b, "plug_flag"), years, t("cash.not_within")), SUM(line(b, "plug"))]
        columns = [(t(f"cash.{key}", period=last.code), kind, fmt) for key, kind, fmt in COLUMNS]
        self.headings = [heading for heading, _, _ in columns]
        self.summary, self.selected, r = scenario_table(sh, table_top, columns, scs, values, income.index,
                                                               skip=tl.spacer_col)
        sh.put(r - 1, UNIT_COL, inputs.Scenario, "calc_total", "text")
        sh.put(r, LABEL_COL, t("cash.need_note", none=t("cash.not_within")), "note")
        self.LowestCash = book.define("LowestCash", self.selected[0])
        self.CashRunOutYear = book.define("CashRunOutYear", self.selected[2])
        self.FundingNeed = book.define("FundingNeed", self.selected[3])
        if share_data:
            def value(sc):
                b = self.blocks[sc]
                shares_last = b.here("shares", last)
                years_out = b.year(last) - scalar["opening_year"]
                worth = (scalar["exit_multiple"] * b.at("revenue", last) + b.here("closing_cash", last)
                         - b.here("bal_debt", last)) * scalar["unit_millions"] / scalar["share_fx"] / shares_last
                per_share = worth / (1 + scalar["discount_rate"]) ** years_out
                return [shares_last, 1 - scalar["shares_today"] / shares_last, b.here("ev_to_sales", first),
                        per_share, per_share / scalar["share_price"] - 1]
            cols = [(t(f"cash.{key}", period=last.code, first=first.code, currency=fund_unit(inputs)), kind, fmt)
                    for key, kind, fmt in VALUE_COLUMNS]
            self.value_summary, self.value_selected, r = scenario_table(sh, value_top, cols, scs, value, income.index,
                                                                        title=t("cash.value_title"), skip=tl.spacer_col)
            sh.put(r - 1, UNIT_COL, inputs.Scenario, "calc_total", "text")
            sh.put(r, LABEL_COL, t("cash.value_note", period=last.code), "note")
            self.SharesOutstanding = book.define("SharesOutstanding", self.value_selected[0])
            self.ValuePerShare = book.define("ValuePerShare", self.value_selected[3])
            self.MarketCap = book.define("MarketCap", scalars["market_cap"])
            self.share_currency = fund_unit(inputs)

        # chart: closing cash per scenario against the minimum (one cell above: a flat line)
        series = [Series(t("cash.series", scenario=sc), line(self.blocks[sc], "closing_cash"), years, style=line_style(i))
                  for i, sc in enumerate(scs)]
        floor = scalars["min_cash"]
        series.append(Series(sh.cell_at(floor.row, LABEL_COL), Rng(floor, floor), years, style=REFERENCE_LINE))
        sh.page_breaks.append(row)   # the chart and its figures print on a page of their own, not split
        sh.charts.append(Chart("line", t("cash.chart", unit=unit), series, (row + 1, LABEL_COL),
                               size=(900, 340), axes={"y": {"fmt": "amount", "major_gridlines": {
                                   "visible": True, "line": {"color": "#D9D9D9"}}}, "x": {"label_position": "low", "fmt": "year"}}))

    @staticmethod
    def value_scalars(data, put, scalars, unit, t):
        """Today's shares, market capitalisation and enterprise value: the opening date's shares, cash and
        debt plus the funding events counted up to the as-of date."""
        as_of = datetime.date.fromisoformat(str(data.company["as_of"]))
        ref = {k: c.ref(True, True) for k, c in scalars.items()}
        shares, cash, debt = ref["shares_outstanding"], ref["opening_cash"], lift(0)
        for ev in data.events:
            amount = ref.get(f"ev_{ev.id}_converted")
            if ev.kind not in EQUITY_KINDS and not ev.counted and amount is not None:
                debt = debt + amount          # already in the opening cash: still owed
            if not ev.counted or ev.date is None or ev.date > as_of or amount is None:
                continue
            cash = cash + amount
            if ev.kind in EQUITY_KINDS and f"ev_{ev.id}_shares" in ref:
                shares = shares + ref[f"ev_{ev.id}_shares"]
            elif ev.kind not in EQUITY_KINDS:
                debt = debt + amount
        put("shares_today", t("cash.shares_today", date=as_of.isoformat()), t.unit_of("shares"), shares, "shares")
        put("market_cap", t("cash.market_cap", unit=unit), unit, scalars["shares_today"].ref(True, True)
            * ref["share_price"] * ref["share_fx"] / ref["unit_millions"], note=t("cash.market_cap_note"))
        put("cash_today", t("cash.cash_today", date=as_of.isoformat()), unit, cash)
        put("debt_today", t("cash.debt_today", date=as_of.isoformat()), unit, debt)
        put("enterprise_value", t("cash.enterprise_value"), unit, scalars["market_cap"].ref(True, True)
            + scalars["debt_today"].ref(True, True) - scalars["cash_today"].ref(True, True))


def fund_unit(inputs):
    """The share currency, as the share price's unit on Inputs."""
    return inputs.funding_units.get("share_price", "")

