"""Income Statement: the selected scenario's drivers, then history and forecast line by line."""
from __future__ import annotations

from ..data import driver_items
from ..book import SERIES_COLORS, Chart, Series, line_style
from ..formula import INDEX, MATCH, Rng
from ..layout import LineBlock
from ..lines import income_lines
from ..timeline import FIRST_COL, LABEL_COL, UNIT_COL
from . import title_rows


class IncomeTab:
    def __init__(self, book, data, tl, inputs):
        sh = self.sheet = book.add_sheet("Income Statement", "calc")
        unit = data.company["unit"]
        title_rows(sh, data, "Income Statement", f"{unit}. Costs are positive and subtracted; losses are negative, "
                   "in parentheses. A = actual, E = estimate; interims are year to date.")
        self.headers = tl.write_header(sh, 4)
        row = 7
        sh.put(row, LABEL_COL, "Selected scenario", "section")
        row += 1
        sh.put(row, LABEL_COL, "Scenario", "label")
        self.scenario = sh.put(row, FIRST_COL, inputs.Scenario, "calc", "text")
        row += 1
        sh.put(row, LABEL_COL, "Scenario number in the list", "label")
        self.index = sh.put(row, FIRST_COL, MATCH(inputs.Scenario, inputs.scenario_list), "calc", "int")
        row += 1
        self.drivers = {}
        first_driver = row
        for drv, (label, kind, _) in driver_items(data).items():
            sh.put(row, LABEL_COL, label, "detail_label")
            sh.put(row, UNIT_COL, unit if kind == "amount" else "%", "unit")
            for p in tl.forecast:
                self.drivers[(drv, p)] = sh.put(row, tl.col[p], INDEX(inputs.driver_column(drv, p),
                                                                      self.index.ref(True, True)), "calc", kind)
            row += 1
        sh.put(first_driver - 2, tl.note_col, "Drivers picked from Inputs for the selected scenario (INDEX over "
               "the scenario rows).", "note")
        sh.groups.append((first_driver, row - 1))
        row += 1
        sh.put(row, LABEL_COL, "Income statement", "section")
        row += 1
        self.lines = LineBlock(sh, tl, income_lines(data), row, tl.periods, inputs,
                               drivers=lambda name, p: self.drivers[(name, p)], headers=self.headers, unit=unit)
        self.lines.fill()
        self.chart(data, tl, unit)

    def chart(self, data, tl, unit):
        """Revenue by segment (stacked columns) against R&D and adjusted net income (lines), full years."""
        first, last = tl.years[0], tl.years[-1]
        cats = Rng(self.headers[first], self.headers[last])
        row = lambda key: Rng(self.lines.cell(key, first), self.lines.cell(key, last))  # noqa: E731
        series = [Series(f"Revenue — {label}", row(f"rev_{key}"), cats,
                         style={"fill": {"color": SERIES_COLORS[i]}}) for i, (key, label) in enumerate(data.segments)]
        series += [Series("Research & development", row("rnd"), cats, kind="line", style=line_style(2)),
                   Series("Adjusted net income (loss)", row("adjusted_net_income"), cats, kind="line",
                          style=line_style(4))]
        self.sheet.charts.append(Chart(
            "column", f"Revenue by segment, R&D and adjusted net income — selected scenario, {unit}", series,
            (self.lines.last_row + 2, LABEL_COL), size=(900, 340), subtype="stacked", options={"gap": 60},
            axes={"y": {"fmt": "amount", "major_gridlines": {"visible": True, "line": {"color": "#D9D9D9"}}},
                  "x": {"label_position": "low", "fmt": "year"}}))
