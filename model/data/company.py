"""Load a company folder (company.toml, actuals.csv, assumptions.csv, sources.csv, funding.csv, and the
optional reference.csv and claims.csv).

Every problem is a `DataError` naming the file, the row and the column, so the CLI can report it and
stop before anything is written. Values still to fill in (blank required cells, missing settings)
are collected and reported together, so a new company folder shows everything it lacks at once.
"""
from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, field, replace
from functools import lru_cache
from pathlib import Path
from typing import NamedTuple

from ..calc.formula import AND, ISNUMBER, name_part
from ..labels import LANGS
from .files import (DataError, DataErrors, Problems, excel_precision, parse_number, read_csv,  # noqa: F401 (API)
                       read_text, read_toml, toml_line, unknown)
from .periods import Period, parse_period, parse_year_end, period_end_date, period_problem
from . import units as unit_build


@dataclass(frozen=True)
class Bound:
    """The values an input may take. One definition serves the loader's check of the data files
    (`allows`) and the workbook's data validation (`rule`, the same test as an Excel formula); its
    message, per language, is model/labels bounds.<name>."""
    name: str
    low: float | None = None
    high: float | None = None
    low_open: bool = False     # True: `low` itself is not allowed

    def allows(self, v: float) -> bool:
        if self.low is not None and (v <= self.low if self.low_open else v < self.low):
            return False
        return self.high is None or v <= self.high

    def rule(self, ref):
        """The same test as an Excel formula over the cell `ref` (a custom data validation)."""
        tests = [ISNUMBER(ref)]
        if self.low is not None:
            tests.append(ref.gt(self.low) if self.low_open else ref.ge(self.low))
        if self.high is not None:
            tests.append(ref.le(self.high))
        return AND(*tests)


GROWTH = Bound("growth", -1, 10, low_open=True)  # above -100% (revenue stays positive), at most 1,000%
MARGIN = Bound("margin", -10, 1)                  # at most 100%; far below 0 happens for a young segment
SHARE = Bound("share", 0, 1)
FRACTION = Bound("fraction", 0, 1)                # a part of a cost (compute within R&D)
AMOUNT = Bound("amount", 0)                       # revenue and costs: positive, costs are subtracted
SIGNED = Bound("signed")                          # profit, loss, adjustments: any number
TOLERANCE = Bound("tolerance", 0)


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
    "net_income": Item("net_income", "amount", SIGNED, "reported net income; a loss is negative"),
    "adjusted_net_income": Item("adjusted_net_income", "amount", SIGNED,
                                "adjusted net income as the company reports it; a loss is negative"),
}
SEGMENT_ACTUALS = {
    "rev": Item("rev_segment", "amount", AMOUNT, "segment revenue (an amount; or give the shares)"),
    "share": Item("share_segment", "pct", SHARE, "segment share of revenue; shares add to 100%"),
    "gm": Item("gm_segment", "pct", MARGIN, "segment gross margin (blank where not disclosed)"),
}
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
# The rest of the year after a year-to-date interim of the first forecast year (2H2026E after 1H2026A):
# each income-statement driver has a remainder twin, given in that year's column only. A growth compares
# the remainder with the year to date (for 1H: 2H over 1H), a margin or an amount is the remainder's own.
REST = "rest_"
REST_HELP = {"pct": "of the rest of the first forecast year after its interim, over the year to date",
             "gm": "of the rest of the first forecast year after its interim",
             "amount": "for the rest of the first forecast year after its interim"}


def rest_items(items: dict[str, Item]) -> dict[str, Item]:
    """The remainder twin of each income-statement driver: rest_growth_cloud, rest_gm_cloud, ..."""
    def help_of(drv, item):
        kind = "amount" if item.unit == "amount" else "gm" if drv.startswith("gm_") else "pct"
        return f"{item.help.split(' (')[0]}, {REST_HELP[kind]}"
    return {REST + drv: replace(item, text=REST + item.text, help=help_of(drv, item)) for drv, item in items.items()}


# Cash-flow drivers (optional: a scenario without a row assumes 0 in every year).
CASH_DRIVERS = {
    "non_cash": Item("non_cash", "amount", SIGNED,
                     "D&A and other non-cash items left in adjusted net income (share-based pay is already out)"),
    "capex": Item("capex", "amount", AMOUNT, "capital expenditure (positive)"),
    "working_capital": Item("working_capital", "amount", SIGNED,
                            "other increase in working capital, beyond receivables (a decrease is negative)"),
    "capex_pct": Item("capex_pct", "pct", FRACTION, "capital expenditure as a share of revenue (added to capex)"),
    "receivable_days": Item("receivable_days", "days", Bound("days", 0, 365),
                            "trade receivables at the year end, in days of that year's revenue"),
    "plug_debt": Item("plug_debt", "pct", FRACTION,
                      "share of the funding plug drawn as debt (the rest is new equity): 0 = all equity"),
}
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


def unit_items(units, items: dict[str, Item]) -> dict[str, Item]:
    """The unit build's actual items or drivers this company has: the customer ones only with a
    customer segment."""
    return items if units.customer_segment else {k: v for k, v in items.items()
                                                 if k not in CUSTOMER_ACTUALS and k not in CUSTOMER_DRIVERS}

# Notes the loader writes where the data leave something out, by label id (model/labels inputs.<id>): the
# workbook shows them in its edition's language.
DEFAULT_NOTES = {"cash_default": "not in assumptions.csv: 0 assumed", "no_raise": "no raise given",
                 "no_min_cash": "not given: 0 assumed", "no_plug": "not given: no plug (0) assumed",
                 "no_rate": "not given: 0% assumed", "no_share_fx": "not given: 1 assumed (shares in the company's currency)",
                 "plug_at_price": "not given: today's share price assumed"}
CASH_DRIVER_DEFAULT = DEFAULT_NOTES["cash_default"]

FX_RATE = Bound("fx_rate", 0, low_open=True)
FLAG = Bound("flag", 0, 1)
POSITIVE = Bound("positive", 0, low_open=True)    # a price, a share count, a unit's size
RATE = Bound("rate", 0, 1)                        # an annual interest or discount rate
STEP = Bound("step", 0, 1)                        # a sensitivity step: 0 to 100 percentage points


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
    "debt_rate": FundingItem("pct", "", RATE, "annual interest rate on the plug's debt"),
    "cash_rate": FundingItem("pct", "", RATE, "annual interest earned on cash (opening balance)"),
    "shares_outstanding": FundingItem("amount3", "actual", POSITIVE, "shares in issue at the opening cash date, million"),
    "share_price": FundingItem("amount", "", POSITIVE, "today's share price, in the share currency"),
    "share_fx": FundingItem("rate", "", FX_RATE, "company currency per unit of the share currency (1 when the same)"),
    "unit_millions": FundingItem("rate", "", POSITIVE, "millions in the company's amount unit (100 for RMB 100m)"),
    "exit_multiple": FundingItem("x", "", Bound("multiple", 0), "EV / revenue multiple in the last forecast year"),
    "discount_rate": FundingItem("pct", "", RATE, "annual rate the exit value is discounted at"),
}
# Capital items that default when funding.csv leaves them out (value, note id in DEFAULT_NOTES), and the share
# items needed for shares and value (all of them, or none: without them the workbook shows no shares or value).
FUNDING_DEFAULTS = {"plug": (0.0, "no_plug"), "cash_rate": (0.0, "no_rate"), "debt_rate": (0.0, "no_rate")}
SHARE_ITEMS = ("shares_outstanding", "share_price", "unit_millions", "exit_multiple", "discount_rate")


def raise_year_bound(data) -> Bound:
    """The fiscal year an equity raise arrives in: a forecast year."""
    return Bound("forecast_year", data.forecast_years[0], data.forecast_years[-1])


