"""Cover: what the model is, the headline answers for the selected scenario, the master check, a
short guide, the sign convention, a legend of cell styles and a table of contents."""
from __future__ import annotations

from ...calc.formula import IF, Text
from ...data.periods import parse_year_end, period_end_date
from ...labels import LANGS
from ..timeline import LABEL_COL
from . import LINE_HEIGHT, STATUS_ROW, fit_rows, title_rows
from .market import cover_market
from .arr import cover_arr

LEGEND = [("input", "123.45"), ("calc", "123.45"), ("link", "123.45"), ("check", "0"),
          # actual-column figures that are not reported ones (model/workbook/provenance.py)
          ("derived", "123.45"), ("assumed", "123.45"), ("input_assumed", "123.45")]
TEXT_COLS = (1, 7)    # the About texts span columns B..H (merged, wrapped)
WIDTHS = {0: 52, 1: 22, **{k: 15 for k in range(2, 12)}}


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
               ("run_out", "year", "year", ("cash", 2)),
               ("funding_need", "amount", "amount", ("cash", 3)),
               ("required_cagr", "pct", "pct", ("breakeven", 4)),
               ("scenario_cagr", "pct", "pct", ("breakeven", 5)),
               ("reported_breakeven", "year", "year", ("scenarios", 7)),
               ("cash_breakeven", "year", "year", ("scenarios", 8))]
# with share data (the Cash & Funding tab's value table)
BY_SCENARIO_SHARES = [("dilution", "pct", "pct", ("shares", 3))]   # with share data: Cash & Funding's shares table
BY_SCENARIO_VALUE = [("value_per_share", "share_price", "share_price", ("valuation", "value"))]   # with valuation.csv


