"""The market's view (market.csv): the published figures on Inputs, set beside every scenario on the
Scenarios tab with where each stands against the scenarios' range, the review flag for the figures the
scenarios do not bracket, and the Cover's summary of them."""
from __future__ import annotations

from ...calc.formula import AND, IF, ISNUMBER, NA, OR, SUM, Text, guard, lift, ratio
from ...data.bounds import FX_RATE
from ...data.market import BOUNDS
from ..timeline import FIRST_COL, LABEL_COL, LABEL_WIDTH, UNIT_COL
from . import LINE_HEIGHT, put_label, put_wide_note

FORMATS = {"amount": "amount", "pct": "pct", "year": "year", "share_price": "share_price"}
COVER_METRICS = ("revenue", "adjusted_net_income", "net_income", "breakeven_year", "profit_year")


def estimate_label(t, est, with_period=True) -> str:
    """'JPM (2026-06-22): adjusted net income, FY2026' in the edition's words."""
    when = est.date.isoformat() if est.date else t("market.undated")
    what = t(f"market.{est.metric}")
    if with_period and est.period is not None:
        what = t("market.for_period", what=what, period=est.period.code)
    return t("market.label", broker=t.data_text(est.fields, "broker"), date=when, what=what)


def put_market_inputs(inputs, sh, row) -> int:
    """Inputs: one row per published figure: its value (in its currency at the display unit's scale),
    its exchange rate into the company's currency (amounts), period, grade, source and note.
    inputs.market: id -> {"value": cell, "fx_rate": cell}; inputs.market_slots: cell -> Slot."""
    from ..slots import Slot
    data, t, tl = inputs.data, inputs.book.t, inputs.tl
    inputs.market, inputs.market_slots = {}, {}
    if not data.market:
        return row
    sh.put(row, LABEL_COL, t("market.inputs"), "section")
    row += 1
    heads = {LABEL_COL: "figure", UNIT_COL: "unit", FIRST_COL: "value", FIRST_COL + 1: "fx_rate", FIRST_COL + 2: "period",
             FIRST_COL + 3: "grade", tl.note_col: "source"}
    for col, key in heads.items():
        sh.put(row, col, t(f"market.head_{key}"), "subhead")
    row += 1
    first = row
    editions = [t.edition(lang) for lang in ("en", "zh")]
    for est in data.market:
        put_label(sh, row, estimate_label(t, est, False), "label", [estimate_label(e, est, False) for e in editions],
                  sh.widths.get(LABEL_COL, LABEL_WIDTH))   # the Inputs tab's own label column
        unit = est.currency if est.unit in ("amount", "share_price") else t.unit_of(est.unit)
        sh.put(row, UNIT_COL, unit, "unit")
        cells = {"value": sh.put_input(row, FIRST_COL, est.value, FORMATS[est.unit], BOUNDS[est.unit])}
        if est.fx_rate is not None:
            cells["fx_rate"] = sh.put_input(row, FIRST_COL + 1, est.fx_rate, "rate", FX_RATE)
        sh.put(row, FIRST_COL + 2, est.period.code if est.period else "", "unit")
        sh.put(row, FIRST_COL + 3, est.grade, "unit")
        qualifier = t(f"market.qualifier_{est.qualifier}") if est.qualifier else ""
        note = "; ".join(x for x in (est.source and t("common.source", sources=est.source), qualifier,
                                     t.data_text(est.fields, "note")) if x)
        sh.put(row, tl.note_col, note, "note")
        for key, cell in cells.items():
            inputs.book.define(f"Market_{est.id}" + ("" if key == "value" else "_fx"), cell)
            inputs.market_slots[cell] = Slot("market", est.id, field=key)
        inputs.market[est.id] = cells
        row += 1
    sh.put(row, LABEL_COL, t("market.inputs_note", unit=t.unit, scenarios=t("tabs.scenarios")), "note")
    sh.groups.append((first, row - 1))
    return row + 2


def put_scenario_head(sh, r, t, pub_col, pub_text, scenarios, sc_cols, flag_col, flag_text):
    """The head row of a published figure beside every scenario (the market's view, the ARR bridge): figure,
    unit, the published value, one column per scenario, and where it stands."""
    sh.heights[r] = 3 * LINE_HEIGHT
    sh.put(r, LABEL_COL, t("market.head_figure"), "head")
    sh.put(r, UNIT_COL, t("common.unit"), "head")
    sh.put(r, pub_col, pub_text, "head_wrap")
    for sc, col in zip(scenarios, sc_cols):
        sh.put(r, col, t.scenario(sc), "head_wrap")
    sh.put(r, flag_col, flag_text, "head_wrap")


