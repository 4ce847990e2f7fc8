"""The near term in parts from the latest interim: when the first forecast year has an interim actual, that
year and the next (company.toml split_years) run in halves — 1H2026A | 2H2026E | FY2026E | 1H2027E |
2H2027E | FY2027E — (9M | Q4 | FY for a nine-month interim), each part grown from the part before, each
full year the sum of its parts, on every time-based tab.

Tested on a small company written here (Halfco: two segments, one seasonal, computed by hand on the
growth-rate build and on the unit build, with interim operating metrics partly given and partly falling
back to the full year), the second company's nine months (run rates of unequal parts), a first quarter,
the shipped Zhipu data (the second half against the first), and through LibreOffice with every scenario
selected: every cached value reproduced, FY = 1H + 2H, a planted wrong cache in a half column caught, a
typed input that makes a half negative turning the master check red, a half driver edited live."""
import copy
import shutil

import pytest

from conftest import (MERIDIAN, ZHIPU, ZHIPU_UNITS, assert_hand_forecast, cell, hand_periods, line,
                      plant_wrong_cache, require_engine)
from model.calc.formula import a1
from model.data.company import load
from model.data.files import DataError
from model.data.periods import Period, parse_column
from model.engine.verify import cached_values, compare
from model.workbook.build import build_book
from model.workbook.writer import write_book

SIX = ["1H2026A", "2H2026E", "FY2026E", "1H2027E", "2H2027E", "FY2027E"]

# Halfco: RMB 100m, two segments; "deploy" is seasonal (FY2025: 1H 2, 2H 8: a pattern of 4x). FY2025 and the
# 1H2025 comparative, then the 1H2026 interim: revenue 16 (api 12, deploy 4), gross profit 6 (api 40%, deploy
# 30%), R&D 15 (compute 10), adjusted net loss 12 (other costs, net: 6 - 15 + 12 = 3), net loss 13.
HALF = {
    "company.toml": """name = "Halfco"
currency = "RMB"
unit = "RMB 100m"
fiscal_year_end = "12-31"
as_of = "2026-08-31"
forecast_end = 2028
default_scenario = "base"
[[segments]]
key = "api"
label = "API"
[[segments]]
key = "deploy"
label = "Deployments"
seasonal = true
""",
    "actuals.csv": """item,period,value
revenue,FY2024,10
share_api,FY2024,40%
share_deploy,FY2024,60%
gm_api,FY2024,20%
gm_deploy,FY2024,50%
cost_of_revenue,FY2024,6.2
rnd,FY2024,12
rnd_compute,FY2024,8
adjusted_net_income,FY2024,-10
net_income,FY2024,-11
revenue,FY2025,20
rev_api,FY2025,10
rev_deploy,FY2025,10
gm_api,FY2025,30%
gm_deploy,FY2025,50%
cost_of_revenue,FY2025,12
rnd,FY2025,20
rnd_compute,FY2025,14
adjusted_net_income,FY2025,-16
net_income,FY2025,-18
revenue,1H2025,6
rev_api,1H2025,4
rev_deploy,1H2025,2
gm_api,1H2025,25%
gm_deploy,1H2025,40%
cost_of_revenue,1H2025,4.2
rnd,1H2025,9
rnd_compute,1H2025,6
adjusted_net_income,1H2025,-9
net_income,1H2025,-10
revenue,1H2026,16
rev_api,1H2026,12
rev_deploy,1H2026,4
gm_api,1H2026,40%
gm_deploy,1H2026,30%
cost_of_revenue,1H2026,10
rnd,1H2026,15
rnd_compute,1H2026,10
adjusted_net_income,1H2026,-12
net_income,1H2026,-13
""",
    "assumptions.csv": """scenario,driver,2H2026,FY2026,1H2027,2H2027,FY2027,FY2028,rationale
base,growth_api,50%,,20%,10%,,30%,hand
base,growth_deploy,10%,,0%,5%,,10%,hand
base,gm_api,45%,,50%,50%,,55%,hand
base,gm_deploy,40%,,35%,45%,,45%,hand
base,rnd_compute_growth,20%,,10%,10%,,20%,hand
base,rnd_other_growth,10%,,5%,5%,,10%,hand
base,other_opex_growth,10%,,0%,0%,,10%,hand
base,adjustments,1.5,,1,1,,3,hand
base,non_cash,,1,,,1,1,hand
bear,growth_api,-20%,,0%,0%,,10%,hand
bear,growth_deploy,-10%,,0%,0%,,0%,hand
bear,gm_api,30%,,30%,30%,,30%,hand
bear,gm_deploy,30%,,30%,30%,,30%,hand
bear,rnd_compute_growth,60%,,0%,0%,,10%,hand
bear,rnd_other_growth,0%,,0%,0%,,10%,hand
bear,other_opex_growth,0%,,0%,0%,,0%,hand
bear,adjustments,1,,1,1,,2,hand
""",
    "funding.csv": "item,period,value\nopening_cash,1H2026,100\n",
    "sources.csv": "id,title,address,supports\n",
}

