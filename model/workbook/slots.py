"""The identity of every input cell, independent of where it sits in a workbook.

A `Slot` says what an input holds (an actual figure, a scenario assumption, a check tolerance, a
reference figure, the selected scenario) and for which period. Carrying edits over, listing them
and writing them back to the data files all go through slots, so none of them depends on cell
addresses that a user may have moved.
"""
from __future__ import annotations

import copy
import math
from dataclasses import dataclass

from ..data.company import (FUNDING_ITEMS, REQUIRED_ACTUALS, REST, SEGMENT_ACTUALS, STEP, TOLERANCE, Dataset, Figure, actual_items,
                   all_driver_items, bound_text, per_segment, raise_year_bound)
from ..labels import Labels, table
from ..data.periods import parse_period
from ..calc.values import same


class Gone(Exception):
    """The slot no longer exists in the data (the message says why)."""


@dataclass(frozen=True)
class Slot:
    kind: str           # actual | assumption | tolerance | reference | scenario | funding | step | claim
    key: str = ""       # actual item, driver, tolerance key, reference metric, funding item, step key, claim id
    scenario: str = ""  # assumptions only
    period: str = ""    # period code: FY2024, 1H2025 (actuals, assumptions, references)
    field: str = ""     # references and claims: value | tolerance

    def token(self) -> str:
        return "|".join((self.kind, self.key, self.scenario, self.period, self.field))

    @classmethod
    def from_token(cls, token: str) -> "Slot":
        return cls(*token.split("|"))

    def period_label(self) -> str:
        """The period as the workbook's headers show it: FY2024A, FY2027E, 1H2025A."""
        if not self.period:
            return ""
        return self.period + ("E" if self.kind == "assumption" else "A")


def unit_kind(data: Dataset, slot: Slot) -> str:
    """pct | amount | text: how the value is shown and written back."""
    if slot.kind == "scenario":
        return "text"
    if slot.kind == "actual":
        item = actual_items(data).get(slot.key)
    elif slot.kind == "assumption":
        item = all_driver_items(data).get(slot.key)
    elif slot.kind == "reference":
        return "amount" if _reference(data, slot).unit == "amount" else "pct"  # as the Inputs tab shows it
    elif slot.kind == "claim":
        return "pct" if _claim(data, slot).unit == "pct" else "amount"
    elif slot.kind in ("funding", "step"):
        return "pct" if slot.kind == "step" else "amount"
    else:
        return "amount" if slot.key == "amount" else "pct"
    return item.unit if item else "amount"


def label(slot: Slot, data: Dataset | None = None) -> str:
    """The row label the English Inputs tab shows for this slot (the bare key when the data are
    unknown): how the command-line reports name an input."""
    if slot.kind in ("actual", "assumption") and data is not None:
        items = actual_items(data) if slot.kind == "actual" else all_driver_items(data)
        section = "items" if slot.kind == "actual" else "drivers"
        return Labels("en", data.company).item(section, items[slot.key]) if slot.key in items else slot.key
    if slot.kind in ("actual", "assumption"):
        return slot.key
    if slot.kind == "tolerance":
        return table("en").get(f"tolerances.{slot.key}", slot.key)
    if slot.kind == "reference":
        return f"Reference {slot.key} ({slot.field})"
    texts = table("en")
    if slot.kind == "funding" and slot.key == "raise_year":
        return f"{texts['funding.equity_raise']}: {texts['funding.raise_year']}"
    if slot.kind in ("funding", "step"):
        return texts.get(f"{'funding' if slot.kind == 'funding' else 'sensitivity'}.{slot.key}", slot.key)
    if slot.kind == "claim":
        return f"Claim {slot.key} ({'reported' if slot.field == 'value' else slot.field})"
    return "Selected scenario"


def show(value, kind: str) -> str:
    """A value as a finance user reads it: 60%, 3.12414, blank."""
    if value is None or value == "":
        return "blank"
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return repr(value) if kind != "text" else str(value)
    if kind == "pct":
        return f"{value * 100:.6g}%"
    return f"{value:.6g}"


def _reference(data: Dataset, slot: Slot):
    for ref in data.references:
        if ref.metric == slot.key and ref.period.code == slot.period:
            return ref
    raise Gone(f"reference figure {slot.key} {slot.period} is no longer in reference.csv")


def _claim(data: Dataset, slot: Slot):
    for claim in data.claims:
        if claim.id == slot.key:
            return claim
    raise Gone(f"claim {slot.key} is no longer in claims.csv")


def data_value(data: Dataset, slot: Slot):
    """The value the data files give this slot; raises Gone when the slot no longer exists."""
    if slot.kind == "actual":
        if slot.key not in actual_items(data):
            raise Gone(f"item {slot.key!r} no longer exists (segments changed?)")
        period = parse_period(slot.period)
        if period not in data.periods:
            raise Gone(f"{slot.period} is no longer an actual period in actuals.csv")
        return data.actual(slot.key, period)
    if slot.kind == "assumption":
        if slot.scenario not in data.scenarios:
            raise Gone(f"scenario {slot.scenario!r} no longer exists in assumptions.csv")
        year = parse_period(slot.period).year
        if slot.key.startswith(REST) and year <= data.base_year.year:   # the rest of a year now actual
            raise Gone(f"{slot.period} is now an actual year (FY{data.base_year.year} actuals are in the data)")
        if slot.key not in all_driver_items(data):
            raise Gone(f"driver {slot.key!r} no longer applies (segments or the R&D split changed?)")
        if year not in data.forecast_years:
            last = data.base_year.year
            if year <= last:
                raise Gone(f"{slot.period} is now an actual year (FY{last} actuals are in the data)")
            raise Gone(f"{slot.period} is after the forecast end FY{data.forecast_years[-1]}")
        return data.assumptions[(slot.scenario, slot.key)][data.forecast_years.index(year)]
    if slot.kind == "tolerance":
        if slot.key not in data.tolerances:
            raise Gone(f"tolerance {slot.key!r} no longer exists")
        return data.tolerances[slot.key]
    if slot.kind == "reference":
        ref = _reference(data, slot)
        return ref.value if slot.field == "value" else ref.tolerance
    if slot.kind == "funding":
        if slot.key == "raise_year":
            return data.funding["equity_raise"].period.year
        return data.funding[slot.key].value
    if slot.kind == "step":
        return data.sensitivity[slot.key]
    if slot.kind == "claim":
        claim = _claim(data, slot)
        return claim.reported if slot.field == "value" else claim.tolerance
    if slot.kind == "scenario":
        return data.company.get("default_scenario") or data.scenarios[0]
    raise Gone(f"unknown input kind {slot.kind!r}")


