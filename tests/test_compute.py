"""The compute build (compute.csv, compute_operating.csv, reference_class.csv): serving and training cost from
accelerator capacity on a small company computed by hand, its calibration against the reported costs (the
Checks tab's implied figures), the shipped data against the published reference class, and — through
LibreOffice — editing a cost per accelerator-hour, a utilisation or a throughput on Inputs moves the
breakeven year, the loss to breakeven or BreakevenTokensPerDay as the model rebuilt from the changed data says."""
import copy

import pytest

from conftest import ZHIPU_UNITS, plant_wrong_cache, require_engine, run
from model.calc.formula import a1
from model.data.company import load
from model.data.periods import Period
from model.workbook.build import build_book
from model.workbook.writer import write_book
from test_analysis import assert_comparable_shocks, write_company
from test_units import HAND_UNITS

FY = lambda y: Period(y, 12)  # noqa: E731
H1 = lambda y: Period(y, 6)  # noqa: E731

# Handco's unit build (test_units) with its compute build. FY2024: the cloud segment b costs 2.5 and R&D compute is
# 10 (training 60% = 6 over 2 generations, research 4); 100 days a year of 24 hours = 2,400 hours; the price
# scale 0.1 makes the cost scale 0.1 x 0.001 = 0.0001 (company units per thousand accelerators x RMB). 2 thousand
# owned accelerators at 24,000 each over 5 years cost 24,000 / (5 x 2,400) = 2 an hour, + power 1 = 3 an hour;
# the rest is rented at 10. Forecast: rent 8, a quarter of the fleet owned (blended 0.25 x 3 + 0.75 x 8 = 6.75),
# throughput 200,000 tokens per accelerator-second at 50% utilisation, capacity a quarter of a year ahead,
# accelerator-hours per generation +10% a year, research accelerators flat.
COMPUTE = {
    "compute_operating.csv": "item,period,value,source,reliability,note,note_zh\n" + "".join(
        f"{item},FY2024,{v},X,assumption,hand,手算\n" for item, v in (
            ("rent_per_hour", 10), ("throughput", 100000), ("owned_accelerators", 2), ("capex_per_accelerator", 24000),
            ("useful_life", 5), ("power_hosting", 1))),
    "compute.csv": "scenario,driver,FY2025,FY2026,FY2027,rationale,rationale_zh\n" + "".join(
        f"{sc},{d},{v},{v},{v},hand,手算\n" for sc in ("double", "slow") for d, v in (
            ("rent_per_hour", 8), ("throughput", 200000), ("utilisation", "50%"), ("capacity_lead", 0.25),
            ("owned_share", "25%"), ("capex_per_accelerator", 24000), ("useful_life", 5), ("power_hosting", 1),
            ("hours_per_gen_growth", "10%"), ("research_growth", 0))),
    "reference_class.csv": "id,item,low,high,unit,metric,periods,source,reliability,note\n"
                           "rent,Rent per accelerator-hour,8,12,per_hour,c_rent,FY2024;FY2025,X,B,hand\n"
                           "util,Utilisation,0.5,0.7,pct,c_utilisation,FY2024,X,B,hand\n"
                           "shown,A figure shown only,1,2,x,,,X,B,hand\n",
}
HAND_COMPUTE = {**HAND_UNITS, **COMPUTE}
CAPACITY = 1e12 / 86400 / 1000        # thousand accelerators per (trillion tokens a day / tokens per accelerator-second)
HOURS, SCALE, PRICE_SCALE = 2400.0, 0.1 * 0.001, 0.1


def actual_2024():
    """FY2024 from the reported costs, by hand: the fleet they pay for and what it implies."""
    compute = 2.5 + 10
    rented = (compute / (HOURS * SCALE) - 2 * 3) / 10
    fleet = 2 + rented
    rate = compute / (fleet * HOURS * SCALE)
    serving = 2.5 / (rate * HOURS * SCALE)
    per_acc = 5 * CAPACITY / serving
    training_hours = 6 * 0.001 / (rate * SCALE)
    return {"c_rented": rented, "c_fleet": fleet, "c_rate": rate, "c_serving_acc": serving, "c_tokens_per_acc": per_acc,
            "c_utilisation": per_acc / 100000, "c_hours_per_gen": training_hours / 2,
            "c_research_acc": 4 / (rate * HOURS * SCALE), "c_rnd_acc": 10 / (rate * HOURS * SCALE),
            "c_lrmc": 2.5 / (5 * 100 * PRICE_SCALE), "accelerator_depreciation": 2 * 24000 / 5 * SCALE}