# the same company on the unit build: api served by tokens, deploy by customers (still seasonal). FY2025: 10
# tokens a day x 100 days x price 0.1 x scale 0.1 = api's 10; its cost 7 half fixed (3.5), half inference at
# 3.5 / (1000 x 0.1) = 0.035; compute 14 half training (7 over 2 generations: 3.5 each), research 7; R&D other 6:
# staff 4 for 40 heads (4 / (40 x 0.5) = 0.2 a head a year), the rest 2; other costs 4 half fixed (2), the
# variable 2 is 10% of revenue 20; 20 customers bring deploy's 10 (1.0 each a year x 20 x 0.5). 1H2026 gives
# tokens only (16 a day): the other metrics fall back to FY2025's (shares and levels as they are, generations and
# staff cost x 6/12).
UNITS = {
    "units.toml": """segment = "api"
customer_segment = "deploy"
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
tokens_per_day,FY2025,10,,A,
serving_fixed_share,FY2025,50%,,assumption,
training_share,FY2025,50%,,assumption,
generations,FY2025,2,,assumption,
rnd_headcount,FY2025,40,,A,
rnd_staff_cost,FY2025,4,,A,
opex_fixed_share,FY2025,50%,,assumption,
customers,FY2025,20,,A,
tokens_per_day,1H2026,16,,assumption,the interim's volume
""",
    "units.csv": "scenario,driver,2H2026,FY2026,1H2027,2H2027,FY2027,FY2028,rationale\n" + "".join(
        f"{sc},{d},{v2h},,{rest},{rest},,{fy},hand\n" for sc in ("base", "bear") for d, v2h, rest, fy in (
            ("token_growth", "25%", "10%", "20%"), ("price_change", "20%", "0%", "-10%"),
            ("unit_cost_change", "-20%", "-10%", "-20%"), ("serving_fixed_growth", "10%", "5%", "10%"),
            ("generations", "1", "1", "2"), ("training_cost_growth", "20%", "10%", "20%"),
            ("research_compute_growth", "10%", "5%", "10%"), ("headcount_growth", "10%", "5%", "10%"),
            ("cost_per_head_growth", "5%", "2%", "5%"), ("rnd_rest_growth", "0%", "0%", "0%"),
            ("opex_variable_share", "10%", "10%", "10%"), ("opex_fixed_growth", "0%", "0%", "5%"),
            ("customer_growth", "0%", "5%", "10%"), ("revenue_per_customer_change", "10%", "0%", "5%"))),
}


