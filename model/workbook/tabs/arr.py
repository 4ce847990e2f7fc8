"""The ARR bridge (arr.csv, with market.csv's ARR claims): its inputs on Inputs (each scenario's haircut with its
rationale, the review band), and on the Scenarios tab the claim's run-rate revenue of the next half after each
scenario's haircut beside that scenario's own forecast of it, the haircut each forecast implies, and every ARR
claim beside the ARR each scenario's revenue implies for the period that holds the claim's date.

The bridge tests the forecast, it does not drive it: the next half grows from the interim's actual (the drivers
on Inputs), and a scenario whose next half sits further from the claim's run rate than the band is a review flag
(ArrOutsideBand), not a failed check. See README "The ARR bridge" for why."""
from __future__ import annotations

from ...calc.arr import claim_date, gap, implied_arr, period_at, run_rate
from ...calc.formula import ABS, AND, IF, ISNUMBER, NA, SUM, Text, name_part
from ...data.arr import BAND, arr_claims
from ...data.bounds import FRACTION
from ...data.periods import parse_year_end
from ..timeline import FIRST_COL, LABEL_COL, LABEL_WIDTH, UNIT_COL
from . import put_label
from .market import estimate_label, put_scenario_head

LANGS = ("en", "zh")
NOTES = ("claimed_local_note", "run_rate_note", "forecast_note", "gap_note", "implied_haircut_note")


def next_part(tl):
    """The first forecast period after the latest interim (2H2026E; Q4 after nine months), else the first
    forecast year: the period the bridge gives the run rate of."""
    return tl.forecast_parts[0] if tl.forecast_parts else tl.forecast[0]


def year_end(data) -> tuple[int, int]:
    return parse_year_end(str(data.company.get("fiscal_year_end") or "12-31"))


def share(inputs, p):
    """A period's share of a year: the calendar fact on Inputs (None for a full year; "missing" where Inputs has
    no fact of that length)."""
    if p.is_full_year:
        return None
    return inputs.part_share(p).ref(True, True) if p.months in inputs.year_shares else "missing"


def put_arr_inputs(inputs, sh, row) -> int:
    """Inputs: what the claims measure, the claim the bridge starts from (a link to its market.csv row above),
    each scenario's haircut and the review band, with grade and rationale. inputs.arr: (item, scenario) -> cell;
    inputs.arr_slots: cell -> Slot."""
    from ..slots import Slot
    data, t, tl, book = inputs.data, inputs.book.t, inputs.tl, inputs.book
    inputs.arr, inputs.arr_slots = {}, {}
    bridge = data.arr
    if bridge is None:
        return row
    sh.put(row, LABEL_COL, t("arr.inputs"), "section")
    row += 1
    for col, key in ((LABEL_COL, "head_item"), (UNIT_COL, "head_unit"), (FIRST_COL, "head_value"),
                     (FIRST_COL + 1, "head_grade"), (tl.note_col, "head_rationale")):
        sh.put(row, col, t(f"arr.{key}"), "subhead")
    row += 1
    first = row

    def note(r, fig):
        inputs.source_note(r, fig.source, "", {"note": fig.rationale, **{k.replace("rationale", "note"): v
                                                                           for k, v in fig.local.items()}})
        if fig.grade:
            sh.put(r, FIRST_COL + 1, t.grade(fig.grade), "unit")

    seg = bridge.figures[("segment", "")]
    sh.put(row, LABEL_COL, t("arr.segment"), "label")
    sh.put(row, FIRST_COL, t("arr.total") if bridge.segment == "revenue" else t.segment(bridge.segment), "text")
    note(row, seg)
    row += 1
    claim = bridge.claim
    editions = [t.edition(lang) for lang in LANGS]
    put_label(sh, row, t("arr.claim", claim=estimate_label(t, claim)), "label",
              [e("arr.claim", claim=estimate_label(e, claim)) for e in editions], LABEL_WIDTH)
    sh.put(row, UNIT_COL, claim.currency, "unit")
    sh.put(row, FIRST_COL, inputs.market[claim.id]["value"].ref(), "calc", "amount")
    sh.put(row, FIRST_COL + 1, claim.grade, "unit")
    note(row, bridge.figures[("claim", "")])
    row += 1
    for key, sc, rule in [("haircut", sc, FRACTION) for sc in data.scenarios] + [("band", "", BAND)]:
        fig = bridge.figures[(key, sc)]
        sh.put(row, LABEL_COL, t(f"arr.{key}", scenario=t.scenario(sc)), "label")
        sh.put(row, UNIT_COL, "%", "unit")
        cell = inputs.arr[(key, sc)] = sh.put_input(row, FIRST_COL, fig.value, "pct", rule)
        book.define(f"Arr_{key}" + (f"_{name_part(sc)}" if sc else ""), cell)
        inputs.arr_slots[cell] = Slot("arr", key, sc, field="value")
        note(row, fig)
        row += 1
    sh.put(row, LABEL_COL, t("arr.inputs_note", scenarios=t("tabs.scenarios")), "note")
    sh.groups.append((first, row - 1))
    return row + 2


