"""Ratios: margins, R&D intensity, like-for-like growth, growth spread, CAGR, operating leverage."""
from __future__ import annotations

from ..book import Chart, Series, line_style
from ..formula import Rng
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
        first, last = tl.years[0], tl.years[-1]
        cats = Rng(self.headers[first], self.headers[last])
        row = lambda key: Rng(self.lines.cell(key, first), self.lines.cell(key, last))  # noqa: E731
        keys = [("gross_margin", "Gross margin — blended")] + [(f"gm_{k}", f"Gross margin — {label}")
                                                              for k, label in data.segments if f"gm_{k}" in self.lines.rows]
        series = [Series(label, row(key), cats, style=line_style(i)) for i, (key, label) in enumerate(keys)]
        series.append(Series("Adjusted net margin (right axis)", row("adjusted_net_margin"), cats, y2=True,
                             style={**line_style(len(keys) + 1), "line": {**line_style(len(keys) + 1)["line"],
                                                                          "dash_type": "dash"}}))
        sh.charts.append(Chart("line", "Margins — selected scenario", series, (self.lines.last_row + 2, LABEL_COL),
                               size=(900, 340), axes={"y": {"fmt": "pct", "major_gridlines": {
                                   "visible": True, "line": {"color": "#D9D9D9"}}}, "y2": {"fmt": "pct"},
                                   "x": {"label_position": "low", "fmt": "year"}}))
