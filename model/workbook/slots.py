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

from ..data.balance import BALANCE_ITEMS
from ..data.bounds import AMOUNT, FLAG, FRACTION, FX_RATE, POSITIVE, RATE, STEP, TOLERANCE, Bound, bound_text
from ..data.dataset import BalanceFigure, Dataset, Figure
from ..data.events import CONVERSION_PRICE, STAKE
from ..data.risk import WHOLE as RISK_WHOLE
from ..data.units import SETTING_BOUNDS
from ..data.valuation import VALUATION_ITEMS
from ..data.items import FUNDING_ITEMS, REQUIRED_ACTUALS, REST, actual_items, all_driver_items, raise_year_bound
from ..data.files import LARGEST, SMALLEST
from ..labels import Labels, table
from ..data.periods import parse_column, parse_period
from ..calc.values import same


class Gone(Exception):
    """The slot no longer exists in the data (the message says why)."""


@dataclass(frozen=True)
class Slot:
    kind: str           # actual | assumption | tolerance | reference | scenario | funding | event | step | claim | unit
    #                     | balance | valuation | benchmark (the compute build's reference class: key its id, field low | high)
    #                     | risk (a range's point or factor, or a Monte Carlo setting) | weight (a scenario's probability)
    key: str = ""       # actual item, driver, tolerance key, reference metric, funding item, event id, step key, claim id,
    #                     risk: the driver of a range or the setting (trials, seed, factor_weight); weight: the scenario
    scenario: str = ""  # assumptions only
    period: str = ""    # period code: FY2024, 1H2025 (actuals, assumptions, references)
    field: str = ""     # references and claims: value | tolerance; events: amount | fx_rate | year | counted;
    #                     a range: low | likely | high | factor; balance: value | rate | repaid

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


@dataclass(frozen=True)
class Resolved:
    """A slot looked up once in a Dataset: everything carrying over, listing and writing back need."""
    slot: Slot
    label: str           # the row label the English Inputs tab shows (how reports name the input)
    unit: str            # pct | amount | text: how the value is shown and written back
    value: object = None  # the data files' value (None when gone)
    gone: str = ""       # why the slot no longer exists in the data ("" when it does)
    bound: object = None  # the data rule a number must meet (a company.Bound), None: any number
    bound_unit: str = "amount"
    choices: tuple = ()  # the selector: the scenarios it may hold
    elsewhere: str = ""  # why `edits --apply` cannot write it back (a peer's figure lives in the peer's folder)
    blank: str | None = None     # why a blank is refused (None: a blank is allowed for actuals)
    decides: str | None = None   # a compute figure up to the base year: why entering or clearing it is refused
    split: bool = False          # ... whether the data split R&D (Dataset.split_compute)
    split_if: tuple = (False, False)   # ... whether they would with the figure blank, and with it given


def _label(slot: Slot) -> str:
    """The English label of a slot that is not an item row (or whose item the data do not know)."""
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
    if slot.kind == "unit":
        return texts.get(f"unit_settings.{slot.key}", slot.key)
    if slot.kind == "claim":
        return f"Claim {slot.key} ({'reported' if slot.field == 'value' else slot.field})"
    if slot.kind == "benchmark":
        return f"Reference class {slot.key} ({slot.field})"
    if slot.kind == "event":
        return f"Funding event {slot.key}: {texts[f'events.{slot.field}']}"
    if slot.kind == "risk":
        return (f"Range of {slot.key} ({texts[f'risk.{slot.field}']})" if slot.field
                else texts.get(f"risk.{slot.key}", slot.key))
    if slot.kind == "weight":
        return f"Weight of scenario {slot.key}"
    if slot.kind == "valuation":
        name = texts.get(f"valuation.{slot.key}", slot.key)
        return f"{name} — {slot.scenario}" if slot.scenario else name
    if slot.kind == "balance":
        name = texts.get(f"balance.{slot.key}", slot.key)
        return name if slot.field == "value" else f"{name}: {texts[f'balance.{slot.field}'].lower()}"
    if slot.kind == "market":
        return f"Published figure {slot.key}" + (" (exchange rate)" if slot.field == "fx_rate" else "")
    if slot.kind == "arr":
        name = table("en").get(f"arr.{slot.key}", slot.key)
        return name.replace("{scenario}", slot.scenario) if "{scenario}" in name else name
    if slot.kind == "peer":
        return f"Peer {slot.field}: " + slot.key.replace("figure:", "").replace(":", " ")
    return "Selected scenario"


