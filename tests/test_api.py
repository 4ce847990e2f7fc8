"""The notebook API (model/api.py) against the workbook it writes, read back by openpyxl (an
independent reader): every figure of the Income Statement and Ratios tabs, and the scenario
headline, equals the value the workbook caches, label for label and period for period."""
import math
import re
import subprocess
import sys
from pathlib import Path

import openpyxl
import pytest

import model

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "templates" / "zhipu"


def header_label(cell):
    """A period header as Excel shows it: 2025 under the format "FY"0"E" reads FY2025E."""
    return re.sub(r'"([^"]*)"0"([^"]*)"', lambda m: f"{m.group(1)}{cell.value}{m.group(2)}", cell.number_format)


def sheet_rows(ws, header_row=5, formulas=None):
    """{row label: {period label: cached value}} for a tab laid out by period columns. With the
    formula view of the same sheet, a label typed on two rows maps to None (ambiguous); labels that
    are formulas (a chart's data repeating a row's label) are not rows of their own."""
    periods = {c.column: header_label(c) for c in ws[header_row] if isinstance(c.value, int)}
    rows = {}
    for r in range(header_row + 1, ws.max_row + 1):
        label = ws.cell(r, 1).value
        typed = formulas.cell(r, 1).value if formulas is not None else label
        if isinstance(label, str) and not str(typed).startswith("="):
            values = {p: ws.cell(r, col).value for col, p in periods.items()}
            rows[label] = None if label in rows and formulas is not None else rows.get(label, values)
    return rows


def same(api_value, cached):
    if isinstance(cached, (int, float)):
        return math.isclose(api_value, cached, rel_tol=1e-12, abs_tol=1e-15)
    return math.isnan(api_value)  # blank or n/a in the workbook


@pytest.fixture(scope="module")
def zhipu():
    return model.load(DATA)


@pytest.mark.parametrize("scenario", ["base", "bull"])
def test_frames_equal_the_workbooks_cached_values(zhipu, scenario, tmp_path):
    path = tmp_path / f"{scenario}.xlsx"
    zhipu.write(path, scenario)
    wb = openpyxl.load_workbook(path, data_only=True)
    typed = openpyxl.load_workbook(path)
    for frame, tab in ((zhipu.income_statement(scenario), "Income Statement"), (zhipu.ratios(scenario), "Ratios")):
        rows = sheet_rows(wb[tab], formulas=typed[tab])
        periods = [c for c in frame.columns if c not in ("label", "unit")]
        assert periods == list(next(iter(rows.values())))  # the same period columns, in order
        for key, line in frame.iterrows():
            cached = rows[line["label"]]
            assert cached is not None, (tab, key, line["label"], "labels two rows: a reader cannot tell them apart")
            bad = [(p, line[p], cached[p]) for p in periods if not same(line[p], cached[p])]
            assert not bad, (tab, key, bad)
        assert len(frame) > 10


def test_revenue_row_is_the_cached_total_revenue(zhipu, tmp_path):
    """The issue's done-when, on its own: revenue per period for the base scenario."""
    path = tmp_path / "base.xlsx"
    zhipu.write(path, "base")
    rows = sheet_rows(openpyxl.load_workbook(path, data_only=True)["Income Statement"])
    revenue = zhipu.income_statement("base").loc["revenue"]
    assert revenue["label"] == "Total revenue"
    assert revenue["FY2024A"] == pytest.approx(3.12414)  # the prospectus figure, RMB 312.414m
    for period, cached in rows["Total revenue"].items():
        assert revenue[period] == pytest.approx(cached, rel=1e-12)


def test_scenario_headline_equals_the_scenarios_tab(zhipu, tmp_path):
    path = tmp_path / "base.xlsx"
    zhipu.write(path)
    ws = openpyxl.load_workbook(path, data_only=True)["Scenarios"]
    head = next(r for r in range(1, 30) if ws.cell(r, 1).value == "Scenario")
    headings = {ws.cell(head, c).value: c for c in range(3, 12) if ws.cell(head, c).value}
    frame = zhipu.scenarios()
    assert list(frame.index) == zhipu.scenario_names
    for r in range(head + 2, head + 2 + len(frame)):
        sc = ws.cell(r, 1).value
        for heading, col in headings.items():
            cached, value = ws.cell(r, col).value, frame.loc[sc, heading]
            assert value == cached if isinstance(cached, str) else value == pytest.approx(cached, rel=1e-12)


def test_write_keeps_the_users_edits_like_build(zhipu, tmp_path):
    """write() goes through the CLI's regeneration: a second write over a workbook backs it up first."""
    path = tmp_path / "m.xlsx"
    first = zhipu.write(path)   # a first write reports only the data's notes (rows a build does not use), each naming its file
    assert first and all(line.startswith("note: ") and re.search(r"\b\w+\.(csv|toml)\b", line) for line in first)
    assert not any("backed up" in line for line in first)
    report = zhipu.write(path)
    assert any("backed up" in line for line in report)
    assert list(tmp_path.glob("m.backup-*.xlsx"))


def test_the_cli_does_not_import_pandas(tmp_path):
    code = ("import sys; sys.argv = ['cli.py', 'build', '--out', sys.argv[1]]; import cli\n"
            "try:\n    cli.main()\nexcept SystemExit:\n    pass\n"
            "print('pandas' in sys.modules, 'model.api' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code, str(tmp_path / "x.xlsx")], cwd=ROOT, capture_output=True,
                         text=True, check=True).stdout.split()[-2:]
    assert out == ["False", "False"]


def test_zh_edition_and_an_unknown_scenario(zhipu):
    zh = model.load(DATA, lang="zh")
    assert zh.income_statement().loc["revenue", "label"] != zhipu.income_statement().loc["revenue", "label"]
    assert zh.income_statement().loc["revenue", "FY2024A"] == zhipu.income_statement().loc["revenue", "FY2024A"]
    with pytest.raises(ValueError, match="unknown scenario"):
        zhipu.income_statement("nope")
