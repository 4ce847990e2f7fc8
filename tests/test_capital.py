"""Capital and value: the cash-flow statement, the balance sheet, the funding plug, shares and dilution, and
the DCF value per share, on a small company worked out by hand (the numbers in the comments), then through
LibreOffice for it and for the default data; and the loader's refusal of bad capital inputs."""
import pytest

from conftest import line, plant_wrong_cache, require_engine, run
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
# slow: half debt), 100m shares quoted at RMB 2 (RMB 100m = 100 million), plug shares at RMB 1, share-based
# pay of 0.5m (double) and 1m (slow) shares a year. Events: a bank loan of 10 at 5% (FY2025, repaid
# FY2026), a zero-coupon convertible bond of 6 convertible at RMB 100 (FY2025, matures FY2027: 6m shares),
# a placing of 4 for 2m shares (FY2026) and a share issue in FY2027 of 10% of the enlarged capital at RMB 50,
# at most 12: 10% / 90% x (100 + 2) = 11.333m shares, 11.333 x 50 / 100 = 5.667 of cash. Valuation: a DCF at
# 10%, mid-period, an exit at 5x the last year's revenue, tax at 20%; weights double 60%, slow 40%.
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
"""
EVENTS = """id,date,kind,currency,amount,fx_rate,in_opening_cash,conversion_price,maturity,shares,rate,price,stake,source,note
loan,2025-06-30,bank_loan,RMB,10,1,no,,2026-12-31,,5%,,,X,
cb,2025-03-01,convertible_bond,RMB,6,1,no,100,2027-06-30,,0%,,,X,
placing,2026-03-01,placing,RMB,4,1,no,,,2,,,,X,
ashare,2027-03-01,share_issue,RMB,12,1,no,,,,,50,10%,X,
"""
VALUATION = """item,scenario,value,date,unit,source,grade,note
discount_rate,,10%,,%,X,assumption,
terminal_method,,1,,,X,assumption,
exit_multiple,,5,,x,X,assumption,
terminal_growth,,2%,,%,X,assumption,
mid_period,,50%,,%,X,,
tax_rate,,20%,,%,X,assumption,
peer_ev_sales,,3,2025-01-15,x,X,D,
weight,double,60%,,%,X,assumption,
weight,slow,40%,,%,X,assumption,
"""


def capco_files(**changes):
    actuals = "\n".join(line for line in HAND["actuals.csv"].splitlines() if "1H2025" not in line) + "\n"
    assumptions = HAND["assumptions.csv"].replace(",capex,2,2,2", ",capex,1,1,1").replace(
        ",working_capital,1,1,1", ",working_capital,0,0,0")
    assumptions += "".join(f"{sc},{d},{v},{v},{v}\n" for sc, debt, sbc in (("double", "0", "0.5"), ("slow", "50%", "1"))
                           for d, v in (("capex_pct", "10%"), ("receivable_days", "36.5"), ("plug_debt", debt),
                                        ("sbc_shares", sbc)))
    files = dict(HAND, **{"actuals.csv": actuals, "assumptions.csv": assumptions, "funding.csv": FUNDING,
                          "events.csv": EVENTS, "valuation.csv": VALUATION})
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
    # operating: adjusted net income + non-cash 1 - receivables. Adjusted net income is the result before finance
    # (-15, -5, 15) + the interest below (3, 3.1 - 0.5, 1.66) - tax: 20% of FY2027's 16.66 after the losses
    # since the opening date (12 + 2.4): 20% x 2.26 = 0.452
    tax = 0.2 * (15 + 1.66 - (12 + 2.4))
    assert values(b, "double", "tax") == pytest.approx([0, 0, tax])
    assert values(b, "double", "operating_cash_flow") == pytest.approx([-15 + 1 - 1 + 3, -5 + 1 - 2 + 2.6,
                                                                        15 + 1 - 4 + 1.66 - tax])
    # capex: 10% of revenue + 1
    assert values(b, "double", "capex") == pytest.approx([3, 5, 9])
    # the placing in FY2026, the share issue's 5.667 in FY2027
    assert values(b, "double", "equity_raised") == pytest.approx([0, 4, 17 / 3])
    assert values(b, "double", "debt_raised") == pytest.approx([16, 0, 0])
    # the loan is repaid in FY2026; double's DCF converts the bond in FY2027 (no cash; test_dcf_by_hand)
    assert values(b, "double", "debt_repaid") == pytest.approx([0, 10, 0])
    assert values(b, "double", "converted") == pytest.approx([0, 0, 6])
    # interest on the opening balances: cash 30, 31, 16.6 at 10%; the loan's 10 x 5% in FY2026 only
    assert values(b, "double", "interest_income") == pytest.approx([3, 3.1, 1.66])
    assert values(b, "double", "interest_expense") == pytest.approx([0, 0.5, 0])
    # 30 - 18 + 16 + 3 = 31; 31 - 11 + 4 - 10 + 3.1 - 0.5 = 16.6; 16.6 + 3 + 5.667 + 1.66 - 0.452: no plug
    assert values(b, "double", "opening_cash") == pytest.approx([30, 31, 16.6])
    assert values(b, "double", "closing_cash") == pytest.approx([31, 16.6, 16.6 + 3 + 17 / 3 + 1.66 - tax])
    assert values(b, "double", "plug") == pytest.approx([0, 0, 0])


def test_finance_and_tax_on_the_income_statement_by_hand(capco_book):
    """Adjusted net income is after finance income, finance cost and tax, each the scenario's own (its cash,
    its debt, its losses): the Income Statement shows slow's (selected), the Scenarios tab each scenario's."""
    b = capco_book
    row = lambda label: [line(b, "Income Statement", label, f"FY{y}") for y in YEARS]  # noqa: E731
    # slow: interest on its opening cash 30, 28.6, 10 at 10%; the loan's 10 x 5% in FY2026, its plug debt 2.26 x
    # 20% in FY2027; no tax (a loss every year)
    assert row("Finance income") == pytest.approx([3, 2.86, 1.0])
    assert row("Less: finance cost") == pytest.approx([0, 0.5, 0.452])
    assert row("Less: income tax") == pytest.approx([0, 0, 0])
    before = row("Adjusted result before finance and tax")
    assert row("Adjusted net income (loss)") == pytest.approx([a + i - c for a, i, c in zip(before, [3, 2.86, 1.0],
                                                                                           [0, 0.5, 0.452])])
    # double: 20% tax in FY2027 on 15 + 1.66 after its losses since the opening date (12 + 2.4)
    sb = b.tabs["scenarios"].blocks["double"]
    assert [sb.cell("tax", FY(y)).result() for y in YEARS] == pytest.approx([0, 0, 0.2 * (16.66 - 14.4)])
    assert sb.cell("adjusted_net_income", FY(2027)).result() == pytest.approx(15 + 1.66 - 0.2 * 2.26)


def test_funding_plug_by_hand(capco_book):
    b = capco_book
    # slow: 30 - 20.4 + 16 + 3 = 28.6; 28.6 - 19.48 + 4 - 10 + 2.86 - 0.5 = 5.48 < 10: plug 4.52 (half debt);
    # FY2027: 10 - 18.376 + 5.667 - 6 (slow's DCF does not convert the bond: repaid) + 1.0 - 2.26 x 20% = -8.161:
    # plug 18.161
    fy27 = 10 - 18.376 + 17 / 3 - 6 + 1.0 - 0.452
    assert values(b, "slow", "cash_before_plug") == pytest.approx([28.6, 5.48, fy27])
    assert values(b, "slow", "debt_repaid") == pytest.approx([0, 10, 6])
    assert values(b, "slow", "plug") == pytest.approx([0, 4.52, 10 - fy27])
    assert values(b, "slow", "plug_debt") == pytest.approx([0, 2.26, (10 - fy27) / 2])
    assert values(b, "slow", "interest_expense") == pytest.approx([0, 0.5, 0.452])
    assert values(b, "slow", "closing_cash") == pytest.approx([28.6, 10, 10])
    lowest, _, run_out, need, _, _, plug_year, plug_total = (c.result() for c in b.cash_summary["slow"])
    assert (lowest, run_out, need, plug_year, plug_total) == (pytest.approx(10), 2026, pytest.approx(4.52 + 10 - fy27),
                                                              2026, pytest.approx(4.52 + 10 - fy27))
    assert b.cash_summary["double"][3].result() == 0 and b.cash_summary["double"][6].result() == "none"
    assert b.names["FundingNeed"].result() == pytest.approx(4.52 + 10 - fy27)   # slow is selected


def test_shares_and_dilution_by_hand(capco_book):
    b = capco_book
    fy27_plug = 10 - (10 - 18.376 + 17 / 3 - 6 + 1.0 - 0.452)
    issue = 0.1 / 0.9 * (100 + 2)          # the share issue: 10% of the enlarged capital, below the 12 / 50 cap
    # double: 100 + 0.5 a year of share-based pay; + the placing's 2; + the issue and the bond's 6m (converted)
    assert values(b, "double", "shares") == pytest.approx([100.5, 103, 103.5 + issue + 6])
    # before FY2027 the bond is still owed and double converts it: diluted = outstanding + 6
    assert values(b, "double", "diluted_shares") == pytest.approx([106.5, 109, 109.5 + issue])
    # slow: + 1 a year, the plug's equity at RMB 1 (2.26 x 100 / 1 = 226m; then half of 18.161), no conversion
    assert values(b, "slow", "shares") == pytest.approx([101, 330, 331 + issue + fy27_plug / 2 * 100])
    assert values(b, "slow", "diluted_shares") == values(b, "slow", "shares")
    assert b.names["SharesOutstanding"].result() == pytest.approx(331 + issue + fy27_plug / 2 * 100)
    assert b.names["DilutedShares"].result() == b.names["SharesOutstanding"].result()   # slow: nothing left to convert
    # dilution of a holder today (100m shares at the as-of date, before the events)
    today, last, diluted, dilution = (c.result() for c in b.tabs["cash"].share_summary["double"])
    assert (today, last, diluted) == (100, pytest.approx(109.5 + issue), pytest.approx(109.5 + issue))
    assert dilution == pytest.approx(1 - 100 / (109.5 + issue))
    # market capitalisation: 100m shares today (as of January 2025, before the events) x RMB 2 = RMB 200m = 2
    assert b.names["MarketCap"].result() == pytest.approx(2)


def test_dcf_by_hand(capco_book):
    """Unlevered free cash flow = adjusted result (no adjustments) - tax + non-cash - receivables - capex,
    discounted at 10% from the middle of each year; the terminal value 5x the last year's revenue from its end.
    The bond converts where the value per share with it as debt reaches RMB 100: double, not slow."""
    b = capco_book
    tab = b.tabs["valuation"]
    for sc, flows, revenue in (("double", [-18, -11, 3], 80), ("slow", [-20.4, -19.48, -18.376], 17.28)):
        # tax: the losses since the opening date cover double's FY2027 profit of 15 (pool 15, 20, then 5)
        assert values(b, sc, "dcf_tax") == pytest.approx([0, 0, 0])
        assert values(b, sc, "dcf_ufcf") == pytest.approx(flows)
        assert values(b, sc, "dcf_time") == pytest.approx([0.5, 1.5, 2.5])
        ev = sum(f / 1.1 ** t for f, t in zip(flows, (0.5, 1.5, 2.5))) + 5 * revenue / 1.1 ** 3
        block = b.tabs["cash"].blocks[sc]
        assert block.cell("dcf_ev", FY(2027)).result() == pytest.approx(ev)
        # + net cash today (30: the events come after the as-of date) = equity with the bond as debt, per 100m shares
        assert block.cell("dcf_value_before", FY(2027)).result() == pytest.approx((ev + 30) * 100 / 100)
        converts = block.cell("dcf_converts_cb", FY(2027)).result()
        assert converts == (1 if sc == "double" else 0)
        equity, shares = ev + 30 + 6 * converts, 100 + 6 * converts
        assert tab.value_of(sc).result() == pytest.approx(equity * 100 / shares)
    assert values(b, "double", "dcf_losses") == pytest.approx([15, 20, 5])
    double, slow = (tab.value_of(sc).result() for sc in ("double", "slow"))
    assert (double, slow) == (pytest.approx(294.5216, rel=1e-6), pytest.approx(44.0980, rel=1e-6))
    assert b.names["ValuePerShareDCF"].result() == pytest.approx(slow)          # slow is selected
    assert b.names["EquityValueDCF"].result() == pytest.approx(slow)            # 100m shares x 100 / 100
    assert b.names["ValuePerShareWeighted"].result() == pytest.approx(0.6 * double + 0.4 * slow)
    assert (tab.ValueLow.result(), tab.ValueHigh.result()) == (pytest.approx(slow), pytest.approx(double))
    # the grid's centre (exit multiple 5x, 10%) is the selected scenario; one step up in the rate lowers it
    grid = tab.grid["multiple"]
    assert grid[2][2].result() == pytest.approx(slow)
    flows = [-20.4, -19.48, -18.376]
    at = lambda r, m: (sum(f / (1 + r) ** t for f, t in zip(flows, (0.5, 1.5, 2.5))) + m * 17.28 / (1 + r) ** 3 + 30)  # noqa: E731
    assert grid[3][2].result() == pytest.approx(at(0.11, 5)) and grid[2][4].result() == pytest.approx(at(0.10, 9))
    # perpetual growth at 2%: slow's negative last flow gives a negative terminal value
    assert tab.grid["growth"][2][2].result() == pytest.approx(at(0.10, 0) - 18.376 * 1.02 / 0.08 / 1.1 ** 3)
    assert b.names["MasterCheck"].result() == 0


def test_peer_multiples_come_from_the_peers_tab_once_the_company_names_peers(tmp_path):
    """Capco naming a peer (a copy of itself beside it): the Valuation tab's peers' EV / revenue and EV / ARR
    are the Peers tab's, and valuation.csv's own peer multiple is noted as not used."""
    market = "id,broker,date,metric,period,value,source,grade,note\nnext,A broker,2025-01-15,revenue,FY2025,6,X,C,\n"
    write_company(tmp_path / "peerco", capco_files(**{"market.csv": market}))
    toml = capco_files()["company.toml"] + '\n[peers.peerco]\nfx_rate = 1\nscale = 1\nsource = "X"\n'
    data = load(write_company(tmp_path / "capco", capco_files(**{"company.toml": toml})))
    assert any("peer_ev_sales not used" in n for n in data.notes)
    b = build_book(data, "slow")
    tab, peers = b.tabs["valuation"], b.tabs["peers"]
    peer = next(c for c in peers.companies if not c.own)
    ev_sales = peers.cells[(peer.key, "ev_sales_next", "today")]   # forward: over the market's estimate of FY2025
    used = next(c for (r, col), c in tab.sheet.cells.items() if col == 2 and r == next(
        r for (r, col), c in tab.sheet.cells.items() if col == 0 and c.content == "Peers' EV / revenue (first forecast year)"))
    assert isinstance(ev_sales.result(), float) and used.result() == pytest.approx(ev_sales.result())
    assert b.names["MasterCheck"].result() == 0


def test_balance_ties_by_hand(capco_book):
    """Without balance.csv: equity at the opening date is cash less the debt owed (30); receivables, property
    and other assets show their change since then."""
    b = capco_book
    plug = 10 - (10 - 18.376 + 17 / 3 - 6 + 1.0 - 0.452)
    # slow FY2027: cash 10 + receivables 1.728 - 1 (the opening estimate) + capex 2.2 + 2.44 + 2.728 (no
    # depreciation) = 18.096 = plug debt 2.26 + plug / 2 + other non-cash 3 (costs accrued: other liabilities)
    # + equity 30 - 53.16 + 5.908 (interest 3 + 2.86 + 1.0 - 0.5 - 0.452) + 4 + 5.667 + the plug's equity
    # 2.26 + plug / 2 (the bond was repaid)
    assert values(b, "slow", "bs_assets")[-1] == pytest.approx(18.096)
    assert values(b, "slow", "bs_liabilities")[-1] == pytest.approx(2.26 + plug / 2 + 3)
    assert values(b, "slow", "bs_other_liabilities") == pytest.approx([1, 2, 3])
    assert values(b, "slow", "bs_equity")[-1] == pytest.approx(30 - 53.16 + 5.908 + 4 + 17 / 3 + 2.26 + plug / 2)
    assert values(b, "slow", "bs_total_le")[-1] == pytest.approx(18.096)
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
        # + the interest below (3.5 - 1, 3.15 - 1.15, 1.15 - 0.3) - tax: 20% of FY2027's 15.85 after the losses
        # since the opening date (12.5 + 3): 0.07
        "operating_cash_flow": [-14 + 2.5, -6 + 2, 12 + 0.85 - 0.07], "tax": [0, 0, 0.07],
        # a quarter of the loans (3) a year; half the leases (2) a year until none is owed
        "loans_repaid": [3, 3, 3], "leases_repaid": [2, 2, 0],
        # interest on the opening balances: cash 30, 26.5, 10 and investments 5, 5, 1.5 at 10%; loans 12, 9, 6
        # at 5%, leases 4, 2, 0 at 10%, the event loan's 10 at 5% in FY2026
        "interest_income": [3.5, 3.15, 1.15], "interest_expense": [1.0, 1.15, 0.3],
        # 30 - 17 + 16 - 3 - 2 + 3.5 - 1 = 26.5; 26.5 - 11 + 4 - 10 - 3 - 2 + 3.15 - 1.15 = 6.5 < 10: 3.5 of the
        # investments redeemed, no plug; FY2027: 10 + 3 + the share issue's 5.667 - 3 + 1.15 - 0.3 - tax 0.07
        "sti_redeemed": [0, 3.5, 0], "cash_before_plug": [26.5, 10, 10.78 + 17 / 3], "plug": [0, 0, 0],
        "bs_sti": [5, 1.5, 1.5],
        # cash + investments + receivables + property 8 + capex to date (3, 8, 17) + 11:
        # 26.5 + 5 + 2 + 11 + 11, 10 + 1.5 + 4 + 16 + 11, 16.447 + 1.5 + 8 + 25 + 11
        "bs_assets": [55.5, 42.5, 56.28 + 17 / 3],
        # loans 9, 6, 3 + leases 2, 0, 0 + the event loan (to FY2026) and the bond (to its conversion in FY2027)
        # + other non-cash to date (1, 2, 3: costs accrued, other liabilities)
        "bs_liabilities": [9 + 2 + 16 + 1, 6 + 6 + 2, 3 + 3],
    }
    for key, figures in expected.items():
        assert values(b, "double", key) == pytest.approx(figures), key
    # equity 40 + results -5 + interest 7.8 - 2.45 - tax 0.07 + placing 4 + the bond converted 6 + issue 5.667
    assert values(b, "double", "bs_equity")[-1] == pytest.approx(50.28 + 17 / 3)
    assert values(b, "double", "bs_total_le") == pytest.approx(values(b, "double", "bs_assets"))
    assert values(b, "double", "bs_net_debt")[-1] == pytest.approx(3 - 10.78 - 17 / 3 - 1.5)
    assert b.names["MasterCheck"].result() == 0


def test_an_undisclosed_equity_is_the_assets_less_the_liabilities(balanced, tmp_path):
    """balance.csv with equity blank (MiniMax's case: not disclosed): no derived line (0), the opening equity is
    the assets given less the liabilities given, noted, and the balance still ties in every period."""
    data = load(write_company(tmp_path / "capco", capco_files(**{"balance.csv": BALANCE.replace(
        "equity,FY2024,40,", "equity,FY2024,,")})))
    assert any("gives no equity" in n for n in data.notes)
    b = build_book(data, "double")
    cb = b.tabs["cash"].blocks["double"]
    at = lambda key: cb.cell(key, FY(2024)).result()  # noqa: E731
    # cash 30 + investments 5 + receivables 2 + property 8 = 45; loans 12 + leases 4 = 16; equity 29
    assert at("bs_undisclosed") == 0
    assert (at("bs_assets"), at("bs_liabilities"), at("bs_equity")) == (pytest.approx(45), pytest.approx(16),
                                                                        pytest.approx(29))
    # the same cash flows as with the reported 40: every later total is 11 (the derived line there) lower
    assert values(b, "double", "bs_assets") == pytest.approx([a - 11 for a in values(balanced, "double", "bs_assets")])
    assert values(b, "double", "bs_equity") == pytest.approx([e - 11 for e in values(balanced, "double", "bs_equity")])
    assert values(b, "double", "bs_gap") == pytest.approx([0, 0, 0], abs=1e-9)
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
        for key in ("SharesOutstanding", "DilutedShares", "EquityValueDCF", "ValuePerShareDCF"):
            assert isinstance(names[key], float) and names[key] > 0, (name, key)
        # cash stays above 0 in every Zhipu scenario after the 2026 raises: no funding needed
        assert isinstance(names["FundingNeed"], float) and names["FundingNeed"] >= 0, name
    names = {k: v["v"] for k, v in results["capco"]["names"].items()}
    plug = 10 - (10 - 18.376 + 17 / 3 - 6 + 1.0 - 0.452)
    assert names["FundingNeed"] == pytest.approx(4.52 + plug)
    assert names["SharesOutstanding"] == pytest.approx(331 + 0.1 / 0.9 * 102 + plug / 2 * 100)
    assert names["MarketCap"] == pytest.approx(2)
    assert names["ValuePerShareDCF"] == pytest.approx(44.0980, rel=1e-6)
    # Zhipu base: 487.588m shares after the September placing, + the A-share issue (RMB 15bn at RMB 657 caps it
    # below 5% of the enlarged capital) + share-based pay (0.22 in 2H2026, then 0.46 a year)
    base = {k: v["v"] for k, v in results["base"]["names"].items()}
    assert base["SharesOutstanding"] == pytest.approx(487.58809 + 150 * 100 / 657 + 0.22 + 4 * 0.46)
    assert "MarketCap" not in base   # no market quote in Zhipu's sources


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
    assert plotted == {"Closing cash — double": pytest.approx([31, 16.6, 16.6 + 3 + 17 / 3 + 1.66 - 0.452]),
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
    ("funding.csv", "unit_millions,,100,\n", "unit_millions,,100,\nexit_multiple,,5,x\n", 11, "item",
     "now in valuation.csv"),
    ("valuation.csv", "weight,slow,40%", "weight,slow,50%", None, "value", "add up to 1.1"),
    ("valuation.csv", "terminal_growth,,2%", "terminal_growth,,12%", 5, "value", "below discount_rate"),
    ("valuation.csv", "peer_ev_sales,,3,2025-01-15", "peer_ev_sales,,3,", 8, "date", "give the date"),
    ("valuation.csv", "weight,slow,", "weight,fast,", 10, "scenario", "needs a scenario"),
    ("events.csv", ",50,10%,X,", ",50,,X,", 5, "stake", "needs its stake"),
    ("events.csv", ",50,10%,X,", ",50,150%,X,", 5, "stake", "not allowed here"),
    ("events.csv", "placing,RMB,4,1,no,,,2,,,,X,", "placing,RMB,4,1,no,,,2,,50,,X,", 4, "price",
     "applies to a share_issue"),
    ("funding.csv", "shares_outstanding,FY2024,", "shares_outstanding,1H2024,", None, "period", "opening cash date"),
    ("events.csv", ",100,2027-06-30,,0%,", ",100,2027-06-30,5,0%,", 3, "shares", "shares apply to an equity"),
    ("events.csv", "placing,RMB,4,1,no,,,2,,,,X,", "placing,RMB,4,1,no,,,2,5%,,,X,", 4, "rate", "applies to debt"),
    ("events.csv", ",2026-12-31,,5%,,,X,", ",2026-12-31,,-5%,,,X,", 2, "rate", "not allowed here"),
    ("assumptions.csv", "double,receivable_days,36.5", "double,receivable_days,400", None, "FY2025",
     "not allowed here"),
    ("assumptions.csv", "slow,plug_debt,50%", "slow,plug_debt,150%", None, "FY2025", "not allowed here"),
    ("balance.csv", "bank_loans,FY2024,12,", "bank_loans,FY2024,-12,", 5, "value", "not allowed here"),
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

