"""Cover: what the model is, the headline answers for the selected scenario, the master check, a
short guide, the sign convention, a legend of cell styles and a table of contents."""
from __future__ import annotations

import calendar

from ..formula import IF, Text
from ..periods import parse_year_end, period_end
from ..timeline import LABEL_COL
from . import LINE_HEIGHT, title_rows

GUIDE = [
    "1. Edit the blue cells on Inputs (historical actuals, tolerances, scenario assumptions); every other figure is a formula.",
    "2. Pick the scenario in Inputs (the dropdown beside 'Selected scenario'); the Income Statement and Ratios follow it.",
    "3. The Scenarios, Breakeven and Cash & Funding tabs show every scenario at once, whichever is selected.",
    "4. Sensitivity shifts the selected scenario's drivers; Claims Audit tests each claim listed in claims.csv.",
    "5. New data: edit the files in the company's data folder, then run python cli.py build --data FOLDER; your edits are kept.",
    "6. The master check must read OK; the Checks tab lists each test and where it fails.",
]
LEGEND = [("input", "123.45", "Input: typed-in figure or assumption (blue on light yellow) — edit these"),
          ("calc", "123.45", "Calculation on the same tab (black)"),
          ("link", "123.45", "Link to another tab (green)"),
          ("check", "0", "Check result (0 = pass)")]


def fiscal_year_text(data) -> str:
    """'31 March: FY2024 is the 12 months to 31 Mar 2024' (fiscal years are named by the year they end in)."""
    year_end = parse_year_end(str(data.company["fiscal_year_end"]))
    base = data.base_year
    return (f"{year_end[1]} {calendar.month_name[year_end[0]]}: fiscal years are named by the year they end in "
            f"({base.code} is the 12 months to {period_end(base, year_end)}).")


def periods_text(data, tl) -> str:
    """Which columns are actual and estimate, and when each interim ends."""
    text = (f"{tl.actual_years[0].code}–{tl.base_year.code} actual; {tl.forecast[0].code}–{tl.forecast[-1].code} "
            "estimate.")
    if tl.interims:
        year_end = parse_year_end(str(data.company["fiscal_year_end"]))
        text += " Interims, year to date: " + "; ".join(
            f"{p.code} = the {p.months} months to {period_end(p, year_end)}" for p in tl.interims) + "."
    return text


# (heading, unit, format, (tab, column of that tab's summary table))
BY_SCENARIO = [("Breakeven year", "year", "year", ("scenarios", 0)),
               ("Cumulative adjusted loss to breakeven", "amount", "amount", ("scenarios", 1)),
               ("Lowest cash balance", "amount", "amount", ("cash", 0)),
               ("Cash falls below the minimum in", "year", "year", ("cash", 2)),
               ("Funding needed to reach breakeven", "amount", "amount", ("cash", 3)),
               ("Revenue CAGR needed (target year)", "%", "pct", ("breakeven", 4)),
               ("Scenario revenue CAGR (target year)", "%", "pct", ("breakeven", 5))]


