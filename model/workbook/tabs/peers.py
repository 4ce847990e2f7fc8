"""Peers: the company beside the peers its data name (company.toml [peers.<folder>]), each peer's latest
full year, latest interim and today's balance and market value converted into the company's currency at
the rate on Inputs, with live ratios side by side: growth, margins, R&D intensity, burn and runway, EV /
revenue and EV / ARR. Each figure carries its source and grade.

The peers' figures are inputs (Inputs, section Peers: each peer's own data as its folder gives them, in
its own unit, see peer_inputs.py); this tab converts them (figure x rate x scale) and computes every ratio.
Today's value is worked out below the table for every company alike, in its own unit: cash and debt at its
as-of date as the Cash & Funding tab counts them (the opening cash, short-term investments and loans of its
balance sheet, the funding events to that date), and the market value at a quoted share price, or, where
the data quote none, at the latest placing's net proceeds per share (a transaction price, said so)."""
from __future__ import annotations

from dataclasses import dataclass, field

from ...calc.formula import IF, ISNUMBER, NA, Text, guard, lift, name_part, ratio
from ...data.dataset import Dataset
from ...data.events import EQUITY_KINDS
from ...data.peers import as_of_date, periods_of, price_event
from ...labels import LANGS
from ..timeline import FIRST_COL, LABEL_COL, NOTE_WIDTH, UNIT_COL, LABEL_WIDTH
from . import LINE_HEIGHT, fit_rows, title_rows
from .market import published
from .peer_inputs import BALANCE_TODAY, graded, market_figures

COLUMNS = ("fy", "interim", "today")
# the tab's rows: (key, unit kind, number format, columns it has); label ids peers.<key>, notes peers.<key>_note
FIGURES = [("revenue", "amount", "amount", ("fy", "interim")), ("revenue_ltm", "amount", "amount", ("interim",)),
           ("gross_profit", "amount", "amount", ("fy", "interim")), ("rnd", "amount", "amount", ("fy", "interim")),
           ("adjusted_net_income", "amount", "amount", ("fy", "interim"))]
TODAY = [(key, "amount", "amount", ("today",)) for key in
         ("cash_today", "debt_today", "market_cap", "enterprise_value", "arr", "revenue_next")]
RATIOS = [("revenue_growth", "pct", "pct", ("fy", "interim")), ("gross_margin", "pct", "pct", ("fy", "interim")),
          ("rnd_to_revenue", "pct", "pct", ("fy", "interim")), ("adjusted_margin", "pct", "pct", ("fy", "interim")),
          ("burn", "amount", "amount", ("fy", "interim")), ("runway", "years", "count", ("fy", "interim")),
          ("ev_sales", "x", "x", ("fy", "interim")), ("ev_sales_next", "x", "x", ("today",)),
          ("ev_arr", "x", "x", ("today",)), ("arr_to_revenue", "x", "x", ("today",))]
SECTIONS = (("figures", FIGURES), ("today_section", TODAY), ("ratios", RATIOS))
# defined names Peers_<company>_<key>[_fy|_interim]: what other tabs (Valuation) and files quote
NAMED = ("enterprise_value", "ev_sales", "ev_sales_next", "ev_arr", "revenue_growth", "gross_margin",
         "adjusted_margin", "runway")
COMPANY_WIDTH, SOURCE_WIDTH = 12, 44
HEAD, TOP = 4, 8   # the company heads; the table's first row (after the conversion factor)


@dataclass
class Company:
    """A column group of the tab: the company itself (own) or a peer, and how it gives its figures."""
    key: str                  # its folder's name
    name: str                 # with its other-language name and ticker
    short: str
    data: Dataset
    own: bool
    cells: dict = field(default_factory=dict)    # a peer's input cells (peer_inputs.py)
    factor: object = None     # a peer's conversion factor (Expr), None for the company itself
    year_share: object = None  # its interim as a share of a year (a ref), or None
    working: dict = field(default_factory=dict)  # today's figures in its own unit: key -> cell

    def __post_init__(self):
        self.fy, self.prior, self.interim, self.comp = periods_of(self.data)
        self.as_of = as_of_date(self.data)

    def period(self, column):
        return {"fy": self.fy, "interim": self.interim, "today": None}[column]


