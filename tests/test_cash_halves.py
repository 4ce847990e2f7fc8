"""Cash & Funding in half-years: the cash-flow statement and the balance sheet run along the chain of parts
(2H2026E, 1H2027E, 2H2027E, FY2028E), each part opening where the part before it closed, the full year of a
year in parts its summary (flows summed, balances its last part's), a funding event and a maturity counted
once, in the half their date falls in, a part's amount drivers its year's x its share.

Tested on Halfco (tests/test_interim.py: opening cash at the end of its 1H2026 interim) with cash data added
here and worked out by hand from its income statement, then through LibreOffice with each scenario selected."""
import pytest

from conftest import plant_wrong_cache, require_engine
from model.calc.formula import a1
from model.data.company import load
from model.data.periods import Period, parse_column
from model.engine.verify import cached_values, compare
from model.workbook.build import build_book
from model.workbook.writer import write_book
from test_capital import VALUATION as CAPCO_VALUATION
from test_interim import HALF, write

P = parse_column
H2_26, FY26, H1_27, H2_27, FY27, FY28 = (P(c) for c in ("2H2026", "FY2026", "1H2027", "2H2027", "FY2027", "FY2028"))

# Halfco's cash: 100 at 30 June 2026 earning 10% a year, no minimum and no plug, 100m shares. A bank loan of 10
# at 10% drawn in September 2026 (2H2026E) and due at the end of 2027 (repaid in 2H2027E, the half of its due
# date); a placing of 20 for 5m shares in March 2027 (1H2027E). Base: depreciation 2 for the rest of 2026 (the
# FY2026 figure covers 2H only) and 4 in FY2027 (2 a half), other non-cash items 1 a year (test_interim's),
# capex 6 in FY2027 (3 a half), receivables 36.5 days (revenue x 10%, a half's x 20%), 2m shares a year of
# share-based pay (1 a half).
FUNDING = """item,period,value,unit
opening_cash,1H2026,100,RMB 100m
min_cash,,0,RMB 100m
plug,,0,
cash_rate,,10%,
debt_rate,,20%,
shares_outstanding,1H2026,100,m shares
unit_millions,,100,
share_price,,2,RMB
"""
EVENTS = """id,date,kind,currency,amount,fx_rate,in_opening_cash,conversion_price,maturity,shares,rate,price,stake,source,note
loan,2026-09-30,bank_loan,RMB,10,1,no,,2027-12-31,,10%,,,X,
placing,2027-03-01,placing,RMB,20,1,no,,,5,,,,X,
"""
# Capco's DCF (tests/test_capital.py: 10%, mid-period, an exit at 5x the last year's revenue) without tax (the
# losses run through the horizon), weighted over Halfco's scenarios
VALUATION = CAPCO_VALUATION.replace("tax_rate,,20%", "tax_rate,,0%").replace("weight,double", "weight,base").replace(
    "weight,slow", "weight,bear")
CASH_ROWS = "".join(f"{sc},{d},,{a},,,{b},{c},hand\n" for sc in ("base", "bear") for d, a, b, c in (
    ("depreciation", 2, 4, 4), ("capex", 0, 6, 6), ("receivable_days", 36.5, 36.5, 36.5), ("sbc_shares", 1, 2, 2)))
FILES = dict(HALF, **{"funding.csv": FUNDING, "events.csv": EVENTS, "valuation.csv": VALUATION, "sources.csv": "id,title,address,supports\nX,Terms,,\n",
                      "assumptions.csv": HALF["assumptions.csv"] + CASH_ROWS})


@pytest.fixture(scope="module")
def cashco(tmp_path_factory):
    return load(write(tmp_path_factory.mktemp("cashco") / "halfco", FILES))


@pytest.fixture(scope="module")
def cash_book(cashco):
    return build_book(cashco, "base")


