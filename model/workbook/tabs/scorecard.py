"""The thesis scorecard at the top of the Claims Audit: each of the note's conclusions (thesis.csv) with
its verdict under its own conditions — per scenario where it depends on one — and a line of evidence
built by formula from the figures of the claims that test it. The claims follow as the appendix."""
from __future__ import annotations

from ...calc.formula import AND, IF, OR, SUM, Rng, Text
from ...data.claims import PER_SCENARIO
from ...data.thesis import PLACEHOLDER
from ..timeline import LABEL_COL
from . import LINE_HEIGHT, fit_rows, lines_needed
from .words import number, percent, sentence, year

# a claim row's status, as a thesis test reads it: it holds, it fails, or it cannot be tested (else)
HOLDS = ("corroborated", "from_note", "condition_met", "assumed_holds", "scenario_met")
FAILS = ("differs", "condition_failed", "assumed_differs", "scenario_not_met")
# a thesis's verdict (label ids claims.thesis_<key>) and its highlight; "holds in n of m scenarios" is a part
VERDICTS = [("holds", "good"), ("part", "neutral"), ("fails", "bad"), ("open", "neutral")]
VERDICT_SPAN = (1, 3)     # the verdict spans columns B..D
EVIDENCE_SPAN = (4, 8)    # the evidence spans columns E..I


def scorecard_height(data) -> int:
    """Rows the scorecard takes: heading, column heads, a row per thesis and one per scenario of those
    judged per scenario, the count and two notes."""
    per = sum(1 + len(data.scenarios) * per_scenario(th, data) for th in data.thesis)
    return 2 + per + 3


def per_scenario(thesis, data) -> bool:
    claims = {c.id: c for c in data.claims}
    return any(claims[c].calc in PER_SCENARIO for c in thesis.tests)


