"""Where figures cancel, the cached value must be the engine's, not rounding noise: a difference of
two numbers that agree to 2^-48 is 0 in LibreOffice (so a guard `<> 0` sees 0), SUM is compensated,
and the formula text keeps the order of evaluation. Found by the property tests: a flat scenario's
revenue change was 4e-16 in Python (an incremental margin of 1e15) and 0 in LibreOffice (n/a); a
sensitivity delta differed by 2.5e-9 relative because 1+(g+step) was written as 1+g+step."""
import pytest

from conftest import require_engine
from model.workbook.book import Book
from model.calc.formula import IF, SUM, Rng, approx_equal, ratio
from model.workbook.writer import write_book

# (values in A1.., a formula over them) -> the value LibreOffice computes
CASES = [
    ([0.1, 0.2, 0.3], lambda c: c[0].ref() + c[1].ref() - c[2].ref(), 0.0),
    ([0.1, 0.2, 0.3], lambda c: c[2].ref() - (c[0].ref() + c[1].ref()), 0.0),
    ([0.1, 0.2, 0.3], lambda c: c[0].ref() + c[1].ref(), 0.30000000000000004),     # no cancellation: exact
    ([0.1, 0.2, 0.3], lambda c: SUM(Rng(c[0], c[2])), 0.6),                         # naive: 0.6000000000000001
    ([2.64, 0.48, 3.12], lambda c: SUM(Rng(c[0], c[1])) - c[2].ref(), 0.0),
    ([3.0, 1.0, 3.0000000000000004], lambda c: c[2].ref() - c[0].ref(), 0.0),
    ([5.0, 4.0, 9.0], lambda c: c[2].ref() - c[0].ref() - c[1].ref(), 0.0),            # integers: exact anyway
    ([1.0, 3.0, 3.0000000000000004], lambda c: ratio(c[0].ref(), c[2].ref() - c[1].ref()), "n/a"),
    ([1.0, 3.0, 3.0000000000000004], lambda c: IF((c[2].ref() - c[1].ref()).gt(0), 1, 0), 0.0),
    ([0.5, 0.25, 0.75], lambda c: IF((c[0].ref() + c[1].ref()).eq(c[2].ref()), 1, 0), 1.0),
    ([1.0, 1.0000000000000002, 0.0], lambda c: IF(c[1].ref().gt(c[0].ref()), 1, 0), 0.0),   # compares as equal
    # the engine works left to right: a right-nested sum keeps its brackets in the formula text
    ([5173.975486496781, -0.161924571361285, 1.192092896e-07],
     lambda c: c[0].ref() * (1 + (c[1].ref() + c[2].ref())), 4336.182340397936),   # (1+b)+c gives ...935
]


def test_approximate_equality_is_relative_and_signed():
    assert approx_equal(3.0, 3.0000000000000004)
    assert not approx_equal(3.0, 3.000000000001)
    assert not approx_equal(1e-300, 0.0) and not approx_equal(-1.0, 1.0)


@pytest.fixture(scope="module")
def workbook(tmp_path_factory):
    from model.labels import Labels
    book = Book(Labels("en", {"name": "arithmetic"}))
    sh = book.add_sheet("arithmetic", "calc", name="A")
    cells = []
    for r, (values, formula, _) in enumerate(CASES):
        inputs = [sh.put(r, i, v, "input") for i, v in enumerate(values)]
        cells.append(sh.put(r, 5, formula(inputs), "calc"))
    book.evaluate()
    path = tmp_path_factory.mktemp("arith") / "a.xlsx"
    write_book(book, path)
    return path, cells


def test_cancellation_is_computed_as_the_engine_does(workbook):
    _, cells = workbook
    assert [c.result() for c in cells] == [expected for _, _, expected in CASES]


def test_libreoffice_agrees(workbook):
    require_engine()
    from model.engine.libreoffice import recalculate_file
    path, cells = workbook
    got = recalculate_file(path)["cells"]["A"]
    assert [got[f"F{c.row + 1}"]["v"] for c in cells] == [expected for _, _, expected in CASES]
