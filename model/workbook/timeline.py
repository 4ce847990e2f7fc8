"""The one timeline every time-based tab shares: label and unit columns, then full years (actual,
then estimate), a spacer, the interim periods, and a notes column."""
from __future__ import annotations

from ..data.periods import Period

LABEL_COL, UNIT_COL, FIRST_COL = 0, 1, 2
NOTE_WIDTH = 70  # the notes column (source / rationale)
LABEL_WIDTH = 46  # the label column


class Timeline:
    def __init__(self, data):
        self.actual_years = data.full_years
        self.forecast = [Period(y, 12) for y in data.forecast_years]
        self.interims = data.interims
        self.years = self.actual_years + self.forecast
        # a year-to-date interim of the first forecast year: that year is the interim plus the rest (2H2026E),
        # a forecast column of its own right after the interim
        self.stub = data.stub
        self.rest = self.stub.rest() if self.stub else None
        self.stub_periods = [self.stub, self.rest] if self.stub else []
        self._forecast = set(self.forecast) | ({self.rest} if self.rest else set())
        self._year_index = {p: i for i, p in enumerate(self.years)}
        self.col = {p: FIRST_COL + i for i, p in enumerate(self.years)}
        after = FIRST_COL + len(self.years)
        if self.interims:
            self.spacer_col = after
            for i, p in enumerate(self.interims + ([self.rest] if self.rest else [])):
                self.col[p] = after + 1 + i
            after += 1 + len(self.interims) + (1 if self.rest else 0)
        else:
            self.spacer_col = None
        self.note_col = after
        self.last_col = after - 1

    @property
    def actuals(self) -> list[Period]:
        return self.actual_years + self.interims

    @property
    def periods(self) -> list[Period]:
        return self.years + self.interims + ([self.rest] if self.rest else [])

    @property
    def stub_year(self) -> Period | None:
        """The first forecast year when it is a year-to-date interim plus the rest of the year."""
        return self.forecast[0] if self.stub else None

    @property
    def base_year(self) -> Period:
        """The last actual full year: the forecast grows from it."""
        return self.actual_years[-1]

    def is_actual(self, p: Period) -> bool:
        return p not in self._forecast

    def before(self, p: Period) -> Period:
        """The full year before a full year on the timeline (the previous column)."""
        return self.years[self._year_index[p] - 1]

    def comparative(self, p: Period) -> Period | None:
        """The like-for-like prior period when the timeline has it: FY against FY, 1H against 1H."""
        prior = p.prior()
        return prior if prior in self.col else None

    def comparative_parts(self, p: Period) -> list[Period]:
        """The periods the like-for-like prior figure comes from: [the same period a year earlier]; for the
        rest of a year (2H2026), [the prior full year, its year to date] (2H2025 = FY2025 - 1H2025); [] when
        the timeline lacks them."""
        if p.is_remainder:
            parts = [Period(p.year - 1, 12), Period(p.year - 1, p.start)]
            return parts if all(q in self.col for q in parts) else []
        prior = self.comparative(p)
        return [prior] if prior else []

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
            kind = "remainder" if p == self.rest else kind
            sheet.put(row + 1, c, t(f"common.{kind}"), "subhead")
        if self.interims:
            sheet.put(row - 1, self.col[self.interims[0]], t("common.interims"), "subhead")
        sheet.put(row - 1, FIRST_COL, t("common.full_years"), "subhead")
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