def published(inputs, est):
    """A published figure in the company's currency and unit: its value times its exchange rate."""
    cells = inputs.market[est.id]
    value = cells["value"].ref()
    return value * cells["fx_rate"].ref() if "fx_rate" in cells else value


class MarketView:
    """The Scenarios tab's table of the market's view: each published figure, each scenario's figure for
    the same metric and period, and where the published figure stands against the scenarios' range."""

    def __init__(self, book, data, tl, inputs, top):
        self.book, self.data, self.tl, self.inputs, self.top = book, data, tl, inputs, top
        self.estimates = data.market
        self.height = len(self.estimates) + 6 if self.estimates else 0   # title, heads, rows, count, notes

    def fill(self, sh, scenarios, income):
        """Writes the table at `top` (the blocks and the summary exist by now)."""
        if not self.estimates:
            return
        t, tl, data = self.book.t, self.tl, self.data
        scs = data.scenarios
        cols = [c for c in range(FIRST_COL, FIRST_COL + len(scs) + 7) if c != tl.spacer_col][:len(scs) + 6]
        pub_col, sc_cols, flag_col, pos_col = cols[0], cols[1:1 + len(scs)], cols[1 + len(scs)], cols[2 + len(scs)]
        # the data's word on why the scenarios stand there (market.csv stance), two columns after where it stands:
        # room for its longest words ("earlier than every scenario") in a period-wide column
        why_col = cols[5 + len(scs)]
        r = self.top
        sh.put(r, LABEL_COL, t("market.section"), "section")
        r += 1
        put_scenario_head(sh, r, t, pub_col, t("market.published"), scs, sc_cols, flag_col, t("market.outside_head"))
        sh.put(r, pos_col, t("market.position"), "head_wrap")
        if any(e.stance for e in self.estimates):
            sh.put(r, why_col, t("market.stance_head"), "subsection")
        r += 1
        self.rows, self.cells, flags = {}, {}, []
        editions = [t.edition(lang) for lang in ("en", "zh")]
        last_year = scenarios.headers[tl.forecast[-1]]
        for est in self.estimates:
            put_label(sh, r, estimate_label(t, est), "label", [estimate_label(e, est) for e in editions], LABEL_WIDTH)
            kind = est.unit
            sh.put(r, UNIT_COL, t.unit if kind == "amount" else est.currency if kind == "share_price"
                   else t.unit_of(kind), "unit")
            fmt = FORMATS[kind]
            pub = sh.put(r, pub_col, published(self.inputs, est), "calc", fmt)
            state, figures = self.figures(est, scenarios, income)
            row_cells = {"published": pub}
            if figures:
                for sc, col in zip(scs, sc_cols):
                    row_cells[sc] = sh.put(r, col, figures[sc], "calc", fmt)
            if state == "compared":
                refs = [row_cells[sc].ref() for sc in scs]
                if kind == "year":   # a scenario that does not break even by the last year counts as after it
                    refs = [IF(ISNUMBER(x), x, last_year.ref(True, True) + 1) for x in refs]
                p = pub.ref()
                below, above = AND(*[p.lt(x) for x in refs]), AND(*[p.gt(x) for x in refs])
                words = ("earlier", "later") if kind == "year" else ("below", "above")
                position = IF(ISNUMBER(p), IF(below, Text(t(f"market.{words[0]}")), IF(above, Text(t(f"market.{words[1]}")),
                                                                                     Text(t("market.within")))), NA)
                row_cells["position"] = pos = sh.put(r, pos_col, position, "calc_left", "text")
                outside = [Text(t(f"market.{w}")) for w in words]
                row_cells["outside"] = flag = sh.put(r, flag_col, IF(OR(*[pos.ref().eq(w) for w in outside]), 1, 0),
                                                     "calc", "int")
                flags.append(flag)
            else:
                sh.put(r, pos_col, t(f"market.{state}"), "note")
            if est.stance:
                sh.put(r, why_col, t.data_text(est.fields, "stance"), "note")
            self.rows[est.id], self.cells[est.id] = r, row_cells
            r += 1
        sh.put(r, LABEL_COL, t("market.outside_count"), "total_label")
        count = SUM(*[f.ref() for f in flags]) if flags else lift(0)
        self.outside = sh.put(r, flag_col, count, "calc_total", "int")
        self.compared = len(flags)
        self.count_row = r
        self.MarketOutsideRange = self.book.define("MarketOutsideRange", self.outside)
        put_wide_note(sh, r + 1, t("market.note", last=tl.forecast[-1].code, inputs=t("tabs.inputs")),
                 [e("market.note", last=tl.forecast[-1].code, inputs=e("tabs.inputs")) for e in editions], 0, tl.last_col)
        put_wide_note(sh, r + 2, t("market.review_note"), [e("market.review_note") for e in editions], 0, tl.last_col)

    def figures(self, est, scenarios, income):
        """(state, {scenario: Expr}): "compared" with each scenario's figure; "superseded" where the period is
        an actual one (each scenario shows the actual); else a state without figures."""
        tl, scs = self.tl, self.data.scenarios
        if not est.compared:
            return "not_compared", None
        if est.metric in ("breakeven_year", "profit_year"):
            k = 0 if est.metric == "breakeven_year" else 7
            return "compared", {sc: scenarios.summary[sc][k].ref() for sc in scs}
        p = est.period
        if p in tl.forecast:
            return "compared", {sc: self.measure(est.metric, scenarios.blocks[sc], p, scenarios.headers)
                                for sc in scs}
        if p in tl.actuals:
            actual = self.measure(est.metric, income.lines, p, income.headers)
            return "superseded", {sc: actual for sc in scs}
        return "outside", None

    def measure(self, metric, block, p, headers):
        """The model's figure for a metric at period p in a block of lines (a scenario's, or the Income
        Statement's for an actual period)."""
        at = lambda key: block.cells[(key, p)].ref()  # noqa: E731
        if metric in ("revenue", "adjusted_net_income", "net_income"):
            return guard([at(metric)], at(metric))
        if metric == "revenue_cagr":
            base = self.tl.base_year
            start, end = block.cells[("revenue", base)].ref(), at("revenue")
            years = headers[p].ref(True) - headers[base].ref(True, True)
            return guard([end, start], IF((end / start).ge(0), (end / start) ** (1 / years) - 1, NA), nonzero=[start])
        top = {"gross_margin": "gross_profit", "adjusted_margin": "adjusted_net_income", "net_margin": "net_income"}[metric]
        return ratio(at(top), at("revenue"))


