"""Results day, end to end (issue 11): a workbook built from the January 2026 data (actuals to
1H2025) and edited in LibreOffice as a user would is rebuilt with today's data (FY2025 and 1H2026
actuals, the 2026 funding events). The FY2027+ edits are kept (but where the new data re-forecast
the same value: a conflict for the user to decide on the Review tab), the FY2025 ones reported as dropped because
actuals replaced them, `diff OLD NEW` shows the update per scenario, and LibreOffice
recalculates the rebuilt workbook with no mismatch and no error value."""
import shutil

import pytest

from conftest import ZHIPU, ZHIPU_JAN, require_engine, run
from model.data.company import load
from model.engine.verify import cached_values, compare
from model.regen import backup
from model.workbook.build import build_book
from test_regenerate import named
from test_regenerate_engine import address

# Published figures (shared reference: zhipu-results-2025-2026.md), RMB 100m
FY2025_REVENUE = 7.24334          # RMB 724,334k
H1_2026_REVENUE = 9.539           # RMB 953.9m


@pytest.fixture(scope="module")
def engine():
    require_engine()
    from model.engine import libreoffice as engine
    return engine


@pytest.fixture(scope="module")
def rolled(engine, tmp_path_factory):
    """The January workbook, edited in LibreOffice, then rebuilt with today's data."""
    tmp = tmp_path_factory.mktemp("results_day")
    january = tmp / "january.xlsx"
    assert run("build", "--data", ZHIPU_JAN, "--out", january).returncode == 0
    user = tmp / "zhipu_model.xlsx"
    # the January forecast runs FY2025..FY2030, FY2025 = 1H2025A + 2H2025E: the full-year drivers' ranges
    # start at FY2026 (offset 0), the rest_ drivers' are the one 2H2025E cell
    edits = [{"target": address(january, "Asm_bull_adjustments", 1), "value": 3.0},       # FY2027: kept
             {"target": address(january, "Asm_bull_other_opex_growth", 1), "value": 0.2},  # FY2027: kept
             {"target": address(january, "Asm_bear_adjustments", 4), "value": 5.0},       # FY2030: kept
             {"target": address(january, "Asm_base_growth_cloud", 1), "value": 8.0},      # FY2027, re-forecast in the data
             {"target": address(january, "Asm_base_rest_growth_onprem", 0), "value": 0.9},     # 2H2025: now actual
             {"target": address(january, "Asm_bull_rest_rnd_compute_growth", 0), "value": 0.4}]  # 2H2025: now actual
    engine.recalculate_file(january, edits=edits, save_as=user)
    edited = tmp / "edited_copy.xlsx"
    shutil.copy(user, edited)
    # today's templates/zhipu on the growth-rate build (ZHIPU: without the unit files, as the January data), over
    # the user's workbook
    res = run("build", "--data", ZHIPU, "--out", user)
    return res, edited, user


def test_the_rebuild_keeps_forecast_edits_and_drops_the_replaced_year(rolled):
    res, _, user = rolled
    assert res.returncode == 0, res.stderr
    out = res.stdout
    assert "Edits in zhipu_model.xlsx: 3 kept, 2 dropped, 1 to decide on the Review tab" in out
    # FY2027+ edits of values the new data leave as they were are kept, in their own years
    assert "kept     Asm_bull_adjustments  Non-IFRS adjustments (assumed amount)  FY2027E  bull: 3 (data 2.5)" in out
    assert "kept     Asm_bull_other_opex_growth  Other operating costs growth  FY2027E  bull: 20% (data 10%)" in out
    assert "kept     Asm_bear_adjustments  Non-IFRS adjustments (assumed amount)  FY2030E  bear: 5 (data 4)" in out
    # a value the results day re-forecast: the data file's value stands until the user decides on the Review tab
    assert ("decide   Asm_base_growth_cloud  Revenue growth — Cloud / MaaS  FY2027E  base: 800%; the data files "
            "changed it from 100% to 80% since the workbook was built: the data file's value stands until you choose "
            "on the Review tab") in out
    # 2H2025 edits (the rest of FY2025): actuals replaced them
    for name, value in (("Asm_base_rest_growth_onprem", "base: 90%"), ("Asm_bull_rest_rnd_compute_growth", "bull: 40%")):
        assert any(ln.strip().startswith(f"dropped  {name}  ") and f"  {value}; FY2025 is now an actual year (FY2025 actuals "
                   "are in the data)" in ln for ln in out.splitlines()), name
    assert "Checks: OK" in out
    # today's forecast: FY2026 = 1H2026A + 2H2026E, the full-year drivers' ranges run FY2027..FY2030
    assert named(user, "Asm_bull_adjustments")[0] == 3.0
    assert named(user, "Asm_bull_other_opex_growth")[0] == 0.2
    assert named(user, "Asm_bear_adjustments")[3] == 5.0
    assert named(user, "Asm_base_growth_cloud")[0] == 0.8
    assert named(user, "Act_revenue")[3] == FY2025_REVENUE
    # the user's January file is kept as a backup
    saved, = backup.backups(user) + backup.backups(user, "kept")   # dropped edits: a kept copy
    assert named(saved, "Asm_base_rest_growth_onprem")[0] == 0.9