class Scorecard:
    """Laid out at `top` once every claim row exists (claims: the ClaimsTab, whose rows it reads)."""

    def __init__(self, claims, top):
        self.claims, self.top = claims, top
        self.t, self.sheet, self.data = claims.t, claims.sheet, claims.data
        self.by_id = {c.id: c for c in self.data.claims}
        self.word = {key: self.t(f"claims.thesis_{key}") for key, _ in VERDICTS}

    def fill(self):
        sh, t, data = self.sheet, self.t, self.data
        width = lambda span: sum(sh.widths[c] for c in range(span[0], span[1] + 1))  # noqa: E731
        r = self.top
        sh.put(r, LABEL_COL, t("claims.scorecard"), "section")
        sh.merges.append((r, LABEL_COL, EVIDENCE_SPAN[1]))
        r += 1
        sh.heights[r] = LINE_HEIGHT * max(2, *(lines_needed(e(f"claims.{key}"), width(span) - 2)
                                               for e in self.claims.editions for key, span in (
                                                   ("thesis_verdict_head", VERDICT_SPAN), ("thesis_evidence_head", EVIDENCE_SPAN))))
        for col, key in ((LABEL_COL, "thesis_head"), (VERDICT_SPAN[0], "thesis_verdict_head"),
                         (EVIDENCE_SPAN[0], "thesis_evidence_head")):
            sh.put(r, col, t(f"claims.{key}"), "head_wrap")
        for a, b in (VERDICT_SPAN, EVIDENCE_SPAN):
            sh.merges.append((r, a, b))
        r += 1
        self.verdicts, self.scenario_verdicts, self.evidence = {}, {}, {}
        for th in data.thesis:
            r = self.thesis_row(r, th, width)
        main = [self.verdicts[th.id] for th in data.thesis]
        for cell in main + [c for cells in self.scenario_verdicts.values() for c in cells.values()]:
            for key, role in VERDICTS:
                sh.highlights.append((Rng(cell, cell), self.word[key], role))
        # the count the Cover shows: the verdicts of the thesis (each thesis once), not of the claims below
        counts = {key: SUM(*(IF(c.ref().eq(Text(self.word[key])), 1, 0) for c in main))
                  for key in ("holds", "fails", "open")}
        counts["part"] = SUM(*(IF(AND(*(c.ref().ne(Text(self.word[k])) for k in ("holds", "fails", "open"))), 1, 0)
                               for c in main))   # any other verdict: holds in part, in n of m scenarios
        sh.put(r, LABEL_COL, t("claims.thesis_count_label"), "total_label")
        self.count_cell = sh.put(r, VERDICT_SPAN[0], sentence(t.raw("claims.thesis_count"), **counts,
                                                              total=str(len(main))), "calc_left")
        sh.merges.append((r, VERDICT_SPAN[0], EVIDENCE_SPAN[1]))
        r += 1
        for key in ("thesis_note", "thesis_appendix"):
            sh.put(r, LABEL_COL, t(f"claims.{key}"), "note_wrap")
            sh.merges.append((r, LABEL_COL, EVIDENCE_SPAN[1]))
            fit_rows(sh, [(r, e(f"claims.{key}"), width((0, EVIDENCE_SPAN[1]))) for e in self.claims.editions])
            r += 1
        return r

    # --- one thesis ---
    def thesis_row(self, r, th, width) -> int:
        sh, t, data = self.sheet, self.t, self.data
        editions = self.claims.editions
        sh.put(r, LABEL_COL, t.data_text(th.fields, "thesis"), "total_label_wrap")
        texts = [(e.data_text(th.fields, "thesis"), sh.widths[LABEL_COL]) for e in editions]
        evidence = self.evidence_text(th, "evidence")
        self.evidence[th.id] = sh.put(r, EVIDENCE_SPAN[0], evidence, "sentence")   # general: merged cells read alike
        sh.merges.append((r, *EVIDENCE_SPAN))
        texts += [(self.filled(e, th, "evidence"), width(EVIDENCE_SPAN)) for e in editions]
        sh.heights[r] = LINE_HEIGHT * max(lines_needed(text, w) for text, w in texts)
        if not per_scenario(th, data):
            self.verdicts[th.id] = self.put_verdict(r, self.verdict([self.row(c) for c in th.tests]))
            return r + 1
        cells = {}
        for i, sc in enumerate(data.scenarios, start=1):
            sh.put(r + i, LABEL_COL, t.scenario(sc), "detail_label_wrap")   # level with its verdict (top)
            cells[sc] = self.put_verdict(r + i, self.verdict([self.row(c, sc) for c in th.tests]))
            if th.evidence_scenario:   # a scenario where nothing can be tested (no breakeven to release profit from)
                evidence = IF(cells[sc].ref().eq(Text(self.word["open"])), Text(t("claims.thesis_nothing")),
                              self.evidence_text(th, "evidence_scenario", sc))
                sh.put(r + i, EVIDENCE_SPAN[0], evidence, "sentence")
                sh.merges.append((r + i, *EVIDENCE_SPAN))
                fit_rows(sh, [(r + i, self.filled(e, th, "evidence_scenario"), width(EVIDENCE_SPAN)) for e in editions])
        self.scenario_verdicts[th.id] = cells
        self.verdicts[th.id] = self.put_verdict(r, self.across(list(cells.values())))
        return r + 1 + len(data.scenarios)

    def put_verdict(self, r, expr):
        cell = self.sheet.put(r, VERDICT_SPAN[0], expr, "calc_top")
        self.sheet.merges.append((r, *VERDICT_SPAN))
        return cell

    def row(self, cid, sc=None):
        """The status cell of claim `cid`'s row (under its own condition, for a scenario's row)."""
        claim = self.by_id[cid]
        if sc is None:
            key = cid
        else:
            key = f"{cid}_if_{sc}" if claim.condition else f"{cid}_{sc}"
        return self.claims.rows[key][2]

    def outcome(self, status, kinds):
        words = [Text(self.claims.text[k]) for k in kinds]
        return IF(OR(*(status.ref().eq(w) for w in words)), 1, 0)

    def verdict(self, statuses):
        """Holds when every testable row holds, fails when none does, holds in part between; cannot be
        tested when no row can be."""
        if not statuses:   # every claim that tests it is left out of this build
            return Text(self.word["open"])
        holds = SUM(*(self.outcome(s, HOLDS) for s in statuses)) if len(statuses) > 1 else self.outcome(statuses[0], HOLDS)
        fails = SUM(*(self.outcome(s, FAILS) for s in statuses)) if len(statuses) > 1 else self.outcome(statuses[0], FAILS)
        w = {k: Text(v) for k, v in self.word.items()}
        return IF((holds + fails).eq(0), w["open"], IF(fails.eq(0), w["holds"], IF(holds.eq(0), w["fails"], w["part"])))

    def across(self, cells):
        """A thesis judged per scenario: holds (or fails, or cannot be tested) in every scenario, else
        'holds in n of m scenarios'."""
        w = {k: Text(v) for k, v in self.word.items()}
        count = lambda key: SUM(*(IF(c.ref().eq(w[key]), 1, 0) for c in cells)) if len(cells) > 1 else \
            IF(cells[0].ref().eq(w[key]), 1, 0)  # noqa: E731
        other = lambda key: SUM(*(IF(c.ref().ne(w[key]), 1, 0) for c in cells))  # noqa: E731  (0: every one is key)
        holds, fails = count("holds"), count("fails")
        some = sentence(self.t.raw("claims.thesis_some"), n=holds, m=str(len(cells)))
        return IF(other("holds").eq(0), w["holds"], IF(other("fails").eq(0), w["fails"], IF(other("open").eq(0), w["open"],
                                                                           IF(holds.eq(0), IF(fails.gt(0), w["fails"], w["open"]), some))))

    # --- the evidence ---
    def figure(self, cid, sc=None, condition=False):
        """A claim row's model figure as a sentence shows it, in its claim's unit."""
        claim = self.by_id[cid]
        key = cid if sc is None else (f"{cid}_if_{sc}" if condition else f"{cid}_{sc}")
        cell = self.claims.rows[key][1].ref()
        if claim.unit == "year" or claim.calc == "breakeven":
            return year(cell)
        if claim.unit == "pct":
            return percent(cell, 1)
        if claim.unit == "x":
            return sentence(self.t.raw("claims.times"), v=number(cell, 1))
        return number(cell, 2 if claim.unit == "amount" else 1)

    def parts(self, th, key, sc=None):
        t, out = self.t, {}
        for m in PLACEHOLDER.finditer(t.data_text(th.fields, key)):
            cid, cond, listed = m.groups()
            name = m.group(0)[1:-1]
            if cid not in self.by_id:   # a claim this build leaves out
                out[name] = t("claims.thesis_missing")
            elif listed:
                items = [sentence(t.raw("claims.thesis_item"), scenario=t.scenario(s),
                                  figure=self.figure(cid, s, bool(cond))) for s in self.data.scenarios]
                joined = items[0]
                for item in items[1:]:
                    joined = joined.cat(Text(t("claims.thesis_item_sep"))).cat(item)
                out[name] = joined
            else:
                out[name] = self.figure(cid, sc, bool(cond)) if sc is not None else self.figure(cid)
        return out

    def evidence_text(self, th, key, sc=None):
        return sentence(self.t.data_text(th.fields, key), **self.parts(th, key, sc))

    def filled(self, e, th, key) -> str:
        """An edition's evidence text with each figure taken at twelve characters (a row height estimate;
        a listed figure at that per scenario)."""
        n = len(self.data.scenarios)
        return PLACEHOLDER.sub(lambda m: ("0123456789ab, " * (n if m.group(3) else 1)), e.data_text(th.fields, key))