# Sensitivity steps (company.toml [sensitivity]): key -> default. Labels and notes: model/labels sensitivity.*
SENSITIVITY = {"growth_step": 0.05, "cost_growth_step": 0.05, "tornado_step": 0.10}
OLD_SENSITIVITY = ("margin_step",)  # no longer used (the tornado has one relative step): accepted, ignored

# claims.csv: how the model computes a claim's figure (calc -> number of periods; None: one or more)
CLAIM_CALCS = {"value": 1, "cost_share": 1, "multiple": 2, "cagr": 2, "change": 2, "sum": None, "max": None,
               "min": None, "breakeven": 0, "none": 0}
CLAIM_TESTS = ("equal", "at_least", "at_most")
# what the model's figure rests on: another source (agreement corroborates the claim), the note itself (the
# data took the figure from it: agreement by construction), a proxy (can confirm the claim, cannot refute it)
# or the dataset's own assumptions (the unit build's split of a cost that is not disclosed: it shows what
# the claim means under them, it neither corroborates nor refutes)
CLAIM_BASES = ("source", "note", "proxy", "assumption")
# a claim's condition the model can hold: revenue growth kept at the last actual year's rate (calc breakeven)
CLAIM_CONDITIONS = ("growth_kept",)
# claims.csv's optional columns beyond the texts (templates/README.md)
CLAIM_OPTIONAL = ["quote", "metric", "periods", "explanation", "source", "group", "basis", "benchmark", "condition",
                  "latest"]

# Check tolerances: key -> (unit, default). Optional in company.toml; labels: model/labels tolerances.<key>.
TOLERANCES = {"share_sum": ("pct", 0.001), "amount": ("amount", 0.0001), "segment_margin": ("pct", 0.005),
              "nm_ratio": ("pct", 10.0)}   # nm_ratio: a ratio above 1,000% in size reads n.m.
REQUIRED_SETTINGS = ("name", "currency", "unit", "fiscal_year_end", "as_of", "forecast_end", "segments")
EDITIONS = tuple(lang for lang in LANGS if lang != "en")   # the non-English editions (model/labels)


def per_edition(*keys: str) -> tuple[str, ...]:
    """The optional per-edition variants of texts, for every non-English edition (model/labels LANGS):
    label -> label_zh. company.toml settings and CSV text columns alike."""
    return tuple(f"{k}_{lang}" for k in keys for lang in EDITIONS)


# Every setting company.toml may hold; any other is refused (a typo would otherwise be ignored). A text
# may also be given per edition language: adjustments_label_zh, a segment's label_zh.
_TEXTS = ("name", "ticker", "currency", "unit", "adjustments_label", "reliability_legend")
TEXT_SETTINGS = _TEXTS + ("name_local", "unit_local", "default_scenario") + per_edition(*_TEXTS)
SETTINGS = REQUIRED_SETTINGS + tuple(k for k in TEXT_SETTINGS if k not in REQUIRED_SETTINGS) + ("tolerances",
                                                                                                 "sensitivity")
SEGMENT_SETTINGS = ("key", "label") + per_edition("label")
# CSV text columns a non-English edition may give in its language (claim_zh); blank: the base column.
CLAIM_TEXTS = ("claim", "explanation", "unit")  # unit: a count's own (m users)
SOURCE_TEXTS = ("title", "supports", "reliability")
FUNDING_TEXTS = ("unit", "note")
RATIONALE_TEXTS = per_edition("rationale")  # rationale_zh

# Limits that keep a workbook usable; beyond them the data are almost certainly a mistake.
MAX_SEGMENTS, MAX_SCENARIOS, MAX_FORECAST_YEARS = 10, 20, 30
PLAIN_KEY = re.compile(r"[A-Za-z][A-Za-z0-9_]{0,30}")          # segment keys: part of defined names
SCENARIO_NAME = re.compile(r"[A-Za-z][A-Za-z0-9 _-]{0,30}")     # shown in the dropdown, matched by MATCH


@dataclass
class Figure:
    value: float | None
    source: str = ""
    note: str = ""


@dataclass
class Reference:
    metric: str
    period: Period
    value: float
    tolerance: float
    source: str
    claim: str
    unit: str = "amount"   # the metric's unit: amount | pct | x


@dataclass
class Funding:
    value: float | None
    period: Period | None = None
    unit: str = ""
    source: str = ""
    note: str = ""
    local: dict = field(default_factory=dict)   # unit_zh, note_zh: the texts of another edition


EVENT_KINDS = ("ipo", "placing", "convertible_bond", "bank_loan")
EQUITY_KINDS = ("ipo", "placing", "equity")   # the others are debt: repaid at maturity (a bond may convert)
LEGACY_RAISE = "equity_raise"   # the single raise of funding.csv (equity_raise + fx_rate rows): one event


@dataclass
class Event:
    """A funding event (events.csv): cash that arrives in its fiscal year, converted to the company's
    currency; one already inside the opening cash is shown but not counted again (counted = 0)."""
    id: str
    kind: str                  # EVENT_KINDS, or "equity" for funding.csv's single raise
    currency: str
    amount: float              # net, in the raise currency at the display unit's scale
    fx_rate: float             # company currency per unit of the raise currency
    year: int                  # the fiscal year the cash arrives
    counted: int = 1           # 1: added in its year; 0: already in the opening cash
    date: datetime.date | None = None
    conversion_price: float | None = None   # a convertible bond's, in its share currency
    maturity: datetime.date | None = None
    shares: float | None = None  # an equity event's new shares, million (counted events add them in their year)
    rate: float = 0.0            # a debt event's annual interest rate (0: zero-coupon)
    maturity_year: int | None = None   # the fiscal year of the maturity date
    source: str = ""
    note: str = ""
    local: dict = field(default_factory=dict)   # note_zh: the note in another edition


@dataclass
class Claim:
    id: str
    claim: str            # what the note claims, in plain words
    quote: str            # the note's own wording
    reported: float
    unit: str             # pct | x | amount | year | any other text (a count's unit)
    calc: str             # see CLAIM_CALCS
    metric: str
    periods: list[Period]
    test: str             # equal | at_least | at_most
    tolerance: float
    explanation: str
    source: str = ""
    texts: dict[str, str] = field(default_factory=dict)  # per-edition texts given: claim_zh, unit_zh ...
    group: str = ""       # the claim this row is part of (rows of one claim share it); default: its id
    basis: str = "source"  # see CLAIM_BASES
    benchmark: str = ""   # the id of the claim row giving the benchmark this claim is compared with
    condition: str = ""   # see CLAIM_CONDITIONS
    latest: bool = False  # also shown against the latest actual full year and interim

    @property
    def fields(self) -> dict[str, str]:
        """Its texts by column, per-edition ones included (Labels.data_text picks an edition's)."""
        return {"claim": self.claim, "explanation": self.explanation, "unit": self.unit, **self.texts}


