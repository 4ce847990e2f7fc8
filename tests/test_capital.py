"""Capital and value: the cash-flow statement, the funding plug, shares and dilution, and the value per
share, on a small company worked out by hand (the numbers in the comments), then through LibreOffice
for it and for the default data; and the loader's refusal of bad capital inputs."""
import pytest

from conftest import plant_wrong_cache, require_engine, run
from model.calc.formula import a1
from model.data.company import load
from model.data.files import DataError
from model.data.periods import Period
from model.engine.verify import cached_values, compare
from model.workbook.build import build_book
from model.workbook.writer import write_book
from test_analysis import HAND, write_company

FY = lambda y: Period(y, 12)  # noqa: E731
YEARS = (2025, 2026, 2027)

# Capco: the hand company of test_analysis (double: revenue 20, 40, 80 and adjusted -15, -5, +15; slow:
# revenue 12, 14.4, 17.28 and adjusted -19, -17.8, -16.36), with its cash at the end of FY2024 (30) and
# capital data: cash earns 10%, plug debt costs 20%, minimum cash 10, the plug on (double: all equity,
# slow: half debt), 100m shares at RMB 2 (RMB 100m = 100 million), plug shares at RMB 1, exit at 5x
# revenue discounted at 10%. Events: a bank loan of 10 at 5% (FY2025, repaid FY2026), a zero-coupon
# convertible bond of 6 converting at RMB 1.5 (FY2025, matures FY2027: 2 >= 1.5, it converts into
# 6 x 100 / 1.5 = 400m shares) and a placing of 4 for 2m shares (FY2026).
FUNDING = """item,period,value,unit
opening_cash,FY2024,30,RMB 100m
min_cash,,10,RMB 100m
plug,,1,
cash_rate,,10%,
debt_rate,,20%,
shares_outstanding,FY2024,100,m shares
share_price,,2,RMB
plug_price,,1,RMB
unit_millions,,100,
exit_multiple,,5,x
discount_rate,,10%,
"""
EVENTS = """id,date,kind,currency,amount,fx_rate,in_opening_cash,conversion_price,maturity,shares,rate,source,note
loan,2025-06-30,bank_loan,RMB,10,1,no,,2026-12-31,,5%,X,
cb,2025-03-01,convertible_bond,RMB,6,1,no,1.5,2027-06-30,,0%,X,
placing,2026-03-01,placing,RMB,4,1,no,,,2,,X,
"""


def capco_files(**changes):
    actuals = "\n".join(line for line in HAND["actuals.csv"].splitlines() if "1H2025" not in line) + "\n"
    assumptions = HAND["assumptions.csv"].replace(",capex,2,2,2", ",capex,1,1,1").replace(
        ",working_capital,1,1,1", ",working_capital,0,0,0")
    assumptions += "".join(f"{sc},{d},{v},{v},{v}\n" for sc, debt in (("double", "0"), ("slow", "50%"))
                           for d, v in (("capex_pct", "10%"), ("receivable_days", "36.5"), ("plug_debt", debt)))
    files = dict(HAND, **{"actuals.csv": actuals, "assumptions.csv": assumptions, "funding.csv": FUNDING,
                          "events.csv": EVENTS})
    files["company.toml"] = files["company.toml"].replace('as_of = "2026-01-31"', 'as_of = "2025-01-31"')
    files.update(changes)
    return files


@pytest.fixture(scope="module")
def capco(tmp_path_factory):
    return load(write_company(tmp_path_factory.mktemp("capco") / "capco", capco_files()))


@pytest.fixture(scope="module")
def capco_book(capco):
    return build_book(capco, "slow")


def values(book, sc, key):
    block = book.tabs["cash"].blocks[sc]
    return [block.cell(key, FY(y)).result() for y in YEARS]


