"""Each line item defined once: label, unit, and how it is computed in actual and forecast columns.

A definition is a function of a context `x` and a period `p` that returns a formula (`Expr`); the
same definition fills the Income Statement (driven by the selected scenario) and each scenario's
block on the Scenarios tab (driven by that scenario's own assumption rows). Context methods:
  x.inp(item, p)   the Inputs cell of a historical figure
  x.at(key, p)     this line set's cell for another line at period p
  x.prev(key, p)   the same, one full year earlier (the previous column)
  x.drv(name, p)   the scenario driver for forecast year p
  x.year(p)        the fiscal year number of period p (the header cell)
  x.comparative(p) the like-for-like prior period, or None
  x.here(key, p)   this block's own line (when `at` reads another block)
  x.run(key, p)    `at`'s cells from the first forecast year to p (a running range)
  x.anchor(key, p) `at` with the column fixed, so every column of a row reads the same cell
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from .formula import IF, INDEX, ISNUMBER, MATCH, NA, SUM, Text, guard, ratio


@dataclass
class Line:
    key: str
    label: str
    unit: str                               # amount | pct | x
    actual: Callable | None = None          # (x, p) -> Expr, for actual periods
    forecast: Callable | None = None        # (x, p) -> Expr, for forecast years
    kind: str = "normal"                    # normal | total | memo | detail
    note: str = ""


def link(item):
    """An actual period's figure from Inputs, n/a where the data leave it blank."""
    return lambda x, p: guard([x.inp(item, p)], x.inp(item, p))


def grow(key, driver):
    """Last year's value times (1 + growth)."""
    return lambda x, p: x.prev(key, p) * (1 + x.drv(driver, p))


def income_lines(data) -> list[Line]:
    """The Income Statement's lines for a dataset: its segments, and R&D split into compute and the
    rest when compute is given for the base year (else R&D is one line and compute history only)."""
    segments, single, split = data.segments, data.single_segment, data.split_compute
    seg_keys = [k for k, _ in segments]
    first_last = lambda x, p, pre: (x.at(f"{pre}_{seg_keys[0]}", p), x.at(f"{pre}_{seg_keys[-1]}", p))  # noqa: E731

    lines = []
    for key, label in segments:
        if single:
            actual, note = (lambda x, p: x.at("revenue", p)), "Actual: total revenue (a single segment)."
        else:
            actual = lambda x, p, k=key: guard([x.inp(f"share_{k}", p)], x.at("revenue", p) * x.inp(f"share_{k}", p))  # noqa: E731
            note = "Actual: revenue × reported share."
        lines.append(Line(f"rev_{key}", f"Revenue — {label}", "amount", actual=actual,
                          forecast=grow(f"rev_{key}", f"growth_{key}"), kind="detail",
                          note=note + " Forecast: prior year × (1 + growth)."))
    lines += [
        Line("revenue", "Total revenue", "amount", actual=link("revenue"),
             forecast=lambda x, p: SUM(x.range(*first_last(x, p, "rev"))), kind="total",
             note="Actual: reported. Forecast: sum of segments."),
        Line("cost_of_revenue", "Cost of revenue", "amount", actual=link("cost_of_revenue"),
             forecast=lambda x, p: x.at("revenue", p) - x.at("gross_profit", p),
             note="Forecast: revenue − gross profit."),
    ]
    for key, label in segments:
        if single:
            actual, note = (lambda x, p: x.at("gross_profit", p)), "Actual: total gross profit (a single segment)."
        else:
            actual = lambda x, p, k=key: guard([x.at(f"rev_{k}", p), x.inp(f"gm_{k}", p)],  # noqa: E731
                                               x.at(f"rev_{k}", p) * x.inp(f"gm_{k}", p))
            note = "Actual: segment revenue × reported segment margin (rounded)."
        lines.append(Line(f"gp_{key}", f"Gross profit — {label}", "amount", actual=actual,
                          forecast=lambda x, p, k=key: x.at(f"rev_{k}", p) * x.drv(f"gm_{k}", p),
                          kind="detail", note=note + " Forecast: segment revenue × gross margin."))
    if split:
        rnd_forecast, rnd_note = (lambda x, p: x.at("rnd_compute", p) + x.at("rnd_other", p)), \
            "Forecast: compute + people and other."
    else:
        rnd_forecast, rnd_note = grow("rnd", "rnd_growth"), \
            f"Forecast: prior year × (1 + R&D growth), one line: compute is not given for {data.base_year.code}."
    lines += [
        Line("gross_profit", "Gross profit", "amount",
             actual=lambda x, p: guard([x.at("cost_of_revenue", p)], x.at("revenue", p) - x.at("cost_of_revenue", p)),
             forecast=lambda x, p: SUM(x.range(*first_last(x, p, "gp"))), kind="total",
             note="Actual: revenue − cost of revenue. Forecast: sum of segment gross profit."),
        Line("rnd_compute", "R&D — compute", "amount", actual=link("rnd_compute"),
             forecast=grow("rnd_compute", "rnd_compute_growth") if split else None, kind="detail",
             note="Training and inference compute within R&D." + ("" if split else " History only.")),
        Line("rnd_other", "R&D — people and other", "amount",
             actual=lambda x, p: guard([x.inp("rnd", p), x.inp("rnd_compute", p)], x.inp("rnd", p) - x.inp("rnd_compute", p)),
             forecast=grow("rnd_other", "rnd_other_growth") if split else None, kind="detail",
             note="Actual: R&D − compute (n/a where compute is not disclosed)." + ("" if split else " History only.")),
        Line("rnd", "Research & development", "amount", actual=link("rnd"), forecast=rnd_forecast, kind="total",
             note=rnd_note),
        Line("other_opex", "Other operating costs, net (derived)", "amount",
             actual=lambda x, p: guard([x.at("gross_profit", p), x.at("rnd", p), x.at("adjusted_net_income", p)],
                                       x.at("gross_profit", p) - x.at("rnd", p) - x.at("adjusted_net_income", p)),
             forecast=grow("other_opex", "other_opex_growth"),
             note="Actual: balancing figure = gross profit − R&D − adjusted net income "
                  "(selling, G&A, other income, finance items and tax)."),
        Line("adjusted_net_income", "Adjusted net income (loss)", "amount", actual=link("adjusted_net_income"),
             forecast=lambda x, p: x.at("gross_profit", p) - x.at("rnd", p) - x.at("other_opex", p), kind="total",
             note="As the company reports it. Forecast: gross profit − R&D − other operating costs."),
        Line("adjustments", data.adjustments_label, "amount",
             actual=lambda x, p: guard([x.inp("adjusted_net_income", p), x.inp("net_income", p)],
                                       x.inp("adjusted_net_income", p) - x.inp("net_income", p)),
             forecast=lambda x, p: x.drv("adjustments", p),
             note="Adjusted − reported net income (share-based pay, fair-value changes and the like)."),
        Line("net_income", "Net income (loss), reported", "amount", actual=link("net_income"),
             forecast=lambda x, p: x.at("adjusted_net_income", p) - x.at("adjustments", p), kind="total",
             note="Forecast: adjusted net income − adjustments."),
        Line("total_costs", "Memo: total costs (cost of revenue + R&D + other)", "amount",
             actual=lambda x, p: guard([x.at("cost_of_revenue", p), x.at("other_opex", p)],
                                       x.at("cost_of_revenue", p) + x.at("rnd", p) + x.at("other_opex", p)),
             forecast=lambda x, p: x.at("cost_of_revenue", p) + x.at("rnd", p) + x.at("other_opex", p),
             kind="memo", note="Revenue − total costs = adjusted net income."),
        Line("selling_marketing", "Memo: selling & marketing (reported)", "amount",
             actual=link("selling_marketing"), kind="memo",
             note="Included in other operating costs; not forecast separately."),
    ]
    return lines


