"""Cover: what the model is, the headline answers for the selected scenario, the master check, a
short guide, the sign convention, a legend of cell styles and a table of contents."""
from __future__ import annotations

from ...calc.formula import IF, ISNUMBER, MAX, MIN, Rng, Text
from ...data.periods import parse_year_end, period_end_date
from ...labels import LANGS
from ..timeline import LABEL_COL
from . import LINE_HEIGHT, STATUS_ROW, fit_rows, lines_needed, put_label, title_rows
from ..pack import PACK
from .market import cover_market, published
from .scorecard import VERDICTS
from .words import PLACEHOLDER, number, sentence, year
from .arr import cover_arr

LEGEND = [("input", "123.45"), ("calc", "123.45"), ("link", "123.45"), ("check", "0"),
          # actual-column figures that are not reported ones (model/workbook/provenance.py)
          ("derived", "123.45"), ("assumed", "123.45"), ("input_assumed", "123.45")]
TEXT_COLS = (1, 7)    # the About texts span columns B..H (merged, wrapped)
# one page wide at a readable scale (the print pack): a label column and seven of figures; the by-scenario
# headline is two tables of at most seven columns
WIDTHS = {0: 54, **{k: 13 for k in range(1, 8)}}
CASH_COLUMNS = ("lowest_cash", "lowest_year", "run_out", "funding_need", "dilution", "value_per_share")


def fiscal_year_text(t, data) -> str:
    """'31 March: fiscal years are named by the year they end in (FY2024 is the 12 months to 31 Mar 2024).'"""
    month, day = parse_year_end(str(data.company["fiscal_year_end"]))
    base = data.base_year
    return t("cover.fiscal_year_text", day=day, month=t("common.month_names")[month - 1], base=base.code,
             end=t.date(*period_end_date(base, (month, day))))


def periods_text(t, data, tl) -> str:
    """Which columns are actual and estimate, and when each interim ends."""
    text = t("cover.periods_text", first=tl.actual_years[0].code, base=tl.base_year.code,
             start=tl.forecast[0].code, last=tl.forecast[-1].code)
    if tl.interims:
        year_end = parse_year_end(str(data.company["fiscal_year_end"]))
        text += t("cover.interims", list=t("cover.interim_sep").join(
            t("cover.interim", code=p.code, months=p.months, end=t.date(*period_end_date(p, year_end)))
            for p in tl.interims))
    if tl.split:
        text += t("cover.in_parts", years=t("cover.interim_sep").join(
            " | ".join(f"{q.code}{'A' if tl.is_actual(q) else 'E'}" for q in parts) + f" | FY{y}E"
            for y, parts in tl.split.items()))
    return text


# (heading, unit, format, (tab, column of that tab's summary table))
# (label id cover.<id>_head, unit kind, format, (tab, column of that tab's summary table))
BY_SCENARIO = [("breakeven", "year", "year", ("scenarios", 0)),
               ("cumulative_loss", "amount", "amount", ("scenarios", 1)),
               ("lowest_cash", "amount", "amount", ("cash", 0)),
               ("lowest_year", "year", "year", ("cash", 1)),
               ("run_out", "year", "year", ("cash", 2)),
               ("funding_need", "amount", "amount", ("cash", 3)),
               ("required_cagr", "pct", "pct", ("breakeven", 4)),
               ("scenario_cagr", "pct", "pct", ("breakeven", 5)),
               ("reported_breakeven", "year", "year", ("scenarios", 7)),
               ("cash_breakeven", "year", "year", ("scenarios", 8)),
               ("operating_breakeven", "year", "year", ("scenarios", -1))]   # the Scenarios summary's last column
# with share data (the Cash & Funding tab's value table)
BY_SCENARIO_SHARES = [("dilution", "pct", "pct", ("shares", 3))]   # with share data: Cash & Funding's shares table
BY_SCENARIO_VALUE = [("value_per_share", "share_price", "share_price", ("valuation", "value"))]   # with valuation.csv


