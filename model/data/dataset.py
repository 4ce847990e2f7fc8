"""A loaded company: the `Dataset` and the records it holds (figures, references, funding, events,
claims)."""
from __future__ import annotations

import datetime
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

from .periods import Period, forecast_periods, year_parts
from . import units as unit_build

DEFAULT_SPLIT_YEARS = 2   # company.toml split_years: forecast years shown in halves (or 9M | Q4) by default


@dataclass
class Figure:
    value: float | None
    source: str = ""
    note: str = ""
    local: dict = field(default_factory=dict)   # note_zh: the note in another edition
    assumed: bool = False   # the data mark it as an assumption (not a reported figure): shown in the assumption style


@dataclass
class Reference:
    metric: str
    period: Period
    value: float
    tolerance: float
    source: str
    claim: str
    unit: str = "amount"   # the metric's unit: amount | pct | x
    claim_zh: str = ""     # the published wording in the Chinese edition (blank: the claim's)

    @property
    def texts(self) -> dict:
        return {"claim": self.claim, "claim_zh": self.claim_zh}


@dataclass
class Funding:
    value: float | None
    period: Period | None = None
    unit: str = ""
    source: str = ""
    note: str = ""
    local: dict = field(default_factory=dict)   # unit_zh, note_zh: the texts of another edition
    date: datetime.date | None = None   # the date a market price is quoted at


@dataclass
class BalanceFigure:
    """An item of the opening balance sheet (balance.csv); value None: not disclosed."""
    value: float | None
    period: Period
    rate: float | None = None     # annual interest rate (earned or paid); None: not given (0)
    repaid: float | None = None   # share of the opening balance repaid each year; None: not given (0, rolled over)
    unit: str = ""
    source: str = ""
    grade: str = ""               # A | B | C | D | assumption, as the reference files grade a figure
    note: str = ""
    local: dict = field(default_factory=dict)   # unit_zh, note_zh


