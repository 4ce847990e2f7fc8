"""One module per tab; each lays out its cells on a `Sheet` of the `Book`."""
from ..timeline import LABEL_COL


def title_rows(sheet, data, title, subtitle):
    """Rows 1-2 of every tab: company and tab name, then what the tab holds. Row 3 is left for the
    master-check status, filled in once the Checks tab exists."""
    c = data.company
    local = f" ({c['name_local']})" if c.get("name_local") else ""
    ticker = f", {c['ticker']}" if c.get("ticker") else ""
    sheet.put(0, LABEL_COL, f"{c['name']}{local}{ticker} — {title}", "title")
    sheet.put(1, LABEL_COL, subtitle, "subtitle")
