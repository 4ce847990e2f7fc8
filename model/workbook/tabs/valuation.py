"""Valuation: what each scenario is worth by a DCF of unlevered free cash flow (its lines sit under each
scenario's balance sheet on Cash & Funding, where they decide a convertible bond's conversion), the
enterprise and equity value and the value per share by scenario, the range across scenarios and a
probability-weighted value from the weights on Inputs, a cross-check against peers' EV / revenue and EV /
ARR, the market price where the sources quote one (never a placing price), and grids of the discount rate
against the exit multiple and against the terminal growth for the selected scenario."""
from __future__ import annotations

from ...calc.cashflow import sum_terms
from ...calc.formula import CHOOSE, IF, ISNUMBER, MAX, MIN, NA, SUM, SUMPRODUCT, Num, Rng, Text, guard
from ...data.market import latest_arr
from ...labels import LANGS
from ..timeline import FIRST_COL, LABEL_COL, LABEL_WIDTH, UNIT_COL
from . import LINE_HEIGHT, put_label, put_wide_note, scenario_table, title_rows

SIDE = 2   # grid steps either side of the selected inputs (a 5 x 5 grid)
# the table by scenario: (label id valuation.<id>, unit kind, format); EquityValueDCF and ValuePerShareDCF are
# the selected row's "equity" and "value"
COLUMNS = [("pv_flows", "amount", "amount"), ("pv_terminal", "amount", "amount"), ("ev", "amount", "amount"),
           ("terminal_share", "pct", "pct"), ("net_cash", "amount", "amount"), ("equity_before", "amount", "amount"),
           ("converts", "flag", "int"), ("equity", "amount", "amount"), ("value", "share_price", "share_price"),
           ("ev_sales", "x", "x"), ("weight", "pct", "pct")]
PEER_COLUMNS = [("peer_ev_sales_value", "share_price", "share_price"), ("peer_ev_arr_value", "share_price", "share_price"),
                ("ev_arr", "x", "x")]


def around(cells, centre, step):
    """A grid's axis: the centre cell the selected input, each neighbour one step further out."""
    cells[SIDE].content = centre
    for i in range(SIDE + 1, len(cells)):
        cells[i].content = cells[i - 1].ref() + step
    for i in range(SIDE - 1, -1, -1):
        cells[i].content = cells[i + 1].ref() - step