def by_hand(drivers, years=3):
    """The compute build's forecast computed plainly (an independent implementation): per year a dict of its lines
    and the income statement's revenue and adjusted net income."""
    d = lambda k, i: drivers[k][i]  # noqa: E731
    a = actual_2024()
    tokens, price, rev_a, opex_fixed = 5.0, 0.1, 5.0, 3.0
    per_gen, research, owned = a["c_hours_per_gen"], a["c_research_acc"], 2.0
    heads, per_head, rest = 40.0, 0.4, 2.0
    rate = 0.25 * 3 + 0.75 * 8
    out = []
    for i in range(years):
        before, owned_before = tokens, owned
        tokens *= 1 + d("token_growth", i)
        price *= 1 + d("price_change", i)
        rev_a *= 1 + d("growth_a", i)
        opex_fixed *= 1 + d("opex_fixed_growth", i)
        heads *= 1 + d("headcount_growth", i)
        per_head *= 1 + d("cost_per_head_growth", i)
        per_gen *= 1.1
        lead = (tokens / before) ** 0.25
        serving = tokens * lead * CAPACITY / (200000 * 0.5)
        training_hours = d("generations", i) * per_gen
        rnd_acc = research + training_hours / (HOURS * 0.001)
        fleet = serving + rnd_acc
        owned = 0.25 * fleet
        cloud_cost = serving * HOURS * rate * SCALE
        training = training_hours / 0.001 * rate * SCALE
        research_cost = research * HOURS * rate * SCALE
        rev_b = tokens * 100 * price * PRICE_SCALE
        revenue = rev_a + rev_b
        rnd = training + research_cost + heads * per_head * 0.5 + rest
        opex = revenue * d("opex_variable_share", i) + opex_fixed
        ani = rev_a * 0.5 + rev_b - cloud_cost - rnd - opex
        lrmc = CAPACITY * 24 * rate * SCALE / (200000 * 0.5 * PRICE_SCALE)
        serving_per_token = cloud_cost / (tokens * 100 * PRICE_SCALE)
        margin = price * (1 - d("opex_variable_share", i)) - serving_per_token
        out.append({"revenue": revenue, "adjusted_net_income": ani, "c_serving_acc": serving, "c_lead": lead,
                    "c_utilisation": 0.5 / lead, "c_fleet": fleet, "c_owned": owned, "c_rented": fleet - owned,
                    "c_rate": rate, "u_cloud_cost": cloud_cost, "c_training_cost": training,
                    "c_research_cost": research_cost, "c_hours_per_gen": per_gen, "c_lrmc": lrmc,
                    "c_srmc": CAPACITY * 24 * 0.25 * 1 * SCALE / (200000 * PRICE_SCALE),
                    "accelerator_depreciation": owned * 24000 / 5 * SCALE,
                    "accelerator_capex": (max(0, owned - owned_before) + owned_before / 5) * 24000 * SCALE,
                    # n/a once a token no longer covers its variable cost (the price halves each year in 'double')
                    "ue_be_tokens": tokens - ani / (100 * margin * PRICE_SCALE) if margin > 0 else "n/a"})
    return out


DOUBLE = {"token_growth": [1.0] * 3, "price_change": [-0.5] * 3, "generations": [2] * 3, "headcount_growth": [0] * 3,
          "cost_per_head_growth": [0] * 3, "opex_variable_share": [0.2] * 3, "opex_fixed_growth": [0] * 3,
          "growth_a": [1.0] * 3}
SLOW = {k: [v] * 3 for k, v in {"token_growth": 0.2, "price_change": 0, "generations": 1, "headcount_growth": 0.1,
                                "cost_per_head_growth": 0, "opex_variable_share": 0.1, "opex_fixed_growth": 0.1,
                                "growth_a": 0.2}.items()}


@pytest.fixture(scope="module")
def data(tmp_path_factory):
    return load(write_company(tmp_path_factory.mktemp("compute") / "handco", HAND_COMPUTE))


@pytest.fixture(scope="module")
def book(data):
    return build_book(data)


