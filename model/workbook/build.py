"""Build the workbook model (a `Book`) from a loaded dataset: tabs in order, formulas, names."""
from __future__ import annotations

import sys

from .book import Book, gc_paused
from ..data.dataset import Dataset
from ..calc.formula import IF, Rng, Text
from ..labels import Labels
from .chartdata import add_chart_data
from .cellkeys import column_key, period_columns
from .provenance import mark
from .record import add_meta_sheet, input_blocks
from .slots import input_slots
from .slots import note_edits
from .timeline import Timeline, LABEL_COL
from .tabs import STATUS_ROW
from .tabs.benchmarks import BenchmarksTab
from .tabs.breakeven import BreakevenTab
from .tabs.cash import CashTab
from .tabs.checks import ChecksTab
from .tabs.claims import ClaimsTab
from .tabs.cover import CoverTab
from .tabs.income import IncomeTab
from .tabs.inputs import InputsTab
from .tabs.ratios import RatiosTab
from .tabs.peers import PeersTab
from .tabs.risk import RiskTab
from .tabs.scenarios import ScenariosTab
from .tabs.sensitivity import SensitivityTab
from .tabs.sources import SourcesTab
from .tabs.trials import TrialsTab
from .tabs.units import UnitsTab
from .tabs.valuation import ValuationTab

TABS = ["cover", "inputs", "income", "ratios", "scenarios", "breakeven", "cash", "peers", "valuation", "sensitivity",
        "risk", "trials", "claims", "checks", "sources"]  # label ids (model/labels tabs.<id>), in order; no Claims
# Audit without claims, no Peers without peers, no Valuation without valuation.csv, no Risk and Trials without the
# Monte Carlo's data (risk.csv, risk.toml)


def tab_ids(data) -> list[str]:
    """The tabs of a dataset's workbook, in order: "units" after "breakeven" with the unit build (and
    "compute_refs" after it with the compute build's reference class), no "claims" without claims, no "peers"
    without peers, no "valuation" without valuation.csv, no "risk" and "trials" without the Monte Carlo."""
    tabs = [tab for tab in TABS if (data.claims or tab != "claims") and (data.peers or tab != "peers")
            and (data.valuation or tab != "valuation") and (data.risk or tab not in ("risk", "trials"))]
    if data.units:
        i = tabs.index("breakeven") + 1
        tabs = tabs[:i] + ["units"] + (["compute_refs"] if data.benchmarks else []) + tabs[i:]
    return tabs


def build_book(data: Dataset, scenario: str | None = None, lang: str = "en", defaults: Dataset | None = None) -> Book:
    """The workbook for `data` with `scenario` selected, in the edition `lang` (model/labels). `defaults`:
    the data files' own values when `data` carries edits over from a previous workbook (recorded in the
    build record, see meta.py)."""
    scenario = scenario or data.company.get("default_scenario") or data.scenarios[0]
    if scenario not in data.scenarios:
        raise ValueError(f"unknown scenario {scenario!r}; the data have: {', '.join(data.scenarios)}")
    # the data's periods and each input's resolution worked out once for the build (Dataset.kept), in the data
    # built and in the data files the inputs are compared with (note_edits, the build record) when they differ
    with gc_paused(), data.unchanged(), (defaults or data).unchanged():
        return _build(data, scenario, lang, defaults)


