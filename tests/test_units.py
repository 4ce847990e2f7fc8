"""The unit build (units.toml, operating.csv, units.csv): a small company computed by hand, the
calibration of the base year against the reported figures, the seam into the Income Statement,
bad unit data refused with file, row and column, and — through LibreOffice — doubling tokens,
price, training cost or headcount moves the breakeven year, the cumulative loss or
BreakevenTokensPerDay exactly as the model rebuilt from the changed data says."""
import copy

import pytest

from conftest import copy_folder, ZHIPU_UNIT_ONLY, ZHIPU_UNITS, plant_wrong_cache, require_engine, run
from model.calc.formula import a1
from model.data.company import load
from model.data.files import DataError
from model.data.periods import Period
from model.workbook.build import build_book
from model.workbook.writer import write_book
from test_analysis import HAND, assert_comparable_shocks, write_company

FY = lambda y: Period(y, 12)  # noqa: E731

# Handco (test_analysis) with segment b served by tokens. FY2024: b's revenue 5 and cost 2.5; 5 tokens a
# day x 100 days = 500 a year, so the implied price is 5 / (500 x 0.1) = 0.1; 40% of the cost (1.0) is
# fixed serving, the rest (1.5) inference at 1.5 / 50 = 0.03. Compute 10: training 60% = 6 over 2
# generations (3 each), research 4. R&D other 10: staff 8 for 40 heads (8 / (40 x 0.5) = 0.4 each), rest 2.
# Other operating costs 5 (gross profit 5 - R&D 20 + loss 20): 60% fixed (3), the variable 2 is 20% of revenue 10.
UNITS = {
    "units.toml": """segment = "b"
days_per_year = 100
price_scale = 0.1
head_scale = 0.5
[cost_classes]
inference = "variable"
serving_fixed = "fixed"
delivery = "variable"
training = "fixed"
research_compute = "fixed"
rnd_people = "fixed"
rnd_rest = "fixed"
opex_variable = "variable"
opex_fixed = "fixed"
""",
    "operating.csv": """item,period,value,source,reliability,note
tokens_per_day,FY2024,5,X,A,
serving_fixed_share,FY2024,40%,,assumption,
training_share,FY2024,60%,,assumption,
generations,FY2024,2,,assumption,
rnd_headcount,FY2024,40,X,A,
rnd_staff_cost,FY2024,8,X,A,
opex_fixed_share,FY2024,60%,,assumption,
tokens_per_day,FY2023,2,X,A,
""",
    "units.csv": "scenario,driver,FY2025,FY2026,FY2027,rationale\n" + "".join(
        f"{sc},{d},{v},{v},{v},hand\n" for sc, drivers in (
            ("double", (("token_growth", "100%"), ("price_change", "-50%"), ("unit_cost_change", "-50%"),
                        ("serving_fixed_growth", "0"), ("generations", "2"), ("training_cost_growth", "50%"),
                        ("research_compute_growth", "0"), ("headcount_growth", "0"), ("cost_per_head_growth", "0"),
                        ("rnd_rest_growth", "0"), ("opex_variable_share", "20%"), ("opex_fixed_growth", "0"))),
            ("slow", (("token_growth", "20%"), ("price_change", "0"), ("unit_cost_change", "0"),
                      ("serving_fixed_growth", "10%"), ("generations", "1"), ("training_cost_growth", "0"),
                      ("research_compute_growth", "0"), ("headcount_growth", "10%"), ("cost_per_head_growth", "0"),
                      ("rnd_rest_growth", "0"), ("opex_variable_share", "10%"), ("opex_fixed_growth", "10%"))))
        for d, v in drivers),
}
# the growth-rate drivers the unit build replaces stay valid rows of assumptions.csv, ignored
HAND_UNITS = {**HAND, **UNITS}


@pytest.fixture(scope="module")
def unit_data(tmp_path_factory):
    return load(write_company(tmp_path_factory.mktemp("units") / "handco", HAND_UNITS))


@pytest.fixture(scope="module")
def unit_book(unit_data):
    return build_book(unit_data)


def by_hand(drivers, years=3):
    """The unit build computed plainly from the figures above: an independent implementation.
    Returns per forecast year (revenue, adjusted net income, breakeven tokens per day)."""
    d = lambda k, i: drivers[k][i]  # noqa: E731
    tokens, price, unit_cost, fixed_serving = 5.0, 0.1, 0.03, 1.0
    cost_gen, research, heads, per_head, rest = 3.0, 4.0, 40.0, 0.4, 2.0
    rev_a, opex_fixed = 5.0, 3.0    # segment a grows at 50% margin; other costs: revenue x share + fixed
    customers, per_customer = 10.0, 1.0   # with customers (CUSTOMERS below): a's 5 = 10 x 1.0 x 0.5
    out = []
    for i in range(years):
        tokens *= 1 + d("token_growth", i)
        price *= 1 + d("price_change", i)
        unit_cost *= 1 + d("unit_cost_change", i)
        fixed_serving *= 1 + d("serving_fixed_growth", i)
        cost_gen *= 1 + d("training_cost_growth", i)
        research *= 1 + d("research_compute_growth", i)
        heads *= 1 + d("headcount_growth", i)
        per_head *= 1 + d("cost_per_head_growth", i)
        opex_fixed *= 1 + d("opex_fixed_growth", i)
        if "customer_growth" in drivers:   # a = customers x revenue per customer x head scale
            customers *= 1 + d("customer_growth", i)
            per_customer *= 1 + d("revenue_per_customer_change", i)
            rev_a = customers * per_customer * 0.5
        else:
            rev_a *= 1 + d("growth_a", i)
        rev_b = tokens * 100 * price * 0.1
        inference = tokens * 100 * unit_cost * 0.1
        rnd = d("generations", i) * cost_gen + research + heads * per_head * 0.5 + rest
        opex = (rev_a + rev_b) * d("opex_variable_share", i) + opex_fixed
        ani = (rev_a * 0.5 + rev_b - inference - fixed_serving) - rnd - opex
        # a token a day more brings its price, less inference and the revenue share of other costs
        be_tokens = tokens - ani / (100 * (price * (1 - d("opex_variable_share", i)) - unit_cost) * 0.1)
        out.append((rev_a + rev_b, ani, be_tokens))
    return out


