"""The model's arithmetic against hand computation from the source figures, and the workbook's
structure against the modelling conventions (formulas only, no typed-in numbers, one formula per
forecast row, every input used)."""
import re

import pytest

from conftest import cell, hand_forecast, line

from model.workbook.book import INPUT_ROLES, Cell
from model.workbook.build import build_book
from model.calc.formula import CountErrors, Flags, Fn, Name, Neg, Op, Ref, Rng
from model.data.periods import Period, parse_column
from model.workbook.writer import write_book

FY = lambda y: Period(y, 12)  # noqa: E731
H1 = lambda y: Period(y, 6)  # noqa: E731


@pytest.fixture(scope="module")
def tabs(book):
    return {s.name: s for s in book.sheets}


# --- the research note's own figures (independent of our data files) ---
NOTE_RND_RATIO = {"FY2022": 1.47, "FY2023": 4.25, "FY2024": 7.03, "1H2025": 8.35}
NOTE_GROWTH = {"FY2023": 1.17, "FY2024": 1.51, "1H2025": 3.25}


@pytest.mark.parametrize("period,expected", NOTE_RND_RATIO.items())
def test_rnd_intensity_reproduces_the_note(book, period, expected):
    assert line(book, "Ratios", "R&D / revenue", period) == pytest.approx(expected, abs=0.005)


@pytest.mark.parametrize("period,expected", NOTE_GROWTH.items())
def test_revenue_growth_reproduces_the_note_like_for_like(book, period, expected):
    assert line(book, "Ratios", "Revenue growth (like for like)", period) == pytest.approx(expected, abs=0.005)


def test_gross_margin_reproduces_the_note(book):
    assert line(book, "Ratios", "Gross margin — blended", "FY2023") == pytest.approx(0.646, abs=0.0005)
    assert line(book, "Ratios", "Gross margin — blended", "1H2025") == pytest.approx(0.50, abs=0.0005)


def test_growth_is_never_interim_against_full_year(book):
    # 1H2024 has no 1H2023 comparative; FY2022 has no FY2021
    assert line(book, "Ratios", "Revenue growth (like for like)", "1H2024") == "n/a"
    assert line(book, "Ratios", "Revenue growth (like for like)", "FY2022") == "n/a"
    # 1H2025 costs have no 1H2024 comparative: cost growth unknown, not zero
    assert line(book, "Ratios", "Total cost growth", "1H2025") == "n/a"


def test_unknown_figures_show_as_na_not_zero(book):
    assert line(book, "Income Statement", "R&D — compute", "1H2024") == "n/a"
    assert line(book, "Income Statement", "Memo: selling & marketing (reported)", "FY2023") == "n/a"


def test_history_by_hand(book):
    # other operating costs (balancing): gross profit − R&D − adjusted net income, FY2024
    assert line(book, "Income Statement", "Other operating costs, net (derived)", "FY2024") == pytest.approx(
        (3.12414 - 1.36525) - 21.954 - (-24.65569))
    assert line(book, "Income Statement", "Revenue — Cloud / MaaS", "FY2024") == pytest.approx(3.12414 * 0.155)
    assert line(book, "Income Statement", "R&D — people and other", "1H2025") == pytest.approx(15.947 - 11.451)
    assert line(book, "Ratios", "Compute share of R&D", "FY2024") == pytest.approx(15.528 / 21.954)
    assert line(book, "Ratios", "Compute share of R&D", "FY2022") == pytest.approx(0.146 / 0.844)   # 17.3%, as published
    assert line(book, "Ratios", "Compute share of R&D", "FY2023") == pytest.approx(3.117 / 5.289)   # 58.9%
    assert line(book, "Income Statement", "Non-IFRS adjustments", "FY2024") == pytest.approx(-24.65569 + 29.58007)
    cagr = (3.12414 / 0.57409) ** 0.5 - 1
    assert line(book, "Ratios", "Revenue CAGR since first actual year", "FY2024") == pytest.approx(cagr)


