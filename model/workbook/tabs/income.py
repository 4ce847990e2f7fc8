"""Income Statement: the selected scenario's drivers, then history and forecast line by line."""
from __future__ import annotations

from ...data.items import driver_items
from ..book import Chart, Series, line_style, series_color
from ...calc.formula import INDEX, MATCH, Rng, guard
from ..layout import LineBlock
from ...calc.lines import income_lines
from ...labels import LANGS
from ..timeline import FIRST_COL, LABEL_COL, LABEL_WIDTH, UNIT_COL
from . import put_label, title_rows


def parts_texts(tl) -> dict:
    """The names a note about the parts of a year uses: the interim, its year, the next part (1H2026, FY2026,
    2H2026)."""
    first = min(tl.split)
    return {"ytd": tl.stub.code, "year": f"FY{first}", "rest": tl.split[first][1].code}


def season_factor(lines, inputs, key, tl):
    """A seasonal segment's pattern in the base year: the rest of the year's revenue over its interim's (the
    same length as the latest interim), each at its run rate per share of a year: FY2025's 2H / 1H."""
    base, stub = tl.base_year, tl.stub
    first = type(stub)(base.year, stub.months)
    full, ytd = lines.at(f"rev_{key}", base), lines.at(f"rev_{key}", first)
    rest = full - ytd
    if stub.months != 6:   # unequal parts: each at its run rate
        share = lambda p: inputs.part_share(p).ref(True, True)  # noqa: E731
        return guard([full, ytd], rest / share(stub.rest()) / (ytd / share(stub)), nonzero=[ytd])
    return guard([full, ytd], rest / ytd, nonzero=[ytd])


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
            periods = tl.periods_of(item.periods)
            if not periods:
                continue
            put_label(sh, row, t.item("drivers", item), "detail_label",
                      [t.edition(lang).item("drivers", item) for lang in LANGS], LABEL_WIDTH)
            sh.put(row, UNIT_COL, t.unit_of(item.unit), "unit")
            for p in periods:
                self.drivers[(drv, p)] = sh.put(row, tl.col[p], INDEX(inputs.driver_column(drv, p),
                                                                      self.index.ref(True, True)), "calc", item.unit)
            row += 1
        sh.put(first_driver - 2, tl.note_col, t("income.drivers_note", inputs=t("tabs.inputs")), "note")
        if tl.split:
            sh.put(first_driver, tl.note_col, t("income.parts_note", **parts_texts(tl)), "note")
        sh.groups.append((first_driver, row - 1))
        row += 1
        # each seasonal segment's pattern in the base year (second part over first, at the run rate): its
        # forecast parts carry it (lines.grow); filled once the lines below exist
        self.season = {}
        for key in data.seasonal if tl.split else []:
            sh.put(row, LABEL_COL, t("income.season", segment=t.segment(key), base=tl.base_year.code), "label")
            sh.put(row, UNIT_COL, t.unit_of("x"), "unit")
            self.season[key] = sh.put(row, tl.col[tl.base_year], None, "calc", "x")
            self.drivers[(f"season_{key}", None)] = self.season[key].ref(True, True)
            sh.put(row, tl.note_col, t("income.season_note", first=tl.stub.code[:-4].strip(),
                                       rest=tl.stub.rest().code[:-4].strip(), base=tl.base_year.code), "note")
            row += 1
        row += 1 if self.season else 0
        sh.put(row, LABEL_COL, t("income.section"), "section")
        row += 1
        self.lines = LineBlock(sh, tl, income_lines(data), row, tl.periods, inputs,
                               drivers=lambda name, p: self.drivers[(name, p)], headers=self.headers)
        self.lines.fill()
        for key, cell in self.season.items():
            cell.content = season_factor(self.lines, inputs, key, tl)
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
            columns=tl.chart_columns(first, last),
            axes={"y": {"fmt": "amount", "major_gridlines": {"visible": True, "line": {"color": "#D9D9D9"}}},
                  "x": {"label_position": "low", "fmt": "year"}}))