DOUBLE = {"token_growth": [1.0] * 3, "price_change": [-0.5] * 3, "unit_cost_change": [-0.5] * 3,
          "serving_fixed_growth": [0] * 3, "generations": [2] * 3, "training_cost_growth": [0.5] * 3,
          "research_compute_growth": [0] * 3, "headcount_growth": [0] * 3, "cost_per_head_growth": [0] * 3,
          "opex_variable_share": [0.2] * 3, "opex_fixed_growth": [0] * 3, "growth_a": [1.0] * 3}
SLOW = {k: [v] * 3 for k, v in {
    "token_growth": 0.2, "price_change": 0, "unit_cost_change": 0, "serving_fixed_growth": 0.1,
    "generations": 1, "training_cost_growth": 0, "research_compute_growth": 0, "headcount_growth": 0.1,
    "cost_per_head_growth": 0, "opex_variable_share": 0.1, "opex_fixed_growth": 0.1, "growth_a": 0.2}.items()}


def test_hand_case_first_forecast_year(unit_book):
    # FY2025 'double': 10 tokens/day x 100 x price 0.05 x 0.1 = revenue of b 5; inference 1000 x 0.015 x 0.1
    # = 1.5, fixed serving 1; a: revenue 10, margin 5. Training 2 x 4.5 = 9, research 4, people 40 x 0.4 x 0.5
    # = 8, rest 2: R&D 23; other costs 20% x revenue 15 + fixed 3 = 6. Adjusted net income 7.5 - 23 - 6 = -21.5.
    b = unit_book.tabs["scenarios"].blocks["double"]
    assert b.cell("rev_b", FY(2025)).result() == pytest.approx(5)
    assert b.cell("gp_b", FY(2025)).result() == pytest.approx(2.5)
    assert b.cell("rnd_compute", FY(2025)).result() == pytest.approx(13)
    assert b.cell("rnd_other", FY(2025)).result() == pytest.approx(10)
    assert b.cell("other_opex", FY(2025)).result() == pytest.approx(6)
    assert b.cell("adjusted_net_income", FY(2025)).result() == pytest.approx(-21.5)
    u = unit_book.tabs["units"].blocks["double"]
    # variable: inference 1.5 + delivery of a 5 + other costs 3 = 9.5; contribution 5.5;
    # fixed: serving 1 + training 9 + research 4 + people 8 + rest 2 + other costs 3 = 27
    assert u.cell("ue_opex_variable", FY(2025)).result() == pytest.approx(3)
    assert u.cell("ue_opex_fixed", FY(2025)).result() == pytest.approx(3)
    assert u.cell("ue_variable", FY(2025)).result() == pytest.approx(9.5)
    assert u.cell("ue_fixed", FY(2025)).result() == pytest.approx(27)
    assert u.cell("ue_be_revenue", FY(2025)).result() == pytest.approx(27 / (5.5 / 15))
    # a token leaves 0.05 x (1 - 20%) - 0.015 = 0.025 per unit: breakeven 10 + 21.5 / (100 x 0.025 x 0.1) = 96
    assert u.cell("ue_token_margin", FY(2025)).result() == pytest.approx(0.025)
    assert u.cell("ue_be_tokens", FY(2025)).result() == pytest.approx(96)


def test_hand_case_contribution_in_the_actual_year(unit_book):
    """FY2024A by hand: revenue 10; variable: inference 1.5, delivery of a 5 - 2.5 = 2.5, other costs' variable
    part 2 = 6, contribution 4 (40%); fixed: serving 1, training 6, research 4, people 8, rest 2, other costs'
    fixed part 3 = 24; contribution less fixed = -20, the reported adjusted net income. FY2023: no R&D split, n/a."""
    for sc in ("double", "slow"):
        u = unit_book.tabs["units"].blocks[sc]
        got = [u.cell(k, FY(2024)).result() for k in ("ue_variable", "ue_contribution", "ue_margin", "ue_fixed",
                                                      "ue_result", "ue_be_revenue")]
        assert got == pytest.approx([6, 4, 0.4, 24, -20, 24 / 0.4])
        assert u.cell("ue_margin", FY(2023)).result() == "n/a"


def test_breakeven_tab_and_unit_economics_agree_on_the_breakeven_revenue(unit_data, unit_book, units_book,
                                                                        zhipu_units):
    """One definition of fixed and variable cost (model/calc/costs.py): the Breakeven tab's revenue needed
    equals Unit Economics' breakeven revenue for every scenario and forecast year, in the hand company and
    the shipped data. FY2025 'double' by hand: fixed 27 over a contribution margin of 5.5 / 15."""
    for data, book in ((unit_data, unit_book), (zhipu_units, units_book)):
        be, ue = book.tabs["breakeven"], book.tabs["units"]
        for sc in data.scenarios:
            for year in data.forecast_years:
                need = be.blocks[sc].cell("required_revenue", FY(year)).result()
                assert need == ue.blocks[sc].cell("ue_be_revenue", FY(year)).result(), (sc, year)
                assert be.blocks[sc].cell("fixed_costs", FY(year)).result() == ue.blocks[sc].cell(
                    "ue_fixed", FY(year)).result()
    assert unit_book.tabs["breakeven"].blocks["double"].cell("required_revenue", FY(2025)).result() == pytest.approx(
        27 / (5.5 / 15))


def test_hand_case_every_year_and_scenario(unit_data, unit_book):
    for sc, drivers in (("double", DOUBLE), ("slow", SLOW)):
        s, u = unit_book.tabs["scenarios"].blocks[sc], unit_book.tabs["units"].blocks[sc]
        for year, (rev, ani, be_tokens) in zip((2025, 2026, 2027), by_hand(drivers)):
            assert s.cell("revenue", FY(year)).result() == pytest.approx(rev, rel=1e-12)
            assert s.cell("adjusted_net_income", FY(year)).result() == pytest.approx(ani, rel=1e-12)
            assert u.cell("ue_be_tokens", FY(year)).result() == pytest.approx(be_tokens, rel=1e-12)
            assert u.cell("ue_result", FY(year)).result() == pytest.approx(ani, rel=1e-12)
    assert unit_book.names["MasterCheck"].result() == 0


