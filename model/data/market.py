"""market.csv (optional): the market's view of the company. One row per published figure: a broker's
or a consensus estimate, or the company's own claim (an ARR), each with its date, source and grade.
The Scenarios tab sets every estimate beside every scenario (and flags the ones the scenarios do not
bracket); the Peers tab reads the latest ARR claim."""
from __future__ import annotations

import datetime
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from .bounds import SIGNED, Bound, check_bound
from .fields import check_sources, read_date, read_period
from .files import DataError, parse_number, read_csv, unknown
from .periods import Period
from .settings import PLAIN_KEY, per_edition


class Metric(NamedTuple):
    unit: str        # amount (the company's unit, in `currency` at its scale) | pct | year | share_price
    period: str      # required | optional | none: whether the row names the period the figure is for
    compared: bool   # set against each scenario's figure on the Scenarios tab


# Label ids: model/labels market.<metric>.
METRICS = {
    "revenue": Metric("amount", "required", True),
    "adjusted_net_income": Metric("amount", "required", True),
    "net_income": Metric("amount", "required", True),
    "gross_margin": Metric("pct", "required", True),
    "adjusted_margin": Metric("pct", "required", True),     # adjusted net income / revenue
    "net_margin": Metric("pct", "required", True),          # reported net income / revenue
    "revenue_cagr": Metric("pct", "required", True),        # from the last actual year to the period
    "breakeven_year": Metric("year", "none", True),         # first year of adjusted net income >= 0
    "profit_year": Metric("year", "none", True),            # first year of reported net income >= 0
    "arr": Metric("amount", "optional", False),             # annual recurring revenue: at `date`, or at the period's end
    "target_price": Metric("share_price", "none", False),   # in `currency` (the share currency)
}
GRADES = ("A", "B", "C", "D")
QUALIFIERS = ("", "about", "at_least", "at_most")   # how the source states the figure ("above US$800m": at_least)
YEAR = Bound("any_year", 1900, 2200)
BOUNDS = {"amount": SIGNED, "pct": SIGNED, "year": YEAR, "share_price": Bound("positive", 0, low_open=True)}
FX = Bound("fx_rate", 0, low_open=True)
MARKET_TEXTS = ("note", "stance")
COLUMNS = ["id", "broker", "date", "metric", "period", "value", "currency", "fx_rate", "qualifier", "source",
           "grade", "note", "stance", *per_edition("broker", *MARKET_TEXTS)]


@dataclass
class Estimate:
    id: str
    broker: str                 # who publishes it: a broker, a consensus, the company
    date: datetime.date | None  # when (blank: not in the sources)
    metric: str
    period: Period | None       # the period it is for (None: a year metric, or an ARR at `date`)
    value: float                # in `currency` at the display unit's scale for an amount
    currency: str               # an amount's or a target price's currency
    fx_rate: float | None       # an amount's: company currency per unit of `currency`; None for other metrics
    qualifier: str = ""         # see QUALIFIERS
    source: str = ""
    grade: str = ""
    note: str = ""
    local: dict = field(default_factory=dict)   # broker_zh, note_zh, stance_zh: the texts of another edition
    stance: str = ""            # why the scenarios stand where they do against it (shown beside the flag)

    @property
    def unit(self) -> str:
        return METRICS[self.metric].unit

    @property
    def compared(self) -> bool:
        return METRICS[self.metric].compared

    @property
    def fields(self) -> dict[str, str]:
        return {"broker": self.broker, "note": self.note, "stance": self.stance, **self.local}


def latest_arr(estimates: list[Estimate]) -> Estimate | None:
    """The latest ARR stated at a date (not a forecast for a period end), or None."""
    claims = [e for e in estimates if e.metric == "arr" and e.period is None and e.date is not None]
    return max(claims, key=lambda e: e.date) if claims else None


def forward_revenue(estimates: list[Estimate], year: int) -> Estimate | None:
    """The revenue estimate for fiscal year `year` to use as the market's: the latest dated (an undated one only
    when none is dated; then the last in the file), or None."""
    rows = [e for e in estimates if e.metric == "revenue" and e.period == Period(year, 12)]
    dated = [e for e in rows if e.date is not None]
    return max(dated, key=lambda e: e.date) if dated else (rows[-1] if rows else None)


