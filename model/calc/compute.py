"""The compute build's line items: serving and training cost from accelerator capacity.

Serving: the fleet a period's tokens need = tokens per second × the capacity lead ÷ (throughput per
accelerator × target utilisation); its cost = accelerators × hours × the blended cost per accelerator-hour
(rented at the rent, owned at depreciation plus power and hosting). Training = generations × accelerator-hours
per generation × that cost per hour; research = accelerators doing research × hours × that cost per hour.

In actual periods the reported costs are the data and the build shows what they imply: the blended cost per
accelerator-hour from the owned fleet and the rent, the accelerators the cloud cost of revenue and R&D compute
pay for, the utilisation and tokens per accelerator-second that serve the period's tokens, the accelerator-hours
per generation; with a reported fleet, the cost per accelerator-hour it would imply.

Both marginal costs of a token: short run (capacity already paid for: only the owned fleet's power and hosting
at full load, an upper bound; rented capacity is paid by the hour whether used or not) and long run (capacity
follows volume: the cost per accelerator-hour ÷ tokens an accelerator serves at the target utilisation).

Levels (accelerators, cost per hour, throughput, utilisation) are period-agnostic; flows (costs, hours) take
the period's hours (Inputs: hours a year × the period's share of a year). Scalars come through x.const.

In a year shown in parts (lines.py, Line.half) costs, capex, depreciation and training hours are flows (the
year the sum of its halves); fleets, throughput, utilisation targets and costs per hour levels (the year their
average over its halves, the owned share and the blended cost per hour too, so that R&D does not read the
serving fleet); hours per generation and the achieved utilisation are implied by the year's own figures (ratio);
the long-run marginal cost is the average of its halves (the actual half's average serving cost, the forecast
half's long-run cost: the year has no single target utilisation beside an actual half); the rest is computed
alike in every column. A half's
drivers are its own (compute.csv period columns); the lead and growth rates read a half against the half before.
"""
from __future__ import annotations

from .formula import MAX, NA, guard, ratio
from .lines import Line, grow, link

# the model lines a published reference figure may be compared with (model/data/compute.py Benchmark)
BENCHMARK_METRICS = ("c_lrmc", "c_rent", "c_rate", "c_throughput", "c_tokens_per_acc", "c_target_util", "c_utilisation",
                     "c_reported_rate", "c_fleet", "c_fleet_reported", "c_training_share", "c_training_cost_growth",
                     "c_serving_cost_change",
                     "c_lrmc_share", "c_serving_acc", "gm_unit")   # gm_unit: the unit segment's gross margin (Ratios)


def _cloud_cost(seg):
    """The unit segment's reported cost of revenue: revenue − gross profit (actual periods, interims too)."""
    return lambda x, p: guard([x.at(f"rev_{seg}", p), x.at(f"gp_{seg}", p)], x.at(f"rev_{seg}", p) - x.at(f"gp_{seg}", p))


def annual(f):
    """A definition that needs the unit build's lines: full years and the interim the near term starts from
    (the unit build's periods), no cell in an earlier interim column."""
    return lambda x, p: f(x, p) if p.is_full_year or x.tl.is_part(p) else None