def test_cash_flow_statement_by_hand(capco_book):
    b = capco_book
    # receivables = revenue x 36.5 / 365 = 10% of revenue; at the opening date FY2024's 10 -> 1
    assert b.tabs["cash"].blocks["double"].cell("receivables", FY(2024)).result() == pytest.approx(1)
    assert values(b, "double", "receivables_change") == pytest.approx([1, 2, 4])
    # operating: adjusted + non-cash 1 - receivables: -15 + 1 - 1, -5 + 1 - 2, 15 + 1 - 4
    assert values(b, "double", "operating_cash_flow") == pytest.approx([-15, -6, 12])
    # capex: 10% of revenue + 1
    assert values(b, "double", "capex") == pytest.approx([3, 5, 9])
    assert values(b, "double", "equity_raised") == pytest.approx([0, 4, 0])
    assert values(b, "double", "debt_raised") == pytest.approx([16, 0, 0])
    # the loan is repaid in FY2026; the bond converts in FY2027 (no cash)
    assert values(b, "double", "debt_repaid") == pytest.approx([0, 10, 0])
    assert values(b, "double", "converted") == pytest.approx([0, 0, 6])
    # interest on the opening balances: cash 30, 31, 16.6 at 10%; the loan's 10 x 5% in FY2026 only
    assert values(b, "double", "interest_income") == pytest.approx([3, 3.1, 1.66])
    assert values(b, "double", "interest_expense") == pytest.approx([0, 0.5, 0])
    # 30 - 18 + 16 + 3 = 31; 31 - 11 + 4 - 10 + 3.1 - 0.5 = 16.6; 16.6 + 3 + 1.66 = 21.26: no plug
    assert values(b, "double", "opening_cash") == pytest.approx([30, 31, 16.6])
    assert values(b, "double", "closing_cash") == pytest.approx([31, 16.6, 21.26])
    assert values(b, "double", "plug") == pytest.approx([0, 0, 0])


def test_funding_plug_by_hand(capco_book):
    b = capco_book
    # slow: 30 - 20.4 + 16 + 3 = 28.6; 28.6 - 19.48 + 4 - 10 + 2.86 - 0.5 = 5.48 < 10: plug 4.52 (half debt);
    # FY2027: 10 - 18.376 + 1.0 - 2.26 x 20% = -7.828: plug 17.828
    assert values(b, "slow", "cash_before_plug") == pytest.approx([28.6, 5.48, -7.828])
    assert values(b, "slow", "plug") == pytest.approx([0, 4.52, 17.828])
    assert values(b, "slow", "plug_debt") == pytest.approx([0, 2.26, 8.914])
    assert values(b, "slow", "interest_expense") == pytest.approx([0, 0.5, 0.452])
    assert values(b, "slow", "closing_cash") == pytest.approx([28.6, 10, 10])
    lowest, _, run_out, need, _, _, plug_year, plug_total = (c.result() for c in b.cash_summary["slow"])
    assert (lowest, run_out, need, plug_year, plug_total) == (pytest.approx(10), 2026, pytest.approx(22.348), 2026,
                                                              pytest.approx(22.348))
    assert b.cash_summary["double"][3].result() == 0 and b.cash_summary["double"][6].result() == "none"
    assert b.names["FundingNeed"].result() == pytest.approx(22.348)   # slow is selected


def test_shares_dilution_and_value_by_hand(capco_book):
    b = capco_book
    # double: 100; + the placing's 2; + the bond's 400. slow also issues plug shares at RMB 1:
    # 2.26 x 100 / 1 = 226m in FY2026, 8.914 x 100 = 891.4m in FY2027
    assert values(b, "double", "shares") == pytest.approx([100, 102, 502])
    assert values(b, "slow", "shares") == pytest.approx([100, 328, 1619.4])
    assert b.names["SharesOutstanding"].result() == pytest.approx(1619.4)
    # market cap: 100m shares today (as of January 2025, before the events) x RMB 2 = RMB 200m = 2
    assert b.names["MarketCap"].result() == pytest.approx(2)
    tab = b.tabs["cash"]
    # enterprise value 2 + 0 - 30 = -28; EV / revenue FY2025 (double 20)
    shares_last, dilution, ev_sales, per_share, upside = (c.result() for c in tab.value_summary["double"])
    assert (shares_last, dilution, ev_sales) == (pytest.approx(502), pytest.approx(1 - 100 / 502), pytest.approx(-1.4))
    # (5 x 80 + 21.26 - 0 debt) x 100 / 502 shares, discounted three years at 10%
    assert per_share == pytest.approx((5 * 80 + 21.26) * 100 / 502 / 1.1 ** 3)
    assert upside == pytest.approx(per_share / 2 - 1)
    # slow: 5 x 17.28 + 10 - 11.174 debt (plug debt 2.26 + 8.914)
    assert tab.value_summary["slow"][3].result() == pytest.approx((5 * 17.28 + 10 - 11.174) * 100 / 1619.4 / 1.1 ** 3)