def load_market(folder: Path, data, sources: set[str]) -> list[Estimate]:
    path = folder / "market.csv"
    if not path.exists():
        return []
    _, rows = read_csv(path, COLUMNS[:6], COLUMNS[6:])
    currency = str(data.company["currency"])
    as_of = data.company.get("as_of")
    as_of = as_of if isinstance(as_of, datetime.date) else None   # None: company.toml's problem is listed
    out, where = [], {}
    for n, r in rows:
        eid = r["id"]
        if not PLAIN_KEY.fullmatch(eid):
            raise DataError(path, f"id {eid!r} must be a plain word: a letter, then letters, digits or _ (at most 31)",
                            n, "id")
        if eid.lower() in where:
            raise DataError(path, f"id {eid!r} is given twice (also in row {where[eid.lower()]}; ids ignore case)", n, "id")
        where[eid.lower()] = n
        if not r["broker"]:
            raise DataError(path, "the broker is empty: who publishes the figure (a broker, a consensus, the company)",
                            n, "broker")
        date = read_date(r["date"], path, n, "date") if r.get("date") else None
        if date is not None and as_of is not None and date > as_of:
            raise DataError(path, f"{date} is after as_of {as_of} in company.toml (the date of the latest data used)",
                            n, "date")
        metric = r["metric"]
        if metric not in METRICS:
            raise DataError(path, unknown("metric", metric, METRICS), n, "metric")
        spec = METRICS[metric]
        period = read_period(r["period"], path, n, "period") if r.get("period") else None
        if spec.period == "required" and period is None:
            raise DataError(path, f"{metric} needs the period it is for (FY2026, 1H2026)", n, "period")
        if spec.period == "none" and period is not None:
            raise DataError(path, f"{metric} names no period: its value is " + (
                "the year" if spec.unit == "year" else "today's figure") + "; leave the period blank", n, "period")
        if metric == "arr" and period is None and date is None:
            raise DataError(path, "an ARR without a period is stated at its date: give the date", n, "date")
        value = parse_number(r["value"], path, n, "value")
        check_bound(BOUNDS[spec.unit], "amount", value, path, n, "value")
        if spec.unit == "year" and value != int(value):
            raise DataError(path, f"{metric} is a fiscal year such as 2028, found {value:g}", n, "value")
        cur = r.get("currency") or (currency if spec.unit == "amount" else "")
        rate = parse_number(r.get("fx_rate", ""), path, n, "fx_rate", required=False)
        if spec.unit == "amount":
            if rate is None and cur != currency:
                raise DataError(path, f"an amount in {cur} needs its exchange rate: {currency} per {cur}", n, "fx_rate")
            rate = 1.0 if rate is None else rate
            check_bound(FX, "amount", rate, path, n, "fx_rate")
        elif rate is not None:
            raise DataError(path, f"{metric} is not an amount in a currency: leave the exchange rate blank", n, "fx_rate")
        elif spec.unit != "share_price" and r.get("currency"):
            raise DataError(path, f"{metric} is not an amount in a currency: leave the currency blank", n, "currency")
        if r.get("qualifier", "") not in QUALIFIERS:
            raise DataError(path, unknown("qualifier", r["qualifier"], [q for q in QUALIFIERS if q]), n, "qualifier")
        check_sources(r.get("source", ""), sources, path, n, "source")
        if r.get("grade", "") not in GRADES:
            raise DataError(path, f"grade {r.get('grade', '')!r}: expected A, B, C or D as the reference files grade a "
                            "figure (a broker's estimate is C)", n, "grade")
        local = {k: r[k] for k in per_edition("broker", *MARKET_TEXTS) if r.get(k)}
        out.append(Estimate(eid, r["broker"], date, metric, period, value, cur, rate, r.get("qualifier", ""),
                            r.get("source", ""), r["grade"], r.get("note", ""), local, r.get("stance", "")))
    return out
