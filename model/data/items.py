"""Every historical item and forecast driver a company's data may give (`Item`: label id, unit,
bound, help), and which of them a dataset has."""
from __future__ import annotations

from dataclasses import dataclass, replace
from functools import lru_cache
from typing import NamedTuple

from .bounds import AMOUNT, Bound, FRACTION, FX_RATE, GROWTH, MARGIN, POSITIVE, RATE, SHARE, SIGNED
from . import units as unit_build


@dataclass(frozen=True)
class Item:
    """A historical item or forecast driver. Its label, per language, is model/labels
    items.<text> / drivers.<text>; `help` explains it in the data files' comment rows."""
    text: str                  # label id
    unit: str                  # amount (the company's unit) | pct
    bound: Bound               # the values it may take
    help: str
    segment: str = ""          # the segment key of a per-segment item
    detail: bool = False       # shown indented, as part of the item above
    periods: str = "forecast"  # a driver's columns (Dataset.driver_periods): "forecast" every forecast period
    # but the full year of a year shown in parts (2H2026, 1H2027, 2H2027, FY2028 ...), "years" every forecast
    # fiscal year (the cash drivers: the cash-flow statement is annual)


# Historical line items. Segment items (share, margin) exist only with two or more segments.
ACTUAL_ITEMS = {
    "revenue": Item("revenue", "amount", AMOUNT, "total revenue"),
    "cost_of_revenue": Item("cost_of_revenue", "amount", AMOUNT,
                            "cost of revenue (positive); blank: revenue - gross profit"),
    "gross_profit": Item("gross_profit", "amount", SIGNED,
                         "reported gross profit; give it or cost of revenue (both: they must tie)"),
    "rnd": Item("rnd", "amount", AMOUNT, "research and development expense (positive)"),
    "rnd_compute": Item("rnd_compute", "amount", AMOUNT,
                        "compute within R&D; given for the base year it splits the R&D forecast in two", detail=True),
    "rnd_compute_share": Item("rnd_compute_share", "pct", FRACTION,
                              "ASSUMPTION for a period that does not disclose compute: its share of R&D "
                              "(e.g. the last disclosed); compute = R&D x share", detail=True),
    "selling_marketing": Item("selling_marketing", "amount", AMOUNT, "selling and marketing expense (memo line)"),
    "operating_cash_flow": Item("operating_cash_flow", "amount", SIGNED,
                                "operating cash flow as reported (shown beside the forecast on Cash & Funding)"),
    "net_income": Item("net_income", "amount", SIGNED, "reported net income; a loss is negative"),
    "adjusted_net_income": Item("adjusted_net_income", "amount", SIGNED,
                                "adjusted net income as the company reports it; a loss is negative"),
}
SEGMENT_ACTUALS = {
    "rev": Item("rev_segment", "amount", AMOUNT, "segment revenue (an amount; or give the shares)"),
    "share": Item("share_segment", "pct", SHARE, "segment share of revenue; shares add to 100%"),
    "gm": Item("gm_segment", "pct", MARGIN, "segment gross margin (blank where not disclosed)"),
}
# The income statement by function: where the data give selling and G&A (dataset.by_function) they are
# forecast one by one, each a share of revenue plus a fixed part, with other income and gains an amount.
FUNCTION_ACTUALS = {
    "general_admin": Item("general_admin", "amount", AMOUNT, "general and administrative expense (positive)"),
    "selling_general_admin": Item("selling_general_admin", "amount", AMOUNT,
                                  "selling and marketing with general and administrative (G&A) together where the "
                                  "filing gives only the total: G&A = it less selling_marketing"),
    "other_income": Item("other_income", "amount", SIGNED, "other income and gains net (income positive)"),
    "operating_profit": Item("operating_profit", "amount", SIGNED, "operating profit as reported; a loss is negative"),
    "share_based_pay": Item("share_based_pay", "amount", AMOUNT,
                            "share-based pay inside the costs above (the main adjustment to adjusted net income)"),
}
ACTUAL_ITEMS.update(FUNCTION_ACTUALS)
REQUIRED_ACTUALS = ("revenue", "rnd", "adjusted_net_income")  # for the base year
# For the base year one of each group is required (the other is derived, and must tie when both are given).
EITHER_ACTUALS = (("cost_of_revenue", "gross_profit"),)

