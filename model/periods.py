"""Reporting periods: full fiscal years (FY2024) and year-to-date interims (1H2025, 9M2025, Q1 2025)."""
from __future__ import annotations

import re
from dataclasses import dataclass

_CODE = re.compile(r"^(FY|1H|Q1|(?P<m>[1-9]|1[01])M)\s?(?P<y>\d{4})$")


@dataclass(frozen=True, order=True)
class Period:
    year: int     # fiscal year the period falls in
    months: int   # 12 for a full year; an interim runs from the fiscal year start

    @property
    def is_full_year(self) -> bool:
        return self.months == 12

    @property
    def code(self) -> str:
        if self.months == 12:
            return f"FY{self.year}"
        if self.months == 6:
            return f"1H{self.year}"
        if self.months == 3:
            return f"Q1{self.year}"
        return f"{self.months}M{self.year}"

    def prior(self) -> "Period":
        """The same-length period a year earlier: the like-for-like comparative."""
        return Period(self.year - 1, self.months)


def parse_period(text: str) -> Period | None:
    m = _CODE.match(text.strip().upper())
    if not m:
        return None
    head, year = m.group(1), int(m.group("y"))
    months = {"FY": 12, "1H": 6, "Q1": 3}.get(head) or int(m.group("m"))
    return Period(year, months)
