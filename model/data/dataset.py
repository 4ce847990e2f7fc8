"""A loaded company: the `Dataset` and the records it holds (figures, references, funding, events,
claims)."""
from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from pathlib import Path

from .periods import Period
from . import units as unit_build


@dataclass
class Figure:
    value: float | None
    source: str = ""
    note: str = ""
    local: dict = field(default_factory=dict)   # note_zh: the note in another edition


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
    assumptions: dict[tuple[str, str], list[float]] = field(default_factory=dict)  # (scenario, driver) -> per year
    rationales: dict[tuple[str, str], dict] = field(default_factory=dict)  # {"rationale": .., "rationale_zh": ..}
    sources: list[dict] = field(default_factory=list)
    references: list[Reference] = field(default_factory=list)
    tolerances: dict[str, float] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)  # what the loader ignored, for the build report
    funding: dict[str, Funding] = field(default_factory=dict)
    claims: list[Claim] = field(default_factory=list)
    thesis: list = field(default_factory=list)   # thesis.Thesis: the note's conclusions, judged by claims
    sensitivity: dict[str, float] = field(default_factory=dict)
    units: unit_build.UnitBuild | None = None   # the unit build (units.toml), or None: growth rates
    events: list[Event] = field(default_factory=list)
    risk: object = None   # the Monte Carlo (data/risk.py: risk.csv, risk.toml), or None: no Risk tab
    compute: bool = False                       # the compute build (compute.csv, with the unit build)
    benchmarks: list = field(default_factory=list)   # the compute build's reference class (reference_class.csv)
    market: list = field(default_factory=list)   # market.Estimate: the market's view (market.csv)
    peers: list = field(default_factory=list)    # peers.Peer: the peers company.toml names, with their data

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