def test_balance_ties_by_hand(capco_book):
    """Without balance.csv: equity at the opening date is cash less the debt owed (30); receivables, property
    and other assets show their change since then."""
    b = capco_book
    # slow FY2027: cash 10 + receivables 1.728 - 1 (the opening estimate) + capex 2.2 + 2.44 + 2.728 (no
    # depreciation) - other non-cash 3 = 15.096 = plug debt 2.26 + 8.914 + equity 30 - 53.16 + 5.908 (interest
    # 2.86 + 2.8 + 1.0 - 0.5 - 0.452) + 4 + 2.26 + 8.914 + 6
    assert values(b, "slow", "bs_assets")[-1] == pytest.approx(15.096)
    assert values(b, "slow", "bs_liabilities")[-1] == pytest.approx(11.174)
    assert values(b, "slow", "bs_equity")[-1] == pytest.approx(3.922)
    assert values(b, "slow", "bs_total_le")[-1] == pytest.approx(15.096)
    assert b.tabs["cash"].blocks["slow"].cell("bs_equity", FY(2024)).result() == pytest.approx(30)
    for sc in ("double", "slow"):
        assert values(b, sc, "bs_gap") == pytest.approx([0, 0, 0], abs=1e-9)
    assert b.names["MasterCheck"].result() == 0


BALANCE = """item,period,value,rate,repaid,unit,source,grade,note
short_term_investments,FY2024,5,10%,,RMB 100m,X,B,
receivables,FY2024,2,,,RMB 100m,X,B,
ppe,FY2024,8,,,RMB 100m,X,B,
bank_loans,FY2024,12,5%,25%,RMB 100m,X,B,
lease_liabilities,FY2024,4,10%,50%,RMB 100m,X,B,
equity,FY2024,40,,,RMB 100m,X,A,
"""


@pytest.fixture(scope="module")
def balanced(tmp_path_factory):
    """Capco with its opening balance sheet (balance.csv): short-term investments 5 at 10%, receivables 2,
    property 8, bank loans 12 at 5% (a quarter repaid a year), leases 4 at 10% (half a year), reported
    equity 40; other assets and liabilities not disclosed."""
    return build_book(load(write_company(tmp_path_factory.mktemp("balanced") / "capco", capco_files(
        **{"balance.csv": BALANCE}))), "double")


def test_opening_balance_sheet_by_hand(balanced):
    cb = balanced.tabs["cash"].blocks["double"]
    at = lambda key: cb.cell(key, FY(2024)).result()  # noqa: E731
    # undisclosed: equity 40 + loans 12 + leases 4 - (cash 30 + investments 5 + receivables 2 + property 8) = 11
    assert at("bs_undisclosed") == pytest.approx(11)
    assert (at("bs_assets"), at("bs_liabilities"), at("bs_equity")) == (pytest.approx(56), pytest.approx(16), 40)
    assert at("bs_other_assets") == "n/a" and at("bs_other_liabilities") == "n/a"
    # net debt includes the loans and the leases: 12 + 4 - 30 - 5
    assert at("bs_net_debt") == pytest.approx(-19)


