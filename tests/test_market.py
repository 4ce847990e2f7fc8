"""The market's view (market.csv): each published estimate set beside every scenario on the Scenarios
tab, where it stands against the scenarios' range (computed here by hand from the hand forecast), the
review flag for the estimates the scenarios do not bracket, the Cover's summary, bad rows refused, and
the table live in LibreOffice."""
import copy

import pytest

from conftest import copy_folder, ZHIPU, hand_forecast, plant_wrong_cache, require_engine, run
from model.data.company import load
from model.workbook.build import build_book
from model.workbook.writer import write_book

WITHIN, BELOW, ABOVE = "within the scenarios' range", "below every scenario", "above every scenario"
EARLIER, LATER = "earlier than every scenario", "later than every scenario"


@pytest.fixture(scope="module")
def zhipu():
    return load(ZHIPU)   # Zhipu on growth rates: the hand forecast computes it independently


@pytest.fixture(scope="module")
def view(zhipu):
    return build_book(zhipu).tabs["scenarios"].market


def test_the_file_gives_the_brokers_figures(zhipu):
    est = {e.id: e for e in zhipu.market}
    assert {e.broker for e in zhipu.market} >= {"JPM", "HSBC", "CLSA", "Goldman Sachs"}
    clsa = est["clsa_rev"]
    assert (clsa.metric, clsa.period.code, clsa.value, clsa.grade, clsa.fx_rate) == ("revenue", "FY2026", 34, "C", 1.0)
    arr = est["hsbc_arr"]   # US$2.0bn at the display unit's scale (RMB 100m): 20 US$ 100m at 7.18 RMB per US$
    assert (arr.currency, arr.value, arr.fx_rate, arr.compared) == ("USD", 20, 7.18, False)
    assert est["jpm_jun_profit"].value == 2028 and est["jpm_jun_profit"].period is None


def by_hand(data, book):
    """Per scenario: {year: (revenue, adjusted net income, net income)}, the adjusted breakeven year and the
    first year of reported net profit ("not reached" as the model says it)."""
    out = {}
    for sc in data.scenarios:
        years, be, _ = hand_forecast(data, sc, book)
        profit = next((y for y, _, _, ni in years if ni >= 0), "not reached")
        out[sc] = ({y: (rev, ani, ni) for y, rev, ani, ni in years}, be, profit)
    return out


def expected_position(value, figures, year=False):
    """Where a published figure stands against the scenarios' figures, by hand."""
    last = 2030
    figures = [f if not isinstance(f, str) else last + 1 for f in figures] if year else figures
    if all(value < f for f in figures):
        return EARLIER if year else BELOW
    if all(value > f for f in figures):
        return LATER if year else ABOVE
    return WITHIN


def test_each_estimate_against_every_scenario_by_hand(zhipu, view):
    hand = by_hand(zhipu, view.book)
    checked = 0
    for est in zhipu.market:
        cells = view.cells[est.id]
        if est.metric in ("revenue", "adjusted_net_income", "net_income") and est.period.is_full_year:
            i = ("revenue", "adjusted_net_income", "net_income").index(est.metric)
            figures = [hand[sc][0][est.period.year][i] for sc in zhipu.scenarios]
            year = False
        elif est.metric in ("breakeven_year", "profit_year"):
            figures = [hand[sc][1 if est.metric == "breakeven_year" else 2] for sc in zhipu.scenarios]
            year = True
        else:
            continue
        for sc, want in zip(zhipu.scenarios, figures):
            assert cells[sc].result() == (want if isinstance(want, str) else pytest.approx(want, rel=1e-12))
        assert cells["published"].result() == pytest.approx(est.value * est.fx_rate if est.fx_rate else est.value)
        want = expected_position(est.value, figures, year)
        assert cells["position"].result() == want, est.id
        assert cells["outside"].result() == (want != WITHIN)
        checked += 1
    assert checked == 7   # CLSA's revenue, JPM's two adjusted losses and net profit, three breakeven years
    # CLSA's FY2026 revenue of 34 (RMB 3.4bn) lies within the scenarios' range today (base 33.7, bull 45.6: 2H2026
    # follows from 1H2026), JPM's FY2026 adjusted loss too
    assert view.cells["clsa_rev"]["position"].result() == WITHIN
    assert view.cells["jpm_jun_adj26"]["position"].result() == WITHIN


