"""MiniMax (templates/minimax), the second company: its FY2025, 1H2026 and 1H2025 figures against the
reference file's numbers typed here independently, what it does not disclose left n/a, the grades its
sources carry, the hand forecast in every scenario, its scenarios against the market's view, and Zhipu
on its Peers tab. The engine, structure and edition tests run over it too (conftest COMPANIES)."""
import pytest

from conftest import assert_hand_forecast, line
from model.data.periods import Period
from model.workbook.build import build_book

IS, R = "Income Statement", "Ratios"
PRODUCTS, API = "AI-native products", "Open platform & enterprise API"

# ../shared/reference/minimax-results-2022-2026.md, US$ m (typed from the reference, not read from the data)
REFERENCE = {
    "FY2025": {"Total revenue": 79.038, f"Revenue — {PRODUCTS}": 53.075, f"Revenue — {API}": 25.963,
               "Gross profit": 20.079, "Research & development": 252.8, "Net income (loss), reported": -1871.6,
               "Adjusted net income (loss)": -250.9},
    "1H2026": {"Total revenue": 116.573, "Gross profit": 20.8, "Research & development": 296.9,
               "Net income (loss), reported": -357.997, "Adjusted net income (loss)": -293.0},
    "1H2025": {"Total revenue": 30.4, f"Revenue — {PRODUCTS}": 21.2, f"Revenue — {API}": 9.2, "Gross profit": 3.7,
               "Research & development": 124.3, "Net income (loss), reported": -402.2,
               "Adjusted net income (loss)": -138.7},
}
RATIOS = {("Gross margin — blended", "FY2025"): (0.254, 0.0005), ("Gross margin — blended", "1H2026"): (0.179, 0.001),
          ("Revenue growth (like for like)", "FY2025"): (1.589, 0.001),
          ("Revenue growth (like for like)", "1H2026"): (2.831, 0.005),
          ("R&D growth", "FY2025"): (0.338, 0.0005), ("R&D growth", "1H2026"): (1.388, 0.001)}


@pytest.fixture(scope="module")
def book(minimax_book):
    return minimax_book


@pytest.mark.parametrize("period", REFERENCE)
def test_the_figures_tie_to_the_reference(book, period):
    for label, value in REFERENCE[period].items():
        assert line(book, IS, label, period) == pytest.approx(value, abs=1e-9), label


def test_the_interims_segment_split_ties_to_the_reference(book):
    # 1H2026: products 42.6 (36.6%), API 73.9 (63.4%); the amounts are rounded, the shares are given
    assert line(book, IS, f"Revenue — {PRODUCTS}", "1H2026") == pytest.approx(42.6, abs=0.07)
    assert line(book, IS, f"Revenue — {API}", "1H2026") == pytest.approx(73.9, abs=0.07)


@pytest.mark.parametrize("key", RATIOS)
def test_the_ratios_the_reference_states(book, key):
    value, tol = RATIOS[key]
    assert line(book, R, *key) == pytest.approx(value, abs=tol)


def test_what_is_not_disclosed_stays_blank(minimax, book):
    fy = lambda y: Period(y, 12)  # noqa: E731
    assert minimax.actual("revenue", fy(2022)) is None
    for item in ("gm_products", "gm_api", "rnd_compute", "rnd_compute_share", "selling_marketing"):
        assert minimax.actual(item, fy(2025)) is None, item
    assert minimax.actual("gm_api", Period(2026, 6)) is None
    assert not minimax.split_compute and minimax.units is None
    assert line(book, IS, "Total revenue", "FY2022") == "n/a"
    assert line(book, IS, "Memo: selling & marketing (reported)", "FY2025") == "n/a"
    assert book.names["MasterCheck"].result() == 0


def test_each_figure_carries_the_grade_the_reference_gives(minimax):
    grade = {s["id"]: s["reliability"] for s in minimax.sources}

    def given(item, code):
        return grade[next(f for p, f in minimax.actuals[item].items() if p.code == code).source]
    assert given("revenue", "FY2025") == "A" and given("revenue", "1H2026") == "A"
    assert given("rnd", "1H2026") == "B" and given("gross_profit", "FY2024") == "B"
    assert given("gm_api", "9M2025") == "C" and given("adjusted_net_income", "1H2026") == "A/B"
    assert {e.grade for e in minimax.market} == {"C"}


def test_every_scenario_matches_the_hand_forecast(minimax):
    for sc in minimax.scenarios:
        assert_hand_forecast(minimax, sc, build_book(minimax, sc))


def test_the_scenarios_bracket_the_consensus_revenue(book):
    view = book.tabs["scenarios"].market
    assert view.cells["bbg_rev"]["position"].result() == "within the scenarios' range"
    assert view.cells["jef_be"]["position"].result() == "within the scenarios' range"


def test_zhipu_stands_beside_it_on_its_peers_tab(minimax, book):
    (peer,) = minimax.peers
    assert peer.key == "zhipu"
    tab = book.tabs["peers"]
    # Zhipu's FY2025 revenue, RMB 724,334k, in US$ m at the stated rate and scale
    assert tab.cells[("zhipu", "revenue", "fy")].result() == pytest.approx(7.24334 * peer.fx_rate * peer.scale)


def test_the_rationales_cite_what_the_scenarios_give(book):
    """The rationales quote each scenario's FY2026E revenue (282 / 355 / 435 against the consensus 363.8)."""
    for sc, cited in (("bear", 282), ("base", 355), ("bull", 435)):
        assert book.tabs["scenarios"].blocks[sc].cells[("revenue", Period(2026, 12))].result() == pytest.approx(cited, abs=0.5)
