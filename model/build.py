"""Build the workbook model (a `Book`) from a loaded dataset: tabs in order, formulas, names."""
from __future__ import annotations

import sys

from .book import Book
from .data import Dataset
from .formula import IF, Text
from .meta import add_meta_sheet
from .slots import note_edits
from .timeline import Timeline, LABEL_COL
from .tabs.breakeven import BreakevenTab
from .tabs.cash import CashTab
from .tabs.checks import ChecksTab
from .tabs.claims import ClaimsTab
from .tabs.cover import CoverTab
from .tabs.income import IncomeTab
from .tabs.inputs import InputsTab
from .tabs.ratios import RatiosTab
from .tabs.scenarios import ScenariosTab
from .tabs.sensitivity import SensitivityTab
from .tabs.sources import SourcesTab

TABS = ["Cover", "Inputs", "Income Statement", "Ratios", "Scenarios", "Breakeven", "Cash & Funding", "Sensitivity",
        "Claims Audit", "Checks", "Sources"]
HEADER_ROWS = 3  # title, subtitle, master-check status: kept out of the error scans


def build_book(data: Dataset, scenario: str | None = None, defaults: Dataset | None = None) -> Book:
    """The workbook for `data` with `scenario` selected. `defaults`: the data files' own values when
    `data` carries edits over from a previous workbook (recorded in the build record, see meta.py)."""
    scenario = scenario or data.company.get("default_scenario") or data.scenarios[0]
    if scenario not in data.scenarios:
        raise ValueError(f"unknown scenario {scenario!r}; the data have: {', '.join(data.scenarios)}")
    book = Book(data.company['name'])
    tl = Timeline(data)
    cover = CoverTab(book, data)
    inputs = InputsTab(book, data, tl, scenario)
    income = IncomeTab(book, data, tl, inputs)
    ratios = RatiosTab(book, data, tl, inputs, income)
    scenarios = ScenariosTab(book, data, tl, inputs, income)
    breakeven = BreakevenTab(book, data, tl, inputs, income, scenarios)
    cash = CashTab(book, data, tl, inputs, income, scenarios)
    sensitivity = SensitivityTab(book, data, tl, inputs, income)
    claims = ClaimsTab(book, data, tl, inputs, income, ratios, scenarios)
    scanned = [income.sheet, ratios.sheet, scenarios.sheet, breakeven.sheet, cash.sheet, sensitivity.sheet, claims.sheet]
    checks = ChecksTab(book, data, tl, inputs, income, ratios, scenarios, breakeven, cash, sensitivity, scanned)
    SourcesTab(book, data)
    cover.fill(inputs, income, scenarios, breakeven, cash, checks, TABS)
    for sh in book.sheets:
        if sh is not cover.sheet:
            sh.put(2, LABEL_COL, IF(checks.MasterCheck.eq(0), Text("Checks: OK"),
                                    Text("Checks: FAILING — see the Checks tab")), "status")
    assert [s.name for s in book.sheets] == TABS
    if defaults is not None:
        note_edits(inputs, defaults)
    add_meta_sheet(book, inputs, defaults or data)
    book.summary = scenarios.summary  # scenario -> [breakeven year, cumulative loss, final revenue, ...]
    book.cash_summary = cash.summary  # scenario -> [lowest cash, its year, run-out year, funding need, ...]
    book.tabs = {"Scenarios": scenarios, "Breakeven": breakeven, "Cash & Funding": cash, "Sensitivity": sensitivity,
                 "Claims Audit": claims, "Checks": checks}
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 20000))
    book.evaluate()
    return book
