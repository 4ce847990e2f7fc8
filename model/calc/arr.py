"""The ARR bridge's arithmetic, one definition each (formula trees: the Excel text and the cached value).

An ARR (annual recurring revenue) is a run rate at a date: a year's revenue at that date's pace. The bridge
reads it both ways:
  run rate of a period = ARR x fx x (1 - haircut) x the period's share of a year (a half: 50%), in the company's
                         currency and unit: the revenue the claim supports after the scenario's haircut;
  ARR a period implies = the period's revenue / its share of a year / fx, in the claim's currency: the period's
                         average run rate (for a growing business below the run rate at its end);
  gap                  = the forecast / the benchmark - 1.
A claim is compared with the period whose span holds its date (an ARR at a period's end: that end), the
shortest such column of the timeline: a half where the year runs in halves."""
from __future__ import annotations

import datetime

from ..data.periods import Period, period_end_date
from .formula import guard


def run_rate(arr, fx, haircut, share):
    """The revenue of a period of `share` of a year (None: a full year) at the ARR's pace after the haircut, in
    the company's currency."""
    year = arr * fx * (1 - haircut)
    return guard([arr, fx, haircut], year if share is None else year * share)


def implied_arr(revenue, share, fx):
    """The ARR a period's revenue implies: annualised (share None: a full year), in the claim's currency (fx:
    company currency per unit)."""
    return guard([revenue, fx], (revenue if share is None else revenue / share) / fx, nonzero=[fx])


def gap(forecast, benchmark):
    """How far the forecast sits from the benchmark: forecast / benchmark - 1 (n/a for a benchmark of 0)."""
    return guard([forecast, benchmark], forecast / benchmark - 1, nonzero=[benchmark])


def _date(ymd) -> datetime.date:
    return datetime.date(*ymd)


def span(p: Period, year_end: tuple[int, int]) -> tuple[datetime.date, datetime.date]:
    """(first day after the period before it, last day) of a period: a year-to-date interim and a full year open
    after the previous year's end; the rest of a year after its interim's end."""
    before = Period(p.year, p.start) if p.start else Period(p.year - 1, 12)
    to_date = Period(p.year, p.start + p.months)   # a year-to-date period ending where p ends
    return (_date(period_end_date(before, year_end)) + datetime.timedelta(days=1),
            _date(period_end_date(to_date, year_end)))


def period_at(date: datetime.date, periods, year_end: tuple[int, int]) -> Period | None:
    """The shortest of `periods` whose span holds `date`, or None (a date outside the timeline)."""
    held = [p for p in periods if span(p, year_end)[0] <= date <= span(p, year_end)[1]]
    return min(held, key=lambda p: p.months) if held else None


def claim_date(claim, year_end: tuple[int, int]) -> datetime.date:
    """The date an ARR claim is at: its date, or for a forecast at a period's end that end."""
    if claim.period is None:
        return claim.date
    return _date(period_end_date(claim.period, year_end))