def test_every_scenario_matches_the_hand_forecast(zhipu, book):
    for sc in zhipu.scenarios:
        years, be, loss = hand_forecast(zhipu, sc, book)
        got_be, got_loss, got_rev = (c.result() for c in book.summary[sc][:3])
        assert got_be == be
        assert got_loss == pytest.approx(loss, rel=1e-12)
        assert got_rev == pytest.approx(years[-1][1], rel=1e-12)


def test_selected_scenario_drives_the_income_statement(zhipu):
    for sc in zhipu.scenarios:
        b = build_book(zhipu, sc)
        years, be, loss = hand_forecast(zhipu, sc, b)
        for year, rev, adj, _ in years:
            assert line(b, "Income Statement", "Total revenue", f"FY{year}") == pytest.approx(rev, rel=1e-12)
            assert line(b, "Income Statement", "Adjusted net income (loss)", f"FY{year}") == pytest.approx(adj, rel=1e-12)
        assert b.names["BreakevenYear"].result() == be
        assert b.names["CumulativeLossToBreakeven"].result() == pytest.approx(loss, rel=1e-12)
        assert b.names["MasterCheck"].result() == 0


def test_bull_case_breaks_even_and_base_does_not(book):
    # the defaults are judgements, not tuned to the note's claim; this pins what they imply (on growth rates bull
    # breaks even in FY2027 with the interest on its cash, FY2028 before it, as JPM's and HSBC's first profit)
    assert book.summary["bull"][0].result() == 2027
    assert book.summary["bull"][-1].result() == 2028   # breakeven before finance income (the last column)
    assert book.summary["base"][0].result() == "not reached"


# --- structure (both companies) ---
PORTABLE = {"SUM", "IF", "INDEX", "MATCH", "MIN", "MAX", "ABS", "AND", "OR", "ISNUMBER", "ISERROR", "ISERR", "NA", "IFERROR",
            "SUMPRODUCT", "CHOOSE", "COUNT", "ROWS", "COLUMNS", "ROUND",
            # the Monte Carlo's (Excel 2007 and earlier: no _xlfn. prefix): the generator, the distributions, the counts
            "MOD", "SQRT", "TAN", "ATAN2", "PI", "COUNTIFS", "PERCENTILE", "CORREL",
            # the Cover's sentences (text functions of Excel 2007 and earlier; FIXED's separators follow the
            # machine's locale in Excel, as they do in LibreOffice)
            "SUBSTITUTE", "FIXED"}
REF = re.compile(r"(?<![A-Za-z0-9_])(\$?)([A-Z]{1,3})(\$?)(\d+)(?![A-Za-z0-9_(])")


def formulas(book):
    from model.workbook.writer import write_book  # noqa: F401  (formulas are rendered as the writer does)
    for cell in book.formula_cells():
        yield cell, cell.content.xl(cell.sheet)


def strip_strings(f):
    return re.sub(r'"[^"]*"', '""', re.sub(r"'[^']*'!", "S!", f))


def test_only_portable_non_volatile_functions(company):
    for cell, f in formulas(company[1]):
        used = set(re.findall(r"([A-Z][A-Z0-9.]*)\(", strip_strings(f)))
        assert used <= PORTABLE, (cell.sheet.name, f)


