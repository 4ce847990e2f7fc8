"""The unit build's line items: tokens x price for the unit (cloud / MaaS) segment, inference cost per
token plus fixed serving capacity for its cost, training generations x cost per generation plus
research compute for R&D compute, headcount x cost per head plus the rest for R&D other, other
operating costs (selling, administration) as a share of revenue plus a fixed part, and with a
customer segment (units.toml customer_segment) its revenue as customers x revenue per customer.

In actual columns the drivers are implied by the reported figures (price = revenue / tokens, ...),
so the base year reproduces them; in forecast periods they follow the scenario's unit drivers and the
Income Statement's lines take their forecast from them (`seam`). Scalars come through x.const
(days a year, unit scales). Contribution lines (`contribution_lines`) class each cost fixed or
variable as units.toml says.

In a year shown in parts (lines.py) each line has its half-year kind: volumes served and costs are
flows (the year is the sum of its halves), tokens per day, headcount and customers levels (the year their
average over its halves), price, unit costs and the variable share ratios (the year's implied by its
flows). Per-head and per-customer figures are annual rates in every column: a half's staff cost is
headcount x cost per head x the half's share of a year. The interim actual (1H2026A) takes its operating
metrics from operating.csv where given; where not it falls back to the base year's (INTERIM_FALLBACK).
"""
from __future__ import annotations

from .formula import IF, ISNUMBER, NA, NM, SUM, Fn, Num, guard, ratio
from .lines import Line, grow, nm_limit

# Cost lines the unit build classes as fixed or variable (units.toml [cost_classes]).
COST_LINES = ("inference", "serving_fixed", "delivery", "training", "research_compute", "rnd_people", "rnd_rest",
              "opex_variable", "opex_fixed")
# How an operating metric the interim does not give falls back to the base year's: a level or a share as it
# is, a flow pro rata to the interim's share of a year (generations rounded to a whole number).
INTERIM_FALLBACK = {"tokens_per_day": "level", "rnd_headcount": "level", "customers": "level",
                    "serving_fixed_share": "share", "training_share": "share", "opex_fixed_share": "share",
                    "generations": "flow", "rnd_staff_cost": "flow"}
RND_COSTS = ("training", "research_compute", "rnd_people", "rnd_rest")   # R&D's parts: one line "rnd" without them
# the unit lines of R&D's parts, which need compute within R&D for the base year
RND_LINES = ("u_training", "u_generations", "u_cost_per_gen", "u_research_compute", "u_rnd_people", "u_headcount",
             "u_cost_per_head", "u_rnd_rest")


def per_period(x, p, expr):
    """An annual rate's amount in period p: the rate itself in a full year, x its share of a year in a part."""
    share = x.share(p)
    return expr if share is None else expr * share


def metric(item):
    """An operating metric of an actual period from Inputs (n/a where blank). In the interim (the first part
    of a split year) a metric operating.csv does not give falls back to the base year's (INTERIM_FALLBACK)."""
    def f(x, p):
        own = x.inp(item, p)
        if p.is_full_year:
            return guard([own], own)
        base = x.inp(item, x.base_year)
        kind = INTERIM_FALLBACK[item]
        fallback = base if kind != "flow" else base * x.share(p)
        if item == "generations":
            fallback = Fn("ROUND", fallback, 0)
        return IF(ISNUMBER(own), own, guard([base], fallback))
    return f


