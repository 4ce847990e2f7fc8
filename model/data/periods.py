"""Reporting periods: full fiscal years (FY2024), year-to-date interims (1H2025, 9M2025, Q1 2025) and, in
the forecast, the rest of a year after its interim (2H2026, Q4 2026): a year shown in two parts."""
from __future__ import annotations

import calendar
import re
from dataclasses import dataclass

_CODE = re.compile(r"^(FY|1H|Q1|(?P<m>[1-9]|1[01])M)\s?(?P<y>\d{4})$")
_MONTHS = re.compile(r"^(?P<m>\d+)M\s?(?P<y>\d{4})$")
FIRST_YEAR, LAST_YEAR = 1900, 2200   # fiscal years a period may name


@dataclass(frozen=True, order=True)
class Period:
    year: int     # fiscal year the period falls in
    months: int   # 12 for a full year; an interim runs from the fiscal year start
    start: int = 0  # months of the year before it begins: 0, but for the rest of a year after an interim

    def __hash__(self):   # periods key every cell of a line block: hashed once, not on every lookup
        try:
            return self._hash
        except AttributeError:
            object.__setattr__(self, "_hash", hash((self.year, self.months, self.start)))
            return self._hash

    @property
    def is_remainder(self) -> bool:
        """The rest of a fiscal year after a year-to-date interim (2H2026 after 1H2026): a forecast period."""
        return self.start > 0

    def rest(self) -> "Period":
        """The rest of the fiscal year after this year-to-date interim: 2H after 1H, Q4 after 9M."""
        return Period(self.year, 12 - self.months, self.months)

    def full_year(self) -> "Period":
        """The fiscal year this period falls in."""
        return Period(self.year, 12)

    @property
    def share(self) -> float:
        """The part of a year it spans: 0.5 for a half, 0.75 for nine months."""
        return self.months / 12

    @property
    def is_full_year(self) -> bool:
        return self.months == 12

    @property
    def code(self) -> str:
        if self.start:
            head = {6: "2H", 9: "Q4 ", 3: "Q2-Q4 "}.get(self.start, f"M{self.start + 1}-12 ")
            return f"{head}{self.year}"
        if self.months == 12:
            return f"FY{self.year}"
        if self.months == 6:
            return f"1H{self.year}"
        if self.months == 3:
            return f"Q1 {self.year}"
        return f"{self.months}M{self.year}"

    def prior(self) -> "Period":
        """The same-length period a year earlier: the like-for-like comparative."""
        return Period(self.year - 1, self.months, self.start)


def parse_period(text: str) -> Period | None:
    m = _CODE.match(text.strip().upper())
    if not m:
        return None
    head, year = m.group(1), int(m.group("y"))
    if not FIRST_YEAR <= year <= LAST_YEAR:
        return None
    months = {"FY": 12, "1H": 6, "Q1": 3}.get(head) or int(m.group("m"))
    return Period(year, months)


def year_parts(year: int, months: int) -> list[Period]:
    """A fiscal year in two parts: its first `months` and the rest (1H2027 and 2H2027; 9M2027 and Q4 2027)."""
    return [Period(year, months), Period(year, 12 - months, months)]


def forecast_periods(years: list[int], stub: Period | None, split: int) -> list[Period]:
    """The forecast's columns in timeline order: for each of the first `split` years (when the first forecast
    year has an interim actual, `stub`) its forecast parts and then the year (2H2026, FY2026, 1H2027,
    2H2027, FY2027), then the later years (FY2028 ...)."""
    out = []
    for i, y in enumerate(years):
        if stub is not None and i < split:
            out += [p for p in year_parts(y, stub.months) if p != stub]
        out.append(Period(y, 12))
    return out


_REST = re.compile(r"^(2H|Q4 ?|Q2-Q4 ?|M(?P<m>\d+)-12 ?)(?P<y>\d{4})$")


def parse_column(text: str) -> Period | None:
    """A column of a forecast table (assumptions.csv, units.csv): a period code, or the rest of a year after
    its interim as Period.code writes it (2H2026, Q4 2026, Q2-Q4 2026, M5-12 2026); else None."""
    p = parse_period(text)
    if p is not None:
        return p
    m = _REST.match(text.strip().upper())
    if not m or not FIRST_YEAR <= int(m.group("y")) <= LAST_YEAR:
        return None
    head = m.group(1).strip()
    start = {"2H": 6, "Q4": 9, "Q2-Q4": 3}.get(head) or int(m.group("m")) - 1
    return Period(int(m.group("y")), 12 - start, start) if 0 < start < 12 else None


def period_problem(text: str) -> str:
    """Why `text` is not a period code, in words for an error message."""
    t = text.strip().upper()
    if not t:
        return "the period is empty; expected a code such as FY2024 or 1H2025"
    m = _MONTHS.match(t) or _CODE.match(t)
    if m and not FIRST_YEAR <= int(m.group("y")) <= LAST_YEAR:
        return f"year {m.group('y')} is outside {FIRST_YEAR}-{LAST_YEAR}"
    if m and m.group("m") and int(m.group("m")) >= 12:
        what = "a full year" if int(m.group("m")) == 12 else "longer than a year"
        return (f"{text.strip()!r} is {what}: an interim runs 1 to 11 months from the start of the fiscal "
                f"year (write FY{m.group('y')} for the full year)")
    return f"{text.strip()!r} is not a period code such as FY2024, 1H2025, 9M2025 or Q1 2025"


def parse_year_end(text: str) -> tuple[int, int] | None:
    """A fiscal year end typed as month-day ("12-31", "03-31") -> (month, day), or None."""
    m = re.fullmatch(r"\s*(\d{1,2})-(\d{1,2})\s*", text)
    if not m:
        return None
    month, day = int(m.group(1)), int(m.group(2))
    if not 1 <= month <= 12 or not 1 <= day <= calendar.monthrange(2001, month)[1]:
        return None
    return month, day


def period_end_date(p: Period, year_end: tuple[int, int]) -> tuple[int, int, int]:
    """(year, month, day) a period ends. FY<year> is the fiscal year that ends in <year>; an interim
    runs from the start of its fiscal year. A year end on a month's last day keeps interims on month
    ends (a 03-31 year: 9M ends 31 Dec)."""
    month, day = year_end
    months = month + p.months                    # counted from January of the year before
    year, end_month = p.year - 1 + (months - 1) // 12, (months - 1) % 12 + 1
    last = calendar.monthrange(year, end_month)[1]
    month_end = day == calendar.monthrange(2001, month)[1]
    return year, end_month, last if month_end else min(day, last)