@dataclass
class ValuationFigure:
    """A valuation input (valuation.csv); value None: not available (a market price not in the sources)."""
    value: float | None
    date: datetime.date | None = None   # the date a quote, a multiple or a run rate is as of
    unit: str = ""
    source: str = ""
    grade: str = ""
    note: str = ""
    local: dict = field(default_factory=dict)


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
    price: float | None = None   # a share issue's price per share, in its currency
    stake: float | None = None   # a share issue's share of the enlarged capital


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
    latest: str = ""      # "yes": also shown against the latest actuals; "forward": judged by them too (CLAIM_LATEST)
    per: str = ""         # a line the figure is taken over, per period (R&D / |adjusted net income|)

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
    # (scenario, driver) -> one value per forecast period (forecast_periods), None where the driver has none
    assumptions: dict[tuple[str, str], list[float | None]] = field(default_factory=dict)
    rationales: dict[tuple[str, str], dict] = field(default_factory=dict)  # {"rationale": .., "rationale_zh": ..}
    sources: list[dict] = field(default_factory=list)
    references: list[Reference] = field(default_factory=list)
    tolerances: dict[str, float] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)  # what the loader ignored, for the build report
    earlier_tables: set[str] = field(default_factory=set)  # tables read in the earlier format (earlier_format.py)
    funding: dict[str, Funding] = field(default_factory=dict)
    claims: list[Claim] = field(default_factory=list)
    thesis: list = field(default_factory=list)   # thesis.Thesis: the note's conclusions, judged by claims
    sensitivity: dict[str, float] = field(default_factory=dict)
    units: unit_build.UnitBuild | None = None   # the unit build (units.toml), or None: growth rates
    events: list[Event] = field(default_factory=list)
    risk: object = None   # the Monte Carlo (data/risk.py: risk.csv, risk.toml), or None: no Risk tab
    balance: dict[str, BalanceFigure] = field(default_factory=dict)   # balance.csv: the opening balance sheet
    valuation: dict[tuple[str, str], ValuationFigure] = field(default_factory=dict)   # valuation.csv
    compute: bool = False                       # the compute build (compute.csv, with the unit build)
    benchmarks: list = field(default_factory=list)   # the compute build's reference class (reference_class.csv)
    market: list = field(default_factory=list)   # market.Estimate: the market's view (market.csv)
    arr: object = None   # arr.ArrBridge: the ARR bridge (arr.csv), or None
    peers: list = field(default_factory=list)    # peers.Peer: the peers company.toml names, with their data
    # what `kept` keeps while a pass over many cells reads data that do not change (`unchanged`)
    _kept: dict | None = field(default=None, init=False, repr=False, compare=False)

    @contextmanager
    def unchanged(self):
        """Within it the base year, the stub, the forecast and driver periods and what a caller asks `kept` for
        are worked out once, not on every call: for a pass that reads these data for thousands of cells (a build,
        a rebuild's plan; per cell, the large build spent about 1.5 s on it), which must change none of the
        figures they rest on. Within a pass already under way (the build's), it keeps what that keeps."""
        if self._kept is not None:
            yield self
            return
        self._kept = {}
        try:
            yield self
        finally:
            self._kept = None

    def kept(self, key, make):
        """make(), made once while `unchanged` holds (`key` names it and what it depends on), else every time."""
        fixed = self._kept
        if fixed is None:
            return make()
        if key not in fixed:
            fixed[key] = make()
        return fixed[key]

    @property
    def full_years(self) -> list[Period]:
        return [p for p in self.periods if p.is_full_year]

    @property
    def interims(self) -> list[Period]:
        return [p for p in self.periods if not p.is_full_year]

    @property
    def base_year(self) -> Period:
        """The last actual full year: the forecast grows from it."""
        return self.kept("base_year", lambda: self.full_years[-1])

    @property
    def stub(self) -> Period | None:
        """The latest interim of the first forecast year that gives revenue (1H2026 when FY2025 is the last
        full year), or None: that year's forecast is then the year-to-date actual plus the rest of the year
        (stub.rest()). An interim with no revenue (only the result behind an opening cash date) is not one."""
        def stub():
            ytd = [p for p in self.interims if p.year == self.base_year.year + 1 and self.actual("revenue", p) is not None]
            return max(ytd) if ytd else None
        return self.kept("stub", stub)

    @property
    def split_years(self) -> list[int]:
        """The forecast years shown in two parts, from the year of the latest interim (the stub): 1H | 2H | FY,
        or 9M | Q4 | FY. company.toml split_years (default 2), within the horizon; none without a stub (the
        first forecast year then has no interim actual to start from)."""
        if self.stub is None:
            return []
        return self.forecast_years[:max(1, int(self.company.get("split_years", DEFAULT_SPLIT_YEARS)))]

    def parts(self, year: int) -> list[Period]:
        """The two parts of a split year: the stub's length, then the rest of the year (1H2027, 2H2027)."""
        return year_parts(year, self.stub.months)

    @property
    def forecast_periods(self) -> list[Period]:
        """Every forecast column in timeline order: each split year's forecast parts, then the year itself
        (2H2026, FY2026, 1H2027, 2H2027, FY2027), then the later years (FY2028 ...). The columns of
        assumptions.csv and units.csv."""
        return self.kept("forecast_periods",
                          lambda: forecast_periods(self.forecast_years, self.stub, len(self.split_years)))

    def driver_periods(self, kind: str = "forecast") -> list[Period]:
        """The forecast periods a driver takes values in (items.Item.periods): "forecast" every forecast
        period but the full year of a split year (the sum of its parts), "years" every forecast fiscal year."""
        def periods():
            split = set(self.split_years)
            if kind == "years":
                return [p for p in self.forecast_periods if p.is_full_year]
            return [p for p in self.forecast_periods if not (p.is_full_year and p.year in split)]
        return self.kept(("driver_periods", kind), periods)

    def value(self, scenario: str, driver: str, period: Period) -> float | None:
        """A scenario's driver in one forecast period (None where it takes none)."""
        index = self.kept("forecast_index", lambda: {p: i for i, p in enumerate(self.forecast_periods)})
        if period not in index:
            raise ValueError(f"{period.code} is not a forecast period")
        return self.assumptions[(scenario, driver)][index[period]]

    @property
    def seasonal(self) -> list[str]:
        """The segments company.toml marks seasonal: their forecast parts carry the base year's pattern."""
        return [str(s["key"]) for s in self.company.get("segments", []) if s.get("seasonal")]

    @property
    def single_segment(self) -> bool:
        """One revenue segment: its share is 100% and its margin the blended one, by definition."""
        return len(self.segments) == 1

    @property
    def forecast_bases(self) -> list[Period]:
        """The actual periods the forecast starts from: the base year and the interim of the first forecast
        year (the stub). Where the data leave a figure the forecast needs blank there (a segment margin, the
        compute within R&D), the model derives it (calc/lines.py) and labels it derived."""
        return [self.base_year] + ([self.stub] if self.stub else [])

    def compute_given(self, p: Period) -> bool:
        """Compute within R&D is given for p: disclosed (rnd_compute) or assumed (rnd_compute_share)."""
        return any(self.actual(i, p) is not None for i in ("rnd_compute", "rnd_compute_share"))

    def compute_carried_from(self, p: Period) -> Period | None:
        """For a forecast base whose compute is not given: the latest earlier period whose compute the model
        knows (given, or itself carried), whose share of R&D p carries: the last disclosed share. None when
        no earlier period has compute with R&D (not 0: a share of nothing is none), or p's compute is given."""
        if p not in self.forecast_bases or self.compute_given(p):
            return None
        known = [q for q in self.periods if q < p and self.actual("rnd", q) and (
            self.compute_given(q) or (q in self.forecast_bases and self.compute_carried_from(q)))]
        return max(known) if known else None

    @property
    def split_compute(self) -> bool:
        """R&D is forecast as compute + the rest when the base year's compute is given (disclosed, or its
        share of R&D assumed: rnd_compute_share), or an earlier period discloses it: its last share is then
        carried to the base year (derived). Never disclosed: R&D is one line."""
        return self.compute_given(self.base_year) or self.compute_carried_from(self.base_year) is not None

    @property
    def by_function(self) -> bool:
        """The income statement is forecast by function (selling and marketing, general and administrative,
        other income and gains, each with its own driver) when the data give selling, G&A (itself or the two
        together) and other income or the operating result for the base year and for the year-to-date interim
        of the first forecast year, and no unit build splits those costs its own way; else other operating
        costs are one derived line."""
        if self.units or not self.periods:
            return False
        given = lambda item, p: self.actual(item, p) is not None  # noqa: E731
        return all(given("selling_marketing", p) and (given("general_admin", p) or given("selling_general_admin", p))
                   and (given("other_income", p) or given("operating_profit", p))
                   for p in [self.base_year] + ([self.stub] if self.stub else []))

    def actual(self, item: str, period: Period) -> float | None:
        fig = self.actuals.get(item, {}).get(period)
        return fig.value if fig else None
