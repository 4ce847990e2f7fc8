"""The benchmark's large synthetic company (25 forecast years, 12 scenarios, 6 segments) builds, and
LibreOffice recalculates it to its cached values with MasterCheck 0.

Every workbook computes all 12 scenarios on its Scenarios tab; the selection only moves the INDEX /
CHOOSE lookups, so the first and the last scenario selected bound them (about a second of
LibreOffice each; tests/test_engine.py selects every scenario of the default model)."""
import math

import pytest

from benchmarks.synthetic import write_company
from conftest import require_engine
from model.workbook.build import build_book
from model.data.company import load
from model.calc.formula import a1
from model.data.periods import Period
from model.engine.verify import cached_values, compare
from model.workbook.writer import write_book


@pytest.fixture(scope="module")
def large(tmp_path_factory):
    return load(write_company(tmp_path_factory.mktemp("large"), horizon=25, scenarios=12, segments=6))


def test_the_synthetic_company_has_the_requested_size(large):
    assert len(large.segments) == 6 and len(large.scenarios) == 12
    assert large.forecast_years == list(range(2025, 2050))


def test_libreoffice_recalculates_the_large_model_to_its_cached_values(large, tmp_path):
    require_engine()
    from model.engine import libreoffice as engine
    books, paths = {}, {}
    for sc in (large.scenarios[0], large.scenarios[-1]):
        books[sc] = build_book(large, sc)
        paths[sc] = tmp_path / f"{sc}.xlsx"
        write_book(books[sc], paths[sc])
    results = engine.recalculate([{"path": p} for p in paths.values()])
    for sc, result in zip(paths, results):
        assert result["error"] is None, sc
        rep = compare(cached_values(paths[sc]), result)
        assert rep.formulas > 9000
        assert (rep.mismatches, rep.errors, rep.master) == ([], [], 0), sc
        assert result["names"]["Scenario"]["v"] == sc

    # final-year revenue of every scenario, as LibreOffice computes it, against a hand computation:
    # each segment's FY2025 revenue is its 1H2025 revenue (total x share) plus 2H2025 = 1H2025 x (1 + the rest
    # growth), then grown year by year at its assumed rates
    h1 = Period(2025, 6)
    summary = books[large.scenarios[0]].summary
    scenarios_tab = results[0]["cells"]["Scenarios"]
    for sc in large.scenarios:
        expected = sum(large.actual("revenue", h1) * large.actual(f"share_{k}", h1)
                       * (2 + large.assumptions[(sc, f"rest_growth_{k}")][0])
                       * math.prod(1 + g for g in large.assumptions[(sc, f"growth_{k}")][1:])
                       for k, _ in large.segments)
        cell = summary[sc][2]
        assert scenarios_tab[a1(cell.row, cell.col)]["v"] == pytest.approx(expected, rel=1e-9), sc
