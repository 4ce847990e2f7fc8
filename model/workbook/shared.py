"""Shared formulas: a table column whose rows hold one formula (calc/vector.Computed) is written as Excel
writes a filled-down formula, the text once in its first cell (the master, with the column's range) and a
reference to it in every other (`<f t="shared" si="..."/>`). Every reader moves the master's relative
references by the follower's offset, which gives the follower's own text: the Trials tab's thousand rows
per column then carry one copy of each long formula instead of a thousand (issue 28: the file's largest
part, and most of its write and compression time)."""
from __future__ import annotations

from ..calc.excel import shift
from ..calc.formula import a1, check_length
from ..calc.vector import Computed, on_row


class SharedError(ValueError):
    """A table column whose rows are not its first row's formula moved down (a reference that should move
    with the row is fixed, or one that should stay is relative)."""


def shared_groups(sh) -> dict:
    """(row, col) -> (group index, the group's range "C12:C1011" on its master, None on a follower) for each
    run of two or more rows of a column holding the same table formula; the other cells are not in it."""
    runs: dict = {}
    for (r, c), cell in sh.cells.items():
        content = cell.content
        if content.__class__ is Computed and not content.array:
            runs.setdefault((c, content.text), []).append(r)
    out, si = {}, 0
    for (c, text), rows in sorted(runs.items(), key=lambda kv: (min(kv[1]), kv[0][0])):
        rows.sort()
        start = 0
        for i in range(1, len(rows) + 1):
            if i < len(rows) and rows[i] == rows[i - 1] + 1:
                continue
            run = rows[start:i]
            start = i
            if len(run) < 2:
                continue
            _check(sh, text, run, c)
            out[(run[0], c)] = (si, f"{a1(run[0], c)}:{a1(run[-1], c)}")
            out.update({(r, c): (si, None) for r in run[1:]})
            si += 1
    return out


def _check(sh, text, rows, col):
    """The run's second and last rows are its first row's formula moved down, as a reader moves it; the last
    row's, the longest (its row numbers have the most digits), within Excel's length."""
    check_length(on_row(text, rows[-1]), sh.name, rows[-1], col)
    master = on_row(text, rows[0])[1:]
    for r in (rows[1], rows[-1]):
        if shift(master, r - rows[0], 0) != on_row(text, r)[1:]:
            raise SharedError(f"{sh.name}: the formula of {a1(r, col)} is not its column's first "
                              f"row's moved down; it cannot be written as a shared formula")