def test_formulas_within_excels_limits(company):
    """Excel's specifications: a formula of at most 8,192 characters, functions nested at most 64 deep, at most
    255 arguments to a function (LibreOffice and Gnumeric compute past them; Excel refuses the formula). Each
    table column's formula counted once, at its last row (the longest row numbers). Today's maxima: 5,530
    characters (a trial's), 12 levels, 55 arguments."""
    from model.calc.excel import parse
    from model.calc.vector import Computed

    def depth(t):   # (function nesting, most arguments) of a parsed formula
        if t[0] == "call":
            inner = [depth(a) for a in t[2]]
            return 1 + max([d for d, _ in inner] or [0]), max([len(t[2])] + [n for _, n in inner])
        parts = {"bin": t[2:4], "neg": t[1:2], "pct": t[1:2]}.get(t[0], ())
        inner = [depth(a) for a in parts]
        return max([d for d, _ in inner] or [0]), max([n for _, n in inner] or [0])
    last, seen, most = {}, set(), (0, 0, 0)
    for cell, _ in formulas(company[1]):
        if isinstance(cell.content, Computed):
            key = (cell.sheet.name, cell.col, cell.content.text)
            last[key] = max(last.get(key, cell), cell, key=lambda c: c.row)
    tables = {id(c) for c in last.values()}
    for cell, f in formulas(company[1]):
        if isinstance(cell.content, Computed) and id(cell) not in tables:
            continue
        if f in seen:
            continue
        seen.add(f)
        nesting, args = depth(parse(f))
        assert len(f) <= 8192 and nesting <= 64 and args <= 255, (cell.sheet.name, cell.row, cell.col, len(f), nesting, args)
        most = tuple(max(a, b) for a, b in zip(most, (len(f), nesting, args)))
    assert most[1] >= 5 and most[2] >= 10   # the measure reads nesting and arguments (a sentence, a check's SUM)


def test_no_typed_in_numbers_in_formulas(company):
    from model.calc.risk import HDR_CONSTANTS
    generator = {f"{c:g}" if isinstance(c, float) else str(c) for c in HDR_CONSTANTS}
    for cell, f in formulas(company[1]):
        # a sentence shows a fraction as a percentage: FIXED(ROUND(x*100,d),d)&"%" (words.percent), a display
        # conversion and not an assumption; nothing else may type 100
        bare = re.sub(r'\*100(?=,\d+\),\d+\)&"")', "", REF.sub("R", strip_strings(f)))
        numbers = set(re.findall(r"(?<![A-Za-z_])\d+(?:\.\d+)?", bare))
        # the Trials tab's draws: the published HDR generator's own constants, and nothing else
        allowed = {"0", "1"} | (generator if cell.sheet.tab == "trials" else set())
        assert numbers <= allowed, (cell.sheet.name, cell.row, cell.col, f)


def relative(f, cell):
    """A formula with its relative references written as offsets from its own cell (R1C1 style)."""
    from model.calc.formula import col_letter

    def col_index(letters):
        n = 0
        for ch in letters:
            n = n * 26 + ord(ch) - 64
        return n - 1

    def sub(m):
        dc, c, dr, r = m.groups()
        col = c if dc else f"C[{col_index(c) - cell.col}]"
        row = r if dr else f"R[{int(r) - 1 - cell.row}]"
        return f"<{row}{col}>"
    return REF.sub(sub, strip_strings(f))


def test_one_formula_per_forecast_row(company):
    data, book = company
    # the near-term years in parts (FY2026E = 1H2026A + 2H2026E, 1H2027E | 2H2027E | FY2027E) are boundary
    # columns with their own formulas, like the actual years: a full year in parts sums its parts, and a first
    # part grows from the second part of the year before, a second part from the first of its year. The one
    # formula runs across the later full years, and across the second parts among themselves (not on the
    # Sensitivity tab, whose forecasts read an actual interim from the Income Statement)
    tl = book.tabs["income"].lines.tl
    sensitivity = book.tabs["sensitivity"].sheet.name
    groups = [{tl.col[p] for p in tl.forecast if p.year not in tl.split},
              {tl.col[p] for p in tl.forecast_parts if p.is_remainder}]
    header_row = {c.sheet.name: c.row for s in book.sheets for c in s.cells.values() if c.fmt.startswith("period_")}
    # summary tables by scenario (a row per scenario, a column per measure) are not timelines
    summary_rows = set(data.scenarios) | {book.t("scenarios.selected")}
    label = lambda cell: getattr(cell.sheet.cell_at(cell.row, 0), "content", None)  # noqa: E731
    checked = []
    for i, forecast_cols in enumerate(groups):
        if len(forecast_cols) < 2:
            continue
        rows = {}
        for cell, f in formulas(book):
            if (cell.col in forecast_cols and cell.row > header_row.get(cell.sheet.name, 1e9)
                    and label(cell) not in summary_rows and not (i and cell.sheet.name == sensitivity)):
                rows.setdefault((cell.sheet.name, cell.row), []).append(relative(f, cell))
        # timeline rows: a formula in every column of the group (tables below a header are not timelines)
        rows = {k: set(v) for k, v in rows.items() if len(v) == len(forecast_cols)}
        checked.append(len(rows))
        for key, shapes in rows.items():
            assert len(shapes) == 1, (key, shapes)
    assert checked[0] > 50 and (len(checked) == 1 or checked[1] > 20)