def _implied(num, *den, rate=False):
    """An actual driver implied by a reported figure: num / (product of den), n/a when any is unknown
    or a divisor is 0. `rate`: an annual rate, so in a part over its share of a year too."""
    def f(x, p):
        parts = [g(x, p) for g in den]
        if rate and x.share(p) is not None:
            parts.append(x.share(p))
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
    tokens_period = lambda x, p: per_period(x, p, x.at("u_tokens", p) * x.const("days_per_year"))  # noqa: E731
    both = lambda f: (f, f)  # noqa: E731  (actual, forecast)
    season = lambda key: key if key in data.seasonal else ""  # noqa: E731

    def cloud_cost(x, p):
        return guard([x.at(f"gp_{seg}", p)], x.at(f"rev_{seg}", p) - x.at(f"gp_{seg}", p))

    def share_of(key, item):
        def f(x, p):
            share = metric(item)(x, p)
            return guard([x.at(key, p), share], x.at(key, p) * share)
        return f

    def minus(a, b):
        return lambda x, p: guard([x.at(a, p), x.at(b, p)], x.at(a, p) - x.at(b, p))

    lines = [
        Line("u_tokens", "tokens", metric("tokens_per_day"), grow("u_tokens", "token_growth", season(seg)),
             kind="detail", half="average"),
        Line("u_tokens_year", "tokens_year", *both(lambda x, p: guard([x.at("u_tokens", p)], tokens_period(x, p))),
             kind="detail", half="flow"),
        Line("u_price", "price", _implied(at(f"rev_{seg}"), at("u_tokens_year"), scale),
             grow("u_price", "price_change"), kind="detail", half="ratio"),
        Line("u_cloud_cost", "amount", cloud_cost, lambda x, p: x.at("u_inference", p) + x.at("u_serving_fixed", p),
             kind="detail", segment=seg, half="flow"),
        Line("u_serving_fixed", "amount", share_of("u_cloud_cost", "serving_fixed_share"),
             grow("u_serving_fixed", "serving_fixed_growth"), kind="detail", half="flow"),
        Line("u_inference", "amount", minus("u_cloud_cost", "u_serving_fixed"),
             lambda x, p: x.at("u_tokens_year", p) * x.at("u_unit_cost", p) * x.const("price_scale"), kind="detail",
             half="flow"),
        Line("u_unit_cost", "price", _implied(at("u_inference"), at("u_tokens_year"), scale),
             grow("u_unit_cost", "unit_cost_change"), kind="detail", half="ratio"),
        Line("u_variable_share", "pct", *both(lambda x, p: ratio(x.at("u_unit_cost", p), x.at("u_price", p))),
             kind="detail", half="calc"),
        Line("u_training", "amount", share_of("rnd_compute", "training_share"),
             lambda x, p: x.at("u_generations", p) * x.at("u_cost_per_gen", p), kind="detail", half="flow"),
        Line("u_generations", "count", metric("generations"), lambda x, p: x.drv("generations", p), kind="detail",
             half="flow"),
        Line("u_cost_per_gen", "amount", _implied(at("u_training"), at("u_generations")),
             grow("u_cost_per_gen", "training_cost_growth"), kind="detail", half="ratio"),
        Line("u_research_compute", "amount", minus("rnd_compute", "u_training"),
             grow("u_research_compute", "research_compute_growth"), kind="detail", half="flow"),
        Line("u_rnd_people", "amount", metric("rnd_staff_cost"),
             lambda x, p: per_period(x, p, x.at("u_headcount", p) * x.at("u_cost_per_head", p) * x.const("head_scale")),
             kind="detail", half="flow"),
        Line("u_headcount", "heads", metric("rnd_headcount"), grow("u_headcount", "headcount_growth"), kind="detail",
             half="average"),
        Line("u_cost_per_head", "per_head", _implied(at("u_rnd_people"), at("u_headcount"), const("head_scale"),
                                                     rate=True),
             grow("u_cost_per_head", "cost_per_head_growth"), kind="detail", half="ratio"),
        Line("u_rnd_rest", "amount", minus("rnd_other", "u_rnd_people"), grow("u_rnd_rest", "rnd_rest_growth"),
             kind="detail", half="flow"),
        Line("u_opex_fixed", "amount", share_of("other_opex", "opex_fixed_share"),
             grow("u_opex_fixed", "opex_fixed_growth"), kind="detail", half="flow"),
        Line("u_opex_variable", "amount", minus("other_opex", "u_opex_fixed"),
             lambda x, p: x.at("revenue", p) * x.at("u_opex_share", p), kind="detail", half="flow"),
        Line("u_opex_share", "pct", _implied(at("u_opex_variable"), at("revenue")),
             lambda x, p: x.drv("opex_variable_share", p), kind="detail", half="ratio"),
    ]
    if not data.split_compute:   # compute within R&D unknown: R&D is one line (rnd_growth), without its parts
        lines = [ln for ln in lines if ln.key not in RND_LINES]
    cseg = data.units.customer_segment
    if cseg:
        lines += [
            Line("u_customers", "customers", metric("customers"), grow("u_customers", "customer_growth"),
                 kind="detail", half="average"),
            Line("u_rev_per_customer", "per_customer", _implied(at(f"rev_{cseg}"), at("u_customers"),
                                                                const("head_scale"), rate=True),
                 grow("u_rev_per_customer", "revenue_per_customer_change", season(cseg)), kind="detail", half="ratio"),
        ]
    for ln in lines:   # the unit build has no historic interims: full years and the interim it starts from
        ln.actual = (lambda f: lambda x, p: f(x, p) if p.is_full_year or x.tl.is_part(p) else None)(ln.actual)
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
        forecast[f"rev_{cseg}"] = lambda x, p: per_period(x, p, x.at("u_customers", p) * x.at("u_rev_per_customer", p)
                                                           * x.const("head_scale"))
        notes[f"rev_{cseg}"] = "rev_customers"
    for ln in lines:   # their kinds stay: revenue and gross profit flows, the R&D parts and other costs sums
        if ln.key in forecast:
            ln.forecast, ln.note = forecast[ln.key], notes[ln.key]
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
        return guard([m, ani, x.at("u_tokens", p)], IF(m.gt(0), x.at("u_tokens", p) - ani / (
            per_period(x, p, x.const("days_per_year")) * m * x.const("price_scale")), NA))

    def incremental(x, p):   # of each extra unit of revenue on the period before, the share the result gains
        if not x.tl.has_previous(p):   # the first year; the interim, whose half before is not shown
            return NA
        d_rev = x.at("revenue", p) - x.prev("revenue", p)
        return guard([x.at("revenue", p), x.prev("revenue", p), x.at("adjusted_net_income", p),
                      x.prev("adjusted_net_income", p)],   # n.m. over a tiny change
                     ratio(x.at("adjusted_net_income", p) - x.prev("adjusted_net_income", p), d_rev, nm_limit(x)))

    def both(key, unit, f, **kw):   # actual and forecast alike, in the halves too (computed from their lines)
        return Line(key, unit, f, f, half=kw.pop("half", "calc"), **kw)

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
                    kind="detail", half=""),   # a year's flag: the summary's first year a token pays
               both("ue_be_tokens", "tokens", be_tokens, kind="total")])