def test_the_chart_plots_the_selected_scenarios_tokens_and_breakeven_volume(unit_data):
    """The chart's two lines, read from the charted figures at the tab's foot (its only chart data), are the
    selected scenario's tokens per day (FY2024's 5 growing 100% a year in 'double', 20% in 'slow') and its
    breakeven tokens per day computed by hand."""
    for sc, drivers, tokens in (("double", DOUBLE, [10, 20, 40]), ("slow", SLOW, [6, 7.2, 8.64])):
        sh = build_book(unit_data, sc).tabs["units"].sheet
        chart, = sh.charts
        lines = [s.values for s in chart.series if s.legend]
        assert all(v.first.row > sh.chart_data_top for v in lines)
        got = [[c.result() for row in v.cells() for c in row] for v in lines]
        assert got == [pytest.approx(tokens), pytest.approx([be for _, _, be in by_hand(drivers)])], sc
        assert sum(c.content == "Chart data" for c in sh.cells.values()) == 0   # one chart-data section


# Segment a as customers x revenue per customer: FY2024 10 customers, a's revenue 5 = 10 x 1.0 x head scale 0.5
# (FY2023: 4 customers, 2.5 / (4 x 0.5) = 1.25 each). 'double' adds 50% customers a year at the same revenue
# each (a x 1.5, not the growth path's x 2); 'slow' 10% more customers each paying 10% more (x 1.21).
CUSTOMERS = {
    "units.toml": UNITS["units.toml"].replace('segment = "b"\n', 'segment = "b"\ncustomer_segment = "a"\n'),
    "operating.csv": UNITS["operating.csv"] + "customers,FY2024,10,X,A,\ncustomers,FY2023,4,X,A,\n",
    "units.csv": UNITS["units.csv"] + "".join(f"{sc},{d},{v},{v},{v},hand\n" for sc, d, v in (
        ("double", "customer_growth", "50%"), ("double", "revenue_per_customer_change", "0"),
        ("slow", "customer_growth", "10%"), ("slow", "revenue_per_customer_change", "10%"))),
}


def test_hand_case_with_customers(tmp_path):
    """The other segment's revenue from customers x revenue per customer (units.toml customer_segment):
    every year and scenario as computed by hand; its growth_a rows (still in assumptions.csv) unused."""
    data = load(write_company(tmp_path / "handco", {**HAND_UNITS, **CUSTOMERS}))
    b = build_book(data)
    is_ = b.tabs["income"].lines
    assert is_.cell("u_rev_per_customer", FY(2024)).result() == pytest.approx(1.0)
    assert is_.cell("u_rev_per_customer", FY(2023)).result() == pytest.approx(1.25)
    assert "Asm_double_growth_a" not in b.names and "Asm_double_customer_growth" in b.names
    slow = {k: [v] * 3 for k, v in {
        "token_growth": 0.2, "price_change": 0, "unit_cost_change": 0, "serving_fixed_growth": 0.1,
        "generations": 1, "training_cost_growth": 0, "research_compute_growth": 0, "headcount_growth": 0.1,
        "cost_per_head_growth": 0, "opex_variable_share": 0.1, "opex_fixed_growth": 0.1,
        "customer_growth": 0.1, "revenue_per_customer_change": 0.1}.items()}
    double = {**DOUBLE, "customer_growth": [0.5] * 3, "revenue_per_customer_change": [0] * 3}
    # FY2025 'double' by hand: a = 15 x 1.0 x 0.5 = 7.5 (margin 3.75); b 5 (gross profit 2.5); R&D 23;
    # other costs 20% x 12.5 + 3 = 5.5: adjusted net income 6.25 - 23 - 5.5 = -22.25
    assert b.tabs["scenarios"].blocks["double"].cell("rev_a", FY(2025)).result() == pytest.approx(7.5)
    assert b.tabs["scenarios"].blocks["double"].cell("adjusted_net_income", FY(2025)).result() == pytest.approx(-22.25)
    for sc, drivers in (("double", double), ("slow", slow)):
        s, u = b.tabs["scenarios"].blocks[sc], b.tabs["units"].blocks[sc]
        for year, (rev, ani, be_tokens) in zip((2025, 2026, 2027), by_hand(drivers)):
            assert s.cell("revenue", FY(year)).result() == pytest.approx(rev, rel=1e-12)
            assert s.cell("adjusted_net_income", FY(year)).result() == pytest.approx(ani, rel=1e-12)
            assert u.cell("ue_be_tokens", FY(year)).result() == pytest.approx(be_tokens, rel=1e-12)
    checks = b.sheet("Checks")
    row = next(r for (r, c), cell in checks.cells.items() if c == 0 and cell.content == "Unit build reproduces the "
               "reported revenue of A (customers)")
    assert checks.cell_at(row, 1).result() == 0 and b.names["MasterCheck"].result() == 0


def test_tornado_with_customers_and_other_costs_equals_the_rebuilt_model(tmp_path):
    """The tornado shifts customer growth and the fixed part of other costs (not the replaced growth
    rates): each bar is the final-year result of the model rebuilt from the shifted data."""
    from model.workbook.tabs.sensitivity import tornado_drivers
    from test_analysis import tornado_shifted
    data = load(write_company(tmp_path / "handco", {**HAND_UNITS, **CUSTOMERS}))
    drivers = [d for d, _ in tornado_drivers(data)]
    assert "customer_growth" in drivers and "opex_fixed_growth" in drivers
    assert "growth_a" not in drivers and "other_opex_growth" not in drivers
    book, last = build_book(data, "double"), FY(data.forecast_years[-1])
    assert ("opex_variable_share", "level") in tornado_drivers(data) and "generations" not in drivers   # whole numbers
    step = data.sensitivity["tornado_step"]
    for (drv, kind), cells in zip(tornado_drivers(data), book.tabs["sensitivity"].tornado):
        for sign, cell in ((-1, cells["at_minus"]), (1, cells["at_plus"])):
            want = build_book(tornado_shifted(data, "double", drv, kind, step, sign), "double")
            assert cell.result() == pytest.approx(
                want.tabs["scenarios"].blocks["double"].cell("adjusted_net_income", last).result(), rel=1e-12), drv
    assert_comparable_shocks(data, book)


def test_base_year_calibration_reproduces_the_reported_figures(unit_book):
    is_ = unit_book.tabs["income"].lines
    assert is_.cell("u_price", FY(2024)).result() == pytest.approx(0.1)
    assert is_.cell("u_unit_cost", FY(2024)).result() == pytest.approx(0.03)
    assert is_.cell("u_cost_per_gen", FY(2024)).result() == pytest.approx(3)
    assert is_.cell("u_cost_per_head", FY(2024)).result() == pytest.approx(0.4)
    assert is_.cell("u_rnd_rest", FY(2024)).result() == pytest.approx(2)
    assert is_.cell("u_opex_fixed", FY(2024)).result() == pytest.approx(3)
    assert is_.cell("u_opex_share", FY(2024)).result() == pytest.approx(0.2)
    # FY2023 has tokens but no compute split: the price is implied, the R&D split n/a (not 0)
    assert is_.cell("u_price", FY(2023)).result() == pytest.approx(2.5 / (2 * 100 * 0.1))
    assert is_.cell("u_training", FY(2023)).result() == "n/a"