class ArrView:
    """The Scenarios tab's ARR bridge: placed (its height known) before the scenarios' blocks, filled after."""

    def __init__(self, book, data, tl, inputs, top):
        self.book, self.data, self.tl, self.inputs, self.top = book, data, tl, inputs, top
        self.bridge = data.arr
        self.claims = arr_claims(data.market) if self.bridge else []
        # title, heads, 7 bridge rows, the count, a blank row, the claims' title and heads, 2 rows a claim, 2 notes
        self.height = 13 + 2 * len(self.claims) + 2 if self.bridge else 0

    def fill(self, sh, scenarios, income):
        if not self.bridge:
            return
        t, tl, data, inputs, bridge = self.book.t, self.tl, self.data, self.inputs, self.bridge
        scs = data.scenarios
        cols = [c for c in range(FIRST_COL, FIRST_COL + len(scs) + 3) if c != tl.spacer_col][:len(scs) + 2]
        pub_col, sc_cols, flag_col = cols[0], cols[1:1 + len(scs)], cols[1 + len(scs)]
        key = bridge.line()
        line_label = t.line(income.lines.line(key))[0]
        nxt = next_part(tl)
        claim = bridge.claim
        cells = inputs.market[claim.id]
        value, fx = cells["value"].ref(True, True), cells["fx_rate"].ref(True, True)
        editions = [t.edition(lang) for lang in LANGS]
        r = self.top
        sh.put(r, LABEL_COL, t("arr.section", period=nxt.code + "E"), "section")
        r += 1
        put_scenario_head(sh, r, t, pub_col, t("arr.claim_head"), scs, sc_cols, flag_col, t("arr.flag_head"))
        r += 1
        self.cells = {}

        def row(name, unit, fmt, per_scenario, published=None, **fill):
            """`fill`: the label's particulars, each a text or a function of the edition (its own words)."""
            nonlocal r

            def text(e, key):
                return e(key, **{k: v(e) if callable(v) else v for k, v in fill.items()})
            put_label(sh, r, text(t, f"arr.{name}"), "label", [text(e, f"arr.{name}") for e in editions], LABEL_WIDTH)
            sh.put(r, UNIT_COL, unit, "unit")
            if published is not None:
                self.cells[(name, "")] = sh.put(r, pub_col, published, "calc", fmt)
            if per_scenario:
                for sc, col in zip(scs, sc_cols):
                    self.cells[(name, sc)] = sh.put(r, col, per_scenario(sc), "calc", fmt)
            if f"{name}_note" in NOTES:
                sh.put(r, tl.note_col, text(t, f"arr.{name}_note"), "note")
            r += 1

        row("claimed", claim.currency, "amount", None, cells["value"].ref(), claim=lambda e: estimate_label(e, claim))
        row("claimed_local", t.unit, "amount", None, value * fx)
        row("haircut_row", "%", "pct", lambda sc: inputs.arr[("haircut", sc)].ref())
        part = share(inputs, nxt)
        row("run_rate", t.unit, "amount", lambda sc: run_rate(value, fx, inputs.arr[("haircut", sc)].ref(), part),
            period=nxt.code + "E")
        row("forecast", t.unit, "amount", lambda sc: scenarios.blocks[sc].cell(key, nxt).ref(), period=nxt.code + "E",
            line=lambda e: e.line(income.lines.line(key))[0])
        row("gap", "%", "pct", lambda sc: gap(self.cells[("forecast", sc)].ref(), self.cells[("run_rate", sc)].ref()))
        row("implied_haircut", "%", "pct", lambda sc: IF(ISNUMBER(self.cells[("forecast", sc)].ref()),
                                                          1 - self.cells[("forecast", sc)].ref() / (value * fx if part is None else value * fx * part),
                                                          NA))
        band = inputs.arr[("band", "")].ref(True, True)
        flags = []
        for sc, col in zip(scs, sc_cols):
            g = self.cells[("gap", sc)].ref()
            flags.append(IF(AND(ISNUMBER(g), ABS(g).gt(band)), 1, 0))
        sh.put(r, LABEL_COL, t("arr.outside_count"), "total_label")
        self.outside = sh.put(r, flag_col, SUM(*flags), "calc_total", "int")
        self.ArrOutsideBand = self.book.define("ArrOutsideBand", self.outside)
        r += 2
        # every ARR claim beside the ARR each scenario implies for the period that holds its date
        sh.put(r, LABEL_COL, t("arr.claims_section"), "section")
        sh.put(r, tl.note_col, t("arr.claims_section_note", line=line_label), "note")
        r += 1
        put_scenario_head(sh, r, t, pub_col, t("arr.published"), scs, sc_cols, flag_col, t("market.position"))
        r += 1
        ends = year_end(data)
        self.rows = {}
        for est in sorted(self.claims, key=lambda e: claim_date(e, ends)):
            q = period_at(claim_date(est, ends), tl.periods, ends)
            if q is not None and isinstance(share(inputs, q), str):
                q = None
            c = inputs.market[est.id]
            pub = c["value"].ref()
            q_code = (q.code + ("A" if tl.is_actual(q) else "E")) if q else ""
            put_label(sh, r, t("arr.claim_row", claim=estimate_label(t, est), period=q_code), "label",
                      [e("arr.claim_row", claim=estimate_label(e, est), period=q_code) for e in editions], LABEL_WIDTH)
            sh.put(r, UNIT_COL, est.currency, "unit")
            sh.put(r, pub_col, pub, "calc", "amount")
            self.rows[est.id] = r
            if q is None:
                sh.put(r, flag_col, t("market.outside"), "note")
                r += 2
                continue
            fx_ref = c["fx_rate"].ref()
            implied = {}
            for sc, col in zip(scs, sc_cols):
                rev = (income.lines if tl.is_actual(q) else scenarios.blocks[sc]).cell(key, q).ref()
                implied[sc] = sh.put(r, col, implied_arr(rev, share(inputs, q), fx_ref), "calc", "amount")
                self.cells[(est.id, sc)] = implied[sc]
            refs = [implied[sc].ref() for sc in scs]
            below, above = AND(*[pub.lt(x) for x in refs]), AND(*[pub.gt(x) for x in refs])
            position = IF(AND(*[ISNUMBER(x) for x in refs]), IF(below, Text(t("arr.below")), IF(
                above, Text(t("arr.above")), Text(t("arr.within")))), NA)
            sh.put(r, flag_col, position, "calc_left", "text")
            r += 1
            sh.put(r, LABEL_COL, t("arr.claim_gap"), "label")
            sh.put(r, UNIT_COL, "%", "unit")
            for sc, col in zip(scs, sc_cols):
                self.cells[(est.id, "gap", sc)] = sh.put(r, col, gap(implied[sc].ref(), pub), "calc", "pct")
            r += 1
        sh.put(r, LABEL_COL, t("arr.note", period=nxt.code + "E", inputs=t("tabs.inputs")), "note")
        sh.put(r + 1, LABEL_COL, t("arr.review_note"), "note")


def arr_review_row(checks, sh, tl, view, row) -> int:
    """Checks, review flags: the scenarios whose next half sits outside the band around the claim's run rate."""
    if view is None or not view.bridge:
        return row
    t = sh.book.t
    sh.put(row, LABEL_COL, t("arr.review_check", tab=t("tabs.scenarios")), "label")
    checks.arr_review = sh.put(row, UNIT_COL, view.outside.ref(), "calc", "int")
    sh.put(row, tl.note_col, t("arr.review_check_note"), "note")
    return row + 1


def cover_arr(cover, r, view) -> int:
    """Cover: how many scenarios sit outside the ARR bridge's band (a review flag; the bridge is on Scenarios)."""
    if view is None or not view.bridge:
        return r
    sh, t = cover.sheet, cover.t
    sh.put(r, LABEL_COL, t("arr.cover_count"), "label")
    sh.put(r, 1, view.outside.ref(), "calc_left", "int")
    sh.put(r, 2, t("arr.cover_of", of=len(view.data.scenarios), scenarios=t("tabs.scenarios")), "note")
    return r + 2
