"""Checks: integrity tests as rows (1 = fails), ties to the published figures, error scans, and the
master check (the number of failures) that every tab's header shows."""
from __future__ import annotations

from ...calc.formula import ABS, AND, COUNT, INDEX, NA, NM, CountErrors, IF, ISNUMBER, OR, ROUND, ROWS, SUM, Rng
from ...calc.lines import all_lines
from ..timeline import FIRST_COL, LABEL_COL, UNIT_COL
from . import STATUS_ROW, precise, title_rows
from .arr import arr_review_row
from .cash import over_years
from .flags import flag_rows


def fails_if(cond, *known):
    """1 when `cond` holds for known figures, 0 when not, n/a when a figure is unknown: a check with
    nothing to test is shown as not applicable, and it does not fail (the row's total skips text)."""
    test = IF(cond, 1, 0)
    if not known:
        return test
    guard = [ISNUMBER(k) for k in known]
    return IF(guard[0] if len(guard) == 1 else AND(*guard), test, NA)


class ChecksTab:
    def __init__(self, book, data, tl, inputs, income, ratios, scenarios, breakeven, cash, sensitivity,
                 scan_sheets, units=None, benchmarks=None, risk=None, trials=None, valuation=None):
        t = book.t
        sh = self.sheet = book.add_sheet("checks", "output")
        tab = {s.tab: s.name for s in book.sheets}
        tab["checks"] = sh.name
        title_rows(sh, sh.name, t("checks.subtitle"))
        self.headers = tl.write_header(sh, 4, t("checks.what"))
        sh.put(4, UNIT_COL, t("units.failures"), "head")
        tol = {k: c.ref(True, True) for k, c in inputs.tol.items()}
        is_ = income.lines
        row = 9
        self.totals = []

        def check_row(key, cells_by_period, **fill):
            nonlocal row
            if not cells_by_period:   # nothing to check (a one-year horizon has no prior closing cash)
                return
            fill.update(tab)  # texts may name any tab
            sh.put(row, LABEL_COL, t(f"checks.{key}", **fill), "label")
            note = t(f"checks.{key}_note", **fill)
            cells = [sh.put(row, tl.col[p], f, "calc", "int") for p, f in cells_by_period.items()]
            total = sh.put(row, UNIT_COL, SUM(Rng(cells[0], cells[-1], absolute=False)), "check", "int")
            self.totals.append(total)
            sh.put(row, tl.note_col, note, "note")
            row += 1

        sh.put(row - 1, LABEL_COL, t("checks.integrity"), "section")
        segs = [k for k, _ in data.segments]
        if not data.single_segment:  # one segment has no share inputs: its share is 100% by definition
            shares = {p: Rng(inputs.cell(f"share_{segs[0]}", p), inputs.cell(f"share_{segs[-1]}", p)) for p in tl.actuals}
            check_row("shares", {p: IF(COUNT(shares[p]).eq(0), NA, IF(ABS(SUM(shares[p]) - 1).gt(tol["share_sum"]), 1, 0))
                                 for p in tl.actuals})
        seg_rev = lambda p: Rng(is_.cell(f"rev_{segs[0]}", p), is_.cell(f"rev_{segs[-1]}", p), absolute=False)  # noqa: E731
        # actual segments are revenue x share: they sum to revenue within the loader's share_sum rule
        seg_tol = lambda p: (tol["share_sum"] * ABS(is_.at("revenue", p)) + tol["amount"]  # noqa: E731
                             if tl.is_actual(p) and not data.single_segment else tol["amount"])
        check_row("segments", {p: IF(COUNT(seg_rev(p)).eq(ROWS(seg_rev(p))),
                                     fails_if(ABS(SUM(seg_rev(p)) - is_.at("revenue", p)).gt(seg_tol(p)),
                                              is_.at("revenue", p)), NA)
                               for p in tl.periods})
        reported_gp = lambda p: inputs.cell("gross_profit", p).ref()  # noqa: E731
        check_row("gross_profit", {p: fails_if(ABS(is_.at("gross_profit", p) - reported_gp(p)).gt(tol["amount"]),
                                               is_.at("gross_profit", p), reported_gp(p))
                                   for p in tl.actuals})
        seg_gp = lambda p: Rng(is_.cell(f"gp_{segs[0]}", p), is_.cell(f"gp_{segs[-1]}", p), absolute=False)  # noqa: E731
        gm = ratios.lines
        blended = lambda p: gm.here("gross_margin", p)  # noqa: E731
        if not data.single_segment:
            check_row("margins", {p: IF(COUNT(seg_gp(p)).eq(ROWS(seg_gp(p))),
                                        fails_if(ABS(SUM(seg_gp(p)) / is_.at("revenue", p) - blended(p))
                                                 .gt(tol["segment_margin"]), blended(p)), NA)
                                  for p in tl.actuals})
        compute_periods = tl.periods if data.split_compute else tl.actuals  # not split: compute is history only
        check_row("compute", {p: fails_if(is_.at("rnd_compute", p).gt(is_.at("rnd", p) + tol["amount"]),
                                          is_.at("rnd_compute", p), is_.at("rnd", p))
                              for p in compute_periods})
        for key in ("revenue", "adjusted_net_income"):
            check_row("tie", {p: fails_if(ABS(scenarios.tie[(key, p)].ref() - is_.at(key, p)).gt(tol["amount"]))
                              for p in tl.forecast},
                      line=t.line(is_.line(key))[0])
        last = tl.forecast[-1]
        for sc in data.scenarios:
            b, sb, cb = breakeven.blocks[sc], scenarios.blocks[sc], cash.blocks[sc]
            ani = lambda p: sb.at("adjusted_net_income", p)  # noqa: E731
            check_row("required", {p: fails_if(AND(ABS(ani(p)).gt(tol["amount"]),
                                                   IF(ani(p).ge(0), 1, 0).ne(IF(b.at("revenue", p).ge(
                                                       b.here("required_revenue", p)), 1, 0))),
                                               b.here("required_revenue", p)) for p in tl.forecast}, scenario=sc)
            rows = lambda key: over_years(cb, key)  # noqa: E731  (a sum: a year in parts sums its parts in its own column)
            components = (cash.scalars["opening_cash"].ref() + rows("ani_after_open") + rows("depreciation")
                          + rows("non_cash")
                          - rows("receivables_change") - rows("working_capital") - rows("capex")
                          + rows("equity_raised") + rows("debt_raised") - rows("debt_repaid") + rows("plug"))
            if data.balance:
                components = (components - rows("loans_repaid") - rows("leases_repaid")
                              + rows("sti_redeemed"))
            if tl.forecast_parts:   # no forecast part with negative revenue or cost (a typed input past validation)
                keys = [k for k in sb.rows if k.startswith("rev_") or k in ("rnd_compute", "rnd_other", "rnd", "other_opex")]

                def below(p):
                    flows = [(sb.at(k, tl.previous(p)), sb.at(k, p)) for k in keys]
                    flows.append(tuple(sb.at("revenue", q) - sb.at("gross_profit", q) for q in (tl.previous(p), p)))
                    # negative where the part before is not (other operating costs, net, may be a net income)
                    return IF(OR(*[AND(y.ge(0), r.lt(-tol["amount"])) for y, r in flows]), 1, 0)
                check_row("parts", {p: below(p) for p in tl.forecast_parts}, scenario=sc)
            check_row("cash_bridge", {last: fails_if(ABS(cb.here("closing_cash", last) - components).gt(tol["amount"]))},
                      scenario=sc, last=last.code)
            check_row("balance", {p: fails_if(ABS(cb.here("bs_gap", p)).gt(tol["amount"]))   # left to right: one range
                                  for p in sorted([inputs.opening_period] + cash.forecast, key=tl.col.get)},
                      scenario=sc)
        if units:
            self.unit_rows(data, tl, is_, inputs.units["price_scale"].ref(True, True), units, tol, check_row,
                           t.segment(data.units.segment), inputs.units["head_scale"].ref(True, True),
                           t.segment(data.units.customer_segment) if data.units.customer_segment else "")
        if valuation:
            self.valuation_rows(valuation, tol, check_row, last)
        be_centre, margin_centre = (sensitivity.grid_centre(g).ref() for g in (0, 1))
        margin = ratios.lines.here("adjusted_net_margin", last)
        cash_centre = [ABS(sensitivity.grid_centre(g).ref() - name).gt(tol["amount"])   # lowest cash, funding need
                       for g, name in ((3, cash.LowestCash), (4, cash.FundingNeed))]
        check_row("grid_centre", {last: IF(OR(be_centre.ne(scenarios.BreakevenYear),
                                              IF(AND(ISNUMBER(margin_centre), ISNUMBER(margin)),   # n/a without revenue
                                                 ABS(margin_centre - margin).gt(tol["amount"]), margin_centre.ne(margin)),
                                              *cash_centre),
                                           1, 0)})
        if risk:
            self.risk_rows(data, tl, inputs, risk, trials, tol, check_row)
        row += 1
        if units and data.compute:
            row = self.compute_rows(sh, data, tl, is_, inputs, tol, row, tab)
        row = self.review_rows(sh, data, tl, inputs, scenarios, cash, tol, benchmarks, row)

        # Ties to the published figures
        if inputs.refs:
            sh.put(row, LABEL_COL, t("checks.published"), "section")
            row += 1
            heads = ["model", "reported", "difference", "tolerance", "fails"]
            sh.put(row, LABEL_COL, t("checks.metric"), "subhead")
            sh.put(row, UNIT_COL, t("checks.period"), "subhead")
            for i, h in enumerate(heads):
                sh.put(row, FIRST_COL + i, t(f"checks.{h}"), "subhead")
            row += 1
            metrics = all_lines(data)
            first = row
            for ref, value, tolerance in inputs.refs:
                kind = ref.unit
                block = income.lines if ref.metric in income.lines.rows else ratios.lines
                label = t.line(metrics[ref.metric])[0]
                claim = t.data_text(ref.texts, "claim")   # claim_zh in the Chinese edition
                sh.put(row, LABEL_COL, f"{label} — {claim}" if claim else label, "label")
                sh.put(row, UNIT_COL, ref.period.code, "unit")
                model = sh.put(row, FIRST_COL, block.here(ref.metric, ref.period), "calc", kind)
                reported = sh.put(row, FIRST_COL + 1, value.ref(), "calc", kind)
                diff = sh.put(row, FIRST_COL + 2, IF(ISNUMBER(model.ref()), model.ref() - reported.ref(), NA), "calc",
                              "diff_" + precise(kind))
                sh.put(row, FIRST_COL + 3, tolerance.ref(), "calc", precise(kind))
                row += 1
                # a ratio the model shows as n.m. ties when the published figure is beyond the n.m. limit too
                nm = AND(model.ref().eq(NM), ABS(reported.ref()).gt(inputs.tol["nm_ratio"].ref(True, True)))
                sh.put(row - 1, FIRST_COL + 4, IF(ISNUMBER(diff.ref()), IF(ABS(diff.ref()).gt(tolerance.ref()), 1, 0),
                                                  IF(nm, 0, 1)), "calc", "int")
            fails = Rng(sh.cell_at(first, FIRST_COL + 4), sh.cell_at(row - 1, FIRST_COL + 4), absolute=False)
            sh.put(row, LABEL_COL, t("checks.not_reproduced"), "label")
            self.totals.append(sh.put(row, UNIT_COL, SUM(fails), "check", "int"))
            sh.put(row, tl.note_col, t("checks.not_reproduced_note"), "note")
            row += 2

        # Error values anywhere in the calculation and output tabs
        sh.put(row, LABEL_COL, t("checks.errors"), "section")
        row += 1
        for target in scan_sheets:
            top = target.chart_data_top   # chart data at the tab's foot: #N/A is a gap there, nothing else passes
            above = target.used_range(STATUS_ROW + 1, None if top is None else top - 1)
            sh.put(row, LABEL_COL, t("checks.errors_on", tab=target.name), "label")
            self.totals.append(sh.put(row, UNIT_COL, CountErrors(above), "check", "int"))
            sh.put(row, tl.note_col, t("checks.errors_note"), "note")
            row += 1
            if top is not None:
                sh.put(row, LABEL_COL, t("checks.errors_chart_data", tab=target.name), "label")
                self.totals.append(sh.put(row, UNIT_COL, CountErrors(target.used_range(top), gaps=False), "check", "int"))
                sh.put(row, tl.note_col, t("checks.errors_chart_data_note"), "note")
                row += 1
        row += 1
        sh.put(row, LABEL_COL, t("checks.master"), "total_label")
        self.master = sh.put(row, UNIT_COL, SUM(*[t.ref() for t in self.totals]), "check_total", "int")
        self.MasterCheck = book.define("MasterCheck", self.master)

    # what the reported costs imply with the compute build's assumptions: (line, number format), shown by period
    IMPLIED = [("c_serving_acc", "accelerators"), ("c_utilisation", "pct"), ("c_tokens_per_acc", "throughput"),
               ("c_rate", "per_hour"), ("c_rnd_acc", "accelerators"), ("c_fleet", "accelerators"),
               ("c_hours_per_gen", "acc_hours"), ("c_lrmc_share", "pct"), ("c_fleet_reported", "accelerators"),
               ("c_reported_rate", "per_hour")]

    def compute_rows(self, sh, data, tl, is_, inputs, tol, row, tab) -> int:
        """The compute build against what was reported, in each actual period: a check that its serving and R&D
        compute reproduce the reported cloud cost of revenue and R&D compute (with a rented fleet not below 0),
        and what those costs imply with the assumed rent, throughput and owned fleet: utilisation, accelerators,
        cost per accelerator-hour, tokens per accelerator-second (shown, not tested: the Compute References tab
        holds them against published figures, so an assumption that calibrates only at 5% utilisation shows)."""
        t, seg = sh.book.t, data.units.segment
        scale, amount = inputs.facts["cost_scale"].ref(True, True), tol["amount"]
        sh.put(row, LABEL_COL, t("checks.compute_section", segment=t.segment(seg)), "section")
        row += 1

        def reproduces(p):
            at = lambda key: is_.at(key, p)  # noqa: E731
            cost = lambda acc: at(acc) * at("c_hours") * at("c_rate") * scale  # noqa: E731
            cloud = at(f"rev_{seg}") - at(f"gp_{seg}")
            return fails_if(OR(ABS(cost("c_serving_acc") - cloud).gt(amount), ABS(cost("c_rnd_acc") - at("rnd_compute")).gt(
                amount), at("c_rented").lt(-amount)), at("c_serving_acc"), at("c_rnd_acc"), at("c_rented"), at("c_rate"))
        sh.put(row, LABEL_COL, t("checks.compute_reproduces", segment=t.segment(seg)), "label")
        cells = [sh.put(row, tl.col[p], reproduces(p), "calc", "int") for p in tl.actuals]
        self.totals.append(sh.put(row, UNIT_COL, SUM(Rng(cells[0], cells[-1], absolute=False)), "check", "int"))
        sh.put(row, tl.note_col, t("checks.compute_reproduces_note"), "note")
        row += 1
        sh.put(row, LABEL_COL, t("checks.compute_implied", references=tab.get("compute_refs", "")), "subsection")
        row += 1
        for key, fmt in self.IMPLIED:
            sh.put(row, LABEL_COL, t.line(is_.line(key))[0], "detail_label")
            sh.put(row, UNIT_COL, t.unit_of(fmt), "unit")
            for p in tl.actuals:
                if is_.has(key, p):
                    sh.put(row, tl.col[p], is_.at(key, p), "calc", fmt)
            row += 1
        sh.groups.append((row - len(self.IMPLIED), row - 1))
        return row + 1

    def review_rows(self, sh, data, tl, inputs, scenarios, cash, tol, benchmarks, row) -> int:
        """Review flags, not counted in the master check: with the compute build, assumptions outside the
        published range (Compute References tab); the ARR bridge's (tabs/arr.py); the forecast's own
        (tabs/flags.py). self.review counts them all (the Cover shows it)."""
        t = sh.book.t
        sh.put(row, LABEL_COL, t("checks.review"), "section")
        row += 1
        counts = []
        if benchmarks is not None:
            sh.put(row, LABEL_COL, t("checks.review_benchmarks", tab=benchmarks.sheet.name), "label")
            counts.append(sh.put(row, UNIT_COL, benchmarks.flag_count.ref(), "calc", "int"))
            sh.put(row, tl.note_col, t("checks.review_note"), "note")
            row += 1
        view = getattr(scenarios, "arr", None)
        if view is not None and view.bridge:   # the ARR bridge's (tabs/arr.py)
            row = arr_review_row(self, sh, tl, view, row)
            counts.append(self.arr_review)
        row, flags = flag_rows(sh, data, tl, inputs, scenarios, cash, tol, row)
        counts.append(flags)
        self.review = sh.put(row, LABEL_COL, t("checks.review_total"), "total_label") and sh.put(
            row, UNIT_COL, SUM(*[c.ref() for c in counts]), "calc_total", "int")
        return row + 2

    @staticmethod
    def valuation_rows(valuation, tol, check_row, last):
        """The scenarios' probability weights add to 100%; the valuation grid's centre (the selected terminal
        method's) equals the selected scenario's DCF value per share, computed apart."""
        weights = valuation.cells["weights"].ref()
        check_row("weights", {last: fails_if(ABS(weights - 1).gt(tol.get("share_sum", tol["amount"])))})
        method = valuation.inputs.valuation[("terminal_method", "")].ref()
        centre = IF(method.eq(1), valuation.grid_centre("multiple").ref(), valuation.grid_centre("growth").ref())
        check_row("valuation_centre", {last: fails_if(ABS(centre - valuation.ValuePerShareDCF).gt(tol["amount"]),
                                                      valuation.ValuePerShareDCF, centre)})

    @staticmethod
    def unit_rows(data, tl, is_, scale, units, tol, check_row, segment, head_scale, customer_segment):
        """The unit build's calibration (actual years: its drivers reproduce the reported figures) and
        its tie to the income statement (forecast years, each scenario)."""
        seg, amount = data.units.segment, tol["amount"]
        at = is_.at
        off = lambda a, b: ABS(a - b).gt(amount)  # noqa: E731

        def calibration(p):
            rev, gp, tokens, price = at(f"rev_{seg}", p), at(f"gp_{seg}", p), at("u_tokens_year", p), at("u_price", p)
            if data.compute:   # the cost of revenue is the serving compute (the compute rows test it)
                return fails_if(off(tokens * price * scale, rev), rev, gp, tokens, price)
            inference, fixed = at("u_inference", p), at("u_serving_fixed", p)
            return fails_if(OR(off(tokens * price * scale, rev), off(inference + fixed, rev - gp)),
                            rev, gp, tokens, price, inference, fixed)

        def rnd_split(p):
            training, research, people, rest = (at(k, p) for k in ("u_training", "u_research_compute", "u_rnd_people",
                                                                   "u_rnd_rest"))
            compute, other = at("rnd_compute", p), at("rnd_other", p)
            return fails_if(OR(off(training + research, compute), off(people + rest, other), people.gt(other + amount)),
                            training, research, people, rest, compute, other)
        def opex_split(p):
            variable, fixed, share, rev, opex = (at(k, p) for k in ("u_opex_variable", "u_opex_fixed", "u_opex_share",
                                                                   "revenue", "other_opex"))
            return fails_if(OR(off(variable + fixed, opex), off(rev * share, variable)), variable, fixed, share, rev, opex)
        check_row("unit_calibration_compute" if data.compute else "unit_calibration",
                  {p: calibration(p) for p in tl.actual_years}, segment=segment)
        if data.split_compute:   # else R&D is one line: no parts to tie
            check_row("unit_rnd", {p: rnd_split(p) for p in tl.actual_years})
        check_row("unit_opex", {p: opex_split(p) for p in tl.actual_years})
        cseg = data.units.customer_segment
        if cseg:
            def customers(p):
                n, per, rev = at("u_customers", p), at("u_rev_per_customer", p), at(f"rev_{cseg}", p)
                return fails_if(off(n * per * head_scale, rev), n, per, rev)
            check_row("unit_customers", {p: customers(p) for p in tl.actual_years}, segment=customer_segment)
        # every forecast period: the parts and the later years (a year in parts adds up its checked parts, where
        # the interim's segment margins, rounded, need not reproduce its reported gross profit to the last digit)
        for sc, b in units.blocks.items():
            check_row("unit_result", {p: fails_if(off(b.here("ue_result", p), b.at("adjusted_net_income", p)))
                                      for p in tl.driver_periods}, scenario=sc)

    @staticmethod
    def risk_rows(data, tl, inputs, risk, trials, tol, check_row):
        """The Monte Carlo's checks: the trial the Risk tab shows line by line equals its row of the Trials
        tab; every range runs low <= likely <= high; the scenario weights add to 100%; the trials asked for
        are in the workbook."""
        last = tl.forecast[-1]
        shown = risk.shown.ref(True, True)
        viewer = risk.viewer

        def off(p):
            pairs = [(viewer.at(k, p), ("line", k, p)) for k in ("revenue", "adjusted_net_income")]
            pairs.append((viewer.bridge.here("closing_cash", p), ("line", "closing_cash", p)))
            return OR(*[ABS(a - INDEX(trials.column(key), shown)).gt(tol["amount"]) for a, key in pairs])
        check_row("risk_shown", {p: IF(off(p), 1, 0) for p in tl.forecast}, risk=risk.sheet.name,
                  trials=trials.sheet.name)
        rin = inputs.risk
        order = [rin[(r.driver, a)].ref().gt(rin[(r.driver, b)].ref()) for r in data.risk.ranges
                 for a, b in (("low", "likely"), ("likely", "high"))]
        check_row("risk_ranges", {last: IF(OR(*order), 1, 0)})
        check_row("risk_weights", {last: IF(ABS(inputs.risk_weight_total.ref() - 1).gt(tol["share_sum"]), 1, 0)})
        check_row("risk_trials", {last: IF(risk.used.ref().lt(ROUND(rin[("trials", "")].ref(), 0)), 1, 0)},
                  trials=trials.sheet.name)