def label(slot: Slot, data: Dataset | None = None) -> str:
    """The row label the English Inputs tab shows for this slot (the bare key when the data are unknown)."""
    return resolve(data, slot).label if data is not None else _label(slot)


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


def _benchmark(data: Dataset, slot: Slot):
    for b in data.benchmarks:
        if b.id == slot.key:
            return b
    raise Gone(f"reference figure {slot.key} is no longer in reference_class.csv")


def _estimate(estimates, eid: str, where="market.csv"):
    for est in estimates:
        if est.id == eid:
            return est
    raise Gone(f"published figure {eid} is no longer in {where}")


def _peer(data: Dataset, key: str):
    for peer in data.peers:
        if peer.key == key:
            return peer
    raise Gone(f"peer {key} is no longer named in company.toml")


def _peer_value(peer, slot: Slot):
    """(value, bound, unit, where the value lives) of a peer's input: its exchange rate or scale (this
    company's company.toml), or a figure of the peer's own data (funding:, event:, market: or an actual item
    of the periods the Peers tab shows)."""
    from ..data.market import BOUNDS
    from ..data.peers import periods_of
    pd, key = peer.data, slot.key
    if key in ("fx_rate", "scale"):
        return getattr(peer, key), FX_RATE if key == "fx_rate" else POSITIVE, "amount", ""
    elsewhere = f"a figure of the peer {peer.key}: edit it in its own folder ({peer.key}), then rebuild"
    kind, _, rest = key.partition(":")
    if kind == "funding":
        if rest not in pd.funding or pd.funding[rest].value is None:
            raise Gone(f"{rest} is no longer in {peer.key}'s funding.csv")
        return pd.funding[rest].value, FUNDING_ITEMS[rest].bound, "amount", elsewhere
    if kind == "event":
        eid, fld = rest.split(":")
        ev = _event(pd, Slot("event", eid))
        return getattr(ev, fld), EVENT_BOUNDS[fld], "amount", elsewhere
    if kind == "market":
        eid, fld = rest.split(":")
        est = _estimate(pd.market, eid, f"{peer.key}'s market.csv")
        return getattr(est, fld), (FX_RATE if fld == "fx_rate" else BOUNDS[est.unit]), "amount", elsewhere
    if kind == "balance":
        if rest not in pd.balance or pd.balance[rest].value is None:
            raise Gone(f"{rest} is no longer in {peer.key}'s balance.csv")
        return pd.balance[rest].value, AMOUNT, "amount", elsewhere
    if kind != "figure":
        raise Gone(f"unknown peer input {key!r}")
    item_key, code = rest.split(":")
    period = parse_period(code)
    fy, prior, interim, comp = periods_of(pd)
    if period not in (fy, interim) + ((prior, comp) if item_key == "revenue" else ()):
        raise Gone(f"{code} is no longer a period the Peers tab shows for {peer.key}")
    item = actual_items(pd).get(item_key)
    if item is None:
        raise Gone(f"item {item_key!r} is no longer in {peer.key}'s data")
    return pd.actual(item_key, period), item.bound, item.unit, elsewhere


def _event(data: Dataset, slot: Slot):
    for ev in data.events:
        if ev.id == slot.key:
            return ev
    raise Gone(f"funding event {slot.key} is no longer in events.csv")


EVENT_BOUNDS = {"amount": AMOUNT, "fx_rate": FX_RATE, "counted": FLAG, "shares": AMOUNT, "rate": RATE,
                "conversion_price": CONVERSION_PRICE, "maturity_year": Bound("any_year", 1900, 2200), "price": POSITIVE,
                "stake": STAKE}


def in_parts(data: Dataset, period, item) -> str:
    """Why a forecast period is no longer one of a driver's: its year now runs in parts (an interim of it
    arrived, or split_years), or it is a part of a year that no longer does."""
    periods = ", ".join(p.code for p in data.driver_periods(item.periods))
    if period.is_full_year and period.year in data.split_years:
        first, rest = data.parts(period.year)
        now = f"{first.code} actual plus {rest.code}E" if first == data.stub else f"{first.code}E plus {rest.code}E"
        drivers = (f"its {rest.code}E drivers forecast the rest of the year" if first == data.stub else
                   f"its {first.code}E and {rest.code}E drivers forecast the year")
        return (f"{period.code} is now {now}" + (f" ({first.code} actuals are in the data)" if first == data.stub else
                                                   " (company.toml split_years)")
                + f": {drivers}; enter the edit there if you meant it")
    return f"{period.code} is no longer a period of this driver (the forecast's periods: {periods})"


