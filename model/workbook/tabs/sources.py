"""Sources: every source with the filing it quotes, the page its figures were read from, what it
supports and how far to trust it."""
from __future__ import annotations

from ...data.settings import per_edition
from . import LINE_HEIGHT, STATUS_ROW, fit_rows, title_rows

COLUMNS = [("id", 8), ("title", 40), ("filing", 44), ("address", 48), ("supports", 52), ("reliability", 11)]


class SourcesTab:
    def __init__(self, book, data):
        t = book.t
        sh = self.sheet = book.add_sheet("sources", "output")
        legend = t.data_text(data.company, "reliability_legend") or t("sources.legend")
        title_rows(sh, sh.name, t("sources.subtitle", legend=legend))
        head = STATUS_ROW + 2
        sh.heights[head] = 2 * LINE_HEIGHT
        for i, (key, width) in enumerate(COLUMNS):
            sh.put(head, i, t(f"sources.{key}"), "head_wrap")
            sh.widths[i] = width
        for r, src in enumerate(data.sources, start=head + 1):
            texts = [t.data_text(src, key) for key, _ in COLUMNS]   # title_zh, supports_zh where given
            for i, text in enumerate(texts):
                sh.put(r, i, text, "text_wrap")
            # heights fit every edition's text, so that the editions keep the same layout
            fit_rows(sh, [(r, src.get(k, ""), width) for key, width in COLUMNS for k in (key, *per_edition(key))])
        sh.freeze = (head + 1, 1)

