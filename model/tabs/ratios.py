"""Ratios: margins, R&D intensity, like-for-like growth, growth spread, CAGR, operating leverage."""
from __future__ import annotations

from ..layout import LineBlock
from ..lines import ratio_lines
from ..timeline import LABEL_COL
from . import title_rows


class RatiosTab:
    def __init__(self, book, data, tl, inputs, income):
        sh = self.sheet = book.add_sheet("Ratios", "calc")
        title_rows(sh, data, "Ratios", "Fractions shown as percentages. Growth compares like with like: a full "
                   "year with the prior full year, an interim with the same interim a year earlier.")
        self.headers = tl.write_header(sh, 4)
        sh.put(7, LABEL_COL, "Ratios (selected scenario)", "section")
        self.lines = LineBlock(sh, tl, ratio_lines(data), 8, tl.periods, inputs,
                               source=income.lines, headers=self.headers)
        self.lines.fill()
