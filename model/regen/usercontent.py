"""Read what a user added to one of our tabs: a comment on a cell, a value or a formula typed into a
cell the tool leaves empty, each with the key of where it stands (cellkeys.py: its line and period), so
that a rebuild puts it on the same line and period; and what cannot be carried at all (a formula of the
model typed over with a value). Part of the read step: plain data for the carry."""
from __future__ import annotations

from dataclasses import dataclass

from ..workbook.cellkeys import TabMap


@dataclass
class Added:
    """Something the user put on one of our tabs."""
    kind: str            # comment | value | formula
    sheet: str           # the tab, by its name in the user's workbook
    address: str         # Sheet!A1 where the user's workbook has it
    content: object      # the comment's text, the typed value, or the formula ("=...")
    key: tuple | None    # (row key, column key) of where it stands; None: a row the tool did not write
    cached: object = None  # a formula's cached value
    formula: object = None  # a formula's usersheets.Formula: what of the model it reads


def user_comment(text: str, ours: str | None) -> str:
    """The part of a cell's comment the user wrote: all of it, or what follows the tool's own comment."""
    if ours and text == ours:
        return ""
    if ours and text.startswith(ours + "\n"):
        return text[len(ours) + 1:]
    return text


def tab_content(ws, meta, claimed) -> tuple[TabMap, list[Added], list[str]]:
    """One of our tabs in the user's file: its key map, what the user added to it, and what cannot be
    carried (a formula typed over). `claimed`: (sheet, row, col) of the input cells, read by name."""
    tab = TabMap(ws, meta.layouts[ws.title], meta.keys.get(ws.title), [r - 1 for r, _ in ws.notes])
    ours = meta.notes.get(ws.title, {})
    added, lost = [], []
    older = not meta.keys   # a record from before rows had keys: comments cannot be told from ours, nor placed
    for (row, col), text in sorted(ws.notes.items()) if not older else ():
        r, c = row - 1, col - 1
        rec = tab.rows.get(r)
        mine = user_comment(text, ours.get((rec, c)) if rec is not None else None)
        if mine.strip():
            added.append(Added("comment", ws.title, f"{ws.title}!{ws.cell(row, col).coordinate}", mine, tab.key(r, c)))
    for cell in ws.iter_cells():
        r, c = cell.row - 1, cell.column - 1
        if not cell.filled or (ws.title, r, c) in claimed:
            continue
        rec, where = tab.layout(r), f"{ws.title}!{cell.coordinate}"
        if rec and c in rec[1]:
            if not cell.is_formula:
                lost.append(f"{where}: formula replaced by {cell.value!r}")
        elif older and not (rec and c in rec[2]):
            lost.append(f"{where}: {str(cell.formula or cell.value)[:40]!r} (added)")
        elif not (rec and c in rec[2]):
            kind, content = ("formula", cell.formula) if cell.is_formula else ("value", cell.value)
            added.append(Added(kind, ws.title, where, content, tab.key(r, c), cell.value if cell.is_formula else None))
    return tab, added, lost
