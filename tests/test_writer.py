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


# --- shared formulas: a table column's text once (workbook/shared.py) ---

def cells_xml(path, sheet_name):
    """(coordinate -> the <c> element's text) of one sheet of the file."""
    with zipfile.ZipFile(path) as z:
        rels = z.read("xl/_rels/workbook.xml.rels").decode()
        book = z.read("xl/workbook.xml").decode()
        rid = re.search(rf'<sheet name="{re.escape(sheet_name)}" sheetId="\d+" r:id="(rId\d+)"', book).group(1)
        part = re.search(rf'Id="{rid}" Type="[^"]+" Target="([^"]+)"', rels).group(1)
        xml = z.read("xl/" + part).decode()
    return {m.group(1): m.group(0) for m in re.finditer(r'<c r="([A-Z]+\d+)"[^>]*?(?:/>|>.*?</c>)', xml)}


def test_a_table_column_is_written_once_and_every_row_reads_as_its_own_formula(units_book, tmp_path):
    """The Trials tab's columns are shared formulas: the first row holds the text and the column's range, every
    other row only a reference to it, and openpyxl's translator (an independent reader) moves the first row's
    text to each row's own formula as the book holds it."""
    from openpyxl.formula.translate import Translator
    from model.calc.formula import a1
    from model.calc.vector import Computed
    path = tmp_path / "m.xlsx"
    writer.write_book(units_book, path)
    trials = units_book.tabs["trials"].sheet
    xml = cells_xml(path, trials.name)
    columns = {}
    for (r, c), cell in trials.cells.items():
        if isinstance(cell.content, Computed) and not cell.content.array:
            columns.setdefault(c, []).append(r)
    assert len(columns) > 100 and all(len(rows) == units_book.tabs["trials"].rows.stop - rows[0] for rows in columns.values())
    for c, rows in columns.items():
        rows.sort()
        first, last = a1(rows[0], c), a1(rows[-1], c)
        master = re.fullmatch(rf'<c r="{first}"[^>]*><f t="shared" ref="{first}:{last}" si="(\d+)">(.+)</f><v>.*</v></c>',
                              xml[first])
        assert master, xml[first][:200]
        text = "=" + html.unescape(master.group(2))
        assert text == "=" + trials.cell_at(rows[0], c).content.xl(trials)
        for r in (rows[1], rows[len(rows) // 2], rows[-1]):
            assert re.fullmatch(rf'<c r="{a1(r, c)}"[^>]*><f t="shared" si="{master.group(1)}"/><v>.*</v></c>',
                                xml[a1(r, c)])
            assert Translator(text, origin=first).translate_formula(a1(r, c)) == "=" + trials.cell_at(r, c).content.xl(trials)
    # the text once a column: the Trials part is a fraction of what a thousand copies took (85 MB at 1,000 trials)
    assert sum(map(len, xml.values())) < 10_000_000


def test_a_column_whose_rows_are_not_its_first_row_moved_down_is_refused():
    """A fixed reference written relative (A5 on every row) would move in the followers: the writer refuses it
    (the check above could not tell)."""
    from model.calc.vector import ROW, Computed
    from model.workbook.book import Book
    from model.workbook.shared import SharedError, shared_groups
    from model.labels import Labels
    book = Book(Labels("en", {"name": "X"}, "FY2025"))
    sh = book.add_sheet("trials", "calc")
    for r in range(10, 13):
        sh.put(r, 3, Computed(f"=B{ROW}*2", r, 1.0, False, ()), "calc", "general")
        sh.put(r, 4, Computed(f"=B{ROW}+A5", r, 1.0, False, ()), "calc", "general")
    with pytest.raises(SharedError, match=r"E12 is not its column's first row's moved down"):
        shared_groups(sh)
    sh.put(10, 4, "x", "calc", "general")
    sh.put(11, 4, "x", "calc", "general")   # E13 alone: no group; column D still one
    groups = shared_groups(sh)
    assert groups == {(10, 3): (0, "D11:D13"), (11, 3): (0, None), (12, 3): (0, None)}


# --- Excel's formula length (calc/formula.FORMULA_LIMIT) ---

def longest_formula(book):
    """(characters without "=", sheet, row, col) of the book's longest formula, a table column's at its last row."""
    out = (0, "", 0, 0)
    for sh in book.sheets:
        for (r, c), cell in sh.cells.items():
            if cell.is_formula:
                out = max(out, (len(cell.content.xl(sh)), sh.name, r, c))
    return out


def test_every_formula_of_the_default_workbook_fits_excels_length(units_book):
    """Excel removes a formula over 8,192 characters on opening the file (LibreOffice and Gnumeric compute it).
    Composed inline, a trial's FY2027 adjusted net income ran to 8,546: the trials keep the line whose composed
    formulas are longest (the adjusted result before finance and tax) in cells of their own."""
    from model.calc.formula import FORMULA_LIMIT
    n, *where = longest_formula(units_book)
    assert n <= FORMULA_LIMIT == 8192, where   # 5,530 now, a trial's FY2027 accelerator capex
    trials = units_book.tabs["trials"]
    assert any(key[:2] == ("line", "operating_adjusted") for key in trials.col)


def test_without_the_kept_line_a_trials_formula_would_be_too_long_and_is_refused(zhipu_units, tmp_path, monkeypatch):
    """The test above can fail: with the trials' limit lifted, no line is added, the longest formula is over
    Excel's length, and the writer refuses the workbook naming the cell (nothing written)."""
    from model.calc.formula import FormulaTooLong
    from model.workbook.tabs import trials
    monkeypatch.setattr(trials, "FORMULA_LIMIT", 10 ** 9)
    book = build_book(zhipu_units)
    assert not any(key[:2] == ("line", "operating_adjusted") for key in book.tabs["trials"].col)
    n, sheet, r, c = longest_formula(book)
    assert n > 8192 and sheet == "Trials"
    with pytest.raises(FormulaTooLong, match=r"Trials!\w+\d+: the formula has 8,\d\d\d characters, more than the 8,192"):
        writer.write_book(book, tmp_path / "m.xlsx")
    assert list(tmp_path.iterdir()) == []


def test_the_trials_keep_the_same_lines_in_both_editions(units_book, zhipu_units):
    """The Chinese tab names are shorter (利润表 for 'Income Statement'), so its formulas are too: the kept lines
    are chosen at each tab's longest name, and the Trials tab has the same columns in both editions."""
    zh = build_book(zhipu_units, lang="zh").tabs["trials"]
    assert zh.sheet.name != units_book.tabs["trials"].sheet.name
    assert zh.col == units_book.tabs["trials"].col
    assert any(key[:2] == ("line", "operating_adjusted") for key in zh.col)


def test_the_trials_headings_are_not_period_headers_in_the_file(units_book, tmp_path):
    """A rebuild reads a tab's period headers from the file (a number in a format "2H"0"E": cellkeys.header_period)
    and the new book's from its cells (cellkeys.period_columns): on the Trials tab both must find none, or a
    user's comment on a trial cell and a formula reading one are keyed to a period the new book does not have
    there. Its headings, shown as 2H2026E, were read as headers in the file only, and both were lost."""
    from model.workbook.cellkeys import period_columns, period_headers
    from model.workbook.readback import open_workbook
    path = tmp_path / "m.xlsx"
    writer.write_book(units_book, path)
    trials = units_book.tabs["trials"]
    assert period_columns(trials.sheet) == {} == period_headers(open_workbook(path)[trials.sheet.name])
    heading = next(c for c in trials.sheet.cells.values() if c.fmt.startswith("as_period_"))
    assert writer.number_format(heading.fmt).startswith('"')   # shown as the timeline shows it: "2H"0"E"


def test_a_shared_formulas_followers_keep_their_own_style(tmp_path):
    """The writer writes a shared formula's followers with their master when they are styled alike; one styled
    otherwise (another number format, a check count's red) keeps its own style, its conditional format and its
    comment, and every follower its own cached value."""
    import openpyxl
    from model.calc.vector import ROW, Computed
    from model.workbook.book import Book
    from model.labels import Labels
    book = Book(Labels("en", {"name": "X"}, "FY2025"))
    sh = book.add_sheet("trials", "calc")
    for r in range(1, 7):
        sh.put(r, 0, float(r), "input", "general")
    for r in range(1, 7):
        role, fmt = {3: ("calc", "pct"), 4: ("check", "int")}.get(r, ("calc", "amount"))
        sh.put(r, 1, Computed(f"=A{ROW}*2", r, 2.0 * r, False, ()), role, fmt, "a note" if r in (2, 4) else None)
    path = tmp_path / "s.xlsx"
    writer.write_book(book, path, protect=False)
    xml = zipfile.ZipFile(path).read("xl/worksheets/sheet1.xml").decode()
    assert xml.count('t="shared"') == 6 and xml.count('ref="B2:B7"') == 1   # one group: the master, 5 followers
    ws = openpyxl.load_workbook(path)[sh.name]
    formats = [ws.cell(r + 1, 2).number_format for r in range(1, 7)]
    assert formats[2] == writer.FORMATS["pct"] and formats[3] == writer.FORMATS["int"]
    assert formats[0] == formats[1] == formats[4] == formats[5] == writer.FORMATS["amount"]
    assert [ws.cell(r + 1, 2).comment and ws.cell(r + 1, 2).comment.text for r in (2, 4)] == ["a note", "a note"]
    assert [str(f.sqref) for f in ws.conditional_formatting] == ["B5"]   # the check count's red
    values = openpyxl.load_workbook(path, data_only=True)[sh.name]
    assert [values.cell(r + 1, 2).value for r in range(1, 7)] == [2.0 * r for r in range(1, 7)]


def test_a_comment_on_a_shared_formulas_follower_is_written(units_book, tmp_path):
    """A trial cell below its column's first row is written as a follower of the column's shared formula; a
    comment on it (a user's, carried over by a rebuild) must be written with it. It was dropped while the
    rebuild reported it carried."""
    from model.workbook.readback import open_workbook
    trials = units_book.tabs["trials"]
    cell = trials.sheet.cell_at(trials.rows[499], trials.col["u0"])
    path = tmp_path / "m.xlsx"
    cell.comment = "check this trial"
    try:
        writer.write_book(units_book, path)
    finally:
        cell.comment = None
    assert open_workbook(path)[trials.sheet.name].notes == {(cell.row + 1, cell.col + 1): "check this trial"}


# the failed write's zip archive, which xlsxwriter leaves open, closes itself when collected, on a buffer gone
@pytest.mark.filterwarnings("ignore::pytest.PytestUnraisableExceptionWarning")
def test_the_parts_are_deflated_at_the_writers_level_and_xlsxwriter_is_left_as_it_was(tmp_path, monkeypatch):
    """The file's parts are zipped at DEFLATE_LEVEL (3: 0.17 s less than zlib's default on the default workbook,
    for an 11% larger file), each part's bytes as a raw deflate at that level gives them; xlsxwriter's own
    zipping is restored after the write, and after one that fails."""
    import xlsxwriter.workbook
    import zlib
    from model.workbook.book import Book
    from model.labels import Labels
    book = Book(Labels("en", {"name": "X"}, "FY2025"))
    sh = book.add_sheet("trials", "calc")
    for r in range(3000):
        sh.put(r, 0, (r * 7919 % 1000) / 7.0, "input", "amount")
    path = tmp_path / "z.xlsx"
    writer.write_book(book, path)
    assert xlsxwriter.workbook.ZipInfo is zipfile.ZipInfo

    def deflated(data, level):
        z = zlib.compressobj(level, zlib.DEFLATED, -15)
        return len(z.compress(data) + z.flush())
    with zipfile.ZipFile(path) as z:
        part = z.getinfo("xl/worksheets/sheet1.xml")
        data = z.read(part)
    assert part.compress_size == deflated(data, writer.DEFLATE_LEVEL) != deflated(data, 6)

    def full(*_, **__):   # the parts cannot be assembled: the disk is full
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(xlsxwriter.workbook.Packager, "_create_package", full)
    with pytest.raises(OSError):
        writer.write_book(book, tmp_path / "full.xlsx")
    gc.collect()   # the archive left open goes now, within this test
    assert xlsxwriter.workbook.ZipInfo is zipfile.ZipInfo


def test_rows_of_followers_are_written_whole_as_their_cells_one_by_one(tmp_path):
    """The writer writes a row whose cells between its first and last shared-formula follower are all followers
    of number-valued columns (a trial row) as one piece (FollowerBand); a row holding something else between
    them (here a value typed in C5) and a column holding text go cell by cell. Read back by openpyxl, which
    works out each follower's formula from its master: every cell's formula, cached value and format as the
    book has them, in column order in every row, and the rows' spans as xlsxwriter gives them."""
    import openpyxl
    from model.calc.vector import ROW, Computed
    from model.workbook.book import Book
    from model.labels import Labels
    book = Book(Labels("en", {"name": "X"}, "FY2025"))
    sh = book.add_sheet("trials", "calc")
    want = {}
    for r in range(1, 8):
        sh.put(r, 0, float(r), "input", "general")
        cells = {1: (f"=A{ROW}*2", 2.0 * r, "amount"), 3: (f"=A{ROW}+B{ROW}", 3.0 * r, "pct"),
                 4: (f'=IF(A{ROW}>3,"high","low")', "high" if r > 3 else "low", "text"),   # text: cell by cell
                 5: (f"=MIN(IF(B{ROW}:D{ROW}>=0,A{ROW}))", float(r), "int")}               # an array formula
        for c, (text, value, fmt) in cells.items():
            sh.put(r, c, Computed(text, r, value, c == 5, ()), "calc", fmt)
            want[(r, c)] = ("=" + text.replace(ROW, str(r + 1))[1:], value)
    sh.put(4, 2, 42.0, "user", "general")   # typed between the band's columns: row 5 goes cell by cell
    path = tmp_path / "s.xlsx"
    writer.write_book(book, path, protect=False)
    xml = zipfile.ZipFile(path).read("xl/worksheets/sheet1.xml").decode()
    rows = re.findall(r'<row r="(\d+)"[^>]*spans="([\d:]+)"[^>]*>(.*?)</row>', xml)
    assert [(n, spans) for n, spans, _ in rows] == [(str(r + 1), "1:6") for r in range(1, 8)]
    for n, _, cells in rows:   # in column order, and row 5's typed value between the followers
        assert re.findall(r'<c r="([A-Z]+)\d+"', cells) == (["A", "B", "C", "D", "E", "F"] if n == "5" else
                                                          ["A", "B", "D", "E", "F"]), n
    ws = openpyxl.load_workbook(path)["Trials"]
    values = openpyxl.load_workbook(path, data_only=True)["Trials"]
    for (r, c), (formula, value) in want.items():
        got = ws.cell(r + 1, c + 1).value
        assert (got.text if c == 5 else got) == formula and values.cell(r + 1, c + 1).value == value, (r, c)
        assert ws.cell(r + 1, c + 1).number_format == writer.FORMATS[sh.cells[(r, c)].fmt]
    assert values["C5"].value == 42.0
