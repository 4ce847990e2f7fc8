"""The workbook as Python objects: sheets of cells, each a value or a formula, plus defined names.

Layout code fills a `Book`; `writer.py` turns it into an .xlsx. Cells know their style role
('input', 'calc', 'label', ...) and number format; whether a formula is a cross-sheet link (green)
or a same-sheet calculation (black) follows from the cells it reads.
"""
from __future__ import annotations

import gc
from contextlib import contextmanager
from dataclasses import dataclass, field

from ..calc.formula import Expr, Name, Ref, Rng, XlError




@dataclass
class Series:
    """One data series of a chart: values (and categories) are ranges of the book, so the chart
    follows every edit. `kind` overrides the chart's type (a line over columns); `y2` puts the series
    on the secondary axis; `style` holds xlsxwriter series options (line, fill, marker)."""
    name: object                 # text, or the Cell holding the name
    values: Rng
    categories: Rng | None = None
    kind: str | None = None
    y2: bool = False
    style: dict = field(default_factory=dict)
    legend: bool = True          # False: left out of the legend (chartdata.py's blank series)


# ten distinct colours: as many as the loader allows segments (later series repeat them)
SERIES_COLORS = ["#1F3864", "#548235", "#C55A11", "#7F6000", "#7030A0", "#2E75B6", "#A5A5A5", "#BF8F00",
                 "#843C0C", "#00B0A0"]


def series_color(i: int) -> str:
    return SERIES_COLORS[i % len(SERIES_COLORS)]


def line_style(i: int) -> dict:
    """The i-th series of a line chart: a distinct colour with small markers."""
    color = series_color(i)
    return {"line": {"color": color, "width": 2}, "marker": {"type": "circle", "size": 4,
                                                             "fill": {"color": color}, "border": {"color": color}}}


REFERENCE_LINE = {"line": {"color": "#C00000", "dash_type": "dash", "width": 1.25}}


@dataclass
class Chart:
    """A native chart placed at `anchor` (row, col). `axes` maps "x", "y", "y2" to xlsxwriter axis
    options, with "fmt" a number-format key of writer.FORMATS."""
    kind: str                    # column | line | bar
    title: str
    series: list[Series]
    anchor: tuple[int, int]
    size: tuple[int, int] = (760, 320)
    subtype: str | None = None   # e.g. stacked
    axes: dict = field(default_factory=dict)
    options: dict = field(default_factory=dict)   # chart-level: e.g. {"overlap": 100, "gap": 60}
    # the columns of its series' ranges it plots, when not all of them: the full years of a timeline whose
    # near-term years run in parts (chartdata.py packs them side by side, under a row of their categories)
    columns: tuple | None = None


