"""Claims Audit: first the thesis scorecard (thesis.csv: the note's conclusions, each judged by the claims
that test it; scorecard.py), then as its appendix every quantitative claim listed in claims.csv (a research
note's, say) beside the figure the model computes, the difference, a status worked out by formula against
the tolerance on Inputs, each claim's status over its rows, and the later actuals beside a claim (judging
it only when the claim is about what follows the note). A claim made under a condition is also tested in
a computed case that holds the condition."""
from __future__ import annotations

from ...calc.formula import (ABS, CHOOSE, IF, INDEX, ISNUMBER, MATCH, MAX, MIN, NA, OR, SUM, SUMPRODUCT, Flags, Rng,
                             Text, guard, ratio)
from ...data.claims import PER_SCENARIO
from ...calc.lines import cagr, first_flagged
from ..timeline import FIRST_COL, LABEL_COL
from ...data.settings import per_edition
from ...labels import LANGS
from . import LINE_HEIGHT, fit_rows, put_label, title_rows
from .scorecard import Scorecard, scorecard_height
from .inputs import claim_format, claim_unit, tolerance_format

# Row statuses (label ids claims.<id>, with claims.<id>_means), by weight: a claim's status is the weightiest
# of its rows' (differs outweighs everything). The last two are for the analyst's scenarios shown beside a
# conditional claim: shown, not counted in the claim's status.
STATUSES = [("corroborated", "good"), ("from_note", "good"), ("condition_met", "good"), ("unsourced", "neutral"),
            ("unchecked", "neutral"), ("proxy", "neutral"), ("assumed_holds", "neutral"), ("assumed_differs", "neutral"),
            ("condition_failed", "bad"), ("differs", "bad"),
            ("scenario_met", "neutral"), ("scenario_not_met", "neutral")]
SCENARIO_ONLY = ("scenario_met", "scenario_not_met")
PASS = {"source": "corroborated", "note": "from_note", "proxy": "corroborated", "assumption": "assumed_holds"}
FAIL = {"source": "differs", "note": "differs", "proxy": "proxy", "assumption": "assumed_differs"}   # by claims.csv basis
LATEST = [("latest_holds", "good"), ("latest_fails", "bad"), ("latest_open", "neutral"), ("latest_shown", "neutral")]
# label id claims.<id>, width; the first nine print as one band (claim, figures, test and statuses together, the
# scorecard above them), the rest as a second with the claim column repeated
COLUMNS = [("claim", 36), ("unit", 9), ("reported", 10), ("model", 10), ("difference", 10), ("tolerance", 9),
           ("test", 12), ("status", 20), ("verdict", 20), ("latest_year", 12), ("latest_interim", 12),
           ("latest_test", 13), ("id", 8), ("quote", 28), ("explanation", 38)]
COL = {key: i for i, (key, _) in enumerate(COLUMNS)}


def passes(test, model, reported, tol):
    if test == "equal":
        return ABS(model - reported).le(tol)
    if test == "at_least":
        return model.ge(reported - tol)
    return model.le(reported + tol)


def latest_periods(cl, latest):
    """The periods the claim's calc runs over against `latest` (the latest actual full year or interim):
    a state (a value, a breakeven) at `latest`; a peak or a low over the claim's periods and `latest`; a
    change from the claim's last period to `latest` (what moved since); a multiple or CAGR from its first
    period to `latest`. Like with like only: a change, multiple or CAGR needs `latest` of the kind (full
    year or interim) of the period it replaces. None where no such figure exists (or the sum of a window)."""
    if latest is None or cl.calc in ("sum", "none", "released"):
        return None
    if cl.calc in ("value", "cost_share", "breakeven"):
        return [latest]
    if cl.calc in ("max", "min"):
        return cl.periods + ([latest] if latest not in cl.periods else [])
    first, last = cl.periods
    start = last if cl.calc == "change" else first
    if latest.is_full_year != last.is_full_year or latest in (start, last):
        return None
    return [start, latest]


