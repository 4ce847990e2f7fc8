"""The ARR bridge (arr.csv with market.csv's ARR claims): the claim's run-rate revenue of the next half after
each scenario's haircut beside the scenario's forecast of it, and every ARR claim beside the ARR each scenario's
revenue implies. Checked by hand against the source figures (Zhipu's US$1.6bn at 31 August 2026, its 1H2026
cloud revenue of RMB 825.2m), bad rows refused with file, row and column, an edit written back to arr.csv, and
the bridge live in LibreOffice."""
import copy

import pytest

from conftest import ROOT, ZHIPU, copy_folder, plant_wrong_cache, require_engine, run
from model.data.company import load
from model.data.periods import Period
from model.workbook.build import build_book
from model.workbook.writer import write_book
from test_regenerate import edit

H1, H2 = Period(2026, 6), Period(2026, 6, 6)
FX = 7.18                        # RMB per US$ (market.csv, the events' assumption)
HAIRCUT = {"base": 0.65, "bull": 0.40, "bear": 0.80}   # arr.csv
CLAIM = 16                       # US$1.6bn at 31 August 2026 in US$ 100m (market.csv arr_aug, grade C)
CLOUD_1H2026 = 825.2 / 100       # RMB 825.2m, the 1H2026 interim (reference file, grade A), in RMB 100m
ARRCO = ROOT / "tests" / "data" / "arrco"   # fictional: Halfco (tests/test_interim.py) with ARR claims in US$ at 7.0


@pytest.fixture(scope="module")
def zhipu():
    return load(ZHIPU)   # Zhipu on growth rates: the next half is the interim x (1 + the 2H growth driver)


@pytest.fixture(scope="module")
def book(zhipu):
    return build_book(zhipu)


@pytest.fixture(scope="module")
def view(book):
    return book.tabs["scenarios"].arr


def value(view, key, sc=""):
    return view.cells[(key, sc)].result()


def test_the_file_names_the_claim_the_segment_and_each_scenarios_haircut(zhipu):
    bridge = zhipu.arr
    assert (bridge.segment, bridge.claim.id, bridge.claim.value, bridge.claim.fx_rate) == ("cloud", "arr_aug", CLAIM, FX)
    assert {sc: bridge.haircut(sc) for sc in zhipu.scenarios} == HAIRCUT and bridge.band == 0.25
    assert all(bridge.figures[("haircut", sc)].grade == "assumption" and bridge.figures[("haircut", sc)].rationale
               and bridge.figures[("haircut", sc)].local.get("rationale_zh") for sc in zhipu.scenarios)


def test_the_claims_run_rate_of_the_next_half_by_hand(zhipu, view, book):
    """US$1.6bn x 7.18 = RMB 11.488bn a year; half of it after each haircut."""
    assert value(view, "claimed_local") == pytest.approx(CLAIM * FX)
    blocks = book.tabs["scenarios"].blocks
    for sc, h in HAIRCUT.items():
        run_rate = CLAIM * FX * (1 - h) * 6 / 12
        assert value(view, "run_rate", sc) == pytest.approx(run_rate)
        forecast = blocks[sc].cell("rev_cloud", H2).result()
        assert value(view, "forecast", sc) == pytest.approx(forecast)
        assert value(view, "gap", sc) == pytest.approx(forecast / run_rate - 1)
        assert value(view, "implied_haircut", sc) == pytest.approx(1 - forecast / (CLAIM * FX / 2))
    outside = sum(abs(value(view, "gap", sc)) > 0.25 for sc in HAIRCUT)
    assert view.outside.result() == outside == book.names["ArrOutsideBand"].result()


