"""The model for notebooks: the figures the workbook caches, as pandas DataFrames, without a file.

    import model
    m = model.load("templates/zhipu")
    m.income_statement("base")      # rows: line items (label, unit), columns: periods
    m.ratios("bull")
    m.scenarios()                   # the headline per scenario
    m.write("output/zhipu_model.xlsx")
    model.compare(["templates/zhipu", "templates/minimax"])   # the Peers tab: the company beside its peers

Each figure is the value the workbook caches for that cell, computed by the same formula trees, so a
DataFrame and the workbook agree cell for cell. pandas is imported here only, never by the CLI.
"""
from __future__ import annotations

import math
from pathlib import Path

import pandas as pd

from .data.company import load as load_data
from .labels import LANGS
from .regen.journal import recover
from .data.dataset import Dataset
from .data.files import unknown
from .workbook.book import Book
from .workbook.build import build_book


def load(folder, lang: str = "en") -> "Model":
    """The model of a company folder (e.g. "templates/zhipu"), in the edition `lang` ("en" or "zh"):
    its data loaded and validated (a `DataError` names the file, row and column of bad input). An
    `edits --apply` a kill interrupted in the folder is settled first (noted in `data.notes`)."""
    settled = recover(Path(folder))
    data = load_data(Path(folder))
    data.notes[:0] = settled
    return Model(data, lang)


def compare(folders, lang: str = "en", scenario: str | None = None) -> pd.DataFrame:
    """The Peers tab of the first company's workbook as a DataFrame: the first folder is the company, the
    others its peers (each must be one its company.toml names, which gives the exchange rate; with no
    others, every peer it names). Index: the row's key (revenue, gross_margin, ev_sales ...); columns
    "label", "unit", then "<company> FY2025A", "<company> 1H2026A", "<company> today" per company. A figure
    the workbook shows as n/a is NaN; a text (runway "no burn") stays text."""
    from .data.files import DataError
    folders = [Path(f) for f in folders]
    data = load_data(folders[0])
    named = {p.key: p for p in data.peers}
    wanted = [f.name for f in folders[1:]]
    for f in folders[1:]:
        if f.name not in named or named[f.name].data.folder.resolve() != f.resolve():
            raise DataError(folders[0] / "company.toml", f"{f} is not a peer {data.company['name']}'s data name: add "
                            f"[peers.{f.name}] with its exchange rate (a company folder beside it)", column="peers")
    if wanted:
        data.peers = [named[k] for k in wanted]
    if not data.peers:
        raise DataError(folders[0] / "company.toml", "names no peers: add [peers.<folder>] tables", column="peers")
    book = Model(data, lang).book(scenario)
    tab = book.tabs["peers"]
    records = []
    for key, label, unit, cells in tab.frame_rows():
        records.append({"key": key, "label": label, "unit": unit,
                        **{h: _value(c) if c is not None else math.nan for h, c in cells.items()}})
    return pd.DataFrame.from_records(records, index="key")


def _number(cell) -> float:
    """A cell's cached figure; NaN where the workbook shows none (blank, n/a, an error value)."""
    v = cell.result() if cell is not None else None
    return float(v) if isinstance(v, (int, float)) and not isinstance(v, bool) else math.nan


def _value(cell):
    """A cell's cached value: a figure, or the workbook's text (a breakeven "not reached")."""
    v = cell.result()
    return v if isinstance(v, str) and v else _number(cell)


class Model:
    """A company's model: one built workbook per selected scenario, made when first asked for."""

    def __init__(self, data: Dataset, lang: str = "en"):
        if lang not in LANGS:
            raise ValueError(f"lang must be one of {', '.join(map(repr, LANGS))}, not {lang!r}")
        self.data, self.lang = data, lang
        self._books: dict[str, Book] = {}

    @property
    def scenario_names(self) -> list[str]:
        return list(self.data.scenarios)

    @property
    def default_scenario(self) -> str:
        return self.data.company.get("default_scenario") or self.data.scenarios[0]

    def book(self, scenario: str | None = None) -> Book:
        """The workbook model (tabs, cells, cached values) with `scenario` selected."""
        scenario = scenario or self.default_scenario
        if scenario not in self._books:
            self._books[scenario] = build_book(self.data, scenario, self.lang)
        return self._books[scenario]

    def periods(self, scenario: str | None = None) -> list[str]:
        """The period columns as the workbook heads them: FY2024A, 1H2025A, FY2026E ..."""
        tab = self.book(scenario).tabs["income"]
        return [self._period_label(tab, p) for p in tab.lines.periods]

    def income_statement(self, scenario: str | None = None) -> pd.DataFrame:
        """The Income Statement tab with `scenario` selected (default: the data's default scenario):
        one row per line item (index: its key, e.g. "revenue"; columns "label" and "unit", then one
        column per period as `periods()` names them). A figure the workbook shows as n/a is NaN."""
        return self._lines("income", scenario)

    def ratios(self, scenario: str | None = None) -> pd.DataFrame:
        """The Ratios tab with `scenario` selected: margins, R&D intensity, growth, CAGR."""
        return self._lines("ratios", scenario)

    def scenarios(self) -> pd.DataFrame:
        """The headline of every scenario (the Scenarios and Cash & Funding summaries): one row per
        scenario. Years are numbers; a breakeven not reached within the horizon is the workbook's text."""
        book = self.book()
        rows = {}
        for tab in ("scenarios", "cash"):
            summary = book.tabs[tab].summary
            heads = book.tabs[tab].headings
            for sc in self.data.scenarios:
                rows.setdefault(sc, {}).update({h: _value(c) for h, c in zip(heads, summary[sc])})
        frame = pd.DataFrame.from_dict(rows, orient="index")
        frame.index.name = "scenario"
        return frame

    def write(self, path, scenario: str | None = None, protect: bool = True) -> list[str]:
        """Write the workbook to `path` as `cli.py build --out path` does: over an existing workbook the
        user's edits are carried over and the old file is backed up first. Returns the build report."""
        from .regen.regenerate import regenerate
        from .regen.report import report
        from .workbook.writer import out_problem
        problem = out_problem(Path(path))
        if problem:
            raise ValueError(f"write: {problem}")
        if scenario is not None and scenario not in self.data.scenarios:
            raise ValueError(f"write: {unknown('scenario', scenario, self.data.scenarios)}")
        result = regenerate(self.data, Path(path), scenario, self.lang, protect)
        lines = report(result.plan, Path(path).name, result.placed, result.carried) if result.plan else []
        if result.backup:
            lines.append(f"previous workbook backed up to {result.backup}" + (
                " (a kept copy: it holds what the new workbook leaves out; no rotation removes it)" if result.kept else ""))
        return lines + [f"note: {n}" for n in result.notes]

    def _lines(self, tab_id: str, scenario: str | None) -> pd.DataFrame:
        book = self.book(scenario)
        tab = book.tabs[tab_id]
        block, t = tab.lines, book.t
        periods = block.periods
        labels = [self._period_label(tab, p) for p in periods]
        records = []
        for ln in block.lines:
            cells = [block.cells[(ln.key, p)] for p in periods]
            row = {"line": ln.key, "label": t.line(ln)[0], "unit": t.unit_of(ln.unit)}
            row.update({lab: _number(c if block.sheet.cells.get((c.row, c.col)) is c else None)
                        for lab, c in zip(labels, cells)})  # a cell the line leaves empty is not on the sheet
            records.append(row)
        return pd.DataFrame.from_records(records, index="line")

    @staticmethod
    def _period_label(tab, p) -> str:
        return p.code + ("A" if tab.lines.tl.is_actual(p) else "E")