def compute_lines(data) -> list[Line]:
    seg = data.units.segment
    at = lambda key: lambda x, p: x.at(key, p)  # noqa: E731
    cloud = _cloud_cost(seg)

    def hours(x, p):
        return x.const("hours_per_year") * x.const(f"year_share_{p.months}")

    def cost(acc_key):   # accelerators × hours × the blended cost per hour, in the company's unit
        return lambda x, p: x.at(acc_key, p) * x.at("c_hours", p) * x.at("c_rate", p) * x.const("cost_scale")

    def accelerators(cost_of):   # actual: the accelerators a reported cost pays for at the blended cost per hour
        def f(x, p):
            c = cost_of(x, p)
            return guard([c, x.at("c_rate", p)], c / (x.at("c_rate", p) * x.at("c_hours", p) * x.const("cost_scale")),
                         nonzero=[x.at("c_rate", p)])
        return f

    def owned_rate(get):   # depreciation per hour in service + power and hosting
        def f(x, p):
            capex, life, power = get(x, "capex_per_accelerator", p), get(x, "useful_life", p), x.at("c_power", p)
            return guard([capex, life, power], capex / (life * x.const("hours_per_year")) + power)
        return f
    inp = lambda x, k, p: x.inp(k, p)  # noqa: E731
    drv = lambda x, k, p: x.drv(k, p)  # noqa: E731

    def rented_actual(x, p):
        c, owned, rate, rent = (x.at("c_compute_cost", p), x.at("c_owned", p), x.at("c_owned_rate", p), x.at("c_rent", p))
        return guard([c, owned, rate, rent], (c / (x.at("c_hours", p) * x.const("cost_scale")) - owned * rate) / rent)

    def blended_forecast(x, p):   # the owned share at its cost, the rest at the rent (independent of the fleet's size)
        share = x.at("c_owned_share", p)
        return share * x.at("c_owned_rate", p) + (1 - share) * x.at("c_rent", p)

    def blended_actual(x, p):
        c, fleet = x.at("c_compute_cost", p), x.at("c_fleet", p)
        return guard([c, fleet], c / (fleet * x.at("c_hours", p) * x.const("cost_scale")), nonzero=[fleet])

    def serving_needed(x, p):
        return (x.at("u_tokens", p) * x.at("c_lead", p) * x.const("capacity_scale")
                / (x.at("c_throughput", p) * x.at("c_target_util", p)))

    def lead(x, p):   # demand `capacity_lead` years ahead at the period's own growth rate
        return (x.at("u_tokens", p) / x.prev("u_tokens", p)) ** (x.drv("capacity_lead", p)
                                                                  / x.const(f"year_share_{p.months}"))

    def per_acc(x, p):   # tokens per accelerator-second served, on average
        return guard([x.at("u_tokens", p), x.at("c_serving_acc", p)],
                     x.at("u_tokens", p) * x.const("capacity_scale") / x.at("c_serving_acc", p),
                     nonzero=[x.at("c_serving_acc", p)])

    def marginal(rate, util=None):   # company currency per million tokens of serving capacity at `util` (None: full)
        def f(x, p):
            r, parts = rate(x, p)
            u = util(x, p) if util else None
            known = parts + [x.at("c_throughput", p)] + ([u] if util else [])
            capacity = x.at("c_throughput", p) * u if util else x.at("c_throughput", p)
            return guard(known, x.const("capacity_scale") * x.const("hours_per_day") * r * x.const("cost_scale")
                         / (capacity * x.const("price_scale")), nonzero=[u] if util else [])
        return f

    def blended(x, p):
        return x.at("c_rate", p), [x.at("c_rate", p)]

    def power_part(x, p):   # the owned share of the fleet's power and hosting per hour
        share, power = x.at("c_owned_share", p), x.at("c_power", p)
        return share * power, [share, power]

    def lrmc_actual(x, p):   # at the utilisation achieved: the average serving cost per million tokens
        return guard([x.at("c_serving_cost", p), x.at("u_tokens_year", p)], x.at("c_serving_cost", p) / (
            x.at("u_tokens_year", p) * x.const("price_scale")), nonzero=[x.at("u_tokens_year", p)])

    def capex(x, p):   # new accelerators and the replacement of those reaching the end of their life
        owned, before, share = x.at("c_owned", p), x.prev("c_owned", p), x.const(f"year_share_{p.months}")
        return (MAX(0, owned - before) + before * share / x.drv("useful_life", p)) * x.drv(
            "capex_per_accelerator", p) * x.const("cost_scale")

    def depreciation(get):
        def f(x, p):
            capex_, life = get(x, "capex_per_accelerator", p), get(x, "useful_life", p)
            return guard([x.at("c_owned", p), capex_, life], x.at("c_owned", p) * capex_ / life
                         * x.const(f"year_share_{p.months}") * x.const("cost_scale"))
        return f

    def flow(acc_key, rate_key):   # accelerators × hours × a cost per hour
        return lambda x, p: guard([x.at(acc_key, p), x.at(rate_key, p)], x.at(acc_key, p) * x.at("c_hours", p)
                                  * x.at(rate_key, p) * x.const("cost_scale"))

    def share_of_price(key):
        return annual(lambda x, p: ratio(x.at(key, p), x.at("u_price", p)))

    def training_share(x, p):
        train, research = x.at("u_training", p), x.at("u_research_compute", p)
        return guard([train, research], ratio(train, train + research))

    def change(key):   # a figure on the prior period's (the year before; a half on the half before)
        def f(x, p):
            if not x.tl.has_previous(p):   # the first year; the interim, whose half before is not shown
                return NA
            now, before = x.at(key, p), x.prev(key, p)
            return guard([now, before], now / before - 1, nonzero=[before])
        return annual(f)
    halves = {"c_hours": "calc", "c_tokens_per_acc": "calc", "c_lrmc_share": "calc",
              "c_srmc": "calc", "c_srmc_share": "calc", "c_training_share": "calc", "c_training_cost_growth": "calc",
              "c_serving_cost_change": "calc", "c_utilisation": "ratio", "c_hours_per_gen": "ratio",
              "c_training_hours": "flow", "c_serving_cost": "flow", "c_training_cost": "flow", "c_research_cost": "flow",
              "c_compute_cost": "flow", "c_rented_cost": "flow", "c_owned_cost": "flow", "c_power_cost": "flow",
              "accelerator_depreciation": "flow", "accelerator_capex": "flow"}   # the rest: levels ("average")

    def d(line, unit, actual, forecast, **kw):
        return Line(line, unit, actual, forecast, kind="detail", half=halves.get(line, "average"), **kw)
    return [
        d("c_hours", "hours", hours, hours),
        # serving: the fleet the tokens need
        d("c_throughput", "throughput", link("throughput"), lambda x, p: x.drv("throughput", p)),
        d("c_target_util", "pct", None, lambda x, p: x.drv("utilisation", p)),
        d("c_lead", "x", None, lead),
        d("c_serving_acc", "accelerators", accelerators(cloud), serving_needed, segment=seg),
        d("c_utilisation", "pct", annual(lambda x, p: guard([x.at("c_tokens_per_acc", p), x.at("c_throughput", p)],
                                                            x.at("c_tokens_per_acc", p) / x.at("c_throughput", p))),
          lambda x, p: x.at("c_target_util", p) / x.at("c_lead", p)),
        d("c_tokens_per_acc", "throughput", annual(per_acc), per_acc),
        # training and research
        d("c_training_hours", "acc_hours", annual(lambda x, p: guard([x.at("u_training", p), x.at("c_rate", p)], x.at(
            "u_training", p) * x.const("hours_scale") / (x.at("c_rate", p) * x.const("cost_scale")))),
          lambda x, p: x.at("u_generations", p) * x.at("c_hours_per_gen", p)),
        d("c_hours_per_gen", "acc_hours", annual(lambda x, p: guard([x.at("c_training_hours", p), x.at("u_generations", p)],
                                                                    x.at("c_training_hours", p) / x.at("u_generations", p),
                                                                    nonzero=[x.at("u_generations", p)])),
          grow("c_hours_per_gen", "hours_per_gen_growth")),
        d("c_research_acc", "accelerators", annual(accelerators(at("u_research_compute"))),
          grow("c_research_acc", "research_growth")),
        d("c_rnd_acc", "accelerators", accelerators(at("rnd_compute")),
          lambda x, p: x.at("c_research_acc", p) + x.at("c_training_hours", p) / (x.at("c_hours", p)
                                                                                    * x.const("hours_scale"))),
        # the fleet, owned and rented, and what an accelerator-hour costs
        d("c_fleet", "accelerators", lambda x, p: guard([x.at("c_owned", p), x.at("c_rented", p)],
                                                        x.at("c_owned", p) + x.at("c_rented", p)),
          lambda x, p: x.at("c_serving_acc", p) + x.at("c_rnd_acc", p)),
        d("c_owned_share", "pct", lambda x, p: ratio(x.at("c_owned", p), x.at("c_fleet", p)),
          lambda x, p: x.drv("owned_share", p)),
        d("c_owned", "accelerators", link("owned_accelerators"), lambda x, p: x.at("c_owned_share", p) * x.at("c_fleet", p)),
        d("c_rented", "accelerators", rented_actual, lambda x, p: x.at("c_fleet", p) - x.at("c_owned", p)),
        d("c_rent", "per_hour", link("rent_per_hour"), lambda x, p: x.drv("rent_per_hour", p)),
        d("c_power", "per_hour", link("power_hosting"), lambda x, p: x.drv("power_hosting", p)),
        d("c_owned_rate", "per_hour", owned_rate(inp), owned_rate(drv)),
        d("c_rate", "per_hour", blended_actual, blended_forecast),
        # the costs
        d("c_serving_cost", "amount", cloud, cost("c_serving_acc"), segment=seg),
        d("c_training_cost", "amount", annual(at("u_training")),
          lambda x, p: x.at("c_training_hours", p) / x.const("hours_scale") * x.at("c_rate", p) * x.const("cost_scale")),
        d("c_research_cost", "amount", annual(at("u_research_compute")), cost("c_research_acc")),
        d("c_compute_cost", "amount", lambda x, p: guard([cloud(x, p), x.at("rnd_compute", p)],
                                                         cloud(x, p) + x.at("rnd_compute", p)),
          lambda x, p: x.at("c_serving_cost", p) + x.at("c_training_cost", p) + x.at("c_research_cost", p)),
        d("c_rented_cost", "amount", flow("c_rented", "c_rent"), flow("c_rented", "c_rent")),
        d("c_owned_cost", "amount", flow("c_owned", "c_owned_rate"), flow("c_owned", "c_owned_rate")),
        d("c_power_cost", "amount", flow("c_owned", "c_power"), flow("c_owned", "c_power")),
        d("accelerator_depreciation", "amount", depreciation(inp), depreciation(drv)),
        d("accelerator_capex", "amount", None, capex),
        # a token's marginal cost: long run (capacity follows volume), short run (capacity already paid for)
        d("c_lrmc", "price", annual(lrmc_actual), marginal(blended, at("c_target_util"))),
        d("c_lrmc_share", "pct", share_of_price("c_lrmc"), share_of_price("c_lrmc")),
        d("c_srmc", "price", marginal(power_part), marginal(power_part)),
        d("c_srmc_share", "pct", share_of_price("c_srmc"), share_of_price("c_srmc")),
        # what the reference class compares
        d("c_training_share", "pct", annual(training_share), training_share),
        d("c_training_cost_growth", "pct", change("u_cost_per_gen"), change("u_cost_per_gen")),
        d("c_serving_cost_change", "pct", change("u_unit_cost"), change("u_unit_cost")),
        # a reported fleet against the reported cost
        d("c_fleet_reported", "accelerators", link("fleet_reported"), None),
        d("c_reported_rate", "per_hour", lambda x, p: guard([cloud(x, p), x.inp("fleet_reported", p)], cloud(x, p) / (
            x.inp("fleet_reported", p) * x.at("c_hours", p) * x.const("cost_scale")),
            nonzero=[x.inp("fleet_reported", p)]), None, segment=seg),
    ]