def test_balance_sheet_carried_by_the_cash_flow_by_hand(balanced):
    b = balanced
    expected = {
        # receivables 2, 4, 8 against the disclosed 2: increases 0, 2, 4; operating -15 + 1, -5 + 1 - 2, 15 + 1 - 4
        "operating_cash_flow": [-14, -6, 12],
        # a quarter of the loans (3) a year; half the leases (2) a year until none is owed
        "loans_repaid": [3, 3, 3], "leases_repaid": [2, 2, 0],
        # interest on the opening balances: cash 30, 26.5, 10 and investments 5 at 10%; loans 12, 9, 6 at 5%,
        # leases 4, 2, 0 at 10%, the event loan's 10 at 5% in FY2026
        "interest_income": [3.5, 3.15, 1.5], "interest_expense": [1.0, 1.15, 0.3],
        # 30 - 17 + 16 - 3 - 2 + 3.5 - 1 = 26.5; 26.5 - 11 + 4 - 10 - 3 - 2 + 3.15 - 1.15 = 6.5: plug 3.5 (equity)
        "cash_before_plug": [26.5, 6.5, 11.2], "plug": [0, 3.5, 0],
        # cash + investments 5 + receivables + property 8 + capex to date (3, 8, 17) - other non-cash to date + 11:
        # 26.5 + 5 + 2 + 11 - 1 + 11, 10 + 5 + 4 + 16 - 2 + 11, 11.2 + 5 + 8 + 25 - 3 + 11
        "bs_assets": [54.5, 44, 57.2],
        # loans 9, 6, 3 + leases 2, 0, 0 + the event loan (to FY2026) and the bond (to its conversion in FY2027)
        "bs_liabilities": [9 + 2 + 16, 6 + 6, 3],
    }
    for key, figures in expected.items():
        assert values(b, "double", key) == pytest.approx(figures), key
    assert values(b, "double", "bs_equity")[-1] == pytest.approx(54.2)
    assert values(b, "double", "bs_total_le") == pytest.approx(values(b, "double", "bs_assets"))
    assert values(b, "double", "bs_net_debt")[-1] == pytest.approx(3 - 11.2 - 5)
    assert b.names["MasterCheck"].result() == 0


def test_a_balance_that_does_not_tie_fails_the_checks(capco, monkeypatch):
    """The balance check can fail: leave the debt raised out of the cash flow and the Checks tab says so."""
    import model.workbook.tabs.cash as cash_tab
    from model.calc.formula import lift
    original = cash_tab.cash_lines

    def without_debt(*a, **k):
        out = original(*a, **k)
        next(ln for ln in out if ln.key == "debt_raised").forecast = lambda x, p: lift(0)
        return out
    monkeypatch.setattr(cash_tab, "cash_lines", without_debt)
    b = build_book(capco, "slow")
    # cash is 16 short of the debt the events' terms say is owed
    assert values(b, "double", "bs_gap")[0] == values(b, "double", "bs_check")[0] == pytest.approx(-16)
    assert b.names["MasterCheck"].result() > 0


def test_an_opening_balance_that_does_not_tie_fails_the_checks(tmp_path):
    """The derived line one short of what the reported equity holds: the Checks tab fails the opening column
    (right of the forecast when the opening date is an interim's; here the last actual year) and every
    period after it."""
    from test_analysis import reevaluate
    b = build_book(load(write_company(tmp_path / "capco", capco_files(**{"balance.csv": BALANCE}))), "double")
    block = b.tabs["cash"].blocks["double"]
    undisclosed = block.cell("bs_undisclosed", FY(2024))
    undisclosed.content = undisclosed.content - 1
    reevaluate(b)
    assert [block.cell("bs_check", FY(y)).result() for y in (2024, *YEARS)] == pytest.approx([-1, -1, -1, -1])
    assert b.names["MasterCheck"].result() == 4     # four periods of double's balance row; nothing else


def test_a_company_without_capital_data_keeps_its_cash_bridge(tmp_path):
    """No plug, rates or shares: cash may go below the minimum, the funding need is the shortfall, and
    no shares or value are shown (test_analysis holds its numbers)."""
    b = build_book(load(write_company(tmp_path / "hand", HAND)))
    assert "SharesOutstanding" not in b.names and "MarketCap" not in b.names
    assert b.cash_summary["slow"][0].result() < 0
    assert values(b, "slow", "plug") == [0, 0, 0]