@pytest.fixture(scope="module")
def book_unit_only():
    """The shipped template on the unit build alone (no compute files): fixed serving capacity and per-token
    inference from the asserted split, today's path for a company without the compute build."""
    return build_book(load(ZHIPU_UNIT_ONLY))


def test_zhipu_calibration_against_the_prospectus(book_unit_only):
    """FY2024: cloud revenue 15.5% of RMB 312.414m (S7; S8), cloud margin 3.4% (S1), compute 15.528 (S30; S5; S6),
    R&D staff cost 3.24 (S5), with the assumed 1.0tn tokens a day, 657-based headcount of 600 and splits
    (training 10% of compute, fixed serving 60% of the cloud cost)."""
    book_units = book_unit_only
    is_ = book_units.tabs["income"].lines
    rev_cloud = 3.12414 * 0.155
    assert is_.cell("u_price", FY(2024)).result() == pytest.approx(rev_cloud / (1.0 * 365 * 0.01))
    cost = rev_cloud * (1 - 0.034)
    assert is_.cell("u_unit_cost", FY(2024)).result() == pytest.approx(cost * 0.4 / (365 * 0.01))
    assert is_.cell("u_cost_per_gen", FY(2024)).result() == pytest.approx(15.528 * 0.1 / 2)
    assert is_.cell("u_cost_per_head", FY(2024)).result() == pytest.approx(3.24 / (600 * 0.01))   # RMB m a head
    assert is_.cell("u_rnd_rest", FY(2024)).result() == pytest.approx(21.954 - 15.528 - 3.24)
    # on-premise: 84.5% of revenue (S7; S8; S10) over 123 customers (S29): RMB m a customer
    assert is_.cell("u_rev_per_customer", FY(2024)).result() == pytest.approx(3.12414 * 0.845 / (123 * 0.01))
    checks = book_units.sheet("Checks")
    labels = {str(c.content): r for (r, col), c in checks.cells.items() if col == 0}
    for label in ("Unit build reproduces the reported revenue and cost of Cloud / MaaS",
                  "Unit build reproduces the reported R&D split",
                  "Unit build reproduces the reported other operating costs",
                  "Unit build reproduces the reported revenue of On-premise deployment (customers)"):
        assert checks.cell_at(labels[label], 1).result() == 0
    assert book_units.names["MasterCheck"].result() == 0


def test_zhipu_unit_data_hold_with_fy2025_as_the_last_actual_year():
    """The shipped template after the FY2025 results: the FY2025 rows of operating.csv start the unit
    build, units.csv forecasts FY2026-FY2030, and compute within R&D, not disclosed for FY2025, is
    actuals.csv's assumed share (rnd_compute_share). Expectations from the published figures
    (../shared/reference/zhipu-results-2025-2026.md) and the operating metrics, by hand."""
    data = load(ZHIPU_UNIT_ONLY)
    assert data.base_year == FY(2025) and data.forecast_years == [2026, 2027, 2028, 2029, 2030]
    assert data.actual("rnd_compute", FY(2025)) is None and data.actual("rnd_compute_share", FY(2025)) == 0.718
    assert not any(n.startswith("units.csv: column") for n in data.notes)   # its columns are the forecast periods
    b = build_book(data)
    is_ = b.tabs["income"].lines
    assert is_.cell("rnd_compute", FY(2025)).result() == pytest.approx(31.80443 * 0.718)
    # price = cloud revenue RMB 190,379k / (4.4tn a day x 365 x 0.01)
    assert is_.cell("u_price", FY(2025)).result() == pytest.approx(1.90379 / (4.4 * 365 * 0.01))
    assert is_.cell("u_cost_per_head", FY(2025)).result() == pytest.approx(4.40 / (750 * 0.01))
    # 1H2026 (the interim): 21tn tokens a day (assumed in operating.csv) for cloud revenue 86.5% of 9.539; 96% of
    # its cost (the 24.6% margin) fixed serving capacity (assumed)
    h1, h2 = Period(2026, 6), Period(2026, 6, 6)
    cloud, cloud_cost = 9.539 * 0.865, 9.539 * 0.865 * (1 - 0.246)
    assert is_.cell("u_price", h1).result() == pytest.approx(cloud / (21 * 365 * 0.5 * 0.01))
    # 2H2026E base: tokens x 2.1 and price x 1.2 on the first half: 2.52x its cloud revenue; inference at the
    # half's volume and 60% of its cost per token, capacity x 2.2
    rev = is_.cell("rev_cloud", h2).result()
    assert rev == pytest.approx(cloud * 2.1 * 1.2)
    assert is_.cell("rev_cloud", FY(2026)).result() == pytest.approx(cloud + rev)
    assert rev - is_.cell("gp_cloud", h2).result() == pytest.approx(cloud_cost * 0.04 * 2.1 * 0.6 + cloud_cost * 0.96 * 2.2)
    # other operating costs FY2025: gross profit 2.96656 - R&D 31.80443 + adjusted loss 31.81972, 65% fixed
    # (assumed); 1H2026 (2.516 - 21.31 + 19.639) takes FY2025's fixed share (not given for the interim);
    # 2H2026E base: 4% of revenue plus the fixed part + 10%
    opex = 2.96656 - 31.80443 + 31.81972
    opex_h1 = 2.516 - 21.31 + 19.639
    assert is_.cell("u_opex_share", FY(2025)).result() == pytest.approx(opex * 0.35 / 7.24334)
    assert is_.cell("other_opex", h2).result() == pytest.approx(
        0.04 * is_.cell("revenue", h2).result() + opex_h1 * 0.65 * 1.1)
    # on-premise 2H2026E base: 220 customers (FY2025's, assumed) held; revenue per customer carries FY2025's
    # seasonal pattern (2H2025 / 1H2025) x 1.13: 1H2026's 13.5% of 9.539 x the pattern x 1.13
    season = (5.33955 - 1.90877 * 0.848) / (1.90877 * 0.848)
    assert is_.cell("rev_onprem", h2).result() == pytest.approx(9.539 * 0.135 * season * 1.13)
    assert is_.cell("u_rev_per_customer", FY(2025)).result() == pytest.approx(5.33955 / (220 * 0.01))
    assert b.names["MasterCheck"].result() == 0