@dataclass
class Dataset:
    folder: Path
    company: dict
    segments: list[tuple[str, str]]            # (key, label)
    periods: list[Period]                      # actual periods, sorted
    actuals: dict[str, dict[Period, Figure]]   # item -> period -> figure
    scenarios: list[str] = field(default_factory=list)
    forecast_years: list[int] = field(default_factory=list)
    assumptions: dict[tuple[str, str], list[float]] = field(default_factory=dict)  # (scenario, driver) -> per year
    rationales: dict[tuple[str, str], dict] = field(default_factory=dict)  # {"rationale": .., "rationale_zh": ..}
    sources: list[dict] = field(default_factory=list)
    references: list[Reference] = field(default_factory=list)
    tolerances: dict[str, float] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)  # what the loader ignored, for the build report
    funding: dict[str, Funding] = field(default_factory=dict)
    claims: list[Claim] = field(default_factory=list)
    sensitivity: dict[str, float] = field(default_factory=dict)
    units: unit_build.UnitBuild | None = None   # the unit build (units.toml), or None: growth rates
    events: list[Event] = field(default_factory=list)

    @property
    def full_years(self) -> list[Period]:
        return [p for p in self.periods if p.is_full_year]

    @property
    def interims(self) -> list[Period]:
        return [p for p in self.periods if not p.is_full_year]

    @property
    def base_year(self) -> Period:
        """The last actual full year: the forecast grows from it."""
        return self.full_years[-1]

    @property
    def stub(self) -> Period | None:
        """The latest interim of the first forecast year that gives revenue (1H2026 when FY2025 is the last
        full year), or None: that year's forecast is then the year-to-date actual plus the rest of the year
        (stub.rest()). An interim with no revenue (only the result behind an opening cash date) is not one."""
        ytd = [p for p in self.interims if p.year == self.base_year.year + 1 and self.actual("revenue", p) is not None]
        return max(ytd) if ytd else None

    @property
    def single_segment(self) -> bool:
        """One revenue segment: its share is 100% and its margin the blended one, by definition."""
        return len(self.segments) == 1

    @property
    def split_compute(self) -> bool:
        """R&D is forecast as compute + the rest when compute is given for the base year, or its share
        of R&D is assumed there (rnd_compute_share)."""
        return any(self.actual(i, self.base_year) is not None for i in ("rnd_compute", "rnd_compute_share"))

    def actual(self, item: str, period: Period) -> float | None:
        fig = self.actuals.get(item, {}).get(period)
        return fig.value if fig else None


def used_tolerances(data) -> list[str]:
    """Tolerances the Checks tab uses: the segment ones only with two or more segments."""
    return ["amount", "nm_ratio"] if data.single_segment else list(TOLERANCES)


def per_segment(templates: dict[str, Item], segments) -> dict[str, Item]:
    return {f"{prefix}_{key}": replace(item, segment=key) for prefix, item in templates.items() for key, _ in segments}


def actual_items(data) -> dict[str, Item]:
    items = dict(_actual_items(tuple(data.segments)))
    return {**items, **unit_items(data.units, UNIT_ACTUALS)} if data.units else items


def driver_items(data, split_compute=None) -> dict[str, Item]:
    """The income-statement drivers per scenario, and their remainder twins when the first forecast year
    has a year-to-date interim (data.stub)."""
    split = data.split_compute if split_compute is None else split_compute
    items = dict(_driver_items(tuple(data.segments), split, data.stub is not None))
    if not data.units:
        return items
    replaced = unit_replaced(data)
    return {**{k: v for k, v in items.items() if k not in replaced}, **unit_items(data.units, UNIT_DRIVERS)}


def unit_replaced(data) -> set[str]:
    """The drivers of assumptions.csv the unit build replaces, with their remainder twins."""
    replaced = unit_build.replaced_drivers(data.units)
    return replaced | {REST + d for d in replaced}


# Memoised on what they depend on (items are frozen): the build asks for them once per input cell.
@lru_cache(maxsize=64)
def _actual_items(segments: tuple) -> dict[str, Item]:
    items = dict(ACTUAL_ITEMS)
    if len(segments) > 1:
        items.update(per_segment(SEGMENT_ACTUALS, segments))
    return items


@lru_cache(maxsize=64)
def _driver_items(segments: tuple, split: bool, stub: bool) -> dict[str, Item]:
    items = per_segment(SEGMENT_DRIVERS, segments)
    items.update(RND_DRIVERS[split])
    items.update(COST_DRIVERS)
    return {**items, **rest_items(items)} if stub else items


def all_driver_items(data) -> dict[str, Item]:
    """Every per-scenario assumption on Inputs: the income-statement drivers, then the cash drivers."""
    return {**driver_items(data), **CASH_DRIVERS}


def bound_text(bound: Bound, unit: str, lang: str = "en") -> str:
    """What a bound allows, in words: 'a growth rate above -100% and at most 1000%'."""
    from ..labels import table
    show = (lambda v: f"{v:.0%}") if unit == "pct" else (lambda v: f"{v:g}")  # noqa: E731
    return table(lang)[f"bounds.{bound.name}"].format(
        low=show(bound.low) if bound.low is not None else "", high=show(bound.high) if bound.high is not None else "")


def check_bound(bound: Bound, unit: str, value, file, row, column):
    """A DataError when a value from a data file is outside its bound (a blank is always allowed)."""
    if value is not None and not bound.allows(value):
        shown = f"{value:.0%}" if unit == "pct" else f"{value:g}"
        raise DataError(file, f"{shown} is not allowed here: expected {bound_text(bound, unit)}", row, column)


def pct(v: float) -> str:
    return f"{v * 100:.6g}%"


def read_period(text, path, row, column) -> Period:
    period = parse_period(text)
    if period is None:
        raise DataError(path, period_problem(text), row, column)
    return period


def check_sources(text, ids, path, row, column):
    """Each id in a `source` cell ('S1; S3; note') must be a source of sources.csv."""
    for sid in (t.strip() for t in re.split(r"[;,]", text)):
        if sid and sid not in ids:
            listed = unknown("source", sid, sorted(ids)) + " (ids of sources.csv)" if ids else \
                f"unknown source {sid!r}: sources.csv lists no sources yet; add it there"
            raise DataError(path, listed, row, column)


def segment_problem(seg: dict, earlier_keys: list) -> str | None:
    """What is wrong with one [[segments]] table, or None."""
    for k in seg:
        if k not in SEGMENT_SETTINGS:
            return unknown("segment setting", k, SEGMENT_SETTINGS)
    key, label = seg.get("key"), seg.get("label")
    if not isinstance(key, str) or not PLAIN_KEY.fullmatch(key):
        return f"segment key {key!r} must be a plain word: a letter, then letters, digits or _ (at most 31)"
    if key.lower() in (str(k).lower() for k in earlier_keys):
        return f"segment key {key!r} is used twice (keys are compared ignoring case)"
    if not isinstance(label, str) or not label.strip():
        return f"segment {key!r} needs a label in quotes"
    return None


def valid_date(text: str) -> bool:
    try:
        datetime.date.fromisoformat(text)
        return True
    except ValueError:
        return False


def load_company(folder: Path, problems: Problems) -> dict:
    path = folder / "company.toml"
    text, company = read_toml(path)

    def problem(key, message, nth=0):
        problems.append(DataError(path, message, toml_line(text, key, nth), key))

    for key in company:
        if key not in SETTINGS:
            problem(key, unknown("setting", key, SETTINGS))
    for key in REQUIRED_SETTINGS:
        if company.get(key) in (None, ""):
            problem(key, "required, but " + ("empty" if key in company else "missing"))
    for key in TEXT_SETTINGS:
        if key in company and not isinstance(company[key], str):
            problem(key, f"{key} must be text in quotes, found {company[key]!r}")
    if company.get("fiscal_year_end") and parse_year_end(str(company["fiscal_year_end"])) is None:
        problem("fiscal_year_end", f"fiscal_year_end {company['fiscal_year_end']!r} is not a month-day such as \"12-31\" or \"03-31\"")
    as_of = company.get("as_of")
    if as_of not in (None, "") and not (isinstance(as_of, datetime.date) or valid_date(str(as_of))):
        problem("as_of", f'as_of must be a date such as "2026-01-28", found {as_of!r}')
    structural = Problems()
    end = company.get("forecast_end")
    if "forecast_end" in company and (not isinstance(end, int) or isinstance(end, bool) or not 1900 < end < 2200):
        structural.append(DataError(path, f"forecast_end must be a year such as 2030, found {end!r}",
                                    toml_line(text, "forecast_end"), "forecast_end"))
    segs = company.get("segments")
    if segs is not None:
        if not isinstance(segs, list) or not segs or not all(isinstance(s, dict) for s in segs):
            structural.append(DataError(path, "segments must be one or more [[segments]] tables, each with a key and a label",
                                        toml_line(text, "segments"), "segments"))
        elif len(segs) > MAX_SEGMENTS:
            structural.append(DataError(path, f"{len(segs)} segments; at most {MAX_SEGMENTS}", toml_line(text, "segments"),
                                        "segments"))
        else:
            for i, seg in enumerate(segs):
                why = segment_problem(seg, [s.get("key") for s in segs[:i]])
                if why:
                    structural.append(DataError(path, why, toml_line(text, "segments", i), "segments"))
    tol = company.setdefault("tolerances", {})
    if not isinstance(tol, dict):
        raise DataError(path, "[tolerances] must be a table of numbers", toml_line(text, "tolerances"), "tolerances")
    for key in tol:
        if key not in TOLERANCES:
            problem(key, unknown("tolerance", key, TOLERANCES))
    for key, (_, default) in TOLERANCES.items():
        value = tol.setdefault(key, default)
        if not isinstance(value, (int, float)) or isinstance(value, bool) or not TOLERANCE.allows(value):
            problem(key, f"tolerance {key} must be a non-negative number, found {value!r}")
            tol[key] = default   # so that the other files are checked as usual meanwhile
    problems.extend(structural)
    if structural or "forecast_end" not in company or segs is None:
        problems.raise_if_any()  # the other files cannot be read without these
    return company