def test_hand_case_calibration_in_the_reported_year(book):
    """FY2024: the reported cloud cost (2.5) and R&D compute (10) at the assumed rent and owned fleet imply the
    blended cost per accelerator-hour, the accelerators each pays for, and the utilisation and tokens per
    accelerator-second that serve 5tn tokens a day; the Checks tab shows them and ties the costs back."""
    is_ = book.tabs["income"].lines
    for key, want in actual_2024().items():
        assert is_.cell(key, FY(2024)).result() == pytest.approx(want, rel=1e-12), key
    checks = book.sheet("Checks")
    labels = {str(c.content): r for (r, col), c in checks.cells.items() if col == 0}
    assert checks.cell_at(labels["Compute build reproduces reported compute costs"],
                          1).result() == 0
    row = labels["Utilisation achieved (tokens served ÷ capacity)"]
    col = book.tabs["income"].lines.tl.col[FY(2024)]
    assert checks.cell_at(row, col).result() == pytest.approx(actual_2024()["c_utilisation"], rel=1e-12)
    assert is_.cell("c_utilisation", FY(2023)).result() == "n/a"   # no compute metrics for FY2023: not a zero
    assert book.names["MasterCheck"].result() == 0


def test_hand_case_every_year_and_scenario(data, book):
    for sc, drivers in (("double", DOUBLE), ("slow", SLOW)):
        s, u = book.tabs["scenarios"].blocks[sc], book.tabs["units"].blocks[sc]
        for year, want in zip((2025, 2026, 2027), by_hand(drivers)):
            for key, value in want.items():
                block = u if key.startswith("ue_") else s
                got = block.cell(key, FY(year)).result()
                assert got == (value if isinstance(value, str) else pytest.approx(value, rel=1e-12)), (sc, year, key)
    assert [w["ue_be_tokens"] == "n/a" for w in by_hand(DOUBLE)] == [False, True, True]


def test_hand_case_marginal_costs_and_classes(book):
    """Both marginal costs of a token (FY2025 'double'): long run, capacity following volume, 6.75 an hour over
    200,000 tokens a second at 50%; short run, on capacity paid for, a quarter of the fleet's power of 1 an hour at
    full load. Serving capacity is a variable cost (Unit Economics): contribution = revenue − serving − delivery −
    the variable part of other costs, and Breakeven reads the same classes."""
    s, u = book.tabs["scenarios"].blocks["double"], book.tabs["units"].blocks["double"]
    price = s.cell("u_price", FY(2025)).result()
    want = by_hand(DOUBLE)[0]
    assert s.cell("c_lrmc_share", FY(2025)).result() == pytest.approx(want["c_lrmc"] / price, rel=1e-12)
    assert s.cell("c_srmc_share", FY(2025)).result() == pytest.approx(want["c_srmc"] / price, rel=1e-12)
    assert want["c_srmc"] < want["c_lrmc"] / 20
    revenue, cloud = want["revenue"], want["u_cloud_cost"]
    variable = cloud + 5 + revenue * 0.2      # serving, delivery of a (10 x 50%), other costs' variable part
    assert u.cell("ue_serving", FY(2025)).result() == pytest.approx(cloud, rel=1e-12)
    assert u.cell("ue_variable", FY(2025)).result() == pytest.approx(variable, rel=1e-12)
    assert book.tabs["breakeven"].blocks["double"].cell("required_revenue", FY(2025)).result() == \
        u.cell("ue_be_revenue", FY(2025)).result()


def test_capex_and_depreciation_reach_the_cash_flow_statement(book):
    """The owned accelerators' capital expenditure joins capex and their depreciation (inside the compute cost)
    depreciation (it reduces property and equipment on the balance sheet): FY2026 'double' (a full year after the
    1H2025 opening date) as the hand figures plus the scenario's own capex 2, depreciation 0 and non-cash 1
    (test_analysis HAND)."""
    cash = book.tabs["cash"].blocks["double"]
    want = by_hand(DOUBLE)[1]
    assert cash.cell("capex", FY(2026)).result() == pytest.approx(2 + want["accelerator_capex"], rel=1e-12)
    assert cash.cell("depreciation", FY(2026)).result() == pytest.approx(want["accelerator_depreciation"], rel=1e-12)
    assert cash.cell("non_cash", FY(2026)).result() == 1


