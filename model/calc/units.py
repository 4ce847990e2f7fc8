"""The unit build's line items: tokens x price for the unit (cloud / MaaS) segment, inference cost per
token plus fixed serving capacity for its cost, training generations x cost per generation plus
research compute for R&D compute, headcount x cost per head plus the rest for R&D other, other
operating costs (selling, administration) as a share of revenue plus a fixed part, and with a
customer segment (units.toml customer_segment) its revenue as customers x revenue per customer.

In actual columns the drivers are implied by the reported figures (price = revenue / tokens, ...),
so the base year reproduces them; in forecast years they follow the scenario's unit drivers and the
Income Statement's lines take their forecast from them (`seam`). Scalars come through x.const
(days a year, unit scales). Contribution lines (`contribution_lines`) class each cost fixed or
variable as units.toml says.
"""
from __future__ import annotations

from .formula import IF, NA, NM, SUM, Num, guard, ratio
from .lines import Line, grow, link, nm_limit

# Cost lines the unit build classes as fixed or variable (units.toml [cost_classes]).
COST_LINES = ("inference", "serving_fixed", "delivery", "training", "research_compute", "rnd_people", "rnd_rest",
              "opex_variable", "opex_fixed")
RND_COSTS = ("training", "research_compute", "rnd_people", "rnd_rest")   # R&D's parts: one line "rnd" without them
# the unit lines of R&D's parts, which need compute within R&D for the base year
RND_LINES = ("u_training", "u_generations", "u_cost_per_gen", "u_research_compute", "u_rnd_people", "u_headcount",
             "u_cost_per_head", "u_rnd_rest")


def _implied(num, *den):
    """An actual driver implied by a reported figure: num / (product of den), n/a when any is unknown
    or a divisor is 0."""
    def f(x, p):
        parts = [g(x, p) for g in den]
        d = parts[0]
        for g in parts[1:]:
            d = d * g
        return guard([num(x, p), *parts], num(x, p) / d, nonzero=parts)
    return f