class PeersTab:
    def __init__(self, book, data, tl, inputs, income, cash):
        t = self.t = book.t
        sh = self.sheet = book.add_sheet("peers", "output")
        title_rows(sh, sh.name, t("peers.subtitle", unit=t.unit, inputs=t("tabs.inputs")))
        self.book, self.data, self.inputs, self.income, self.cash = book, data, inputs, income, cash
        self.editions = [t.edition(lang) for lang in LANGS]   # row heights fit the longer edition's text
        share = inputs.peer_facts.get(None)
        self.companies = [Company(data.folder.name, t.company_name, t.data_text(data.company, "name"), data, True,
                                  year_share=share.ref(True, True) if share is not None else None)]
        for peer in data.peers:
            cells, pt = inputs.peers[peer.key], self.labels(peer.data)
            self.companies.append(Company(peer.key, pt.company_name, pt.data_text(peer.data.company, "name"), peer.data,
                                          False, cells, cells["fx_rate"].ref(True, True) * cells["scale"].ref(True, True),
                                          cells["year_share"].ref(True, True) if "year_share" in cells else None))
        self.col = {(c.key, k): FIRST_COL + 3 * i + j for i, c in enumerate(self.companies) for j, k in enumerate(COLUMNS)}
        self.note_col = FIRST_COL + 3 * len(self.companies)
        self.source_col = self.note_col + 1
        self.heads()
        self.factor = {c.key: sh.put(TOP - 2, self.col[(c.key, "fy")], c.factor, "calc", "rate")
                       for c in self.companies if not c.own}
        bottom = TOP + sum(len(rows) + 2 for _, rows in SECTIONS)
        sh.put(bottom, LABEL_COL, t("peers.method", inputs=t("tabs.inputs")), "note")
        self.workings(bottom + 2)
        self.cells = {}
        row = TOP
        for section, rows in SECTIONS:
            sh.put(row, LABEL_COL, t(f"peers.{section}", unit=t.unit), "section")
            row += 1
            for key, kind, fmt, cols in rows:
                self.put_row(row, key, kind, fmt, cols)
                row += 1
            row += 1
        sh.widths.update({LABEL_COL: LABEL_WIDTH, UNIT_COL: 10, self.note_col: NOTE_WIDTH, self.source_col: SOURCE_WIDTH,
                          **{c: COMPANY_WIDTH for c in self.col.values()}})
        sh.freeze = (HEAD + 2, FIRST_COL)

    def labels(self, data, lang=None):
        """A company's names in this edition (or in `lang`)."""
        return type(self.t)(lang or self.t.lang, data.company, data.base_year.code)

    def short_names(self, data):
        """A company's short name in every edition (a row is as tall as its longer edition needs)."""
        return [self.labels(data, e.lang).data_text(data.company, "name") for e in self.editions]

    def heads(self):
        sh, t = self.sheet, self.t
        sh.put(HEAD, LABEL_COL, "", "head")
        sh.put(HEAD, UNIT_COL, t("common.unit"), "head")
        for c in self.companies:
            first = self.col[(c.key, "fy")]
            sh.put(HEAD, first, c.name, "head_wrap")
            for j in (1, 2):
                sh.put(HEAD, first + j, "", "head")
            sh.merges.append((HEAD, first, first + 2))
            texts = {"fy": c.fy.code + "A", "interim": c.interim.code + "A" if c.interim else "—",
                     "today": t("peers.today", date=c.as_of.isoformat())}
            for k in COLUMNS:
                sh.put(HEAD + 1, self.col[(c.key, k)], texts[k], "subhead")
        sh.heights[HEAD] = 2 * LINE_HEIGHT
        sh.put(HEAD, self.note_col, t("common.notes"), "head")
        sh.put(HEAD, self.source_col, t("peers.sources"), "head")
        sh.put(TOP - 2, LABEL_COL, t("peers.factor"), "label")
        sh.put(TOP - 2, UNIT_COL, t.unit_of("x"), "unit")
        sh.put(TOP - 2, self.note_col, t("peers.factor_note", unit=t.unit, inputs=t("tabs.inputs")), "note")

    def put_row(self, row, key, kind, fmt, cols):
        """One row of the table: each company's figure in each of its columns, the row's note and sources."""
        sh, t = self.sheet, self.t
        sh.put(row, LABEL_COL, t(f"peers.{key}"), "label")
        sh.put(row, UNIT_COL, t.unit_of(kind), "unit")
        sources = []
        for c in self.companies:
            for k in cols:
                expr = self.measure(c, key, k)
                if expr is None:
                    continue
                src = self.sources(c, key, c.period(k))
                cell = sh.put(row, self.col[(c.key, k)], expr, "calc", fmt,
                              comment=t("peers.cell_source", sources=src) if src else None)
                self.cells[(c.key, key, k)] = cell
                if key in NAMED:
                    self.book.define(f"Peers_{name_part(c.key)}_{key}" + ("" if k == "today" else f"_{k}"), cell)
            src = self.sources(c, key)
            if src:
                sources.append([f"{short}: {src}" for short in self.short_names(c.data)])   # in every edition
        notes = [e(f"peers.{key}_note", inputs=e("tabs.inputs")) for e in self.editions]
        texts = [" | ".join(s[i] for s in sources) for i in range(len(self.editions))] if sources else []
        sh.put(row, self.note_col, notes[self.editions.index(t)], "note_wrap")
        sh.put(row, self.source_col, texts[self.editions.index(t)] if texts else t("peers.derived"), "note_wrap")
        fit_rows(sh, [(row, n, NOTE_WIDTH) for n in notes] + [(row, s, SOURCE_WIDTH) for s in texts])

    def heading(self, company: str, column: str) -> str:
        """A column as the API names it: 'MiniMax FY2025A', 'MiniMax 1H2026A', 'MiniMax today'."""
        c = next(c for c in self.companies if c.key == company)
        code = {"fy": c.fy.code + "A", "interim": c.interim.code + "A" if c.interim else "interim", "today": "today"}
        return f"{c.short} {code[column]}"

    def frame_rows(self):
        """(key, label, unit, {heading: cell}) per row of the table, for the API."""
        for _, rows in SECTIONS:
            for key, kind, _, cols in rows:
                cells = {self.heading(c.key, k): self.cells.get((c.key, key, k)) for c in self.companies for k in cols}
                yield key, self.t(f"peers.{key}"), self.t.unit_of(kind), cells

    # --- figures in this company's unit ---
    def figure(self, c, item, p):
        """A reported figure of company `c` at period p in this company's unit: the Income Statement's for the
        company itself; a peer's input times its factor (gross profit: as given, or revenue - cost)."""
        if p is None:
            return NA
        if c.own:
            return self.income.lines.cell(item, p).ref()
        got = lambda i: c.cells["figs"].get((i, p))  # noqa: E731
        if item != "gross_profit":
            return self.converted(c, got(item).ref()) if got(item) is not None else NA
        gp, rev, cost = got("gross_profit"), got("revenue"), got("cost_of_revenue")
        value = gp.ref() if gp is not None else NA
        if cost is not None:
            derived = guard([rev.ref(), cost.ref()], rev.ref() - cost.ref())
            value = IF(ISNUMBER(gp.ref()), gp.ref(), derived) if gp is not None else derived
        return self.converted(c, value)

    def converted(self, c, value):
        """A figure of company `c` in this company's unit: a peer's times its factor cell (rate x scale)."""
        if c.own or isinstance(value, Text):
            return value
        return IF(ISNUMBER(value), value * self.factor[c.key].ref(True, True), NA)

    def measure(self, c, key, k):
        """Row `key`'s formula in column `k` ("fy", "interim", "today") of company `c`; None: no cell."""
        p = c.period(k)
        if k == "interim" and p is None:
            return None
        cell = lambda row_key, col=k: self.cells.get((c.key, row_key, col))  # noqa: E731
        ref = lambda row_key, col=k: cell(row_key, col).ref() if cell(row_key, col) is not None else NA  # noqa: E731
        if key in ("revenue", "gross_profit", "rnd", "adjusted_net_income"):
            return self.figure(c, key, p)
        if key == "revenue_ltm":
            if c.comp is None:
                return NA
            fy_rev, rev, comp_rev = ref("revenue", "fy"), ref("revenue"), self.figure(c, "revenue", c.comp)
            return guard([fy_rev, rev, comp_rev], fy_rev + rev - comp_rev)
        if k == "today" and key in c.working:
            return self.converted(c, c.working[key].ref())
        if key in dict((r[0], r) for r in TODAY):
            return NA
        rev = ref("revenue")
        if key == "revenue_growth":
            prev = self.figure(c, "revenue", c.prior if k == "fy" else c.comp)
            return guard([rev, prev], rev / prev - 1, nonzero=[prev])
        if key in ("gross_margin", "rnd_to_revenue", "adjusted_margin"):
            top = {"gross_margin": "gross_profit", "rnd_to_revenue": "rnd", "adjusted_margin": "adjusted_net_income"}[key]
            return ratio(ref(top), rev)
        if key == "burn":
            ani = ref("adjusted_net_income")
            if k == "fy":
                return guard([ani], -ani)
            return guard([ani], -ani / c.year_share) if c.year_share is not None else NA
        if key == "runway":
            burn, cash_today = ref("burn"), ref("cash_today", "today")
            return guard([burn, cash_today], IF(burn.gt(0), cash_today / burn, Text(self.t("peers.no_burn"))))
        ev = ref("enterprise_value", "today")
        if key == "ev_sales":
            return ratio(ev, rev if k == "fy" else ref("revenue_ltm"))
        if key == "ev_sales_next":
            return ratio(ev, ref("revenue_next"))
        if key == "ev_arr":
            return ratio(ev, ref("arr"))
        if key == "arr_to_revenue":
            if c.year_share is None:
                return NA
            rev_i = ref("revenue", "interim")
            return guard([rev_i, ref("arr")], ratio(ref("arr"), rev_i / c.year_share), nonzero=[rev_i])
        raise KeyError(key)

    def sources(self, c, key, p=None) -> str:
        """The graded sources of company c's figure in row `key` (of the row with no period: its figures')."""
        data = c.data
        items = {"revenue": ["revenue"], "revenue_ltm": ["revenue"], "gross_profit": ["gross_profit", "cost_of_revenue"],
                 "rnd": ["rnd"], "adjusted_net_income": ["adjusted_net_income"]}.get(key)
        if items is not None:
            periods = [p] if p is not None else [q for q in (c.fy, c.interim) if q] + (
                [c.comp] if key == "revenue_ltm" and c.comp else [])
            ids = [f.source for i in items for q in periods if (f := data.actuals.get(i, {}).get(q)) and f.source]
            return graded(data, "; ".join(ids))
        fund, events = data.funding, [e for e in data.events if e.date is not None and e.date <= c.as_of]
        cash = [fund["opening_cash"].source] + [data.balance[i].source for i in BALANCE_TODAY if i in data.balance] + [
            e.source for e in events if e.counted]
        debt = [e.source for e in events if e.kind not in EQUITY_KINDS]
        priced = price_event(data)
        value = [fund[i].source for i in ("shares_outstanding", "share_price") if i in fund] + [
            e.source for e in events if e.counted and e.kind in EQUITY_KINDS] + ([priced.source] if priced else [])
        ids = {"cash_today": cash, "debt_today": debt, "market_cap": value, "enterprise_value": value + cash + debt}.get(key)
        if ids is not None:
            return graded(data, "; ".join(i for i in ids if i)) if "market" not in key or c.working.get("market_cap") \
                else ""
        est = market_figures(data).get(key)
        if est is not None:
            qualifier = self.t(f"market.qualifier_{est.qualifier}") if est.qualifier else ""
            return graded(data, est.source) + (f" ({qualifier})" if qualifier else "")
        return ""

    # --- today's value, in each company's own unit ---
    def workings(self, row):
        """Below the table: each company's cash, debt, shares, share price and market value today in its own unit
        (the company itself: as its Cash & Funding tab counts them), and the published ARR and next year's
        revenue estimate it is valued against."""
        for c in self.companies:
            row = self.working(c, row) + 1

    def working(self, c, row) -> int:
        sh, t = self.sheet, self.t
        unit = self.labels(c.data).unit
        col, w = self.col[(c.key, "fy")], c.working
        sh.put(row, LABEL_COL, t("peers.workings", name=c.short, unit=unit, date=c.as_of.isoformat()), "section")
        row += 1

        def put(key, expr, fmt="amount", unit_text=None, label=None, note=""):
            nonlocal row
            sh.put(row, LABEL_COL, label or t(f"peers.w_{key}"), "detail_label" if label else "label")
            sh.put(row, UNIT_COL, unit_text or unit, "unit")
            cell = sh.put(row, col, expr, "calc", fmt)
            if key:
                w[key] = cell
            if note:
                sh.put(row, col + 1, note, "note")
            row += 1
            return cell
        price, fx, basis = self.price(c)
        if c.own:
            scalars = getattr(self.cash, "scalars", {})
            for key in ("cash_today", "debt_today", "shares_today"):
                put(key, scalars[key].ref() if key in scalars else NA, "shares" if key == "shares_today" else "amount",
                    t.unit_of("shares") if key == "shares_today" else None,
                    note=t("peers.w_from_cash", cash=t("tabs.cash")))
            millions = self.inputs.funding["unit_millions"].ref() if "unit_millions" in self.inputs.funding else None
            arr = market_figures(c.data)["arr"]
            nxt = market_figures(c.data)["revenue_next"]
            arr_expr = published(self.inputs, arr) if arr else None
            next_expr = published(self.inputs, nxt) if nxt else None
        else:
            cells, fund = c.cells, c.cells["funding"]
            cash = put("opening_cash", fund["opening_cash"].ref(),
                       label=t("peers.w_opening_cash", period=c.data.funding["opening_cash"].period.code)).ref()
            debt = lift(0)
            for item, got in cells["balance"].items():
                line = put("", got.ref(), label=t(f"balance.{item}")).ref()
                if item == "short_term_investments":
                    cash = cash + line
                else:
                    debt = debt + line
            shares = fund["shares_outstanding"].ref() if "shares_outstanding" in fund else None
            for ev in c.data.events:
                ev_cells = cells["events"].get(ev.id)
                if ev_cells is None:
                    continue
                where = "in_opening" if not ev.counted else "after_opening"
                line = put("", ev_cells["amount"].ref() * ev_cells["fx_rate"].ref(), label=t(
                    "peers.event", kind=t(f"events.kind_{ev.kind}"), date=ev.date.isoformat(), where=t(f"peers.{where}"))).ref()
                if ev.counted:
                    cash = cash + line
                    if "shares" in ev_cells and shares is not None:
                        shares = shares + ev_cells["shares"].ref()
                if ev.kind not in EQUITY_KINDS and not (ev.maturity and ev.maturity <= c.as_of):
                    debt = debt + line
            put("cash_today", cash)
            put("debt_today", debt)
            put("shares_today", shares if shares is not None else NA, "shares", t.unit_of("shares"))
            millions = fund["unit_millions"].ref() if "unit_millions" in fund else None
            market = cells["market"]
            arr_expr = market["arr"]["value"].ref() * market["arr"]["fx_rate"].ref() if "arr" in market else None
            next_expr = (market["revenue_next"]["value"].ref() * market["revenue_next"]["fx_rate"].ref()
                         if "revenue_next" in market else None)
        if price is not None:
            put("share_price", price, "share_price", t.currency(self.share_currency(c)), note=basis)
            put("price_fx", fx, "rate", t("peers.w_price_fx_unit", currency=t.currency(c.data.company["currency"]),
                                           share=t.currency(self.share_currency(c))))
        if price is not None and millions is not None:
            shares_today = w["shares_today"].ref()
            put("market_cap", guard([shares_today], shares_today * w["share_price"].ref() * w["price_fx"].ref() / millions))
            put("enterprise_value", guard([w["market_cap"].ref(), w["cash_today"].ref(), w["debt_today"].ref()],
                                          w["market_cap"].ref() + w["debt_today"].ref() - w["cash_today"].ref()))
        if arr_expr is not None:
            put("arr", arr_expr)
        if next_expr is not None:
            put("revenue_next", next_expr, label=t("peers.w_revenue_next", year=c.fy.year + 1))
        return row

    def price(self, c):
        """(share price, company currency per share currency, basis text) of company c: its quoted price where
        funding.csv gives one, else the latest placing's net proceeds per new share; (None, None, "") without."""
        t = self.t
        fund = self.inputs.funding if c.own else c.cells["funding"]
        if "share_price" in fund:
            quoted = c.data.funding["share_price"].date
            fx = fund["share_fx"].ref() if "share_fx" in fund else lift(1)
            return fund["share_price"].ref(), fx, t("peers.price_quote", date=quoted.isoformat() if quoted else
                                                   t("market.undated"))
        ev = price_event(c.data)
        cells = (self.inputs.events if c.own else c.cells["events"]).get(ev.id) if ev else None
        if ev is None or cells is None or "shares" not in cells or "unit_millions" not in fund:
            return None, None, ""
        price = cells["amount"].ref() * fund["unit_millions"].ref() / cells["shares"].ref()
        return price, cells["fx_rate"].ref(), t("peers.price_placing", kind=t(f"events.kind_{ev.kind}"),
                                               date=ev.date.isoformat())

    def share_currency(self, c) -> str:
        """The currency a company's share price is in: its quote's unit, or the priced raise's currency."""
        if "share_price" in c.data.funding:
            fig = c.data.funding["share_price"]
            return self.labels(c.data).data_text({"unit": fig.unit, **fig.local}, "unit")
        ev = price_event(c.data)
        return ev.currency if ev else ""