def test_a_units_csv_column_before_the_forecast_is_noted_and_not_used(tmp_path):
    """A units.csv year column before the first forecast year (an actual year now) is noted, as in
    assumptions.csv, and its values are not read."""
    folder = tmp_path / "zhipu"
    copy_folder(ZHIPU_UNITS, folder)
    rows = (folder / "units.csv").read_text(encoding="utf-8").splitlines()
    out = [r.replace("scenario,driver,", "scenario,driver,FY2025,") if r.startswith("scenario,driver") else
           r if r.startswith("#") else r.replace(",", ",999,", 2).replace(",999,", ",", 1) for r in rows]
    (folder / "units.csv").write_text("\n".join(out) + "\n", encoding="utf-8")
    data = load(folder)
    assert any(n.startswith("units.csv: column FY2025 ignored") for n in data.notes)
    assert data.assumptions[("base", "token_growth")] == pytest.approx([1.1, None, 0.3, 0.25, None, 0.5, 0.35, 0.25])


def test_a_wrong_calibration_fails_the_check(tmp_path):
    """The calibration rows can fail: R&D staff cost above R&D less compute."""
    folder = write_company(tmp_path / "bad", {**HAND_UNITS, "operating.csv": UNITS["operating.csv"].replace(
        "rnd_staff_cost,FY2024,8", "rnd_staff_cost,FY2024,11")})
    b = build_book(load(folder))
    checks = b.sheet("Checks")
    row = next(r for (r, c), cell in checks.cells.items() if c == 0 and cell.content == "Unit build reproduces the "
               "reported R&D split")
    assert checks.cell_at(row, 1).result() == 1 and b.names["MasterCheck"].result() >= 1


@pytest.fixture(scope="module")
def book_units():
    return build_book(load(ZHIPU_UNITS))


def test_default_build_has_the_unit_economics_tab_and_inputs(book_units, book_unit_only):
    names = [s.name for s in book_units.sheets]
    assert names.index("Unit Economics") == names.index("Breakeven") + 1
    assert names.index("Compute References") == names.index("Unit Economics") + 1
    for n in ("BreakevenTokensPerDay", "Act_tokens_per_day", "Act_rnd_headcount", "Asm_base_price_change",
              "Asm_base_token_growth", "Asm_base_hours_per_gen_growth", "Asm_base_headcount_growth",
              "Unit_days_per_year", "Unit_price_scale", "Asm_base_rent_per_hour", "Asm_base_utilisation",
              "Asm_base_throughput", "Act_rent_per_hour", "Act_throughput", "Act_owned_accelerators", "ReviewFlags"):
        assert n in book_units.names
    # the compute build replaces the unit build's serving and training drivers; without it they stay
    for n in ("Asm_base_unit_cost_change", "Asm_base_serving_fixed_growth", "Asm_base_training_cost_growth",
              "Asm_base_research_compute_growth", "Act_serving_fixed_share"):
        assert n not in book_units.names and n in book_unit_only.names
    assert "Compute References" not in [s.name for s in book_unit_only.sheets]
    assert "Asm_base_rent_per_hour" not in book_unit_only.names
    assert "Asm_base_growth_cloud" not in book_units.names   # the unit build replaces it
    for n in ("Act_customers", "Asm_base_customer_growth", "Asm_base_revenue_per_customer_change",
              "Asm_base_opex_variable_share", "Asm_base_opex_fixed_growth", "Act_opex_fixed_share"):
        assert n in book_units.names
    for n in ("Asm_base_growth_onprem", "Asm_base_other_opex_growth", "Asm_base_rest_other_opex_growth"):
        assert n not in book_units.names


def test_company_without_units_keeps_growth_rates(meridian_book):
    assert "Unit Economics" not in [s.name for s in meridian_book.sheets]
    assert "BreakevenTokensPerDay" not in meridian_book.names
    assert "Asm_base_growth_platform" in meridian_book.names


@pytest.mark.parametrize("file,old,new,where", [
    ("operating.csv", "tokens_per_day,FY2024,5,", "tokens_per_day,FY2024,-5,", "operating.csv, row 2, column 'value'"),
    ("units.csv", "double,price_change,-50%,-50%", "double,price_change,-50%,half",
     "units.csv, row 3, column 'FY2026'"),
    ("units.toml", 'training = "fixed"', 'training = "sunk"', "units.toml, line 9, setting 'training'"),
    ("operating.csv", "opex_fixed_share,FY2024,60%", "opex_fixed_share,FY2024,120%", "operating.csv, row 8, column 'value'"),
    ("units.csv", "double,opex_variable_share,20%,20%", "double,opex_variable_share,20%,-5%",
     "units.csv, row 12, column 'FY2026'"),
    # the one class of other operating costs before they were split into a variable and a fixed part
    ("units.toml", 'opex_fixed = "fixed"', 'other_opex = "fixed"', "units.toml, line 14, setting 'other_opex': "
     "other_opex is two cost lines"),
    # a customer count needs a customer segment; the customer segment must be another segment
    ("operating.csv", "tokens_per_day,FY2023,2,X,A,", "customers,FY2023,2,X,A,",
     "operating.csv, row 9, column 'item': customers needs customer_segment in units.toml"),
    ("units.toml", 'segment = "b"\n', 'segment = "b"\ncustomer_segment = "b"\n', "units.toml, line 2, setting "
     "'customer_segment': customer_segment (optional) must be the key"),
])
def test_bad_unit_data_is_refused_with_file_row_and_column(tmp_path, file, old, new, where):
    assert old in HAND_UNITS[file]
    folder = write_company(tmp_path / "bad", {**HAND_UNITS, file: HAND_UNITS[file].replace(old, new)})
    with pytest.raises(DataError) as e:
        load(folder)
    assert where in str(e.value), str(e.value)
    out = tmp_path / "out.xlsx"
    res = run("build", "--data", folder, "--out", out)
    assert res.returncode == 2 and "Traceback" not in res.stderr and where in res.stderr + res.stdout
    assert not out.exists()