# Lines each scenario's block on the Scenarios tab carries (enough for adjusted net income).
def scenario_lines(data) -> list[Line]:
    keep = {f"rev_{k}" for k, _ in data.segments} | {f"gp_{k}" for k, _ in data.segments} | {
        "revenue", "gross_profit", "rnd_compute", "rnd_other", "rnd", "other_opex", "adjusted_net_income"}
    return [ln for ln in income_lines(data) if ln.key in keep and ln.forecast is not None]


def breakeven_lines() -> list[Line]:
    """Breakeven: the first forecast year with adjusted net income ≥ 0, and the losses until then."""
    return [
        Line("be_flag", "Breakeven flag (adjusted net income ≥ 0)", "flag",
             forecast=lambda x, p: IF(x.at("adjusted_net_income", p).ge(0), 1, 0), kind="detail"),
        Line("be_reached", "Breakeven reached by this year", "flag",
             forecast=lambda x, p: IF(SUM(x.run("be_flag", p)).gt(0), 1, 0), kind="detail"),
        Line("be_loss", "Adjusted loss before breakeven", "amount",
             forecast=lambda x, p: IF(x.here("be_reached", p).eq(0), -x.at("adjusted_net_income", p), 0), kind="detail"),
    ]


def first_flagged(flags, years, otherwise: str):
    """The year of the first 1 in a row of 1/0 flags, or the text `otherwise` when there is none."""
    return IF(SUM(flags).eq(0), Text(otherwise), INDEX(years, MATCH(1, flags)))


def cagr(x, p, end, start, since):
    """Compound annual growth from period `since` (value `start`) to p (value `end`)."""
    return guard([end, start], (end / start) ** (1 / (x.year(p) - x.year(since, fixed=True))) - 1, nonzero=[start])


