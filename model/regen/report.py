"""The last step of a rebuild: report it, in the console (what was kept, dropped, to decide, carried)
and on the Review tab of the new workbook (the conflicts to decide, what was carried over and what has
no place any more), from the plan and the carry's results."""
from __future__ import annotations

from ..workbook.slots import input_slots, show
from ..workbook.tabs.review import Carried, Conflict
from .plan import Plan
from .userbook import InputCell

KINDS = {"comment": "comment", "value": "value", "formula": "formula"}


def describe(cell: InputCell) -> str:
    """Defined name, label, period and scenario of an input: how every report names it."""
    return "  ".join(p for p in (cell.name, cell.label, cell.period_label, cell.slot.scenario) if p)


def title(cell: InputCell) -> str:
    """An input as the Review tab names it: R&D expense, FY2024A (Act_rnd)."""
    text = ", ".join(p for p in (cell.label, cell.period_label, cell.slot.scenario) if p)
    return f"{text} ({cell.name})" if cell.name else text


def title_in(book, cell: InputCell, where) -> str:
    """An input as the Review tab names it in the book's edition: the labels the Inputs tab gives its row
    (under its driver's heading for a scenario row), its period and its defined name."""
    if where is None or book.t.lang == "en":
        return title(cell)
    sheet, row = where.sheet, where.row
    label = sheet.cell_at(row, 0)
    parts = [str(label.content)] if label is not None and isinstance(label.content, str) else []
    if label is not None and label.role.startswith("detail_label") and cell.slot.kind == "assumption":
        head = next((sheet.cell_at(r, 0) for r in range(row - 1, -1, -1)
                     if sheet.cell_at(r, 0) is not None and sheet.cell_at(r, 0).role == "subsection"), None)
        parts = ([str(head.content)] if head is not None else []) + parts
    text = " — ".join(parts) or cell.label
    return ", ".join(p for p in (text, cell.period_label) if p) + (f" ({cell.name})" if cell.name else "")


def unit(cell: InputCell) -> str:
    return "text" if cell.slot.kind == "scenario" else ("pct" if cell.pct else "amount")


def value_text(cell: InputCell, value) -> str:
    return show(value, unit(cell))


def report(p: Plan, book_name: str, placed=(), carried=None) -> list[str]:
    """What the rebuild kept, dropped, left to decide and carried over, and why."""
    lines = []
    counts = {s: sum(o.status == s for o in p.outcomes) for s in ("kept", "dropped", "data", "agreed")}
    if p.outcomes:
        lines.append(f"Edits in {book_name}: {counts['kept']} kept, {counts['dropped']} dropped"
                     + (f", {counts['data']} to decide on the Review tab" if counts["data"] else "")
                     + (f", {counts['agreed']} now in the data files" if counts["agreed"] else ""))
    for o in p.outcomes:
        c, v = o.cell, value_text(o.cell, o.cell.value)
        if o.status == "kept":
            lines.append(f"  kept     {describe(c)}: {v} (data {value_text(c, o.now)})"
                         + (f"; {o.reason}" if o.reason else ""))
        elif o.status == "dropped":
            lines.append(f"  dropped  {describe(c)}: {v}; {o.reason}")
        elif o.status == "data":
            lines.append(f"  decide   {describe(c)}: {v}; " + (o.reason or (
                f"the data files changed it from {value_text(c, c.built)} to {value_text(c, o.now)} since the "
                "workbook was built")) + ": the data file's value stands until you choose on the Review tab")
        else:
            lines.append(f"  in data  {describe(c)}: {v}; the data files now hold the same value")
    moved = [x for x in placed if x.now]
    sheets = carried.carried if carried else []
    if moved or sheets:
        kinds = {}
        for x in moved:
            kinds[x.item.kind] = kinds.get(x.item.kind, 0) + 1
        counts = [f"{n} {k}{'s' if n > 1 else ''}" for k, n in kinds.items()]
        counts += [f"{len(sheets)} sheet{'s' if len(sheets) > 1 else ''} of yours ({', '.join(map(repr, sheets))})"] \
            if sheets else []
        lines.append(f"Carried over from {book_name}: " + ", ".join(counts))
        lines += [f"  {x.item.kind:<8} {x.item.address} -> {x.now}" for x in moved]
        lines += [f"  renamed  sheet {old!r} -> {new!r} (the model now has a tab of that name)"
                  for old, new in (carried.renamed.items() if carried else ())]
    for x in carried.lost if carried else ():
        lines.append(f"  {'kept as value' if x.kind == 'reference' else 'not recalculated' if x.kind == 'formula' else 'not carried'}"
                     f"  {x.where}: {x.content}; {x.why}")
    for note in p.notes:
        lines.append(f"note: {note}")
    return lines


def review_content(book, p: Plan, placed, lost, kept_copy: str) -> tuple[list[Conflict], list[Carried]]:
    """The Review tab's rows: each conflict to decide, and what was carried over or has no place."""
    t = book.t
    cells = {slot: cell for cell, slot in input_slots(book.tabs["inputs"]).items()}
    conflicts = [Conflict(o.cell.slot.token(), title_in(book, o.cell, cells.get(o.cell.slot)), cells.get(o.cell.slot), o.cell.built, o.now,
                          o.cell.value, o.reason and t("review.undecided") or t(
                              "review.changed", old=value_text(o.cell, o.cell.built), new=value_text(o.cell, o.now)),
                          unit(o.cell))
                 for o in p.conflicts()]
    kept = t("review.kept", copy=kept_copy) if kept_copy else ""
    # what has no place any more (what was carried is in the console report: the tab lists what needs a look)
    def note(why, copy=True):
        return t("review.why_and_copy", why=why.text(t), kept=kept).strip() if copy and kept else why.text(t)
    carried = [Carried(x.item.kind, x.item.address, "", str(x.item.content)[:300], note(x.why))
               for x in placed if not x.now]
    carried += [Carried("part", text.partition(": ")[0] if ": " in text else "", "", text, kept) for text in p.extras]
    carried += [Carried(x.kind, x.where, x.where if x.kind in ("reference", "formula") else "", x.content,
                        note(x.why, x.kind != "formula")) for x in lost]
    return conflicts, carried