def test_a_customer_segment_needs_its_base_year_count_and_drivers(tmp_path):
    files = {**HAND_UNITS, **CUSTOMERS,
             "operating.csv": CUSTOMERS["operating.csv"].replace("customers,FY2024,10,X,A,\n", ""),
             "units.csv": CUSTOMERS["units.csv"].replace("slow,customer_growth,10%,10%,10%,hand\n", "")}
    folder = write_company(tmp_path / "bad", files)
    res = run("build", "--data", folder, "--out", tmp_path / "out.xlsx")
    assert res.returncode == 2 and "Traceback" not in res.stderr
    assert "operating.csv, column 'value': customers for FY2024 is required" in res.stderr
    assert "units.csv, column 'driver': scenario 'slow' has no row for driver 'customer_growth'" in res.stderr
    assert not (tmp_path / "out.xlsx").exists()


def test_new_company_with_units_lists_every_unit_blank(tmp_path):
    res = run("new", "acme", "--dir", tmp_path, "--years", "2023-2024", "--segments", "box:Boxes,api:API",
              "--scenarios", "base,bear", "--units", "api")
    assert res.returncode == 0, res.stderr
    folder = tmp_path / "acme"
    toml = (folder / "units.toml").read_text(encoding="utf-8")
    assert 'segment = "api"' in toml and '# customer_segment = "box"' in toml and 'opex_variable = "variable"' in toml
    assert "customer_growth" not in (folder / "units.csv").read_text(encoding="utf-8").split("scenario,driver")[1]
    # no row of a driver the unit build replaces: a value there would be one the workbook contradicts
    rows = {tuple(r.split(",")[:2]) for r in (folder / "assumptions.csv").read_text(encoding="utf-8").splitlines()
            if not r.startswith("#")}
    for drv in ("growth_api", "gm_api", "other_opex_growth", "rnd_compute_growth", "rnd_other_growth"):
        assert ("base", drv) not in rows
    assert {("base", "growth_box"), ("base", "gm_box"), ("base", "rnd_growth")} <= rows
    res = run("build", "--data", folder, "--out", tmp_path / "x.xlsx")
    assert res.returncode == 2 and "Traceback" not in res.stderr
    assert "operating.csv, row" in res.stderr and "tokens_per_day for FY2024 is required" in res.stderr
    # compute within R&D is blank: R&D is one line, so the unit build's R&D metrics are not required
    for item in ("training_share", "rnd_headcount"):
        assert f"{item} for FY2024 is required" not in res.stderr
    assert "units.toml, line 5, setting 'days_per_year'" in res.stderr   # line 4: customer_segment, commented
    assert "units.csv, row" in res.stderr and "base / token_growth: no value for FY2025" in res.stderr
    assert run("new", "acme2", "--dir", tmp_path, "--units", "nope").returncode == 2


def test_unit_inputs_survive_a_rebuild_and_edits_apply_writes_their_own_files(tmp_path):
    """The unit build's inputs are carried over like any other, and `edits --apply` writes each into
    the file it came from: units.toml, operating.csv, units.csv."""
    from test_regenerate import edit, named
    data = tmp_path / "data" / "zhipu"
    copy_folder(ZHIPU_UNITS, data)
    out = tmp_path / "model.xlsx"
    assert run("build", "--data", data, "--out", out).returncode == 0
    # Act_ ranges run FY2022..FY2025, then the interims: offset 2 is FY2024A; Asm_ offset 2 is 1H2027E (after
    # 2H2026E and FY2026E, the sum of its halves)
    edit(out, out, {("Unit_days_per_year", 0): 360, ("Asm_base_token_growth", 2): 2.5,
                    ("Act_tokens_per_day", 2): 1.2})
    res = run("build", "--data", data, "--out", out)
    assert res.returncode == 0, res.stderr
    assert "3 kept, 0 dropped" in res.stdout
    assert named(out, "Unit_days_per_year") == [360] and named(out, "Asm_base_token_growth")[2] == 2.5
    res = run("edits", out, "--data", data, "--apply")
    assert res.returncode == 0, res.stderr
    assert "days_per_year = 360" in (data / "units.toml").read_text(encoding="utf-8")
    assert "base,token_growth,110%,,250%,25%," in (data / "units.csv").read_text(encoding="utf-8")
    assert "tokens_per_day,FY2024,1.2," in (data / "operating.csv").read_text(encoding="utf-8")
    assert ",token_growth," not in (data / "assumptions.csv").read_text(encoding="utf-8")
    reloaded = load(data)
    assert reloaded.units.settings["days_per_year"] == 360
    assert reloaded.value("base", "token_growth", Period(2027, 6)) == 2.5


# --- through LibreOffice ---------------------------------------------------------------------------

def doubled(g):
    """The first forecast year's rate that doubles a path from that year on: (1 + g) x 2 - 1."""
    return (1 + g) * 2 - 1


DOUBLED = ["token_growth", "price_change", "hours_per_gen_growth", "headcount_growth", "customer_growth",
           "opex_fixed_growth"]
OUTPUTS = ("BreakevenYear", "CumulativeLossToBreakeven", "BreakevenTokensPerDay")


def test_doubling_a_unit_driver_in_libreoffice_moves_the_outputs(tmp_path):
    """Tokens, price, accelerator-hours per generation, headcount, on-premise customers or the fixed part of
    other operating costs doubled from FY2026E on (one edit each,
    made in LibreOffice): every formula equals the model rebuilt from the same change in the data, and
    the headline moves the way the economics say."""
    require_engine()
    from model.engine import libreoffice as engine
    from test_engine import assert_engine_matches
    data = load(ZHIPU_UNITS)
    b = build_book(data, "base")
    path = tmp_path / "model.xlsx"
    write_book(b, path)
    jobs, expected = [], []
    for driver in DOUBLED:
        cell = b.names[f"Asm_base_{driver}"].cells()[0][0]               # FY2026E
        new = doubled(data.assumptions[("base", driver)][0])
        changed = copy.deepcopy(data)
        changed.assumptions[("base", driver)][0] = new
        expected.append(build_book(changed, "base"))
        jobs.append({"path": path, "edits": [{"target": f"Inputs!{a1(cell.row, cell.col)}", "value": new}]})
    before = [b.names[n].result() for n in OUTPUTS]
    for driver, want, result in zip(DOUBLED, expected, engine.recalculate(jobs)):
        assert result["error"] is None
        assert assert_engine_matches(want, result) > 5000
        names = result["names"]
        assert names["MasterCheck"]["v"] == 0
        after = [names[n]["v"] for n in OUTPUTS]
        assert any(a != pytest.approx(x) if isinstance(x, float) and isinstance(a, float) else a != x
                   for a, x in zip(after, before)), driver
        # more volume, price or customers lowers the loss; dearer training, more heads or fixed costs raise it
        lower = driver in ("token_growth", "price_change", "customer_growth")
        assert (after[1] < before[1]) if lower else (after[1] > before[1]), driver


