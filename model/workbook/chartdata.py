"""Chart data: every chart plots rows at the foot of its tab that hold each charted figure, or #N/A
where the figure is not a number (n/a, n.m.): Excel's only gap marker in a chart, so that a figure not
available is left out instead of plotted as 0. A tab's charts name the figures where they stand (a series
of one cell, such as a floor, is drawn as a flat line across its categories), and these rows, the tab's
only chart data, copy them. They are the one place an error value may stand: the Checks tab scans them
for errors other than #N/A, and everything above them for any error."""
from __future__ import annotations

from ..calc.formula import Rng, gap_if_not_number
from .book import Cell, Series, chart_bottom
from .timeline import FIRST_COL, LABEL_COL, UNIT_COL


def add_chart_data(sheet):
    """Point every chart of `sheet` at chart-data rows below everything else on it."""
    if not sheet.charts:
        return
    t = sheet.book.t
    top = max([sheet.last_row()] + [chart_bottom(c) for c in sheet.charts]) + 2
    sheet.chart_data_top = top
    sheet.put(top, LABEL_COL, t("common.charted"), "section")
    sheet.put(top, FIRST_COL, t("common.charted_note"), "note")
    row = top + 1
    for chart in sheet.charts:
        if chart.columns:   # the full years only: packed side by side under their own category row
            row = packed(sheet, chart, row)
            continue
        down = [s for s in chart.series if s.values.first.row != s.values.last.row]
        if down:   # columns of a table (the tornado's bars): copied as a block, each name above its column
            first = min(s.values.first.row for s in down)
            for s in down:
                name(sheet, row, s.values.first.col, s.name, "head")
                s.values = copy(sheet, s.values, row + 1 - first)
            row = max(s.values.last.row for s in down) + 1
        for s in chart.series:
            if s in down:
                continue
            src = s.values.first.row
            name(sheet, row, LABEL_COL, s.name, "label")
            unit = s.values.first.sheet.cell_at(src, UNIT_COL)
            if unit is not None and isinstance(unit.content, str):
                sheet.put(row, UNIT_COL, unit.content, "unit")
            cols = range(s.categories.first.col, s.categories.last.col + 1) if s.categories else ()
            if s.values.first is s.values.last and len(cols) > 1:   # one figure (a floor): a flat line
                s.values = spread(sheet, s.values.first, row, cols)
            else:
                s.values = copy(sheet, s.values, row - src)
            row += 1
        # LibreOffice (7.4) leaves a #N/A point as a gap only when the chart's data hold a blank cell too, and
        # plots it at 0 otherwise: each column or line chart gets one blank series first (the empty row below
        # its data), out of the legend, which draws nothing. (A bar at 0 is no bar: the tornado needs none.)
        if chart.kind != "bar":
            first = chart.series[0].values
            blank = [sheet.cell_at(row, c) or sheet.put(row, c, None) for c in (first.first.col, first.last.col)]
            chart.series.insert(0, Series("", Rng(blank[0], blank[1]), chart.series[0].categories, legend=False))
        row += 1


def packed(sheet, chart, row) -> int:
    """Chart data of a chart that plots some columns of its ranges (chart.columns: a timeline's full years,
    not the parts of a year between them): a row of their categories (links to the period headers), then
    each series' figures in those columns, side by side from the first figure column. Returns the next row."""
    cats = chart.series[0].categories
    src = cats.first.sheet
    sheet.put(row, LABEL_COL, sheet.book.t("common.chart_periods"), "label")
    heads = [src.cell_at(cats.first.row, c) for c in chart.columns]
    cells = [sheet.put(row, FIRST_COL + i, h.ref(), "subhead", h.fmt) for i, h in enumerate(heads)]
    categories = Rng(cells[0], cells[-1])
    row += 1
    for s in chart.series:
        first = s.values.first
        name(sheet, row, LABEL_COL, s.name, "label")
        unit = first.sheet.cell_at(first.row, UNIT_COL)
        if unit is not None and isinstance(unit.content, str):
            sheet.put(row, UNIT_COL, unit.content, "unit")
        figures = [first] * len(chart.columns) if first is s.values.last else [
            first.sheet.cell_at(first.row, c) or first.sheet.put(first.row, c, None) for c in chart.columns]
        out = [charted(sheet, row, FIRST_COL + i, cell, cell.ref(True, True) if first is s.values.last else cell.ref())
               for i, cell in enumerate(figures)]
        s.values, s.categories = Rng(out[0], out[-1]), categories
        row += 1
    if chart.kind != "bar":   # LibreOffice's gap needs a blank series, as below
        blank = [sheet.put(row, c, None) for c in (FIRST_COL, FIRST_COL + len(chart.columns) - 1)]
        chart.series.insert(0, Series("", Rng(blank[0], blank[1]), categories, legend=False))
    return row + 1


def name(sheet, row, col, text, role):
    """A series' name: a link to its label cell, or its text."""
    if isinstance(text, Cell):
        sheet.put(row, col, text.ref(), "text", "text")
    else:
        sheet.put(row, col, text, role)


def charted(sheet, row, col, cell, ref):
    """One charted figure: `cell`'s figure (`ref` to it) or #N/A, in `cell`'s number format."""
    return sheet.put(row, col, gap_if_not_number(ref), "calc", cell.fmt if cell.fmt != "general" else "amount")


def spread(sheet, cell, row, cols) -> Rng:
    """The chart-data copy of one figure on `row`, under each category column: a flat line (a floor)."""
    cells = [charted(sheet, row, c, cell, cell.ref(True, True)) for c in cols]
    return Rng(cells[0], cells[-1])


def copy(sheet, rng: Rng, shift: int) -> Rng:
    """The chart-data copy of `rng`, `shift` rows further down: each cell the figure or #N/A."""
    src = rng.first.sheet
    cells = []
    for r in range(rng.first.row, rng.last.row + 1):
        for c in range(rng.first.col, rng.last.col + 1):
            cell = src.cell_at(r, c) or src.put(r, c, None)   # a blank plots as a gap too
            cells.append(charted(sheet, r + shift, c, cell, cell.ref()))
    return Rng(cells[0], cells[-1])
