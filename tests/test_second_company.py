"""The fictional second company (tests/data/meridian): USD m, a 31 March year end, nine-month
interims, one revenue segment, four scenarios, R&D without a compute split and gaps in history.
Its figures are checked against hand computation from the data files; the engine test
(test_engine.py) recalculates every scenario of it in LibreOffice."""
import copy

import pytest

from conftest import assert_hand_forecast, hand_forecast, line, require_engine
from model.workbook.build import build_book
from model.calc.formula import a1
from model.data.periods import Period
from model.workbook.writer import write_book
from test_engine import assert_engine_matches

FY = lambda y: Period(y, 12)  # noqa: E731
M9 = lambda y: Period(y, 9)  # noqa: E731
PLATFORM = "AI platform (API and subscriptions)"


def test_the_data_are_what_the_files_say(meridian):
    assert meridian.company["currency"] == "USD" and meridian.company["unit"] == "USD m"
    assert meridian.periods == [FY(2022), FY(2023), FY(2024), M9(2025), FY(2025), M9(2026)]
    assert meridian.scenarios == ["base", "upside", "downside", "price war"]
    assert meridian.forecast_years == [2026, 2027, 2028, 2029, 2030, 2031]
    assert meridian.single_segment and not meridian.split_compute
    assert meridian.actual("cost_of_revenue", M9(2025)) is None    # listed, value blank
    assert meridian.actual("rnd", FY(2022)) is None                # not listed at all
    assert meridian.tolerances["amount"] == 0.001                  # set in company.toml
    assert meridian.tolerances["share_sum"] == 0.001               # default


def test_history_by_hand(meridian_book):
    b = meridian_book
    # one segment: its revenue and gross profit are the totals
    assert line(b, "Income Statement", f"Revenue — {PLATFORM}", "FY2024") == 75.0
    assert line(b, "Income Statement", f"Gross profit — {PLATFORM}", "9M2026") == pytest.approx(189.0 - 66.15)
    # other operating costs: gross profit − R&D − adjusted net income
    assert line(b, "Income Statement", "Other operating costs, net (derived)", "FY2025") == pytest.approx(
        (150.0 - 54.0) - 180.0 - (-130.0))
    assert line(b, "Income Statement", "Non-GAAP adjustments", "FY2025") == pytest.approx(-130.0 + 158.0)
    assert line(b, "Ratios", "Gross margin — blended", "FY2025") == pytest.approx(96.0 / 150.0)
    assert line(b, "Ratios", "R&D / revenue", "9M2026") == pytest.approx(171.0 / 189.0)
    assert line(b, "Ratios", "Revenue CAGR since first actual year", "FY2025") == pytest.approx((150.0 / 12.0) ** (1 / 3) - 1)


def test_nine_months_compare_with_nine_months_a_year_earlier(meridian_book):
    b = meridian_book
    assert line(b, "Ratios", "Revenue growth (like for like)", "9M2026") == pytest.approx(189.0 / 105.0 - 1)
    assert line(b, "Ratios", "R&D growth", "9M2026") == pytest.approx(171.0 / 130.0 - 1)
    assert line(b, "Ratios", "Revenue growth (like for like)", "9M2025") == "n/a"   # no 9M2024
    assert line(b, "Ratios", "Total cost growth", "9M2026") == "n/a"               # 9M2025 cost blank
    inc = ((-80.25) - (-95.0)) / (189.0 - 105.0)
    assert line(b, "Ratios", "Incremental adjusted margin (operating leverage)", "9M2026") == pytest.approx(inc)


def test_missing_history_shows_na(meridian_book):
    b = meridian_book
    assert line(b, "Income Statement", "Research & development", "FY2022") == "n/a"
    assert line(b, "Income Statement", "Other operating costs, net (derived)", "FY2022") == "n/a"
    assert line(b, "Income Statement", "Net income (loss), reported", "FY2022") == "n/a"
    assert line(b, "Income Statement", "R&D — compute", "FY2025") == "n/a"
    assert line(b, "Ratios", "Compute share of R&D", "FY2024") == "n/a"


def test_compute_is_history_only_when_not_given_for_the_base_year(meridian_book):
    sh = meridian_book.sheet("Income Statement")
    rows = {str(c.content).strip(): r for (r, col), c in sh.cells.items() if col == 0}
    tl = meridian_book.tabs["income"].lines.tl
    forecast_cols = [tl.col[p] for p in tl.main if not tl.is_actual(p)]   # the parts and the years
    for label in ("R&D — compute", "R&D — people and other"):
        assert all(sh.cell_at(rows[label], c) is None for c in forecast_cols), label
    assert all(sh.cell_at(rows["Research & development"], c).is_formula for c in forecast_cols)


