"""Ratios: margins, R&D intensity, like-for-like growth, growth spread, CAGR, operating leverage."""
from __future__ import annotations

from ..book import Chart, Series, line_style
from ...calc.formula import Rng
from ..layout import LineBlock
from ...calc.lines import ratio_lines
from ..timeline import LABEL_COL
from . import title_rows


class RatiosTab:
    def __init__(self, book, data, tl, inputs, income):
        t = book.t
        sh = self.sheet = book.add_sheet("ratios", "calc")
        title_rows(sh, sh.name, t("ratios.subtitle"))
        self.headers = tl.write_header(sh, 4)
        sh.put(7, LABEL_COL, t("ratios.section"), "section")
        sh.put(7, tl.note_col, t("common.nm_rule", inputs=t("tabs.inputs")), "note")
        self.lines = LineBlock(sh, tl, ratio_lines(data), 8, tl.periods, inputs,
                               source=income.lines, headers=self.headers)
        self.lines.fill()
        first, last = tl.years[0], tl.years[-1]
        cats = Rng(self.headers[first], self.headers[last])
        row = lambda key: Rng(self.lines.cell(key, first), self.lines.cell(key, last))  # noqa: E731
        name = lambda key: sh.cell_at(self.lines.rows[key], LABEL_COL)  # noqa: E731  (the row's label)
        keys = ["gross_margin"] + [f"gm_{k}" for k, _ in data.segments if f"gm_{k}" in self.lines.rows]
        series = [Series(name(key), row(key), cats, style=line_style(i)) for i, key in enumerate(keys)]
        series.append(Series(name("adjusted_net_margin"), row("adjusted_net_margin"), cats, y2=True,
                             style={**line_style(len(keys) + 1), "line": {**line_style(len(keys) + 1)["line"],
                                                                          "dash_type": "dash"}}))
        sh.charts.append(Chart("line", t("ratios.chart"), series, (self.lines.last_row + 2, LABEL_COL),
                               size=(900, 340), columns=tl.chart_columns(first, last), axes={"y": {"fmt": "pct", "major_gridlines": {
                                   "visible": True, "line": {"color": "#D9D9D9"}}}, "y2": {"fmt": "pct"},
                                   "x": {"label_position": "low", "fmt": "year"}}))
