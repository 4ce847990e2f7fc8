"""The speed-ups change nothing: the writer's shortcut past xlsxwriter's formula rewrite leaves the
file as it was, and building or writing leaves the garbage collector as it found it."""
import gc
import zipfile

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
    monkeypatch.setattr(writer.FormulaWorksheet, "_prepare_formula", Worksheet._prepare_formula)
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
