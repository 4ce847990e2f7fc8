"""Income Statement: the selected scenario's drivers, then history and forecast line by line."""
from __future__ import annotations

from ...data.items import REST, driver_items
from ..book import Chart, Series, line_style, series_color
from ...calc.formula import INDEX, MATCH, Rng
from ..layout import LineBlock
from .inputs import driver_periods
from ...calc.lines import income_lines
from ...labels import LANGS
from ..timeline import FIRST_COL, LABEL_COL, LABEL_WIDTH, UNIT_COL
from . import put_label, title_rows


class IncomeTab:
    def __init__(self, book, data, tl, inputs):
        t = book.t
        sh = self.sheet = book.add_sheet("income", "calc")
        title_rows(sh, sh.name, t("income.subtitle", unit=t.unit))
        self.headers = tl.write_header(sh, 4)
        sh.print_cols = tl.last_col   # printed without the notes column: they stay on screen (the print pack)
        row = 7
        sh.put(row, LABEL_COL, t("income.selected"), "section")
        row += 1
        sh.put(row, LABEL_COL, t("income.scenario"), "label")
        self.scenario = sh.put(row, FIRST_COL, inputs.Scenario, "calc", "text")
        row += 1
        sh.put(row, LABEL_COL, t("income.index"), "label")
        self.index = sh.put(row, FIRST_COL, MATCH(inputs.Scenario, inputs.scenario_list), "calc", "int")
        row += 1
        self.drivers = {}
        first_driver = row
        for drv, item in driver_items(data).items():
            if not driver_periods(tl, drv):
                continue
            if tl.rest and drv.startswith(REST) and not any(d.startswith(REST) for d, _ in self.drivers):
                sh.put(row, tl.note_col, t("income.rest_note", year=tl.stub_year.code, ytd=tl.stub.code,
                                           rest=tl.rest.code), "note")
            put_label(sh, row, t.item("drivers", item), "detail_label",
                      [t.edition(lang).item("drivers", item) for lang in LANGS], LABEL_WIDTH)
            sh.put(row, UNIT_COL, t.unit_of(item.unit), "unit")
            for p in driver_periods(tl, drv):
                self.drivers[(drv, p)] = sh.put(row, tl.col[p], INDEX(inputs.driver_column(drv, p),
                                                                      self.index.ref(True, True)), "calc", item.unit)
            row += 1
        sh.put(first_driver - 2, tl.note_col, t("income.drivers_note", inputs=t("tabs.inputs")), "note")
        sh.groups.append((first_driver, row - 1))
        row += 1
        sh.put(row, LABEL_COL, t("income.section"), "section")
        row += 1
        self.lines = LineBlock(sh, tl, income_lines(data), row, tl.periods, inputs,
                               drivers=lambda name, p: self.drivers[(name, p)], headers=self.headers)
        self.lines.fill()
        # the print pack's page: the drivers and the statement; the unit and compute builds' lines below it are
        # the appendix
        build_rows = [r for key, r in self.lines.rows.items() if key.startswith(("u_", "c_"))]
        sh.pack_end = min(build_rows) if build_rows else None
        self.chart(data, tl)

    def chart(self, data, tl):
        """Revenue by segment (stacked columns) against R&D and adjusted net income (lines), full years.
        Each series is named by its row's label cell."""
        first, last = tl.years[0], tl.years[-1]
        cats = Rng(self.headers[first], self.headers[last])
        row = lambda key: Rng(self.lines.cell(key, first), self.lines.cell(key, last))  # noqa: E731
        name = lambda key: self.sheet.cell_at(self.lines.rows[key], LABEL_COL)  # noqa: E731
        series = [Series(name(f"rev_{key}"), row(f"rev_{key}"), cats, style={"fill": {"color": series_color(i)}})
                  for i, (key, _) in enumerate(data.segments)]
        series += [Series(name("rnd"), row("rnd"), cats, kind="line", style=line_style(2)),
                   Series(name("adjusted_net_income"), row("adjusted_net_income"), cats, kind="line",
                          style=line_style(4))]
        self.sheet.charts.append(Chart(
            "column", self.sheet.book.t("income.chart", unit=self.sheet.book.t.unit), series,
            (self.lines.last_row + 2, LABEL_COL), size=(900, 340), subtype="stacked", options={"gap": 60},
            axes={"y": {"fmt": "amount", "major_gridlines": {"visible": True, "line": {"color": "#D9D9D9"}}},
                  "x": {"label_position": "low", "fmt": "year"}}))