def resolve(data: Dataset, slot: Slot) -> Resolved:
    """The slot as the data files define it today: label, unit, value and rule; `gone` says why it
    no longer exists there. Once a pass (Dataset.unchanged: a build's, shared by note_edits and the build
    record; a rebuild's plan)."""
    return data.kept(("resolved", slot), lambda: _resolved(data, slot))


def _resolved(data: Dataset, slot: Slot) -> Resolved:
    try:
        return _resolve(data, slot)
    except Gone as e:
        return Resolved(slot, _label(slot), "text" if slot.kind == "scenario" else "amount", gone=str(e))


def split_with(data: Dataset, item: str, period, value) -> bool:
    """Whether R&D would be split with `item` for `period` set to `value` (None: blank)."""
    figures = data.actuals.setdefault(item, {})
    was = figures.get(period)
    figures[period] = Figure(value)
    try:
        return data.split_compute
    finally:
        if was is None:
            del figures[period]
        else:
            figures[period] = was


def _resolve(data: Dataset, slot: Slot) -> Resolved:
    kind, base = slot.kind, data.base_year.code
    if kind in ("actual", "assumption"):
        items = data.kept((kind, data.split_compute),   # the item tables, once per pass (the split decides them)
                           lambda: actual_items(data) if kind == "actual" else all_driver_items(data))
        item = items.get(slot.key)
        name = (Labels("en", data.company).item("items" if kind == "actual" else "drivers", item) if item
                else slot.key)
        if kind == "assumption" and slot.scenario not in data.scenarios:
            return Resolved(slot, name, item.unit if item else "amount",
                            gone=f"scenario {slot.scenario!r} no longer exists in assumptions.csv")
        if kind == "assumption" and item is None and slot.key.startswith(REST):   # the earlier format's remainder
            return Resolved(slot, name, "pct", gone=f"{slot.key} no longer exists: the rest of a year is a column of its "
                                                    f"own (the {slot.key[len(REST):]} row's)")
        if item is None:
            raise Gone(f"item {slot.key!r} no longer exists (segments changed?)" if kind == "actual" else
                       f"driver {slot.key!r} no longer applies (segments or the R&D split changed?)")
        common = dict(label=name, unit=item.unit, bound=item.bound, bound_unit=item.unit)
        if kind == "actual":
            period = parse_period(slot.period)
            if period not in data.periods:
                return Resolved(slot, name, item.unit,
                                gone=f"{slot.period} is no longer an actual period in actuals.csv")
            blank = (f"{slot.key} for {base} is the base of the forecast and cannot be blank"
                     if slot.period == base and slot.key in REQUIRED_ACTUALS else None)
            decides, split_if = None, (False, False)
            if slot.key in ("rnd_compute", "rnd_compute_share") and period <= data.base_year:
                carried = "" if slot.period == base else f", its share of R&D carried to {base}"
                decides = (f"compute for {slot.period} decides how R&D is forecast (split or not{carried}); change it "
                           "in actuals.csv, with the matching drivers in assumptions.csv")
                split_if = (split_with(data, slot.key, period, None), split_with(data, slot.key, period, 1.0))
            return Resolved(slot, value=data.actual(slot.key, period), blank=blank, decides=decides,
                            split=data.split_compute, split_if=split_if, **common)
        period, last = parse_column(slot.period), data.base_year.year
        if period is None:
            return Resolved(slot, name, item.unit, gone=f"{slot.period!r} is not a period")
        why = ("" if period in data.driver_periods(item.periods)
               else f"{slot.period} is now an actual year (FY{last} actuals are in the data)" if period.year <= last
               else f"{slot.period} is now an actual period ({slot.period} actuals are in the data)" if period == data.stub
               else f"{slot.period} is after the forecast end FY{data.forecast_years[-1]}"
               if period.year > data.forecast_years[-1] else in_parts(data, period, item))
        if why:
            return Resolved(slot, name, item.unit, gone=why)
        return Resolved(slot, value=data.value(slot.scenario, slot.key, period), **common)
    name = _label(slot)
    if kind == "tolerance":
        if slot.key not in data.tolerances:
            raise Gone(f"tolerance {slot.key!r} no longer exists")
        return Resolved(slot, name, "amount" if slot.key == "amount" else "pct", data.tolerances[slot.key],
                        bound=TOLERANCE)
    if kind == "reference":
        ref = _reference(data, slot)
        unit = "amount" if ref.unit == "amount" else "pct"  # as the Inputs tab shows it
        if slot.field == "value":
            return Resolved(slot, name, unit, ref.value)
        return Resolved(slot, name, unit, ref.tolerance, bound=TOLERANCE)
    if kind == "funding":
        item = "equity_raise" if slot.key == "raise_year" else slot.key
        if item not in data.funding:
            raise Gone(f"{item} is no longer in funding.csv" + (" (the funding events are in events.csv)"
                                                                 if data.events else ""))
        if slot.key == "raise_year":
            return Resolved(slot, name, "amount", data.funding["equity_raise"].period.year,
                            bound=raise_year_bound(data), bound_unit="year")
        return Resolved(slot, name, "amount", data.funding[slot.key].value, bound=FUNDING_ITEMS[slot.key].bound)
    if kind == "step":
        if slot.key not in data.sensitivity:   # margin_step: the tornado now has one relative step
            raise Gone(f"sensitivity step {slot.key!r} no longer exists")
        return Resolved(slot, name, "pct", data.sensitivity[slot.key], bound=STEP, bound_unit="pct")
    if kind == "unit":
        if not data.units or slot.key not in data.units.settings:
            raise Gone("the unit build (units.toml) is no longer in the data")
        return Resolved(slot, name, "amount", data.units.settings[slot.key], bound=SETTING_BOUNDS[slot.key])
    if kind == "event":
        bound = EVENT_BOUNDS.get(slot.field) or Bound("event_year", data.base_year.year, data.forecast_years[-1])
        return Resolved(slot, name, "amount", getattr(_event(data, slot), slot.field), bound=bound)
    if kind == "valuation":
        item = VALUATION_ITEMS.get(slot.key)
        if not data.valuation or item is None or (slot.key, slot.scenario) not in data.valuation:
            raise Gone("valuation.csv is no longer in the data" if not data.valuation else
                       f"scenario {slot.scenario!r} no longer exists in assumptions.csv" if slot.scenario else
                       f"{slot.key} is no longer in valuation.csv")
        return Resolved(slot, name, "pct" if item.unit == "pct" else "amount",
                        data.valuation[(slot.key, slot.scenario)].value, bound=item.bound,
                        bound_unit="pct" if item.unit == "pct" else "amount", blank=None if item.blank else
                        f"{slot.key} is required (valuation.csv)")
    if kind == "balance":
        item = BALANCE_ITEMS.get(slot.key)
        if not data.balance or item is None:
            raise Gone(f"{slot.key} is no longer in balance.csv" if data.balance else "balance.csv is no longer in the data")
        fig = data.balance.get(slot.key)
        if slot.field == "value":
            return Resolved(slot, name, "amount", fig.value if fig else None, bound=item.bound)
        return Resolved(slot, name, "pct", (getattr(fig, slot.field) if fig else None) or 0.0,
                        bound=RATE if slot.field == "rate" else FRACTION, bound_unit="pct")
    if kind == "claim":
        claim = _claim(data, slot)
        unit = "pct" if claim.unit == "pct" else "amount"
        if slot.field == "value":
            return Resolved(slot, name, unit, claim.reported)
        return Resolved(slot, name, unit, claim.tolerance, bound=TOLERANCE)
    if kind == "benchmark":
        b = _benchmark(data, slot)
        return Resolved(slot, name, "pct" if b.unit == "pct" else "amount", getattr(b, slot.field))
    if kind == "market":
        from ..data.market import BOUNDS
        est = _estimate(data.market, slot.key)
        if slot.field == "fx_rate":
            return Resolved(slot, name, "amount", est.fx_rate, bound=FX_RATE)
        unit = "pct" if est.unit == "pct" else "amount"
        return Resolved(slot, name, unit, est.value, bound=BOUNDS[est.unit], bound_unit=unit)
    if kind == "arr":
        from ..data.arr import BAND
        if data.arr is None or (slot.key, slot.scenario) not in data.arr.figures:
            raise Gone("arr.csv is no longer in the data" if data.arr is None else
                       f"scenario {slot.scenario!r} no longer exists in assumptions.csv")
        return Resolved(slot, name, "pct", data.arr.figures[(slot.key, slot.scenario)].value,
                        bound=FRACTION if slot.key == "haircut" else BAND, bound_unit="pct")
    if kind == "peer":
        value, bound, unit, elsewhere = _peer_value(_peer(data, slot.field), slot)
        return Resolved(slot, name, unit, value, bound=bound, bound_unit=unit, elsewhere=elsewhere)
    if kind == "scenario":
        return Resolved(slot, name, "text", data.company.get("default_scenario") or data.scenarios[0],
                        choices=tuple(data.scenarios))
    if kind in ("risk", "weight"):
        return _resolve_risk(data, slot, name)
    raise Gone(f"unknown input kind {kind!r}")


