"""The fourth step of a rebuild: carry what the user made into the built book, from the read step's
plain description. A comment or a value the user put on one of our tabs goes to the same line item
and period (cellkeys.py), whatever column or row that now is; what has no place any more is returned
with the reason, for the Review tab and the build report."""
from __future__ import annotations

from dataclasses import dataclass

from ..calc.formula import a1
from ..workbook.cellkeys import Positions
from .usercontent import Added

NO_ROW = "its row is not one the model writes (a row you inserted?)"
NO_PLACE = "its line or period is no longer on the tab"
TAKEN = "the model now fills that cell"
FORMULA = "a formula typed on a tab of the model is not carried over"


@dataclass
class Placed:
    item: Added
    now: str = ""    # Sheet!A1 in the new workbook; "" when it has no place
    why: str = ""    # why it has no place


def place_added(book, items: list[Added]) -> list[Placed]:
    """Put each comment and value the user added to our tabs on its line and period in `book`."""
    positions = Positions(book)
    out = []
    for item in items:
        where = positions.find(item.sheet, *item.key) if item.key else None
        why = FORMULA if item.kind == "formula" else NO_ROW if item.key is None else NO_PLACE if where is None else ""
        if why:
            out.append(Placed(item, "", why))
            continue
        sheet = book.sheet(item.sheet)
        cell = sheet.cell_at(*where)
        if item.kind == "comment":
            cell = cell or sheet.put(*where, None, "label")
            cell.comment = f"{cell.comment}\n{item.content}" if cell.comment else item.content
        elif cell is not None and (cell.is_formula or cell.content not in (None, "")):
            out.append(Placed(item, "", TAKEN))
            continue
        else:
            sheet.put(*where, item.content, "user")
        out.append(Placed(item, f"{sheet.name}!{a1(*where)}"))
    return out
