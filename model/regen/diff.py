"""Compare two model workbooks: the inputs that changed, and the headline outputs and income
statement lines that moved, per scenario. Reads the values cached in the files (no recalculation):
the Scenarios tab holds every scenario's lines and summary at once. Each workbook is read in its own
edition's words (tab names and labels, model/labels), as its build record gives it."""
from __future__ import annotations

import re

from ..labels import table
from ..calc.values import same
from ..workbook.readback import WorkbookError
from ..workbook.slots import Slot
from .userbook import INPUT_NAME, MAX_BLOCK_CELLS, InputCell, period_at, period_headers, read_user_book
from .report import describe, value_text


def _text(ws, r, c=1):
    v = ws.cell(r + 1, c).value
    return v.strip() if isinstance(v, str) else v


def _show(value, fmt: str) -> str:
    if isinstance(value, str) or value is None:
        return "blank" if value in (None, "") else value
    if "FY" in fmt:
        return f"FY{int(value)}"
    if "%" in fmt:
        return f"{value * 100:.1f}%"
    return f"{value:,.2f}"


def _change(old, new, fmt) -> str:
    text = f"{_show(old, fmt)} → {_show(new, fmt)}"
    nums = all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in (old, new))
    if nums and old and "%" not in fmt and "FY" not in fmt:
        text += f" ({(new - old) / abs(old):+.1%})"
    return text


SELECTED = "Income Statement"  # scenario_lines' key for the selected scenario's Income Statement lines


def summary(ws, t) -> dict:
    """Scenarios tab summary: scenario -> {heading: (value, number format)}. `t`: the edition's texts."""
    start = next((r for r in range(ws.max_row) if _text(ws, r) == t["scenarios.summary"]), None)
    if start is None:
        return {}
    heading = lambda r: {c: _text(ws, r, c + 1) for c in range(2, ws.max_column) if _text(ws, r, c + 1)}  # noqa: E731
    head = start if heading(start) else start + 1  # the headings' row: the title's, or the one below
    out, r = {}, head + 1
    while _text(ws, r) not in (None, "", t["scenarios.selected"]):
        if _text(ws, r) != t["common.unit"]:
            out[_text(ws, r)] = {h: (ws.cell(r + 1, c + 1).value, ws.cell(r + 1, c + 1).number_format)
                                 for c, h in heading(head).items()}
        r += 1
    return out


def lines_below(ws, headers, first: int) -> dict:
    """Rows from `first` down to the next blank label: label -> {period code: (value, format, A/E)}."""
    out, r = {}, first
    while _text(ws, r) not in (None, ""):
        row = {}
        for c in range(2, ws.max_column):
            hp = period_at(headers, r, c)
            cell = ws.cell(r + 1, c + 1)
            if hp and (cell.value is not None or cell.is_formula):  # a formula saved without its value: None
                row[hp[0]] = (cell.value, cell.number_format, hp[1])
        out[_text(ws, r)] = row
        r += 1
    return out


def scenario_lines(wb, t) -> dict:
    """scenario -> its lines on the Scenarios tab; SELECTED -> the selected scenario's Income Statement."""
    out = {}
    if t["tabs.scenarios"] in wb.sheetnames:
        ws = wb[t["tabs.scenarios"]]
        headers = period_headers(ws)
        prefix = t["scenarios.block"].split("{scenario}")[0]  # "Scenario: base"
        for r in range(ws.max_row):
            text = _text(ws, r)
            if isinstance(text, str) and text.startswith(prefix):
                out[text[len(prefix):]] = lines_below(ws, headers, r + 1)
    if t["tabs.income"] in wb.sheetnames:
        ws = wb[t["tabs.income"]]
        start = next((r for r in range(ws.max_row) if _text(ws, r) == t["income.section"]), None)
        if start is not None:
            out[SELECTED] = lines_below(ws, period_headers(ws), start + 1)
    return out


def moved(old: dict, new: dict, actuals: dict | None = None) -> list[tuple[str, str]]:
    """(label, text) per line that moved: its periods with old → new. `actuals`: the new workbook's
    Income Statement lines, where an actual period the new tab no longer shows is still found (a
    scenario block shows only the latest interim; the earlier one is still an actual column there)."""
    out = []
    for label in list(new) + [k for k in old if k not in new]:
        a, b = old.get(label, {}), new.get(label, {})
        changes = []
        for code in list(b) + [k for k in a if k not in b]:
            va, vb = a.get(code), b.get(code)
            if va and not vb and va[2] == "A":   # an actual is the same in every scenario
                vb = (actuals or {}).get(label, {}).get(code)
            if va and vb and same(va[0], vb[0]):
                continue
            fmt = (vb or va)[1]
            period = code + (vb or va)[2]
            if va and vb and None in (va[0], vb[0]):
                changes.append(f"{period} not comparable: {'the old' if va[0] is None else 'the new'} workbook was "
                               "saved without calculated values (open it, recalculate and save it)")
            elif va and vb:
                changes.append(f"{period} {_change(va[0], vb[0], fmt)}")
            elif vb:
                changes.append(f"{period} new {_show(vb[0], fmt)}")
            else:
                changes.append(f"{period} gone (was {_show(va[0], fmt)})")
        if changes:
            out.append((label, f"  {label}: " + "; ".join(changes)))
    return out


def by_block(cells) -> list[list]:
    """Input cells grouped by their defined name, in order."""
    groups: dict = {}
    for c in cells:
        groups.setdefault(c.name, []).append(c)
    return list(groups.values())


def _column(letters: str) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ord(ch) - 64
    return n


