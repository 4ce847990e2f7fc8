"""Blank stays blank, and assumed is never shown as reported (issue 22). MiniMax (tests/data/
minimax_undisclosed: USD, nine-month prospectus interims then a 1H2026 interim) discloses no segment
margin for FY2025 or 1H2026, no split of R&D and no operating metric. Those values stay blank: the model
derives what the forecast needs, styles it derived, and styles what rests on an assumption as one; both
builds (growth rates, units) recalculate in LibreOffice with no error value."""
import shutil

import pytest

from conftest import (ROOT, UNIT_FILES, ZHIPU_UNITS, cell, copy_folder, line, plant_wrong_cache, replace_in,
                      require_engine, run)
from model.data.company import load
from model.data.periods import Period, parse_column
from model.workbook.build import build_book
from model.workbook.provenance import ASSUMED, DERIVED, style_actuals

MINIMAX = ROOT / "tests" / "data" / "minimax_undisclosed"
FY, H1 = (lambda y: Period(y, 12)), (lambda y: Period(y, 6))  # noqa: E731
INC = "Income Statement"
PRODUCTS, API = "AI-native products", "Open platform and enterprise (API)"
# published figures (minimax-results-2022-2026.md), USD m
REV_2025, GP_2025, PRODUCTS_2025, API_2025 = 79.038, 20.079, 53.075, 25.963
REV_1H26, GP_1H26, API_SHARE_1H26 = 116.573, 20.8, 0.634


@pytest.fixture(scope="module")
def growth(tmp_path_factory):
    """The folder on the growth-rate build: without its unit-build files."""
    folder = tmp_path_factory.mktemp("growth") / "minimax"
    shutil.copytree(MINIMAX, folder, ignore=shutil.ignore_patterns(*UNIT_FILES))
    return folder


@pytest.fixture(scope="module")
def growth_book(growth):
    return build_book(load(growth))


@pytest.fixture(scope="module")
def units_book():
    return build_book(load(MINIMAX))


def test_the_undisclosed_values_stay_blank_in_the_data(growth):
    data = load(growth)
    for p in (FY(2025), H1(2026)):
        assert data.actual("gm_products", p) is None and data.actual("gm_api", p) is None
        assert data.actual("rnd_compute", p) is None and data.actual("rnd_compute_share", p) is None
    assert data.forecast_bases == [FY(2025), H1(2026)] and not data.split_compute   # R&D: one line


def test_segment_gross_profit_is_derived_at_the_blended_margin_where_the_forecast_starts(growth_book):
    b = growth_book
    # FY2025 (the base year) and 1H2026 (the interim of FY2026): no segment margin is disclosed, so every
    # segment earns the blended gross margin there, and says so (derived, not reported)
    assert line(b, INC, f"Gross profit — {PRODUCTS}", "FY2025") == pytest.approx(PRODUCTS_2025 * GP_2025 / REV_2025)
    assert line(b, INC, f"Gross profit — {API}", "FY2025") == pytest.approx(API_2025 * GP_2025 / REV_2025)
    assert line(b, INC, f"Gross profit — {API}", "1H2026") == pytest.approx(REV_1H26 * API_SHARE_1H26 * GP_1H26 / REV_1H26)
    assert line(b, "Ratios", f"Gross margin — {API}", "1H2026") == pytest.approx(GP_1H26 / REV_1H26)
    for sheet, label, code in ((INC, f"Gross profit — {PRODUCTS}", "FY2025"), (INC, f"Gross profit — {API}", "1H2026"),
                               ("Ratios", f"Gross margin — {API}", "FY2025")):
        assert cell(b, sheet, label, code).role == "derived", (sheet, label, code)
    # 9M2025 discloses both (C): reported, in the plain style; FY2024 discloses none and starts nothing: n/a
    assert line(b, INC, f"Gross profit — {API}", "9M2025") == pytest.approx(15.417 * 0.694)
    assert cell(b, INC, f"Gross profit — {API}", "9M2025").role == "calc"
    assert line(b, INC, f"Gross profit — {API}", "FY2024") == "n/a"
    # the whole year is the interim plus the rest: FY2026E gross profit builds on the derived 1H2026
    rest = b.tabs["income"].lines.cell("gp_api", Period(2026, 6, 6)).result()
    assert line(b, INC, f"Gross profit — {API}", "FY2026") == pytest.approx(REV_1H26 * API_SHARE_1H26 * GP_1H26 / REV_1H26
                                                                            + rest)


def test_a_disclosed_segment_margin_leaves_the_rest_to_the_other(tmp_path):
    """One margin disclosed, one not: the other segment earns what the total gross profit leaves."""
    folder = copy_folder(MINIMAX, tmp_path / "mm")
    for f in UNIT_FILES:
        (folder / f).unlink()
    text = (folder / "actuals.csv").read_text(encoding="utf-8")
    (folder / "actuals.csv").write_text(text.replace("gm_products,FY2025,,", "gm_products,FY2025,10%,"), encoding="utf-8")
    b = build_book(load(folder))
    assert line(b, INC, f"Gross profit — {PRODUCTS}", "FY2025") == pytest.approx(PRODUCTS_2025 * 0.10)
    assert line(b, INC, f"Gross profit — {API}", "FY2025") == pytest.approx(GP_2025 - PRODUCTS_2025 * 0.10)
    assert cell(b, INC, f"Gross profit — {PRODUCTS}", "FY2025").role == "calc"
    assert cell(b, INC, f"Gross profit — {API}", "FY2025").role == "derived"