class CoverTab:
    def __init__(self, book, data):
        self.sheet = book.add_sheet("cover", "output")
        self.data, self.t = data, book.t
        title_rows(self.sheet, self.t("cover.tab"), self.t("cover.subtitle"))

    def fill(self, inputs, income, scenarios, breakeven, cash, checks, claims=None, valuation=None, risk=None):
        sh, c, t = self.sheet, self.data.company, self.t
        self.valuation = valuation
        unit = t.unit
        other_unit = c["unit"] if unit != c["unit"] else c.get("unit_local")
        tabs = {s.tab: s.name for s in sh.book.sheets}
        tl = income.lines.tl
        last, op = tl.forecast[-1], inputs.opening_period
        about = lambda e: [   # noqa: E731  (label id, text) in the edition of e
            ("company", e.company_name),
            ("as_of", str(c["as_of"])),
            ("unit", e("cover.unit_both", unit=e.unit, other=other_unit) if other_unit else e.unit),
            ("fiscal_year_end", fiscal_year_text(e, self.data)),
            ("periods", periods_text(e, self.data, income.lines.tl)),
            ("signs", e("cover.signs_text")),
        ]
        editions = [t.edition(lang) for lang in LANGS]
        r = self.answer(4, inputs, income, scenarios, cash) + 1
        r = self.thesis(r, claims)
        self.section(r, t("cover.headline"))
        r += 1
        headline = [
            (t("cover.selected"), inputs.Scenario, "calc_left", "text"),
            (t("cover.breakeven"), scenarios.BreakevenYear, "calc_left", "year"),
            (t("cover.cumulative_loss", unit=unit, date=self.opening_date(op)), scenarios.CumulativeLoss, "calc_left",
             "amount"),
            (t("cover.lowest_cash", unit=unit), cash.LowestCash, "calc_left", "amount"),
            (t("cover.run_out"), cash.CashRunOutYear, "calc_left", "year"),
            (t("cover.funding_need", unit=unit), cash.FundingNeed, "calc_left", "amount"),
        ] + self.value_rows(cash, valuation, last) + [
            (t("cover.reported_breakeven"), scenarios.selected[7].ref(), "calc_left", "year"),
            (t("cover.cash_breakeven"), scenarios.selected[8].ref(), "calc_left", "year"),
            (t("cover.operating_breakeven"), scenarios.selected[-1].ref(), "calc_left", "year"),
            (t("cover.target_year", breakeven=tabs["breakeven"]), breakeven.target.ref(), "calc_left", "year"),
            (t("cover.required_cagr"), breakeven.RequiredCAGR, "calc_left", "pct"),
        ] + ([(t("cover.prob_breakeven", risk=tabs["risk"]),
               breakeven.ProbBreakevenByTarget, "calc_left", "pct")] if risk else []) + [
            (t("cover.revenue_last", period=last.code, unit=unit), income.lines.cell("revenue", last).ref(),
             "calc_left", "amount"),
            (t("cover.adjusted_last", period=last.code, unit=unit),
             income.lines.cell("adjusted_net_income", last).ref(), "calc_left", "amount"),
        ] + self.claims_rows(claims, tabs) + [
            (t("cover.review_flags", checks=tabs["checks"]), checks.review.ref(), "calc_left", "int"),
            (t("cover.master"), checks.MasterCheck, "status", "int"),
            (t("cover.status"), IF(checks.MasterCheck.eq(0), Text(t("cover.status_ok")),
                                   Text(t("cover.status_fail", checks=tabs["checks"]))), "status", "text"),
        ]
        basis = scenarios.selected[5].ref()  # "until breakeven", or a lower bound over the horizon
        for label, expr, role, fmt in headline:
            sh.put(r, LABEL_COL, label, "label")
            sh.put(r, 1, expr, role, fmt)
            if expr is scenarios.CumulativeLoss:   # the periods it counts: from the opening cash date
                self.loss_spans["selected"] = sh.put(r, 2, self.loss_span(scenarios.BreakevenYear, tl, income.headers), "note", "text")
            elif expr is cash.FundingNeed:
                sh.put(r, 2, basis, "note", "text")
            elif expr is cash.LowestCash:   # and the year it falls to
                sh.put(r, 2, cash.selected[1].ref(), "calc_left", "year")
            r += 1
        r += 1
        sh.pack_end = r   # the print pack's second page of the Cover: the scenarios at a glance, the market, the guide
        r = self.by_scenario(r, scenarios, breakeven, cash)
        r += 1
        r = cover_market(self, r, scenarios.market)
        r = cover_arr(self, r, getattr(scenarios, "arr", None))
        r += 1 if scenarios.market.estimates else 0
        sh.page_breaks.append(r)   # the pack's Cover ends here: about the model, the guide and the rest are appendix
        self.section(r, t("cover.about"))   # about the model, after its answers
        r += 1
        for i, (label, value) in enumerate(about(t)):   # as tall as the longest edition's text: one layout
            sh.put(r, LABEL_COL, t(f"cover.{label}"), "text_wrap")  # level with its wrapped text
            sh.put(r, 1, value, "text_wrap")
            sh.merges.append((r, *TEXT_COLS))
            fit_rows(sh, [(r, about(e)[i][1], sum(WIDTHS[c] for c in range(TEXT_COLS[0], TEXT_COLS[1] + 1)))
                          for e in editions])
            r += 1
        r += 1
        self.section(r, t("cover.guide_title"))
        r += 1
        width = sum(WIDTHS.values())
        for i, line in enumerate(self.guide(t, claims)):   # wrapped across the page, as tall as any edition needs
            sh.put(r, LABEL_COL, line, "text_wrap")
            sh.merges.append((r, LABEL_COL, TEXT_COLS[1]))
            fit_rows(sh, [(r, self.guide(e, claims)[i], width) for e in editions])
            r += 1
        r += 1
        self.section(r, t("cover.legend"))
        r += 1
        for role, sample in LEGEND:
            sh.put(r, 1, t(f"cover.legend_{role}"), "text_wrap")   # across the About texts' columns, wrapped
            sh.merges.append((r, *TEXT_COLS))
            width = sum(WIDTHS[c] for c in range(TEXT_COLS[0], TEXT_COLS[1] + 1))
            fit_rows(sh, [(r, t.edition(lang)(f"cover.legend_{role}"), width) for lang in LANGS])  # one layout
            sh.put(r, LABEL_COL, sample, "legend_" + role, "text")
            r += 1
        r += 1
        self.section(r, t("cover.contents"))
        r += 1
        for s in sh.book.sheets:
            cell = sh.put(r, LABEL_COL, s.name, "link")
            sh.links.append((cell, f"'{s.name}'!A1", s.name))
            r += 1
        sh.widths.update(WIDTHS)
        sh.freeze = (STATUS_ROW + 1, 0)

    def guide(self, e, claims) -> list[str]:
        """The guide's lines in the edition of `e`, naming the tabs as that edition does."""
        tabs = {s.tab: e(f"tabs.{s.tab}") for s in self.sheet.book.sheets if s.tab}
        lines = {"claims_line": e("cover.guide_claims", claims=tabs["claims"]) if claims else "",
                 "peers_line": e("cover.guide_peers", peers=tabs["peers"]) if "peers" in tabs else "",
                 "valuation_line": e("cover.guide_valuation", valuation=tabs["valuation"]) if "valuation" in tabs else ""}
        quoted = lambda tab: e("cover.guide_pack_pages", tab=tabs[tab], pages=PACK[tab]) if PACK[tab] > 1 else \
            e("cover.guide_pack_tab", tab=tabs[tab])   # noqa: E731
        pack = e("cover.guide_pack_sep").join(quoted(tab) for tab in PACK if tab in tabs)
        return e("cover.guide", **lines, pack=pack,
                 **{k: v for k, v in tabs.items() if k not in ("claims", "peers", "valuation")})

    def section(self, r, text):
        """A section heading across the page's width, so that it reads whole."""
        self.sheet.put(r, LABEL_COL, text, "section")
        self.sheet.merges.append((r, LABEL_COL, TEXT_COLS[1]))

    def opening_date(self, op) -> str:
        """The opening cash date (30 Jun 2026): the end of the period the cash balance is given for."""
        return self.t.date(*period_end_date(op, parse_year_end(str(self.data.company["fiscal_year_end"]))))

    def loss_span(self, breakeven, tl, headers):
        """The periods the cumulative loss counts, by formula: from the opening cash date (2H2026 after a
        1H2026 opening, else the first forecast year) to the year before breakeven, or to the last year
        and then a lower bound. `headers`: the Income Statement's period header cells (the fiscal years)."""
        t, first, last = self.t, tl.forecast[0], tl.forecast[-1]
        first_year = headers[first].ref(True, True)
        start = tl.stub.rest().code if tl.stub else first.code
        end = breakeven - 1
        to_end = IF(end.lt(first_year), Text("–"), IF(end.eq(first_year), Text(start),
                                                          sentence(t.raw("cover.span"), start=start, end=year(end))))
        return IF(ISNUMBER(breakeven), to_end, Text(t("cover.span_lower", start=start, end=last.code)))

    def answer(self, r, inputs, income, scenarios, cash) -> int:
        """The question the model answers, a sentence per scenario built by formulas: its adjusted
        breakeven (or none by the last year) against the brokers' view, its lowest cash and that year,
        and the first forecast year's revenue. Returns the next free row."""
        sh, t, data = self.sheet, self.t, self.data
        tl = income.lines.tl
        first, last = tl.forecast[0], tl.forecast[-1]
        self.section(r, t("cover.answer", first=first.code, last=last.code))
        r += 1
        width = sum(WIDTHS[c] for c in range(TEXT_COLS[1] + 1))
        # as tall as the longer edition's sentence needs, each figure taken at ten characters
        filled = [PLACEHOLDER.sub("0123456789", e.raw("cover.answer_line") + e.raw("cover.answer_brokers"))
                  for e in (t.edition(lang) for lang in LANGS)]
        brokers = self.broker_view(inputs)
        self.answers, self.loss_spans = {}, {}
        for sc in data.scenarios:
            be = scenarios.summary[sc][0].ref()
            verdict = IF(ISNUMBER(be), sentence(t.raw("cover.answer_breakeven"), year=year(be)),
                         Text(t("cover.answer_none", last=last.code)))
            name = t.scenario(sc)
            line = sentence(t.raw("cover.answer_line"), scenario=name[:1].upper() + name[1:], verdict=verdict,
                            brokers=brokers, low=number(cash.summary[sc][0].ref()), low_year=year(cash.summary[sc][1].ref()),
                            first=first.code, revenue=number(scenarios.blocks[sc].cell("revenue", first).ref()))
            self.answers[sc] = sh.put(r, LABEL_COL, line, "sentence")   # general: merged cells read alike
            sh.merges.append((r, LABEL_COL, TEXT_COLS[1]))
            fit_rows(sh, [(r, text, width) for text in filled])
            r += 1
        note = lambda e: e("cover.answer_note", unit=e.unit, period=scenarios.opening_period.code)  # noqa: E731
        sh.put(r, LABEL_COL, note(t), "note_wrap")
        sh.merges.append((r, LABEL_COL, TEXT_COLS[1]))
        fit_rows(sh, [(r, note(t.edition(lang)), width) for lang in LANGS])
        return r + 1

    def broker_view(self, inputs):
        """' — brokers see FY2028 (JPM, HSBC)': the years of breakeven or first profit the market's view gives,
        each broker's latest estimate (a revision replaces its earlier one); "" without any."""
        t, latest = self.t, {}
        for est in self.data.market:
            if est.metric in ("breakeven_year", "profit_year"):
                held = latest.get(est.broker)
                if held is None or (est.date and (held.date is None or est.date >= held.date)):
                    latest[est.broker] = est
        if not latest:
            return ""
        refs = [published(inputs, est) for est in latest.values()]
        low, high = (MIN(*refs), MAX(*refs)) if len(refs) > 1 else (refs[0], refs[0])
        years = IF(low.eq(high), year(low), sentence("{a}–{b}", a=year(low), b=year(high)))
        names = t("cover.answer_names_sep").join(t.data_text(est.fields, "broker") for est in latest.values())
        return sentence(t.raw("cover.answer_brokers"), years=years, names=names)

    def claims_rows(self, claims, tabs):
        """The note's claims in the headline: its conclusions' verdicts where the data give a thesis (the
        scorecard's count), else how many of all the claims differ."""
        if claims is None:
            return []
        if claims.scorecard:   # the conclusions' own section above says it
            return []
        return [(self.t("cover.claims_differ", claims=tabs["claims"]), self.claims_differ(claims), "calc_left", "text")]

    def thesis(self, r, claims) -> int:
        """The note's conclusions, each with its verdict (the Claims Audit's scorecard, linked). Returns the
        next free row."""
        if claims is None or not claims.scorecard:
            return r
        sh, t, card = self.sheet, self.t, claims.scorecard
        self.section(r, t("cover.thesis", claims=claims.sheet.name))
        r += 1
        for th in self.data.thesis:
            texts = [e.data_text(th.fields, "thesis") for e in (t.edition(lang) for lang in LANGS)]
            put_label(sh, r, t.data_text(th.fields, "thesis"), "label", texts, WIDTHS[LABEL_COL])
            sh.put(r, 1, card.verdicts[th.id].ref(), "calc_left", "text")
            for key, role in VERDICTS:
                sh.highlights.append((Rng(sh.cell_at(r, 1), sh.cell_at(r, 1)), card.word[key], role))
            r += 1
        sh.put(r, LABEL_COL, card.count_cell.ref(), "calc_left")
        sh.merges.append((r, LABEL_COL, TEXT_COLS[1]))
        return r + 2

    def claims_differ(self, claims):
        """'4 of 42': the claims that differ (under their condition too) of all claims audited."""
        differ = claims.counts["differs"].ref() + claims.counts["condition_failed"].ref()
        return differ.cat(Text(self.t("cover.claims_of"))).cat(claims.count.ref())

    def value_rows(self, cash, valuation, last):
        """The shares and what they are worth: diluted shares at the end of the horizon; with a valuation the
        DCF's range across scenarios with its method named, the probability-weighted value, and the market
        price only where the sources quote one (never a placing price in its place)."""
        t = self.t
        if not hasattr(cash, "share_summary"):
            return []
        rows = [(t("cover.diluted_shares", period=last.code), cash.DilutedShares, "calc_left", "shares")]
        if valuation is None:
            return rows
        currency, method = valuation.inputs.share_currency, valuation.cells["method"].ref()
        rows += [(t("cover.value_method"), method, "calc_left", "text"),
                 (t("cover.value_low", currency=currency), valuation.ValueLow.ref(), "calc_left", "share_price"),
                 (t("cover.value_high", currency=currency), valuation.ValueHigh.ref(), "calc_left", "share_price"),
                 (t("cover.value_weighted", currency=currency), valuation.ValueWeighted, "calc_left", "share_price")]
        if valuation.MarketCap is None:
            rows.append((t("cover.market_price"), t("cover.no_quote"), "text", "text"))
        else:
            rows += [(t("cover.market_price_quoted", currency=currency), valuation.cells["market_price"].ref(),
                      "calc_left", "share_price"),
                     (t("cover.against_market"), valuation.cells["against_market"].ref(), "calc_left", "pct")]
        return rows

    def by_scenario(self, r, scenarios, breakeven, cash):
        """The headline answer for every scenario at a glance, links to the analysis tabs' summaries: the
        breakeven table, then the cash and value table (each narrow enough for a readable page)."""
        columns = BY_SCENARIO + (BY_SCENARIO_SHARES if hasattr(cash, "share_summary") else []) + (
            BY_SCENARIO_VALUE if self.valuation else [])
        r = self.scenario_table(r, "by_scenario", [c for c in columns if c[0] not in CASH_COLUMNS], scenarios,
                                breakeven, cash)
        r = self.scenario_table(r + 1, "by_scenario_cash", [c for c in columns if c[0] in CASH_COLUMNS], scenarios,
                                breakeven, cash)
        tl = scenarios.blocks[self.data.scenarios[0]].tl
        self.sheet.put(r, LABEL_COL, self.t("cover.by_scenario_note", first=tl.forecast[0].code,
                                            last=tl.forecast[-1].code, period=scenarios.opening_period.code), "note_wrap")
        self.sheet.merges.append((r, LABEL_COL, TEXT_COLS[1]))
        fit_rows(self.sheet, [(r, e("cover.by_scenario_note", first=tl.forecast[0].code, last=tl.forecast[-1].code,
                                    period=scenarios.opening_period.code), sum(WIDTHS.values()))
                              for e in (self.t.edition(lang) for lang in LANGS)])
        return r + 1

    def scenario_table(self, r, title, columns, scenarios, breakeven, cash):
        sh, t = self.sheet, self.t
        self.section(r, t(f"cover.{title}"))
        r += 1
        heads = [(e(f"cover.{key}_head"), WIDTHS[1 + i]) for e in (t.edition(lang) for lang in LANGS)
                 for i, (key, _, _, _) in enumerate(columns)]
        sh.heights[r] = LINE_HEIGHT * max(3, *(lines_needed(text, w - 1) for text, w in heads))
        sh.put(r, LABEL_COL, t("scenarios.scenario"), "head")
        sh.put(r + 1, LABEL_COL, "", "subhead")
        for i, (key, unit, _, _) in enumerate(columns):
            sh.put(r, 1 + i, t(f"cover.{key}_head"), "head_wrap")
            sh.put(r + 1, 1 + i, t.unit_of(unit), "subhead")
        r += 2
        for sc in self.data.scenarios:
            sh.put(r, LABEL_COL, t.scenario(sc), "label")
            for i, (_, _, fmt, (tab, k)) in enumerate(columns):
                src = cash.share_summary[sc][k] if tab == "shares" else self.valuation.value_of(sc) if \
                    tab == "valuation" else \
                    {"scenarios": scenarios, "breakeven": breakeven, "cash": cash}[tab].summary[sc][k]
                sh.put(r, 1 + i, src.ref(), "calc", fmt)
            r += 1
        return r