class CoverTab:
    def __init__(self, book, data):
        self.sheet = book.add_sheet("cover", "output")
        self.data, self.t = data, book.t
        title_rows(self.sheet, self.t("cover.tab"), self.t("cover.subtitle"))

    def fill(self, inputs, income, scenarios, breakeven, cash, checks, claims=None, valuation=None):
        sh, c, t = self.sheet, self.data.company, self.t
        self.valuation = valuation
        unit = t.unit
        other_unit = c["unit"] if unit != c["unit"] else c.get("unit_local")
        tabs = {s.tab: s.name for s in sh.book.sheets}
        tl = income.lines.tl
        last, op = tl.forecast[-1], inputs.opening_period
        rows = [
            ("company", t.company_name),
            ("as_of", str(c["as_of"])),
            ("unit", t("cover.unit_both", unit=unit, other=other_unit) if other_unit else unit),
            ("fiscal_year_end", fiscal_year_text(t, self.data)),
            ("periods", periods_text(t, self.data, income.lines.tl)),
            ("signs", t("cover.signs_text")),
        ]
        # the texts of every edition that differ by more than their words' language: the rows fit the longest,
        # so that the editions keep one layout
        editions = {"fiscal_year_end": [fiscal_year_text(t.edition(lang), self.data) for lang in LANGS],
                    "periods": [periods_text(t.edition(lang), self.data, income.lines.tl) for lang in LANGS]}
        r = 4
        sh.put(r, LABEL_COL, t("cover.about"), "section")
        r += 1
        width = sum(WIDTHS[c] for c in range(TEXT_COLS[0], TEXT_COLS[1] + 1))
        for label, value in rows:
            sh.put(r, LABEL_COL, t(f"cover.{label}"), "text_wrap")  # level with its wrapped text
            sh.put(r, 1, value, "text_wrap")
            sh.merges.append((r, *TEXT_COLS))
            fit_rows(sh, [(r, text, width) for text in editions.get(label, [value])])
            r += 1
        r += 1
        sh.put(r, LABEL_COL, t("cover.headline"), "section")
        r += 1
        headline = [
            (t("cover.selected"), inputs.Scenario, "calc_left", "text"),
            (t("cover.breakeven"), scenarios.BreakevenYear, "calc_left", "year"),
            (t("cover.cumulative_loss", unit=unit, period=op.code), scenarios.CumulativeLoss, "calc_left", "amount"),
            (t("cover.lowest_cash", unit=unit), cash.LowestCash, "calc_left", "amount"),
            (t("cover.run_out"), cash.CashRunOutYear, "calc_left", "year"),
            (t("cover.funding_need", unit=unit), cash.FundingNeed, "calc_left", "amount"),
        ] + self.value_rows(cash, valuation, last) + [
            (t("cover.reported_breakeven"), scenarios.selected[7].ref(), "calc_left", "year"),
            (t("cover.cash_breakeven"), scenarios.selected[8].ref(), "calc_left", "year"),
            (t("cover.target_year", breakeven=tabs["breakeven"]), breakeven.target.ref(), "calc_left", "year"),
            (t("cover.required_cagr"), breakeven.RequiredCAGR, "calc_left", "pct"),
            (t("cover.revenue_last", period=last.code, unit=unit), income.lines.cell("revenue", last).ref(),
             "calc_left", "amount"),
            (t("cover.adjusted_last", period=last.code, unit=unit),
             income.lines.cell("adjusted_net_income", last).ref(), "calc_left", "amount"),
        ] + ([(t("cover.claims_differ", claims=tabs["claims"]), self.claims_differ(claims), "calc_left", "text")]
             if claims else []) + [
            (t("cover.master"), checks.MasterCheck, "status", "int"),
            (t("cover.status"), IF(checks.MasterCheck.eq(0), Text(t("cover.status_ok")),
                                   Text(t("cover.status_fail", checks=tabs["checks"]))), "status", "text"),
        ]
        basis = scenarios.selected[5].ref()  # "until breakeven", or a lower bound over the horizon
        for label, expr, role, fmt in headline:
            sh.put(r, LABEL_COL, label, "label")
            sh.put(r, 1, expr, role, fmt)
            if expr in (scenarios.CumulativeLoss, cash.FundingNeed):
                sh.put(r, 2, basis, "note", "text")
            r += 1
        r += 1
        r = self.by_scenario(r, scenarios, breakeven, cash)
        r += 1
        r = cover_market(self, r, scenarios.market)
        r = cover_arr(self, r, getattr(scenarios, "arr", None))
        r += 1 if scenarios.market.estimates else 0
        sh.put(r, LABEL_COL, t("cover.guide_title"), "section")
        r += 1
        claims_line = t("cover.guide_claims", claims=tabs["claims"]) if claims else ""
        peers_line = t("cover.guide_peers", peers=tabs["peers"]) if "peers" in tabs else ""
        valuation_line = t("cover.guide_valuation", valuation=tabs["valuation"]) if "valuation" in tabs else ""
        for line in t("cover.guide", claims_line=claims_line, peers_line=peers_line, valuation_line=valuation_line,
                      **{k: v for k, v in tabs.items() if k not in ("claims", "peers", "valuation")}):
            sh.put(r, LABEL_COL, line, "text")
            r += 1
        r += 1
        sh.put(r, LABEL_COL, t("cover.legend"), "section")
        r += 1
        for role, sample in LEGEND:
            sh.put(r, 1, t(f"cover.legend_{role}"), "text_wrap")   # across the About texts' columns, wrapped
            sh.merges.append((r, *TEXT_COLS))
            width = sum(WIDTHS[c] for c in range(TEXT_COLS[0], TEXT_COLS[1] + 1))
            fit_rows(sh, [(r, t.edition(lang)(f"cover.legend_{role}"), width) for lang in LANGS])  # one layout
            sh.put(r, LABEL_COL, sample, "legend_" + role, "text")
            r += 1
        r += 1
        sh.put(r, LABEL_COL, t("cover.contents"), "section")
        r += 1
        for s in sh.book.sheets:
            cell = sh.put(r, LABEL_COL, s.name, "link")
            sh.links.append((cell, f"'{s.name}'!A1", s.name))
            r += 1
        sh.widths.update(WIDTHS)
        sh.one_page = True
        sh.freeze = (STATUS_ROW + 1, 0)

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
        """The headline answer for every scenario at a glance: links to the analysis tabs' summaries."""
        sh, t = self.sheet, self.t
        sh.put(r, LABEL_COL, t("cover.by_scenario"), "section")
        r += 1
        sh.heights[r] = 3 * LINE_HEIGHT
        sh.put(r, LABEL_COL, t("scenarios.scenario"), "head")
        sh.put(r + 1, LABEL_COL, "", "subhead")
        columns = BY_SCENARIO + (BY_SCENARIO_SHARES if hasattr(cash, "share_summary") else []) + (
            BY_SCENARIO_VALUE if self.valuation else [])
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
        tl = scenarios.blocks[self.data.scenarios[0]].tl
        sh.put(r, LABEL_COL, t("cover.by_scenario_note", first=tl.forecast[0].code, last=tl.forecast[-1].code,
                               period=scenarios.opening_period.code), "note")
        return r + 1