def test_the_review_flag_counts_what_the_scenarios_do_not_bracket(zhipu, view):
    counted = sum(c["outside"].result() for c in view.cells.values() if "outside" in c)
    assert view.outside.result() == counted >= 1
    assert view.book.names["MarketOutsideRange"] is view.outside
    # not compared: ARR and target prices (no model figure); superseded: the S&P 1H2026 estimate (now actual)
    assert "outside" not in view.cells["hsbc_arr"] and "outside" not in view.cells["jpm_feb_tp"]
    assert view.cells["sp_1h26"]["base"].result() == pytest.approx(9.539)   # each scenario shows the actual


def test_a_range_that_brackets_the_estimate_clears_its_flag(zhipu, view):
    """Move CLSA's revenue above the scenarios' range and back inside it, and JPM's FY2026 adjusted loss below
    every scenario: the flags follow, and so does the count on the Cover."""
    hand = by_hand(zhipu, view.book)
    revenue = sorted(hand[sc][0][2026][0] for sc in zhipu.scenarios)
    adjusted = min(hand[sc][0][2026][1] for sc in zhipu.scenarios)
    data = copy.deepcopy(zhipu)
    est = {e.id: e for e in data.market}
    est["clsa_rev"].value = revenue[-1] + 1
    above = build_book(data).tabs["scenarios"].market
    assert above.cells["clsa_rev"]["position"].result() == ABOVE and above.cells["clsa_rev"]["outside"].result() == 1
    assert above.outside.result() == view.outside.result() + 1
    est["clsa_rev"].value = (revenue[0] + revenue[-1]) / 2
    est["jpm_jun_adj26"].value = adjusted - 1
    book = build_book(data)
    moved = book.tabs["scenarios"].market
    assert moved.cells["clsa_rev"]["position"].result() == WITHIN and moved.cells["clsa_rev"]["outside"].result() == 0
    assert moved.cells["jpm_jun_adj26"]["position"].result() == BELOW
    assert moved.outside.result() == above.outside.result()    # one flag cleared, one raised
    cover = book.sheets[0]
    count = next(c for (r, col), c in cover.cells.items() if col == 1 and r > 0 and
                 cover.cell_at(r, 0) and cover.cell_at(r, 0).content == book.t("market.cover_count"))
    assert count.result() == moved.outside.result()


def test_a_figure_outside_the_range_says_why_where_the_data_give_a_reason(zhipu):
    """market.csv's stance (and stance_zh) stands beside its figure on the Scenarios tab, in each edition's
    words, under its own head; a figure without one shows nothing there, and the flag still counts it."""
    data = copy.deepcopy(zhipu)
    est = {e.id: e for e in data.market}
    est["jpm_feb_gm26"].stance, est["jpm_feb_gm26"].local["stance_zh"] = "Before the interim.", "早于中期业绩。"
    for lang, text in (("en", "Before the interim."), ("zh", "早于中期业绩。")):
        book = build_book(data, lang=lang)
        view, sh = book.tabs["scenarios"].market, book.tabs["scenarios"].sheet
        row = lambda r: {c: cell.result() for (rr, c), cell in sh.cells.items() if rr == r}  # noqa: E731
        shown = row(view.rows["jpm_feb_gm26"])
        col = next(c for c, v in shown.items() if v == text)
        assert col > max(c for c, v in shown.items() if v != text)   # after where it stands
        assert row(view.rows["jpm_feb_gm26"] - list(view.rows).index("jpm_feb_gm26") - 1)[col] == \
            book.t("market.stance_head")
        assert col not in row(view.rows["clsa_rev"])   # no reason given: nothing shown
    assert sum(c["outside"].result() for c in view.cells.values() if "outside" in c) == view.outside.result()


