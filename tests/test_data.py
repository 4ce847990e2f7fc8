"""Loading the company folder: values as typed in the files, blanks kept blank, scenarios from data."""
import shutil

import pytest

from conftest import ZHIPU
from model.data import DataError, load
from model.periods import Period, parse_period

FY = lambda y: Period(y, 12)  # noqa: E731
H1 = lambda y: Period(y, 6)  # noqa: E731


def test_periods_parse():
    assert parse_period("FY2024") == Period(2024, 12)
    assert parse_period("1H2025") == Period(2025, 6)
    assert parse_period("9M2025") == Period(2025, 9)
    assert parse_period("Q1 2025") == Period(2025, 3)
    assert parse_period("2024") is None
    assert Period(2025, 6).prior() == Period(2024, 6)


def test_zhipu_actuals_match_the_source_figures(zhipu):
    # RMB '000 figures of the prospectus, in RMB 100m
    assert zhipu.actual("revenue", FY(2022)) == 0.57409
    assert zhipu.actual("revenue", FY(2024)) == 3.12414
    assert zhipu.actual("revenue", H1(2025)) == 1.90877
    assert zhipu.actual("share_onprem", FY(2022)) == pytest.approx(0.955)
    assert zhipu.actual("gm_cloud", H1(2025)) == pytest.approx(-0.004)
    assert zhipu.actual("adjusted_net_income", FY(2024)) == -24.656
    assert zhipu.periods == [FY(2022), FY(2023), H1(2024), FY(2024), H1(2025)]


def test_unknown_values_stay_blank(zhipu):
    assert zhipu.actual("rnd_compute", FY(2022)) is None        # not disclosed
    assert zhipu.actual("selling_marketing", FY(2023)) is None
    assert zhipu.actual("cost_of_revenue", H1(2024)) is None


def test_scenarios_and_years_come_from_the_data(zhipu):
    assert zhipu.scenarios == ["base", "bull", "bear"]
    assert zhipu.forecast_years == [2025, 2026, 2027, 2028, 2029, 2030]
    assert zhipu.assumptions[("base", "growth_onprem")][0] == pytest.approx(1.0)
    assert zhipu.rationales[("bear", "gm_cloud")]


def test_sources_and_references_load(zhipu):
    ids = {s["id"] for s in zhipu.sources}
    assert {"note", "S1", "S7"} <= ids
    assert any(r.metric == "rnd_to_revenue" and r.period == H1(2025) and r.value == pytest.approx(8.35)
               for r in zhipu.references)


@pytest.fixture
def copy(tmp_path):
    dst = tmp_path / "co"
    shutil.copytree(ZHIPU, dst)
    return dst


def edit(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_text_in_a_number_column_names_file_row_and_column(copy):
    edit(copy / "actuals.csv", "revenue,FY2023,1.24538", "revenue,FY2023,abc")
    with pytest.raises(DataError) as e:
        load(copy)
    assert (e.value.file, e.value.row, e.value.column) == ("actuals.csv", 3, "value")
    assert "abc" in str(e.value)


def test_unknown_driver_gets_a_hint(copy):
    edit(copy / "assumptions.csv", "base,growth_cloud,", "base,growth_clod,")
    with pytest.raises(DataError, match="did you mean 'growth_cloud'"):
        load(copy)


def test_scenario_missing_a_driver_is_reported(copy):
    lines = (copy / "assumptions.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    (copy / "assumptions.csv").write_text("".join(l for l in lines if not l.startswith("bear,gm_cloud")), encoding="utf-8")
    with pytest.raises(DataError, match="'bear' has no row for driver 'gm_cloud'"):
        load(copy)


def test_growth_below_minus_100_percent_is_rejected(copy):
    edit(copy / "assumptions.csv", "bear,growth_onprem,70%", "bear,growth_onprem,-120%")
    with pytest.raises(DataError) as e:
        load(copy)
    assert e.value.column == "FY2025" and "below -100%" in str(e.value)
