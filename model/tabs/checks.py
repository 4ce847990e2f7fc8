"""Checks: integrity tests as rows (1 = fails), ties to the published figures, error scans, and the
master check (the number of failures) that every tab's header shows."""
from __future__ import annotations

from ..formula import ABS, AND, COUNT, CountErrors, IF, ISNUMBER, OR, ROWS, SUM, Rng
from ..timeline import FIRST_COL, LABEL_COL, UNIT_COL
from . import title_rows


def fails_if(cond, *known):
    """1 when `cond` holds for known figures, else 0 (a check on an unknown figure does not fail)."""
    test = IF(cond, 1, 0)
    if not known:
        return test
    guard = [ISNUMBER(k) for k in known]
    return IF(guard[0] if len(guard) == 1 else AND(*guard), test, 0)


class ChecksTab:
    def __init__(self, book, data, tl, inputs, income, ratios, scenarios, breakeven, cash, sensitivity, scan_sheets):
        sh = self.sheet = book.add_sheet("Checks", "output")
        title_rows(sh, data, "Checks", "Each row counts its failures (1 = fails, 0 = passes); the master check "
                   "is their total and must be 0.")
        self.headers = tl.write_header(sh, 4, "What is checked")
        sh.put(4, UNIT_COL, "Failures", "head")
        tol = {k: c.ref(True, True) for k, c in inputs.tol.items()}
        is_ = income.lines
        row = 9
        self.totals = []

        def check_row(label, note, cells_by_period):
            nonlocal row
            sh.put(row, LABEL_COL, label, "label")
            cells = [sh.put(row, tl.col[p], f, "calc", "int") for p, f in cells_by_period.items()]
            total = sh.put(row, UNIT_COL, SUM(Rng(cells[0], cells[-1], absolute=False)), "check", "int")
            self.totals.append(total)
            sh.put(row, tl.note_col, note, "note")
            row += 1

        sh.put(row - 1, LABEL_COL, "Integrity checks by period", "section")
        segs = [k for k, _ in data.segments]
        if not data.single_segment:  # one segment has no share inputs: its share is 100% by definition
            shares = {p: Rng(inputs.cell(f"share_{segs[0]}", p), inputs.cell(f"share_{segs[-1]}", p)) for p in tl.actuals}
            check_row("Revenue shares sum to 100%", "Reported segment shares add to 100% within the tolerance on Inputs.",
                      {p: IF(COUNT(shares[p]).eq(0), 0, IF(ABS(SUM(shares[p]) - 1).gt(tol["share_sum"]), 1, 0))
                       for p in tl.actuals})
        seg_rev = lambda p: Rng(is_.cell(f"rev_{segs[0]}", p), is_.cell(f"rev_{segs[-1]}", p), absolute=False)  # noqa: E731
        check_row("Segment revenue sums to total revenue", "Income Statement segments against the total.",
                  {p: IF(COUNT(seg_rev(p)).eq(ROWS(seg_rev(p))),
                         fails_if(ABS(SUM(seg_rev(p)) - is_.at("revenue", p)).gt(tol["amount"]), is_.at("revenue", p)), 0)
                   for p in tl.periods})
        check_row("Gross profit ties to the reported figure", "Revenue − cost of revenue against reported gross profit.",
                  {p: fails_if(ABS(is_.at("gross_profit", p) - inputs.cell("gross_profit", p).ref()).gt(tol["amount"]),
                               is_.at("gross_profit", p), inputs.cell("gross_profit", p).ref()) for p in tl.actuals})
        seg_gp = lambda p: Rng(is_.cell(f"gp_{segs[0]}", p), is_.cell(f"gp_{segs[-1]}", p), absolute=False)  # noqa: E731
        gm = ratios.lines
        if not data.single_segment:
            check_row("Segment margins reproduce the blended gross margin",
                      "Σ(share × segment margin) against the blended margin, within the tolerance (shares are rounded).",
                      {p: IF(COUNT(seg_gp(p)).eq(ROWS(seg_gp(p))),
                             fails_if(ABS(SUM(seg_gp(p)) / is_.at("revenue", p) - gm.here("gross_margin", p))
                                      .gt(tol["segment_margin"]), gm.here("gross_margin", p)), 0) for p in tl.actuals})
        compute_periods = tl.periods if data.split_compute else tl.actuals  # not split: compute is history only
        check_row("R&D compute does not exceed total R&D", "Compute is part of R&D.",
                  {p: fails_if(is_.at("rnd_compute", p).gt(is_.at("rnd", p) + tol["amount"]), is_.at("rnd_compute", p), is_.at("rnd", p))
                   for p in compute_periods})
        for key, label in (("revenue", "revenue"), ("adjusted_net_income", "adjusted net income")):
            check_row(f"Scenarios tab ties to the Income Statement: {label}",
                      "The selected scenario computed on the Scenarios tab equals the Income Statement.",
                      {p: fails_if(ABS(scenarios.tie[(key, p)].ref() - is_.at(key, p)).gt(tol["amount"])) for p in tl.forecast})
        last = tl.forecast[-1]
        for sc in data.scenarios:
            b, sb, cb = breakeven.blocks[sc], scenarios.blocks[sc], cash.blocks[sc]
            ani = lambda p: sb.at("adjusted_net_income", p)  # noqa: E731
            check_row(f"Revenue needed agrees with breakeven — {sc}",
                      "Revenue ≥ revenue needed (Breakeven tab) exactly when adjusted net income ≥ 0 (where it is not ~0).",
                      {p: fails_if(AND(ABS(ani(p)).gt(tol["amount"]),
                                       IF(ani(p).ge(0), 1, 0).ne(IF(b.at("revenue", p).ge(b.here("required_revenue", p)), 1, 0))),
                                   b.here("required_revenue", p)) for p in tl.forecast})
            rows = lambda key: Rng(cb.cell(key, tl.forecast[0]), cb.cell(key, last))  # noqa: E731
            components = (cash.scalars["opening_cash"].ref() + SUM(rows("ani_after_open")) + SUM(rows("non_cash"))
                          - SUM(rows("capex")) - SUM(rows("working_capital")) + SUM(rows("equity_raised")))
            check_row(f"Cash: opening = prior closing — {sc}",
                      "Each year's opening cash against the previous year's closing cash (Cash & Funding).",
                      {p: fails_if(ABS(cb.here("opening_cash", p) - cb.here("closing_cash", tl.before(p))).gt(tol["amount"]))
                       for p in tl.forecast[1:]})
            check_row(f"Cash bridge adds up — {sc}",
                      f"Closing cash {last.code}E = opening cash + each component summed over the horizon, "
                      "independently of the year-by-year running total.",
                      {last: fails_if(ABS(cb.here("closing_cash", last) - components).gt(tol["amount"]))})
        be_centre, margin_centre = (sensitivity.grid_centre(g).ref() for g in (0, 1))
        margin = ratios.lines.here("adjusted_net_margin", last)
        check_row("Sensitivity grid centre = selected scenario",
                  "Breakeven year and final-year adjusted net margin at zero deltas against Scenarios and Ratios.",
                  {last: IF(OR(be_centre.ne(scenarios.BreakevenYear), ABS(margin_centre - margin).gt(tol["amount"])), 1, 0)})
        row += 1

        # Ties to the published figures
        if inputs.refs:
            sh.put(row, LABEL_COL, "Ties to published figures", "section")
            row += 1
            heads = ["Model", "Reported", "Difference", "Tolerance", "Fails"]
            sh.put(row, LABEL_COL, "Metric", "subhead")
            sh.put(row, UNIT_COL, "Period", "subhead")
            for i, h in enumerate(heads):
                sh.put(row, FIRST_COL + i, h, "subhead")
            row += 1
            metric_cells = {**{k: income.lines for k in (ln.key for ln in income.lines.lines)},
                            **{k: ratios.lines for k in (ln.key for ln in ratios.lines.lines)}}
            first = row
            for ref, value, tolerance in inputs.refs:
                kind = "amount" if ref.unit == "amount" else "pct"
                block = metric_cells[ref.metric]
                sh.put(row, LABEL_COL, f"{ref.metric} — {ref.claim}" if ref.claim else ref.metric, "label")
                sh.put(row, UNIT_COL, ref.period.code, "unit")
                model = sh.put(row, FIRST_COL, block.here(ref.metric, ref.period), "calc", kind)
                reported = sh.put(row, FIRST_COL + 1, value.ref(), "calc", kind)
                diff = sh.put(row, FIRST_COL + 2, IF(ISNUMBER(model.ref()), model.ref() - reported.ref(), "n/a"), "calc",
                              "amount4" if kind == "amount" else "pct2")
                sh.put(row, FIRST_COL + 3, tolerance.ref(), "calc", "amount4" if kind == "amount" else "pct2")
                row += 1
                sh.put(row - 1, FIRST_COL + 4, IF(ISNUMBER(diff.ref()), IF(ABS(diff.ref()).gt(tolerance.ref()), 1, 0), 1), "calc", "int")
            fails = Rng(sh.cell_at(first, FIRST_COL + 4), sh.cell_at(row - 1, FIRST_COL + 4), absolute=False)
            sh.put(row, LABEL_COL, "Published figures not reproduced", "label")
            self.totals.append(sh.put(row, UNIT_COL, SUM(fails), "check", "int"))
            sh.put(row, tl.note_col, "A published figure the model cannot compute counts as a failure.", "note")
            row += 2

        # Error values anywhere in the calculation and output tabs
        sh.put(row, LABEL_COL, "Error values", "section")
        row += 1
        self.error_rows = []
        for target in scan_sheets:
            sh.put(row, LABEL_COL, f"Error values on {target.name}", "label")
            self.totals.append(sh.put(row, UNIT_COL, CountErrors(target.used_range(first_row=3)), "check", "int"))
            sh.put(row, tl.note_col, "Counts #DIV/0!, #VALUE!, #REF!, #N/A and other errors in the tab's used range.", "note")
            row += 1
        row += 1
        sh.put(row, LABEL_COL, "MASTER CHECK (number of failures; 0 = all pass)", "total_label")
        self.master = sh.put(row, UNIT_COL, SUM(*[t.ref() for t in self.totals]), "check_total", "int")
        self.MasterCheck = book.define("MasterCheck", self.master)
