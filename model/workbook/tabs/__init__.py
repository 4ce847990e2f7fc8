"""One module per tab; each lays out its cells on a `Sheet` of the `Book`."""
import re
from functools import lru_cache
from math import ceil
from unicodedata import east_asian_width

from ..timeline import FIRST_COL, LABEL_COL

LINE_HEIGHT = 16  # points per line of 11-point text (CJK fonts need a little more than 15)

STATUS_ROW = 2  # every tab's third row: the master-check status, inside the frozen header


def title_rows(sheet, tab, subtitle):
    """Rows 1-2 of every tab: company and tab name, then what the tab holds. Row 3 is left for the
    master-check status, filled in once the Checks tab exists."""
    t = sheet.book.t
    sheet.put(0, LABEL_COL, t("common.title", company=t.company_name, tab=tab), "title")
    sheet.put(1, LABEL_COL, subtitle, "subtitle")


def scenario_table(sheet, top, columns, scenarios, values, index, col0=FIRST_COL, title=None, skip=None):
    """A summary table under the frozen period header, with its own heads: a title row at `top`, a
    heading row and a unit row, one row per scenario, then the selected scenario's row picked by INDEX
    with the scenario number `index` (a cell).
    columns: [(heading text, unit kind, fmt)]; values(scenario) -> one Expr per column.
    `skip`: a column left out (the timeline's narrow spacer column).
    Returns ({scenario: [cells]}, [selected cells], the next free row)."""
    from ...calc.formula import INDEX, Rng
    t = sheet.book.t
    cols = [c for c in range(col0, col0 + len(columns) + 1) if c != skip][:len(columns)]
    sheet.put(top, LABEL_COL, title or t("scenarios.summary"), "section")
    head = top + 1
    sheet.heights[head] = 4 * LINE_HEIGHT
    sheet.put(head, LABEL_COL, t("scenarios.scenario"), "head")
    sheet.put(head + 1, LABEL_COL, t("common.unit"), "subhead")
    for i, (heading, unit, _) in enumerate(columns):
        sheet.put(head, cols[i], heading, "head_wrap")
        sheet.put(head + 1, cols[i], t.unit_of(unit), "subhead")
    if col0 > LABEL_COL + 1:
        sheet.put(head, LABEL_COL + 1, "", "head")
    rows = {}
    r = head + 2
    for sc in scenarios:
        sheet.put(r, LABEL_COL, t.scenario(sc), "label")
        rows[sc] = [sheet.put(r, cols[i], expr, "calc", fmt) for i, (expr, (_, _, fmt)) in
                    enumerate(zip(values(sc), columns))]
        r += 1
    sheet.put(r, LABEL_COL, t("scenarios.selected"), "total_label")
    selected = []
    for i, (_, _, fmt) in enumerate(columns):
        col = Rng(rows[scenarios[0]][i], rows[scenarios[-1]][i])
        selected.append(sheet.put(r, cols[i], INDEX(col, index.ref(True, True)), "calc_total", fmt))
    return rows, selected, r + 1


def precise(kind: str) -> str:
    """Number format of a tolerance or a difference: finer than the figure's own (0.05% must not show
    as 0.1%)."""
    return {"amount": "amount4", "pct": "pct2"}.get(kind, kind)


@lru_cache(maxsize=4096)   # line labels repeat in every block of a tab
def text_width(text) -> float:
    """The column width a text needs on one line: CJK is twice as wide, a proportional font fits
    ~1.1 characters per width unit."""
    return sum(2 if east_asian_width(ch) in "WF" else 1 for ch in str(text)) / 1.1


@lru_cache(maxsize=4096)
def lines_needed(text, width) -> int:
    """The lines a text wraps to in a column `width` wide: words fill a line until the next does not fit
    (a viewer breaks at spaces, not inside a word), a word wider than the column takes lines of its own
    (an address), each CJK character is a word (Chinese breaks anywhere), and a line break starts a line."""
    lines = 0
    for para in str(text).split("\n"):
        used, n = 0.0, 1
        for word in re.findall(r"[\u2e80-\u9fff\uff00-\uffef]|[^\s\u2e80-\u9fff\uff00-\uffef]+\s*", para):
            w = text_width(word)
            if used + text_width(word.rstrip()) <= width:
                used += w
            elif w > width:   # a long address: on lines of its own, broken where it reaches the edge
                n += (used > 0) + ceil(w / width) - 1
                used = w % width
            else:
                n, used = n + (used > 0), w
        lines += n
    return lines


def fit_rows(sheet, heights):
    """Give each row the height its longest wrapped text needs (viewers do not all fit a row to its
    wrapped text); `heights` holds (row, text, column width). Rows of one line keep the default."""
    for row, text, width in heights:
        lines = lines_needed(text, width)
        if lines > 1:
            sheet.heights[row] = max(sheet.heights.get(row, 0), LINE_HEIGHT * lines)


def put_wide_note(sheet, row, text, texts, first_col, last_col):
    """A note wrapped across columns first_col..last_col (merged, so that it prints within the page), the row
    as tall as the longest of `texts` (the note in every edition) needs, so that the editions keep one layout."""
    sheet.put(row, first_col, text, "note_wrap")
    sheet.merges.append((row, first_col, last_col))
    width = sum(sheet.widths.get(c, 8.43) for c in range(first_col, last_col + 1))
    fit_rows(sheet, [(row, s, width) for s in texts])


def put_label(sheet, row, text, role, texts, width):
    """A row label that wraps when it is longer than its column in any edition (`texts`: the label in
    every edition), with the row as tall as the longest needs, so that the editions keep one layout."""
    wrap = max(text_width(s) for s in texts) > width
    sheet.put(row, 0, text, role + ("_wrap" if wrap else ""))
    if wrap:
        fit_rows(sheet, [(row, s, width) for s in texts])
