"""Claims Audit: every quantitative claim listed in claims.csv (a research note's, say) beside the
figure the model computes, the difference, and a status worked out by formula against the tolerance
on Inputs."""
from __future__ import annotations

from ...calc.formula import ABS, IF, ISNUMBER, MAX, MIN, NA, SUM, SUMPRODUCT, Flags, Rng, Text, guard, ratio
from ...calc.lines import cagr
from ..timeline import LABEL_COL
from ...data.company import per_edition
from . import LINE_HEIGHT, fit_rows, title_rows
from .inputs import claim_format, claim_unit, tolerance_format

STATUSES = [("consistent", "good"), ("differs", "bad"), ("unchecked", "neutral")]  # label id claims.<id>, style
COLUMNS = [("claim", 62), ("unit", 11), ("reported", 11), ("model", 11), ("difference", 11), ("tolerance", 10),
           ("test", 17), ("status", 16), ("id", 8), ("quote", 40), ("explanation", 70)]  # label id claims.<id>


def passes(test, model, reported, tol):
    if test == "equal":
        return ABS(model - reported).le(tol)
    if test == "at_least":
        return model.ge(reported - tol)
    return model.le(reported + tol)


class ClaimsTab:
    def __init__(self, book, data, tl, inputs, income, ratios, scenarios):
        t = book.t
        sh = self.sheet = book.add_sheet("claims", "output")
        status_text = {key: t(f"claims.{key}") for key, _ in STATUSES}
        title_rows(sh, sh.name, t("claims.subtitle", inputs=t("tabs.inputs"), **status_text))
        blocks = [income.lines, ratios.lines]

        def metric(key, p):
            return next(b for b in blocks if key in b.rows).here(key, p)

        def model_figure(cl):
            ms = [metric(cl.metric, p) for p in cl.periods]
            if cl.calc == "value":
                return ms[0]
            if cl.calc == "cost_share":
                return guard(ms, 1 - ms[0])
            if cl.calc == "multiple":
                return ratio(ms[1], ms[0])
            if cl.calc == "cagr":
                return cagr(income.lines, cl.periods[1], ms[1], ms[0], cl.periods[0])
            if cl.calc in ("sum", "max", "min"):
                return guard(ms, {"sum": SUM, "max": MAX, "min": MIN}[cl.calc](*ms))
            return NA

        top = 4
        sh.put(top, LABEL_COL, t("claims.by_status"), "section")
        count_cells = []
        for i, (status, role) in enumerate(STATUSES):
            sh.put(top + 1 + i, LABEL_COL, status_text[status], "label")
            count_cells.append(sh.put(top + 1 + i, 1, None, "calc", "int"))
        head = top + len(STATUSES) + 2
        sh.heights[head] = 2 * LINE_HEIGHT
        for c, (h, width) in enumerate(COLUMNS):
            sh.put(head, c, t(f"claims.{h}"), "head_wrap")
            sh.widths[c] = width
        sh.freeze = (head + 1, 1)
        r = head + 1
        self.rows = {}
        for cl in data.claims:
            reported, tol = (c.ref() for c in inputs.claims[cl.id])
            fmt = claim_format(cl.unit)
            claim = t.data_text(cl.fields, "claim")   # in the edition's language where the data give it
            cases = [(claim, model_figure(cl))]
            if cl.calc == "breakeven":
                cases = [(t("claims.per_scenario", claim=claim, scenario=sc), scenarios.summary[sc][0].ref())
                         for sc in data.scenarios]
            for n, (label, figure) in enumerate(cases):
                sh.put(r, 0, label, "text")
                sh.put(r, 1, claim_unit(t, cl), "unit")
                rep = sh.put(r, 2, reported, "calc", fmt)
                model = sh.put(r, 3, figure, "calc", fmt)
                m, rp = model.ref(), rep.ref()
                sh.put(r, 4, guard([m, rp], m - rp), "calc", "diff_" + ("int" if fmt == "year" else fmt))
                tl_ = sh.put(r, 5, tol, "calc", tolerance_format(fmt))
                sh.put(r, 6, t(f"claims.test_{cl.test}"), "unit")
                ok, no, unknown = (Text(status_text[k]) for k, _ in STATUSES)
                status = sh.put(r, 7, IF(ISNUMBER(m), IF(passes(cl.test, m, rp, tl_.ref()), ok, no),
                                         IF(m.eq(NA), unknown, no)), "calc", "text")
                sh.put(r, 8, cl.id, "unit")
                sh.put(r, 9, cl.quote, "text_wrap")
                sh.put(r, 10, t.data_text(cl.fields, "explanation"), "text_wrap")
                # heights fit every edition's text, so that the editions keep the same layout
                fit_rows(sh, [(r, cl.quote, COLUMNS[9][1])] + [(r, cl.fields.get(k, ""), COLUMNS[10][1])
                                                                for k in ("explanation", *per_edition("explanation"))])
                self.rows[cl.id if len(cases) == 1 else f"{cl.id}_{data.scenarios[n]}"] = (rep, model, status)
                r += 1
        if not data.claims:
            sh.put(r, 0, t("claims.none"), "note")
            r += 1
        statuses = Rng(sh.cell_at(head, 7), sh.cell_at(r - 1, 7) or sh.cell_at(head, 7))
        for cell, (status, role) in zip(count_cells, STATUSES):
            cell.content = SUMPRODUCT(Flags(statuses, "=", Text(status_text[status])))
            sh.highlights.append((statuses, status_text[status], role))