def test_the_rebuild_equals_todays_data_with_the_kept_edits(rolled):
    """The rebuilt workbook equals a build of today's data with the three kept edits applied."""
    _, _, user = rolled
    data = load(ZHIPU)
    data.assumptions[("bull", "adjustments")][1] = 3.0        # FY2027 (the list runs from FY2026)
    data.assumptions[("bull", "other_opex_growth")][1] = 0.2
    data.assumptions[("bear", "adjustments")][4] = 5.0
    book = build_book(data)
    assert named(user, "Scenario") == ["base"]
    for sc in data.scenarios:
        expected = [c.result() for c in book.summary[sc][:3]]
        assert cached_summary(user, sc) == [pytest.approx(v, rel=1e-12) if isinstance(v, float) else v
                                            for v in expected]


def cached_summary(path, sc):
    """A scenario's row of the Scenarios tab's summary (breakeven, cumulative loss, final revenue)."""
    import openpyxl
    ws = openpyxl.load_workbook(path, data_only=True)["Scenarios"]
    row = next(r for r in ws.iter_rows() if r[0].value == sc and isinstance(r[3].value, (int, float)))
    return [c.value for c in row[2:5]]


def test_diff_shows_the_update_per_scenario(rolled):
    _, edited, user = rolled
    res = run("diff", edited, user)
    assert res.returncode == 0, res.stderr
    out = res.stdout.splitlines()
    inputs = out[0]
    assert inputs.startswith("Inputs: ") and "added" in inputs and "removed" in inputs
    assert any("Act_revenue" in ln and "FY2025A" in ln and "7.24334" in ln for ln in out)   # the new actual
    for sc in ("base", "bull", "bear"):
        headline = next(ln for ln in out if ln.startswith(f"  {sc}: "))
        assert "unchanged" not in headline and "Revenue, final year" in headline
        assert any(ln.startswith(f"Scenario {sc}: ") and "moved" in ln for ln in out)


def fy2026_revenue_cell(path) -> str:
    """The Income Statement's FY2026E total revenue cell, found by its row label and column header."""
    import openpyxl
    from model.regen.userbook import header_period
    ws = openpyxl.load_workbook(path)["Income Statement"]
    col = next(c.column_letter for c in ws[5] if header_period(c.value, c.number_format) == ("FY2026", "E"))
    row = next(c.row for c in ws["A"] if c.value == "Total revenue")
    return f"{col}{row}"


def test_libreoffice_recalculates_the_rolled_workbook_for_every_scenario(engine, rolled):
    """No mismatch and no error value with each scenario selected, and FY2026E revenue at least the
    1H2026 actual (a year cannot be below its first half)."""
    _, _, user = rolled
    cached = cached_values(user)
    scenarios = load(ZHIPU).scenarios
    results = engine.recalculate([dict(path=user, edits=[{"target": "Scenario", "value": sc}], save_as=None, pdf=None)
                                  for sc in scenarios])
    revenue = fy2026_revenue_cell(user)
    for sc, lo in zip(scenarios, results):
        assert not lo["error"], lo["error"]
        assert lo["names"]["MasterCheck"]["v"] == 0 and not lo["names"]["MasterCheck"].get("e")
        assert lo["cells"]["Income Statement"][revenue]["v"] >= H1_2026_REVENUE, sc
        rep = compare(cached, lo)
        assert rep.formulas > 800 and rep.errors == []
        if sc == "base":   # the selection saved in the file: every cached value is LibreOffice's
            assert rep.mismatches == [] and rep.master == 0
    # the comparison can fail: a planted wrong cached value is reported
    wrong = {sheet: dict(cells) for sheet, cells in cached.items()}
    wrong["Income Statement"][revenue] += 1
    assert [m[:2] for m in compare(wrong, results[0]).mismatches] == [("Income Statement", revenue)]
