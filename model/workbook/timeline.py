"""The one timeline every time-based tab shares: label and unit columns, then the main sequence — actual
full years, then the forecast, where the near-term years run in parts (1H2026A | 2H2026E | FY2026E |
1H2027E | 2H2027E | FY2027E) before the later full years —, a spacer, the earlier interims (the
like-for-like comparatives, 1H2024A and 1H2025A), and a notes column."""
from __future__ import annotations

from ..data.periods import Period

LABEL_COL, UNIT_COL, FIRST_COL = 0, 1, 2
NOTE_WIDTH = 70  # the notes column (source / rationale)
LABEL_WIDTH = 46  # the label column


class Timeline:
    def __init__(self, data):
        self.actual_years = data.full_years
        self.forecast = [Period(y, 12) for y in data.forecast_years]
        self.interims = data.interims                  # every actual interim (the stub too)
        self.years = self.actual_years + self.forecast
        # the latest interim of the first forecast year: the near-term years run in parts from it
        self.stub = data.stub
        self.split = {y: data.parts(y) for y in data.split_years}
        self.forecast_parts = [q for parts in self.split.values() for q in parts if q != self.stub]
        self.side = [p for p in self.interims if p != self.stub]   # the earlier interims, in a block of their own
        self.main = list(self.actual_years)
        for p in self.forecast:
            self.main += self.split.get(p.year, []) + [p]
        self._forecast = set(self.forecast) | set(self.forecast_parts)
        self._driver_periods = [p for p in self.main if p in self.forecast_parts or p in self.forecast and p.year not in self.split]
        self._year_index = {p: i for i, p in enumerate(self.years)}
        self._main_index = {p: i for i, p in enumerate(self.main)}
        self.col = {p: FIRST_COL + i for i, p in enumerate(self.main)}
        after = FIRST_COL + len(self.main)
        if self.side:
            self.spacer_col = after
            for i, p in enumerate(self.side):
                self.col[p] = after + 1 + i
            after += 1 + len(self.side)
        else:
            self.spacer_col = None
        self.note_col = after
        self.last_col = after - 1
        # (line key, period) -> itself: one tuple per line and period, shared by the cell index of every block of
        # lines (layout.LineBlock; the Sensitivity tab's hundred forecasts held 300,000 alike on the large model)
        self.pairs: dict = {}

    @property
    def actuals(self) -> list[Period]:
        return self.actual_years + self.interims

    @property
    def periods(self) -> list[Period]:
        """Every column in order: the main sequence, then the earlier interims."""
        return self.main + self.side

    @property
    def stub_year(self) -> Period | None:
        """The first forecast year when it is a year-to-date interim plus the rest of the year."""
        return self.forecast[0] if self.stub else None

    @property
    def base_year(self) -> Period:
        """The last actual full year: the forecast grows from it."""
        return self.actual_years[-1]

    @property
    def driver_periods(self) -> list[Period]:
        """The forecast periods the income statement's and the unit build's drivers take values in: the
        forecast parts and the full years not shown in parts (a split year is the sum of its parts)."""
        return list(self._driver_periods)

    def periods_of(self, kind: str) -> list[Period]:
        """The periods a driver of this kind takes values in (items.Item.periods): "forecast" the driver
        periods, "years" every forecast full year (the cash drivers)."""
        return self.forecast if kind == "years" else self.driver_periods

    def is_actual(self, p: Period) -> bool:
        return p not in self._forecast

    def is_part(self, p: Period) -> bool:
        """A part of a year shown in parts (1H2026A, 2H2026E, 1H2027E ...), actual or forecast."""
        return not p.is_full_year and p in self.split.get(p.year, ())

    def parts(self, p: Period) -> list[Period]:
        """The parts of the full year p when it is shown in parts, else []."""
        return self.split.get(p.year, []) if p.is_full_year else []

    def before(self, p: Period) -> Period:
        """The full year before a full year on the timeline (the previous column)."""
        return self.years[self._year_index[p] - 1]

    def previous(self, p: Period) -> Period:
        """The period a forecast of p grows from: the year before a full year, the part before a part (1H2026A
        before 2H2026E, 2H2026E before 1H2027E)."""
        if not self.is_part(p):
            return self.before(p)
        parts = self.split[p.year]
        if p == parts[1]:
            return parts[0]
        return self.split[p.year - 1][1]

    def has_previous(self, p: Period) -> bool:
        """Whether the period a forecast of p would grow from is a column: not for the first year, nor for the
        interim that opens the parts (1H2026A: the half before it is not shown)."""
        if self.is_part(p):
            return p == self.split[p.year][1] or p.year - 1 in self.split
        return self._year_index.get(p, 0) > 0

    def chart_columns(self, first: Period, last: Period) -> tuple | None:
        """The full-year columns a chart from `first` to `last` plots, when parts of a year stand between
        them (chartdata packs them); None when the columns run unbroken."""
        years = [p for p in self.years if first <= p <= last]
        cols = tuple(self.col[p] for p in years)
        return cols if cols[-1] - cols[0] + 1 != len(cols) else None

    def share(self, p: Period) -> float:
        """The share of a year a part spans (1 for a full year)."""
        return p.share

    def comparative(self, p: Period) -> Period | None:
        """The like-for-like prior period when the timeline has it: FY against FY, 1H against 1H."""
        prior = p.prior()
        return prior if prior in self.col else None

    def comparative_parts(self, p: Period) -> list[Period]:
        """The periods the like-for-like prior figure comes from: [the same period a year earlier]; for the
        rest of a year whose prior is not a column (2H2026), [the prior full year, its year to date]
        (2H2025 = FY2025 - 1H2025); [] when the timeline lacks them."""
        prior = self.comparative(p)
        if prior:
            return [prior]
        if p.is_remainder:
            parts = [Period(p.year - 1, 12), Period(p.year - 1, p.start)]
            return parts if all(q in self.col for q in parts) else []
        return []

    def header_format(self, p: Period) -> str:
        suffix = "E" if p in self._forecast else "A"
        return f"period_{p.code[:-4]}{suffix}"   # the code without its year: FY, 1H, 9M, "Q1 "

    def write_header(self, sheet, row: int, notes_title: str | None = None) -> dict:
        """Period header (fiscal-year numbers shown as FY2024A / 1H2025A) and an A/E marker row.
        Returns the header cells by period; formulas use them as the fiscal year."""
        t = sheet.book.t
        cells = {}
        for p in self.periods:
            c = self.col[p]
            cells[p] = sheet.put(row, c, p.year, "head", self.header_format(p))
            kind = "estimate" if p in self._forecast else ("actual" if p.is_full_year else "interim")
            sheet.put(row + 1, c, t(f"common.{kind}"), "subhead")
        if self.side:
            sheet.put(row - 1, self.col[self.side[0]], t("common.interims"), "subhead")
        sheet.put(row - 1, FIRST_COL, t("common.full_years"), "subhead")
        if self.split:
            first = min(self.split)
            sheet.put(row - 1, self.col[self.split[first][0]], t("common.in_parts"), "subhead")
        sheet.put(row, LABEL_COL, "", "head")
        sheet.put(row, UNIT_COL, t("common.unit"), "head")
        sheet.put(row, self.note_col, notes_title or t("common.notes"), "head")
        sheet.widths.update({LABEL_COL: LABEL_WIDTH, UNIT_COL: 10, self.note_col: NOTE_WIDTH})
        for p in self.periods:
            sheet.widths[self.col[p]] = 11
        if self.spacer_col is not None:
            sheet.widths[self.spacer_col] = 3
        sheet.freeze = (row + 2, FIRST_COL)
        return cells
