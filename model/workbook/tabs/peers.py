"""Peers: the company beside the peers its data name (company.toml [peers.<folder>]), each peer's latest
full year, latest interim and today's balance and market value converted into the company's currency at
the rate on Inputs, with live ratios side by side: growth, margins, R&D intensity, burn and runway, EV /
sales and EV / ARR. Each figure carries its source and grade.

The peers' figures are inputs (Inputs, section Peers: each peer's own data as its folder gives them, in
its own unit); this tab converts them (figure x rate x scale) and computes every ratio by formula."""
from __future__ import annotations

from ...calc.formula import IF, ISNUMBER, NA, Text, guard, lift, name_part, ratio
from ...data.events import EQUITY_KINDS
from ...data.market import latest_arr
from ...data.peers import as_of_date, periods_of
from ...labels import LANGS
from ..timeline import FIRST_COL, LABEL_COL, LABEL_WIDTH, NOTE_WIDTH, UNIT_COL
from . import LINE_HEIGHT, fit_rows, title_rows
from .market import published
from .peer_inputs import graded

COLUMNS = ("fy", "interim", "today")
# the tab's rows: (key, unit kind, number format, columns it has); label ids peers.<key>, notes peers.<key>_note
FIGURES = [("revenue", "amount", "amount", ("fy", "interim")), ("revenue_ltm", "amount", "amount", ("interim",)),
           ("gross_profit", "amount", "amount", ("fy", "interim")), ("rnd", "amount", "amount", ("fy", "interim")),
           ("adjusted_net_income", "amount", "amount", ("fy", "interim"))]
TODAY = [("cash_today", "amount", "amount", ("today",)), ("debt_today", "amount", "amount", ("today",)),
         ("market_cap", "amount", "amount", ("today",)), ("enterprise_value", "amount", "amount", ("today",)),
         ("arr", "amount", "amount", ("today",))]
RATIOS = [("revenue_growth", "pct", "pct", ("fy", "interim")), ("gross_margin", "pct", "pct", ("fy", "interim")),
          ("rnd_to_revenue", "pct", "pct", ("fy", "interim")), ("adjusted_margin", "pct", "pct", ("fy", "interim")),
          ("burn", "amount", "amount", ("fy", "interim")), ("runway", "years", "count", ("fy", "interim")),
          ("ev_sales", "x", "x", ("fy", "interim")), ("ev_arr", "x", "x", ("today",)),
          ("arr_to_revenue", "x", "x", ("today",))]
NAMED = ("enterprise_value", "ev_sales", "ev_arr", "revenue_growth", "gross_margin", "adjusted_margin", "runway")
COMPANY_WIDTH, SOURCE_WIDTH = 12, 44


