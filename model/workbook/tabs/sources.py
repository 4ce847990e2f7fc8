"""Sources: every source with its address, what it supports and how far to trust it."""
from __future__ import annotations

from ...data.settings import per_edition
from . import STATUS_ROW, fit_rows, title_rows

COLUMNS = [("id", 8), ("title", 48), ("address", 60), ("supports", 60), ("reliability", 12)]


class SourcesTab:
    def __init__(self, book, data):
        t = book.t
        sh = self.sheet = book.add_sheet("sources", "output")
        legend = t.data_text(data.company, "reliability_legend") or t("sources.legend")
        title_rows(sh, sh.name, t("sources.subtitle", legend=legend))
        head = STATUS_ROW + 2
        for i, (key, width) in enumerate(COLUMNS):
            sh.put(head, i, t(f"sources.{key}"), "head")
            sh.widths[i] = width
        for r, src in enumerate(data.sources, start=head + 1):
            texts = [t.data_text(src, key) for key, _ in COLUMNS]   # title_zh, supports_zh where given
            for i, text in enumerate(texts):
                sh.put(r, i, text, "text_wrap")
            # heights fit every edition's text, so that the editions keep the same layout
            fit_rows(sh, [(r, src.get(k, ""), width) for key, width in COLUMNS for k in (key, *per_edition(key))])
        sh.freeze = (head + 1, 1)

