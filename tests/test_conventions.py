"""The workbook's presentation conventions as Excel sees them, read back from the written file with
openpyxl: protection and locking, input styling and data validation, the frozen header with the
master-check status, grouped detail rows, gridlines and print setup."""
import pytest

from model.data.bounds import AMOUNT, GROWTH, MARGIN, SHARE, SIGNED
from model.calc.formula import a1
from model.workbook.book import INPUT_ROLES
from model.workbook.writer import ASSUMED_FILL as LILAC, INPUT_BLUE, INPUT_FILL, write_book
from model.workbook.pack import pack_pages

openpyxl = pytest.importorskip("openpyxl")

BLUE, FILL, ASSUMED_FILL = ("FF" + c[1:].upper() for c in (INPUT_BLUE, INPUT_FILL, LILAC))


@pytest.fixture(scope="module", params=["zhipu", "zhipu_units"])
def book(request):
    """Zhipu on the growth-rate build and as shipped (the unit build: its Unit Economics tab and inputs)."""
    from conftest import COMPANIES
    from model.data.company import load
    from model.workbook.build import build_book
    return build_book(load(COMPANIES[request.param]))


@pytest.fixture(scope="module")
def written(book, tmp_path_factory):
    path = tmp_path_factory.mktemp("conv") / "model.xlsx"
    write_book(book, path)
    return openpyxl.load_workbook(path)


def visible(wb):
    """The tabs a user sees (not the very hidden build record, model/workbook/record.py)."""
    return [ws for ws in wb.worksheets if ws.sheet_state == "visible"]


def is_input_styled(cell):
    """Blue on light yellow; an input the data mark as an assumption, blue on lilac (model/workbook/provenance.py)."""
    return cell.font.color is not None and cell.font.color.rgb == BLUE and cell.fill.fgColor.rgb in (FILL, ASSUMED_FILL)


def input_addresses(book):
    return {(c.sheet.name, a1(c.row, c.col)) for s in book.sheets for c in s.cells.values() if c.role in INPUT_ROLES}


def test_every_tab_is_protected_without_a_password(written):
    for ws in written.worksheets:
        p = ws.protection
        assert p.sheet, ws.title
        assert not p.password, ws.title
        # locked cells stay selectable; rows and columns can be resized or hidden
        assert not p.selectLockedCells and not p.selectUnlockedCells
        assert not p.formatRows and not p.formatColumns


def test_only_input_cells_are_unlocked_and_all_of_them_are_styled_as_inputs(book, written):
    inputs = input_addresses(book)
    assert len(inputs) > 200
    unlocked, styled = set(), set()
    for ws in written.worksheets:
        for row in ws.iter_rows():
            for c in row:
                if not c.protection.locked:
                    unlocked.add((ws.title, c.coordinate))
                if is_input_styled(c):
                    styled.add((ws.title, c.coordinate))
    assert unlocked == inputs
    legend = {(s.name, a1(c.row, c.col)) for s in book.sheets for c in s.cells.values()
              if c.role in ("legend_input", "legend_input_assumed")}
    assert len(legend) == 2  # the Cover's legend shows what an input and an assumed input look like
    assert styled == inputs | legend


def test_every_input_has_a_validation_that_says_what_is_allowed(book, written):
    ws = written["Inputs"]
    rules = {}
    for dv in ws.data_validations.dataValidation:
        for rng in dv.sqref.ranges:
            for row in ws[rng.coord] if ":" in rng.coord else [[ws[rng.coord]]]:
                for c in row:
                    assert c.coordinate not in rules, c.coordinate
                    rules[c.coordinate] = dv
    for sheet, addr in input_addresses(book):
        dv = rules[addr]
        assert dv.showInputMessage and dv.showErrorMessage and dv.prompt and dv.error, addr
        assert dv.allow_blank, addr
    selector = book.names["Scenario"]
    dv = rules[a1(selector.row, selector.col)]
    assert dv.type == "list" and dv.formula1 == "ScenarioList"
    # a growth driver: above -100%, no upper bound (with the unit build on-premise grows by its customers)
    growth = book.names["Asm_base_growth_onprem" if "Asm_base_growth_onprem" in book.names
                        else "Asm_base_customer_growth"].first
    dv = rules[a1(growth.row, growth.col)]
    ref = a1(growth.row, growth.col)
    assert dv.type == "custom" and dv.formula1 == f"AND(ISNUMBER({ref}),{ref}>-1)"
    assert "-100%" in dv.prompt and "1000%" not in dv.prompt