def load_actuals(folder: Path, data: Dataset, sources: set[str], problems: Problems):
    """Fills data.actuals and data.periods (every period the file names, even with blank values)."""
    path = folder / "actuals.csv"
    items = {**ACTUAL_ITEMS, **per_segment(SEGMENT_ACTUALS, data.segments)}
    allowed = actual_items(data)
    _, rows = read_csv(path, ["item", "period", "value"], ["source", "note"])
    where = {}
    for n, r in rows:
        item = r["item"]
        if item not in items:
            raise DataError(path, unknown("item", item, allowed), n, "item")
        if item not in allowed:
            raise DataError(path, f"{item}: with a single segment its share is 100% and its margin the blended gross "
                                  "margin by definition; remove this row", n, "item")
        period = read_period(r["period"], path, n, "period")
        if (item, period) in where:
            raise DataError(path, f"{item} for {period.code} is given twice (also in row {where[item, period]})", n, "period")
        value = parse_number(r["value"], path, n, "value", required=False)
        check_bound(items[item].bound, items[item].unit, value, path, n, "value")
        check_sources(r.get("source", ""), sources, path, n, "source")
        data.actuals.setdefault(item, {})[period] = Figure(value, r.get("source", ""), r.get("note", ""))
        where[(item, period)] = n
    data.periods = sorted({p for per_item in data.actuals.values() for p in per_item})
    first_row = {p: min(n for (_, q), n in where.items() if q == p) for p in data.periods}
    fys = data.full_years
    if not fys:
        raise DataError(path, "no full-year actuals: at least one FY period is needed", column="period")
    for a, b in zip(fys, fys[1:]):
        if b.year != a.year + 1:
            raise DataError(path, f"full years must be consecutive: {a.code} is followed by {b.code} "
                            f"(FY{a.year + 1} is missing)", first_row[b], "period")
    base = data.base_year
    for p in data.interims:
        if p.year > base.year + 1:
            raise DataError(path, f"interim {p.code} falls after FY{base.year + 1}, the first forecast year: give "
                                  f"the full years before it", first_row[p], "period")
    as_of = data.company.get("as_of")
    as_of = as_of if isinstance(as_of, datetime.date) else (datetime.date.fromisoformat(str(as_of))
                                                            if as_of and valid_date(str(as_of)) else None)
    year_end = parse_year_end(str(data.company.get("fiscal_year_end", "")))
    for p in data.periods if as_of and year_end else []:
        ends = datetime.date(*period_end_date(p, year_end))
        if ends > as_of:
            raise DataError(path, f"{p.code} ends on {ends}, after as_of {as_of} in company.toml (the date of the "
                            "latest data used): correct the period, or move as_of", first_row[p], "period")
    for item in REQUIRED_ACTUALS:
        if data.actual(item, base) is None:
            problems.append(DataError(path, f"{item} for {base.code} is required: the last full year is the base of "
                                            "the forecast", where.get((item, base)), "value"))
    for group in EITHER_ACTUALS:
        if all(data.actual(i, base) is None for i in group):
            at = next((where[i, base] for i in group if (i, base) in where), None)
            problems.append(DataError(path, f"{' or '.join(group)} for {base.code} is required (either; the other is "
                                            "derived): the last full year is the base of the forecast", at, "value"))
    stub = data.stub
    if stub is not None:
        why = f"FY{stub.year} is forecast as {stub.code} actual plus {stub.rest().code}"
        needed = list(REQUIRED_ACTUALS) + ["net_income"]
        if not data.single_segment:
            needed += [f"gm_{key}" for key, _ in data.segments]  # the year to date's segment gross profit
        for item in needed:
            if data.actual(item, stub) is None:
                problems.append(DataError(path, f"{item} for {stub.code} is required: {why}", where.get((item, stub)),
                                          "value"))
        for group in EITHER_ACTUALS:
            if all(data.actual(i, stub) is None for i in group):
                at = next((where[i, stub] for i in group if (i, stub) in where), None)
                problems.append(DataError(path, f"{' or '.join(group)} for {stub.code} is required (either; the other "
                                                f"is derived): {why}", at, "value"))
        if not data.single_segment:
            first_key = data.segments[0][0]
            if all(data.actual(f"{kind}_{first_key}", stub) is None for kind in ("rev", "share")):
                problems.append(DataError(path, f"segment revenue for {stub.code} is required: give every segment's "
                                                f"rev_<segment> (amount) or share_<segment>: {why}",
                                          where.get((f"share_{first_key}", stub)), "value"))
        if data.split_compute and all(data.actual(i, stub) is None for i in ("rnd_compute", "rnd_compute_share")):
            problems.append(DataError(path, f"rnd_compute (or an assumed rnd_compute_share) for {stub.code} is "
                                            f"required: {why}", where.get(("rnd", stub)), "value"))
    if not data.single_segment:
        first_key = data.segments[0][0]
        if all(data.actual(f"{kind}_{first_key}", base) is None for kind in ("rev", "share")):
            problems.append(DataError(path, f"segment revenue for {base.code} is required: give every segment's "
                                            "rev_<segment> (amount) or share_<segment>", where.get((f"share_{first_key}", base)),
                                      "value"))
        for p in data.periods:
            problems.extend(share_problems(data, p, where, path))
            problems.extend(segment_amount_problems(data, p, where, path))
    for p in data.periods:
        problems.extend(tie_problems(data, p, where, path))


def tie_problems(data, p, where, path) -> list[DataError]:
    """Figures given two ways must agree: revenue - cost of revenue = gross profit; compute given both as
    an amount and as an assumed share is refused (the share is for a period that does not disclose it)."""
    out = []
    rev, cost, gp = (data.actual(i, p) for i in ("revenue", "cost_of_revenue", "gross_profit"))
    tolerance = data.company["tolerances"]["amount"]
    if None not in (rev, cost, gp) and abs(rev - cost - gp) > tolerance:
        out.append(DataError(path, f"revenue - cost_of_revenue = {rev - cost:.6g} for {p.code}, but gross_profit is "
                             f"{gp:.6g} (amount tolerance {tolerance:g} in company.toml): correct one, or leave one blank",
                             where["gross_profit", p], "value"))
    if data.actual("rnd_compute_share", p) is not None:
        if data.actual("rnd_compute", p) is not None:
            out.append(DataError(path, f"rnd_compute_share for {p.code} is an assumption for a period that does not "
                                 "disclose compute, but rnd_compute is given: remove one", where["rnd_compute_share", p],
                                 "value"))
        elif data.actual("rnd", p) is None:
            out.append(DataError(path, f"rnd_compute_share for {p.code} needs rnd for {p.code} (compute = R&D x share)",
                                 where["rnd_compute_share", p], "value"))
    return out