def seam(data, lines: list[Line]) -> list[Line]:
    """The unit build's lines with the compute build's forecasts: the unit segment's cost of revenue is the
    serving cost, training and research compute the accelerator-hours they take; the cost per million tokens is
    the average serving cost (actual and forecast alike). Fixed serving capacity and per-token inference are
    not lines of this build. The compute lines are appended."""
    gone = ("u_serving_fixed", "u_inference")
    lines = [ln for ln in lines if ln.key not in gone]
    by_key = {ln.key: ln for ln in lines}
    by_key[f"gp_{data.units.segment}"].note = "gp_compute"
    by_key["u_cloud_cost"].forecast = lambda x, p: x.at("c_serving_cost", p)
    by_key["u_cloud_cost"].note = "u_cloud_cost_compute"
    by_key["u_training"].forecast = lambda x, p: x.at("c_training_cost", p)
    by_key["u_training"].note = "u_training_compute"
    by_key["u_research_compute"].forecast = lambda x, p: x.at("c_research_cost", p)
    by_key["u_research_compute"].note = "u_research_compute_compute"
    per_gen = annual(lambda x, p: guard([x.at("u_training", p), x.at("u_generations", p)], x.at("u_training", p)
                                        / x.at("u_generations", p), nonzero=[x.at("u_generations", p)]))
    by_key["u_cost_per_gen"].actual = by_key["u_cost_per_gen"].forecast = per_gen
    by_key["u_cost_per_gen"].note = "u_cost_per_gen_compute"

    def serving_per_token(x, p):
        tokens = x.at("u_tokens_year", p)
        return guard([x.at("u_cloud_cost", p), tokens], x.at("u_cloud_cost", p) / (tokens * x.const("price_scale")),
                     nonzero=[tokens])
    unit_cost = by_key["u_unit_cost"]
    unit_cost.actual, unit_cost.forecast = annual(serving_per_token), serving_per_token
    unit_cost.text = unit_cost.note = "u_serving_per_token"
    share = by_key["u_variable_share"]
    share.text = share.note = "u_serving_share"
    return lines + compute_lines(data)


def compute_costs(data) -> list[tuple[str, str, object]]:
    """The compute build's cost lines for model/calc/costs.py: serving capacity variable (it is provisioned for
    the period's tokens), the other lines as units.toml classes them."""
    from .units import COST_LINES, _cost
    classes = data.units.classes
    serving = ("serving", "variable", lambda x, p: x.at("u_cloud_cost", p))
    return [serving] + [(k, classes[k], _cost(data, k)) for k in COST_LINES if k not in ("inference", "serving_fixed")]