class ValuationTab:
    def __init__(self, book, data, tl, inputs, income, cash, peers=None):
        t = self.t = book.t
        sh = self.sheet = book.add_sheet("valuation", "output")
        self.data, self.tl, self.inputs, self.cash, self.peers_tab = data, tl, inputs, cash, peers
        first, last = tl.forecast[0], tl.forecast[-1]
        unit, currency = t.unit, inputs.share_currency
        value = {key: cell.ref(True, True) for (key, sc), cell in inputs.valuation.items() if not sc}
        scalar = {k: c.ref(True, True) for k, c in cash.scalars.items()}
        bonds = [ev for ev in cash.spec.events if ev.converts and ev.matures]
        title_rows(sh, sh.name, t("valuation.subtitle", unit=unit, currency=currency))
        self.headers = tl.write_header(sh, 4)
        row = 7
        sh.put(row, LABEL_COL, t("valuation.method_title"), "section")
        method = lambda e: e("valuation.method", date=inputs.opening_period.code, as_of=cash.as_of.isoformat(),  # noqa: E731
                             cash=e("tabs.cash"), inputs=e("tabs.inputs"))
        for i, line in enumerate(method(t)):
            row += 1
            put_wide_note(sh, row, line, [method(t.edition(lang))[i] for lang in LANGS], LABEL_COL, tl.col[last])
        row += 2

        # the inputs it uses, and the figures at the valuation date
        sh.put(row, LABEL_COL, t("valuation.inputs_title", inputs=t("tabs.inputs")), "section")
        row += 1
        self.cells = {}

        def put(key, label, u, expr, fmt, note=""):   # label: e -> the text in an edition (wrapped where long)
            nonlocal row
            put_label(sh, row, label(t), "label", [label(t.edition(lang)) for lang in LANGS], LABEL_WIDTH)
            sh.put(row, UNIT_COL, u, "unit")
            self.cells[key] = sh.put(row, FIRST_COL, expr, "calc", fmt)
            if note:
                sh.put(row, FIRST_COL + 1, note, "note")
            row += 1
        method = IF(value["terminal_method"].eq(1), Text(t("valuation.method_multiple")),
                    Text(t("valuation.method_growth")))
        put("method", lambda e: e("valuation.terminal_method"), "", method, "text")
        self.cells["method"].role = "calc_left"
        for key, fmt in (("discount_rate", "pct"), ("exit_multiple", "x"), ("terminal_growth", "pct"),
                         ("mid_period", "pct"), ("tax_rate", "pct")):
            put(key, lambda e: e(f"valuation.{key}"), t.unit_of(fmt if fmt != "int" else "flag"), value[key], fmt)
        for key, label in (("shares_today", "shares_today"), ("cash_today", "cash_today"), ("debt_today", "debt_today"),
                           ("net_cash_today", "net_cash_today")):
            put(key, lambda e: e(f"cash.{label}", date=cash.as_of.isoformat()), t.unit_of("shares") if key == "shares_today"
                else unit, scalar[key], "shares" if key == "shares_today" else "amount")
        row += 1

        # value by scenario, from each scenario's DCF lines on Cash & Funding
        scs = data.scenarios
        weights = {sc: inputs.valuation[("weight", sc)].ref(True, True) for sc in scs}

        def by_scenario(sc):
            b = cash.blocks[sc]
            at = lambda key: b.here(key, last)  # noqa: E731
            converted = sum_terms([b.here(f"dcf_converts_{ev.id}", last) for ev in bonds]) if bonds else Num(0)
            return [at("dcf_pv_flows"), at("dcf_terminal_pv"), at("dcf_ev"),
                    guard([at("dcf_ev")], at("dcf_terminal_pv") / at("dcf_ev"), nonzero=[at("dcf_ev")]),
                    scalar["net_cash_today"], at("dcf_equity_before"), converted, at("dcf_equity"), at("dcf_value"),
                    guard([at("dcf_ev")], at("dcf_ev") / b.at("revenue", first), nonzero=[b.at("revenue", first)]),
                    weights[sc]]
        columns = [(t(f"valuation.{key}", currency=currency, first=first.code), kind, fmt) for key, kind, fmt in COLUMNS]
        table_top = row
        self.summary, selected, row = scenario_table(sh, table_top, columns, scs, by_scenario, income.index,
                                                     title=t("valuation.by_scenario"), skip=tl.spacer_col)
        sh.put(row - 1, UNIT_COL, inputs.Scenario, "calc_total", "text")
        sh.put(row, LABEL_COL, t("valuation.by_scenario_note", period=last.code), "note")
        keys = [key for key, _, _ in COLUMNS]
        self.EquityValueDCF = book.define("EquityValueDCF", selected[keys.index("equity")])
        self.ValuePerShareDCF = book.define("ValuePerShareDCF", selected[keys.index("value")])
        row += 2

        # the range across scenarios and the probability-weighted value
        values = Rng(self.summary[scs[0]][keys.index("value")], self.summary[scs[-1]][keys.index("value")])
        column = Rng(self.summary[scs[0]][keys.index("weight")], self.summary[scs[-1]][keys.index("weight")])
        sh.put(row, LABEL_COL, t("valuation.range_title"), "section")
        row += 1
        put("low", lambda e: e("valuation.low", currency=currency), currency, MIN(values), "share_price")
        put("high", lambda e: e("valuation.high", currency=currency), currency, MAX(values), "share_price")
        put("weighted", lambda e: e("valuation.weighted", currency=currency), currency, SUMPRODUCT(values, column), "share_price",
            t("valuation.weighted_note", inputs=t("tabs.inputs")))
        put("weights", lambda e: e("valuation.weights"), t.unit_of("pct"), SUM(column), "pct")
        self.ValueLow, self.ValueHigh = self.cells["low"], self.cells["high"]
        self.ValueWeighted = book.define("ValuePerShareWeighted", self.cells["weighted"])
        row += 1

        # the market: a quoted price with its date (funding.csv's share_price), or none
        sh.put(row, LABEL_COL, t("valuation.market_title"), "section")
        row += 1
        quote = data.funding.get("share_price")
        if quote is None:
            sh.put(row, LABEL_COL, t("valuation.no_quote"), "note")
            self.MarketCap = None
            row += 1
        else:
            price = inputs.funding["share_price"].ref(True, True)
            put("market_price", lambda e: e("valuation.market_price"), currency, price, "share_price",
                t("valuation.quote", date=quote.date.isoformat() if quote.date else t("valuation.no_date"),
                  source=quote.source or t("valuation.no_source")))
            put("market_cap", lambda e: e("valuation.market_cap", unit=e.unit), unit,
                scalar["shares_today"] * price * scalar["share_fx"] / scalar["unit_millions"], "amount")
            self.MarketCap = book.define("MarketCap", self.cells["market_cap"])
            market_ev = self.cells["market_cap"].ref(True, True)
            put("market_ev", lambda e: e("valuation.market_ev", unit=e.unit), unit, market_ev - scalar["net_cash_today"], "amount")
            put("against_market", lambda e: e("valuation.against_market"), t.unit_of("pct"),
                self.cells["weighted"].ref(True, True) / price - 1, "pct", t("valuation.against_market_note"))
        row += 1

        # peers: EV / revenue and EV / ARR
        row = self.peers(row, first, scalar, income)
        row += 1
        self.grids(row, scalar, value, bonds, income)

    def peers(self, row, first, scalar, income):
        """The value per share each scenario's first-year revenue and the ARR imply at the peers' multiples,
        and the DCF's EV over the ARR, beside the peers' figures (n/a where the data give none)."""
        t, sh, inputs, data, cash = self.t, self.sheet, self.inputs, self.data, self.cash
        currency = inputs.share_currency
        sh.put(row, LABEL_COL, t("valuation.peers_title"), "section")
        row += 1
        ref = {}
        for key, measure, cols in (("peer_ev_sales", "ev_sales_next", ("today",)), ("peer_ev_arr", "ev_arr", ("today",))):
            fig = data.valuation[(key, "")]
            sh.put(row, LABEL_COL, t(f"valuation.{key}"), "label")
            sh.put(row, UNIT_COL, t.unit_of("x"), "unit")
            cells = self.peer_cells(measure, cols)
            if cells:   # the company names peers: the mean of their multiples on the Peers tab
                known = [IF(ISNUMBER(c.ref()), 1, 0) for c in cells]
                total = sum_terms([IF(ISNUMBER(c.ref()), c.ref(), 0) for c in cells])
                mean = IF(sum_terms(known).gt(0), total / sum_terms(known), NA)
                ref[key] = sh.put(row, FIRST_COL, mean, "calc", "x").ref(True, True)
                sh.put(row, FIRST_COL + 1, t("valuation.from_peers", peers=t("tabs.peers"), n=len(cells)), "note")
            else:
                value = inputs.valuation[(key, "")].ref(True, True)
                ref[key] = sh.put(row, FIRST_COL, guard([value], value), "calc", "x").ref(True, True)
                sh.put(row, FIRST_COL + 1, t("valuation.dated", date=fig.date.isoformat(), source=fig.source)
                       if fig.date else t("valuation.not_given"), "note")
            row += 1
        arr = latest_arr(data.market)   # the latest ARR claim of market.csv, in the company's currency
        sh.put(row, LABEL_COL, t("valuation.arr"), "label")
        sh.put(row, UNIT_COL, t.unit, "unit")
        if arr is None:
            ref["arr"] = sh.put(row, FIRST_COL, NA, "calc", "amount").ref(True, True)
            sh.put(row, FIRST_COL + 1, t("valuation.no_arr"), "note")
        else:
            cells = inputs.market[arr.id]
            ref["arr"] = sh.put(row, FIRST_COL, cells["value"].ref() * (cells["fx_rate"].ref() if "fx_rate" in cells
                                                                         else 1), "calc", "amount").ref(True, True)
            sh.put(row, FIRST_COL + 1, t("valuation.arr_claim", broker=t.data_text(arr.fields, "broker"),
                                         date=arr.date.isoformat(), grade=arr.grade), "note")
        row += 1
        def per_share(multiple, base):   # the value per share at a multiple of a base; n/a without either
            ev = multiple * base
            return guard([multiple, base], (ev + scalar["net_cash_today"]) * scalar["unit_millions"]
                         / scalar["share_fx"] / scalar["shares_today"])
        last = self.tl.forecast[-1]

        def values(sc):
            b = cash.blocks[sc]
            return [per_share(ref["peer_ev_sales"], b.at("revenue", first)), per_share(ref["peer_ev_arr"], ref["arr"]),
                    guard([ref["arr"]], b.here("dcf_ev", last) / ref["arr"], nonzero=[ref["arr"]])]
        cols = [(t(f"valuation.{key}", currency=currency, first=first.code), kind, fmt) for key, kind, fmt in PEER_COLUMNS]
        self.peer_summary, _, row = scenario_table(sh, row + 1, cols, data.scenarios, values, income.index,
                                                   title=t("valuation.peers_by_scenario"), skip=self.tl.spacer_col)
        sh.put(row - 1, UNIT_COL, inputs.Scenario, "calc_total", "text")
        sh.put(row, LABEL_COL, t("valuation.peers_note", first=first.code), "note")
        return row + 1

    def peer_cells(self, measure, cols) -> list:
        """Each peer's `measure` on the Peers tab, in the first of `cols` it has; [] without peers. EV / revenue is
        the peer's forward multiple (over the market's estimate of its next year), as peer_ev_sales is defined."""
        tab = self.peers_tab
        if tab is None:
            return []
        out = []
        for c in tab.companies:
            if c.own:
                continue
            cell = next((tab.cells[(c.key, measure, k)] for k in cols if (c.key, measure, k) in tab.cells), None)
            if cell is not None:
                out.append(cell)
        return out

    def grids(self, row, scalar, value, bonds, income):
        """Value per share of the selected scenario for a grid of discount rates against exit multiples, and one
        against terminal growth rates: its free cash flows (picked from its block by the scenario number) are
        discounted anew at each rate."""
        t, sh, tl, cash, inputs = self.t, self.sheet, self.tl, self.cash, self.inputs
        currency, last = inputs.share_currency, tl.forecast[-1]
        step = {key: inputs.valuation[(key, "")].ref(True, True) for key in
                ("grid_rate_step", "grid_multiple_step", "grid_growth_step")}
        scs, index = self.data.scenarios, income.index.ref(True, True)
        n = 2 * SIDE + 1
        # the selected scenario's free cash flow and the time of each period; the last year's revenue
        sh.put(row, LABEL_COL, t("valuation.selected_flows"), "section")
        row += 1
        picked, chain = {}, cash.chain   # the periods discounted: the parts of a year and the later years
        for key in ("dcf_ufcf", "dcf_time", "period_years"):
            line = cash.blocks[scs[0]].line(key)
            sh.put(row, LABEL_COL, t.line(line)[0], "label")
            sh.put(row, UNIT_COL, t.unit_of(line.unit), "unit")
            picked[key] = {p: sh.put(row, tl.col[p], CHOOSE(index, *[cash.blocks[sc].cell(key, p).ref() for sc in scs]),
                                     "calc", line.unit) for p in chain}
            row += 1
        flows = Rng(picked["dcf_ufcf"][chain[0]], picked["dcf_ufcf"][last])   # a year in parts: blank between its parts
        end = SUM(Rng(picked["period_years"][chain[0]], picked["period_years"][last]))
        sh.put(row, LABEL_COL, t("valuation.revenue_last", period=last.code), "label")
        sh.put(row, UNIT_COL, t.unit, "unit")
        revenue = sh.put(row, FIRST_COL, CHOOSE(index, *[cash.blocks[sc].at("revenue", last) for sc in scs]), "calc",
                         "amount").ref(True, True)
        row += 2
        # discount factors, one row per grid rate
        sh.put(row, LABEL_COL, t("valuation.factors"), "section")
        row += 1
        rates, factors = [], []
        for i in range(n):
            rates.append(sh.put(row, UNIT_COL, None, "calc", "pct"))
            sh.put(row, LABEL_COL, t("valuation.factor_row", n=i + 1), "detail_label")
            factors.append([sh.put(row, tl.col[p], 1 / (1 + rates[i].ref(True, True)) ** picked["dcf_time"][p].ref(True, False),
                                   "calc", "rate") for p in chain])
            row += 1
        around(rates, value["discount_rate"], step["grid_rate_step"])
        row += 1
        self.grid = {}
        for kind, axis, fmt in (("multiple", "exit_multiple", "x"), ("growth", "terminal_growth", "pct")):
            sh.put(row, LABEL_COL, t(f"valuation.grid_{kind}", currency=currency), "section")
            sh.put(row, FIRST_COL, t(f"valuation.grid_{kind}_note"), "note")
            row += 1
            sh.put(row, LABEL_COL, t(f"valuation.grid_{kind}_axes"), "subsection")
            heads = [sh.put(row, FIRST_COL + j, None, "head", fmt) for j in range(n)]
            around(heads, value[axis], step[f"grid_{kind}_step"])
            row += 1
            cells = []
            for i in range(n):
                sh.put(row, UNIT_COL, rates[i].ref(), "head", "pct")
                r_i = rates[i].ref(False, True)
                df_end = 1 / (1 + r_i) ** end
                pv = SUMPRODUCT(flows, Rng(factors[i][0], factors[i][-1]))
                line = []
                for j in range(n):
                    x = heads[j].ref(True, False)
                    if kind == "multiple":
                        worth = self.per_share(pv + x * revenue * df_end, scalar, bonds)
                    else:   # a perpetuity needs its growth below the discount rate
                        terminal = picked["dcf_ufcf"][last].ref(True, True) * (1 + x) / (r_i - x)
                        worth = IF(r_i.gt(x), self.per_share(pv + terminal * df_end, scalar, bonds), NA)
                    line.append(sh.put(row, FIRST_COL + j, worth, "centre" if i == j == SIDE else "calc", "share_price"))
                cells.append(line)
                row += 1
            sh.put(row, LABEL_COL, t("valuation.grid_boxed"), "note")
            self.grid[kind] = cells
            row += 2
        sh.heights[row] = LINE_HEIGHT

    def value_of(self, sc):
        """A scenario's DCF value per share (its cell in the table by scenario)."""
        return self.summary[sc][[key for key, _, _ in COLUMNS].index("value")]

    def grid_centre(self, kind):
        return self.grid[kind][SIDE][SIDE]

    def per_share(self, ev, scalar, bonds):
        """Value per share from an enterprise value: net cash added with the bonds as debt; a bond whose test
        (that value per share at or above its conversion price) passes converts, adding its amount back and its
        shares."""
        equity = ev + scalar["net_cash_today"]
        to_share = scalar["unit_millions"] / scalar["share_fx"]
        before = equity * to_share / scalar["shares_today"]
        if not bonds:
            return before
        flags = [IF(before.ge(scalar[f"ev_{ev.id}_price"]), 1, 0) for ev in bonds]
        return (equity + sum_terms([f * scalar[f"ev_{ev.id}_converted"] for f, ev in zip(flags, bonds)])) * to_share \
            / (scalar["shares_today"] + sum_terms([f * scalar[f"ev_{ev.id}_shares"] for f, ev in zip(flags, bonds)]))