def write(folder, files):
    folder.mkdir(parents=True)
    for name, text in files.items():
        (folder / name).write_text(text, encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def half(tmp_path_factory):
    return load(write(tmp_path_factory.mktemp("half") / "halfco", HALF))


@pytest.fixture(scope="module")
def half_units(tmp_path_factory):
    return load(write(tmp_path_factory.mktemp("half_units") / "halfco", {**HALF, **UNITS}))


@pytest.fixture(scope="module")
def zh_units():
    return load(ZHIPU_UNITS)


def headers(book, tab):
    """The period headers of a tab, as the workbook shows them (FY2025A, 1H2026A, 2H2026E ...), by column."""
    sh = book.sheet(tab)
    return {c.col: f"{c.fmt[len('period_'):]}"[:-1] + str(int(c.content)) + c.fmt[-1]
            for c in sh.cells.values() if c.role == "head" and c.fmt.startswith("period_")}


def test_every_time_based_tab_shares_the_six_half_year_columns(zh_units):
    """1H2026A | 2H2026E | FY2026E | 1H2027E | 2H2027E | FY2027E, side by side after FY2025A, on every tab with a
    timeline; the earlier interims (1H2024A, 1H2025A) in a block of their own at the right."""
    book = build_book(zh_units)
    timelines = [s.name for s in book.sheets if headers(book, s.name)]
    assert timelines == [book.t(f"tabs.{t}") for t in ("inputs", "income", "ratios", "scenarios", "breakeven", "units",
                                                        "cash", "valuation", "sensitivity", "risk", "checks")]
    for tab in timelines:
        heads = headers(book, tab)
        order = [heads[c] for c in sorted(heads)]
        i = order.index("FY2025A")
        assert order[i + 1:i + 7] == SIX and order[i + 7:i + 10] == ["FY2028E", "FY2029E", "FY2030E"], tab
        assert order[-2:] == ["1H2024A", "1H2025A"], tab
        cols = sorted(heads)
        assert cols[i + 6] - cols[i] == 6, tab        # adjacent, no gap
    # the lines of the scenario blocks, the unit economics and the sensitivity forecasts have cells in the halves
    for tab, label in (("Scenarios", "Total revenue"), ("Unit Economics", "Tokens served per day"),
                       ("Income Statement", "R&D — compute")):
        sh = book.sheet(tab)
        cols = {c for c, h in headers(book, tab).items() if h in ("2H2026E", "1H2027E", "2H2027E")}
        rows = [r for (r, c), x in sh.cells.items() if c == 0 and str(x.content).startswith(label)]
        assert rows and all(sh.cell_at(rows[0], c) is not None for c in cols), tab


def test_growth_build_by_hand(half):
    """Each half grows from the half before; the seasonal segment carries FY2025's pattern; the full year is
    the sum of its halves; the year after the halves grows from the full year."""
    book = build_book(half, "base")
    v = lambda label, code: line(book, "Income Statement", label, code)  # noqa: E731
    season = (10 - 2) / 2                       # deploy: 2H2025 / 1H2025 = 4
    assert line(book, "Income Statement", "Seasonal pattern — Deployments (FY2025)", "FY2025") == pytest.approx(season)
    # 2H2026: api 12 x 1.5 = 18; deploy 4 x 4 x 1.1 = 17.6; gross profit 18 x 45% + 17.6 x 40%; compute 10 x 1.2,
    # R&D other 5 x 1.1, other costs 3 x 1.1; adjustments 1.5
    api, dep = 12 * 1.5, 4 * season * 1.1
    gp = api * 0.45 + dep * 0.40
    rnd = 10 * 1.2 + 5 * 1.1
    ani = gp - rnd - 3 * 1.1
    assert v("Total revenue", "2H2026") == pytest.approx(api + dep)
    assert v("Gross profit", "2H2026") == pytest.approx(gp)
    assert v("Research & development", "2H2026") == pytest.approx(rnd)
    assert v("Adjusted net income (loss)", "2H2026") == pytest.approx(ani)
    assert v("Net income (loss), reported", "2H2026") == pytest.approx(ani - 1.5)
    # FY2026 = 1H2026A + 2H2026E, line by line (the interim's reported gross profit 6 and loss 12)
    assert v("Total revenue", "FY2026") == pytest.approx(16 + api + dep)
    assert v("Gross profit", "FY2026") == pytest.approx(6 + gp)
    assert v("Adjusted net income (loss)", "FY2026") == pytest.approx(-12 + ani)
    # 1H2027 grows from 2H2026: api x 1.2; deploy back to its first-half level (/ 4) x 1.0
    api1, dep1 = api * 1.2, dep / season
    rnd1 = 10 * 1.2 * 1.1 + 5 * 1.1 * 1.05
    ani1 = api1 * 0.5 + dep1 * 0.35 - rnd1 - 3 * 1.1
    assert v("Total revenue", "1H2027") == pytest.approx(api1 + dep1)
    assert v("Adjusted net income (loss)", "1H2027") == pytest.approx(ani1)
    api2, dep2 = api1 * 1.1, dep1 * season * 1.05
    assert v("Total revenue", "2H2027") == pytest.approx(api2 + dep2)
    assert v("Total revenue", "FY2027") == pytest.approx(api1 + dep1 + api2 + dep2)
    # FY2028 grows from the full year FY2027
    assert v("Revenue — API", "FY2028") == pytest.approx((api1 + api2) * 1.3)
    assert v("Revenue — Deployments", "FY2028") == pytest.approx((dep1 + dep2) * 1.1)
    # like for like: 2H2026 against 2H2025 (FY2025 - 1H2025 = 14), 1H2027 against 1H2026
    assert line(book, "Ratios", "Revenue growth (like for like)", "2H2026") == pytest.approx((api + dep) / 14 - 1)
    assert line(book, "Ratios", "Revenue growth (like for like)", "1H2027") == pytest.approx((api1 + dep1) / 16 - 1)
    assert line(book, "Ratios", "Gross margin — blended", "FY2026") == pytest.approx((6 + gp) / (16 + api + dep))
    # every scenario, every part and year, against the plain implementation (conftest.hand_periods)
    for sc in half.scenarios:
        assert_hand_forecast(half, sc, build_book(half, sc))


def test_unit_build_by_hand(half_units):
    """The unit build in halves: the interim's drivers implied by its figures (tokens given, the other
    metrics falling back to FY2025's), each half's drivers over the half before, per-head and per-customer
    rates a year (x 1/2 in a half), levels averaged over the year, rates implied by the year's flows."""
    book = build_book(half_units, "base")
    b = book.tabs["scenarios"].blocks["base"]
    h1, h2, fy = Period(2026, 6), Period(2026, 6, 6), Period(2026, 12)
    at = lambda key, p: b.cell(key, p).result()  # noqa: E731
    # 1H2026A: 16 tokens a day x 100 x 1/2 = 800; price 12 / (800 x 0.1) = 0.15; api cost 12 x 60% = 7.2, half fixed
    # (FY2025's share: not given for the interim): inference 3.6 / 80 = 0.045; training 10 x 50% = 5 over
    # round(2 x 6/12) = 1 generation; staff 4 x 6/12 = 2 for 40 heads: 2 / (40 x 0.5 x 0.5) = 0.2 a year; other
    # costs 3, half fixed: variable 1.5 / 16; 20 customers: deploy 4 / (20 x 0.5 x 0.5) = 0.8 a year each
    assert at("u_tokens_year", h1) == pytest.approx(800)
    assert at("u_price", h1) == pytest.approx(0.15)
    assert at("u_unit_cost", h1) == pytest.approx(0.045)
    assert at("u_generations", h1) == 1 and at("u_cost_per_gen", h1) == pytest.approx(5)
    assert at("u_cost_per_head", h1) == pytest.approx(0.2)
    assert at("u_opex_share", h1) == pytest.approx(1.5 / 16)
    assert at("u_rev_per_customer", h1) == pytest.approx(0.8)
    # 2H2026E: tokens 16 x 1.25 = 20 a day (1000 in the half), price 0.15 x 1.2: api 1000 x 0.18 x 0.1 = 18;
    # inference 1000 x 0.045 x 0.8 x 0.1 = 3.6, fixed 3.6 x 1.1; deploy: 20 customers x 0.8 x 4 (FY2025's pattern)
    # x 1.1 x 0.5 x 1/2 = 17.6; training 1 x 5 x 1.2, research 5 x 1.1; people 44 heads x 0.21 x 0.5 x 1/2, rest 3;
    # other costs 10% of revenue + 1.5
    api, inference, fixed = 1000 * 0.18 * 0.1, 1000 * 0.036 * 0.1, 3.6 * 1.1
    dep = 20 * 0.8 * 4 * 1.1 * 0.5 * 0.5
    rnd = 1 * 5 * 1.2 + 5 * 1.1 + 44 * 0.2 * 1.05 * 0.5 * 0.5 + 3
    opex = (api + dep) * 0.10 + 1.5
    ani = (api - inference - fixed) + dep * 0.40 - rnd - opex
    assert at("rev_api", h2) == pytest.approx(api)
    assert at("u_cloud_cost", h2) == pytest.approx(inference + fixed)
    assert at("rev_deploy", h2) == pytest.approx(dep)
    assert at("rnd", h2) == pytest.approx(rnd)
    assert at("other_opex", h2) == pytest.approx(opex)
    assert at("adjusted_net_income", h2) == pytest.approx(ani)
    # FY2026: flows add up; tokens a day and headcount are the year's average; price and cost per head implied
    assert at("u_tokens", fy) == pytest.approx((16 + 20) / 2)
    assert at("u_headcount", fy) == pytest.approx((40 + 44) / 2)
    assert at("u_price", fy) == pytest.approx((12 + api) / ((800 + 1000) * 0.1))
    assert at("u_cost_per_head", fy) == pytest.approx((2 + 44 * 0.21 * 0.25) / (42 * 0.5))
    assert at("adjusted_net_income", fy) == pytest.approx(-12 + ani)
    # 1H2027E: deploy's revenue per customer back to its first-half level (/ 4), x (1 + 0%); 21 customers
    assert at("u_rev_per_customer", Period(2027, 6)) == pytest.approx(0.8 * 4 * 1.1 / 4)
    assert at("rev_deploy", Period(2027, 6)) == pytest.approx(21 * 0.88 * 0.5 * 0.5)
    # the interim metrics not given fall back to FY2025's: said in the build report and on Unit Economics
    note = next(n for n in half_units.notes if "operating.csv gives no 1H2026 figure" in n)
    assert "rnd_headcount, customers (FY2025's figure)" in note and "generations, rnd_staff_cost" in note
    ue = [c.content for c in book.sheet("Unit Economics").cells.values() if c.role in ("note", "note_wrap")]
    said = next(n for n in ue if n.startswith("1H2026: not in operating.csv"))
    assert "R&D headcount" in said.split(";")[0] and "Tokens" not in said and "generations" in said.split(";")[1]
    assert book.names["MasterCheck"].result() == 0


def test_generations_are_whole_numbers_per_period(tmp_path):
    folder = write(tmp_path / "halfco", {**HALF, **UNITS})
    text = (folder / "units.csv").read_text(encoding="utf-8")
    (folder / "units.csv").write_text(text.replace("base,generations,1,", "base,generations,1.5,", 1), encoding="utf-8")
    with pytest.raises(DataError) as e:
        load(folder)
    assert (e.value.file, e.value.column) == ("units.csv", "2H2026")
    assert "1.5 generations is not a whole number" in str(e.value)


def test_nine_months_and_a_quarter_run_at_their_run_rates(meridian, meridian_book):
    """Parts of unequal length: Q4 2026 grows from the nine months' average quarter (189 x 3/9 x 1.05), the
    next nine months from Q4's (x 9/3)."""
    growth = lambda code: meridian.value("base", "growth_platform", parse_column(code))  # noqa: E731
    q4 = 189 * 3 / 9 * (1 + growth("Q4 2026"))
    m9 = q4 * 9 / 3 * (1 + growth("9M2027"))
    assert line(meridian_book, "Income Statement", "Total revenue", "Q4 2026") == pytest.approx(q4)
    assert line(meridian_book, "Income Statement", "Total revenue", "9M2027") == pytest.approx(m9)
    assert line(meridian_book, "Income Statement", "Total revenue", "FY2026") == pytest.approx(189 + q4)
    # Q4 2026 against Q4 2025 (FY2025 - 9M2025)
    assert line(meridian_book, "Ratios", "Revenue growth (like for like)", "Q4 2026") == pytest.approx(q4 / (150 - 105) - 1)
    for sc in meridian.scenarios:
        assert_hand_forecast(meridian, sc, build_book(meridian, sc))


def test_a_first_quarter_runs_the_other_nine_months(tmp_path):
    folder = tmp_path / "q1"
    shutil.copytree(MERIDIAN, folder)
    for name in ("actuals.csv", "reference.csv", "claims.csv"):
        if (folder / name).exists():
            lines = (folder / name).read_text(encoding="utf-8").splitlines(keepends=True)
            (folder / name).write_text("".join(ln for ln in lines if "9M2026" not in ln), encoding="utf-8")
    with (folder / "actuals.csv").open("a", encoding="utf-8") as f:
        f.write("revenue,Q1 2026,60,F1,\ncost_of_revenue,Q1 2026,21,F1,\nrnd,Q1 2026,55,F1,\n"
                "net_income,Q1 2026,-33,F1,\nadjusted_net_income,Q1 2026,-27,F1,\nrevenue,Q1 2025,28,F1,\n")
    (folder / "funding.csv").write_text((folder / "funding.csv").read_text(encoding="utf-8").replace(
        "opening_cash,9M2026", "opening_cash,Q1 2026"), encoding="utf-8")
    (folder / "company.toml").write_text((folder / "company.toml").read_text(encoding="utf-8").replace(
        'forecast_end = 2031', 'forecast_end = 2031\nsplit_years = 1'), encoding="utf-8")
    rows = {"growth_platform": ("10%", "40%"), "gm_platform": ("60%", "62%"), "rnd_growth": ("5%", "10%"),
            "other_opex_growth": ("5%", "10%"), "adjustments": ("22", "28")}
    (folder / "assumptions.csv").write_text(
        "scenario,driver,Q2-Q4 2026,FY2026,FY2027,FY2028,FY2029,FY2030,FY2031,rationale\n" + "".join(
            f"{sc},{d},{h},,{y},{y},{y},{y},{y},x\n" for sc in ("base", "bear") for d, (h, y) in rows.items()),
        encoding="utf-8")
    data = load(folder)
    g = data.value("base", "growth_platform", Period(2026, 9, 3))
    b = build_book(data, "base")
    # the other nine months at Q1's run rate (x 9/3) x (1 + growth)
    assert line(b, "Income Statement", "Total revenue", "Q2-Q4 2026") == pytest.approx(60 * 3 * (1 + g))
    assert line(b, "Ratios", "Revenue growth (like for like)", "Q2-Q4 2026") == pytest.approx(
        60 * 3 * (1 + g) / (150 - 28) - 1)
    assert line(b, "Ratios", "R&D growth", "Q2-Q4 2026") == "n/a"   # no R&D for Q1 2025
    for sc in data.scenarios:
        assert_hand_forecast(data, sc, build_book(data, sc))


def test_zhipus_second_half_follows_from_the_first(zh_units):
    """The shipped data: in no scenario does 2H2026E R&D fall more than 15%, or revenue more than 10%, below
    1H2026A (the interim: revenue 9.539, R&D 21.31); FY2026E = 1H2026A + 2H2026E line by line."""
    h1, h2, fy = Period(2026, 6), Period(2026, 6, 6), Period(2026, 12)
    book = build_book(zh_units)
    for sc in zh_units.scenarios:
        b = book.tabs["scenarios"].blocks[sc]
        at = lambda key, p: b.cell(key, p).result()  # noqa: E731
        assert at("revenue", h1) == pytest.approx(9.539) and at("rnd", h1) == pytest.approx(21.31)
        assert at("revenue", h2) >= 0.9 * 9.539, sc
        assert at("rnd", h2) >= 0.85 * 21.31, sc
        for key in ("revenue", "gross_profit", "rnd", "other_opex", "adjusted_net_income", "net_income", "u_training",
                    "u_cloud_cost", "c_serving_cost", "c_research_cost", "accelerator_depreciation"):
            assert at(key, fy) == pytest.approx(at(key, h1) + at(key, h2)), (sc, key)
        # levels: the year's fleet is the average of its halves; the serving fleet 2H2026E starts from 1H2026A's
        assert at("c_fleet", fy) == pytest.approx((at("c_fleet", h1) + at("c_fleet", h2)) / 2), sc
        assert at("c_throughput", h1) == 35000 and at("c_throughput", h2) >= 35000, sc


def test_every_scenario_recalculates_in_libreoffice(half, half_units, zh_units, tmp_path):
    """LibreOffice with each scenario selected: every cached value reproduced, no error value, master check
    0, and every full year in halves the sum of its halves; a wrong cached value planted in a half column is
    the one mismatch reported."""
    require_engine()
    from model.engine import libreoffice as engine
    jobs = []
    for name, data in (("half", half), ("half_units", half_units), ("zhipu", zh_units)):
        for sc in data.scenarios:
            book, path = build_book(data, sc), tmp_path / f"{name}-{sc}.xlsx"
            write_book(book, path)
            jobs.append((data, sc, book, path))
    tampered = build_book(zh_units)
    planted = plant_wrong_cache(tampered, cell(tampered, "Income Statement", "Total revenue", "2H2027"),
                                tmp_path / "tampered.xlsx")
    results = engine.recalculate([{"path": p} for *_, p in jobs] + [{"path": planted.path}])
    planted.assert_caught(results.pop())
    for (data, sc, book, path), result in zip(jobs, results):
        rep = compare(cached_values(path), result)
        assert rep.formulas == len(list(book.formula_cells())) > 500, (path.name, sc)
        assert (rep.mismatches, rep.errors, rep.master) == ([], [], 0), path.name
        got = lambda c: result["cells"][c.sheet.name][a1(c.row, c.col)]["v"]  # noqa: E731
        for label in ("Total revenue", "Research & development", "Cost of revenue", "Adjusted net income (loss)"):
            for year in (2026, 2027):
                fy, first, second = (cell(book, "Income Statement", label, code)
                                     for code in (f"FY{year}", f"1H{year}", f"2H{year}"))
                assert got(fy) == pytest.approx(got(first) + got(second), rel=1e-12, abs=1e-12), (path.name, label)


def test_a_negative_half_turns_the_master_check_red(half, tmp_path):
    """A typed growth below -100% (data validation aside) makes 2H2026E revenue negative: the check for that
    scenario fails, whichever scenario is selected, and the engine agrees with the model."""
    require_engine()
    from model.engine import libreoffice as engine
    book = build_book(half, "base")
    path = tmp_path / "m.xlsx"
    write_book(book, path)
    target = book.names["Asm_bear_growth_api"].cells()[0][0]   # 2H2026E
    result = engine.recalculate_file(path, edits=[{"target": f"Inputs!{a1(target.row, target.col)}", "value": -1.5}])
    # 2H2026E's API revenue is negative, and so is 1H2027E's cost of revenue (API's -6 grown by 0%, while the
    # deployments fall back to their first-half level): two failing parts, both bear's
    assert result["names"]["MasterCheck"]["v"] == 2
    checks = result["cells"]["Checks"]
    label = next(a for a, c in checks.items() if a.startswith("A") and c["v"] == "Forecast parts not negative "
                 "(revenue and each cost) — bear")
    assert checks["B" + label[1:]]["v"] == 2
    changed = copy.deepcopy(half)
    changed.assumptions[("bear", "growth_api")][0] = -1.5
    expected = build_book(changed, "base")
    assert expected.names["MasterCheck"].result() == 2
    for c in expected.formula_cells():
        got, want = result["cells"][c.sheet.name][a1(c.row, c.col)], c.result()
        assert not got["e"] and (got["v"] == want if isinstance(want, str) else got["v"] == pytest.approx(want, rel=1e-9, abs=1e-12))


def test_a_half_driver_is_live_in_libreoffice(half_units, tmp_path):
    """The 1H2027E token growth changed in LibreOffice: every formula moves as the model rebuilt says."""
    require_engine()
    from model.engine import libreoffice as engine
    book = build_book(half_units)
    path = tmp_path / "m.xlsx"
    write_book(book, path)
    target = book.tabs["income"].lines.inputs.asm[("bear", "token_growth", Period(2027, 6))]   # 1H2027E
    result = engine.recalculate_file(path, edits=[{"target": "Scenario", "value": "bear"},
                                                  {"target": f"Inputs!{a1(target.row, target.col)}", "value": 0.5}])
    changed = copy.deepcopy(half_units)
    changed.assumptions[("bear", "token_growth")][changed.forecast_periods.index(Period(2027, 6))] = 0.5
    expected = build_book(changed, "bear")
    moved = 0
    for c in expected.formula_cells():
        got, want = result["cells"][c.sheet.name][a1(c.row, c.col)], c.result()
        assert got["v"] == want if isinstance(want, str) else got["v"] == pytest.approx(want, rel=1e-9, abs=1e-12)
        moved += got["v"] != book.sheet(c.sheet.name).cell_at(c.row, c.col).result()
    assert moved > 100 and result["names"]["MasterCheck"]["v"] == 0


def test_no_interim_of_the_first_forecast_year_means_no_parts(tmp_path):
    """Interims of actual years only (1H2025 once FY2025 is actual) change nothing: full-year columns only,
    and the first forecast year has the same formula as the years after it."""
    folder = write(tmp_path / "halfco", HALF)
    lines = (folder / "actuals.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    (folder / "actuals.csv").write_text("".join(ln for ln in lines if "1H2026" not in ln), encoding="utf-8")
    (folder / "funding.csv").write_text("item,period,value\nopening_cash,FY2025,100\n", encoding="utf-8")
    (folder / "assumptions.csv").write_text(
        "scenario,driver,FY2026,FY2027,FY2028,rationale\n" + "".join(
            f"base,{d},{v},{v},{v},x\n" for d, v in (("growth_api", "50%"), ("growth_deploy", "10%"), ("gm_api", "40%"),
                                                     ("gm_deploy", "40%"), ("rnd_compute_growth", "10%"),
                                                     ("rnd_other_growth", "10%"), ("other_opex_growth", "10%"),
                                                     ("adjustments", "1"))), encoding="utf-8")
    data = load(folder)
    book = build_book(data)
    assert data.stub is None and data.split_years == [] and not book.tabs["income"].season
    heads = list(headers(book, "Income Statement").values())
    assert "2H2026E" not in heads and "1H2026A" not in heads and heads.count("1H2025A") == 1
    from model.calc.formula import col_letter
    sh = book.sheet("Income Statement")

    def shape(c):   # the formula with its own and the previous column as C and P
        return c.content.xl(sh).replace(col_letter(c.col - 1), "P").replace(col_letter(c.col), "C")
    a, b = (cell(book, "Income Statement", "Revenue — API", f"FY{y}") for y in (2026, 2027))
    assert shape(a) == shape(b) and "*(1+" in shape(a)
    assert line(book, "Income Statement", "Revenue — Deployments", "FY2026") == pytest.approx(10 * 1.1)


def test_seasonal_needs_the_pattern_of_the_base_year(tmp_path):
    folder = write(tmp_path / "halfco", HALF)
    lines = (folder / "actuals.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    (folder / "actuals.csv").write_text("".join(ln for ln in lines if not ln.startswith("rev_deploy,1H2025")
                                                and not ln.startswith("rev_api,1H2025")), encoding="utf-8")
    with pytest.raises(DataError) as e:
        load(folder)
    assert e.value.file == "company.toml" and "segment 'deploy' is seasonal" in str(e.value)
    assert "needs its revenue for 1H2025" in str(e.value)


def test_the_growth_build_of_zhipu_matches_the_hand_forecast():
    data = load(ZHIPU)
    for sc in data.scenarios:
        b = build_book(data, sc)
        assert set(hand_periods(data, sc, b)) >= {"2H2026", "1H2027", "2H2027"}
        assert_hand_forecast(data, sc, b)