def test_zhipus_second_half_implies_an_arr_far_below_the_claim(zhipu, view):
    """Each scenario's 2H2026E cloud revenue (1H2026's actual x (1 + its 2H growth), by hand from the data
    files) annualised at 7.18 against the claimed US$1.6bn at 31 August."""
    for sc in zhipu.scenarios:
        forecast = value(view, "forecast", sc)
        # the data give 1H2026's cloud revenue as a share of revenue (86.5% of 9.539 = 8.251, the report's 8.252)
        assert forecast == pytest.approx(CLOUD_1H2026 * (1 + zhipu.value(sc, "growth_cloud", H2)), rel=2e-4)
        implied = forecast * 2 / FX
        assert view.cells[("arr_aug", sc)].result() == pytest.approx(implied)
        assert view.cells[("arr_aug", "gap", sc)].result() == pytest.approx(implied / CLAIM - 1)
        assert implied < CLAIM   # every scenario sits below the claim: the interim does not confirm it


def test_a_claim_in_the_actual_half_is_set_against_the_interim(zhipu, view):
    """CLSA's US$250m in March 2026 against 1H2026's actual cloud revenue, annualised: US$229.9m (-8%)."""
    actual_arr = CLOUD_1H2026 * 2 / FX
    for sc in zhipu.scenarios:
        assert view.cells[("clsa_arr", sc)].result() == pytest.approx(actual_arr, rel=1e-4)
        assert view.cells[("clsa_arr", "gap", sc)].result() == pytest.approx(actual_arr / 2.5 - 1, abs=1e-3)   # -8%


def test_a_year_end_forecast_of_arr_is_set_against_the_years_last_half(view, book):
    """HSBC's year-end 2026 API ARR (US$2.0bn) falls at 31 December: the last column holding it is 2H2026E."""
    sh = book.tabs["scenarios"].sheet
    label = sh.cell_at(view.rows["hsbc_arr"], 0).content
    assert label.endswith("against 2H2026E"), label
    assert view.cells[("hsbc_arr", "base")].result() == pytest.approx(value(view, "forecast", "base") * 2 / FX)


def test_without_arr_csv_there_is_no_bridge(tmp_path):
    folder = tmp_path / "zhipu"
    copy_folder(ZHIPU, folder)
    (folder / "arr.csv").unlink()
    data = load(folder)
    book = build_book(data)
    assert data.arr is None and not book.tabs["scenarios"].arr.height and "ArrOutsideBand" not in book.names


BAD = [
    ("haircut,base,65%,,assumption,again", "item", "given twice"),
    ("haircut,upside,65%,,assumption,why", "scenario", "haircut needs a scenario"),
    ("haircut,,65%,,assumption,why", "scenario", "haircut needs a scenario"),
    ("band,base,25%,,assumption,why", "scenario", "leave scenario blank"),
    ("runrate,,25%,,assumption,why", "item", "unknown item 'runrate'"),
]


@pytest.mark.parametrize("row,column,why", BAD)
def test_bad_rows_are_refused_with_file_row_and_column(tmp_path, row, column, why):
    folder = tmp_path / "zhipu"
    copy_folder(ZHIPU, folder)
    path = folder / "arr.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join(lines + [row]) + "\n", encoding="utf-8")
    out = tmp_path / "model.xlsx"
    res = run("build", "--data", folder, "--out", out)
    assert res.returncode == 2 and "Traceback" not in res.stderr
    assert f"arr.csv, row {len(lines) + 1}, column '{column}'" in res.stderr and why in res.stderr, res.stderr
    assert not out.exists()