# Forecast drivers per scenario.
SEGMENT_DRIVERS = {
    "growth": Item("growth_segment", "pct", GROWTH, "segment revenue growth on the prior year (above -100%)"),
    "gm": Item("gm_segment", "pct", MARGIN, "segment gross margin"),
}
RND_DRIVERS = {  # split (compute given for the base year) -> drivers
    True: {"rnd_compute_growth": Item("rnd_compute_growth", "pct", GROWTH, "growth of compute within R&D"),
           "rnd_other_growth": Item("rnd_other_growth", "pct", GROWTH, "growth of the rest of R&D")},
    False: {"rnd_growth": Item("rnd_growth", "pct", GROWTH,
                               "growth of total R&D (when compute is not given for the base year)")},
}
COST_DRIVERS = {
    "other_opex_growth": Item("other_opex_growth", "pct", GROWTH,
                              "growth of other operating costs (selling; G&A; net other items)"),
    "adjustments": Item("adjustments", "amount", SIGNED,
                        "adjusted minus reported net income (amount): share-based pay etc."),
}
FUNCTION_DRIVERS = {
    "sm_share": Item("sm_share", "pct", FRACTION, "selling and marketing: the share of revenue (the part that moves "
                     "with revenue)"),
    "sm_fixed": Item("sm_fixed", "amount", AMOUNT, "selling and marketing: the fixed part (amount)"),
    "ga_share": Item("ga_share", "pct", FRACTION, "general and administrative: the share of revenue"),
    "ga_fixed": Item("ga_fixed", "amount", AMOUNT, "general and administrative: the fixed part (amount)"),
    "other_income": Item("other_income", "amount", SIGNED, "other income and gains net (an amount; income positive)"),
}
# The prefix of the remainder drivers of the earlier format (rest_growth_cloud gave 2H2026 over 1H2026): the
# half-year columns of assumptions.csv replace them (model/data/assumptions.py).
REST = "rest_"


# Cash-flow drivers (optional: a scenario without a row assumes 0 in every year).
CASH_DRIVERS = {
    "depreciation": Item("depreciation", "amount", AMOUNT,
                         "depreciation and amortisation of property, equipment and right-of-use assets (non-cash)",
                         periods="years"),
    "non_cash": Item("non_cash", "amount", SIGNED,
                     "other non-cash items left in adjusted net income, not D&A (share-based pay is already out)",
                     periods="years"),
    "capex": Item("capex", "amount", AMOUNT, "capital expenditure (positive)", periods="years"),
    "working_capital": Item("working_capital", "amount", SIGNED,
                            "other increase in working capital, beyond receivables (a decrease is negative)",
                            periods="years"),
    "capex_pct": Item("capex_pct", "pct", FRACTION, "capital expenditure as a share of revenue (added to capex)",
                      periods="years"),
    "receivable_days": Item("receivable_days", "days", Bound("days", 0, 365),
                            "trade receivables at the year end, in days of that year's revenue", periods="years"),
    "plug_debt": Item("plug_debt", "pct", FRACTION,
                      "share of the funding plug drawn as debt (the rest is new equity): 0 = all equity",
                      periods="years"),
    "sbc_shares": Item("sbc_shares", "shares", AMOUNT,
                       "new shares issued a year under share-based pay (options and awards vesting), million",
                       periods="years"),
}
SHARE_DRIVERS = ("sbc_shares",)   # cash drivers that need share data (funding.csv shares_outstanding)
# The unit build (units.toml, operating.csv, units.csv; model/data/units.py): operating metrics, which
# are actual items, and per-scenario unit drivers.
UNIT_ACTUALS = {
    "tokens_per_day": Item("tokens_per_day", "tokens", AMOUNT, "average tokens served per day, trillion"),
    "serving_fixed_share": Item("serving_fixed_share", "pct", SHARE,
                                "share of the unit segment's cost of revenue that is fixed serving capacity"),
    "training_share": Item("training_share", "pct", SHARE, "share of compute within R&D that trains models"),
    "generations": Item("generations", "count", AMOUNT, "model generations trained in the year"),
    "rnd_headcount": Item("rnd_headcount", "heads", AMOUNT, "average R&D headcount"),
    "rnd_staff_cost": Item("rnd_staff_cost", "amount", AMOUNT, "R&D staff cost (part of R&D other than compute)"),
    "opex_fixed_share": Item("opex_fixed_share", "pct", SHARE,
                             "share of other operating costs (selling; administration; net other items) that is fixed"),
}
# With customer_segment in units.toml that segment's revenue is customers x revenue per customer.
CUSTOMER_ACTUALS = {"customers": Item("customers", "customers", AMOUNT, "customers of the customer segment in the year")}
CUSTOMER_DRIVERS = {
    "customer_growth": Item("customer_growth", "pct", GROWTH, "growth of the customer segment's customers"),
    "revenue_per_customer_change": Item("revenue_per_customer_change", "pct", GROWTH,
                                        "change of the customer segment's revenue per customer"),
}
UNIT_DRIVERS = {
    "token_growth": Item("token_growth", "pct", GROWTH, "growth of tokens served per day"),
    "price_change": Item("price_change", "pct", GROWTH, "change of the average price per million tokens"),
    "unit_cost_change": Item("unit_cost_change", "pct", GROWTH, "change of the inference cost per million tokens"),
    "serving_fixed_growth": Item("serving_fixed_growth", "pct", GROWTH, "growth of the fixed serving capacity cost"),
    "generations": Item("generations", "count", AMOUNT, "model generations trained in the year"),
    "training_cost_growth": Item("training_cost_growth", "pct", GROWTH, "growth of the training cost per generation"),
    "research_compute_growth": Item("research_compute_growth", "pct", GROWTH, "growth of research compute"),
    "headcount_growth": Item("headcount_growth", "pct", GROWTH, "growth of R&D headcount"),
    "cost_per_head_growth": Item("cost_per_head_growth", "pct", GROWTH, "growth of the cost per R&D head"),
    "rnd_rest_growth": Item("rnd_rest_growth", "pct", GROWTH, "growth of the rest of R&D (not people; not compute)"),
    "opex_variable_share": Item("opex_variable_share", "pct", SHARE,
                                "variable part of other operating costs as a share of revenue"),
    "opex_fixed_growth": Item("opex_fixed_growth", "pct", GROWTH, "growth of the fixed part of other operating costs"),
}
UNIT_ACTUALS.update(CUSTOMER_ACTUALS)   # every item the unit build may have (Inputs rows, edits --apply)
UNIT_DRIVERS.update(CUSTOMER_DRIVERS)