def _resolve_risk(data: Dataset, slot: Slot, name: str) -> Resolved:
    """A Monte Carlo input: a range's point or factor (risk.csv), a setting or a scenario weight (risk.toml)."""
    from ..data.risk import LOADING, SETTINGS, SHIFT, WEIGHT
    risk = data.risk
    if risk is None:
        raise Gone("the Monte Carlo (risk.csv, risk.toml) is no longer in the data")
    if slot.kind == "weight":
        if slot.key not in risk.weights:
            raise Gone(f"scenario {slot.key!r} no longer exists in assumptions.csv")
        return Resolved(slot, name, "pct", risk.weights[slot.key], bound=WEIGHT, bound_unit="pct")
    if not slot.field:
        if slot.key not in SETTINGS:
            raise Gone(f"Monte Carlo setting {slot.key!r} no longer exists")
        pct = slot.key not in RISK_WHOLE   # a weight or a percentile; the others are counts
        return Resolved(slot, name, "pct" if pct else "amount", getattr(risk, slot.key), bound=SETTINGS[slot.key],
                        bound_unit="pct" if pct else "amount")
    rng = next((r for r in risk.ranges if r.driver == slot.key), None)
    if rng is None:
        raise Gone(f"the range of {slot.key} is no longer in risk.csv")
    if slot.field == "factor":
        return Resolved(slot, name, "amount", rng.factor, bound=LOADING)
    return Resolved(slot, name, "pct", getattr(rng, slot.field), bound=SHIFT, bound_unit="pct")