def test_no_invented_figure_is_shown_as_reported(units_book):
    """Every actual-column figure that rests on a derived figure or an assumption is styled as one:
    none keeps the reported style. Checked against the provenance found independently, by walking each
    actual cell's formula down to the Inputs cells it reads."""
    b = units_book
    inputs = b.sheet("Inputs")
    assumed = {id(c) for c in inputs.cells.values() if c.role == "input_assumed"}
    assert assumed   # the unit build's undisclosed metrics: tokens per day, the fixed shares
    derived = {id(b.tabs["income"].lines.cells[k, p]) for k, p in
               [(f"gp_{s}", q) for s in ("products", "api") for q in (FY(2025), H1(2026))]}

    def rests_on(c, seen):
        if id(c) in assumed:
            return ASSUMED
        if id(c) in derived:
            return DERIVED
        if id(c) in seen or not c.is_formula:
            return None
        seen.add(id(c))
        from model.workbook.provenance import _read
        found = {rests_on(d, seen) for d in _read(c.content)}
        return ASSUMED if ASSUMED in found else DERIVED if DERIVED in found else None
    styled = 0
    for c in b.actual_cells:
        kind = rests_on(c, set())
        if kind is None:
            assert c.role in ("calc", "calc_total"), (c.sheet.name, c.row, c.col, c.role)
        else:
            assert c.role.startswith(kind), (c.sheet.name, c.row, c.col, c.role, kind)
            styled += 1
    assert styled > 40
    # the unit build's implied price rests on the assumed token volume; reported revenue does not
    assert cell(b, INC, "Price per million tokens", "FY2025").role == "assumed"
    assert cell(b, INC, "Tokens served per day", "FY2025").role == "assumed"
    assert cell(b, INC, "Total revenue", "FY2025").role == "calc_total"
    assert b.tabs["units"].blocks["bear"].cells["v_u_tokens", FY(2025)].role == "assumed"   # Unit Economics


def test_provenance_prefers_an_assumption_and_follows_ranges():
    """A figure reading a derived and an assumed one is an assumption; a range counts every cell."""
    from model.calc.formula import SUM, Rng
    from model.labels import Labels
    from model.workbook.book import Book
    book = Book(Labels("en", {"name": "x", "segments": [{"key": "a", "label": "A"}]}))
    sh = book.add_sheet("income", "calc", "S")
    a, d, plain = sh.put(0, 0, 1.0, "input"), sh.put(0, 1, 2.0, "calc"), sh.put(0, 2, 3.0, "input")
    both = sh.put(1, 0, a.ref() + d.ref(), "calc")
    ranged = sh.put(1, 1, SUM(Rng(a, plain)), "calc_total")
    only = sh.put(1, 2, plain.ref() * 2, "calc")
    book.actual_cells = [both, ranged, only]
    assert style_actuals(book, {a: ASSUMED, d: DERIVED}) == 2
    assert (both.role, ranged.role, only.role) == ("assumed", "assumed_total", "calc")


@pytest.mark.parametrize("company", ["zhipu", "minimax"])
def test_the_old_traceback_case_builds(tmp_path, company):
    """The unit build with the base-year segment margins blank (templates/zhipu with FY2025's removed) stopped
    with 'RuntimeError: Cover!1,14: #VALUE! in formula', and MiniMax's could not be entered at all; both
    build, with no traceback and every check passing."""
    folder = MINIMAX
    if company == "zhipu":
        folder = copy_folder(ZHIPU_UNITS, tmp_path / "zhipu")
        for old in ("gm_onprem,FY2025,48.8%", "gm_cloud,FY2025,18.9%"):
            replace_in(folder / "actuals.csv", old, old.rsplit(",", 1)[0] + ",")
    res = run("build", "--data", folder, "--out", tmp_path / "m.xlsx")
    assert res.returncode == 0, res.stderr
    assert "Traceback" not in res.stderr and "Checks: OK" in res.stdout


def test_r_and_d_is_one_line_when_compute_was_never_disclosed(units_book):
    """The unit build needs no invented R&D split: R&D keeps its growth rate; the unit build forecasts
    the API segment from tokens x price and other costs from a share of revenue plus a fixed part."""
    data = load(MINIMAX)
    b = units_book
    assert not data.split_compute
    assert "u_training" not in b.tabs["income"].lines.rows and "rnd_growth" in {d for d, _ in b.tabs["income"].drivers}
    # in halves: each half grows from the half before (2H2026 from the 1H2026 actual), the year their sum
    g = lambda code: data.value("base", "rnd_growth", parse_column(code))  # noqa: E731
    h2_26 = line(b, INC, "Research & development", "1H2026") * (1 + g("2H2026"))
    h1_27 = h2_26 * (1 + g("1H2027"))
    assert line(b, INC, "Research & development", "2H2026") == pytest.approx(h2_26)
    assert line(b, INC, "Research & development", "FY2027") == pytest.approx(h1_27 + h1_27 * (1 + g("2H2027")))
    assert any(n.startswith("units.toml: compute within R&D is not known for FY2025") for n in data.notes)
    # the contribution's cost lines: R&D as one fixed line
    ue = b.tabs["units"].blocks["base"]
    assert "ue_rnd" in ue.rows and "ue_training" not in ue.rows


