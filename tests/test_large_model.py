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

    # final-year revenue of every scenario, as LibreOffice computes it, against a hand computation: each
    # segment's 1H2025 revenue (total x share) grows half on half through 2H2025, 1H2026 and 2H2026; FY2026 is
    # 1H2026 + 2H2026, then grown year by year at its assumed rates from FY2027
    h1 = Period(2025, 6)
    halves = [Period(2025, 6, 6), Period(2026, 6), Period(2026, 6, 6)]
    years = [Period(y, 12) for y in large.forecast_years[2:]]
    summary = books[large.scenarios[0]].summary
    scenarios_tab = results[0]["cells"]["Scenarios"]
    for sc in large.scenarios:
        expected = 0.0
        for k, _ in large.segments:
            g = lambda p: large.value(sc, f"growth_{k}", p)  # noqa: E731
            h = large.actual("revenue", h1) * large.actual(f"share_{k}", h1)
            h = h * (1 + g(halves[0]))                           # 2H2025
            first = h * (1 + g(halves[1]))                       # 1H2026
            fy2026 = first + first * (1 + g(halves[2]))          # + 2H2026
            expected += fy2026 * math.prod(1 + g(p) for p in years)
        cell = summary[sc][2]
        assert scenarios_tab[a1(cell.row, cell.col)]["v"] == pytest.approx(expected, rel=1e-9), sc
