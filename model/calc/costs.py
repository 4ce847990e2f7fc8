"""Which costs are variable and which are fixed: the one definition the Breakeven tab, Unit Economics
and the Claims Audit share. Contribution = revenue − variable costs; breakeven revenue = fixed costs ÷
contribution margin.

- Growth-rate build: cost of revenue is variable; R&D and other operating costs are fixed.
- Unit build (units.toml): each cost line as its [cost_classes] says.
- Compute build (compute.csv): serving capacity is variable — it is provisioned for the period's tokens
  (a fixed cost within the period, following volume over a year) — and the other lines as units.toml says.

Each cost is (key, class, definition); a definition reads the line set `x.at` points to.
"""
from __future__ import annotations

from .formula import IF, NA, SUM, Num, guard, ratio, sum_terms
from .lines import Line, after_interim, cagr, nm_limit, taxed

CLASSES = ("variable", "fixed")


def cost_lines(data) -> list[tuple[str, str, object]]:
    """(key, "variable" | "fixed", (x, p) -> Expr) for every cost line of the build, in display order; the last
    is finance cost less finance income, and tax (fixed: they follow the balances, not the volume)."""
    at = lambda key: lambda x, p: x.at(key, p)  # noqa: E731
    if not data.units:
        def cost_of_revenue(x, p):   # revenue − gross profit: the lines every block carries
            return guard([x.at("revenue", p), x.at("gross_profit", p)], x.at("revenue", p) - x.at("gross_profit", p))
        costs = [("cost_of_revenue", "variable", cost_of_revenue), ("rnd", "fixed", at("rnd")),
                 ("other_opex", "fixed", at("other_opex"))]
    elif data.compute:
        from .compute import compute_costs
        costs = compute_costs(data)
    else:
        from .units import unit_costs
        costs = unit_costs(data)
    return costs + [("finance_tax", "fixed", finance_and_tax(data))]


def finance_and_tax(data):
    """Finance cost − finance income + tax, forecast (lines.finance_lines); 0 in a reported period, where they
    are within the derived other operating costs (not disclosed apart)."""
    tax = taxed(data)

    def one(x, p):
        net = x.at("finance_cost", p) - x.at("finance_income", p)
        return net + x.at("tax", p) if tax else net

    def f(x, p):   # a year opened by its interim: its forecast parts' (the interim's are in other costs)
        return Num(0) if x.tl.is_actual(p) else sum_terms([one(x, q) for q in after_interim(x.tl, p)])
    return f


def keys_of(data, cls: str) -> list[str]:
    return [k for k, c, _ in cost_lines(data) if c == cls]


def total(data, cls: str):
    """The sum of a class's cost lines (n/a when any is unknown, as in a year the unit build does not reach)."""
    fns = [f for _, c, f in cost_lines(data) if c == cls]

    def f(x, p):
        if not fns:
            return Num(0)
        parts = [g(x, p) for g in fns]
        return guard(parts, SUM(*parts))
    return f


def contribution_margin(variable, revenue):
    """(Revenue − variable costs) ÷ revenue (n/a without revenue)."""
    return guard([variable, revenue], ratio(revenue - variable, revenue))


def breakeven_revenue(fixed, margin):
    """Fixed costs ÷ contribution margin: the revenue at which the result is 0 with that year's margin and
    fixed costs (n/a when the margin is not positive: no revenue at that margin breaks even; n/a when
    either is not known, as the fixed costs of a year whose training share is not disclosed)."""
    return guard([fixed, margin], IF(margin.gt(0), fixed / margin, NA))


def required_revenue_lines(data) -> list:
    """The Breakeven tab's lines, year by year: the revenue at which adjusted net income is 0 with that
    year's fixed costs and contribution margin (this module's classes), and the growth from the last
    actual year that revenue implies."""
    def since_base(key_at=None, key_here=None, nm=False):
        def f(x, p):
            end = x.at(key_at, p) if key_at else x.here(key_here, p)
            return cagr(x, p, end, x.anchor("revenue", x.base_year), x.base_year, nm_limit(x) if nm else None)
        return f

    def gap(a, b):
        return lambda x, p: guard([x.here(a, p), x.here(b, p)], x.here(a, p) - x.here(b, p))

    growth = not data.units   # the growth-rate build: the contribution margin is the gross margin
    return [
        Line("scenario_revenue", "amount", forecast=lambda x, p: x.at("revenue", p)),
        Line("variable_costs", "amount", forecast=total(data, "variable"),
             text="variable_costs_cor" if growth else "variable_costs"),
        Line("contribution_margin", "pct", text="gross_margin_mix" if growth else "contribution_margin",
             forecast=lambda x, p: contribution_margin(x.here("variable_costs", p), x.here("scenario_revenue", p))),
        Line("fixed_costs", "amount", forecast=total(data, "fixed"), text="fixed_costs" if growth else "fixed_costs_units"),
        Line("required_revenue", "amount", kind="total", note="required_revenue" if growth else "required_revenue_units",
             forecast=lambda x, p: breakeven_revenue(x.here("fixed_costs", p), x.here("contribution_margin", p))),
        Line("revenue_gap", "amount", forecast=gap("required_revenue", "scenario_revenue")),
        Line("required_cagr", "pct", forecast=since_base(key_here="required_revenue", nm=True), kind="total"),
        Line("scenario_cagr", "pct", forecast=since_base(key_at="revenue")),
        Line("cagr_gap", "pct", forecast=gap("required_cagr", "scenario_cagr")),
    ]
