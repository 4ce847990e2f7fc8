"""The speed-ups change nothing: the writer's shortcut past xlsxwriter's formula rewrite leaves the
file as it was, and building or writing leaves the garbage collector as it found it. A function newer
than Excel 2007 carries its _xlfn. prefix (or is refused); number-format conditions are plain decimals."""
import gc
import html
import re
import statistics
import zipfile

import pytest

from xlsxwriter.worksheet import Worksheet

from model.workbook import writer
from model.workbook.build import build_book


def sheet_parts(path):
    with zipfile.ZipFile(path) as z:
        return {n: z.read(n) for n in z.namelist() if n.startswith("xl/worksheets/")}


def test_sheets_are_byte_identical_to_xlsxwriters_own_formula_rewrite(book, tmp_path, monkeypatch):
    assert "_prepare_formula" in vars(Worksheet)  # the method the shortcut replaces still exists
    fast = tmp_path / "fast.xlsx"
    writer.write_book(book, fast)
    # xlsxwriter's rewrite with future functions on: every function Excel added after 2007 prefixed _xlfn.
    monkeypatch.setattr(writer.FormulaWorksheet, "_prepare_formula",
                        lambda self, formula, expand=False: Worksheet._prepare_formula(self, formula, True))
    plain = tmp_path / "plain.xlsx"
    writer.write_book(book, plain)
    fast_parts, plain_parts = sheet_parts(fast), sheet_parts(plain)
    assert sum(n.startswith("xl/worksheets/sheet") for n in fast_parts) == len(book.sheets)
    assert fast_parts == plain_parts


def test_a_function_that_needs_the_rewrite_would_be_caught():
    """A formula that needs xlsxwriter's _xlfn. prefix comes out different: the test above can fail."""
    formula = "=XLOOKUP(A1,B1:B3,C1:C3)"
    assert Worksheet()._prepare_formula(formula) != writer.FormulaWorksheet()._prepare_formula(formula)


def test_build_and_write_leave_the_garbage_collector_as_they_found_it(zhipu, tmp_path):
    for enabled in (True, False):
        (gc.enable if enabled else gc.disable)()
        try:
            writer.write_book(build_book(zhipu), tmp_path / "m.xlsx")
            assert gc.isenabled() is enabled
        finally:
            gc.enable()


def test_number_format_conditions_are_plain_decimals(book, tmp_path):
    """They were written [>=5e-05] (Python's repr of 0.00005); Excel documents plain decimals."""
    path = tmp_path / "m.xlsx"
    writer.write_book(book, path)
    with zipfile.ZipFile(path) as z:
        styles = html.unescape(z.read("xl/styles.xml").decode())
    conditions = re.findall(r"\[[<>]=?-?([^\]]+)\]", styles)
    assert "0.00005" in conditions and "0.005" in conditions
    assert not [c for c in conditions if "e" in c.lower()], conditions


@pytest.fixture()
def newer_function():
    """NORM.INV (Excel 2010), added to the formula set as another module would add it; removed after."""
    from model.calc import formula
    formula.define("NORM.INV", lambda p, m, s: statistics.NormalDist(m.value(), s.value()).inv_cdf(p.value()),
                   prefix="_xlfn.")
    yield formula
    del formula._FUNCS["NORM.INV"], formula.PREFIX["NORM.INV"]


def put_below(book, expr):
    """`expr` in a cell two rows below the Sources tab's last row; returns the cell."""
    sheet = book.sheets[-1] if book.sheets[-1].kind != "hidden" else book.sheets[-2]
    return sheet.put(sheet.last_row() + 2, 1, expr, "calc", "general")


def test_a_newer_function_is_written_with_its_prefix_and_computes_its_value(zhipu, newer_function, tmp_path):
    from conftest import require_engine
    from model.engine.verify import check_file
    book = build_book(zhipu)
    cell = put_below(book, newer_function.Fn("NORM.INV", 0.975, 0, 1))
    assert cell.result() == pytest.approx(1.959963984540054, rel=1e-12)
    path = tmp_path / "m.xlsx"
    writer.write_book(book, path)
    sheets = sheet_parts(path)
    assert sum(b"<f>_xlfn.NORM.INV(0.975,0,1)</f>" in part for part in sheets.values()) == 1
    assert not any(re.search(rb"[^.]NORM\.INV", part) for part in sheets.values())   # never without it
    require_engine()
    report = check_file(path)   # LibreOffice reads the prefixed name and recalculates the cached value
    assert report.ok, (report.mismatches, report.errors, report.master)


def test_a_newer_function_without_its_prefix_is_refused(zhipu, tmp_path):
    from model.calc import formula
    formula.define("XLOOKUP", lambda *a: 0.0)   # as if added to the set without its prefix
    try:
        book = build_book(zhipu)
        put_below(book, formula.Fn("XLOOKUP", 1, 1, 1))
        with pytest.raises(writer.PrefixError, match=r"XLOOKUP .* Excel needs _xlfn\.XLOOKUP\(\.\.\.\): define it "
                                                     r"with prefix='_xlfn\.'"):
            writer.write_book(book, tmp_path / "m.xlsx")
        assert list(tmp_path.iterdir()) == []
    finally:
        del formula._FUNCS["XLOOKUP"], formula.PREFIX["XLOOKUP"]
        writer._checked.discard(("XLOOKUP", ""))


def test_every_function_of_the_formula_set_is_written_as_excel_needs():
    from model.calc.formula import PREFIX
    assert "SUM" in PREFIX and all(p == "" for p in PREFIX.values())   # today: all pre-2010
    writer.check_prefixes()
