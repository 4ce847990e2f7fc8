"""Sources: every source with its address, what it supports and how far to trust it."""
from __future__ import annotations

from . import title_rows

DEFAULT_LEGEND = "multi = two or more independent sources; single = one source only."
COLUMNS = [("id", "Id", 8), ("title", "Source", 48), ("address", "Address", 60), ("supports", "Supports", 60),
           ("reliability", "Reliability", 12)]


class SourcesTab:
    def __init__(self, book, data):
        sh = self.sheet = book.add_sheet("Sources", "output")
        title_rows(sh, data, "Sources", "Reliability: " + (data.company.get("reliability_legend") or DEFAULT_LEGEND))
        for i, (_, head, width) in enumerate(COLUMNS):
            sh.put(4, i, head, "head")
            sh.widths[i] = width
        for r, src in enumerate(data.sources, start=5):
            for i, (key, _, _) in enumerate(COLUMNS):
                sh.put(r, i, src.get(key, ""), "text_wrap")
        sh.freeze = (5, 1)