class CoverTab:
    def __init__(self, book, data):
        self.sheet = book.add_sheet("Cover", "output")
        self.data = data
        title_rows(self.sheet, data, "Financial model", "A formula-driven model of revenue, margins, R&D and the "
                   "path to breakeven, by scenario.")

    def fill(self, inputs, income, scenarios, breakeven, cash, checks, tab_names):
        sh, c = self.sheet, self.data.company
        unit = c["unit"] + (f" ({c['unit_local']})" if c.get("unit_local") else "")
        last = income.lines.tl.forecast[-1]
        rows = [
            ("Company", f"{c['name']}" + (f" ({c['name_local']})" if c.get("name_local") else "")
             + (f", {c['ticker']}" if c.get("ticker") else "")),
            ("Data as of", str(c["as_of"])),
            ("Currency and unit", unit),
            ("Fiscal year end", fiscal_year_text(self.data)),
            ("Periods", periods_text(self.data, income.lines.tl)),
            ("Sign convention", "Revenue and costs are positive; costs are subtracted. Losses are negative and "
                                "shown in parentheses."),
        ]
        r = 4
        sh.put(r, LABEL_COL, "About", "section")
        r += 1
        for label, value in rows:
            sh.put(r, LABEL_COL, label, "label")
            sh.put(r, 1, value, "text")
            r += 1
        r += 1
        sh.put(r, LABEL_COL, "Headline (selected scenario)", "section")
        r += 1
        headline = [
            ("Selected scenario", inputs.Scenario, "text"),
            ("Breakeven year (adjusted net income ≥ 0)", scenarios.BreakevenYear, "year"),
            ("Cumulative adjusted loss until breakeven, " + c["unit"], scenarios.CumulativeLoss, "amount"),
            ("Lowest cash balance, " + c["unit"], cash.LowestCash, "amount"),
            ("Cash falls below the minimum in", cash.CashRunOutYear, "year"),
            ("Funding needed to reach breakeven, " + c["unit"], cash.FundingNeed, "amount"),
            ("Target breakeven year (Breakeven tab)", breakeven.target.ref(), "year"),
            ("Revenue CAGR needed to break even in the target year", breakeven.RequiredCAGR, "pct"),
            (f"Revenue {last.code}E, " + c["unit"], income.lines.cell("revenue", last).ref(), "amount"),
            (f"Adjusted net income {last.code}E, " + c["unit"], income.lines.cell("adjusted_net_income", last).ref(), "amount"),
            ("Master check (failures)", checks.MasterCheck, "int"),
            ("Model status", IF(checks.MasterCheck.eq(0), Text("OK — all checks pass"),
                                Text("CHECK FAILURES — see the Checks tab")), "text"),
        ]
        for label, expr, fmt in headline:
            sh.put(r, LABEL_COL, label, "label")
            sh.put(r, 1, expr, "calc", fmt)
            r += 1
        r += 1
        r = self.by_scenario(r, scenarios, breakeven, cash)
        r += 1
        sh.put(r, LABEL_COL, "How to use this workbook", "section")
        r += 1
        for line in GUIDE:
            sh.put(r, LABEL_COL, line, "text")
            r += 1
        r += 1
        sh.put(r, LABEL_COL, "Legend", "section")
        r += 1
        for role, sample, text in LEGEND:
            sh.put(r, 1, text, "text")
            sh.put(r, LABEL_COL, sample, "legend_" + role, "text")
            r += 1
        r += 1
        sh.put(r, LABEL_COL, "Contents", "section")
        r += 1
        for name in tab_names:
            cell = sh.put(r, LABEL_COL, name, "text")
            sh.links.append((cell, f"'{name}'!A1", name))
            r += 1
        sh.widths.update({0: 52, 1: 22, **{k: 15 for k in range(2, 2 + len(BY_SCENARIO))}})

    def by_scenario(self, r, scenarios, breakeven, cash):
        """The headline answer for every scenario at a glance: links to the analysis tabs' summaries."""
        sh, unit = self.sheet, self.data.company["unit"]
        sh.put(r, LABEL_COL, "Headline by scenario (always live, whichever is selected)", "section")
        r += 1
        sh.heights[r] = 3 * LINE_HEIGHT
        sh.put(r, LABEL_COL, "Scenario", "head")
        sh.put(r + 1, LABEL_COL, "", "subhead")
        for i, (head, u, _, _) in enumerate(BY_SCENARIO):
            sh.put(r, 1 + i, head, "head_wrap")
            sh.put(r + 1, 1 + i, unit if u == "amount" else u, "subhead")
        r += 2
        for sc in self.data.scenarios:
            sh.put(r, LABEL_COL, sc, "label")
            for i, (_, _, fmt, (tab, k)) in enumerate(BY_SCENARIO):
                src = {"scenarios": scenarios, "breakeven": breakeven, "cash": cash}[tab].summary[sc][k]
                sh.put(r, 1 + i, src.ref(), "calc", fmt)
            r += 1
        return r