class PeersTab:
    def __init__(self, book, data, tl, inputs, income, cash):
        t = self.t = book.t
        sh = self.sheet = book.add_sheet("peers", "output")
        title_rows(sh, sh.name, t("peers.subtitle", unit=t.unit, inputs=t("tabs.inputs")))
        self.book, self.data, self.inputs = book, data, inputs
        self.editions = [t.edition(lang) for lang in LANGS]   # row heights fit the longer edition's text
        companies = [self.subject(data, income, cash)] + [self.peer(p) for p in data.peers]
        self.companies = companies
        col0 = FIRST_COL
        self.col = {}
        for i, c in enumerate(companies):
            for j, k in enumerate(COLUMNS):
                self.col[(c["key"], k)] = col0 + 3 * i + j
        note_col, source_col = col0 + 3 * len(companies), col0 + 3 * len(companies) + 1
        head = 4
        sh.put(head, LABEL_COL, "", "head")
        sh.put(head, UNIT_COL, t("common.unit"), "head")
        for c in companies:
            first = self.col[(c["key"], "fy")]
            sh.put(head, first, c["name"], "head_wrap")
            for j in (1, 2):
                sh.put(head, first + j, "", "head")
            sh.merges.append((head, first, first + 2))
            for k in COLUMNS:
                text = {"fy": c["fy"].code + "A", "interim": (c["interim"].code + "A") if c["interim"] else "—",
                        "today": t("peers.today", date=c["as_of"].isoformat())}[k]
                sh.put(head + 1, self.col[(c["key"], k)], text, "subhead")
        sh.heights[head] = 2 * LINE_HEIGHT
        sh.put(head, note_col, t("common.notes"), "head")
        sh.put(head, source_col, t("peers.sources"), "head")
        row = head + 2
        sh.put(row, LABEL_COL, t("peers.factor"), "label")
        sh.put(row, UNIT_COL, t.unit_of("x"), "unit")
        self.factor = {c["key"]: sh.put(row, self.col[(c["key"], "fy")], c["factor"], "calc", "rate")
                       for c in companies if c["factor"] is not None}
        sh.put(row, note_col, t("peers.factor_note", unit=t.unit, inputs=t("tabs.inputs")), "note")
        self.cells = {}
        row += 2
        for section, rows in (("figures", FIGURES), ("today_section", TODAY), ("ratios", RATIOS)):
            sh.put(row, LABEL_COL, t(f"peers.{section}", unit=t.unit), "section")
            row += 1
            for key, kind, fmt, cols in rows:
                sh.put(row, LABEL_COL, t(f"peers.{key}"), "label")
                sh.put(row, UNIT_COL, t.unit_of(kind), "unit")
                sources = []
                for c in companies:
                    for k in cols:
                        expr, src = self.measure(c, key, k)
                        if expr is None:
                            continue
                        cell = sh.put(row, self.col[(c["key"], k)], expr, "calc", fmt,
                                      comment=t("peers.cell_source", sources=src) if src else None)
                        self.cells[(c["key"], key, k)] = cell
                        if key in NAMED:
                            book.define(f"Peers_{name_part(c['key'])}_{key}" + ("" if k == "today" else f"_{k}"), cell)
                    src = self.sources(c, key)
                    if src:
                        sources.append(f"{c['short']}: {src}")
                notes = [e(f"peers.{key}_note", inputs=e("tabs.inputs")) for e in self.editions]
                sh.put(row, note_col, notes[self.editions.index(t)], "note_wrap")
                sh.put(row, source_col, " | ".join(sources) if sources else t("peers.derived"), "note_wrap")
                fit_rows(sh, [(row, n, NOTE_WIDTH) for n in notes] + [(row, " | ".join(sources), SOURCE_WIDTH)])
                row += 1
            row += 1
        sh.put(row, LABEL_COL, t("peers.method", inputs=t("tabs.inputs")), "note")
        row += 2
        self.workings(sh, row)
        sh.widths.update({LABEL_COL: LABEL_WIDTH, UNIT_COL: 10, note_col: NOTE_WIDTH, source_col: SOURCE_WIDTH,
                          **{c: COMPANY_WIDTH for c in self.col.values()}})
        sh.freeze = (head + 2, FIRST_COL)
        sh.print_rows = (head, head + 1)

    def heading(self, company: str, column: str) -> str:
        """A column as the API names it: 'MiniMax FY2025A', 'MiniMax 1H2026A', 'MiniMax today'."""
        c = next(c for c in self.companies if c["key"] == company)
        code = {"fy": c["fy"].code + "A", "interim": c["interim"].code + "A" if c["interim"] else "interim",
                "today": "today"}[column]
        return f"{c['short']} {code}"

    def frame_rows(self):
        """(key, label, unit, {heading: cell}) per row of the table, for the API."""
        for key, kind, _, cols in FIGURES + TODAY + RATIOS:
            cells = {self.heading(c["key"], k): self.cells.get((c["key"], key, k)) for c in self.companies for k in cols}
            yield key, self.t(f"peers.{key}"), self.t.unit_of(kind), cells

    # --- the companies: how each gives its figures in this company's unit ---
    def subject(self, data, income, cash):
        t, lines = self.t, income.lines
        fy, prior, interim, comp = periods_of(data)
        share = self.inputs.peer_facts.get(None)
        scalars = getattr(cash, "scalars", {})
        arr = latest_arr(data.market)

        def fig(item, p):
            if p is None:
                return None
            key = "revenue" if item == "revenue" else item
            return lines.cell(key, p).ref()
        today = {k: scalars[k].ref() for k in ("cash_today", "debt_today", "market_cap", "enterprise_value")
                 if k in scalars}
        if arr is not None:
            today["arr"] = published(self.inputs, arr)
        return {"key": data.folder.name, "name": t.company_name, "short": t.data_text(data.company, "name"),
                "data": data, "fy": fy, "prior": prior, "interim": interim, "comp": comp, "fig": fig,
                "year_share": share.ref(True, True) if share is not None else None, "today": today, "factor": None,
                "as_of": as_of_date(data), "arr": arr, "own": True}

    def peer(self, peer):
        t, pd = self.t, peer.data
        cells = self.inputs.peers[peer.key]
        pt = type(t)(t.lang, pd.company, pd.base_year.code)
        fy, prior, interim, comp = periods_of(pd)
        factor_expr = cells["fx_rate"].ref(True, True) * cells["scale"].ref(True, True)
        c = {"key": peer.key, "name": pt.company_name, "short": pt.data_text(pd.company, "name"), "data": pd, "fy": fy,
             "prior": prior, "interim": interim, "comp": comp, "as_of": as_of_date(pd), "factor": factor_expr,
             "year_share": cells["year_share"].ref(True, True) if "year_share" in cells else None,
             "arr": cells["arr"].get("estimate"), "own": False, "cells": cells, "today": {}}

        def fig(item, p):
            if p is None:
                return None
            got = lambda i: cells["figs"].get((i, p))  # noqa: E731
            if item == "gross_profit":
                gp, rev, cost = got("gross_profit"), got("revenue"), got("cost_of_revenue")
                value = gp.ref() if gp is not None else None
                if cost is not None:
                    derived = guard([rev.ref(), cost.ref()], rev.ref() - cost.ref())
                    value = IF(ISNUMBER(gp.ref()), gp.ref(), derived) if gp is not None else derived
                if value is None:
                    return NA
                return self.converted(c, value)
            cell = got(item)
            return self.converted(c, cell.ref()) if cell is not None else NA
        c["fig"] = fig
        return c

    def converted(self, c, value):
        """A peer's figure in this company's unit: times the factor cell (rate x scale)."""
        if isinstance(value, Text):
            return value
        return IF(ISNUMBER(value), value * self.factor[c["key"]].ref(True, True), NA)

    # --- each row's figure, per company and column ---
    def measure(self, c, key, k):
        """(Expr, source text) of row `key` in column `k` ("fy", "interim", "today") of company `c`."""
        p = {"fy": c["fy"], "interim": c["interim"], "today": None}[k]
        cell = lambda row_key, col=k: self.cells.get((c["key"], row_key, col))  # noqa: E731
        ref = lambda row_key, col=k: cell(row_key, col).ref() if cell(row_key, col) is not None else NA  # noqa: E731
        if k == "interim" and p is None:
            return None, ""
        if key in ("revenue", "gross_profit", "rnd", "adjusted_net_income"):
            return c["fig"](key, p), self.sources(c, key, p)
        if key == "revenue_ltm":
            if c["comp"] is None:
                return NA, ""
            fy_rev, comp_rev, rev = ref("revenue", "fy"), c["fig"]("revenue", c["comp"]), ref("revenue")
            return guard([fy_rev, rev, comp_rev], fy_rev + rev - comp_rev), self.sources(c, "revenue", c["comp"])
        if key in ("cash_today", "debt_today", "market_cap", "enterprise_value", "arr"):
            if c["own"]:
                return c["today"].get(key, NA), ""
            working = c.get("working", {}).get(key)
            return (self.converted(c, working.ref()) if working is not None else NA), ""
        rev = ref("revenue")
        if key == "revenue_growth":
            prev = c["fig"]("revenue", c["prior"] if k == "fy" else c["comp"])
            if prev is None:
                return NA, ""
            return guard([rev, prev], rev / prev - 1, nonzero=[prev]), ""
        if key in ("gross_margin", "rnd_to_revenue", "adjusted_margin"):
            top = {"gross_margin": "gross_profit", "rnd_to_revenue": "rnd", "adjusted_margin": "adjusted_net_income"}[key]
            return ratio(ref(top), rev), ""
        if key == "burn":
            ani = ref("adjusted_net_income")
            if k == "fy":
                return guard([ani], -ani), ""
            share = c["year_share"]
            return (guard([ani], -ani / share) if share is not None else NA), ""
        if key == "runway":
            burn, cash_today = ref("burn"), ref("cash_today", "today")
            return guard([burn, cash_today], IF(burn.gt(0), cash_today / burn, Text(self.t("peers.no_burn")))), ""
        ev = ref("enterprise_value", "today")
        if key == "ev_sales":
            return ratio(ev, ref("revenue") if k == "fy" else ref("revenue_ltm")), ""
        if key == "ev_arr":
            return ratio(ev, ref("arr")), ""
        if key == "arr_to_revenue":
            share = c["year_share"]
            if share is None:
                return NA, ""
            rev_i = ref("revenue", "interim")
            return guard([rev_i, ref("arr")], ratio(ref("arr"), rev_i / share), nonzero=[rev_i]), ""
        raise KeyError(key)

    def sources(self, c, key, p=None) -> str:
        """The graded sources of a company's figure (of the row, with no period: its figures' sources)."""
        data = c["data"]
        items = {"revenue": ["revenue"], "revenue_ltm": ["revenue"], "gross_profit": ["gross_profit", "cost_of_revenue"],
                 "rnd": ["rnd"], "adjusted_net_income": ["adjusted_net_income"]}.get(key)
        if items is not None:
            periods = [p] if p is not None else [q for q in (c["fy"], c["interim"]) if q] + (
                [c["comp"]] if key == "revenue_ltm" and c["comp"] else [])
            ids = [f.source for i in items for q in periods if (f := data.actuals.get(i, {}).get(q)) and f.source]
            return graded(data, "; ".join(ids))
        if key in ("cash_today", "debt_today", "market_cap", "enterprise_value"):
            fund, as_of = data.funding, c["as_of"]
            events = [e for e in data.events if e.date is not None and e.date <= as_of]
            cash = [fund["opening_cash"].source] + [e.source for e in events if e.counted]
            debt = [e.source for e in events if e.kind not in EQUITY_KINDS]
            value = [fund[i].source for i in ("shares_outstanding", "share_price", "share_fx") if i in fund] + [
                e.source for e in events if e.counted and e.kind in EQUITY_KINDS]
            if "share_price" not in fund and key in ("market_cap", "enterprise_value"):
                return ""
            ids = {"cash_today": cash, "debt_today": debt, "market_cap": value, "enterprise_value": value + cash + debt}[key]
            return graded(data, "; ".join(i for i in ids if i))
        if key == "arr" and c["arr"] is not None:
            return graded(data, c["arr"].source) + (f" ({self.t('market.qualifier_' + c['arr'].qualifier)})"
                                                     if c["arr"].qualifier else "")
        return ""

    def workings(self, sh, row):
        """Each peer's cash, debt, shares and market value today in its own unit: the opening cash and the
        funding events up to its as-of date, as the Cash & Funding tab computes them for the company."""
        t = self.t
        for c in self.companies:
            if c["own"]:
                continue
            cells, pd = c["cells"], c["data"]
            pt = type(t)(t.lang, pd.company, pd.base_year.code)
            sh.put(row, LABEL_COL, t("peers.workings", name=c["name"], unit=pt.unit, date=c["as_of"].isoformat()),
                   "section")
            row += 1
            col, w = self.col[(c["key"], "fy")], {}

            def put(key, expr, fmt="amount", unit=None):
                nonlocal row
                sh.put(row, LABEL_COL, t(f"peers.w_{key}", period=pd.funding["opening_cash"].period.code), "label")
                sh.put(row, UNIT_COL, unit or pt.unit, "unit")
                w[key] = sh.put(row, col, expr, "calc", fmt)
                row += 1
            fund = cells["funding"]
            cash, debt = fund["opening_cash"].ref(), None
            put("opening_cash", cash)
            cash = w["opening_cash"].ref()
            shares = fund["shares_outstanding"].ref() if "shares_outstanding" in fund else None
            for ev in pd.events:
                ev_cells = cells["events"].get(ev.id)
                if ev_cells is None:
                    continue
                amount = ev_cells["amount"].ref() * ev_cells["fx_rate"].ref()
                sh.put(row, LABEL_COL, t("peers.event", kind=t(f"events.kind_{ev.kind}"), date=ev.date.isoformat(),
                                         where=t("peers.in_opening" if not ev.counted else "peers.after_opening")),
                       "detail_label")
                sh.put(row, UNIT_COL, pt.unit, "unit")
                conv = sh.put(row, col, amount, "calc", "amount")
                row += 1
                if ev.counted:
                    cash = cash + conv.ref()
                    if "shares" in ev_cells and shares is not None:
                        shares = shares + ev_cells["shares"].ref()
                if ev.kind not in EQUITY_KINDS and not (ev.maturity and ev.maturity <= c["as_of"]):
                    debt = conv.ref() if debt is None else debt + conv.ref()
            put("cash_today", cash)
            put("debt_today", debt if debt is not None else lift(0))
            if shares is not None and all(k in fund for k in ("share_price", "unit_millions")):
                put("shares_today", shares, "shares", t.unit_of("shares"))
                fx = fund["share_fx"].ref() if "share_fx" in fund else 1
                put("market_cap", w["shares_today"].ref() * fund["share_price"].ref() * fx / fund["unit_millions"].ref())
                put("enterprise_value", w["market_cap"].ref() + w["debt_today"].ref() - w["cash_today"].ref())
            if cells["arr"]:
                put("arr", cells["arr"]["value"].ref() * cells["arr"]["fx_rate"].ref())
            c["working"] = w
            row += 1
        # the today rows were written before the workings existed: fill them now
        for c in self.companies:
            if c["own"]:
                continue
            for key in ("cash_today", "debt_today", "market_cap", "enterprise_value", "arr"):
                cell = self.cells.get((c["key"], key, "today"))
                working = c["working"].get(key)
                if cell is not None:
                    cell.content = self.converted(c, working.ref()) if working is not None else NA
