"""The spreadsheet engine is the judge: LibreOffice recalculates the generated workbook headless.

Every formula's recalculated value must equal the value we cached (relative tolerance 1e-9), no
cell may hold an error value, and MasterCheck must be 0 — for every scenario selected, for both
companies (Zhipu and the fictional second one). Edits made in LibreOffice must move the outputs
exactly as the Python model predicts for the same change.
"""
import copy

import pytest

from conftest import plant_wrong_cache, require_engine
from model.workbook.build import build_book
from model.calc.formula import a1
from model.data.periods import Period
from model.engine.verify import cached_values, compare
from model.workbook.writer import write_book


@pytest.fixture(scope="module")
def engine():
    require_engine()
    from model.engine import libreoffice as engine
    return engine


@pytest.fixture(scope="module")
def per_scenario(company, engine, tmp_path_factory):
    """Each scenario's workbook (the model) and LibreOffice's recalculation of it, in one engine run."""
    data = company[0]
    folder = tmp_path_factory.mktemp("scen")
    books, paths = {}, {}
    for i, sc in enumerate(data.scenarios):
        books[sc], paths[sc] = build_book(data, sc), folder / f"scenario{i}.xlsx"
        write_book(books[sc], paths[sc])
    results = engine.recalculate([{"path": p} for p in paths.values()])
    return {sc: (books[sc], paths[sc], res) for sc, res in zip(paths, results)}


def test_engine_reproduces_cached_values_for_every_scenario(company, per_scenario):
    data = company[0]
    assert len(per_scenario) == len(data.scenarios) >= 3
    for sc, (b, path, result) in per_scenario.items():
        assert result["error"] is None
        rep = compare(cached_values(path), result)
        assert rep.formulas == len(list(b.formula_cells())) > 500, sc
        assert rep.mismatches == [], sc
        assert rep.errors == [], sc
        assert rep.master == 0, sc


def test_engine_sees_the_selected_scenario(company, per_scenario):
    book = company[1]
    for sc, (_, _, result) in per_scenario.items():
        names = result["names"]
        assert names["Scenario"]["v"] == sc
        assert names["BreakevenYear"]["v"] == book.summary[sc][0].result()
        assert names["CumulativeLossToBreakeven"]["v"] == pytest.approx(book.summary[sc][1].result(), rel=1e-9)


def test_a_wrong_cached_value_is_caught(zhipu, engine, tmp_path):
    """The comparison can fail: plant a wrong cache in one cell and watch it reported."""
    planted = plant_wrong_cache(build_book(zhipu), "CumulativeLossToBreakeven", tmp_path / "tampered.xlsx")
    assert planted.where[0] == "Scenarios"
    planted.assert_caught(engine.recalculate_file(planted.path))


def assert_engine_matches(expected, result) -> int:
    """Every formula cell of the `expected` model equals LibreOffice's recalculated value (no
    error values but #N/A where the model has a chart's gap); returns how many were compared."""
    from model.calc.formula import GapValue
    from model.workbook.writer import edition_words
    words = edition_words(expected.t)   # the file writes the edition's n/a and n.m. (不适用, 无意义)
    compared = 0
    for cell in expected.formula_cells():
        got = result["cells"][cell.sheet.name].get(a1(cell.row, cell.col))
        want = cell.result()
        if isinstance(want, GapValue):   # a charted figure not available: #N/A, a gap in the chart
            assert got is not None and got["e"] == "#N/A", (cell.sheet.name, cell.row, cell.col, got)
            compared += 1
            continue
        assert got is not None and not got["e"], (cell.sheet.name, cell.row, cell.col, got)
        if isinstance(want, str):
            assert got["v"] == words(want)
        else:
            assert got["v"] == pytest.approx(want, rel=1e-9, abs=1e-12), (cell.sheet.name, a1(cell.row, cell.col))
        compared += 1
    return compared


def test_edits_in_libreoffice_move_outputs_as_the_model_predicts(zhipu, engine, tmp_path):
    """Change inputs in LibreOffice (as a user would), recalculate, and compare every formula cell
    with the Python model built from the same change."""
    path = tmp_path / "model.xlsx"
    b = build_book(zhipu)
    write_book(b, path)
    def addr(cell):
        return f"Inputs!{a1(cell.row, cell.col)}"

    # the same three changes, made once in the data and once in the workbook
    changed = copy.deepcopy(zhipu)
    # by forecast period: 2H2025E (0), FY2025E (1, the sum of its halves), 1H2026E, 2H2026E, FY2026E (4), FY2027E (5)
    changed.assumptions[("bull", "growth_cloud")][5] = 2.0          # FY2027E cloud growth 200%
    changed.assumptions[("bull", "rnd_compute_growth")][0] = 0.20   # 2H2025E compute 20% over 1H2025
    changed.actuals["rnd_compute"][Period(2024, 12)].value = 14.0   # a restated actual
    expected = build_book(changed, "bull")

    asm = lambda drv, i: b.names[f"Asm_bull_{drv}"].cells()[0][i]  # noqa: E731
    compute_2024 = b.names["Act_rnd_compute"].cells()[0][2]
    edits = [{"target": "Scenario", "value": "bull"},
             {"target": addr(asm("growth_cloud", 5)), "value": 2.0},   # the range spans 2H2025E..FY2030E
             {"target": addr(asm("rnd_compute_growth", 0)), "value": 0.20},
             {"target": addr(compute_2024), "value": 14.0}]
    result = engine.recalculate_file(path, edits=edits)

    assert assert_engine_matches(expected, result) > 800
    # and the outputs really moved
    assert result["names"]["CumulativeLossToBreakeven"]["v"] != pytest.approx(b.names["CumulativeLossToBreakeven"].result())
    assert result["names"]["MasterCheck"]["v"] == 0


def test_file_readers_that_do_not_recalculate_see_the_numbers(book, tmp_path):
    """pandas (and file previews) read the cached values: they must be the model's numbers."""
    import pandas as pd
    path = tmp_path / "m.xlsx"
    write_book(book, path)
    df = pd.read_excel(path, sheet_name="Income Statement", header=None)
    row = df[df[0] == "Total revenue"].iloc[0]
    assert 3.12414 in list(row)          # FY2024 actual, from the prospectus
    assert 0.57409 in list(row)