@pytest.mark.parametrize("old,new,column,why", [
    ("haircut,bull,40%", "haircut,bull,140%", "value", "140% is not allowed here: expected a share from 0% to 100%"),
    ("claim,,arr_aug", "claim,,hsbc_arr", "value", "not an ARR stated at a date"),
    ("claim,,arr_aug", "claim,,arr_july", "value", "not an id of market.csv"),
    ("segment,,cloud", "segment,,api", "value", "unknown segment 'api'"),
    ("haircut,bear,80%,,assumption,\"Assumption: the claim is mostly promotional and prepaid volume that is not "
     "recognised as revenue (coding plans sold at list, free quotas); a fifth of it turns into 2H2026 revenue\"",
     "haircut,bear,80%,,assumption,", "rationale", "say why"),
])
def test_bad_values_are_refused_with_file_row_and_column(tmp_path, old, new, column, why):
    folder = tmp_path / "zhipu"
    copy_folder(ZHIPU, folder)
    path = folder / "arr.csv"
    text = path.read_text(encoding="utf-8")
    assert old in text
    text = text.replace(old, new)
    path.write_text(text, encoding="utf-8")
    n = next(i for i, ln in enumerate(text.splitlines(), 1) if ln.startswith(new))
    out = tmp_path / "model.xlsx"
    res = run("build", "--data", folder, "--out", out)
    assert res.returncode == 2 and "Traceback" not in res.stderr
    assert f"arr.csv, row {n}, column '{column}'" in res.stderr and why in res.stderr, res.stderr
    assert not out.exists()


def test_a_missing_scenario_and_a_missing_claim_are_named(tmp_path):
    folder = tmp_path / "zhipu"
    copy_folder(ZHIPU, folder)
    path = folder / "arr.csv"
    path.write_text("".join(ln for ln in path.read_text(encoding="utf-8").splitlines(True)
                            if not ln.startswith(("haircut,bear", "claim,"))), encoding="utf-8")
    market = folder / "market.csv"
    market.write_text("".join(ln for ln in market.read_text(encoding="utf-8").splitlines(True)
                              if ",arr," not in ln), encoding="utf-8")
    res = run("build", "--data", folder, "--out", tmp_path / "m.xlsx")
    assert res.returncode == 2 and "Traceback" not in res.stderr
    assert "haircut bear is required" in res.stderr and "market.csv has none" in res.stderr, res.stderr


def test_an_edited_haircut_is_written_back_to_arr_csv(tmp_path):
    folder = tmp_path / "zhipu"
    copy_folder(ZHIPU, folder)
    out = tmp_path / "model.xlsx"
    assert run("build", "--data", folder, "--out", out).returncode == 0
    edit(out, out, {("Arr_haircut_bull", 0): 0.5, ("Arr_band", 0): 0.3})
    res = run("edits", out, "--data", folder, "--apply")
    assert res.returncode == 0, res.stderr
    rows = {tuple(ln.split(",")[:2]): ln.split(",")[2] for ln in (folder / "arr.csv").read_text(encoding="utf-8")
            .splitlines() if ln and not ln.startswith("#")}
    assert rows[("haircut", "bull")] == "50%" and rows[("band", "")] == "30%"
    assert load(folder).arr.haircut("bull") == 0.5


def test_the_bridge_is_live_in_libreoffice(zhipu, book, tmp_path):
    """Edit base's haircut in LibreOffice to the one its forecast implies: the workbook recalculates to the model
    rebuilt with it, cell for cell, and base leaves the review flag; a wrong cached run rate is caught."""
    require_engine()
    from model.engine import libreoffice as engine
    from test_engine import assert_engine_matches
    view = book.tabs["scenarios"].arr
    path = tmp_path / "model.xlsx"
    write_book(book, path)
    implied = value(view, "implied_haircut", "base")
    changed = copy.deepcopy(zhipu)
    changed.arr.figures[("haircut", "base")].value = implied
    result = engine.recalculate_file(path, edits=[{"target": "Arr_haircut_base", "value": implied}])
    rebuilt = build_book(changed)
    assert assert_engine_matches(rebuilt, result) > 1000
    assert rebuilt.tabs["scenarios"].arr.cells[("gap", "base")].result() == pytest.approx(0, abs=1e-12)
    was_out = abs(value(view, "gap", "base")) > 0.25
    assert result["names"]["ArrOutsideBand"]["v"] == book.names["ArrOutsideBand"].result() - was_out
    planted = plant_wrong_cache(book, view.cells[("run_rate", "bull")], tmp_path / "t.xlsx")
    planted.assert_caught(engine.recalculate_file(planted.path))


