"""Rebuild over a user's workbook in one pass: read it once into plain data (userbook.py), plan the
edits against the new data (plan.py), build, carry what the user made into the built book (carry.py),
back the old file up, report (report.py: the console and the Review tab) and write atomically
(backup.py). No step asks the user's workbook again after the read."""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from . import backup
from ..data.dataset import Dataset
from ..workbook import writer
from ..workbook.build import build_book
from ..workbook.splice import splice
from ..workbook.tabs.review import add_review_tab
from .carry import Carried, Placed, carry_sheets, place_added
from .plan import Plan, plan_edits
from .report import review_content
from .userbook import UserBook, WorkbookError, read_user_book


class InUse(Exception):
    """The workbook is open in Excel or LibreOffice (a lock file sits beside it)."""


@dataclass
class Rebuild:
    book: object
    plan: Plan | None          # None: no previous workbook, or --reset
    backup: Path | None        # the previous workbook's backup (a kept copy when `kept`)
    notes: list[str]
    kept: bool = False         # the backup holds what the new workbook does not: no rotation removes it
    placed: list[Placed] = field(default_factory=list)   # what the user added to our tabs, and where it went
    carried: Carried = field(default_factory=Carried)   # the user's own sheets, and what did not come with them


def loses(p: Plan | None, reset: bool) -> bool:
    """Whether the new workbook leaves out something the user made: content a build cannot carry, an
    edit dropped (or, with --reset, any edit or choice). No plan (an unreadable workbook): assume it does.
    A conflict is not lost: the Review tab holds the user's value until they choose."""
    if p is None:
        return True
    lost = ("kept", "dropped", "data") if reset else ("dropped",)
    return bool(p.extras) or any(o.status in lost for o in p.outcomes)


def regenerate(data: Dataset, out, scenario: str | None = None, lang="en", protect=True, reset=False,
               force=False) -> Rebuild:
    """Build `data` into `out` (edition `lang`, tabs protected unless not `protect`), carrying over what
    the user made in the workbook already there (unless `reset`), after backing it up: to a kept copy,
    which no rotation removes, when the new workbook leaves out something the user made. Raises InUse
    when it is open (unless `force`), backup.ReadOnly when it is marked read-only, and
    userbook.WorkbookError when it cannot be read; `out` is untouched then, and on any failure."""
    out = Path(out)
    existing = out.exists()
    locks = backup.lock_files(out) if existing and not force else []
    if locks:
        raise InUse(f"{out.name} is open in Excel or LibreOffice (lock file {', '.join(p.name for p in locks)}); "
                    "close it and build again, or use --force to overwrite it anyway")
    backup.refuse_read_only(out, "to rebuild it, or choose another --out")
    user: UserBook | None = None
    if existing:
        try:
            user = read_user_book(out, data)                           # 1. read, once
        except WorkbookError:
            if not reset:
                raise
    plan = plan_edits(user, data) if user else None                    # 2. plan
    effective, selected, notes = data, None, list(data.notes)
    if plan and not reset:
        effective, selected = plan.apply(data)
        if scenario and selected and selected != scenario:
            notes.append(f"--scenario {scenario} replaces the selection {selected!r} made in the workbook")
    book = build_book(effective, scenario or selected, lang, defaults=data)    # 3. build
    placed = place_added(book, user.added) if user and not reset else []      # 4. carry
    carried = carry_sheets(book, user, data, placed) if user and not reset else Carried()
    unplaced = [x for x in placed if not x.now]
    lost = existing and (user is None or loses(plan, reset) or bool(unplaced) or (reset and bool(user.added))
                         or any(x.kind != "formula" for x in carried.lost))
    saved = backup.backup(out, kept=lost) if existing else None
    if reset and existing:
        notes.append(f"--reset: the edits in the previous {out.name} were discarded (they stay in "
                     f"{'the kept copy' if lost else 'the backup'})")
    if plan and not reset:                                             # 5. report: the Review tab
        add_review_tab(book, *review_content(book, plan, placed, carried.lost, saved.name if lost else ""))
        plan.extras += [f"{x.item.address}: {str(x.item.content)[:40]!r} not carried: {x.why}" for x in unplaced]
        plan.extras += [f"{x.where}: {x.content[:60] + ' ' if x.content else ''}not carried: {x.why}"
                        for x in carried.lost if x.kind != "formula"]
    carried.place(book)

    def write(tmp):
        writer.write_book(book, tmp, protect)
        if carried.sheets or carried.names:
            splice(tmp, carried.sheets, carried.styles, carried.strings, carried.names)
    backup.replace_atomically(out, write)
    return Rebuild(book, plan if not reset else None, saved, notes, lost, placed, carried)