def market_flag(view):
    """The review flag: the published figures the scenarios do not bracket (a count). Kept apart so that the
    Checks tab's review-flags section can take it over as it is."""
    return view.outside


def cover_market(cover, r, view) -> int:
    """Cover rows: revenue, adjusted net income and the breakeven years each broker publishes against every
    scenario (links to the Scenarios tab), and how many published figures the scenarios do not bracket."""
    if not view.estimates or not view.compared:
        return r
    sh, t, scs = cover.sheet, cover.t, view.data.scenarios
    shown = [e for e in view.estimates if e.metric in COVER_METRICS and "position" in view.cells[e.id]]
    cover.section(r, t("market.cover_section"))
    r += 1
    sh.heights[r] = 3 * LINE_HEIGHT   # 'Published (company currency)' in a Cover column
    sh.put(r, LABEL_COL, t("market.head_figure"), "head")
    heads = [t("market.published")] + [t.scenario(sc) for sc in scs] + [t("market.position")]
    for i, text in enumerate(heads):
        sh.put(r, 1 + i, text, "head_wrap")
    r += 1
    editions = [t.edition(lang) for lang in ("en", "zh")]
    for est in shown:
        cells = view.cells[est.id]
        put_label(sh, r, estimate_label(t, est), "label", [estimate_label(e, est) for e in editions], 52)
        fmt = FORMATS[est.unit]
        for i, key in enumerate(["published", *scs, "position"]):
            sh.put(r, 1 + i, cells[key].ref(), "calc_left" if key == "position" else "calc", "text" if key == "position" else fmt)
        r += 1
    sh.put(r, LABEL_COL, t("market.cover_count"), "label")
    sh.put(r, 1, market_flag(view).ref(), "calc_left", "int")
    sh.put(r, 2, t("market.cover_of", of=view.compared, scenarios=t("tabs.scenarios")), "note")
    sh.put(r + 1, LABEL_COL, t("market.cover_note", unit=t.unit, scenarios=t("tabs.scenarios")), "note")
    return r + 2