def test_reference_class_flags_where_the_model_leaves_the_range(book):
    """The rent (10, then 8 in FY2025) sits in 8-12: no flag; FY2024's implied utilisation is above 70%: a flag; a
    figure without a model line is shown, not compared. The count reaches Checks outside the master check."""
    tab = book.tabs["compute_refs"]
    sh = tab.sheet
    flags = {str(sh.cell_at(r, 0).content): sh.cell_at(r, 8) for r in range(8, 11)}
    assert flags["Rent per accelerator-hour"].result() == 0
    util = actual_2024()["c_utilisation"]
    assert flags["Utilisation"].result() == (1 if not 0.5 <= util <= 0.7 else 0)
    assert flags["A figure shown only"] is None
    assert book.names["ReviewFlags"].result() == (1 if not 0.5 <= util <= 0.7 else 0)
    assert book.names["MasterCheck"].result() == 0


def test_the_hand_tornado_shocks_are_comparable(data, book):
    """Cost per accelerator-hour, serving capacity (utilisation, throughput), the owned share and the owned
    fleet's cost each move their line by the tornado step in the last year, as every other driver."""
    from model.workbook.tabs.sensitivity import tornado_drivers
    drivers = [d for d, _ in tornado_drivers(data)]
    for d in ("rent_per_hour", "utilisation", "throughput", "owned_share", "hours_per_gen_growth", "research_growth"):
        assert d in drivers
    assert "unit_cost_change" not in drivers and "serving_fixed_growth" not in drivers and "generations" not in drivers
    assert_comparable_shocks(data, book)


def test_without_the_unit_build_the_compute_files_are_noted_and_not_used(tmp_path):
    """The compute build needs the unit build's tokens: without units.toml the compute files are named as not
    used in the build report (as the unit files are without it), and the growth-rate build is written."""
    from test_analysis import HAND
    folder = write_company(tmp_path / "co", {**HAND, **COMPUTE})
    data = load(folder)
    assert not data.compute and not data.benchmarks
    assert any(n.startswith("compute.csv, compute_operating.csv and reference_class.csv not used") for n in data.notes)
    res = run("build", "--data", folder, "--out", tmp_path / "x.xlsx")
    assert res.returncode == 0 and "compute.csv, compute_operating.csv and reference_class.csv not used" in res.stdout
    assert "Compute References" not in [s.name for s in build_book(data).sheets]


@pytest.mark.parametrize("file,old,new,where", [
    ("compute_operating.csv", "rent_per_hour,FY2024,10,", "rent_per_hour,FY2024,-10,",
     "compute_operating.csv, row 2, column 'value'"),
    ("compute_operating.csv", "throughput,FY2024,100000,", "throughput,FY2024,,",
     "compute_operating.csv, row 3, column 'value': throughput for FY2024 is required"),
    ("compute.csv", "double,utilisation,50%,50%,50%", "double,utilisation,50%,150%,50%",
     "compute.csv, row 4, column 'FY2026'"),
    ("compute.csv", "slow,research_growth,0,0,0,hand,手算\n", "", "compute.csv, column 'driver': scenario 'slow' has no row"),
    ("reference_class.csv", "util,Utilisation,0.5,0.7", "util,Utilisation,0.7,0.5", "reference_class.csv, row 3, column 'low'"),
    ("reference_class.csv", "c_rent,FY2024", "c_rnet,FY2024", "reference_class.csv, row 2, column 'metric'"),
])
def test_bad_compute_data_is_refused_with_file_row_and_column(tmp_path, file, old, new, where):
    assert old in HAND_COMPUTE[file]
    folder = write_company(tmp_path / "bad", {**HAND_COMPUTE, file: HAND_COMPUTE[file].replace(old, new)})
    res = run("build", "--data", folder, "--out", tmp_path / "out.xlsx")
    assert res.returncode == 2 and "Traceback" not in res.stderr and where in res.stderr + res.stdout, res.stderr
    assert not (tmp_path / "out.xlsx").exists()


# --- the shipped data -------------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def shipped():
    return load(ZHIPU_UNITS)


@pytest.fixture(scope="module")
def shipped_book(shipped):
    return build_book(shipped)