class ClaimsTab:
    def __init__(self, book, data, tl, inputs, income, ratios, scenarios, breakeven, units=None):
        t = book.t
        self.book, self.data, self.tl, self.t = book, data, tl, t
        self.income, self.ratios, self.units, self.scenarios = income, ratios, units, scenarios
        sh = self.sheet = book.add_sheet("claims", "output")
        self.text = {key: t(f"claims.{key}") for key, _ in STATUSES + LATEST}
        self.editions = [t.edition(lang) for lang in LANGS]   # texts of every edition: one layout for all
        title_rows(sh, sh.name, t("claims.subtitle", inputs=t("tabs.inputs")))
        self.latest = (data.base_year, max(data.interims) if data.interims else None)
        for c, (_, width) in enumerate(COLUMNS):
            sh.widths[c] = width

        # the thesis scorecard first (filled once the claims' rows exist), the claims as its appendix
        top = 4
        if data.thesis:
            top += scorecard_height(data) + 1
            sh.pack_end = top   # the print pack holds the scorecard; the appendix starts a page of its own
            sh.put(top, LABEL_COL, t("claims.appendix"), "section")
            top += 2
        # the legend and counts: a claim's status is its weightiest row's, in this order
        sh.put(top, LABEL_COL, t("claims.by_status"), "section")
        for c, key in enumerate(("status_head", "claims_head", "rows_head")):
            sh.put(top + 1, c, t(f"claims.{key}"), "head")
        sh.put(top + 1, 3, t("claims.means_head"), "head")
        legend = {}
        for i, (status, _) in enumerate(STATUSES):
            r = top + 2 + i
            legend[status] = sh.put(r, LABEL_COL, self.text[status], "label")
            sh.put(r, 3, t(f"claims.{status}_means"), "note_wrap")
            sh.merges.append((r, 3, COL["verdict"]))   # the meaning reads whole within the first printed band
            fit_rows(sh, [(r, e(f"claims.{status}_means"), sum(w for _, w in COLUMNS[3:COL["verdict"] + 1]))
                          for e in self.editions])
        self.legend = Rng(legend[STATUSES[0][0]], legend[STATUSES[-1][0]])
        total_row = top + 2 + len(STATUSES)
        sh.put(total_row, LABEL_COL, t("claims.total"), "total_label")
        sh.put(total_row + 1, LABEL_COL, t("claims.rule"), "note_wrap")
        sh.merges.append((total_row + 1, LABEL_COL, COL["verdict"]))
        fit_rows(sh, [(total_row + 1, e("claims.rule"), sum(w for _, w in COLUMNS[:COL["verdict"] + 1]))
                      for e in self.editions])

        head = total_row + 3
        sh.heights[head] = 3 * LINE_HEIGHT
        latest_fy, latest_int = self.latest
        for c, (h, width) in enumerate(COLUMNS):
            if h == "latest_interim":
                text = t("claims.latest_interim", period=latest_int.code) if latest_int else t("claims.latest_none")
            else:
                text = t(f"claims.{h}", period=latest_fy.code)
            sh.put(head, c, text, "head_wrap")
            sh.widths[c] = width
        sh.freeze = (head + 1, 1)
        # print: the table's heading row on every page (the scorecard and the status legend above print once),
        # in two bands of columns at 72% with the claim column repeated: figures, test and statuses (each
        # verdict on its claim's page); the later actuals, the note's words and the explanation
        sh.print_rows = (head, head)
        sh.print_bands = (72, [COL["latest_year"]])

        self.rows, self.verdicts, self.latest_cells, self.later = {}, {}, {}, []
        groups = {}   # group -> [(row, status cell, kind of row: see cases_of)]
        r = head + 1
        case_top = r + sum(self.row_count(cl) for cl in data.claims) + 2   # below the table
        self.cases = self.condition_cases(case_top, scenarios, breakeven) if any(c.condition for c in data.claims) else {}
        for cl in data.claims:
            labels = zip(*(self.labels_of(cl, e) for e in self.editions))   # each row's label in every edition
            for (key, label, figure, kind), texts in zip(self.cases_of(cl, scenarios), labels):
                status = self.claim_row(r, cl, label, figure, kind, inputs)
                fit_rows(sh, [(r, text, COLUMNS[COL["claim"]][1]) for text in texts])   # wrapped, one layout
                groups.setdefault(cl.group, []).append((r, status, kind))
                self.rows[key] = (sh.cell_at(r, COL["reported"]), sh.cell_at(r, COL["model"]), status)
                r += 1
        for fill in self.later:   # statuses and the latest view, once every row exists (a benchmark may follow)
            fill()
        self.scorecard = Scorecard(self, 4) if data.thesis else None
        if self.scorecard:
            self.scorecard.fill()
        last = max(r - 1, head + 1)
        for group, rows in groups.items():
            self.verdicts[group] = sh.put(rows[0][0], COL["verdict"], self.verdict(rows), "calc", "text")
        statuses = Rng(sh.cell_at(head, COL["status"]), sh.cell_at(last, COL["status"]) or sh.put(last, COL["status"]))
        verdicts = Rng(sh.cell_at(head, COL["verdict"]), sh.cell_at(last, COL["verdict"]) or sh.put(last, COL["verdict"]))
        latest = Rng(sh.cell_at(head, COL["latest_test"]),
                     sh.cell_at(last, COL["latest_test"]) or sh.put(last, COL["latest_test"]))
        counts = []
        for i, (status, role) in enumerate(STATUSES):
            row = top + 2 + i
            if status not in SCENARIO_ONLY:
                counts.append(sh.put(row, 1, SUMPRODUCT(Flags(verdicts, "=", legend[status].ref())), "calc", "int"))
            sh.put(row, 2, SUMPRODUCT(Flags(statuses, "=", legend[status].ref())), "calc", "int")
            for rng in (statuses, verdicts):
                sh.highlights.append((rng, self.text[status], role))
        for key, role in LATEST:
            sh.highlights.append((latest, self.text[key], role))
        self.count = sh.put(total_row, 1, SUM(Rng(counts[0], counts[-1])), "calc_total", "int")
        sh.put(total_row, 2, SUM(Rng(sh.cell_at(top + 2, 2), sh.cell_at(total_row - 1, 2))), "calc_total", "int")
        self.counts = {status: sh.cell_at(top + 2 + i, 1) for i, (status, _) in enumerate(STATUSES)}

    # --- the figures ---
    def metric(self, key, p):
        if key.startswith("ue_"):
            return self.contribution_metric(key, p)
        block = next(b for b in (self.income.lines, self.ratios.lines) if key in b.rows)
        return block.here(key, p) if block.has(key, p) else NA   # an annual line in an interim: no figure

    def contribution_metric(self, key, p):
        """A Unit Economics line (the contribution view) for the selected scenario: picked by CHOOSE from the
        scenarios' blocks (an actual year's figure is the same in each)."""
        blocks = [self.units.blocks[sc] for sc in self.data.scenarios]
        if not blocks[0].has(key, p):
            return NA
        return CHOOSE(self.income.index.ref(True, True), *[b.cell(key, p).ref() for b in blocks])

    def released(self, sc):
        """The incremental margin after breakeven in scenario `sc`: the change in adjusted net income from the
        breakeven year to the last forecast year over the change in revenue (n/a when breakeven is not reached
        before the last year: there is no 'after')."""
        b, tl = self.scenarios.blocks[sc], self.tl
        first, last = tl.forecast[0], tl.forecast[-1]
        be = self.scenarios.summary[sc][0].ref()
        k = be - self.scenarios.headers[first].ref(True, True) + 1   # its place among the full years (no MATCH:
        # the parts of a year shown in parts carry its year in their headers too)

        def change(key):
            return b.at(key, last) - CHOOSE(k, *[b.cell(key, p).ref() for p in tl.forecast])
        return IF(ISNUMBER(be), IF(be.lt(self.scenarios.headers[last].ref()), ratio(change("adjusted_net_income"),
                                                                                    change("revenue")), NA), NA)

    def figure(self, cl, periods):
        """The model's figure for claim `cl` over `periods` (its own, or the latest actuals')."""
        if periods is None:
            return NA
        ms = [self.metric(cl.metric or "adjusted_net_income", p) for p in periods]
        if cl.per:   # each period's figure over another line's size (R&D over the adjusted loss)
            ms = [guard([m, d], m / ABS(d), nonzero=[d]) for m, d in zip(ms, (self.metric(cl.per, p) for p in periods))]
        if cl.calc in ("value", "breakeven"):
            return ms[0]
        if cl.calc == "cost_share":
            return guard(ms, 1 - ms[0])
        if cl.calc == "multiple":
            return ratio(ms[1], ms[0])
        if cl.calc == "change":
            return guard(ms, ms[1] - ms[0])
        if cl.calc == "cagr":
            return cagr(self.income.lines, periods[1], ms[1], ms[0], periods[0])
        if cl.calc in ("sum", "max", "min"):
            return guard(ms, {"sum": SUM, "max": MAX, "min": MIN}[cl.calc](*ms))
        return NA

    def row_count(self, cl):
        if cl.calc not in PER_SCENARIO:
            return 1
        return len(self.data.scenarios) * (2 if cl.condition else 1)

    def labels_of(self, cl, t):
        """The row labels of claim `cl` in the edition of `t`, in the order of cases_of."""
        claim = t.data_text(cl.fields, "claim")
        if cl.calc not in PER_SCENARIO:
            return [claim]
        return [t("claims.per_scenario", claim=claim, scenario=sc) for sc in self.data.scenarios] + (
            [t("claims.per_condition", claim=claim, scenario=sc, base=self.tl.base_year.code)
             for sc in self.data.scenarios] if cl.condition else [])

    def cases_of(self, cl, scenarios):
        """(row key, label, model figure, kind) per row of a claim; kind: 'row' (its status counts),
        'scenario' (an analyst's scenario beside a conditional claim) or 'condition' (the computed case
        holding the condition)."""
        t, claim = self.t, self.t.data_text(cl.fields, "claim")   # in the edition's language where given
        if cl.calc not in PER_SCENARIO:
            return [(cl.id, claim, self.figure(cl, cl.periods), "row")]
        kind = "scenario" if cl.condition else "row"
        figure = (lambda sc: scenarios.summary[sc][0].ref()) if cl.calc == "breakeven" else self.released
        out = [(f"{cl.id}_{sc}", t("claims.per_scenario", claim=claim, scenario=sc), figure(sc), kind)
               for sc in self.data.scenarios]
        if cl.condition:
            out += [(f"{cl.id}_if_{sc}", t("claims.per_condition", claim=claim, scenario=sc, base=self.tl.base_year.code),
                     self.cases[sc].ref(), "condition") for sc in self.data.scenarios]
        return out

    # --- the rows ---
    def claim_row(self, r, cl, label, figure, kind, inputs):
        sh, t = self.sheet, self.t
        reported, tol = (c.ref() for c in inputs.claims[cl.id])
        fmt = claim_format(cl.unit)
        sh.put(r, COL["claim"], label, "text_wrap")
        sh.put(r, COL["unit"], claim_unit(t, cl), "unit")
        rep = sh.put(r, COL["reported"], reported, "calc", fmt)
        model = sh.put(r, COL["model"], figure, "calc", fmt)
        m, rp = model.ref(), rep.ref()
        sh.put(r, COL["difference"], guard([m, rp], m - rp), "calc", "diff_" + ("int" if fmt == "year" else fmt))
        tl_ = sh.put(r, COL["tolerance"], tol, "calc", tolerance_format(fmt))
        sh.put(r, COL["test"], t(f"claims.test_{cl.test}"), "unit")
        status = sh.put(r, COL["status"], None, "calc", "text")
        self.later.append(lambda: setattr(status, "content", self.status(cl, kind, m, rp, tl_.ref())))
        sh.put(r, COL["id"], cl.id, "unit")
        sh.put(r, COL["quote"], cl.quote, "text_wrap")
        sh.put(r, COL["explanation"], t.data_text(cl.fields, "explanation"), "text_wrap")
        # wrapped within the print area; heights fit every edition's text, so that the editions keep one layout
        fit_rows(sh, [(r, cl.quote, COLUMNS[COL["quote"]][1])] + [(r, cl.fields.get(k, ""), COLUMNS[COL["explanation"]][1])
                                                                  for k in ("explanation", *per_edition("explanation"))])
        if cl.latest:
            self.later.append(lambda: self.latest_row(r, cl, rp, tl_.ref()))
        return status

    def status(self, cl, kind, m, rp, tol):
        """A row's status: its test's outcome in the words of its kind and basis (PASS, FAIL)."""
        ok, no = {"row": (PASS[cl.basis], FAIL[cl.basis]), "scenario": SCENARIO_ONLY,
                  "condition": ("condition_met", "condition_failed")}[kind]
        ok, no, unknown = (Text(self.text[k]) for k in (ok, no, "unchecked"))
        return IF(ISNUMBER(m), IF(passes(cl.test, m, rp, tol), self.unless_unsourced(cl, ok), no),
                  IF(m.eq(NA), unknown, no))

    def unless_unsourced(self, cl, ok):
        """`ok`, or 'holds against an unsourced benchmark' when the claim's benchmark cannot be checked:
        holding against it proves nothing."""
        if not cl.benchmark:
            return ok
        bench = self.rows[cl.benchmark][2].ref()
        return IF(bench.eq(Text(self.text["unchecked"])), Text(self.text["unsourced"]), ok)

    def latest_row(self, r, cl, reported, tol):
        """The claim's figure at the latest actual full year and interim. A claim about what follows the note
        (latest = forward) is judged there too: whether its test holds; a breakeven claim shows the adjusted
        net income, not yet due while the claimed year is ahead. Any other claim is about its own period:
        the later figures are shown for reference, never judged."""
        sh = self.sheet
        fmt = "amount" if cl.calc == "breakeven" else claim_format(cl.unit)
        cells = [sh.put(r, COL[c], self.figure(cl, latest_periods(cl, p)), "calc", fmt)
                 for c, p in zip(("latest_year", "latest_interim"), self.latest)]
        holds, fails, due, shown = (Text(self.text[k]) for k, _ in LATEST)
        if cl.latest != "forward":
            test = IF(OR(ISNUMBER(cells[0].ref()), ISNUMBER(cells[1].ref())), shown, NA)
        elif cl.calc == "breakeven":
            fy = cells[0].ref()
            year = self.income.lines.headers[self.latest[0]].ref()
            test = IF(year.lt(reported), due, IF(ISNUMBER(fy), IF(fy.ge(0), holds, fails), NA))
        else:
            fy, interim = (c.ref() for c in cells)
            n_fail = sum(IF(ISNUMBER(c), IF(passes(cl.test, c, reported, tol), 0, 1), 0) for c in (fy, interim))
            n_num = IF(ISNUMBER(fy), 1, 0) + IF(ISNUMBER(interim), 1, 0)
            test = IF(n_fail.gt(0), fails, IF(n_num.gt(0), self.unless_unsourced(cl, holds), NA))
        self.latest_cells[cl.id] = cells + [sh.put(r, COL["latest_test"], test, "calc", "text")]

    def verdict(self, rows):
        """A claim's status: the weightiest of its counted rows', its computed cases under the condition (one
        per scenario's costs) among them: each scenario's costs judge it, not the best of them (the thesis
        scorecard shows each scenario's verdict)."""
        rank = lambda cell: MATCH(cell.ref(), self.legend)   # noqa: E731
        counted = [rank(s) for _, s, kind in rows if kind in ("row", "condition")]
        return INDEX(self.legend, MAX(*counted) if len(counted) > 1 else counted[0])

    # --- the case holding a condition ---
    def condition_cases(self, top, scenarios, breakeven):
        """Revenue grown at the last actual year's rate against the revenue each scenario's costs need
        for breakeven (Breakeven tab): the first year it is reached, per scenario."""
        sh, t, tl = self.sheet, self.t, self.tl
        base = tl.base_year
        sh.put(top, LABEL_COL, t("claims.case_section", base=base.code), "section")
        sh.put(top + 1, LABEL_COL, t("claims.case_note", base=base.code, breakeven=t("tabs.breakeven")), "note")
        r = top + 2   # the growth and the revenue it starts from, above the year header: not per year
        put_label(sh, r, t("claims.case_growth", base=base.code, ratios=t("tabs.ratios")), "label",
                  [e("claims.case_growth", base=base.code, ratios=e("tabs.ratios")) for e in self.editions],
                  COLUMNS[COL["claim"]][1])
        sh.put(r, 1, t.unit_of("pct"), "unit")
        growth = sh.put(r, FIRST_COL, self.ratios.lines.cell("revenue_growth", base).ref(), "calc", "pct").ref(True, True)
        sh.put(r + 1, LABEL_COL, t("claims.case_base", base=base.code), "label")
        sh.put(r + 1, 1, t.unit, "unit")
        rev = sh.put(r + 1, FIRST_COL, self.income.lines.cell("revenue", base).ref(), "calc", "amount").ref(True, True)
        base_year = self.income.lines.headers[base].ref(True, True)
        head = r + 2
        col = {p: FIRST_COL + i for i, p in enumerate(tl.forecast)}   # the case's own columns, not the timeline
        sh.put(head, LABEL_COL, t("claims.case_year"), "head")
        years = {p: sh.put(head, col[p], breakeven.headers[p].ref(), "head", "year")
                 for p in tl.forecast}
        year_rng = Rng(years[tl.forecast[0]], years[tl.forecast[-1]])
        r = head + 1
        sh.put(r, LABEL_COL, t("claims.case_revenue", base=base.code), "label")
        sh.put(r, 1, t.unit, "unit")
        kept = {p: sh.put(r, col[p], guard([rev, growth], rev * (1 + growth) ** (years[p].ref() - base_year)),
                          "calc", "amount") for p in tl.forecast}
        out = {}
        for sc in self.data.scenarios:
            need_row, flag_row = r + 1, r + 2
            put_label(sh, need_row, t("claims.case_need", scenario=sc, breakeven=t("tabs.breakeven")), "label",
                      [e("claims.case_need", scenario=sc, breakeven=e("tabs.breakeven")) for e in self.editions],
                      COLUMNS[COL["claim"]][1])
            sh.put(need_row, 1, t.unit, "unit")
            sh.put(flag_row, LABEL_COL, t("claims.case_reached", scenario=sc), "detail_label")
            sh.put(flag_row, 1, t.unit_of("flag"), "unit")
            flags = {}
            for p in tl.forecast:
                need = sh.put(need_row, col[p], breakeven.blocks[sc].cell("required_revenue", p).ref(), "calc",
                              "amount").ref()
                flags[p] = sh.put(flag_row, col[p], IF(ISNUMBER(need), IF(kept[p].ref().ge(need), 1, 0), 0),
                                  "calc", "flag")
            row = Rng(flags[tl.forecast[0]], flags[tl.forecast[-1]])
            sh.put(flag_row + 1, LABEL_COL, t("claims.case_breakeven", scenario=sc), "total_label")
            out[sc] = sh.put(flag_row + 1, FIRST_COL, IF(ISNUMBER(growth), first_flagged(row, year_rng,
                                                                                         t("common.not_reached")), NA),
                             "calc_total", "year")
            r = flag_row + 2
        return out
