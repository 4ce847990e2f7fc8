"""The second step of a rebuild: plan the user's edits against the new data (from the read step's
plain description, never the workbook itself).

An input counts as edited when its value differs from what the data files gave it when the
workbook was built (the build record). Each edit is then
  kept     the data files still give the old value: the user's value goes into the rebuild;
  dropped  it cannot go in: its period became actual, its scenario is gone, the value breaks a data
           rule;
  data     the data files changed the same value since the build: a conflict, which the Review tab
           lists for the user to decide (the data files' value stands meanwhile);
  agreed   the data files now hold the user's value anyway.
A conflict decided on the Review tab: "keep mine" puts the user's value back (kept), "keep data"
settles it; undecided, it is listed again. Without a build record every input that differs from the
data files counts as kept.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from ..calc.values import same
from ..data.dataset import Dataset
from ..workbook.slots import label, problem, resolve, with_values
from .userbook import MISSING, InputCell, UserBook


@dataclass
class Outcome:
    cell: InputCell
    status: str          # kept | dropped | data | agreed
    reason: str = ""
    now: object = None   # the data files' value today


@dataclass
class Plan:
    outcomes: list[Outcome] = field(default_factory=list)
    extras: list[str] = field(default_factory=list)   # user content a rebuild cannot carry
    notes: list[str] = field(default_factory=list)

    def kept(self) -> dict:
        return {o.cell.slot: o.cell.value for o in self.outcomes if o.status == "kept"}

    def apply(self, data: Dataset) -> tuple[Dataset, str | None]:
        """The data with the kept edits, and the scenario the user selected (None: not changed)."""
        return with_values(data, self.kept())

    def conflicts(self) -> list[Outcome]:
        return [o for o in self.outcomes if o.status == "data"]


def plan_edits(book: UserBook, data: Dataset) -> Plan:
    with data.unchanged():   # every input resolved against the data files' periods, worked out once
        return _plan(book, data)


def _plan(book: UserBook, data: Dataset) -> Plan:
    out = Plan(extras=list(book.extras), notes=list(book.notes))
    for cell in book.inputs:
        r = resolve(data, cell.slot)
        now, gone = r.value, r.gone
        built = cell.built
        if built is MISSING:
            if gone:
                continue  # no record and no longer in the data: nothing to compare with
            built = now
        if same(cell.value, built):
            continue
        if gone:
            out.outcomes.append(Outcome(cell, "dropped", gone))
        elif not same(now, built):
            status = "agreed" if same(now, cell.value) else "data"
            out.outcomes.append(Outcome(cell, status, now=now))
        elif why := problem(r, cell.value):
            out.outcomes.append(Outcome(cell, "dropped", why, now))
        else:
            note = "typed as a formula; carried over as its value" if cell.formula else ""
            out.outcomes.append(Outcome(cell, "kept", note, now))
    out.outcomes += _choices(book, data, {o.cell.slot for o in out.outcomes})
    return out


UNDECIDED = "still to decide on the Review tab; the data files' value stands meanwhile"


def _choices(book: UserBook, data: Dataset, edited: set) -> list[Outcome]:
    """What the choices on the Review tab make of the conflicts it listed; an input edited again since
    goes by that edit."""
    cells = {c.slot: c for c in book.inputs}
    out = []
    for ch in book.choices:
        if ch.slot in edited or ch.choice == "data":
            continue
        r = resolve(data, ch.slot)
        if r.gone:
            if ch.choice == "mine":
                out.append(Outcome(_cell(cells, ch, data), "dropped", r.gone))
            continue
        cell = _cell(cells, ch, data)
        if not same(r.value, ch.new):   # the data files changed it again since: decide anew
            out.append(Outcome(cell, "data", now=r.value))
        elif ch.choice != "mine":
            out.append(Outcome(cell, "data", UNDECIDED, now=r.value))
        elif why := problem(r, ch.mine):
            out.append(Outcome(cell, "dropped", why, r.value))
        else:
            out.append(Outcome(cell, "kept", "your choice on the Review tab", r.value))
    return out


def _cell(cells: dict, ch, data) -> InputCell:
    """The conflict's input as the workbook has it, holding the user's value against the data then."""
    found = cells.get(ch.slot)
    base = found or InputCell("", ch.slot, "", None, label=label(ch.slot, data))
    return InputCell(base.name, ch.slot, base.address, ch.mine, ch.old, base.label, base.pct, False)