def test_every_number_outside_inputs_is_a_formula(company):
    for sh in company[1].sheets:
        if sh.name == "Inputs":
            continue
        for cell in sh.cells.values():
            if isinstance(cell.content, (int, float)):
                assert cell.fmt.startswith("period_"), (sh.name, cell.row, cell.col, cell.content)
            assert cell.role not in INPUT_ROLES


def cells_read(expr, out):
    if isinstance(expr, (Ref, Name)):
        out.add(id(expr.cell))
    elif isinstance(expr, Rng):
        out.update(id(c) for row in expr.cells() for c in row if c is not None)
    elif isinstance(expr, Op):
        cells_read(expr.a, out), cells_read(expr.b, out)
    elif isinstance(expr, Neg):
        cells_read(expr.a, out)
    elif isinstance(expr, Fn):
        for a in expr.args:
            cells_read(a, out)
    elif isinstance(expr, (CountErrors, Flags)):
        cells_read(expr.rng, out)


def test_every_input_feeds_the_model(company):
    book = company[1]
    read = set()
    for cell in book.formula_cells():
        cells_read(cell.content, read)
    inputs = [c for c in book.sheet("Inputs").cells.values() if c.role in INPUT_ROLES]
    assert len(inputs) > 100
    unused = [(c.row, c.col) for c in inputs if id(c) not in read and c is not book.names["Scenario"]]
    assert not unused


def walk(expr):
    """Every node of a formula tree."""
    yield expr
    for child in (expr.a, expr.b) if isinstance(expr, Op) else (expr.a,) if isinstance(expr, Neg) else \
            expr.args if isinstance(expr, Fn) else ():
        yield from walk(child)


def test_no_formula_reads_its_own_cell(company):
    # a self-reference such as ROWS($B$41:B41) in B41 is circular to formula engines (formulas, pycel)
    for cell in company[1].formula_cells():
        read = set()
        cells_read(cell.content, read)
        assert id(cell) not in read, (cell.sheet.name, cell.row, cell.col, cell.content.xl(cell.sheet))


def test_index_over_one_row_names_row_and_column(company):
    # Gnumeric gives #REF! for INDEX(one-row range, k) and for INDEX over a single cell
    for cell in company[1].formula_cells():
        for node in walk(cell.content):
            if isinstance(node, Fn) and node.name == "INDEX":
                rng = node.args[0]
                assert rng.first is not rng.last, cell.content.xl(cell.sheet)   # CHOOSE(k, cell) instead
                assert len(node.args) == 3 or rng.first.row != rng.last.row, cell.content.xl(cell.sheet)


def test_error_scans_are_array_formulas(book, tmp_path):
    # SUMPRODUCT(--ISERROR(range)) is not portable (Gnumeric evaluates ISERROR on one cell)
    import zipfile
    scans = [c for c in book.formula_cells() if isinstance(c.content, CountErrors)]
    assert len(scans) >= 7
    path = tmp_path / "m.xlsx"
    write_book(book, path)
    with zipfile.ZipFile(path) as z:
        xml = "".join(z.read(n).decode() for n in z.namelist() if n.startswith("xl/worksheets/"))
    assert xml.count('t="array"') == len(scans) and "SUMPRODUCT(--ISERROR" not in xml


def test_tabs_in_order(book):
    assert [s.name for s in book.sheets] == ["Cover", "Inputs", "Income Statement", "Ratios", "Scenarios", "Breakeven",
                                             "Cash & Funding", "Peers", "Valuation", "Sensitivity", "Claims Audit", "Checks",
                                             "Sources",
                                             "_meta"]   # the very hidden build record