def chart_bottom(chart) -> int:
    """The last row a chart covers, in rows of the default 15 points (20 px)."""
    return chart.anchor[0] + -(-chart.size[1] // 20)


@contextmanager
def gc_paused():
    """Pause Python's cyclic garbage collector while a book is built or written: the book is one
    large graph of live objects, and every automatic collection would walk all of it again, which
    makes the time grow faster than the number of cells. Nothing is leaked: the collector resumes
    afterwards (the few cycles made meanwhile are collected then)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


INPUT_ROLES = ("input", "input_assumed")   # the roles of input cells (unlocked, editable)


@dataclass(eq=False, slots=True)
class Cell:
    sheet: "Sheet"
    row: int
    col: int
    content: object = None  # a constant (number, text, None) or an Expr
    role: str = "label"     # input | calc | label | head | title | note | check
    fmt: str = "general"    # number-format key, see writer.FORMATS
    comment: str | None = None
    _cache: object = field(default=None, repr=False)
    _done: bool = field(default=False, repr=False)
    _ref: object = field(default=None, repr=False)   # its relative reference, made once (formulas share it)

    @property
    def is_formula(self) -> bool:
        return isinstance(self.content, Expr)

    def result(self):
        """The cell's value: the constant, or the formula evaluated once (memoised)."""
        if not self._done:
            self._cache = self.content.value() if self.is_formula else self.content
            if isinstance(self._cache, bool) or (self.is_formula and self._cache is None):
                self._cache = float(self._cache or 0)  # a formula shows TRUE as 1 and a blank as 0
            self._done = True
        return self._cache

    def ref(self, abs_row=False, abs_col=False) -> Ref:
        if abs_row or abs_col:
            return Ref(self, abs_row, abs_col)
        if self._ref is None:
            self._ref = Ref(self)
        return self._ref

    @property
    def links_out(self) -> bool:
        """True when the formula reads another sheet (styled as a link)."""
        return self.is_formula and any(c.sheet is not self.sheet for c in self.content.refs())


class Sheet:
    def __init__(self, book: "Book", tab: str, kind: str, name: str | None = None):
        self.book, self.tab, self.kind = book, tab, kind  # tab: label id; kind: input | calc | output | hidden
        self.name = name or book.t(f"tabs.{tab}")
        self.cells: dict[tuple[int, int], Cell] = {}
        self.widths: dict[int, float] = {}
        self.heights: dict[int, float] = {}  # row -> height in points (wrapped headings and text)
        self.merges: list[tuple[int, int, int]] = []  # (row, first col, last col): one cell's text across columns
        self.freeze: tuple[int, int] | None = None
        self.validations: list[tuple[Cell, object]] = []  # (input cell, data.Bound or a list's defined name)
        self.groups: list[tuple[int, int]] = []   # (first_row, last_row) of grouped detail rows; may nest
        self.links: list[tuple[Cell, str, str]] = []  # internal hyperlinks: (cell, target, text)
        self.charts: list[Chart] = []
        self.highlights: list[tuple[Rng, str, str]] = []  # (range, text, role): style cells equal to text
        self.page_breaks: list[int] = []   # rows that start a new printed page (a chart kept whole)
        self.one_page = False              # print the tab on a single page (the Cover)
        # a table too wide for one readable page: (scale %, first columns of the later bands); the bands print
        # side by side, across then down, the label columns repeated on each (the Claims Audit)
        self.print_bands: tuple[int, list[int]] | None = None
        self.print_rows: tuple[int, int] | None = None   # rows repeated on every printed page (default: frozen)
        # the print pack (model/workbook/pack.py): the row a pack tab's appendix part starts at (a page break),
        # and the last column printed (a pack tab leaves its notes column to the screen)
        self.pack_end: int | None = None
        self.print_cols: int | None = None
        self.collapsed: list[int] = []   # first rows of groups shown collapsed (printed only when expanded)
        self.chart_data_top: int | None = None   # first row of the charts' data at the tab's foot (chartdata.py)
        self.line_keys: dict[int, str] = {}      # row -> the key of the line item it holds (cellkeys.py)

    def put(self, row, col, content=None, role=None, fmt="general", comment=None) -> Cell:
        if role is None:
            role = "calc" if isinstance(content, Expr) else "label"
        cell = Cell(self, row, col, content, role, fmt, comment)
        self.cells[(row, col)] = cell
        return cell

    def put_input(self, row, col, value, fmt, rule, comment=None, assumed=False) -> Cell:
        """An input cell (blue on a light fill, unlocked) that accepts what `rule` allows: a data.Bound,
        or the defined name of a list to pick from. `assumed`: a figure the data mark as an assumption, in
        an actual column (blue on lilac)."""
        cell = self.put(row, col, value, "input_assumed" if assumed else "input", fmt, comment)
        self.validations.append((cell, rule))
        return cell

    def cell_at(self, row, col) -> Cell | None:
        return self.cells.get((row, col))

    def last_row(self) -> int:
        return max((r for r, _ in self.cells), default=0)

    def last_col(self) -> int:
        return max((c for _, c in self.cells), default=0)

    def used_range(self, first_row=0, last_row=None) -> Rng:
        """The used area from `first_row` (to `last_row`) as a range (blank corners get placeholder cells)."""
        first = self.cell_at(first_row, 0) or self.put(first_row, 0, None)
        r, c = self.last_row() if last_row is None else last_row, self.last_col()
        last = self.cell_at(r, c) or self.put(r, c, None)
        return Rng(first, last)


class Book:
    def __init__(self, labels):
        self.t = labels  # the edition's texts (model/labels)
        self.sheets: list[Sheet] = []
        self.names: dict[str, Cell | Rng] = {}
        self.actual_cells: list[Cell] = []   # the line cells of actual periods (provenance.py styles them)

    def add_sheet(self, tab, kind, name=None) -> Sheet:
        """A new tab: its name is the edition's text for `tab` (model/labels tabs.<tab>) unless given."""
        sh = Sheet(self, tab, kind, name)
        self.sheets.append(sh)
        return sh

    def sheet(self, name) -> Sheet:
        return next(s for s in self.sheets if s.name == name)

    def define(self, name: str, target) -> Name | None:
        """Register a workbook-level name for a cell or a range; returns a Name expr for cells."""
        if name in self.names:
            raise ValueError(f"defined name {name} used twice")
        self.names[name] = target
        return Name(name, target) if isinstance(target, Cell) else None

    def evaluate(self):
        """Evaluate every formula; a Python-side error value is a model bug, reported with its cell. Ranges
        read before (formula.Rng.values keeps what it read) are read again."""
        for sh in self.sheets:
            sh.__dict__.pop("range_values", None)
        for sh in self.sheets:
            for cell in sh.cells.values():
                try:
                    cell.result()
                except XlError as e:
                    raise RuntimeError(f"{sh.name}!{cell.col},{cell.row}: {e} in formula") from e

    def formula_cells(self):
        for sh in self.sheets:
            for cell in sh.cells.values():
                if cell.is_formula:
                    yield cell
