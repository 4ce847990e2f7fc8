"""Cash & Funding: each scenario's cash-flow statement from the opening balance sheet date (operating,
investing, financing, the funding plug) and the balance sheet it carries forward (total assets = total
liabilities and equity in every period), the lowest balance, the year cash would fall below the minimum,
the funding needed to reach breakeven; with share data, shares outstanding and diluted per period and the
dilution of a holder today; with valuation.csv, each scenario's DCF below its balance sheet (the Valuation
tab reads it), which decides whether a convertible bond converts in that scenario."""
from __future__ import annotations

import dataclasses
import datetime

from ..book import REFERENCE_LINE, Chart, Series, line_style
from ...calc.cashflow import BALANCE_SINCE, CashEvent, CashSpec, cash_lines, sum_terms
from ...calc.formula import CHOOSE, IF, INDEX, ISNUMBER, MATCH, MAX, MIN, SUM, Expr, Rng, guard, lift
from ...calc.lines import first_flagged
from ...data.balance import BALANCE_ITEMS
from ...data.events import EQUITY_KINDS, part_of
from ...data.items import CASH_DRIVERS
from ..layout import LineBlock, block_cash
from ...labels import LANGS
from ..timeline import FIRST_COL, LABEL_COL, LABEL_WIDTH, UNIT_COL
from . import put_label, put_wide_note, scenario_table, title_rows

# the summary's columns: (label id cash.<id>, unit kind, number format)
COLUMNS = [("lowest", "amount", "amount"), ("lowest_year", "year", "year"), ("run_out", "year", "year"),
           ("funding_need", "amount", "amount"), ("breakeven", "year", "year"), ("closing_last", "amount", "amount"),
           ("plug_year", "year", "year"), ("plug_total", "amount", "amount")]
# with share data: (label id cash.<id>, unit kind, number format); the Cover and Scenarios tabs read them by position
SHARE_COLUMNS = [("shares_today_head", "shares", "shares"), ("shares_last", "shares", "shares"),
                 ("diluted_last", "shares", "shares"), ("dilution", "pct", "pct")]
# the valuation inputs the DCF lines read (valuation.csv), one scalar each
VALUATION_SCALARS = {"discount_rate": "pct", "terminal_method": "int", "exit_multiple": "x", "terminal_growth": "pct",
                     "mid_period": "pct", "tax_rate": "pct"}


def forecast_columns(b):
    """A cash-flow block's forecast columns, first to last (the parts of a year and its summary too)."""
    return [p for p in b.periods if not b.tl.is_actual(p)]


def over_years(b, key):
    """The sum of a flow over the forecast: its full-year cells (a year in parts sums them in its own column),
    so a year is never counted with its parts."""
    return SUM(*[b.cell(key, p).ref() for p in b.tl.forecast])