def _offset(book, cell) -> tuple:
    """An input's place: its defined name and its (row, column) offset in the block."""
    (_, coord), = book.values.defined_names[cell.name]
    top = re.match(r"\$?([A-Z]+)\$?(\d+)", coord)
    at = re.match(r".*!\$?([A-Z]+)\$?(\d+)$", cell.address)
    return cell.name, int(at.group(2)) - int(top.group(2)), _column(at.group(1)) - _column(top.group(1))


def block_cells(book, names) -> dict:
    """Every cell of the input blocks `names` of a workbook read without its build record (whose inputs
    the names alone, without the data, do not all tell), by place; each described by its address."""
    out = {}
    for name in names:
        try:
            (sheet, coord), = book.values.defined_names[name]
            grid = book.values[sheet].grid(coord, MAX_BLOCK_CELLS)
        except (WorkbookError, ValueError, KeyError, TypeError):
            continue
        for r, row in enumerate(grid):
            for c, cell in enumerate(row):
                address = f"{sheet}!{cell.coordinate}"
                out[name, r, c] = InputCell(name, Slot("unit"), address, cell.value, label=address,
                                            pct="%" in (cell.number_format or ""))
    return out


def input_keys(old, new) -> tuple[dict, dict, list[str]]:
    """Each book's inputs by a key both share: the slot the build records give; where a book has no
    usable record, the defined name and the place in the block, its cells named as the other book's
    record names them."""
    if old.has_record and new.has_record:
        return {c.slot.token(): c for c in old.inputs}, {c.slot.token(): c for c in new.inputs}, []
    notes = [f"note: {w} workbook: " + (book.notes[0].split(";")[0] if book.notes else "no build record")
             + "; its inputs are matched by defined name and place in the block"
             for w, book in (("the old", old), ("the new", new)) if not book.has_record]
    recorded = [{_offset(b, c): c for c in b.inputs} if b.has_record else None for b in (old, new)]
    named = next((r for r in recorded if r is not None), {})
    names = {c.name for b in (old, new) for c in b.inputs} | {n for b in (old, new) for n in b.values.defined_names
                                                               if INPUT_NAME.match(n)}
    keyed = []
    for book, record in zip((old, new), recorded):
        if record is not None:
            keyed.append(record)
            continue
        cells = block_cells(book, sorted(names))
        for k, c in cells.items():
            if k in named:
                c.slot, c.label, c.pct, c.header = named[k].slot, named[k].label, named[k].pct, named[k].header
        keyed.append({k: c for k, c in cells.items() if k in named or c.value not in (None, "")})
    return keyed[0], keyed[1], notes


def compare(old_path, new_path) -> list[str]:
    old, new = read_user_book(old_path), read_user_book(new_path)
    a, b, lines = input_keys(old, new)
    changed = [t for t in b if t in a and not same(a[t].value, b[t].value)]
    added, removed = [t for t in b if t not in a], [t for t in a if t not in b]
    lines.append(f"Inputs: {len(changed)} changed, {len(added)} added, {len(removed)} removed")
    for t in changed:
        lines.append(f"  changed  {describe(b[t])}: {value_text(a[t], a[t].value)} → {value_text(b[t], b[t].value)}")
    for word, tokens, book in (("added  ", added, b), ("removed", removed, a)):
        for cells in by_block([book[t] for t in tokens]):
            first = cells[0]
            head = "  ".join(x for x in (first.name, first.label, first.slot.scenario) if x)
            values = ", ".join(f"{c.period_label} {value_text(c, c.value)}".strip() for c in cells)
            lines.append(f"  {word}  {head}: {values}")

    ta, tb = table(old.lang), table(new.lang)
    sa, sb = (summary(b.values[t["tabs.scenarios"]], t) if t["tabs.scenarios"] in b.values.sheetnames else {}
              for b, t in ((old, ta), (new, tb)))
    lines.append("Headline by scenario:")
    for sc in list(sb) + [s for s in sa if s not in sb]:
        if sc not in sa or sc not in sb:
            lines.append(f"  {sc}: only in {'the new' if sc in sb else 'the old'} workbook")
            continue
        unsaved = [w for w, book in (("the old", sa), ("the new", sb)) if all(v is None for v, _ in book[sc].values())]
        if unsaved:   # every headline is a formula: none has a value when the file was saved without them
            lines.append(f"  {sc}: not comparable: {' and '.join(unsaved)} workbook was saved without calculated "
                         "values (open it, recalculate and save it)")
            continue
        moves = [f"{h}: {_change(sa[sc][h][0], v, fmt)}" for h, (v, fmt) in sb[sc].items()
                 if h in sa[sc] and not same(sa[sc][h][0], v)]
        lines.append(f"  {sc}: " + ("; ".join(moves) if moves else "unchanged"))

    la, lb = scenario_lines(old.values, ta), scenario_lines(new.values, tb)
    for sc in [s for s in lb if s != SELECTED and s in la]:
        m = moved(la[sc], lb[sc], lb.get(SELECTED))
        lines.append(f"Scenario {sc}: {len(m)} lines moved" if m else f"Scenario {sc}: no line moved")
        lines += [text for _, text in m]
    sel = [next((c.value for c in book.inputs if c.slot.kind == "scenario"), None) for book in (old, new)]
    if SELECTED in la and SELECTED in lb:
        if sel[0] != sel[1]:
            lines.append(f"Income Statement: the selected scenario differs ({sel[0]} → {sel[1]}); compare the "
                         "scenarios above")
        else:
            shown = set(lb.get(sel[1], {}))
            m = [text for label, text in moved(la[SELECTED], lb[SELECTED]) if label not in shown]
            lines.append(f"Income Statement, other lines (selected scenario {sel[1]}): "
                         + (f"{len(m)} moved" if m else "none moved"))
            lines += m
    return lines