@pytest.mark.parametrize("bound,allowed,refused", [
    (GROWTH, [-0.99, 0, 2.5, 10, 19, 1e6], [-1, -1.2]),      # 19: MiniMax's tokens, about 20x in 2026
    (MARGIN, [-10, -10.5, -0.004, 0.6, 1], [1.01]),
    (SHARE, [0, 0.155, 1], [-0.01, 1.2]),
    (AMOUNT, [0, 3.12], [-0.01]),
    (SIGNED, [-29.58, 0, 5], []),
])
def test_the_validation_formula_allows_what_the_loader_allows(book, bound, allowed, refused):
    """One bound, two renderings: the loader's check and the Excel rule agree on every value."""
    sheet = book.sheet("Inputs")
    probe = sheet.put(999, 0, None, "input", "pct")
    try:
        for v in allowed + refused:
            probe.content, probe._done = v, False
            assert bound.allows(v) == (v in allowed)
            assert bool(bound.rule(probe.ref()).value()) == (v in allowed), (bound, v)
        probe.content, probe._done = "text", False
        assert not bound.rule(probe.ref()).value()
    finally:
        del sheet.cells[(999, 0)]


def test_master_check_status_is_in_every_frozen_header(book, written):
    # + Unit Economics, + Compute References with the compute build's reference class, + Valuation with valuation.csv,
    # + Risk and Trials, + Peers with peers named
    assert len(visible(written)) == 11 + ("BreakevenTokensPerDay" in book.names) + ("ReviewFlags" in book.names) + (
        "ValuePerShareDCF" in book.names) + 2 * ("ProbBreakevenByTarget" in book.names) + ("peers" in book.tabs and
                                                                                         book.tabs["peers"] is not None)
    for ws in visible(written):
        status = ws["A3"]
        assert "MasterCheck" in str(status.value), ws.title
        row, col = openpyxl.utils.cell.coordinate_to_tuple(ws.freeze_panes or "A1")
        assert row >= 4, (ws.title, ws.freeze_panes)   # rows 1-3 (title, subtitle, status) stay in view
        rules = [r.formula[0] for cf in ws.conditional_formatting for r in cf.rules if str(cf.sqref) == "A3"]
        assert sorted(rules) == ["MasterCheck<>0", "MasterCheck=0"], ws.title


def test_time_based_tabs_freeze_the_period_header_and_label_columns(book, written):
    """Where the period header heads the tab (row 5), the panes freeze below its A/E row; where tables come
    first (Sensitivity's grids) only the title rows do. The label and unit columns always stay."""
    frozen = 0
    for sh in book.sheets:
        header = [c for c in sh.cells.values() if c.fmt.startswith("period_")]
        if header:
            ws = written[sh.name]
            on_top = header[0].row == 4
            assert ws.freeze_panes == a1(header[0].row + 2 if on_top else 3, 2), sh.name
            frozen += on_top
    # Inputs, Income Statement, Ratios, Scenarios, Breakeven, (Unit Economics,) Cash & Funding, (Valuation,) (Risk,) Checks
    assert frozen == 7 + ("BreakevenTokensPerDay" in book.names) + ("ValuePerShareDCF" in book.names) + (
        "ProbBreakevenByTarget" in book.names)


def test_detail_rows_are_grouped(book, written):
    ws = written["Income Statement"]
    levels = {r: d.outline_level for r, d in ws.row_dimensions.items() if d.outline_level}
    labels = {ws.cell(r, 1).value for r in levels}
    units = "BreakevenTokensPerDay" in book.names   # the unit and compute builds: their drivers replace R&D compute growth
    assert {"Revenue — Cloud / MaaS", "Gross profit — Cloud / MaaS", "R&D — compute", "R&D — people and other",
            "Accelerator-hours per model generation: growth" if units else "R&D compute growth"} <= labels
    assert not {"Total revenue", "Gross profit", "Research & development"} & labels
    # on Scenarios the segment lines sit inside each scenario's block: a second level
    sc = written["Scenarios"]
    nested = [r for r, d in sc.row_dimensions.items() if d.outline_level == 2]
    assert {sc.cell(r, 1).value for r in nested} >= {"Revenue — Cloud / MaaS", "R&D — compute"}


def test_gridlines_off_except_on_inputs(written):
    for ws in visible(written):
        assert ws.sheet_view.showGridLines is (None if ws.title == "Inputs" else False), ws.title