def lowest_and_need(b, min_cash):
    """A cash-flow block's lowest year-end cash (its full-year columns: a year in parts closes with its last
    part), and its funding need to breakeven: the plug drawn until breakeven plus any shortfall below the
    minimum cash at any period end, halves included (with the plug off)."""
    columns = forecast_columns(b)
    line = lambda key: Rng(b.cell(key, columns[0]), b.cell(key, columns[-1]))  # noqa: E731
    year_ends = MIN(*[b.cell("closing_cash", p).ref() for p in b.tl.forecast])
    return year_ends, over_years(b, "plug_to_breakeven") + MAX(0, min_cash - MIN(line("cash_to_breakeven")))


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
        self.row = 7
        sh.put(self.row, LABEL_COL, t("cash.inputs", inputs=t("tabs.inputs")), "section")
        self.row += 1
        self.scalars = scalars = {}
        self.t, self.data, self.inputs = t, data, inputs
        self.editions = [t.edition(lang) for lang in LANGS]
        share_data = "shares_outstanding" in fund
        valued = bool(data.valuation)
        put = self.put
        put("opening_cash", lambda e: e("cash.opening_cash", period=op.code), unit, fund["opening_cash"].ref())
        put("opening_year", lambda e: e("cash.opening_year"), t.unit_of("year"), income.headers[op].ref(), "year")
        put("opening_ani", lambda e: e("cash.opening_ani", period=op.code), unit, income.lines.at("adjusted_net_income", op),
            note=t("cash.opening_ani_interim" if not op.is_full_year else "cash.opening_ani_full"))
        for key in ("plug", "plug_price", "cash_rate", "debt_rate", "shares_outstanding", "share_fx", "unit_millions"):
            if key in fund:
                fmt = {"plug": "int", "cash_rate": "pct", "debt_rate": "pct", "shares_outstanding": "shares"}.get(
                    key, "share_price")
                put(key, lambda e: e(f"funding.{key}"), inputs.funding_units[key], fund[key].ref(), fmt)
        events = self.event_scalars(share_data)
        put("opening_revenue", lambda e: e("cash.opening_revenue", period=op.code), unit,
            income.lines.at("revenue", op) if data.actual("revenue", op) is not None else lift(0))
        calendar = inputs.calendar
        put("opening_share", lambda e: e("cash.opening_share", period=op.code), t.unit_of("pct"), calendar["opening_share"].ref(),
            "pct")
        put("days_in_year", lambda e: e("inputs.days_in_year"), t.unit_of("days"), calendar["days_in_year"].ref(), "int")
        for key, item in BALANCE_ITEMS.items() if data.balance else ():
            cells = inputs.balance[key]
            put(f"bal_{key}", lambda e: e(f"balance.{key}") + " " + e("cash.at_open", period=op.code), unit,
                guard([cells["value"].ref()], cells["value"].ref()))
            for field in ("rate", "repaid"):
                if field in cells:
                    put(f"bal_{key}_{field}", lambda e: e(f"cash.bal_{field}", item=e(f"balance.{key}")), t.unit_of("pct"),
                        cells[field].ref(), "pct")
        if share_data:
            self.today_scalars()
        if valued:
            put("opening_adj", lambda e: e("cash.opening_adj", period=op.code), unit, income.lines.at("adjustments", op)
                if data.actual("net_income", op) is not None else lift(0))
            for key, fmt in VALUATION_SCALARS.items():
                put(key, lambda e: e(f"valuation.{key}"), t.unit_of(fmt if fmt != "int" else "flag"),
                    inputs.valuation[(key, "")].ref(), fmt)
        put("min_cash", lambda e: e("cash.min_cash"), unit, fund["min_cash"].ref(), note=t("cash.min_cash_note"))
        # the cash-flow statement's events and balance (the Sensitivity tab's bridges use the same lines)
        undisclosed = frozenset(k for k, item in BALANCE_SINCE.items()
                                if data.balance.get(item) is None or data.balance[item].value is None)
        self.spec = CashSpec(tuple(events), share_data, bool(data.balance), op, undisclosed, valuation=valued,
                             plug_shares=share_data and "plug_price" in fund, compute=bool(data.compute))
        # the Sensitivity tab's shifted forecasts: the same lines, the bonds converting as the selected scenario's
        self.bridge_spec = dataclasses.replace(self.spec, held=valued)
        scalar = {k: c.ref(True, True) for k, c in scalars.items()}
        self.scalar, self.opening = scalar, op
        # the blocks run along the chain of parts (2H2026E, 1H2027E, 2H2027E, FY2028E ...) when every actual part
        # of a year in parts lies at or before the opening date; else (a balance sheet older than the latest
        # interim) in full years, the part columns blank
        in_parts = tl.stub is None or op == tl.stub
        self.forecast = [p for p in tl.main if not tl.is_actual(p)] if in_parts else list(tl.forecast)
        # the periods of the chain: the forecast columns but the full years shown in parts (their summaries)
        self.chain = [p for p in self.forecast if not any(q in self.forecast for q in tl.parts(p))]
        row = self.row + 1
        parts = ", ".join(q.code + "E" for q in tl.forecast_parts)
        timing = lambda e: e("cash.timing", period=op.code) + " " + (  # noqa: E731
            e("cash.timing_interim", year=op.year, period=op.code) if not op.is_full_year else e("cash.timing_full")) + (
            " " + e("cash.timing_parts" if in_parts else "cash.timing_years", parts=parts, year=op.year) if parts else "")
        put_wide_note(sh, row, timing(t), [timing(t.edition(lang)) for lang in LANGS], LABEL_COL, tl.col[last])
        row += 2

        scs = data.scenarios
        table_top = row
        share_top = table_top + len(scs) + 6
        row = share_top + (len(scs) + 6 if share_data else 0)  # below the summary tables and their notes
        self.blocks = {}
        sh.pack_end, sh.print_cols = row, tl.last_col   # print pack: the inputs and summaries, without the notes
        history = [p for p in tl.actuals if p != op]   # the reported operating cash flow beside the forecast
        for sc in scs:
            sh.put(row, LABEL_COL, t("scenarios.block", scenario=sc), "section")
            row += 1

            def drivers(name, p, sc=sc):
                return scalar[name] if name in scalar else self.driver(name, p, lambda q: inputs.asm[(sc, name, q)])
            block = LineBlock(sh, tl, cash_lines(self.spec), row, history + [op] + self.forecast, inputs,
                              source=scenarios.blocks[sc], drivers=drivers, headers=self.headers)
            block.fill(notes=sc == scs[0])
            self.blocks[sc] = block
            row = block.last_row + 2

        for ev in events if valued else ():
            if f"ev_{ev.id}_converts" in scalars:
                scalars[f"ev_{ev.id}_converts"].content = CHOOSE(income.index.ref(True, True), *[
                    self.blocks[sc].cell(f"dcf_converts_{ev.id}", last).ref() for sc in scs])

        self.first = start = self.forecast[0]   # the first forecast column (2H2026E when the year runs in parts)
        heads = Rng(self.headers[start], self.headers[last])

        def line(b, key, start=start):
            return Rng(b.cell(key, start), b.cell(key, last))

        def values(sc):
            b = self.blocks[sc]
            closing = line(b, "closing_cash")
            lowest, need = lowest_and_need(b, scalar["min_cash"])
            return [lowest, INDEX(heads, MATCH(lowest, closing)),
                    first_flagged(line(b, "below_min"), heads, t("cash.not_within")), need,
                    scenarios.summary[sc][0].ref(), b.here("closing_cash", last),
                    first_flagged(line(b, "plug_flag"), heads, t("cash.not_within")), over_years(b, "plug")]
        columns = [(t(f"cash.{key}", period=last.code), kind, fmt) for key, kind, fmt in COLUMNS]
        self.headings = [heading for heading, _, _ in columns]
        self.summary, self.selected, r = scenario_table(sh, table_top, columns, scs, values, income.index,
                                                               skip=tl.spacer_col)
        sh.put(r - 1, UNIT_COL, inputs.Scenario, "calc_total", "text")
        put_wide_note(sh, r, t("cash.need_note", none=t("cash.not_within")),
                 [e("cash.need_note", none=e("cash.not_within")) for e in self.editions], 0, tl.last_col)
        self.LowestCash = book.define("LowestCash", self.selected[0])
        self.CashRunOutYear = book.define("CashRunOutYear", self.selected[2])
        self.FundingNeed = book.define("FundingNeed", self.selected[3])
        if share_data:
            def shares(sc):
                b = self.blocks[sc]
                return [scalar["shares_today"], b.here("shares", last), b.here("diluted_shares", last),
                        1 - scalar["shares_today"] / b.here("diluted_shares", last)]
            cols = [(t(f"cash.{key}", period=last.code, date=self.as_of.isoformat()), kind, fmt)
                    for key, kind, fmt in SHARE_COLUMNS]
            self.share_summary, share_selected, r = scenario_table(sh, share_top, cols, scs, shares, income.index,
                                                                   title=t("cash.shares_title"), skip=tl.spacer_col)
            sh.put(r - 1, UNIT_COL, inputs.Scenario, "calc_total", "text")
            put_wide_note(sh, r, t("cash.shares_note", period=last.code, date=self.as_of.isoformat()),
                     [e("cash.shares_note", period=last.code, date=self.as_of.isoformat()) for e in self.editions], 0, tl.last_col)
            self.SharesOutstanding = book.define("SharesOutstanding", share_selected[1])
            self.DilutedShares = book.define("DilutedShares", share_selected[2])
            self.share_currency = fund_unit(inputs)

        # chart: closing cash per scenario against the minimum (one cell above: a flat line)
        series = [Series(t("cash.series", scenario=sc), line(self.blocks[sc], "closing_cash", first), years, style=line_style(i))
                  for i, sc in enumerate(scs)]
        floor = scalars["min_cash"]
        series.append(Series(sh.cell_at(floor.row, LABEL_COL), Rng(floor, floor), years, style=REFERENCE_LINE))
        sh.page_breaks.append(row)   # the chart and its figures print on a page of their own, not split
        sh.charts.append(Chart("line", t("cash.chart", unit=unit), series, (row + 1, LABEL_COL),
                               size=(900, 340), columns=tl.chart_columns(first, last), axes={"y": {"fmt": "amount", "major_gridlines": {
                                   "visible": True, "line": {"color": "#D9D9D9"}}}, "x": {"label_position": "low", "fmt": "year"}}))

    def link_income(self, income, scenarios):
        """Each scenario's finance and tax lines read its block here (interest on its own balances, tax after
        its own losses); the Income Statement's, the selected scenario's."""
        for sc, block in scenarios.blocks.items():
            block.link_cash(self.blocks[sc])
        index = income.index.ref(True, True)
        income.lines.resolve_cash(lambda key, p: CHOOSE(index, *[block_cash(income.lines, self.blocks[sc], key, p)
                                                                 for sc in self.data.scenarios]))

    def driver(self, name, p, of_year):
        """A scenario's cash driver in period p from its fiscal year's value (`of_year`: full year -> Cell or Expr);
        the one rule for a part of a year: an amount (depreciation, capex, shares a year ...) is the year's x the
        part's share of the period the year's figure covers (the rest of the opening year after the opening
        date, else the year), a rate or a day count is the year's."""
        if p is None or p.is_full_year:
            return of_year(p)
        value = of_year(p.full_year())
        value = value if isinstance(value, Expr) else value.ref()
        item = CASH_DRIVERS.get(name)
        if item is None or item.unit not in ("amount", "shares"):
            return value
        share = self.inputs.part_share(p).ref(True, True)
        if p.year == self.opening.year and not self.opening.is_full_year:
            return value * share / self.scalar["opening_share"]
        return value * share

    def put(self, key, label, u, expr, fmt="amount", note=""):
        """A scalar of the inputs section: a labelled cell the lines read through x.drv(key). `label`: the
        label in an edition (e -> text), wrapped where any edition's is longer than the column."""
        sh, row = self.sheet, self.row
        put_label(sh, row, label(self.t), "label", [label(self.t.edition(lang)) for lang in LANGS], LABEL_WIDTH)
        sh.put(row, UNIT_COL, u, "unit")
        self.scalars[key] = sh.put(row, FIRST_COL, expr, "calc", fmt)
        if note:
            sh.put(row, FIRST_COL + 1, note, "note")
        self.row += 1

    @property
    def as_of(self) -> datetime.date:
        return datetime.date.fromisoformat(str(self.data.company["as_of"]))

    def event_scalars(self, share_data) -> list[CashEvent]:
        """Each funding event's converted amount, year, counted flag and terms; a share issue's shares follow
        from its size (a share of the enlarged capital: the shares in issue before it) and price, capped by
        its amount; a convertible bond's conversion shares from its amount and conversion price."""
        t, data, inputs, put, unit = self.t, self.data, self.inputs, self.put, self.t.unit
        ref = lambda key: self.scalars[key].ref(True, True)  # noqa: E731
        events = []
        for eid, cells in inputs.events.items():
            ev = next(e for e in data.events if e.id == eid)
            name = lambda e, ev=ev: e("funding.equity_raise") if ev.kind == "equity" else \
                e("events.label", kind=e(f"events.kind_{ev.kind}"), date=ev.date.isoformat())  # noqa: E731  (an edition's)
            issue = ev.kind == "share_issue"
            if issue and share_data:
                before = sum_terms([ref("shares_outstanding")] + [ref(f"ev_{e.id}_shares") for e in data.events
                                                               if e.kind in EQUITY_KINDS and e.counted and e.date
                                                               and e.date < ev.date and f"ev_{e.id}_shares" in self.scalars])
                stake, price = cells["stake"].ref(), cells["price"].ref()
                put(f"ev_{eid}_shares", lambda e: e("cash.issue_shares", event=name(e)), t.unit_of("shares"),
                    MIN(stake / (1 - stake) * before, cells["amount"].ref() * ref("unit_millions") / price), "shares",
                    note=t("cash.issue_shares_note"))
                put(f"ev_{eid}_converted", lambda e: e("cash.event_converted", event=name(e), unit=e.unit), unit,
                    ref(f"ev_{eid}_shares") * price / ref("unit_millions") * cells["fx_rate"].ref())
            else:
                put(f"ev_{eid}_converted", lambda e: e("cash.event_converted", event=name(e), unit=e.unit), unit,
                    (lift(0) if issue else cells["amount"].ref()) * cells["fx_rate"].ref(),
                    note=t("cash.issue_no_shares") if issue else "")
            put(f"ev_{eid}_year", lambda e: e("cash.raise_year"), t.unit_of("year"), cells["year"].ref(), "year")
            if cells["counted"] is not None:
                put(f"ev_{eid}_counted", lambda e: e("cash.event_counted"), t.unit_of("flag"), cells["counted"].ref(), "int")
            debt = ev.kind not in EQUITY_KINDS
            convertible = ev.kind == "convertible_bond"
            if debt:
                put(f"ev_{eid}_rate", lambda e: e("events.rate"), t.unit_of("pct"), cells["rate"].ref(), "pct")
                if "maturity_year" in cells:
                    put(f"ev_{eid}_repay_year", lambda e: e("cash.repay_year"), t.unit_of("year"), cells["maturity_year"].ref(),
                        "year")
            if convertible and share_data:
                price = cells["conversion_price"].ref()
                put(f"ev_{eid}_price", lambda e: e("events.conversion_price"), fund_unit(inputs), price, "share_price",
                    note=t("cash.converts_note" if data.valuation else "cash.converts_none"))
                if data.valuation:   # filled once the blocks exist: the selected scenario's DCF test
                    put(f"ev_{eid}_converts", lambda e: e("cash.converts_selected"), t.unit_of("flag"), lift(0), "int",
                        note=t("cash.converts_selected_note", sensitivity=t("tabs.sensitivity")))
                put(f"ev_{eid}_shares", lambda e: e("cash.conversion_shares"), t.unit_of("shares"),
                    ref(f"ev_{eid}_converted") * ref("unit_millions") / ref("share_fx") / price, "shares")
            if "shares" in cells and share_data:
                put(f"ev_{eid}_shares", lambda e: e("events.shares"), t.unit_of("shares"), cells["shares"].ref(), "shares")
            events.append(CashEvent(eid, debt, cells["counted"] is not None, "maturity_year" in cells,
                                    ("shares" in cells or issue) and share_data, convertible and share_data,
                                    part_of(data, ev.date), part_of(data, ev.maturity)))
        return events

    def today_scalars(self):
        """The shares, cash and debt at the as-of date: the opening date's plus the funding events counted up
        to it (cash: and short-term investments; debt: the opening loans and leases, and the bonds)."""
        t, data, put, unit, as_of = self.t, self.data, self.put, self.t.unit, self.as_of
        ref = {k: c.ref(True, True) for k, c in self.scalars.items()}
        known = lambda key: IF(ISNUMBER(ref[key]), ref[key], 0) if key in ref else lift(0)  # noqa: E731
        shares, cash = ref["shares_outstanding"], ref["opening_cash"] + known("bal_short_term_investments")
        debt = known("bal_bank_loans") + known("bal_lease_liabilities")
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
        put("shares_today", lambda e: e("cash.shares_today", date=as_of.isoformat()), t.unit_of("shares"), shares, "shares")
        put("cash_today", lambda e: e("cash.cash_today", date=as_of.isoformat()), unit, cash)
        put("debt_today", lambda e: e("cash.debt_today", date=as_of.isoformat()), unit, debt)
        put("net_cash_today", lambda e: e("cash.net_cash_today", date=as_of.isoformat()), unit,
            self.scalars["cash_today"].ref(True, True) - self.scalars["debt_today"].ref(True, True))


def fund_unit(inputs):
    """The share currency: the unit of the plug's issue price on Inputs (the valuation's market price when
    there is no plug price)."""
    return inputs.funding_units.get("plug_price") or getattr(inputs, "share_currency", "")