def problem(data: Dataset, slot: Slot, value) -> str | None:
    """Why `value` cannot go into this slot (the data files' own rules), or None when it can."""
    if slot.kind == "scenario":
        return None if value in data.scenarios else f"{value!r} is not a scenario in assumptions.csv"
    is_number = isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
    base = data.base_year.code
    if slot.kind == "actual" and slot.key == "rnd_compute" and slot.period == base and (value is None) == data.split_compute:
        return (f"compute for {base} decides how R&D is forecast (split or not); change it in actuals.csv, "
                "with the matching drivers in assumptions.csv")
    if value is None and slot.kind == "actual":
        required = list(REQUIRED_ACTUALS) + ([] if data.single_segment else list(per_segment(SEGMENT_ACTUALS, data.segments)))
        if slot.period == base and slot.key in required:
            return f"{slot.key} for {base} is the base of the forecast and cannot be blank"
        return None
    if not is_number:
        return f"{value!r} is not a number"
    if slot.kind in ("actual", "assumption"):
        item = (actual_items(data) if slot.kind == "actual" else all_driver_items(data))[slot.key]
        bound, unit = item.bound, item.unit
    elif slot.kind == "tolerance" or slot.field == "tolerance":
        bound, unit = TOLERANCE, "amount"
    elif slot.kind == "step":
        bound, unit = STEP, "pct"
    elif slot.kind == "funding":
        bound, unit = (raise_year_bound(data), "year") if slot.key == "raise_year" else (FUNDING_ITEMS[slot.key].bound,
                                                                                         "amount")
    else:
        return None  # a reference figure or a claim's reported figure: any number
    return None if bound.allows(value) else f"{show(value, unit)} is not allowed here: expected {bound_text(bound, unit)}"


def with_values(data: Dataset, values: dict[Slot, object]) -> tuple[Dataset, str | None]:
    """A copy of `data` with the given slot values; returns it and the selected scenario (if set)."""
    out = copy.deepcopy(data)
    scenario = None
    for slot, value in values.items():
        if slot.kind == "actual":
            period = parse_period(slot.period)
            fig = out.actuals.setdefault(slot.key, {}).setdefault(period, Figure(None, "", "entered in the workbook"))
            fig.value = value
        elif slot.kind == "assumption":
            year = parse_period(slot.period).year
            out.assumptions[(slot.scenario, slot.key)][out.forecast_years.index(year)] = value
        elif slot.kind == "tolerance":
            out.tolerances[slot.key] = value
        elif slot.kind == "reference":
            ref = _reference(out, slot)
            setattr(ref, "value" if slot.field == "value" else "tolerance", value)
        elif slot.kind == "funding" and slot.key == "raise_year":
            out.funding["equity_raise"].period = parse_period(f"FY{int(value)}")
        elif slot.kind == "funding":
            out.funding[slot.key].value = value
        elif slot.kind == "step":
            out.sensitivity[slot.key] = value
        elif slot.kind == "claim":
            setattr(_claim(out, slot), "reported" if slot.field == "value" else "tolerance", value)
        elif slot.kind == "scenario":
            scenario = value
    return out, scenario


def input_slots(inputs) -> dict:
    """Every input cell of the Inputs tab (an `InputsTab`) -> its slot."""
    slots = {cell: Slot("actual", item, period=p.code) for (item, p), cell in inputs.hist.items()}
    # a remainder driver (in the 2H2026E column) is the first forecast year's value of its row in assumptions.csv
    slots.update({cell: Slot("assumption", drv, sc, f"FY{p.year}") for (sc, drv, p), cell in inputs.asm.items()})
    slots.update({cell: Slot("tolerance", key) for key, cell in inputs.tol.items()})
    for ref, value, tol in inputs.refs:
        for cell, fld in ((value, "value"), (tol, "tolerance")):
            slots[cell] = Slot("reference", ref.metric, period=ref.period.code, field=fld)
    slots.update({cell: Slot("funding", key) for key, cell in inputs.funding.items()})
    slots.update({cell: Slot("step", key) for key, cell in inputs.steps.items()})
    for cid, (value, tol) in inputs.claims.items():
        slots[value], slots[tol] = Slot("claim", cid, field="value"), Slot("claim", cid, field="tolerance")
    slots[inputs.selector] = Slot("scenario")
    return slots


def note_edits(inputs, defaults: Dataset):
    """Comment every input cell whose value differs from the data files, so the user sees it."""
    for cell, slot in input_slots(inputs).items():
        value = data_value(defaults, slot)
        if slot.kind != "scenario" and not same(cell.content, value):
            t = inputs.book.t
            shown = t("inputs.blank") if value in (None, "") else show(value, unit_kind(defaults, slot))
            note = t("inputs.carried_over", value=shown)
            cell.comment = f"{cell.comment}\n{note}" if cell.comment else note