def unit_lines(data) -> list[Line]:
    seg = data.units.segment
    at = lambda key: lambda x, p: x.at(key, p)  # noqa: E731
    const = lambda key: lambda x, p: x.const(key)  # noqa: E731
    scale = const("price_scale")
    tokens_year = lambda x, p: x.at("u_tokens", p) * x.const("days_per_year")  # noqa: E731
    both = lambda f: (f, f)  # noqa: E731  (actual, forecast)

    def cloud_cost(x, p):
        return guard([x.at(f"gp_{seg}", p)], x.at(f"rev_{seg}", p) - x.at(f"gp_{seg}", p))

    def share_of(key, item):
        return lambda x, p: guard([x.at(key, p), x.inp(item, p)], x.at(key, p) * x.inp(item, p))

    def minus(a, b):
        return lambda x, p: guard([x.at(a, p), x.at(b, p)], x.at(a, p) - x.at(b, p))

    lines = [
        Line("u_tokens", "tokens", link("tokens_per_day"), grow("u_tokens", "token_growth"), kind="detail"),
        Line("u_tokens_year", "tokens_year", *both(lambda x, p: guard([x.at("u_tokens", p)], tokens_year(x, p))),
             kind="detail"),
        Line("u_price", "price", _implied(at(f"rev_{seg}"), at("u_tokens_year"), scale),
             grow("u_price", "price_change"), kind="detail"),
        Line("u_cloud_cost", "amount", cloud_cost, lambda x, p: x.at("u_inference", p) + x.at("u_serving_fixed", p),
             kind="detail", segment=seg),
        Line("u_serving_fixed", "amount", share_of("u_cloud_cost", "serving_fixed_share"),
             grow("u_serving_fixed", "serving_fixed_growth"), kind="detail"),
        Line("u_inference", "amount", minus("u_cloud_cost", "u_serving_fixed"),
             lambda x, p: x.at("u_tokens_year", p) * x.at("u_unit_cost", p) * x.const("price_scale"), kind="detail"),
        Line("u_unit_cost", "price", _implied(at("u_inference"), at("u_tokens_year"), scale),
             grow("u_unit_cost", "unit_cost_change"), kind="detail"),
        Line("u_variable_share", "pct", *both(lambda x, p: ratio(x.at("u_unit_cost", p), x.at("u_price", p))),
             kind="detail"),
        Line("u_training", "amount", share_of("rnd_compute", "training_share"),
             lambda x, p: x.at("u_generations", p) * x.at("u_cost_per_gen", p), kind="detail"),
        Line("u_generations", "count", link("generations"), lambda x, p: x.drv("generations", p), kind="detail"),
        Line("u_cost_per_gen", "amount", _implied(at("u_training"), at("u_generations")),
             grow("u_cost_per_gen", "training_cost_growth"), kind="detail"),
        Line("u_research_compute", "amount", minus("rnd_compute", "u_training"),
             grow("u_research_compute", "research_compute_growth"), kind="detail"),
        Line("u_rnd_people", "amount", link("rnd_staff_cost"),
             lambda x, p: x.at("u_headcount", p) * x.at("u_cost_per_head", p) * x.const("head_scale"), kind="detail"),
        Line("u_headcount", "heads", link("rnd_headcount"), grow("u_headcount", "headcount_growth"), kind="detail"),
        Line("u_cost_per_head", "per_head", _implied(at("u_rnd_people"), at("u_headcount"), const("head_scale")),
             grow("u_cost_per_head", "cost_per_head_growth"), kind="detail"),
        Line("u_rnd_rest", "amount", minus("rnd_other", "u_rnd_people"), grow("u_rnd_rest", "rnd_rest_growth"),
             kind="detail"),
        Line("u_opex_fixed", "amount", share_of("other_opex", "opex_fixed_share"),
             grow("u_opex_fixed", "opex_fixed_growth"), kind="detail"),
        Line("u_opex_variable", "amount", minus("other_opex", "u_opex_fixed"),
             lambda x, p: x.at("revenue", p) * x.at("u_opex_share", p), kind="detail"),
        Line("u_opex_share", "pct", _implied(at("u_opex_variable"), at("revenue")),
             lambda x, p: x.drv("opex_variable_share", p), kind="detail"),
    ]
    if not data.split_compute:   # compute within R&D unknown: R&D is one line (rnd_growth), without its parts
        lines = [ln for ln in lines if ln.key not in RND_LINES]
    cseg = data.units.customer_segment
    if cseg:
        lines += [
            Line("u_customers", "customers", link("customers"), grow("u_customers", "customer_growth"), kind="detail"),
            Line("u_rev_per_customer", "per_customer", _implied(at(f"rev_{cseg}"), at("u_customers"), const("head_scale")),
                 grow("u_rev_per_customer", "revenue_per_customer_change"), kind="detail"),
        ]
    for ln in lines:   # the unit build is annual: no interim columns
        ln.actual = (lambda f: lambda x, p: f(x, p) if p.is_full_year else None)(ln.actual)
    return lines


def seam(data, lines: list[Line]) -> list[Line]:
    """The Income Statement's lines with the unit build's forecasts: the unit segment's revenue and
    gross profit, R&D compute, R&D other and other operating costs; the unit lines appended below them."""
    seg = data.units.segment
    forecast = {
        f"rev_{seg}": lambda x, p: x.at("u_tokens_year", p) * x.at("u_price", p) * x.const("price_scale"),
        f"gp_{seg}": lambda x, p: x.at(f"rev_{seg}", p) - x.at("u_cloud_cost", p),
        "other_opex": lambda x, p: x.at("u_opex_variable", p) + x.at("u_opex_fixed", p),
    }
    if data.split_compute:   # else R&D keeps its growth rate (one line)
        forecast["rnd_compute"] = lambda x, p: x.at("u_training", p) + x.at("u_research_compute", p)
        forecast["rnd_other"] = lambda x, p: x.at("u_rnd_people", p) + x.at("u_rnd_rest", p)
    notes = {f"rev_{seg}": "rev_units", f"gp_{seg}": "gp_units", "rnd_compute": "rnd_compute_units",
             "rnd_other": "rnd_other_units", "other_opex": "other_opex_units"}
    cseg = data.units.customer_segment
    if cseg:
        forecast[f"rev_{cseg}"] = lambda x, p: x.at("u_customers", p) * x.at("u_rev_per_customer", p) * x.const("head_scale")
        notes[f"rev_{cseg}"] = "rev_customers"
    for ln in lines:
        if ln.key in forecast:
            ln.forecast, ln.note, ln.rest = forecast[ln.key], notes[ln.key], "annual"
    return lines + unit_lines(data)