def segment_amount_problems(data, p, where, path) -> list[DataError]:
    """A period's segment revenue amounts: all given or none, adding to revenue, and tying to the shares
    where both are given (within share_sum of revenue: published shares are rounded)."""
    items = [f"rev_{key}" for key, _ in data.segments]
    given = [i for i in items if data.actual(i, p) is not None]
    if not given:
        return []
    missing = [i for i in items if i not in given]
    if missing:
        return [DataError(path, f"{missing[0]} for {p.code} is missing while {given[0]} is given: give every "
                          "segment's revenue for a period, or none", where[given[-1], p], "value")]
    rev, total = data.actual("revenue", p), sum(data.actual(i, p) for i in items)
    tol = data.company["tolerances"]
    if rev is not None and abs(total - rev) > tol["amount"]:
        return [DataError(path, f"segment revenue for {p.code} adds up to {total:.6g}, not revenue {rev:.6g} (amount "
                          f"tolerance {tol['amount']:g} in company.toml)", where[items[-1], p], "value")]
    for key, _ in data.segments:
        share = data.actual(f"share_{key}", p)
        if share is not None and rev and abs(data.actual(f"rev_{key}", p) / rev - share) > tol["share_sum"]:
            return [DataError(path, f"rev_{key} for {p.code} is {pct(data.actual(f'rev_{key}', p) / rev)} of revenue but "
                              f"share_{key} is {pct(share)} (share_sum tolerance {pct(tol['share_sum'])}): correct one, or "
                              "leave the shares blank", where[f"share_{key}", p], "value")]
    return []


def share_problems(data, p, where, path) -> list[DataError]:
    """A period's segment shares: all given or none, adding to 100% within the share_sum tolerance."""
    items = [f"share_{key}" for key, _ in data.segments]
    given = [i for i in items if data.actual(i, p) is not None]
    if not given:
        return []
    missing = [i for i in items if i not in given]
    if missing:
        return [DataError(path, f"{missing[0]} for {p.code} is missing while {given[0]} is given: give every "
                          "segment's share for a period, or none", where[given[-1], p], "value")]
    total = sum(data.actual(i, p) for i in items)
    tolerance = data.company["tolerances"]["share_sum"]
    if abs(total - 1) > tolerance:
        return [DataError(path, f"revenue shares for {p.code} add up to {pct(total)}, not 100% (share_sum tolerance "
                          f"{pct(tolerance)} in company.toml)", where[items[-1], p], "value")]
    return []


def year_span(columns: list[str]) -> str:
    return columns[0] if len(columns) == 1 else f"{columns[0]}..{columns[-1]}" if len(columns) > 2 else " and ".join(columns)


def rnd_mode_hint(data, driver) -> str:
    base = data.base_year.code
    if data.split_compute:
        return (f"driver {driver!r} does not apply: actuals.csv gives rnd_compute for {base}, so R&D is forecast as "
                "compute (rnd_compute_growth) plus the rest (rnd_other_growth); leave this row blank or remove it")
    return (f"driver {driver!r} applies only when actuals.csv gives rnd_compute for {base} (the base year); without "
            "it R&D is forecast as one line with driver 'rnd_growth'; leave this row blank or remove it")


def whole_years(drv: str) -> bool:
    """A driver of every forecast year, the first one whole even after its year-to-date interim: the cash
    drivers (the cash bridge runs from the opening cash date) and the unit build's (it is annual)."""
    return drv in CASH_DRIVERS or drv in UNIT_DRIVERS


def driver_columns(data, drv: str, year_cols: list[str]) -> list[str]:
    """The year columns of assumptions.csv that hold a driver's values: every forecast year, but with a
    year-to-date interim of the first one (data.stub) that year's column holds the remainder drivers
    only, and the other income-statement drivers start the year after."""
    if data.stub is None or whole_years(drv):
        return year_cols
    return year_cols[:1] if drv.startswith(REST) else year_cols[1:]


def remainder_problem(data, drv: str, column: str = "") -> str:
    """Where a remainder driver applies, in words for an error message."""
    first = data.base_year.year + 1
    what = f"{drv} forecasts the rest of FY{first} after its year-to-date interim"
    if data.stub is None:
        return (f"{what}, but actuals.csv has no interim of FY{first} (1H, 9M or a quarter) with revenue: FY{first} is forecast "
                f"from FY{first - 1} as a whole; leave the row blank or remove it")
    if column:
        return (f"{what} ({data.stub.rest().code}, after {data.stub.code}), so it takes a value in FY{first} only; "
                f"{column} has no interim: leave it blank")
    return f"FY{first} is {data.stub.code} actual plus {data.stub.rest().code}, forecast with the {REST}* drivers"


def load_assumptions(folder: Path, data: Dataset, problems: Problems):
    path = folder / "assumptions.csv"
    drivers = {k: v for k, v in all_driver_items(data).items() if k not in UNIT_DRIVERS}  # units.csv has those
    every = {**per_segment(SEGMENT_DRIVERS, data.segments), **RND_DRIVERS[True], **RND_DRIVERS[False], **COST_DRIVERS}
    every = {**every, **rest_items(every)}
    replaced = {d: every[d] for d in unit_replaced(data)}
    other_mode = {} if data.units else RND_DRIVERS[not data.split_compute]
    other_mode = {**other_mode, **rest_items(other_mode)}
    years = list(range(data.base_year.year + 1, data.company["forecast_end"] + 1))
    year_cols = [f"FY{y}" for y in years]
    stub = data.stub
    plain = _driver_items(tuple(data.segments), data.split_compute, False)  # the drivers a remainder twins
    remainder = rest_items(plain)
    known = set(drivers) | set(other_mode) | set(remainder) | set(replaced)
    is_year = lambda h: parse_period(h) is not None and parse_period(h).is_full_year  # noqa: E731
    header, rows = read_csv(path, ["scenario", "driver"] + year_cols, ["rationale", *RATIONALE_TEXTS], extra_ok=is_year)
    in_file = [h for h in header if is_year(h)]
    for a, b in zip(in_file, in_file[1:]):
        if parse_period(b) <= parse_period(a):
            raise DataError(path, f"year columns must run in order: {b} comes after {a}", 1, b)
    values, rationales, scenarios, excel_names, where, ignored = {}, {}, [], {}, {}, []
    for n, r in rows:
        sc, drv = r["scenario"], r["driver"]
        if not SCENARIO_NAME.fullmatch(sc):
            raise DataError(path, f"scenario name {sc!r} must start with a letter and use only letters, digits, "
                            "spaces, _ or - (at most 31)", n, "scenario")
        if drv not in known:
            raise DataError(path, unknown("driver", drv, drivers), n, "driver")
        if drv in other_mode:
            if any(r[c] for c in year_cols):
                raise DataError(path, rnd_mode_hint(data, drv.removeprefix(REST)), n, "driver")
            continue
        if drv in remainder:
            wrong = [c for c in year_cols if r[c] and (stub is None or c != year_cols[0])]
            if wrong:
                raise DataError(path, remainder_problem(data, drv, wrong[0]), n, wrong[0])
            if stub is None:
                continue   # a blank remainder row: nothing to forecast with it
        if (sc, drv) in values:
            raise DataError(path, f"driver {drv} is given twice for scenario {sc} (also in row {where[sc, drv]})", n, "driver")
        same = excel_names.setdefault(name_part(sc).lower(), sc)
        if same != sc:
            raise DataError(path, f"scenario names {same!r} and {sc!r} are the same to Excel (defined names ignore case "
                                  "and punctuation): rename one", n, "scenario")
        if sc not in scenarios:
            if len(scenarios) == MAX_SCENARIOS:
                raise DataError(path, f"more than {MAX_SCENARIOS} scenarios", n, "scenario")
            scenarios.append(sc)
        rationales[(sc, drv)] = {k: r.get(k, "") for k in ("rationale", *RATIONALE_TEXTS)}
        where[sc, drv] = n
        cols = driver_columns(data, drv, year_cols)
        if stub and drv in plain and r[year_cols[0]]:
            ignored.append(n)
        blank = [c for c in cols if not r[c]]
        if blank:
            problems.append(DataError(path, f"{sc} / {drv}: no value for {year_span(blank)}"
                                      + (f" ({remainder_problem(data, drv)})" if drv in remainder else ""), n, blank[0]))
            values[(sc, drv)] = None
            continue
        item = drivers.get(drv) or replaced[drv]
        vals = [parse_number(r[c], path, n, c) if c in cols else None for c in year_cols]
        for c, v in zip(year_cols, vals):
            check_bound(item.bound, item.unit, v, path, n, c)
        values[(sc, drv)] = vals
    if not scenarios:
        raise DataError(path, "no scenarios: add rows with scenario,driver,...")
    if ignored:
        data.notes.append(f"assumptions.csv: the {year_cols[0]} values of the income-statement drivers are ignored "
                          f"(rows {', '.join(map(str, ignored))}): {year_cols[0]} is the {stub.code} actual plus the "
                          f"{stub.rest().code} forecast, driven by the {REST}* rows; blank them when convenient")
    for h in header:
        p = parse_period(h) if h not in ("scenario", "driver", "rationale") else None
        if p and p.year < years[0]:
            data.notes.append(f"assumptions.csv: column {h} ignored ({data.base_year.code} actuals are in the data, "
                              f"so the forecast starts in FY{years[0]}); delete the column when convenient")
        elif p and p.year > years[-1]:
            data.notes.append(f"assumptions.csv: column {h} ignored (after forecast_end {years[-1]} in company.toml)")
    for sc in scenarios:
        first = min(n for (s, _), n in where.items() if s == sc)
        for drv in drivers:
            if (sc, drv) in values:
                continue
            if drv in CASH_DRIVERS:
                values[(sc, drv)] = [0.0] * len(years)
                rationales[(sc, drv)] = {"rationale": CASH_DRIVER_DEFAULT}
            else:
                why = f" ({remainder_problem(data, drv)})" if drv in remainder else ""
                problems.append(DataError(path, f"scenario {sc!r} has no row for driver {drv!r}{why}", first, "driver"))
    # rows of drivers the unit build replaces are checked as usual and kept out of the model (they serve
    # the growth-rate build of the same figures: the folder without units.toml)
    values = {k: v for k, v in values.items() if k[1] not in replaced}
    data.scenarios, data.forecast_years, data.assumptions, data.rationales = scenarios, years, values, rationales