def test_the_shipped_build_reproduces_the_reported_costs(shipped_book):
    """FY2024A, FY2025A, 1H2025A and 1H2026A: the serving fleet × hours × blended cost per accelerator-hour is the
    reported cloud cost of revenue (FY2024 3.12414 x 15.5% x (1 − 3.4%); 1H2026 8.252 x (1 − 24.6%)) and the R&D
    fleet's the R&D compute (FY2024 15.53 and 1H2025 11.45 reported; FY2025 and 1H2026 the assumed 71.8% share);
    the 100k cards of the press imply about RMB 1.4 an accelerator-hour against 1H2026's cloud cost."""
    is_ = shipped_book.tabs["income"].lines
    scale = 0.01 * 0.001
    reported = {FY(2024): (3.12414 * 0.155 * (1 - 0.034), 15.53), H1(2025): (1.90877 * 0.152 * (1 + 0.004), 11.45),
                FY(2025): (1.90379 * (1 - 0.189), 31.80443 * 0.718), H1(2026): (9.53859 * 0.865 * (1 - 0.246), 21.31 * 0.718)}
    for p, (cloud, rnd) in reported.items():
        hours, rate = is_.cell("c_hours", p).result(), is_.cell("c_rate", p).result()
        assert is_.cell("c_serving_acc", p).result() * hours * rate * scale == pytest.approx(cloud, rel=2e-3), p
        assert is_.cell("c_rnd_acc", p).result() * hours * rate * scale == pytest.approx(rnd, rel=2e-3), p
    assert is_.cell("c_hours", H1(2026)).result() == 365 * 24 / 2
    assert is_.cell("c_reported_rate", H1(2026)).result() == pytest.approx(
        9.53859 * 0.865 * (1 - 0.246) / (100 * 4380 * scale), rel=2e-3)
    assert 1.3 < is_.cell("c_reported_rate", H1(2026)).result() < 1.5
    # FY2025: 4.4tn tokens a day on the accelerators the cloud cost pays for, at the assumed 40,000 a second
    util = is_.cell("c_utilisation", FY(2025)).result()
    assert util == pytest.approx(is_.cell("c_tokens_per_acc", FY(2025)).result() / 40000)
    assert 0.5 <= util <= 0.7
    checks = shipped_book.sheet("Checks")
    labels = {str(c.content): r for (r, col), c in checks.cells.items() if col == 0}
    assert checks.cell_at(labels["Compute build reproduces reported compute costs"],
                          1).result() == 0
    assert checks.cell_at(labels["Unit build reproduces the reported revenue of Cloud / MaaS"], 1).result() == 0
    assert shipped_book.names["MasterCheck"].result() == 0


def test_the_shipped_claims_answer_with_both_marginal_costs(shipped_book):
    """The short-run marginal cost of a token (power of the owned fleet at full load) is a fraction of a percent of
    the price; the long-run one (capacity following volume) is the serving cost share: FY2025 1 − 18.9%."""
    s = shipped_book.tabs["income"].lines
    assert s.cell("c_lrmc_share", FY(2025)).result() == pytest.approx(1 - 0.189, abs=2e-3)
    assert s.cell("c_srmc_share", FY(2025)).result() < 0.01


def test_the_shipped_claims_follow_the_compute_build(shipped, shipped_book):
    """'API marginal cost < 15%' and 'high fixed, low marginal cost' against both marginal costs: the short run
    meets 15%, the long run (FY2025's serving cost share, 81.1%) does not; fixed costs are most of all costs.
    'Profit released quickly after breakeven': each scenario's incremental margin from its breakeven year (the
    first full year with adjusted net income >= 0) to FY2030, worked out here from its scenario block; bear does
    not break even by FY2030, so cannot be checked. The unit build's API and unit-cost rows
    on u_variable_share / u_unit_cost are retired from claims.csv: the compute build redefines those lines."""
    tab = shipped_book.tabs["claims"]
    status = {k: st.result() for k, (_, _, st) in tab.rows.items()}
    model = {k: m.result() for k, (_, m, _) in tab.rows.items()}
    assert status["API25S"] == status["HFLMS"] == "consistent under assumptions"
    assert status["API25L"] == status["HFLML"] == "differs under assumptions"
    assert model["API25L"] == pytest.approx(1 - 0.189, abs=2e-3)
    assert status["HFLMF"] == "consistent — corroborated" and model["HFLMF"] > 0.8
    for sc in ("base", "bull"):
        b = shipped_book.tabs["scenarios"].blocks[sc]
        year = next(y for y in range(2026, 2031) if b.cell("adjusted_net_income", FY(y)).result() >= 0)
        assert shipped_book.summary[sc][0].result() == year < 2030, sc
        d = lambda key: b.cell(key, FY(2030)).result() - b.cell(key, FY(year)).result()  # noqa: E731
        assert model[f"RELEASE_{sc}"] == pytest.approx(d("adjusted_net_income") / d("revenue"), rel=1e-12)
        assert model[f"RELEASE_{sc}"] >= 0.5 and status[f"RELEASE_{sc}"] == "consistent under assumptions"
    assert all(shipped_book.tabs["scenarios"].blocks["bear"].cell("adjusted_net_income", FY(y)).result() < 0
               for y in range(2026, 2031)) and status["RELEASE_bear"] == "cannot be checked"
    assert {g: tab.verdicts[g].result() for g in ("API", "HFLM", "RELEASE")} == {
        "API": "differs under assumptions", "HFLM": "differs under assumptions", "RELEASE": "consistent under assumptions"}
    # the unit build's API and unit-cost claims on the replaced fixed serving share are retired from the data
    # (API25S/API25L and UNITL test the same statements): nothing left out, nothing noted
    assert "API25U" not in status and "UNITU" not in status and not any("claim API" in n for n in shipped.notes)