def by_hand(book, sc):
    """The base scenario's chain computed plainly from its income statement's halves before finance and tax
    (test_interim checks those by hand), the interest on its opening cash and loan added (no tax: 0%):
    {period: {line: value}}."""
    income = book.tabs["scenarios"].blocks[sc]
    operating = {p: income.cell("operating_adjusted", p).result() for p in (H2_26, H1_27, H2_27)}
    revenue = {p: income.cell("revenue", p).result() for p in (H2_26, H1_27, H2_27)}
    out, cash, receivables, shares = {}, 100.0, 20 * 0.1, 100.0   # opening receivables: FY2025's revenue x 10%
    flows = {H2_26: dict(dep=2, non_cash=1, capex=0, loan_in=10, loan_out=0, equity=0, loan_interest=0, sbc=1,
                         placed=0),
             H1_27: dict(dep=2, non_cash=0.5, capex=3, loan_in=0, loan_out=0, equity=20, loan_interest=10 * 0.1 * 0.5,
                         sbc=1, placed=5),
             H2_27: dict(dep=2, non_cash=0.5, capex=3, loan_in=0, loan_out=10, equity=0, loan_interest=10 * 0.1 * 0.5,
                         sbc=1, placed=0)}
    for p, f in flows.items():
        closing_receivables = revenue[p] * 0.2            # 36.5 / (365 x 0.5): a half's revenue at its annual rate
        interest = cash * 0.1 * 0.5
        ani = operating[p] + interest - f["loan_interest"]    # the Income Statement's finance lines
        ocf = ani + f["dep"] + f["non_cash"] - (closing_receivables - receivables)
        closing = cash + ocf - f["capex"] + f["equity"] + f["loan_in"] - f["loan_out"]
        shares += f["placed"] + f["sbc"]
        out[p] = {"opening_cash": cash, "ani_after_open": ani, "operating_cash_flow": ocf, "interest_income": interest,
                  "interest_expense": f["loan_interest"], "equity_raised": f["equity"], "debt_raised": f["loan_in"],
                  "debt_repaid": f["loan_out"], "capex": f["capex"], "closing_cash": closing, "shares": shares,
                  "receivables": closing_receivables}
        cash, receivables = closing, closing_receivables
    return out


def test_the_halves_by_hand(cash_book):
    b = cash_book.tabs["cash"].blocks["base"]
    hand = by_hand(cash_book, "base")
    income = cash_book.tabs["scenarios"].blocks["base"]
    for p, lines in hand.items():
        for key, want in lines.items():
            assert b.cell(key, p).result() == pytest.approx(want, abs=1e-9), (p.code, key)
        # the income statement's finance lines and adjusted net income are the cash-flow statement's interest
        assert income.cell("finance_income", p).result() == pytest.approx(lines["interest_income"], abs=1e-9)
        assert income.cell("finance_cost", p).result() == pytest.approx(lines["interest_expense"], abs=1e-9)
        assert income.cell("adjusted_net_income", p).result() == pytest.approx(lines["ani_after_open"], abs=1e-9)
    # 1H2027E opens from 2H2026E (not from the FY2026E column), and FY2027E from 2H2026E's close
    assert b.cell("opening_cash", H1_27).result() == pytest.approx(hand[H2_26]["closing_cash"])
    assert b.cell("opening_cash", FY27).result() == pytest.approx(hand[H2_26]["closing_cash"])
    # the placing and the loan's repayment count once in 2027, each in the half of its date: the placing in
    # 1H2027E, the repayment in 2H2027E, each once in FY2027E
    assert [b.cell("equity_raised", p).result() for p in (H1_27, H2_27, FY27)] == pytest.approx([20, 0, 20])
    assert [b.cell("debt_repaid", p).result() for p in (H1_27, H2_27, FY27)] == pytest.approx([0, 10, 10])
    assert [b.cell("new_shares", p).result() for p in (H1_27, H2_27, FY27)] == pytest.approx([6, 1, 7])
    # FY2026E's flows are those after the opening date (2H2026E), its adjusted result the full year's less 1H's
    assert b.cell("ani_after_open", FY26).result() == pytest.approx(b.cell("ani_after_open", H2_26).result())
    assert b.cell("ani_before_open", FY26).result() == pytest.approx(-12)
    assert b.cell("ani_before_open", H2_26).result() == 0
    for key in ("operating_cash_flow", "capex", "equity_raised", "interest_income", "interest_expense", "net_change"):
        assert b.cell(key, FY27).result() == pytest.approx(hand[H1_27].get(key, b.cell(key, H1_27).result())
                                                           + hand[H2_27].get(key, b.cell(key, H2_27).result())), key
    for key in ("closing_cash", "shares", "bs_equity", "bs_assets", "bs_receivables"):
        assert b.cell(key, FY27).result() == pytest.approx(b.cell(key, H2_27).result()), key
        assert b.cell(key, FY26).result() == pytest.approx(b.cell(key, H2_26).result()), key
    # FY2028E opens from 2H2027E
    assert b.cell("opening_cash", FY28).result() == pytest.approx(hand[H2_27]["closing_cash"])