def load_sources(folder: Path) -> list[dict]:
    path = folder / "sources.csv"
    _, rows = read_csv(path, ["id", "title", "address", "supports"], ["reliability", *per_edition(*SOURCE_TEXTS)])
    where = {}
    for n, r in rows:
        if not r["id"]:
            raise DataError(path, "the source id is empty", n, "id")
        if r["id"] in where:
            raise DataError(path, f"source id {r['id']!r} is given twice (also in row {where[r['id']]})", n, "id")
        where[r["id"]] = n
    return [r for _, r in rows]


def load_references(folder: Path, data: Dataset, sources: set[str]):
    """Published figures to tie to; each names a line (metric) and a period on the timeline."""
    from ..calc.lines import all_lines
    lines = all_lines(data)
    forecast = [Period(y, 12) for y in data.forecast_years]
    periods = data.periods + forecast
    path = folder / "reference.csv"
    if not path.exists():
        return []
    _, rows = read_csv(path, ["metric", "period", "value", "tolerance"], ["source", "claim"])
    refs, where = [], {}
    for n, r in rows:
        if r["metric"] not in lines:
            raise DataError(path, unknown("metric", r["metric"], lines), n, "metric")
        period = read_period(r["period"], path, n, "period")
        if period not in periods:
            raise DataError(path, f"{period.code} is not a period of the model (" + ", ".join(p.code for p in periods)
                            + ")", n, "period")
        if period in forecast and lines[r["metric"]].forecast is None:
            raise DataError(path, f"{r['metric']} is not forecast, so it has no value for {period.code}", n, "period")
        if (r["metric"], period) in where:
            raise DataError(path, f"{r['metric']} for {period.code} is given twice (also in row "
                            f"{where[r['metric'], period]})", n, "period")
        where[r["metric"], period] = n
        tolerance = parse_number(r["tolerance"], path, n, "tolerance")
        check_bound(TOLERANCE, "amount", tolerance, path, n, "tolerance")
        check_sources(r.get("source", ""), sources, path, n, "source")
        refs.append(Reference(r["metric"], period, parse_number(r["value"], path, n, "value"), tolerance,
                              r.get("source", ""), r.get("claim", ""), lines[r["metric"]].unit))
    return refs


def load_funding(folder: Path, data: Dataset, problems: Problems) -> dict[str, Funding]:
    """funding.csv: opening cash (at the end of an actual period), the equity raise and its exchange
    rate, and the minimum cash balance."""
    path = folder / "funding.csv"
    _, rows = read_csv(path, ["item", "value"], ["period", "unit", "source", "note", *per_edition(*FUNDING_TEXTS)])
    out: dict[str, Funding] = {}
    periods, forecast_years, last_fy = data.periods, data.forecast_years, data.base_year
    for n, r in rows:
        item = r["item"]
        if item not in FUNDING_ITEMS:
            raise DataError(path, unknown("item", item, FUNDING_ITEMS), n, "item")
        if item in out:
            raise DataError(path, f"{item} is given twice", n, "item")
        rule = FUNDING_ITEMS[item].period
        period = None
        if rule:
            period = parse_period(r.get("period", ""))
            if period is None:
                raise DataError(path, f"{item} needs a period code such as FY2026 or 1H2025, found {r.get('period', '')!r}", n, "period")
            if rule == "actual" and item == "opening_cash" and not (period == last_fy or (not period.is_full_year and period in periods
                                                                 and period.year == last_fy.year + 1)):
                stale = " (before the end of the last actual year: give the cash at that date or later)" \
                    if period < Period(last_fy.year + 1, 1) else ""
                raise DataError(path, f"opening cash must be at the end of the last actual full year ({last_fy.code}) "
                                f"or of an interim of {last_fy.year + 1} in actuals.csv, found {period.code}{stale}",
                                n, "period")
            if rule == "actual" and item == "opening_cash" and not period.is_full_year and data.actual("adjusted_net_income", period) is None:
                problems.append(DataError(path, f"opening cash at the end of {period.code} needs adjusted_net_income for "
                                          f"{period.code} in actuals.csv: the cash already reflects that result, which "
                                          f"the forecast of FY{period.year} deducts", n, "period"))
            if rule == "forecast" and not (period.is_full_year and period.year in forecast_years):
                raise DataError(path, f"equity_raise needs a forecast fiscal year (FY{forecast_years[0]}–"
                                f"FY{forecast_years[-1]}), found {period.code}", n, "period")
        value = parse_number(r["value"], path, n, "value", required=False)
        if value is None:
            problems.append(DataError(path, f"{item}: a number is required here, the cell is empty", n, "value"))
            continue
        check_bound(FUNDING_ITEMS[item].bound, "pct" if FUNDING_ITEMS[item].unit == "pct" else "amount", value, path,
                    n, "value")
        out[item] = Funding(value, period, r.get("unit", ""), r.get("source", ""), r.get("note", ""),
                            {k: r[k] for k in per_edition(*FUNDING_TEXTS) if r.get(k)})
    if not any(r["item"] == "opening_cash" for _, r in rows):
        problems.append(DataError(path, "opening_cash is required (cash at the end of the latest actual period)",
                                  column="item"))
    if "equity_raise" in out and not any(r["item"] == "fx_rate" for _, r in rows):
        problems.append(DataError(path, "equity_raise needs an fx_rate row (1 when the raise is in the company's "
                                        "currency)", column="item"))
    if "fx_rate" in out and "equity_raise" not in out:
        problems.append(DataError(path, "fx_rate applies to an equity_raise row, and there is none", column="item"))
    out.setdefault("min_cash", Funding(0.0, None, "", "", DEFAULT_NOTES["no_min_cash"]))
    for key, (value, note) in FUNDING_DEFAULTS.items():
        out.setdefault(key, Funding(value, None, "", "", DEFAULT_NOTES[note]))
    given = [k for k in SHARE_ITEMS if k in out]
    if given and len(given) < len(SHARE_ITEMS):
        problems.append(DataError(path, "shares and value need all of " + ", ".join(SHARE_ITEMS) + "; missing: "
                                  + ", ".join(k for k in SHARE_ITEMS if k not in out), column="item"))
    opening = out.get("opening_cash")
    if "shares_outstanding" in out and opening and out["shares_outstanding"].period != opening.period:
        problems.append(DataError(path, f"shares_outstanding must be at the opening cash date ({opening.period.code}), "
                                  f"found {out['shares_outstanding'].period.code}", column="period"))
    if given:
        out.setdefault("share_fx", Funding(1.0, None, "", "", DEFAULT_NOTES["no_share_fx"]))
        price = out.get("share_price", Funding(1.0))
        out.setdefault("plug_price", Funding(price.value, None, price.unit, "", DEFAULT_NOTES["plug_at_price"], price.local))
    return out