def required_revenue_lines(base_code: str) -> list[Line]:
    """What breakeven needs, year by year: revenue that covers that year's fixed costs at that year's
    blended gross margin, and the growth from the last actual year that revenue implies."""
    def required(x, p):
        gm, fixed = x.here("gross_margin", p), x.here("fixed_costs", p)
        return IF(ISNUMBER(gm), IF(gm.gt(0), fixed / gm, NA), NA)

    def since_base(key_at=None, key_here=None):
        def f(x, p):
            end = x.at(key_at, p) if key_at else x.here(key_here, p)
            return cagr(x, p, end, x.anchor("revenue", x.base_year), x.base_year)
        return f

    def gap(a, b):
        return lambda x, p: guard([x.here(a, p), x.here(b, p)], x.here(a, p) - x.here(b, p))

    return [
        Line("scenario_revenue", "Revenue — scenario", "amount", forecast=lambda x, p: x.at("revenue", p)),
        Line("gross_margin", "Gross margin — blended (scenario mix)", "pct",
             forecast=lambda x, p: ratio(x.at("gross_profit", p), x.at("revenue", p)),
             note="Gross profit ÷ revenue of the scenario in that year: its segment mix and segment margins."),
        Line("fixed_costs", "Fixed costs: R&D + other operating costs", "amount",
             forecast=lambda x, p: x.at("rnd", p) + x.at("other_opex", p),
             note="Held at the scenario's level for that year: they do not scale with revenue."),
        Line("required_revenue", "Revenue needed for adjusted breakeven", "amount", forecast=required, kind="total",
             note="Fixed costs ÷ blended gross margin: the revenue at which adjusted net income is 0 that year "
                  "(n/a when the margin is not positive)."),
        Line("revenue_gap", "Revenue shortfall (needed − scenario)", "amount",
             forecast=gap("required_revenue", "scenario_revenue"), note="Negative: the scenario is above breakeven."),
        Line("required_cagr", f"Revenue CAGR needed from {base_code}A", "pct",
             forecast=since_base(key_here="required_revenue"), kind="total",
             note=f"(Revenue needed ÷ {base_code}A revenue)^(1 ÷ years since {base_code}) − 1."),
        Line("scenario_cagr", f"Scenario revenue CAGR from {base_code}A", "pct", forecast=since_base(key_at="revenue")),
        Line("cagr_gap", "Extra annual growth needed (needed − scenario CAGR)", "pct",
             forecast=gap("required_cagr", "scenario_cagr")),
    ]


def cash_lines() -> list[Line]:
    """The cash bridge from the opening cash date: adjusted net income after that date, non-cash items,
    capital expenditure, working capital and equity raised. Scalars come through x.drv (absolute)."""
    def closing(x, p):
        return x.drv("opening_cash") + SUM(x.run_here("net_change", p))

    return [
        Line("opening_cash", "Opening cash", "amount",
             forecast=lambda x, p: x.here("closing_cash", p) - x.here("net_change", p),
             note="The prior year's closing cash (the first year: cash at the opening date)."),
        Line("ani_full_year", "Adjusted net income (loss), full year", "amount",
             forecast=lambda x, p: x.at("adjusted_net_income", p)),
        Line("ani_before_open", "Less: result before the opening cash date", "amount",
             forecast=lambda x, p: IF(x.year(p).eq(x.drv("opening_year")), x.drv("opening_ani"), 0), kind="detail",
             note="The actual interim before the opening cash date: its loss has already left the cash."),
        Line("ani_after_open", "Adjusted net income after the opening cash date", "amount",
             forecast=lambda x, p: x.here("ani_full_year", p) - x.here("ani_before_open", p),
             note="Share-based pay and similar adjustments are already excluded: they are non-cash."),
        Line("non_cash", "Add: non-cash items (D&A etc.)", "amount", forecast=lambda x, p: x.drv("non_cash", p),
             kind="detail"),
        Line("capex", "Less: capital expenditure", "amount", forecast=lambda x, p: x.drv("capex", p), kind="detail"),
        Line("working_capital", "Less: increase in working capital", "amount",
             forecast=lambda x, p: x.drv("working_capital", p), kind="detail"),
        Line("free_cash_flow", "Free cash flow", "amount", kind="total",
             forecast=lambda x, p: x.here("ani_after_open", p) + x.here("non_cash", p) - x.here("capex", p)
             - x.here("working_capital", p)),
        Line("equity_raised", "Equity raised (net proceeds, converted)", "amount",
             forecast=lambda x, p: IF(x.year(p).eq(x.drv("raise_year")), x.drv("raise_converted"), 0)),
        Line("net_change", "Net change in cash", "amount", kind="total",
             forecast=lambda x, p: x.here("free_cash_flow", p) + x.here("equity_raised", p)),
        Line("closing_cash", "Closing cash", "amount", actual=lambda x, p: x.drv("opening_cash"), forecast=closing,
             kind="total", note="Opening cash at the opening date + the running sum of net changes."),
        Line("below_min", "Cash below the minimum (1/0)", "flag", kind="detail",
             forecast=lambda x, p: IF(x.here("closing_cash", p).lt(x.drv("min_cash")), 1, 0)),
        Line("before_breakeven", "Up to the breakeven year (1/0)", "flag", kind="detail",
             forecast=lambda x, p: IF((SUM(x.run("be_flag", p)) - x.at("be_flag", p)).eq(0), 1, 0),
             note="1 until and including the first year of adjusted net income ≥ 0."),
        Line("cash_to_breakeven", "Closing cash up to breakeven", "amount", kind="detail",
             forecast=lambda x, p: IF(x.here("before_breakeven", p).eq(1), x.here("closing_cash", p), NA),
             note="The funding need is the minimum cash less the lowest of these (n/a after breakeven)."),
    ]