# the unit items about one segment, labelled with its name: the unit segment's, the customer segment's
UNIT_SEGMENT_ITEMS = {"serving_fixed_share": "segment", "customers": "customer_segment"}


def unit_items(units, items: dict[str, Item], rnd: bool = True) -> dict[str, Item]:
    """The unit build's actual items or drivers this company has: the customer ones only with a
    customer segment, the R&D ones only when it forecasts R&D (`rnd`: units.rnd_by_units); an item about
    one segment names it."""
    kept = items if units.customer_segment else {k: v for k, v in items.items()
                                                 if k not in CUSTOMER_ACTUALS and k not in CUSTOMER_DRIVERS}
    if not rnd:
        kept = {k: v for k, v in kept.items() if k not in unit_build.RND_ACTUALS + unit_build.RND_DRIVERS}
    return {k: replace(v, segment=getattr(units, UNIT_SEGMENT_ITEMS[k])) if k in UNIT_SEGMENT_ITEMS else v
            for k, v in kept.items()}

# Notes the loader writes where the data leave something out, by label id (model/labels inputs.<id>): the
# workbook shows them in its edition's language.
DEFAULT_NOTES = {"cash_default": "not in assumptions.csv: 0 assumed", "no_raise": "no raise given",
                 "no_min_cash": "not given: 0 assumed", "no_plug": "not given: no plug (0) assumed",
                 "no_rate": "not given: 0% assumed", "no_share_fx": "not given: 1 assumed (shares in the company's currency)"}
CASH_DRIVER_DEFAULT = DEFAULT_NOTES["cash_default"]

class FundingItem(NamedTuple):
    unit: str      # number-format kind of the input
    period: str    # actual | forecast | "" (no period)
    bound: Bound
    help: str      # label: model/labels funding.<key>