def test_dcf_discounts_each_half_from_its_middle(cash_book):
    """Each period of the chain discounted from its own middle (years from 30 June 2026: 2H2026 0.25, 1H2027
    0.75, 2H2027 1.25, FY2028 2.0), the full-year columns of the years in halves not counted again; the terminal
    value (5x FY2028E revenue) from the horizon's end, 2.5 years on."""
    b = cash_book.tabs["cash"].blocks["base"]
    chain = {H2_26: 0.25, H1_27: 0.75, H2_27: 1.25, FY28: 2.0}
    for p, t in chain.items():
        assert b.cell("dcf_time", p).result() == pytest.approx(t), p.code
    assert not b.has("dcf_time", FY27) and not b.has("dcf_factor", FY27)
    ufcf = {p: b.cell("dcf_ufcf", p).result() for p in chain}
    assert b.cell("dcf_ufcf", FY27).result() == pytest.approx(ufcf[H1_27] + ufcf[H2_27])
    pv = sum(f / 1.1 ** chain[p] for p, f in ufcf.items())
    assert b.cell("dcf_pv_flows", FY28).result() == pytest.approx(pv)
    revenue = cash_book.tabs["scenarios"].blocks["base"].cell("revenue", FY28).result()
    assert b.cell("dcf_terminal_pv", FY28).result() == pytest.approx(5 * revenue / 1.1 ** 2.5)
    assert b.cell("dcf_ev", FY28).result() == pytest.approx(pv + 5 * revenue / 1.1 ** 2.5)


def test_balance_sheet_ties_in_every_column(cash_book):
    b = cash_book.tabs["cash"].blocks["base"]
    for p in [Period(2026, 6)] + [H2_26, FY26, H1_27, H2_27, FY27, FY28]:
        assert b.cell("bs_assets", p).result() == pytest.approx(b.cell("bs_total_le", p).result(), abs=1e-9), p.code
    # the loan is on the balance sheet from the end of 2H2026E to the end of 1H2027E, gone at the end of 2H2027E
    assert [b.cell("bs_event_debt", p).result() for p in (Period(2026, 6), H2_26, FY26, H1_27, H2_27, FY27)] == \
        pytest.approx([0, 10, 10, 10, 0, 0])
    assert cash_book.names["MasterCheck"].result() == 0


def test_every_scenario_in_libreoffice(cashco, tmp_path):
    """Each scenario selected: every cached value reproduced, no error, master check 0; FY = 1H + 2H for the
    flows and FY = 2H for the closing cash, and total assets = total liabilities and equity in each column, as
    LibreOffice computes them; a wrong cached value planted in a half of Cash & Funding is the one caught."""
    require_engine()
    from model.engine import libreoffice as engine
    jobs = []
    for sc in cashco.scenarios:
        book, path = build_book(cashco, sc), tmp_path / f"{sc}.xlsx"
        write_book(book, path)
        jobs.append((book, path))
    tampered = build_book(cashco)
    planted = plant_wrong_cache(tampered, tampered.tabs["cash"].blocks["bear"].cell("closing_cash", H1_27),
                                tmp_path / "tampered.xlsx")
    results = engine.recalculate([{"path": p} for _, p in jobs] + [{"path": planted.path}])
    planted.assert_caught(results.pop())
    for (book, path), result in zip(jobs, results):
        rep = compare(cached_values(path), result)
        assert (rep.mismatches, rep.errors, rep.master) == ([], [], 0), path.name
        got = lambda c: result["cells"][c.sheet.name][a1(c.row, c.col)]["v"]  # noqa: E731
        for sc, b in book.tabs["cash"].blocks.items():
            for key in ("operating_cash_flow", "free_cash_flow", "equity_raised", "debt_repaid", "net_change"):
                assert got(b.cell(key, FY27)) == pytest.approx(got(b.cell(key, H1_27)) + got(b.cell(key, H2_27)),
                                                               abs=1e-9), (sc, key)
            assert got(b.cell("closing_cash", FY27)) == pytest.approx(got(b.cell("closing_cash", H2_27)))
            for p in (H2_26, FY26, H1_27, H2_27, FY27, FY28):
                assert got(b.cell("bs_assets", p)) == pytest.approx(got(b.cell("bs_total_le", p)), abs=1e-9), (sc, p.code)