def claims_print(ws):
    """The Claims Audit prints in two bands of columns side by side (across, then down) at 72%, the claim
    column and the table's heading row repeated: the claims' figures, tests and statuses (each verdict on its
    claim's page), then the later actuals, the note's words and the explanation; each band, with the claim
    column, fits the printable width of a landscape A4 page with 0.4-inch side margins (LibreOffice draws a
    width unit wider than Excel's 7 pixels + 5: about 9.3 on the render, where A-I at 150 units overflowed a
    page at 75%; 9.5 here). The thesis scorecard above the claims is a page of its own."""
    setup = ws.page_setup
    assert not (ws.sheet_properties.pageSetUpPr and ws.sheet_properties.pageSetUpPr.fitToPage)
    assert setup.scale == 72 and setup.pageOrder == "overThenDown" and ws.page_margins.left == 0.4
    starts = [b.id for b in ws.col_breaks.brk]
    assert len(starts) == 1 and ws.print_title_cols == "$A:$A"
    heading = int(ws.print_title_rows.split(":")[0].strip("$"))
    assert ws.print_title_rows == f"${heading}:${heading}" and ws.cell(heading, 1).value == "Claim"
    width = lambda c: ws.column_dimensions[openpyxl.utils.get_column_letter(c)].width * 9.5  # noqa: E731
    last = openpyxl.utils.cell.coordinate_to_tuple(ws.print_area.split("!")[1].replace("$", "").split(":")[1])[1]
    printable = (11.69 - 0.8) * 96
    bands = list(zip([2] + [s + 1 for s in starts], [s for s in starts] + [last]))
    for first, end in bands:
        px = width(1) + sum(width(c) for c in range(first, end + 1))
        assert px * 0.72 <= printable, (first, end, px)
    assert printable / sum(width(c) for c in range(1, last + 1)) < 0.55   # one page wide: about half size


def test_print_setup(book, written):
    for sh in [s for s in book.sheets if s.kind != "hidden"]:
        ws = written[sh.name]
        setup = ws.page_setup
        assert setup.orientation == "landscape"
        if sh.tab == "claims":   # too wide for one readable page: bands of columns at a set scale
            claims_print(ws)
            continue
        assert ws.sheet_properties.pageSetUpPr.fitToPage   # one page wide, as long as needed
        assert setup.fitToWidth in (None, 1) and setup.fitToHeight == 0
        breaks = [b.id for b in ws.row_breaks.brk]
        # a print-pack tab (model/workbook/pack.py) breaks the page where its appendix part starts; the Cash tab's
        # chart starts a page with its data, so that no page break splits it
        expected = set(sh.page_breaks) | ({sh.pack_end} if sh.pack_end else set())
        assert set(breaks) == expected, sh.name
        if sh.tab == "cash":
            chart, = sh.charts
            assert any(chart.anchor[0] - 3 <= b <= chart.anchor[0] for b in breaks), breaks
        if sh.tab == "cover":   # the pack's two pages: the answers, then the scenarios and the market; then the rest
            assert len(breaks) == 2 and min(breaks) == sh.pack_end, breaks
        if sh.pack_end:
            assert pack_pages(sh.tab) >= 1, sh.name
        area = ws.print_area.split("!")[1].replace("$", "")
        assert area.startswith("A1:"), (sh.name, area)
        row, col = openpyxl.utils.cell.coordinate_to_tuple(area.split(":")[1])
        assert row - 1 >= sh.last_row(), sh.name   # every used row prints
        if sh.print_cols is None:
            assert col - 1 >= sh.last_col(), sh.name   # and every used column
        else:   # a pack tab's notes column stays on screen
            assert col - 1 == sh.print_cols < sh.last_col(), sh.name
        for chart in sh.charts:                                                   # and every chart
            assert row - 1 >= chart.anchor[0] + 12 and col - 1 >= chart.anchor[1], (sh.name, chart.title)
        assert ws.print_title_rows == f"$1:${sh.freeze[0]}", sh.name
        assert ws.oddHeader.left.text == "Zhipu AI (智谱), HKEX 2513" and ws.oddHeader.right.text == "&A"
        assert "&P" in ws.oddFooter.right.text and "&N" in ws.oddFooter.right.text


def test_timeline_charts_plot_full_years_only(book):
    """A chart over the timeline plots the full years: a half (1H2027E) among its categories would leave every
    line a gap there (the Risk tab's fans broke between FY2026 and FY2027)."""
    timeline = 0
    for sh in book.sheets:
        for chart in sh.charts:
            fmts = {c.fmt for s in chart.series if s.categories for row in s.categories.cells() for c in row}
            if any(f.startswith("period_") for f in fmts):
                timeline += 1
                assert fmts <= {"period_FYA", "period_FYE"}, (sh.name, chart.title, fmts)
    assert timeline >= 4   # Income Statement, Ratios, Breakeven, Cash & Funding; Unit Economics, Risk where built


def test_no_protect_leaves_every_tab_open(book, tmp_path):
    path = tmp_path / "open.xlsx"
    write_book(book, path, protect=False)
    assert not any(ws.protection.sheet for ws in openpyxl.load_workbook(path).worksheets)