def test_hand_case_with_customers_in_libreoffice(tmp_path):
    """The hand company with a customer segment: LibreOffice recalculates every formula to the model's
    cached value (checked against the hand computation above), no error values, MasterCheck 0."""
    require_engine()
    from model.engine import libreoffice as engine
    from test_engine import assert_engine_matches
    b = build_book(load(write_company(tmp_path / "handco", {**HAND_UNITS, **CUSTOMERS})))
    path = tmp_path / "hand.xlsx"
    write_book(b, path)
    [result] = engine.recalculate([{"path": path, "edits": []}])
    assert result["error"] is None
    assert assert_engine_matches(b, result) > 1000
    assert result["names"]["MasterCheck"]["v"] == 0
    # the comparison can fail: a wrong value for the customer segment's FY2025 revenue is found
    cell = b.tabs["income"].lines.cell("rev_a", FY(2025))
    cell._cache = cell.result() + 1.0
    with pytest.raises(AssertionError):
        assert_engine_matches(b, result)


def test_a_wrong_cached_unit_value_is_caught(tmp_path):
    """The engine comparison can fail on the new tab: plant a wrong cached BreakevenTokensPerDay."""
    require_engine()
    from model.engine import libreoffice as engine
    planted = plant_wrong_cache(build_book(load(ZHIPU_UNITS)), "BreakevenTokensPerDay", tmp_path / "tampered.xlsx")
    assert planted.where[0] == "Unit Economics"
    planted.assert_caught(engine.recalculate_file(planted.path))


def test_operating_leverage_by_hand(unit_book):
    # FY2025 'double' (above): fixed 27 of all costs 27 + 9.5; the result -21.5 against FY2024's -20 as
    # revenue went from 10 to 15: of each extra unit of revenue the result lost 0.3; a loss: no leverage ratio
    u = unit_book.tabs["units"].blocks["double"]
    assert u.cell("ue_fixed_share", FY(2025)).result() == pytest.approx(27 / 36.5)
    assert u.cell("ue_incremental", FY(2025)).result() == pytest.approx((-21.5 + 20) / (15 - 10))
    assert u.cell("ue_dol", FY(2025)).result() == "n.m."


def test_operating_leverage_when_the_result_is_positive(book_units):
    # Zhipu's bull case is profitable by FY2029 (it breaks even earlier): from then the ratio is contribution / result
    u = book_units.tabs["units"].blocks["bull"]
    contribution, result = (u.cell(k, FY(2029)).result() for k in ("ue_contribution", "ue_result"))
    assert result > 0 and u.cell("ue_dol", FY(2029)).result() == pytest.approx(contribution / result)
    assert u.cell("ue_dol", FY(2026)).result() == "n.m."


# claims on the unit build's lines: FY2024's inference cost per token 0.03 against the price 0.1 (above)
UNIT_CLAIMS = """id,claim,reported,unit,calc,metric,periods,test,tolerance,group,basis,latest
MC25,Marginal cost under 25%,25%,pct,value,u_variable_share,FY2024,at_most,0,MC,assumption,yes
MC35,Marginal cost under 35%,35%,pct,value,u_variable_share,FY2024,at_most,0,MC,assumption,
UC,Unit cost falls,1,x,multiple,u_unit_cost,FY2023;FY2024,at_most,0,,assumption,
REV,Revenue FY2024,10,amount,value,revenue,FY2024,equal,0,,,
"""


def test_claims_on_unit_lines_rest_on_assumptions(tmp_path):
    data = load(write_company(tmp_path / "handco", {**HAND_UNITS, "claims.csv": UNIT_CLAIMS}))
    tab = build_book(data).tabs["claims"]
    model = {k: m.result() for k, (_, m, _) in tab.rows.items()}
    assert model["MC25"] == pytest.approx(0.3) and model["MC35"] == pytest.approx(0.3)
    assert {k: s.result() for k, (_, _, s) in tab.rows.items()} == {
        "MC25": "differs under assumptions", "MC35": "consistent under assumptions",
        "UC": "cannot be checked",          # FY2023's serving split is not given: no cost per token
        "REV": "consistent — corroborated"}
    assert tab.verdicts["MC"].result() == "differs under assumptions"
    # the unit build is annual: against the latest interim (1H2025) there is no figure, not a zero
    fy, interim, _ = (c.result() for c in tab.latest_cells["MC25"])
    assert fy == pytest.approx(0.3) and interim == "n/a"


def test_claims_on_unit_lines_are_left_out_without_the_unit_build(tmp_path):
    data = load(write_company(tmp_path / "handco", {**HAND, "claims.csv": UNIT_CLAIMS}))
    assert [c.id for c in data.claims] == ["REV"]
    assert any(n.startswith("claims.csv: claim MC25 (row 2) left out") for n in data.notes)


# The unit build's own API and unit-cost claims (u_variable_share, u_unit_cost): the shipped data retired them
# when the compute build replaced the fixed serving share; a company on the unit build alone may still write them.
ZHIPU_UNIT_CLAIMS = """API25U,API marginal cost < 15%: inference cost per token / price FY2025 (unit build),API调用的边际成本仅占收入15%以下,15%,pct,value,u_variable_share,FY2025,at_most,0,"The unit build's marginal cost: inference cost per million tokens over the price per million tokens (Unit Economics). It rests on the assumed share of the cloud segment's cost that is fixed serving capacity (80% in FY2025, operating.csv; not disclosed): 16.2% under it, just above 15%; a fixed share of 81.5% or more would meet the claim",note,API,assumption,,,yes,API 边际成本 < 15%：FY2025 单位Token推理成本 / 价格（单位经济模型）,单位经济模型的边际成本：每百万Token推理成本除以每百万Token价格（单位经济页）。取决于云端成本中固定推理算力的假设占比（FY2025 为 80%，operating.csv；未披露）：在此假设下为 16.2%，略高于 15%；固定占比达 81.5% 或以上即符合该表述,,
UNITU,Unit cost keeps falling with scale: inference cost per million tokens FY2025 / FY2024 (unit build),随着用户规模扩大，单位成本将持续下降,1,x,multiple,u_unit_cost,FY2024;FY2025,at_most,0,"The unit build's cost per token (Unit Economics) fell to 0.37x as tokens per day grew about 4.4x; both years' token volumes and the fixed serving share are assumptions (operating.csv), so this illustrates the claim, it does not corroborate it. The margin proxy in the row above points the other way because it includes fixed serving capacity",note,UNIT,assumption,,,,单位成本随规模持续下降：FY2025 / FY2024 每百万Token推理成本（单位经济模型）,单位经济模型的单位Token成本（单位经济页）在日均Token增长约 4.4 倍的同时降至 0.37 倍；两年的Token量与固定推理算力占比均为假设（operating.csv），故仅为示意，并非印证。上一行的毛利率替代指标方向相反，因其包含固定推理算力,,
"""


