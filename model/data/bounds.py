"""The values every input may take: one `Bound` serves the loader's check of a data file and the
workbook's data validation."""
from __future__ import annotations

from dataclasses import dataclass

from ..calc.formula import AND, ISNUMBER
from .files import DataError


@dataclass(frozen=True)
class Bound:
    """The values an input may take. One definition serves the loader's check of the data files
    (`allows`) and the workbook's data validation (`rule`, the same test as an Excel formula); its
    message, per language, is model/labels bounds.<name>."""
    name: str
    low: float | None = None
    high: float | None = None
    low_open: bool = False     # True: `low` itself is not allowed
    # the usual range: a value outside it is allowed (real companies go there) but noted in the build report,
    # as it may be a typing mistake (1900 typed for 1900%)
    usual_low: float | None = None
    usual_high: float | None = None

    def allows(self, v: float) -> bool:
        if self.low is not None and (v <= self.low if self.low_open else v < self.low):
            return False
        return self.high is None or v <= self.high

    def unusual(self, v: float) -> bool:
        return (self.usual_low is not None and v < self.usual_low) or (self.usual_high is not None and v > self.usual_high)

    def rule(self, ref):
        """The same test as an Excel formula over the cell `ref` (a custom data validation)."""
        tests = [ISNUMBER(ref)]
        if self.low is not None:
            tests.append(ref.gt(self.low) if self.low_open else ref.ge(self.low))
        if self.high is not None:
            tests.append(ref.le(self.high))
        return AND(*tests)


# Growth, price changes and volumes have no upper bound: real companies exceed any we would pick (MiniMax's
# tokens grew about 20x in 2026). Above 1,000% a year a value is noted, not refused.
GROWTH = Bound("growth", -1, low_open=True, usual_high=10)  # above -100% (revenue stays positive)
MARGIN = Bound("margin", high=1, usual_low=-10)    # at most 100%; far below 0 happens for a young segment
SHARE = Bound("share", 0, 1)
FRACTION = Bound("fraction", 0, 1)                # a part of a cost (compute within R&D)
AMOUNT = Bound("amount", 0)                       # revenue and costs: positive, costs are subtracted
SIGNED = Bound("signed")                          # profit, loss, adjustments: any number
TOLERANCE = Bound("tolerance", 0)

FX_RATE = Bound("fx_rate", 0, low_open=True)
FLAG = Bound("flag", 0, 1)
POSITIVE = Bound("positive", 0, low_open=True)    # a price, a share count, a unit's size
RATE = Bound("rate", 0, 1)                        # an annual interest or discount rate
STEP = Bound("step", 0, 1)                        # a sensitivity step: 0 to 100 percentage points

def bound_text(bound: Bound, unit: str, lang: str = "en") -> str:
    """What a bound allows, in words: 'a growth rate above -100% and at most 1000%'."""
    from ..labels import table
    show = (lambda v: f"{v:.0%}") if unit == "pct" else (lambda v: f"{v:g}")  # noqa: E731
    return table(lang)[f"bounds.{bound.name}"].format(
        low=show(bound.low) if bound.low is not None else "", high=show(bound.high) if bound.high is not None else "")


def check_bound(bound: Bound, unit: str, value, file, row, column, notes: list | None = None):
    """A DataError when a value from a data file is outside its bound (a blank is always allowed); a value
    outside the bound's usual range is accepted with a note in `notes` (the build report)."""
    if value is None:
        return
    shown = f"{value:.0%}" if unit == "pct" else f"{value:g}"
    if not bound.allows(value):
        raise DataError(file, f"{shown} is not allowed here: expected {bound_text(bound, unit)}", row, column)
    if notes is not None and bound.unusual(value):
        edge = bound.usual_high if bound.usual_high is not None and value > bound.usual_high else bound.usual_low
        side = "above" if edge == bound.usual_high else "below"
        typed = f" (check it is not {value:g}% typed without the % sign)" if unit == "pct" else ""
        limit = f"{edge:.0%}" if unit == "pct" else f"{edge:g}"
        notes.append(str(DataError(file, f"{shown} is {side} {limit}: accepted (real companies go there), noted{typed}",
                                   row, column)))


def pct(v: float) -> str:
    return f"{v * 100:.6g}%"