# --- a small company by hand (tests/data/arrco) ---------------------------------------------------------------

@pytest.fixture(scope="module")
def arrco():
    return load(ARRCO)


@pytest.fixture(scope="module")
def arrco_book(arrco):
    return build_book(arrco)


def test_a_small_companys_bridge_by_hand(arrco, arrco_book):
    """Arrco's api revenue was 12 in 1H2026; its 2H2026E grows 50% (base) or -20% (bear) half on half. The claim
    (the latest at a date: US$6 (100m) on 15 August 2026 at 7.0) is RMB 42 a year, 21 a half before any haircut."""
    view = arrco_book.tabs["scenarios"].arr
    assert arrco.arr.claim.id == "arr_aug26" and arrco.arr.segment == "api"
    second_half = {"base": 12 * 1.5, "bear": 12 * 0.8}
    for sc, haircut in {"base": 0.2, "bear": 0.3}.items():
        run_rate = 6 * 7.0 * (1 - haircut) * 6 / 12                 # 16.8 and 14.7
        assert value(view, "run_rate", sc) == pytest.approx(run_rate)
        assert value(view, "forecast", sc) == pytest.approx(second_half[sc])
        assert value(view, "gap", sc) == pytest.approx(second_half[sc] / run_rate - 1)     # +7.1% and -34.7%
        assert value(view, "implied_haircut", sc) == pytest.approx(1 - second_half[sc] / 21)
    assert view.outside.result() == 1      # bear only: -34.7% is beyond the 25% band, base's +7.1% within it
    checks = arrco_book.tabs["checks"]
    assert checks.arr_review.result() == 1 and arrco_book.names["MasterCheck"].result() == 0   # a review flag, not a failure


@pytest.mark.parametrize("claim,period,revenue", [
    ("arr_jun25", "1H2025A", {"base": 4 * 2, "bear": 4 * 2}),        # the comparative interim, not FY2025
    ("arr_nov25", "FY2025A", {"base": 10, "bear": 10}),              # no 2H2025 column: the full year
    ("arr_mar26", "1H2026A", {"base": 12 * 2, "bear": 12 * 2}),      # the interim's actual
    ("arr_aug26", "2H2026E", {"base": 18 * 2, "bear": 9.6 * 2}),     # the next half, each scenario's own
    ("bx_ye26", "2H2026E", {"base": 18 * 2, "bear": 9.6 * 2}),       # a year-end forecast: the year's last half
])
def test_each_claim_against_the_column_holding_its_date_by_hand(arrco, arrco_book, claim, period, revenue):
    view = arrco_book.tabs["scenarios"].arr
    est = next(e for e in arrco.market if e.id == claim)
    label = arrco_book.tabs["scenarios"].sheet.cell_at(view.rows[claim], 0).content
    assert label.endswith(f"against {period}"), label
    for sc in arrco.scenarios:
        implied = revenue[sc] / 7.0
        assert view.cells[(claim, sc)].result() == pytest.approx(implied)
        assert view.cells[(claim, "gap", sc)].result() == pytest.approx(implied / est.value - 1)


def test_the_small_companys_bridge_in_libreoffice(arrco_book, tmp_path):
    """LibreOffice recalculates the small company's workbook to the same figures; a wrong cached implied ARR in
    an actual column is caught."""
    require_engine()
    from model.engine import libreoffice as engine
    from test_engine import assert_engine_matches
    path = tmp_path / "arrco.xlsx"
    write_book(arrco_book, path)
    assert assert_engine_matches(arrco_book, engine.recalculate_file(path)) > 500
    view = arrco_book.tabs["scenarios"].arr
    planted = plant_wrong_cache(arrco_book, view.cells[("arr_mar26", "bear")], tmp_path / "t.xlsx")
    planted.assert_caught(engine.recalculate_file(planted.path))
