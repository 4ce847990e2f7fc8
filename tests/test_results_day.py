"""Results day, end to end (issue 11): a workbook built from the January 2026 data (actuals to
1H2025) and edited in LibreOffice as a user would is rebuilt with today's data (FY2025 and 1H2026
actuals, the 2026 funding events). The edits of periods still forecast are kept (but where the new data
re-forecast the same value: a conflict the user decides on the Review tab), those of periods actuals replaced
(2H2025, 1H2026) and of a year now shown in halves (FY2027) reported as dropped with the reason,
`diff OLD NEW` shows the update per scenario, and LibreOffice
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
    # the January forecast runs in halves for FY2025 (1H2025A + 2H2025E) and FY2026 (1H2026E + 2H2026E), then by
    # year: a driver's range spans 2H2025 (offset 0), FY2025 (1, blank), 1H2026 (2), 2H2026 (3), FY2026 (4, blank),
    # FY2027 (5) ... FY2030 (8)
    edits = [{"target": address(january, "Asm_bull_adjustments", 6), "value": 3.0},       # FY2028: kept
             {"target": address(january, "Asm_bull_other_opex_growth", 6), "value": 0.2},  # FY2028: kept
             {"target": address(january, "Asm_bear_adjustments", 8), "value": 5.0},       # FY2030: kept
             {"target": address(january, "Asm_base_growth_cloud", 6), "value": 8.0},      # FY2028, re-forecast in the data
             {"target": address(january, "Asm_base_growth_onprem", 0), "value": 0.9},     # 2H2025: now actual
             {"target": address(january, "Asm_bull_rnd_compute_growth", 2), "value": 0.4},  # 1H2026: now actual
             {"target": address(january, "Asm_bear_other_opex_growth", 5), "value": 0.3}]  # FY2027: now in halves
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
    assert "Edits in zhipu_model.xlsx: 3 kept, 3 dropped, 1 to decide on the Review tab" in out
    # edits of periods still forecast whose values the new data leave as they were are kept, in their own years
    assert "kept     Asm_bull_adjustments  Non-IFRS adjustments (assumed amount)  FY2028E  bull: 3 (data 2.5)" in out
    assert "kept     Asm_bull_other_opex_growth  Other operating costs growth  FY2028E  bull: 20% (data 10%)" in out
    assert "kept     Asm_bear_adjustments  Non-IFRS adjustments (assumed amount)  FY2030E  bear: 5 (data 4)" in out
    # a value the results day re-forecast: the data file's value stands until the user decides on the Review tab
    assert ("decide   Asm_base_growth_cloud  Revenue growth — Cloud / MaaS  FY2028E  base: 800%; the data files "
            "changed it from 80% to 45% since the workbook was built: the data file's value stands until you choose "
            "on the Review tab") in out
    # 2H2025 (the rest of FY2025) and 1H2026: actuals replaced them; FY2027 now runs in halves
    lines = out.splitlines()
    for name, why in (("Asm_base_growth_onprem", "  base: 90%; 2H2025 is now an actual year (FY2025 actuals are in the data)"),
                      ("Asm_bull_rnd_compute_growth", "  bull: 40%; 1H2026 is now an actual period (1H2026 actuals are "
                                                      "in the data)"),
                      ("Asm_bear_other_opex_growth", "  bear: 30%; FY2027 is now 1H2027E plus 2H2027E (company.toml "
                                                     "split_years): its 1H2027E and 2H2027E drivers forecast the year; "
                                                     "enter the edit there if you meant it")):
        assert any(ln.strip().startswith(f"dropped  {name}  ") and why in ln for ln in lines), name
    assert "Checks: OK" in out
    # today's forecast: FY2026 = 1H2026A + 2H2026E and FY2027 = 1H2027E + 2H2027E; a driver's range spans 2H2026
    # (offset 0), FY2026 (blank), 1H2027, 2H2027, FY2027 (blank), FY2028 (5) ... FY2030 (7)
    assert named(user, "Asm_bull_adjustments")[5] == 3.0
    assert named(user, "Asm_bull_other_opex_growth")[5] == 0.2
    assert named(user, "Asm_bear_adjustments")[7] == 5.0
    assert named(user, "Asm_base_growth_cloud")[5] == 0.45
    assert named(user, "Act_revenue")[3] == FY2025_REVENUE
    # the user's January file is kept as a backup
    saved, = backup.backups(user) + backup.backups(user, "kept")   # dropped edits: a kept copy
    assert named(saved, "Asm_base_growth_onprem")[0] == 0.9


def test_the_rebuild_equals_todays_data_with_the_kept_edits(rolled):
    """The rebuilt workbook equals a build of today's data with the three kept edits applied."""
    _, _, user = rolled
    data = load(ZHIPU)
    data.assumptions[("bull", "adjustments")][5] = 3.0        # FY2028 (the list runs by forecast period from 2H2026)
    data.assumptions[("bull", "other_opex_growth")][5] = 0.2
    data.assumptions[("bear", "adjustments")][7] = 5.0
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