@pytest.mark.parametrize("build", ["growth", "units"])
def test_each_scenarios_rationale_says_where_it_stands(build, request):
    """Each scenario's revenue driver says where the scenario stands against the market, in both languages:
    its FY2026E revenue and its breakeven year as the workbook gives them (on growth rates growth_cloud, in the
    unit build token_growth), against CLSA's FY2026 revenue and the brokers' 2028."""
    import re
    from model.data.periods import Period
    data = request.getfixturevalue("zhipu" if build == "growth" else "zhipu_units")
    book = build_book(data) if build == "growth" else request.getfixturevalue("units_book")
    tab = book.tabs["scenarios"]
    for sc in ("base", "bull", "bear"):
        r = data.rationales[(sc, "growth_cloud" if build == "growth" else "token_growth")]
        text, text_zh = r["rationale"], r["rationale_zh"]
        assert "Against the market" in text and "CLSA's 34" in text and "中信里昂的34" in text_zh, sc
        cited = re.search(r"FY2026E revenue about (\d+\.\d)", text).group(1)
        assert float(cited) == pytest.approx(tab.blocks[sc].cells[("revenue", Period(2026, 12))].result(), abs=0.05), sc
        assert re.search(r"FY2026E收入约(\d+\.\d)", text_zh).group(1) == cited, sc
        be = tab.summary[sc][0].result()
        if isinstance(be, int):
            assert f"breakeven in FY{be}" in text and f"FY{be}" in text_zh and "盈亏平衡" in text_zh, sc
        else:
            assert "break even by FY2030" in text or "no breakeven by FY2030" in text, sc
            assert "至FY2030未实现盈亏平衡" in text_zh, sc


@pytest.mark.parametrize("row,column,why", [
    ("x1,JPM,2026-02-09,revnue,FY2026,30,,,,K1,C,", "metric", "unknown metric 'revnue'"),
    ("x1,JPM,2026-02-09,revenue,,30,,,,K1,C,", "period", "needs the period"),
    ("x1,JPM,2026-02-09,revenue,FY2026,3,USD,,,K1,C,", "fx_rate", "needs its exchange rate"),
    ("x1,JPM,2026-02-09,revenue,FY2026,30,,,,K1,E,", "grade", "expected A, B, C or D"),
    ("x1,JPM,2027-02-09,revenue,FY2026,30,,,,K1,C,", "date", "after as_of"),
    ("x1,JPM,2026-02-09,breakeven_year,FY2028,2028,,,,K1,C,", "period", "names no period"),
    ("x1,JPM,2026-02-09,revenue,FY2026,30,,,,K99,C,", "source", "unknown source 'K99'"),
])
def test_bad_market_rows_are_refused_with_file_row_and_column(tmp_path, row, column, why):
    folder = tmp_path / "zhipu"
    copy_folder(ZHIPU, folder)
    path = folder / "market.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    path.write_text("\n".join(lines + [row]) + "\n", encoding="utf-8")
    out = tmp_path / "model.xlsx"
    res = run("build", "--data", folder, "--out", out)
    assert res.returncode == 2 and "Traceback" not in res.stderr
    assert f"market.csv, row {len(lines) + 1}, column '{column}'" in res.stderr and why in res.stderr, res.stderr
    assert not out.exists()


def test_the_market_view_is_live_in_libreoffice(zhipu, tmp_path):
    """Edit CLSA's figure in LibreOffice to sit above the range: the workbook recalculates to the model
    rebuilt with that figure, cell for cell, and the review count rises."""
    require_engine()
    from model.engine import libreoffice as engine
    from test_engine import assert_engine_matches
    book = build_book(zhipu)
    path = tmp_path / "model.xlsx"
    write_book(book, path)
    hand = by_hand(zhipu, book)
    above = max(hand[sc][0][2026][0] for sc in zhipu.scenarios) + 1
    changed = copy.deepcopy(zhipu)
    next(e for e in changed.market if e.id == "clsa_rev").value = above
    result = engine.recalculate_file(path, edits=[{"target": "Market_clsa_rev", "value": above}])
    assert assert_engine_matches(build_book(changed), result) > 1000
    assert result["names"]["MarketOutsideRange"]["v"] == book.names["MarketOutsideRange"].result() + 1
    planted = plant_wrong_cache(book, book.tabs["scenarios"].market.cells["clsa_rev"]["bull"], tmp_path / "t.xlsx")
    planted.assert_caught(engine.recalculate_file(planted.path))