def test_the_shipped_reference_class_is_on_its_tab_with_sources(shipped, shipped_book):
    tab = shipped_book.tabs["compute_refs"]
    sh = tab.sheet
    items = [str(sh.cell_at(r, 0).content) for r in range(8, 8 + len(shipped.benchmarks))]
    assert items == [b.item for b in shipped.benchmarks]
    ids = {s["id"] for s in shipped.sources}
    for b in shipped.benchmarks:
        assert b.source and all(x.strip() in ids for x in b.source.split(";")) and b.reliability, b.id
    # the 1H2026 serving fleet the cost pays for is far below the press's 100k cards: flagged for review
    assert shipped_book.names["ReviewFlags"].result() >= 1


def test_the_shipped_serving_cost_per_token_against_managements_fall(shipped, shipped_book):
    """Management's 'inference cost per token -80%' (C12) against the model's average serving cost per million
    tokens, FY2026E on FY2025A, worked out here from the reported FY2025 cloud cost (1.90379 x (1 - 18.9%)) and
    4.4tn tokens a day: the model's cost per token rises, so the row is flagged for review and its note says why."""
    s = shipped_book.tabs["income"].lines
    per_token = lambda cost, tokens_per_day: cost / (tokens_per_day * 365)  # noqa: E731  (units cancel)
    fy2025 = per_token(1.90379 * (1 - 0.189), 4.4)
    fy2026 = per_token(s.cell("c_serving_cost", FY(2026)).result(), s.cell("u_tokens", FY(2026)).result())
    change = s.cell("c_serving_cost_change", FY(2026)).result()
    assert change == pytest.approx(fy2026 / fy2025 - 1, rel=2e-3)
    assert change > 0
    row = next(i for i, b in enumerate(shipped.benchmarks) if b.id == "serving_cost_change")
    assert shipped_book.tabs["compute_refs"].sheet.cell_at(8 + row, 8).result() == 1
    assert "above the range" in shipped.benchmarks[row].note


def test_the_shipped_near_term_in_halves(shipped, shipped_book):
    """FY2026 is 1H2026A + 2H2026E: the hours are 4,380 a half; costs and depreciation are flows (the year the sum
    of its halves), fleets and costs per hour levels (the year their average). 1H2026A shows what its reported
    cost implies: 21tn tokens a day (operating.csv) on the accelerators the cloud cost pays for, worked out here,
    at the assumed 35,000 tokens a second: about 40% utilisation, below 50-70%, flagged. The year's long-run
    marginal cost is the average of its halves (no single target beside an actual half)."""
    s = shipped_book.tabs["income"].lines
    h1, h2, fy = H1(2026), Period(2026, 6, 6), FY(2026)
    at = lambda key, p: s.cell(key, p).result()  # noqa: E731
    assert at("c_hours", h1) == at("c_hours", h2) == 4380 and at("c_hours", fy) == 8760
    for flow in ("c_serving_cost", "c_training_cost", "c_research_cost", "c_compute_cost", "accelerator_depreciation"):
        assert at(flow, fy) == pytest.approx(at(flow, h1) + at(flow, h2), rel=1e-12), flow
    for level in ("c_fleet", "c_serving_acc", "c_rate", "c_throughput"):
        assert at(level, fy) == pytest.approx((at(level, h1) + at(level, h2)) / 2, rel=1e-12), level
    per_acc = 21e12 / 86400 / (at("c_serving_acc", h1) * 1000)
    assert at("c_tokens_per_acc", h1) == pytest.approx(per_acc, rel=1e-9)
    assert at("c_utilisation", h1) == pytest.approx(per_acc / 35000, rel=1e-9) and 0.35 < per_acc / 35000 < 0.45
    row = next(i for i, b in enumerate(shipped.benchmarks) if b.id == "utilisation_implied")
    assert shipped_book.tabs["compute_refs"].sheet.cell_at(8 + row, 8).result() == 1
    assert at("c_lrmc", fy) == pytest.approx((at("c_lrmc", h1) + at("c_lrmc", h2)) / 2, rel=1e-12)
    assert at("c_lrmc_share", fy) == pytest.approx(at("c_lrmc", fy) / at("u_price", fy), rel=1e-12)