@pytest.fixture(scope="module")
def engine_results(capco, capco_book, balanced, zhipu, tmp_path_factory):
    """LibreOffice's recalculation of Capco (slow selected), Capco with its opening balance sheet, every Zhipu
    scenario, and a Capco workbook with one wrong cached value, in one engine run."""
    require_engine()
    from model.engine import libreoffice as engine
    folder = tmp_path_factory.mktemp("capital")
    books = {"capco": capco_book, "balanced": balanced, **{sc: build_book(zhipu, sc) for sc in zhipu.scenarios}}
    paths = {}
    for name, b in books.items():
        paths[name] = folder / f"{name}.xlsx"
        write_book(b, paths[name])
    planted = plant_wrong_cache(capco_book, capco_book.tabs["cash"].blocks["slow"].cell("plug", FY(2027)),
                                folder / "tampered.xlsx")
    paths["tampered"] = planted.path
    results = engine.recalculate([{"path": p} for p in paths.values()])
    return books, paths, dict(zip(paths, results)), planted


def test_capital_names_in_libreoffice(engine_results, zhipu):
    books, paths, results, _ = engine_results
    for name in ["capco", "balanced", *zhipu.scenarios]:
        res = results[name]
        assert res["error"] is None
        rep = compare(cached_values(paths[name]), res)
        assert rep.mismatches == [] and rep.errors == [] and rep.master == 0, name
        names = {k: v["v"] for k, v in res["names"].items()}
        for key in ("SharesOutstanding", "MarketCap"):
            assert isinstance(names[key], float) and names[key] > 0, (name, key)
        # cash stays above 0 in every Zhipu scenario after the 2026 raises: no funding needed
        assert isinstance(names["FundingNeed"], float) and names["FundingNeed"] >= 0, name
    names = {k: v["v"] for k, v in results["capco"]["names"].items()}
    assert names["FundingNeed"] == pytest.approx(22.348)
    assert names["SharesOutstanding"] == pytest.approx(1619.4)
    assert names["MarketCap"] == pytest.approx(2)
    assert {k: v["v"] for k, v in results["base"]["names"].items()}["SharesOutstanding"] == pytest.approx(487.58809)


def test_closing_cash_never_below_the_minimum_with_the_plug(engine_results, zhipu):
    books, _, results, _ = engine_results
    for name, b in books.items():
        data_scs = b.tabs["cash"].blocks
        cells = results[name]["cells"][b.tabs["cash"].sheet.name]
        floor = cells[a1(b.tabs["cash"].scalars["min_cash"].row, b.tabs["cash"].scalars["min_cash"].col)]["v"]
        for sc, block in data_scs.items():
            for p in [b.tabs["cash"].spec.opening] + block.tl.forecast:   # the opening balance sheet too
                c = block.cell("closing_cash", p)
                assert cells[a1(c.row, c.col)]["v"] >= floor - 1e-9, (name, sc, p)
                check = block.cell("bs_gap", p)
                assert abs(cells[a1(check.row, check.col)]["v"]) < 1e-9, (name, sc, p)
                assets, total = (cells[a1(c.row, c.col)]["v"] for c in (block.cell("bs_assets", p),
                                                                        block.cell("bs_total_le", p)))
                assert assets == pytest.approx(total, rel=1e-12), (name, sc, p)