def fiscal_year_of(date: datetime.date, year_end) -> int:
    """The fiscal year a date falls in (FY2026 of a 31 December year end: 2026)."""
    end = lambda y: datetime.date(*period_end_date(Period(y, 12), year_end))  # noqa: E731
    year = date.year
    if date > end(year):
        return year + 1
    return year - 1 if date <= end(year - 1) else year


def read_date(text, path, row, column) -> datetime.date:
    if not valid_date(text.strip()):
        raise DataError(path, f"expected a date such as 2026-07-13, found {text!r}", row, column)
    return datetime.date.fromisoformat(text.strip())


def legacy_raise(data) -> list[Event]:
    """funding.csv's single equity raise (equity_raise + fx_rate rows), as one event."""
    fig = data.funding.get(LEGACY_RAISE)
    if fig is None:
        return []
    fx = data.funding["fx_rate"]
    return [Event(LEGACY_RAISE, "equity", fig.unit, fig.value, fx.value, fig.period.year, 1,
                  source=fig.source, note=fig.note)]


def load_events(folder: Path, data: Dataset, sources: set[str], problems: Problems) -> list[Event]:
    """events.csv (optional): the funding events, each in the fiscal year of its date."""
    path = folder / "events.csv"
    if not path.exists():
        return legacy_raise(data)
    if LEGACY_RAISE in data.funding:
        problems.append(DataError(folder / "funding.csv", "equity_raise is given here and events.csv lists the funding "
                                  "events: move the raise into events.csv", column="item"))
    _, rows = read_csv(path, ["id", "date", "kind", "currency", "amount", "fx_rate"],
                       ["in_opening_cash", "conversion_price", "maturity", "shares", "rate", "source", "note",
                        *per_edition("note")])
    year_end = parse_year_end(str(data.company["fiscal_year_end"]))
    opening = data.funding.get("opening_cash")
    opened = datetime.date(*period_end_date(opening.period, year_end)) if opening and opening.period else None
    last = data.forecast_years[-1]
    events, where = [], {}
    for n, r in rows:
        eid = r["id"]
        if not PLAIN_KEY.fullmatch(eid):
            raise DataError(path, f"event id {eid!r} must be a plain word: a letter, then letters, digits or _ "
                            "(at most 31)", n, "id")
        if eid.lower() in where:
            raise DataError(path, f"event id {eid!r} is given twice (also in row {where[eid.lower()]})", n, "id")
        where[eid.lower()] = n
        if not r["date"].strip():
            raise DataError(path, f"event {eid}: the date is required (the day the cash arrived or arrives)", n, "date")
        date = read_date(r["date"], path, n, "date")
        kind = r["kind"].strip().lower()
        if kind not in EVENT_KINDS:
            raise DataError(path, unknown("kind", r["kind"], EVENT_KINDS), n, "kind")
        if not r["currency"].strip():
            raise DataError(path, f"event {eid}: the currency is required (HKD, RMB, USD)", n, "currency")
        amount = parse_number(r["amount"], path, n, "amount")
        check_bound(AMOUNT, "amount", amount, path, n, "amount")
        fx = parse_number(r["fx_rate"], path, n, "fx_rate")
        check_bound(FX_RATE, "amount", fx, path, n, "fx_rate")
        flag = r.get("in_opening_cash", "").strip().lower()
        if flag not in ("", "yes", "no"):
            raise DataError(path, f"in_opening_cash must be yes or no (blank = no), found {flag!r}", n, "in_opening_cash")
        inside = flag == "yes"
        if opened and inside and date > opened:
            raise DataError(path, f"event {eid} on {date} is after the opening cash date {opened} "
                            f"({opening.period.code}), so it cannot be inside the opening cash", n, "in_opening_cash")
        if opened and not inside and date <= opened:
            raise DataError(path, f"event {eid} on {date} is on or before the opening cash date {opened} "
                            f"({opening.period.code}): its cash is already in the opening balance; mark it "
                            "in_opening_cash = yes so that it is not counted twice", n, "in_opening_cash")
        year = fiscal_year_of(date, year_end)
        if year > last:
            raise DataError(path, f"event {eid} on {date} falls in FY{year}, after forecast_end {last}", n, "date")
        price = parse_number(r.get("conversion_price", ""), path, n, "conversion_price", required=False)
        maturity = read_date(r["maturity"], path, n, "maturity") if r.get("maturity", "").strip() else None
        if kind == "convertible_bond":
            if price is None:
                raise DataError(path, f"event {eid}: a convertible bond needs its conversion price", n, "conversion_price")
            check_bound(FX_RATE, "amount", price, path, n, "conversion_price")
            if maturity is None:
                raise DataError(path, f"event {eid}: a convertible bond needs its maturity date", n, "maturity")
        elif price is not None:
            raise DataError(path, f"event {eid}: a conversion price applies only to a convertible_bond", n,
                            "conversion_price")
        if maturity is not None and maturity <= date:
            raise DataError(path, f"event {eid}: maturity {maturity} is not after the event date {date}", n, "maturity")
        shares = parse_number(r.get("shares", ""), path, n, "shares", required=False)
        if shares is not None:
            if kind not in EQUITY_KINDS:
                raise DataError(path, f"event {eid}: shares apply to an equity event ({', '.join(EQUITY_KINDS)}); a "
                                "convertible bond's shares follow from its conversion price", n, "shares")
            check_bound(AMOUNT, "amount", shares, path, n, "shares")
        rate = parse_number(r.get("rate", ""), path, n, "rate", required=False)
        if rate is not None:
            if kind in EQUITY_KINDS:
                raise DataError(path, f"event {eid}: an interest rate applies to debt (convertible_bond, bank_loan)",
                                n, "rate")
            check_bound(RATE, "pct", rate, path, n, "rate")
        check_sources(r.get("source", ""), sources, path, n, "source")
        events.append(Event(eid, kind, r["currency"].strip(), amount, fx, year, 0 if inside else 1, date, price,
                            maturity, shares, rate or 0.0, fiscal_year_of(maturity, year_end) if maturity else None,
                            r.get("source", ""), r.get("note", ""), {k: r[k] for k in per_edition("note") if r.get(k)}))
    return events


