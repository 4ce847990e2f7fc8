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
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable

from .formula import NA, SUM, guard, ratio


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

    def cagr(x, p):
        first = x.first_year
        if not p.is_full_year or p == first:
            return NA
        a, b = x.at("revenue", p), x.anchor("revenue", first)
        return guard([a, b], (a / b) ** (1 / (x.year(p) - x.year(first, fixed=True))) - 1, nonzero=[b])

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
        Line("revenue_cagr", "Revenue CAGR since first actual year", "pct", cagr, cagr,
             note="Compound annual growth from the first full actual year."),
        Line("incremental_margin", "Incremental adjusted margin (operating leverage)", "x", incremental, incremental,
             note="Change in adjusted net income ÷ change in revenue, like for like."),
    ]
    return lines