def test_zhipu_marginal_cost_claims_under_the_unit_build(tmp_path):
    # FY2025: cloud revenue 1.90379, cost 1.90379 x (1 - 18.9%) (R1), 80% of it fixed serving (operating.csv):
    # inference per token over price = 20% x 81.1% = 16.2%, above the note's 15% under these assumptions
    folder = copy_folder(ZHIPU_UNIT_ONLY, tmp_path / "zhipu")
    with open(folder / "claims.csv", "a", encoding="utf-8") as f:
        f.write(ZHIPU_UNIT_CLAIMS)
    tab = build_book(load(folder)).tabs["claims"]
    assert tab.rows["API25U"][1].result() == pytest.approx(0.2 * (1 - 0.189), abs=2e-4)
    assert tab.verdicts["API"].result() == "differs under assumptions"
    assert tab.verdicts["UNIT"].result() == "consistent under assumptions"   # the cost per token fell FY2024-25


@pytest.mark.parametrize("sc", ["base", "bull"])
def test_unit_build_grid_equals_the_rebuilt_model(sc):
    """Every cell of the default (unit build) grids is the model rebuilt with that row's delta on the
    revenue drivers (token, customer and any other segment's growth) and that column's on the R&D
    drivers (training cost per generation, research compute, headcount, the rest): breakeven year,
    final-year margin, lowest cash and funding need. The grid's forecasts share the lines a shift does
    not move, so this is what shows that the sharing reads only lines that truly stay put. The financing
    is the selected scenario's (Cash & Funding's ev_<id>_converts): a convertible bond converts or is
    repaid as selected, so the rebuilt model has that outcome pinned (a conversion price its own DCF
    test cannot cross) — in bull, a +2 growth step with a -2 R&D step would otherwise convert the
    September 2026 bond and skip its RMB 20.14bn repayment in FY2027."""
    import dataclasses
    from model.workbook.tabs.sensitivity import SIDE, revenue_drivers, rnd_drivers
    from test_analysis import shifted
    data = load(ZHIPU_UNITS)
    book = build_book(data, sc)
    tab = book.tabs["sensitivity"]
    held = {ev.id: book.tabs["cash"].scalars[f"ev_{ev.id}_converts"].result()
            for ev in data.events if f"ev_{ev.id}_converts" in book.tabs["cash"].scalars}
    assert held   # the shipped data has a convertible bond: the pinning below is exercised

    def as_selected(d):   # each bond's conversion price at -inf (converts) or +inf (repaid), as selected
        d.events = [dataclasses.replace(ev, conversion_price=-1e15 if held[ev.id] else 1e15) if ev.id in held else ev
                    for ev in d.events]
        return d
    g, c = data.sensitivity["growth_step"], data.sensitivity["cost_growth_step"]
    last = FY(data.forecast_years[-1])
    lowest = set()
    for i in range(2 * SIDE + 1):
        for j in range(2 * SIDE + 1):
            want = build_book(as_selected(shifted(data, sc, {**{d: (i - SIDE) * g for d in revenue_drivers(data)},
                                                            **{d: (j - SIDE) * c for d in rnd_drivers(data)}})), sc)
            blk = want.tabs["scenarios"].blocks[sc]
            margin = blk.cell("adjusted_net_income", last).result() / blk.cell("revenue", last).result()
            assert tab.grid[0][i][j].result() == want.names["BreakevenYear"].result(), (i, j)
            assert tab.grid[1][i][j].result() == pytest.approx(margin, rel=1e-12), (i, j)
            assert tab.grid[3][i][j].result() == pytest.approx(want.names["LowestCash"].result(), rel=1e-12), (i, j)
            assert tab.grid[4][i][j].result() == pytest.approx(want.names["FundingNeed"].result(), abs=1e-9), (i, j)
            lowest.add(round(tab.grid[3][i][j].result(), 6))
    assert len(lowest) == (2 * SIDE + 1) ** 2   # every cell its own cash path, not one repeated answer


def test_a_shift_writes_only_the_cells_it_moves(book_units):
    """The tornado's training bar (accelerator-hours per generation) recomputes R&D and what follows from it,
    not revenue: its revenue
    cells are the Income Statement's, and its funding events the centre's cash bridge's; the grid's R&D
    lines are written once per column, not once per cell."""
    from model.workbook.tabs.sensitivity import SIDE
    tab, income = book_units.tabs["sensitivity"], book_units.tabs["income"].lines
    bar = tab.bars[("hours_per_gen_growth", -1)]
    fc = FY(2028)
    assert bar.cell("revenue", fc) is income.cell("revenue", fc)
    assert bar.cell("u_training", fc) is not income.cell("u_training", fc)
    assert bar.cell("u_training", fc).sheet is tab.sheet
    centre = tab.blocks[(SIDE, SIDE)]
    assert bar.bridge.cell("equity_raised", fc) is centre.bridge.cell("equity_raised", fc)
    assert bar.bridge.cell("closing_cash", fc) is not centre.bridge.cell("closing_cash", fc)
    # a grid column's R&D lines: one set of cells for its five rows
    assert len({id(tab.blocks[(i, 0)].cell("rnd", fc)) for i in range(2 * SIDE + 1)}) == 1
    assert len({id(tab.blocks[(i, 0)].cell("adjusted_net_income", fc)) for i in range(2 * SIDE + 1)}) == 5


def test_the_shipped_tornado_shocks_are_comparable(zhipu_units, units_book):
    """Every bar of the shipped data's tornado moves its line by the tornado step in the last forecast year."""
    assert_comparable_shocks(zhipu_units, units_book)