def test_defined_names(book, zhipu):
    names = book.names
    for n in ("Scenario", "BreakevenYear", "CumulativeLossToBreakeven", "MasterCheck", "ScenarioList",
              "Act_revenue", "Act_rnd_compute", "Act_share_onprem", "Tol_amount", "LowestCash", "CashRunOutYear",
              "FundingNeed", "RequiredRevenue", "RequiredCAGR", "Fund_opening_cash", "Event_placing_jul_amount",
              "Event_cb_sep_fx_rate", "Event_ipo_year", "Event_ipo_counted", "Fund_min_cash", "Step_growth_step", "Claim_MULT", "ClaimTol_MULT"):
        assert n in names
    for sc in zhipu.scenarios:
        for drv in ("growth_onprem", "growth_cloud", "gm_onprem", "gm_cloud", "rnd_compute_growth",
                    "rnd_other_growth", "other_opex_growth", "adjustments", "non_cash", "capex", "working_capital"):
            assert f"Asm_{sc}_{drv}" in names
    assert isinstance(names["MasterCheck"], Cell) and names["MasterCheck"].sheet.name == "Checks"


# --- figures published one way or another (issue 11): amounts or shares, gross profit or cost,
# margins left undisclosed, compute carried by an assumed share -----------------------------------

def test_figures_published_either_way_by_hand(tmp_path):
    import shutil
    from conftest import ZHIPU_JAN
    from model.data.company import load
    folder = tmp_path / "co"
    shutil.copytree(ZHIPU_JAN, folder)
    path = folder / "actuals.csv"
    rows = [ln for ln in path.read_text(encoding="utf-8").splitlines()
            if not ln.startswith(("share_onprem,FY2024", "share_cloud,FY2024", "rnd_compute,FY2024", "gm_cloud,FY2024"))]
    rows = [ln.replace("cost_of_revenue,FY2024,1.36525", "cost_of_revenue,FY2024,") for ln in rows]
    rows += ["rev_onprem,FY2024,2.64,S1,", "rev_cloud,FY2024,0.48414,S1,",
             "rnd_compute_share,FY2024,70%,,assumption: about the disclosed 70.7%"]
    path.write_text("\n".join(rows) + "\n", encoding="utf-8")
    data = load(folder)
    assert data.split_compute
    b = build_book(data)
    inc = "Income Statement"
    assert line(b, inc, "Revenue — Cloud / MaaS", "FY2024") == pytest.approx(0.48414)         # the amount, not a share
    assert line(b, inc, "Cost of revenue", "FY2024") == pytest.approx(3.12414 - 1.75889)   # revenue - gross profit
    assert line(b, inc, "R&D — compute", "FY2024") == pytest.approx(21.954 * 0.70)
    # FY2025 is 1H2025 (compute 11.45, disclosed) + 2H2025E (growth over 1H); FY2026 is 1H2026E + 2H2026E, each
    # half grown from the half before
    g = lambda code: data.value("base", "rnd_compute_growth", parse_column(code))  # noqa: E731
    h2_2025 = 11.45 * (1 + g("2H2025"))
    h1_2026 = h2_2025 * (1 + g("1H2026"))
    assert line(b, inc, "R&D — compute", "2H2025") == pytest.approx(h2_2025)
    assert line(b, inc, "R&D — compute", "FY2025") == pytest.approx(11.45 + h2_2025)
    assert line(b, inc, "R&D — compute", "FY2026") == pytest.approx(h1_2026 + h1_2026 * (1 + g("2H2026")))
    # no cloud margin disclosed in the base year: derived from what on-premise leaves of the gross profit
    assert line(b, inc, "Gross profit — Cloud / MaaS", "FY2024") == pytest.approx(1.75889 - 2.64 * 0.66)
    assert cell(b, inc, "Gross profit — Cloud / MaaS", "FY2024").role == "derived"
    assert cell(b, inc, "Gross profit — On-premise deployment", "FY2024").role == "calc"
    assert line(b, inc, "Gross profit — Cloud / MaaS", "FY2023") == pytest.approx(1.24538 * 0.096 * 0.31)
