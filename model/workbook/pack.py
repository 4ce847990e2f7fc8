"""The print pack: the pages a client reads, in tab order, and the rest of the workbook as its appendix.

One declaration per tab: `PACK` names the tabs whose first printed pages belong to the pack and how many;
such a tab ends its pack part with `Sheet.pack_end` (the row its appendix part starts at: a page break) and
prints without its notes column (`Sheet.print_cols`), so that each pack page is one page wide at a
readable scale. Every other page of the workbook is the appendix. `tools/render_tabs.py --paged` writes
both as PDFs; in Excel or LibreOffice the pack is these tabs' first pages."""
from __future__ import annotations

# tab id (model/labels tabs.<id>) -> pages of the pack, in the workbook's tab order; a tab a workbook does not
# have (no valuation data) is left out
PACK = {"cover": 2, "income": 1, "scenarios": 1, "cash": 2, "valuation": 1, "claims": 1}
MAX_PAGES = 10


def pack_pages(tab: str) -> int:
    """Pages of the pack a tab gives (0: the tab is appendix only)."""
    return PACK.get(tab, 0)