def test_the_cash_chart_plots_closing_cash_and_the_minimum_from_its_charted_figures(engine_results):
    """Capco's cash chart after LibreOffice recalculates: each scenario's closing cash (by hand, as in
    the cash-flow tests) and the minimum cash of funding.csv (10) as a flat line in every forecast year,
    all read from the charted figures at the tab's foot, the tab's only chart data."""
    books, _, results, _ = engine_results
    b = books["capco"]
    sh = b.tabs["cash"].sheet
    cells = results["capco"]["cells"][sh.name]
    chart, = sh.charts
    plotted = {}
    for s in chart.series[1:]:                       # after the blank series (chartdata.py)
        assert s.values.first.row > sh.chart_data_top and s.values.first.row == s.values.last.row
        row = [cells[a1(s.values.first.row, c)]["v"] for c in range(s.values.first.col, s.values.last.col + 1)]
        plotted[s.name if isinstance(s.name, str) else s.name.content] = row
    assert plotted == {"Closing cash — double": pytest.approx([31, 16.6, 21.26]),
                       "Closing cash — slow": pytest.approx([28.6, 10, 10]),
                       "Minimum cash balance": pytest.approx([10, 10, 10])}
    assert sum(c.content == "Chart data" for c in sh.cells.values()) == 0   # one chart-data section


def test_a_wrong_cached_plug_is_caught(engine_results):
    _, _, results, planted = engine_results
    planted.assert_caught(results["tampered"])


@pytest.mark.parametrize("file, old, new, row, column, message", [
    ("funding.csv", "cash_rate,,10%,", "cash_rate,,150%,", 5, "value", "not allowed here"),
    ("funding.csv", "plug,,1,", "plug,,2,", 4, "value", "not allowed here"),
    ("funding.csv", "share_price,,2,RMB", "share_price,,0,RMB", 8, "value", "not allowed here"),
    ("funding.csv", "exit_multiple,,5,x\n", "", None, "item", "missing: exit_multiple"),
    ("funding.csv", "shares_outstanding,FY2024,", "shares_outstanding,1H2024,", None, "period", "opening cash date"),
    ("events.csv", ",1.5,2027-06-30,,0%,X,", ",1.5,2027-06-30,5,0%,X,", 3, "shares", "shares apply to an equity"),
    ("events.csv", "placing,RMB,4,1,no,,,2,,X,", "placing,RMB,4,1,no,,,2,5%,X,", 4, "rate", "applies to debt"),
    ("events.csv", ",2026-12-31,,5%,X,", ",2026-12-31,,-5%,X,", 2, "rate", "not allowed here"),
    ("assumptions.csv", "double,receivable_days,36.5", "double,receivable_days,400", None, "FY2025",
     "not allowed here"),
    ("assumptions.csv", "slow,plug_debt,50%", "slow,plug_debt,150%", None, "FY2025", "not allowed here"),
    ("balance.csv", "bank_loans,FY2024,12,", "bank_loans,FY2024,-12,", 5, "value", "not allowed here"),
    ("balance.csv", "equity,FY2024,40,", "equity,FY2024,,", 7, "value", "equity is required"),
    ("balance.csv", "receivables,FY2024,2,,", "receivables,FY2024,2,5%,", 3, "rate", "takes no rate"),
    ("balance.csv", "ppe,FY2024,8,", "ppe,1H2024,8,", 4, "period", "opening cash date"),
    ("balance.csv", "lease_liabilities,FY2024,4,10%,50%", "lease_liabilities,FY2024,4,10%,150%", 6, "repaid",
     "not allowed here"),
    ("balance.csv", ",RMB 100m,X,A,", ",RMB 100m,X,AA,", 7, "grade", "expected one of"),
    ("balance.csv", "short_term_investments,", "short_term_investment,", 2, "item", "did you mean"),
])
def test_bad_capital_inputs_exit_2_naming_file_row_column(tmp_path, file, old, new, row, column, message):
    files = capco_files(**{"balance.csv": BALANCE})
    assert old in files[file]
    files[file] = files[file].replace(old, new)
    folder = write_company(tmp_path / "bad", files)
    with pytest.raises(DataError) as err:
        load(folder)
    text = str(err.value)
    assert file in text and message in text and column in text, text
    if row is not None:
        assert f"row {row}" in text, text
    out = tmp_path / "out.xlsx"
    res = run("build", "--data", folder, "--out", out)
    assert res.returncode == 2 and "Traceback" not in res.stderr and not out.exists()
    assert file in res.stderr + res.stdout