def problem(r: Resolved, value) -> str | None:
    """Why `value` cannot go into the resolved slot (the data files' own rules), or None when it can."""
    if r.slot.kind == "scenario":
        return None if value in r.choices else f"{value!r} is not a scenario in assumptions.csv"
    if r.decides and r.split_if[value is not None] != r.split:
        return r.decides
    if value is None and (r.slot.kind in ("actual", "valuation") or (r.slot.kind, r.slot.field) == ("balance", "value")):
        return r.blank
    if value is None or value == "":
        return "a number is required here, the cell is blank"
    if not (isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)):
        return f"{value!r} is not a number"
    if abs(value) > LARGEST or 0 < abs(value) < SMALLEST:  # as the loader refuses it in a data file
        return f"{value:g} is not a plausible figure: expected 0 or a size between {SMALLEST:g} and {LARGEST:g}"
    if r.bound is None or r.bound.allows(value):
        return None  # a reference figure or a claim's reported figure: any number
    return f"{show(value, r.bound_unit)} is not allowed here: expected {bound_text(r.bound, r.bound_unit)}"


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
            period = parse_column(slot.period)
            out.assumptions[(slot.scenario, slot.key)][out.forecast_periods.index(period)] = value
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
        elif slot.kind == "unit":
            out.units.settings[slot.key] = value
        elif slot.kind == "event":
            setattr(_event(out, slot), slot.field, int(value) if slot.field in ("year", "counted", "maturity_year")
                    else value)
        elif slot.kind == "claim":
            setattr(_claim(out, slot), "reported" if slot.field == "value" else "tolerance", value)
        elif slot.kind == "risk" and slot.field:
            setattr(out.risk.range(slot.key), slot.field, value)
        elif slot.kind == "risk":
            setattr(out.risk, slot.key, int(value) if slot.key in RISK_WHOLE else value)
        elif slot.kind == "weight":
            out.risk.weights[slot.key] = value
        elif slot.kind == "valuation":
            out.valuation[(slot.key, slot.scenario)].value = value
        elif slot.kind == "balance":
            fig = out.balance.setdefault(slot.key, BalanceFigure(None, out.funding["opening_cash"].period,
                                                                 note="entered in the workbook"))
            setattr(fig, slot.field, value)
        elif slot.kind == "benchmark":
            setattr(_benchmark(out, slot), slot.field, value)
        elif slot.kind == "market":
            setattr(_estimate(out.market, slot.key), slot.field, value)
        elif slot.kind == "arr":
            out.arr.figures[(slot.key, slot.scenario)].value = value
        elif slot.kind == "peer":
            _set_peer(_peer(out, slot.field), slot, value)
        elif slot.kind == "scenario":
            scenario = value
    return out, scenario


