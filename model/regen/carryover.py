"""Carry the user's edits from an existing workbook into a rebuild from (possibly updated) data.

An input counts as edited when its value differs from what the data files gave it when the
workbook was built (the build record). Each edit is then
  kept     the data files still give the old value: the user's value goes into the rebuild;
  dropped  it cannot go in: its period became actual, its scenario is gone, the value breaks a
           data rule;
  data     the data files changed the same value since the build: the data file wins;
  agreed   the data files now hold the user's value anyway.
Without a build record every input that differs from the data files counts as kept.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from . import backup
from ..workbook import writer
from ..workbook.build import build_book
from ..data.dataset import Dataset
from ..workbook.slots import problem, resolve, show, with_values
from .userbook import MISSING, InputCell, UserBook, WorkbookError, read_user_book
from ..calc.values import same


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


def plan_edits(book: UserBook, data: Dataset) -> Plan:
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
    return out


def describe(cell: InputCell) -> str:
    """Defined name, label, period and scenario of an input: how every report names it."""
    return "  ".join(p for p in (cell.name, cell.label, cell.period_label, cell.slot.scenario) if p)


def value_text(cell: InputCell, value) -> str:
    return show(value, "text" if cell.slot.kind == "scenario" else ("pct" if cell.pct else "amount"))


def report(p: Plan, book_name: str) -> list[str]:
    """What the rebuild kept and dropped, and why; user content it cannot carry over."""
    lines = []
    counts = {s: sum(o.status == s for o in p.outcomes) for s in ("kept", "dropped", "data", "agreed")}
    if p.outcomes:
        lines.append(f"Edits in {book_name}: {counts['kept']} kept, {counts['dropped'] + counts['data']} dropped"
                     + (f", {counts['agreed']} now in the data files" if counts["agreed"] else ""))
    for o in p.outcomes:
        c, v = o.cell, value_text(o.cell, o.cell.value)
        if o.status == "kept":
            lines.append(f"  kept     {describe(c)}: {v} (data {value_text(c, o.now)})"
                         + (f"; {o.reason}" if o.reason else ""))
        elif o.status == "dropped":
            lines.append(f"  dropped  {describe(c)}: {v}; {o.reason}")
        elif o.status == "data":
            lines.append(f"  dropped  {describe(c)}: {v}; the data files changed it from {value_text(c, c.built)} to "
                         f"{value_text(c, o.now)} since the workbook was built: the data file wins")
        else:
            lines.append(f"  in data  {describe(c)}: {v}; the data files now hold the same value")
    for note in p.notes:
        lines.append(f"note: {note}")
    return lines


class InUse(Exception):
    """The workbook is open in Excel or LibreOffice (a lock file sits beside it)."""


@dataclass
class Rebuild:
    book: object
    plan: Plan | None          # None: no previous workbook, or --reset
    backup: Path | None        # the previous workbook's backup (a kept copy when `kept`)
    notes: list[str]
    kept: bool = False         # the backup holds what the new workbook does not: no rotation removes it


def loses(p: Plan | None, reset: bool) -> bool:
    """Whether the new workbook leaves out something the user made: content a build cannot carry, an
    edit dropped (or, with --reset, any edit). No plan (an unreadable workbook): assume it does."""
    if p is None:
        return True
    lost = ("kept", "dropped", "data") if reset else ("dropped", "data")
    return bool(p.extras) or any(o.status in lost for o in p.outcomes)


def regenerate(data: Dataset, out, scenario: str | None = None, lang="en", protect=True, reset=False,
               force=False) -> Rebuild:
    """Build `data` into `out` (edition `lang`, tabs protected unless not `protect`), carrying over the
    edits of the workbook already there (unless `reset`), after backing it up: to a kept copy, which no
    rotation removes, when the new workbook leaves out something the user made. Raises InUse when it is
    open (unless `force`), backup.ReadOnly when it is marked read-only, and userbook.WorkbookError when
    it cannot be read; `out` is untouched then, and on any failure."""
    out = Path(out)
    existing = out.exists()
    locks = backup.lock_files(out) if existing and not force else []
    if locks:
        raise InUse(f"{out.name} is open in Excel or LibreOffice (lock file {', '.join(p.name for p in locks)}); "
                    "close it and build again, or use --force to overwrite it anyway")
    backup.refuse_read_only(out, "to rebuild it, or choose another --out")
    edits, effective, selected, notes = None, data, None, list(data.notes)
    if existing and not reset:
        edits = plan_edits(read_user_book(out, data), data)
        effective, selected = edits.apply(data)
        if scenario and selected and selected != scenario:
            notes.append(f"--scenario {scenario} replaces the selection {selected!r} made in the workbook")
    lost = False
    if existing:
        try:
            lost = loses(edits or plan_edits(read_user_book(out, data), data), reset)
        except WorkbookError:
            lost = True
    book = build_book(effective, scenario or selected, lang, defaults=data)
    saved = backup.backup(out, kept=lost) if existing else None
    if reset and existing:
        notes.append(f"--reset: the edits in the previous {out.name} were discarded (they stay in "
                     f"{'the kept copy' if lost else 'the backup'})")
    backup.replace_atomically(out, lambda tmp: writer.write_book(book, tmp, protect))
    return Rebuild(book, edits, saved, notes, lost)