def _cost(data, key):
    """A cost line of units.toml [cost_classes] as a formula over a line set carrying the unit lines."""
    seg = data.units.segment
    if key == "delivery":   # cost of revenue of the other segments (on-premise delivery)
        others = [k for k, _ in data.segments if k != seg]
        if not others:
            return lambda x, p: Num(0)

        def delivery(x, p):
            parts = [(x.at(f"rev_{k}", p), x.at(f"gp_{k}", p)) for k in others]
            return guard([c for pair in parts for c in pair], SUM(*[r - g for r, g in parts]))
        return delivery
    source = {"inference": "u_inference", "serving_fixed": "u_serving_fixed", "training": "u_training",
              "research_compute": "u_research_compute", "rnd_people": "u_rnd_people", "rnd_rest": "u_rnd_rest",
              "opex_variable": "u_opex_variable", "opex_fixed": "u_opex_fixed"}[key]
    return lambda x, p: x.at(source, p)


def unit_costs(data) -> list[tuple[str, str, object]]:
    """The unit build's cost lines with their units.toml classes (model/calc/costs.py). With R&D as one line
    (compute within R&D unknown) R&D takes the place of its parts, in the class they share (fixed when they
    differ: R&D does not move with revenue)."""
    classes = data.units.classes
    if data.split_compute:
        return [(k, classes[k], _cost(data, k)) for k in COST_LINES]
    parts = {classes[k] for k in RND_COSTS}
    rnd = ("rnd", parts.pop() if len(parts) == 1 else "fixed", lambda x, p: x.at("rnd", p))
    out = []
    for k in COST_LINES:   # R&D where its first part stood
        if k == RND_COSTS[0]:
            out.append(rnd)
        elif k not in RND_COSTS:
            out.append((k, classes[k], _cost(data, k)))
    return out