def load_claims(folder: Path, data: Dataset) -> list[Claim]:
    """claims.csv (optional): the research note's quantitative claims and how to test each."""
    from ..calc.lines import all_lines
    path = folder / "claims.csv"
    if not path.exists():
        return []
    metrics = set(all_lines(data))
    periods = set(data.periods) | {Period(y, 12) for y in data.forecast_years}
    cols = ["id", "claim", "reported", "unit", "calc", "test", "tolerance"]
    texts = per_edition(*CLAIM_TEXTS)
    _, rows = read_csv(path, cols, [*CLAIM_OPTIONAL, *texts])
    claims, ids = [], {}
    for n, r in rows:
        if not r["id"].replace("_", "").isalnum():
            raise DataError(path, f"id {r['id']!r} must be letters and digits", n, "id")
        if r["id"].lower() in ids:
            first, row = ids[r["id"].lower()]
            raise DataError(path, f"claim id {r['id']!r} is given twice" if first == r["id"] else
                            f"claim id {r['id']!r} differs from {first!r} (row {row}) only in case; the defined names "
                            "Claim_<id> would collide (Excel names ignore case)", n, "id")
        ids[r["id"].lower()] = (r["id"], n)
        calc = r["calc"]
        if calc not in CLAIM_CALCS:
            raise DataError(path, f"unknown calc {calc!r}; expected one of " + ", ".join(CLAIM_CALCS), n, "calc")
        if r["test"] not in CLAIM_TESTS:
            raise DataError(path, f"unknown test {r['test']!r}; expected one of " + ", ".join(CLAIM_TESTS), n, "test")
        metric = r.get("metric", "")
        if CLAIM_CALCS[calc] != 0 and metric.startswith("u_") and not data.units:   # a unit build line (u_*)
            data.notes.append(f"claims.csv: claim {r['id']} (row {n}) left out: its metric {metric} is a line of the "
                              "unit build, and this folder has no units.toml")
            continue
        if CLAIM_CALCS[calc] != 0 and metric not in metrics:
            raise DataError(path, unknown("metric", metric, sorted(metrics)), n, "metric")
        codes = [c for c in r.get("periods", "").split(";") if c.strip()]
        pers = []
        for c in codes:
            p = parse_period(c)
            if p is None or p not in periods:
                raise DataError(path, f"period {c.strip()!r} is not a period of the model", n, "periods")
            pers.append(p)
        need = CLAIM_CALCS[calc]
        if (need is None and not pers) or (need is not None and len(pers) != need):
            want = "one or more periods" if need is None else f"{need} period(s)"
            raise DataError(path, f"calc {calc} needs {want} separated by ';', found {len(pers)}", n, "periods")
        tolerance = parse_number(r["tolerance"], path, n, "tolerance")
        check_bound(TOLERANCE, "amount", tolerance, path, n, "tolerance")
        basis = r.get("basis") or "source"
        if basis not in CLAIM_BASES:
            raise DataError(path, f"unknown basis {basis!r}; expected one of " + ", ".join(CLAIM_BASES), n, "basis")
        condition = r.get("condition", "")
        if condition and condition not in CLAIM_CONDITIONS:
            raise DataError(path, f"unknown condition {condition!r}; expected one of " + ", ".join(CLAIM_CONDITIONS),
                            n, "condition")
        if condition and calc != "breakeven":
            raise DataError(path, f"condition {condition} applies to calc breakeven only, not {calc}", n, "condition")
        if r.get("latest", "") not in ("", "yes"):
            raise DataError(path, f"latest must be yes or blank, not {r['latest']!r}", n, "latest")
        group = r.get("group") or r["id"]
        if not group.replace("_", "").isalnum():
            raise DataError(path, f"group {group!r} must be letters and digits", n, "group")
        claims.append(Claim(r["id"], r["claim"], r.get("quote", ""), parse_number(r["reported"], path, n, "reported"),
                            r["unit"] or "amount", calc, metric, pers, r["test"], tolerance,
                            r.get("explanation", ""), r.get("source", ""), {k: r[k] for k in texts if r.get(k)},
                            group, basis, r.get("benchmark", ""), condition, r.get("latest") == "yes"))
    by_id = {c.id: c for c in claims}
    for (n, _), c in zip(rows, claims):
        if c.benchmark and (c.benchmark not in by_id or c.benchmark == c.id or by_id[c.benchmark].calc == "breakeven"):
            raise DataError(path, f"benchmark {c.benchmark!r} is not the id of another claim in the file (one that "
                            "is not a breakeven claim)", n, "benchmark")
    return claims


def load_sensitivity(folder: Path, company: dict) -> dict[str, float]:
    table = company.get("sensitivity", {})
    if not isinstance(table, dict):
        raise DataError(folder / "company.toml", "sensitivity must be a [sensitivity] table of numbers", column="sensitivity")
    for key in table:
        if key not in SENSITIVITY and key not in OLD_SENSITIVITY:
            raise DataError(folder / "company.toml", unknown("sensitivity step", key, SENSITIVITY), column=key)
    out = {}
    for key, default in SENSITIVITY.items():
        v = table.get(key, default)
        if not isinstance(v, (int, float)) or isinstance(v, bool) or not STEP.allows(v):
            raise DataError(folder / "company.toml", f"[sensitivity] {key} must be a number from 0 to 1 "
                            "(0.05 = 5 percentage points)", column=key)
        out[key] = float(v)
    return out


def load(folder) -> Dataset:
    folder = Path(folder)
    if not folder.is_dir():
        raise DataError(str(folder), "company folder not found")
    problems = Problems()
    company = load_company(folder, problems)
    toml = folder / "company.toml"
    toml_text = read_text(toml)
    segments = [(str(s["key"]), str(s["label"])) for s in company["segments"]]
    data = Dataset(folder, company, segments, [], {})
    data.sources = load_sources(folder)
    ids = {s["id"] for s in data.sources}
    load_actuals(folder, data, ids, problems)
    data.units = unit_build.load_settings(folder, [k for k, _ in segments], problems)
    if data.units:
        unit_build.load_operating(folder, data, unit_items(data.units, UNIT_ACTUALS),
                                  {"rnd_compute": ACTUAL_ITEMS["rnd_compute"]}, ids, problems)
        if not data.split_compute:
            problems.append(DataError(folder / "operating.csv", f"rnd_compute for {data.base_year.code} is required "
                                      "by the unit build (units.toml), in actuals.csv or here as an assumption: it "
                                      "splits R&D into training, research compute and people", column="item"))
    first, end = data.base_year.year + 1, company["forecast_end"]
    if end < first:
        problems.append(DataError(toml, f"forecast_end {end} is before the first forecast year {first} (the year after "
                                  "the last full year of actuals.csv)", toml_line(toml_text, "forecast_end"), "forecast_end"))
    elif end - first + 1 > MAX_FORECAST_YEARS:
        problems.append(DataError(toml, f"a forecast of {end - first + 1} years (FY{first}-FY{end}); at most "
                                  f"{MAX_FORECAST_YEARS}", toml_line(toml_text, "forecast_end"), "forecast_end"))
    if end < first or end - first + 1 > MAX_FORECAST_YEARS:
        problems.raise_if_any()
    load_assumptions(folder, data, problems)
    if data.units:
        unit_build.load_drivers(folder, data, unit_items(data.units, UNIT_DRIVERS), problems)
    default = company.get("default_scenario") or data.scenarios[0]
    if default not in data.scenarios:
        problems.append(DataError(toml, f"default_scenario {default!r} is not a scenario in assumptions.csv "
                                  f"({', '.join(data.scenarios)})", toml_line(toml_text, "default_scenario"), "default_scenario"))
    data.funding = load_funding(folder, data, problems)
    data.events = load_events(folder, data, ids, problems)
    data.sensitivity = load_sensitivity(folder, company)
    problems.raise_if_any()
    data.references = load_references(folder, data, ids)
    data.claims = load_claims(folder, data)
    data.tolerances = {k: excel_precision(float(company["tolerances"][k])) for k in TOLERANCES}
    return data