def _set_peer(peer, slot: Slot, value):
    """A peer input's value into the (copied) data: see _peer_value."""
    pd, key = peer.data, slot.key
    kind, _, rest = key.partition(":")
    if key in ("fx_rate", "scale"):
        setattr(peer, key, value)
    elif kind == "funding":
        pd.funding[rest].value = value
    elif kind == "event":
        eid, fld = rest.split(":")
        setattr(_event(pd, Slot("event", eid)), fld, value)
    elif kind == "market":
        eid, fld = rest.split(":")
        setattr(_estimate(pd.market, eid), fld, value)
    elif kind == "balance":
        pd.balance[rest].value = value
    else:   # figure:<item>:<period>
        item_key, code = rest.split(":")
        pd.actuals.setdefault(item_key, {}).setdefault(parse_period(code), Figure(None, "", "entered in the workbook")).value = value


def input_slots(inputs) -> dict:
    """Every input cell of the Inputs tab (an `InputsTab`) -> its slot."""
    slots = {cell: Slot("actual", item, period=p.code) for (item, p), cell in inputs.hist.items()}
    slots.update({cell: Slot("assumption", drv, sc, p.code) for (sc, drv, p), cell in inputs.asm.items()})
    slots.update({cell: Slot("tolerance", key) for key, cell in inputs.tol.items()})
    for ref, value, tol in inputs.refs:
        for cell, fld in ((value, "value"), (tol, "tolerance")):
            slots[cell] = Slot("reference", ref.metric, period=ref.period.code, field=fld)
    slots.update({cell: Slot("funding", key) for key, cell in inputs.funding.items()})
    slots.update({cell: Slot("step", key) for key, cell in inputs.steps.items()})
    slots.update({cell: Slot("unit", key) for key, cell in inputs.units.items()})
    slots.update({cell: Slot("event", eid, field=f) for eid, cells in inputs.events.items() if eid != "equity_raise"
                  for f, cell in cells.items()})
    slots.update({cell: Slot("balance", key, field=f) for key, cells in inputs.balance.items() for f, cell in cells.items()})
    slots.update({cell: Slot("valuation", key, sc, field="value") for (key, sc), cell in inputs.valuation.items()})
    for cid, (value, tol) in inputs.claims.items():
        slots[value], slots[tol] = Slot("claim", cid, field="value"), Slot("claim", cid, field="tolerance")
    for (key, fld), cell in inputs.risk.items():   # the Monte Carlo's inputs (tabs/risk_inputs.py)
        slots[cell] = Slot("weight", key) if fld == "weight" else Slot("risk", key, field=fld)
    for bid, cells in inputs.benchmarks.items():
        for cell, fld in zip(cells, ("low", "high")):
            slots[cell] = Slot("benchmark", bid, field=fld)
    slots.update(getattr(inputs, "market_slots", {}))
    slots.update(getattr(inputs, "arr_slots", {}))
    slots.update(getattr(inputs, "peer_slots", {}))
    slots[inputs.selector] = Slot("scenario")
    return slots


def note_edits(inputs, defaults: Dataset):
    """Comment every input cell whose value differs from the data files, so the user sees it."""
    for cell, slot in input_slots(inputs).items():
        r = resolve(defaults, slot)
        if r.gone:
            raise Gone(r.gone)
        value = r.value
        if slot.kind != "scenario" and not same(cell.content, value):
            t = inputs.book.t
            shown = t("inputs.blank") if value in (None, "") else show(value, r.unit)
            note = t("inputs.carried_over", value=shown)
            cell.comment = f"{cell.comment}\n{note}" if cell.comment else note