def _build(data: Dataset, scenario: str, lang: str, defaults: Dataset | None) -> Book:
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 20000))   # a cell's value evaluates what it reads first
    t = Labels(lang, data.company, data.base_year.code)
    book = Book(t)
    tl = Timeline(data)
    cover = CoverTab(book, data)
    inputs = InputsTab(book, data, tl, scenario)
    income = IncomeTab(book, data, tl, inputs)
    ratios = RatiosTab(book, data, tl, inputs, income)
    scenarios = ScenariosTab(book, data, tl, inputs, income)
    breakeven = BreakevenTab(book, data, tl, inputs, income, scenarios)
    units = UnitsTab(book, data, tl, inputs, income, scenarios, breakeven) if data.units else None
    refs = BenchmarksTab(book, data, tl, inputs, income, ratios) if data.benchmarks else None
    cash = CashTab(book, data, tl, inputs, income, scenarios)
    cash.link_income(income, scenarios)
    peers = PeersTab(book, data, tl, inputs, income, cash) if data.peers else None
    valuation = ValuationTab(book, data, tl, inputs, income, cash, peers) if data.valuation else None
    scenarios.link_cash(cash, valuation)
    sensitivity = SensitivityTab(book, data, tl, inputs, income, breakeven, cash)
    risk = trials = None
    if data.risk:
        risk = RiskTab(book, data, tl, inputs, income, scenarios, breakeven, cash)
        trials = TrialsTab(book, data, tl, inputs, income, cash, risk)
        risk.results(trials)
        breakeven.add_probability(risk)
    claims = ClaimsTab(book, data, tl, inputs, income, ratios, scenarios, breakeven, units) if data.claims else None
    for sh in book.sheets:   # every chart plots its tab's chart-data rows (#N/A: a gap), before the error scans
        add_chart_data(sh)
    scanned = [income.sheet, ratios.sheet, scenarios.sheet, breakeven.sheet, cash.sheet, sensitivity.sheet] + (
        [claims.sheet] if claims else []) + ([units.sheet] if units else []) + ([refs.sheet] if refs else []) + (
        [peers.sheet] if peers else []) + ([valuation.sheet] if valuation else []) + (
        [risk.sheet, trials.sheet] if risk else [])
    checks = ChecksTab(book, data, tl, inputs, income, ratios, scenarios, breakeven, cash, sensitivity, scanned, units,
                       refs, risk, trials, valuation=valuation)
    SourcesTab(book, data)
    cover.fill(inputs, income, scenarios, breakeven, cash, checks, claims, valuation, risk)
    status = IF(checks.MasterCheck.eq(0), Text(t("common.status_ok")),
                Text(t("common.status_fail", checks=t("tabs.checks"))))
    for sh in book.sheets:
        sh.put(STATUS_ROW, LABEL_COL, status, "status")
    assert [s.name for s in book.sheets] == [t(f"tabs.{tab}") for tab in tab_ids(data)]
    if defaults is not None:
        note_edits(inputs, defaults)
    add_meta_sheet(book, inputs, defaults or data)
    book.summary = scenarios.summary  # scenario -> [breakeven year, cumulative loss, final revenue, ...]
    book.cash_summary = cash.summary  # scenario -> [lowest cash, its year, run-out year, funding need, ...]
    book.tabs = {"cover": cover, "inputs": inputs, "units": units, "compute_refs": refs, "income": income, "ratios": ratios,
                 "scenarios": scenarios, "breakeven": breakeven, "cash": cash, "sensitivity": sensitivity,
                 "risk": risk, "trials": trials, "claims": claims, "checks": checks, "peers": peers,
                 "valuation": valuation}  # by tab id
    mark(book, data, inputs, income)
    book.evaluate()
    return book


def blocks_of(data: Dataset) -> dict:
    """The input blocks a build of `data` names (as record.input_blocks, each with "heads": the period
    header over each cell, FY2027E, or "", and "columns": the header over each column of the block, inputs
    or not, such as an FY sum beside its halves): what a workbook without a build record is read against,
    so that every family of input names is known from the tabs that name them (Inputs, Peers ...)."""
    book = build_book(data)
    blocks = input_blocks(book, input_slots(book.tabs["inputs"]), data)
    heads = {}
    for name, block in blocks.items():
        target = book.names[name]
        first = target.first if isinstance(target, Rng) else target
        if first.sheet.name not in heads:
            heads[first.sheet.name] = period_columns(first.sheet)
        keys = [column_key(heads[first.sheet.name], first.row + r, first.col + c) for r, c, _, _ in block["cells"]]
        block["heads"] = [k if tok.split("|")[3] and not k.startswith("#") else "" for k, (*_, tok, _) in
                          zip(keys, block["cells"])]
        block["columns"] = [column_key(heads[first.sheet.name], first.row, first.col + c)
                            for c in range(block["shape"][1])]
    return blocks

