"""A second, independent engine: Gnumeric (ssconvert --recalc) recalculates the generated workbooks
to their cached values, with no error value and MasterCheck = 0 -- the default model in both
editions and with bull and bear selected, every scenario of the second company, the large
synthetic model's first and last scenario and a synthetic one-scenario company. Gnumeric shares no code with LibreOffice; Excel itself
is not run here. All files go through one batch (ssconvert handles one file per process, two run
side by side)."""
import pytest
import xlsxwriter

from benchmarks.synthetic import write_company
from conftest import plant_wrong_cache, require_gnumeric, run
from model.data.company import load
from model.engine.verify import cached_values, compare
from model.workbook.build import build_book
from model.workbook.writer import write_book


def old_forms(path):
    """The three forms Gnumeric disagreed with, beside the portable ones the model now writes, each
    cached with the value Excel and LibreOffice give."""
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("S")
    for c in range(3):
        ws.write_number(0, c, c + 1)
    ws.write_formula("A2", "=INDEX(A1:C1,2)", None, 2)          # Gnumeric: #REF!
    ws.write_formula("A3", "=INDEX(A1:C1,1,2)", None, 2)
    ws.write_number("E1", 1)
    ws.write_formula("E2", "=1/0", None, "#DIV/0!")
    ws.write_formula("E3", "=NA()", None, "#N/A")
    ws.write_formula("F1", "=SUMPRODUCT(--ISERROR(E1:E3))", None, 2)   # Gnumeric: ISERROR(E1) only, 0
    ws.write_array_formula("F2:F2", "{=SUM(IF(ISERROR(E1:E3),1,0))}", None, 2)
    wb.close()


@pytest.fixture(scope="module")
def runs(zhipu, meridian, zhipu_units, tmp_path_factory):
    """name -> (book, path, Gnumeric's result), all recalculated in one batch; the book is None for the old
    forms and the planted wrong cached value (a Planted) for "tampered"."""
    require_gnumeric()
    from model.engine import gnumeric
    folder = tmp_path_factory.mktemp("gnumeric")
    large = load(write_company(folder / "large", horizon=25, scenarios=12, segments=6))
    books = {"en": build_book(zhipu), "zh": build_book(zhipu, lang="zh"),
             "bull": build_book(zhipu, "bull"), "bear": build_book(zhipu, "bear")}
    books.update({f"meridian {sc}": build_book(meridian, sc) for sc in meridian.scenarios})
    books.update({"units": build_book(zhipu_units), "units zh bull": build_book(zhipu_units, "bull", lang="zh")})
    books.update({f"large {sc}": build_book(large, sc) for sc in (large.scenarios[0], large.scenarios[-1])})
    # one scenario: each driver's scenario range is a single cell (Gnumeric's INDEX fails on one)
    books["one scenario"] = build_book(load(write_company(folder / "one", horizon=2, scenarios=1, segments=2)))
    paths = {name: folder / f"book{i}.xlsx" for i, name in enumerate(books)}
    for name, b in books.items():
        write_book(b, paths[name])
    books["tampered"] = plant_wrong_cache(books["en"], "CumulativeLossToBreakeven", folder / "tampered.xlsx")
    paths["tampered"] = books["tampered"].path
    paths["old forms"] = folder / "old_forms.xlsx"
    old_forms(paths["old forms"])
    results = gnumeric.recalculate(list(paths.values()))
    return {name: (books.get(name), paths[name], res) for name, res in zip(paths, results)}


BUILDS = ["en", "zh", "bull", "bear", "meridian base", "meridian upside", "meridian downside", "meridian price war",
          "large base", "large case12", "one scenario", "units", "units zh bull"]


@pytest.mark.parametrize("name", BUILDS)
def test_gnumeric_reproduces_every_cached_value(runs, name):
    book, path, result = runs[name]
    assert result["error"] is None
    rep = compare(cached_values(path), result)
    assert rep.formulas == len(list(book.formula_cells())) > 2000, name
    assert (rep.mismatches, rep.errors, rep.master) == ([], [], 0), name
    assert result["names"]["Scenario"]["v"] == book.names["Scenario"].result()


def test_every_scenario_of_both_companies_is_judged(zhipu, meridian):
    assert {"bull", "bear", "base"} == set(zhipu.scenarios)
    assert {f"meridian {sc}" for sc in meridian.scenarios} <= set(BUILDS)


def test_a_wrong_cached_value_is_caught(runs):
    planted, _, result = runs["tampered"]
    assert planted.where[0] == "Scenarios"
    planted.assert_caught(result)


def test_the_forms_gnumeric_disagrees_with_are_caught(runs):
    _, path, result = runs["old forms"]
    rep = compare(cached_values(path), result)
    assert [(c, e) for _, c, e in rep.errors] == [("A2", "#REF!"), ("E2", "#DIV/0!"), ("E3", "#N/A")]
    assert [(c, old, new) for _, c, old, new in rep.mismatches] == [("F1", 2, 0)]
    cells = result["cells"]["S"]
    assert cells["A3"]["v"] == 2 and cells["F2"]["v"] == 2   # the portable forms


def test_check_command_with_gnumeric(runs, tmp_path):
    ok = run("check", runs["zh"][1], "--engine", "gnumeric")
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "0 mismatches; 0 error values; MasterCheck = 0" in ok.stdout and ok.stdout.rstrip().endswith("OK")
    bad = run("check", runs["tampered"][1], "--engine", "gnumeric")
    assert bad.returncode == 1 and "MISMATCH Scenarios!" in bad.stdout and "FAILED" in bad.stdout


def test_check_without_gnumeric_says_what_to_install(runs, monkeypatch):
    monkeypatch.setenv("MODEL_SSCONVERT", "/nonexistent/ssconvert")
    res = run("check", runs["en"][1], "--engine", "gnumeric")
    assert res.returncode == 2 and "Gnumeric is not installed" in res.stderr and "Traceback" not in res.stderr


def test_random_companies_give_no_error_value_and_pass_their_checks(tmp_path):
    """The property test's random companies (see test_properties.py), in Gnumeric: no error value and
    MasterCheck 0. Cached values are not compared here: where two figures cancel to within 2^-48,
    LibreOffice (and the model's cache, which follows it) gives exactly 0 while Gnumeric keeps the
    rounding residue (about 1e-11), so a check difference or a ratio over that difference differs."""
    import itertools
    from hypothesis import given, settings
    from test_properties import SEED, companies, write_company as write_random
    require_gnumeric()
    from model.engine import gnumeric
    paths, folders = [], itertools.count()

    @settings(SEED, max_examples=RANDOM)
    @given(companies())
    def collect(spec):
        folder = tmp_path / f"co{next(folders)}"
        write_random(spec, folder)
        paths.append(folder / "model.xlsx")
        write_book(build_book(load(folder), spec["selected"]), paths[-1])

    collect()
    assert len(paths) == RANDOM
    for path, result in zip(paths, gnumeric.recalculate(paths)):
        rep = compare(cached_values(path), result)
        assert result["error"] is None and rep.formulas > 100, path
        assert (rep.errors, rep.master) == ([], 0), path


RANDOM = 20   # random workbooks
