"""Review: what a rebuild over the user's workbook asks the user to decide, and what it carried over.

Its first section lists each conflict (an input the user edited that the data files changed too):
the input, a link to its cell, the data value when the user edited it, the data value now, the user's
value, why, and a choice cell the next build reads (keep mine / keep data; blank: asked again). Its
second lists what was carried from the previous workbook (comments, values, sheets, formulas reading
the model): where each was and where it is now, or why it has no place and where the kept copy is.
The tab exists only when there is something to list; it is added after the build (regen/carry.py
knows what to list only once the tabs stand) and records itself in _meta (record.add_records).
"""
from __future__ import annotations

from dataclasses import dataclass

from ...calc.formula import IF, Name, Rng, Text, a1, quote_sheet
from ..record import add_records, sheet_records
from . import LINE_HEIGHT, STATUS_ROW, fit_rows, title_rows

REVIEW_CHOICES = "ReviewChoices"   # the defined name over the choice cells
CONFLICT_COLUMNS = [("input", 46), ("cell", 14), ("old", 14), ("new", 14), ("mine", 14), ("why", 64), ("choice", 14)]
CARRIED_COLUMNS = [("what", 24), ("was", 22), ("now", 22), ("content", 50), ("note", 60)]
FORMATS = {"pct": "pct", "amount": "amount3", "text": "text"}  # an input no longer in the workbook


@dataclass
class Conflict:
    slot: str            # the input's slot token (the record keeps it for the next build)
    label: str           # how reports name the input: defined name, label, period, scenario
    cell: object         # the input's cell in this book (None: the data no longer have it)
    old: object          # the data value when the user edited it
    new: object          # the data value now, in the workbook
    mine: object         # the user's value
    why: str
    unit: str = "amount"  # pct | amount | text


@dataclass
class Carried:
    kind: str            # comment | value | formula | sheet | reference | part
    was: str             # where it was in the previous workbook (Sheet!A1)
    now: str             # where it is now ("": not carried)
    content: str
    note: str = ""


def _heads(sh, row, columns):
    t = sh.book.t
    for i, (key, width) in enumerate(columns):
        sh.put(row, i, t(f"review.{key}"), "head_wrap")
        sh.widths[i] = max(sh.widths.get(i, 0), width)
    sh.heights[row] = 2 * LINE_HEIGHT


def add_review_tab(book, conflicts: list[Conflict], carried: list[Carried]):
    """The Review tab, placed after the Cover, with its record; nothing when there is nothing to list."""
    if not conflicts and not carried:
        return None
    t = book.t
    sh = book.add_sheet("review", "input")
    book.sheets.insert(1, book.sheets.pop())
    title_rows(sh, sh.name, t("review.subtitle"))
    master = book.names["MasterCheck"]
    sh.put(STATUS_ROW, 0, IF(Name("MasterCheck", master).eq(0), Text(t("common.status_ok")),
                             Text(t("common.status_fail", checks=t("tabs.checks")))), "status")
    row, choices = STATUS_ROW + 2, []
    if conflicts:
        sh.put(row, 0, t("review.conflicts"), "section")
        _heads(sh, row + 1, CONFLICT_COLUMNS)
        row += 2
        for c in conflicts:
            fmt = c.cell.fmt if c.cell is not None else FORMATS[c.unit]   # as the input shows it
            sh.put(row, 0, c.label, "label_wrap")
            if c.cell is not None:
                target = f"{quote_sheet(c.cell.sheet.name)}!{a1(c.cell.row, c.cell.col)}"
                sh.links.append((sh.put(row, 1, target, "link"), target, target))
            for col, value in ((2, c.old), (3, c.new), (4, c.mine)):
                sh.put(row, col, value, "calc", fmt if isinstance(value, (int, float)) else "text")
            sh.put(row, 5, c.why, "text_wrap")
            choices.append(sh.put_input(row, 6, None, "text", {
                "validate": "list", "source": [t("review.keep_mine"), t("review.keep_data")],
                "input_title": t("review.choice_title"), "input_message": t("review.choice_message"),
                "error_title": t("bounds.error_title"), "error_message": t("review.choice_error")}))
            fit_rows(sh, [(row, c.label, 46), (row, c.why, 64)])
            row += 1
        sh.put(row, 0, t("review.choice_note"), "note")
        book.define(REVIEW_CHOICES, Rng(choices[0], choices[-1]))
        row += 2
    if carried:
        sh.put(row, 0, t("review.carried"), "section")
        _heads(sh, row + 1, CARRIED_COLUMNS)
        row += 2
        for item in carried:
            texts = [t(f"review.kind_{item.kind}"), item.was, item.now or t("review.nowhere"), item.content, item.note]
            for col, text in enumerate(texts):
                sh.put(row, col, text, "text_wrap")
            fit_rows(sh, [(row, text, width) for text, (_, width) in zip(texts, CARRIED_COLUMNS)])
            row += 1
    sh.freeze = (STATUS_ROW + 1, 0)   # rows only: a section heading runs on across the columns
    add_records(book, sheet_records(sh) + [("names", "", [REVIEW_CHOICES] if choices else []),
                                           ("review", "", [[c.slot, c.mine, c.old, c.new] for c in conflicts])])
    for cell in sh.cells.values():   # the tab comes after the build evaluated the book
        cell.result()
    return sh