# --- through LibreOffice ------------------------------------------------------------------------------------------

LIVE = ["rent_per_hour", "utilisation", "throughput"]
OUTPUTS = ("BreakevenYear", "CumulativeLossToBreakeven", "BreakevenTokensPerDay")


def test_editing_cost_per_hour_utilisation_or_throughput_in_libreoffice_moves_the_outputs(tmp_path):
    """Each of the three edited on Inputs (every forecast year of the base scenario, one job each, recalculated
    by LibreOffice): every formula equals the model rebuilt from the same change in the data (0 mismatches, 0
    errors), MasterCheck 0, and the loss to breakeven or BreakevenTokensPerDay moves; dearer accelerator-hours
    raise the loss, higher utilisation or throughput lower it. The Chinese edition, edited alike, recalculates
    to the same figures."""
    require_engine()
    from model.engine import libreoffice as engine
    from test_engine import assert_engine_matches
    data = load(ZHIPU_UNITS)
    b = build_book(data, "base")
    path, path_zh = tmp_path / "model.xlsx", tmp_path / "model_zh.xlsx"
    write_book(b, path)
    write_book(build_book(data, "base", lang="zh"), path_zh)
    jobs, expected, datasets = [], [], []
    for driver in LIVE:
        changed = copy.deepcopy(data)
        datasets.append(changed)
        new = [None if v is None else v * 1.2 if driver != "utilisation" else min(1.0, v * 1.2)
               for v in data.assumptions[("base", driver)]]   # None: a year shown in halves (no cell of its own)
        changed.assumptions[("base", driver)] = new
        expected.append(build_book(changed, "base"))
        cells = b.names[f"Asm_base_{driver}"].cells()[0]
        jobs.append({"path": path, "edits": [{"target": f"Inputs!{a1(c.row, c.col)}", "value": v}
                                             for c, v in zip(cells, new) if v is not None]})
    # the Chinese edition, the cost per accelerator-hour edited on its 输入 tab: the same figures
    zh_job = dict(jobs[0], path=path_zh, edits=[dict(e, target=e["target"].replace("Inputs!", "输入!")) for e in jobs[0]["edits"]])
    results = engine.recalculate(jobs + [zh_job])
    zh = results.pop()
    assert zh["error"] is None and zh["names"]["MasterCheck"]["v"] == 0
    assert assert_engine_matches(build_book(datasets[0], "base", lang="zh"), zh) > 5000
    before = [b.names[n].result() for n in OUTPUTS]
    for driver, want, result in zip(LIVE, expected, results):
        assert result["error"] is None
        assert assert_engine_matches(want, result) > 5000
        names = result["names"]
        assert names["MasterCheck"]["v"] == 0
        after = [names[n]["v"] for n in OUTPUTS]
        assert after[1] != pytest.approx(before[1]) and after[2] != pytest.approx(before[2]), driver
        assert (after[1] > before[1]) if driver == "rent_per_hour" else (after[1] < before[1]), driver


def test_the_hand_compute_build_in_libreoffice_and_a_planted_value_is_caught(data, book, tmp_path):
    require_engine()
    from model.engine import libreoffice as engine
    from test_engine import assert_engine_matches
    planted = plant_wrong_cache(book, book.tabs["income"].lines.cell("c_utilisation", FY(2024)), tmp_path / "hand.xlsx")
    clean = tmp_path / "clean.xlsx"
    write_book(book, clean)
    runs = engine.recalculate([{"path": clean}, {"path": planted.path}])
    assert assert_engine_matches(book, runs[0]) > 1000
    planted.assert_caught(runs[1])
