"""One module per tab; each lays out its cells on a `Sheet` of the `Book`."""
from ..timeline import LABEL_COL

LINE_HEIGHT = 15  # points per line of text: rows of wrapped headings are set to a whole number of lines


def title_rows(sheet, data, title, subtitle):
    """Rows 1-2 of every tab: company and tab name, then what the tab holds. Row 3 is left for the
    master-check status, filled in once the Checks tab exists."""
    c = data.company
    local = f" ({c['name_local']})" if c.get("name_local") else ""
    ticker = f", {c['ticker']}" if c.get("ticker") else ""
    sheet.put(0, LABEL_COL, f"{c['name']}{local}{ticker} — {title}", "title")
    sheet.put(1, LABEL_COL, subtitle, "subtitle")


def scenario_table(sheet, top, columns, scenarios, values, index, col0=2):
    """A summary table: a heading row and a unit row at `top`, one row per scenario, then the selected
    scenario's row picked by INDEX with the scenario number `index` (a cell).
    columns: [(heading, unit, fmt)]; values(scenario) -> one Expr per column.
    Returns ({scenario: [cells]}, [selected cells], the next free row)."""
    from ..formula import INDEX, Rng
    sheet.heights[top] = 4 * LINE_HEIGHT
    sheet.put(top, LABEL_COL, "Summary by scenario", "head")
    sheet.put(top + 1, LABEL_COL, "Unit", "subhead")
    for i, (head, unit, _) in enumerate(columns):
        sheet.put(top, col0 + i, head, "head_wrap")
        sheet.put(top + 1, col0 + i, unit, "subhead")
    if col0 > LABEL_COL + 1:
        sheet.put(top, LABEL_COL + 1, "", "head")
    rows = {}
    r = top + 2
    for sc in scenarios:
        sheet.put(r, LABEL_COL, sc, "label")
        rows[sc] = [sheet.put(r, col0 + i, expr, "calc", fmt) for i, (expr, (_, _, fmt)) in
                    enumerate(zip(values(sc), columns))]
        r += 1
    sheet.put(r, LABEL_COL, "Selected scenario", "total_label")
    selected = []
    for i, (_, _, fmt) in enumerate(columns):
        col = Rng(rows[scenarios[0]][i], rows[scenarios[-1]][i])
        selected.append(sheet.put(r, col0 + i, INDEX(col, index.ref(True, True)), "calc_total", fmt))
    return rows, selected, r + 1