def test_compute_is_carried_at_the_last_disclosed_share_when_not_disclosed(tmp_path):
    """Zhipu without its assumed FY2025 and 1H2026 compute shares: compute is carried at 1H2025's
    disclosed share (11.451 / 15.947), derived, and R&D stays split."""
    folder = copy_folder(ZHIPU_UNITS, tmp_path / "zhipu")
    path = folder / "actuals.csv"
    path.write_text("".join(ln for ln in path.read_text(encoding="utf-8").splitlines(keepends=True)
                            if not ln.startswith("rnd_compute_share,")), encoding="utf-8")
    data = load(folder)
    assert data.split_compute and data.compute_carried_from(FY(2025)) == H1(2025)
    assert data.compute_carried_from(H1(2026)) == FY(2025)
    b = build_book(data)
    share = 11.451 / 15.947   # RMB 1,145.1m of RMB 1,594.7m (prospectus)
    assert line(b, INC, "R&D — compute", "FY2025") == pytest.approx(31.80443 * share)
    assert line(b, INC, "R&D — compute", "1H2026") == pytest.approx(21.31 * share)
    assert cell(b, INC, "R&D — compute", "FY2025").role == "derived"
    assert cell(b, INC, "R&D — people and other", "1H2026").role == "derived"
    assert cell(b, INC, "R&D — compute", "1H2025").role == "calc"   # disclosed


def test_an_assumption_keeps_its_style_on_every_tab(zhipu_units, units_book):
    """templates/zhipu assumes FY2025's compute share (rnd_compute_share, an assumption by definition):
    the input is blue on lilac, and compute in the FY2025 column reads as an assumption on every tab."""
    b = build_book(zhipu_units)
    inputs = b.tabs["income"].lines.inputs
    assert inputs.cell("rnd_compute_share", FY(2025)).role == "input_assumed"
    assert inputs.cell("rnd", FY(2025)).role == "input"
    assert cell(b, INC, "R&D — compute", "FY2025").role == "assumed"
    assert cell(b, "Ratios", "Compute share of R&D", "FY2025").role == "assumed"
    assert cell(b, INC, "R&D — compute", "FY2024").role == "calc"    # disclosed (S5; S6)
    scenarios = b.tabs["scenarios"].blocks["bull"]
    assert scenarios.cells[("rnd_compute", FY(2025))].role == "assumed"


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_cover_legend_shows_the_derived_and_assumed_styles(units_book, lang):
    b = units_book if lang == "en" else build_book(load(MINIMAX), lang="zh")
    cover = b.sheets[0]
    roles = {c.role for c in cover.cells.values()}
    assert {"legend_derived", "legend_assumed", "legend_input_assumed"} <= roles
    texts = [c.content for c in cover.cells.values() if isinstance(c.content, str)]
    word = {"en": "Derived, not reported", "zh": "推算，非呈报"}[lang]
    assert any(t.startswith(word) for t in texts)


def test_libreoffice_recalculates_both_builds_with_no_error_value(growth_book, units_book, tmp_path):
    """Both builds of the company with the blanks recalculate alike in LibreOffice, with each scenario
    selected: no mismatch, no error value, MasterCheck 0; a planted wrong cached value is caught."""
    require_engine()
    from model.engine import libreoffice as engine
    from model.engine.verify import cached_values, compare
    from model.workbook.writer import write_book
    planted = []
    jobs = []
    for name, b in (("growth", growth_book), ("units", units_book)):
        path = tmp_path / f"{name}.xlsx"
        write_book(b, path)
        scenarios = list(b.summary)
        jobs += [dict(path=path, edits=[{"target": "Scenario", "value": sc}], save_as=None, pdf=None) for sc in scenarios]
        planted.append(plant_wrong_cache(b, b.tabs["income"].lines.cells["gp_api", FY(2025)], tmp_path / f"{name}_wrong.xlsx"))
        jobs.append(dict(path=planted[-1].path, edits=[], save_as=None, pdf=None))
    results = engine.recalculate(jobs)
    wrong = [r for j, r in zip(jobs, results) if "_wrong" in str(j["path"])]
    for j, r in zip(jobs, results):
        assert not r["error"], r["error"]
        if "_wrong" in str(j["path"]):
            continue
        rep = compare(cached_values(j["path"]), r)
        assert rep.errors == [] and rep.master == 0, (j["path"], j["edits"])
        if j["edits"][0]["value"] == "base":   # the selection saved in the file: every cached value is LibreOffice's
            assert rep.mismatches == [] and rep.formulas > 3000
    for p, r in zip(planted, wrong):
        p.assert_caught(r)