FUNDING_ITEMS = {
    "opening_cash": FundingItem("amount", "actual", AMOUNT,
                                "cash at the end of the period given: the last actual year or an interim after it"),
    "equity_raise": FundingItem("amount3", "forecast", AMOUNT,
                                "net proceeds of a raise in the forecast year given; in the raise currency"),
    "fx_rate": FundingItem("rate", "", FX_RATE, "company currency per unit of the raise currency (1 when the same)"),
    "min_cash": FundingItem("amount", "", AMOUNT, "floor the cash must stay above (0)"),
    "plug": FundingItem("int", "", Bound("switch", 0, 1), "1: a funding plug draws what keeps cash at the minimum; "
                        "0: no plug (cash may fall below it and the funding need shows the shortfall)"),
    "plug_price": FundingItem("amount", "", POSITIVE, "issue price of the plug's new shares, in the share currency"),
    "share_price": FundingItem("amount", "", POSITIVE, "the market price of a share (a quote, with its date: not a "
                               "placing price), in the share currency; leave the row out when the sources quote none"),
    "debt_rate": FundingItem("pct", "", RATE, "annual interest rate on the plug's debt"),
    "cash_rate": FundingItem("pct", "", RATE, "annual interest earned on cash (opening balance)"),
    "shares_outstanding": FundingItem("amount3", "actual", POSITIVE, "shares in issue at the opening cash date, million"),
    "share_fx": FundingItem("rate", "", FX_RATE, "company currency per unit of the share currency (1 when the same)"),
    "unit_millions": FundingItem("rate", "", POSITIVE, "millions in the company's amount unit (100 for RMB 100m)"),
}
# Capital items that default when funding.csv leaves them out (value, note id in DEFAULT_NOTES), and the share
# items needed for shares and value (all of them, or none: without them the workbook shows no shares or value).
FUNDING_DEFAULTS = {"plug": (0.0, "no_plug"), "cash_rate": (0.0, "no_rate"), "debt_rate": (0.0, "no_rate")}
SHARE_ITEMS = ("shares_outstanding", "unit_millions")
MOVED_TO_VALUATION = ("exit_multiple", "discount_rate")   # valuation.csv's now: funding.csv refuses them with a hint


def raise_year_bound(data) -> Bound:
    """The fiscal year an equity raise arrives in: a forecast year."""
    return Bound("forecast_year", data.forecast_years[0], data.forecast_years[-1])

def per_segment(templates: dict[str, Item], segments) -> dict[str, Item]:
    return {f"{prefix}_{key}": replace(item, segment=key) for prefix, item in templates.items() for key, _ in segments}


def actual_items(data) -> dict[str, Item]:
    items = dict(_actual_items(tuple(data.segments)))
    if not data.units:
        return items
    items.update(unit_items(data.units, UNIT_ACTUALS, data.split_compute))
    return compute_items(data, items, "actual")


def driver_items(data, split_compute=None) -> dict[str, Item]:
    """The income-statement drivers per scenario (with the unit build, its drivers in place of those it
    replaces)."""
    split = data.split_compute if split_compute is None else split_compute
    items = dict(_driver_items(tuple(data.segments), split, data.by_function))
    if not data.units:
        return items
    replaced = unit_replaced(data)
    items = {**{k: v for k, v in items.items() if k not in replaced},
             **unit_items(data.units, UNIT_DRIVERS, data.split_compute)}
    return compute_items(data, items, "driver")


def compute_items(data, items: dict[str, Item], kind: str) -> dict[str, Item]:
    """With the compute build (model/data/compute.py): its metrics or drivers in place of the unit build's
    serving and training ones."""
    if not getattr(data, "compute", False):
        return items
    from . import compute
    gone = compute.REPLACED_ACTUALS if kind == "actual" else compute.REPLACED_DRIVERS
    added = compute.COMPUTE_ACTUALS if kind == "actual" else compute.COMPUTE_DRIVERS
    return {**{k: v for k, v in items.items() if k not in gone}, **added}


def unit_replaced(data) -> set[str]:
    """The drivers of assumptions.csv the unit build replaces."""
    return unit_build.replaced_drivers(data.units, data.split_compute)


# Memoised on what they depend on (items are frozen): the build asks for them once per input cell.
@lru_cache(maxsize=64)
def _actual_items(segments: tuple) -> dict[str, Item]:
    items = dict(ACTUAL_ITEMS)
    if len(segments) > 1:
        items.update(per_segment(SEGMENT_ACTUALS, segments))
    return items


@lru_cache(maxsize=64)
def _driver_items(segments: tuple, split: bool, by_function: bool = False) -> dict[str, Item]:
    items = per_segment(SEGMENT_DRIVERS, segments)
    items.update(RND_DRIVERS[split])
    items.update({**FUNCTION_DRIVERS, "adjustments": COST_DRIVERS["adjustments"]} if by_function else COST_DRIVERS)
    return items


def all_driver_items(data) -> dict[str, Item]:
    """Every per-scenario assumption on Inputs: the income-statement drivers, then the cash drivers; once
    funding.csv is read, share-based pay's shares only with share data (they dilute the shares)."""
    cash = CASH_DRIVERS if not data.funding or "shares_outstanding" in data.funding else {
        k: v for k, v in CASH_DRIVERS.items() if k not in SHARE_DRIVERS}
    return {**driver_items(data), **cash}