def _growth(key):
    """Like-for-like growth of an Income Statement line: against the same period a year earlier."""
    def f(x, p):
        prior = x.comparative(p)
        if prior is None:
            return NA
        return guard([x.at(key, p), x.at(key, prior)], x.at(key, p) / x.at(key, prior) - 1, nonzero=[x.at(key, prior)])
    return f


def ratio_lines(data) -> list[Line]:
    def of_revenue(key):
        return lambda x, p: ratio(x.at(key, p), x.at("revenue", p))

    def since_first(x, p):
        first = x.first_year
        if not p.is_full_year or p == first:
            return NA
        return cagr(x, p, x.at("revenue", p), x.anchor("revenue", first), first)

    def spread(x, p):
        g, c = x.here("revenue_growth", p), x.here("cost_growth", p)
        return guard([g, c], g - c)

    def incremental(x, p):
        prior = x.comparative(p)
        if prior is None:
            return NA
        d_rev = x.at("revenue", p) - x.at("revenue", prior)
        return guard([x.at("adjusted_net_income", p), x.at("adjusted_net_income", prior)],
                     (x.at("adjusted_net_income", p) - x.at("adjusted_net_income", prior)) / d_rev, nonzero=[d_rev])

    lines = [Line("gross_margin", "Gross margin — blended", "pct", of_revenue("gross_profit"), of_revenue("gross_profit"))]
    segments = [] if data.single_segment else data.segments  # one segment: its margin and mix are the totals
    for key, label in segments:
        f = lambda x, p, k=key: ratio(x.at(f"gp_{k}", p), x.at(f"rev_{k}", p))  # noqa: E731
        lines.append(Line(f"gm_{key}", f"Gross margin — {label}", "pct", f, f, kind="detail"))
    for key, label in segments:
        f = of_revenue(f"rev_{key}")
        lines.append(Line(f"mix_{key}", f"Revenue mix — {label}", "pct", f, f, kind="detail"))
    compute_share = lambda x, p: ratio(x.at("rnd_compute", p), x.at("rnd", p))  # noqa: E731
    lines += [
        Line("rnd_to_revenue", "R&D / revenue", "pct", of_revenue("rnd"), of_revenue("rnd")),
        Line("compute_share", "Compute share of R&D", "pct", compute_share,
             compute_share if data.split_compute else None),
        Line("other_opex_to_revenue", "Other operating costs / revenue", "pct",
             of_revenue("other_opex"), of_revenue("other_opex")),
        Line("adjusted_net_margin", "Adjusted net margin", "pct",
             of_revenue("adjusted_net_income"), of_revenue("adjusted_net_income"), kind="total"),
        Line("net_margin", "Net margin, reported", "pct", of_revenue("net_income"), of_revenue("net_income")),
        Line("revenue_growth", "Revenue growth (like for like)", "pct", _growth("revenue"), _growth("revenue"),
             note="Against the same period a year earlier; an interim is never compared with a full year."),
        Line("rnd_growth", "R&D growth", "pct", _growth("rnd"), _growth("rnd")),
        Line("cost_growth", "Total cost growth", "pct", _growth("total_costs"), _growth("total_costs"),
             note="Cost of revenue + R&D + other operating costs."),
        Line("growth_spread", "Growth spread (revenue − cost growth)", "pct", spread, spread, kind="total",
             note="Positive when revenue outgrows costs: the path to breakeven."),
        Line("revenue_cagr", "Revenue CAGR since first actual year", "pct", since_first, since_first,
             note="Compound annual growth from the first full actual year."),
        Line("incremental_margin", "Incremental adjusted margin (operating leverage)", "x", incremental, incremental,
             note="Change in adjusted net income ÷ change in revenue, like for like."),
    ]
    return lines