def contribution_lines(data) -> list[Line]:
    """Per year, actual and forecast: revenue, each cost line under its class (model/calc/costs.py, the one
    definition the Breakeven tab shares), the contribution margin, the breakeven revenue, the margin each
    million tokens leaves, and the breakeven tokens per day: the volume at which adjusted net income is 0
    with price, unit cost and every other line as that year has them (n/a when a token does not cover its
    own variable cost). A token's variable cost is its inference cost and, when the variable part of other
    costs is classed variable, its share of the price. n/a in a year the unit build does not reach."""
    from .costs import breakeven_revenue, contribution_margin, cost_lines
    costs = cost_lines(data)
    variable = [k for k, c, _ in costs if c == "variable"]
    fixed = [k for k, c, _ in costs if c == "fixed"]
    classes = {k: c for k, c, _ in costs}

    def total(keys):
        def f(x, p):
            if not keys:
                return Num(0)
            parts = [x.here(f"ue_{k}", p) for k in keys]
            return guard(parts, SUM(*parts))
        return f
    per_token_cost = classes.get("serving", classes.get("inference")) == "variable"   # compute build: serving
    per_revenue_cost = classes.get("opex_variable") == "variable"

    def token_margin(x, p):
        price = x.at("u_price", p)
        kept = price * (1 - x.at("u_opex_share", p)) if per_revenue_cost else price
        margin = kept - x.at("u_unit_cost", p) if per_token_cost else kept
        return guard([price] + ([x.at("u_opex_share", p)] if per_revenue_cost else [])
                     + ([x.at("u_unit_cost", p)] if per_token_cost else []), margin)

    def be_tokens(x, p):
        m = x.here("ue_token_margin", p)
        ani = x.at("adjusted_net_income", p)
        return guard([m, ani, x.at("u_tokens", p)], IF(m.gt(0), x.at("u_tokens", p) - ani
                                                        / (x.const("days_per_year") * m * x.const("price_scale")), NA))

    def incremental(x, p):   # of each extra unit of revenue on the year before, the share the result gains
        if p == x.first_year:
            return NA
        d_rev = x.at("revenue", p) - x.prev("revenue", p)
        return guard([x.at("revenue", p), x.prev("revenue", p), x.at("adjusted_net_income", p),
                      x.prev("adjusted_net_income", p)],   # n.m. over a tiny change
                     ratio(x.at("adjusted_net_income", p) - x.prev("adjusted_net_income", p), d_rev, nm_limit(x)))

    def both(key, unit, f, **kw):   # actual and forecast alike
        return Line(key, unit, f, f, **kw)

    def result(x, p):
        c, fx = x.here("ue_contribution", p), x.here("ue_fixed", p)
        return guard([c, fx], c - fx)

    def dol(x, p):
        c, r = x.here("ue_contribution", p), x.here("ue_result", p)
        return guard([c, r], IF(r.gt(0), c / r, NM))
    cost = {k: f for k, _, f in costs}
    others = [k for k, _ in data.segments if k != data.units.segment]

    def cost_line(k):
        """A cost line, labelled with the company's own segment where it is one segment's cost of revenue."""
        if k == "serving":   # the compute build's serving capacity, of the unit segment
            return both("ue_serving", "amount", cost[k], kind="detail", segment=data.units.segment)
        if k != "delivery":
            return both(f"ue_{k}", "amount", cost[k], kind="detail", text=f"ue_{k}")
        one = len(others) == 1
        return both("ue_delivery", "amount", cost[k], kind="detail", text="ue_delivery" if one else
                    "ue_delivery_others", note="ue_delivery", segment=others[0] if one else "")
    return ([both("ue_revenue", "amount", lambda x, p: x.at("revenue", p))]
            + [cost_line(k) for k in variable]
            + [both("ue_variable", "amount", total(variable), kind="total"),
               both("ue_contribution", "amount", lambda x, p: guard([x.here("ue_variable", p), x.here("ue_revenue", p)],
                                                                     x.here("ue_revenue", p) - x.here("ue_variable", p)),
                    kind="total"),
               both("ue_margin", "pct", lambda x, p: contribution_margin(x.here("ue_variable", p),
                                                                         x.here("ue_revenue", p)))]
            + [cost_line(k) for k in fixed]
            + [both("ue_fixed", "amount", total(fixed), kind="total"),
               both("ue_result", "amount", result, kind="total"),
               both("ue_fixed_share", "pct", lambda x, p: guard([x.here("ue_fixed", p), x.here("ue_variable", p)], ratio(
                   x.here("ue_fixed", p), x.here("ue_fixed", p) + x.here("ue_variable", p)))),
               both("ue_incremental", "pct", incremental),
               both("ue_dol", "x", dol),
               both("ue_be_revenue", "amount", lambda x, p: breakeven_revenue(x.here("ue_fixed", p),
                                                                             x.here("ue_margin", p))),
               both("ue_token_margin", "price", token_margin),
               both("ue_token_pays", "flag", lambda x, p: guard([x.here("ue_token_margin", p)],
                                                                IF(x.here("ue_token_margin", p).gt(0), 1, 0)),
                    kind="detail"),
               both("ue_be_tokens", "tokens", be_tokens, kind="total")])