def test_base_case_first_year_by_hand(meridian, meridian_book):
    # FY2026 = the 9M2026 actual + Q4 2026, each Q4 flow the nine months' average quarter (x 3/9) x (1 + its
    # growth): revenue +5%, R&D -4%, other costs +116%; margin 65%; adjustments 9.25
    b = meridian_book
    q4 = 189.0 * 3 / 9 * 1.05
    assert line(b, "Income Statement", "Total revenue", "Q4 2026") == pytest.approx(q4)
    assert line(b, "Income Statement", "Total revenue", "FY2026") == pytest.approx(189.0 + q4)
    assert line(b, "Income Statement", "Research & development", "FY2026") == pytest.approx(171.0 + 171.0 / 3 * 0.96)
    opex_9m = (189.0 - 66.15) - 171.0 + 80.25
    adj = (189.0 - 66.15) + q4 * 0.65 - (171.0 + 171.0 / 3 * 0.96) - (opex_9m + opex_9m / 3 * 2.16)
    assert line(b, "Income Statement", "Adjusted net income (loss)", "FY2026") == pytest.approx(adj)
    assert line(b, "Income Statement", "Net income (loss), reported", "FY2026") == pytest.approx(adj - (20.75 + 9.25))
    # FY2027 = 9M2027 + Q4 2027: nine months at Q4 2026's run rate (x 9/3) x 1.334734, then Q4 2027 at theirs
    # (x 3/9) x 1.334734 -- the run-rate growth that keeps the former view of FY2027, FY2026 x 1.5
    m9 = q4 * 3 * 1.334734
    assert line(b, "Income Statement", "Total revenue", "9M2027") == pytest.approx(m9)
    assert line(b, "Income Statement", "Total revenue", "FY2027") == pytest.approx(m9 + m9 / 3 * 1.334734)
    assert line(b, "Income Statement", "Total revenue", "FY2027") == pytest.approx((189.0 + q4) * 1.5, rel=1e-5)
    # like-for-like growth of Q4 2026 against Q4 2025 = FY2025 - 9M2025
    assert line(b, "Ratios", "Revenue growth (like for like)", "Q4 2026") == pytest.approx(
        189.0 * 0.35 / (150.0 - 105.0) - 1)
    assert b.names["BreakevenYear"].result() == 2028
    assert b.names["CumulativeLossToBreakeven"].result() == pytest.approx(hand_forecast(meridian, "base", b)[2])


def test_every_scenario_matches_the_hand_forecast(meridian):
    breakevens = {}
    for sc in meridian.scenarios:
        b = build_book(meridian, sc)
        breakevens[sc] = assert_hand_forecast(meridian, sc, b)
        assert b.names["MasterCheck"].result() == 0
    assert breakevens == {"base": 2028, "upside": 2028, "downside": "not reached", "price war": 2030}


def test_one_segment_needs_no_shares_and_no_share_checks(meridian, meridian_book):
    b = meridian_book
    labels = {str(c.content) for sh in b.sheets for (r, col), c in sh.cells.items() if col == 0}
    assert not any(s.startswith(("Revenue share", "Revenue mix", "Tolerance: revenue shares")) for s in labels)
    assert "Revenue shares sum to 100%" not in labels
    assert "Segment revenue sums to total revenue" in labels
    assert not any(f"Act_share_{k}" in b.names for k, _ in meridian.segments)   # a revenue share (not share-based pay)
    assert "Act_share_based_pay" in b.names


def test_the_workbook_speaks_of_this_company_only(meridian_book):
    b = meridian_book
    texts = [str(c.content) for sh in b.sheets for c in sh.cells.values() if isinstance(c.content, str)]
    for word in ("Zhipu", "RMB", "亿", "IFRS", "HKEX", "onprem", "cloud", "research note"):
        assert not any(word.lower() in t.lower() for t in texts), word
    cover = {str(b.sheet("Cover").cell_at(r, 0).content): str(c.content)
             for (r, col), c in b.sheet("Cover").cells.items() if col == 1 and b.sheet("Cover").cell_at(r, 0)}
    assert cover["Currency and unit"] == "USD m"
    assert "31 March" in cover["Fiscal year end"] and "FY2025 is the 12 months to 31 Mar 2025" in cover["Fiscal year end"]
    assert "9M2026 = the 9 months to 31 Dec 2025" in cover["Periods"]
    assert "Asm_price_war_rnd_growth" in b.names


def test_edits_in_libreoffice_move_outputs_as_the_model_predicts(meridian, tmp_path):
    """As in test_engine, for this company's shape: edit inputs in LibreOffice and compare every
    formula cell with the Python model rebuilt from the same edits."""
    require_engine()
    from model.engine import libreoffice as engine
    path = tmp_path / "m.xlsx"
    b = build_book(meridian)
    write_book(b, path)
    changed = copy.deepcopy(meridian)
    changed.assumptions[("price war", "rnd_growth")][2] = 0.30   # 9M2027E (after Q4 2026E, FY2026E)
    changed.actuals["revenue"][FY(2025)].value = 140.0
    expected = build_book(changed, "price war")
    cell = lambda name, i: b.names[name].cells()[0][i]  # noqa: E731
    addr = lambda c: f"Inputs!{a1(c.row, c.col)}"  # noqa: E731
    result = engine.recalculate_file(path, edits=[
        {"target": "Scenario", "value": "price war"},
        {"target": addr(cell("Asm_price_war_rnd_growth", 2)), "value": 0.30},   # 9M2027E
        {"target": addr(cell("Act_revenue", 3)), "value": 140.0}])   # FY2025
    assert assert_engine_matches(expected, result) == len(list(expected.formula_cells())) > 500
    assert result["names"]["BreakevenYear"]["v"] == expected.names["BreakevenYear"].result()
    # the restated FY2025 revenue no longer reproduces the published margin and R&D ratio: 2 failures
    assert result["names"]["MasterCheck"]["v"] == expected.names["MasterCheck"].result() == 2
