"""The Peers tab: a company beside the peers its company.toml names, each read from its own data folder
at build time. Here Zhipu (growth rates) names the fictional Meridian (USD m, a March year end, a
nine-month interim) given share data, funding events and an ARR claim: the conversion, the ratios and
today's value by hand; the ratios against Meridian's own workbook; LibreOffice and Gnumeric recalculating
the tab; bad or missing peers refused; a peer cycle that builds; edits carried over and applied; and
model.compare."""
import shutil

import openpyxl
import pytest

from conftest import copy_folder, MERIDIAN, ZHIPU, line, plant_wrong_cache, require_engine, require_gnumeric, run
from model.data.company import load
from model.workbook.build import build_book
from model.workbook.writer import write_book

RATE, SCALE = 7.18, 0.01          # RMB per US$; RMB 100m per US$ m
FACTOR = RATE * SCALE
PEER = f"""
[peers.meridian]
fx_rate = {RATE}
scale = {SCALE}
source = "S1"
note = "a test rate"
"""
FUNDING = """item,period,value,unit,source,note
opening_cash,9M2026,420,USD m,F2,cash at 31 December 2025 (fictional)
min_cash,,50,USD m,E1,
shares_outstanding,9M2026,100,m shares,F2,
share_price,,30,USD,E1,a quote (fictional)
unit_millions,,1,m per unit,,
"""
EVENTS = """id,date,kind,currency,amount,fx_rate,in_opening_cash,conversion_price,maturity,shares,rate,source,note
loan,2025-11-30,bank_loan,USD,40,1,yes,,2028-06-30,,5%,F2,
placing,2026-01-20,placing,HKD,780,0.128,no,,,10,,E1,
series_e,2026-06-30,placing,USD,300,1,no,,,5,,E1,after the as-of date: not in today's figures
"""
MARKET = """id,broker,date,metric,period,value,currency,fx_rate,qualifier,source,grade,note
arr_jan,Meridian,2026-01-31,arr,,400,USD,1,at_least,F2,C,above US$400m
"""
# Meridian by hand (its files): FY2025 revenue 150, cost 54, R&D 180, adjusted -130; 9M2026 revenue 189 (9M2025:
# 105), cost 66.15, R&D 171, adjusted -80.25; FY2024 revenue 75. Cash today 420 + 780 x 0.128; debt 40;
# shares 100 + 10; market cap 110 x 30; EV = market cap + debt - cash.
CASH = 420 + 780 * 0.128
EV = 110 * 30 + 40 - CASH


def pair(tmp_path, back=False):
    """Zhipu naming Meridian as its peer (and, with `back`, Meridian naming Zhipu: a cycle)."""
    zhipu, meridian = tmp_path / "zhipu", tmp_path / "meridian"
    copy_folder(ZHIPU, zhipu)
    shutil.copytree(MERIDIAN, meridian)
    with open(zhipu / "company.toml", "a", encoding="utf-8") as f:
        f.write(PEER)
    (meridian / "funding.csv").write_text(FUNDING, encoding="utf-8")
    (meridian / "events.csv").write_text(EVENTS, encoding="utf-8")
    (meridian / "market.csv").write_text(MARKET, encoding="utf-8")
    if back:
        with open(meridian / "company.toml", "a", encoding="utf-8") as f:
            f.write(f'\n[peers.zhipu]\nfx_rate = {1 / RATE}\nscale = 100\nsource = "F1"\n')
    return zhipu, meridian


@pytest.fixture(scope="module")
def folders(tmp_path_factory):
    return pair(tmp_path_factory.mktemp("peers"))


@pytest.fixture(scope="module")
def book(folders):
    return build_book(load(folders[0]))


def peers_cell(book, company, key, column):
    return book.tabs["peers"].cells[(company, key, column)]


def value(book, company, key, column):
    return peers_cell(book, company, key, column).result()


def test_the_peer_is_read_from_its_own_folder(folders):
    data = load(folders[0])
    assert [p.key for p in data.peers] == ["minimax", "meridian"]   # as company.toml names them: its own, then ours
    peer = data.peers[1]
    assert (peer.key, peer.fx_rate, peer.scale) == ("meridian", RATE, SCALE)
    assert peer.data.company["name"] == "Meridian Minds" and peer.data.peers == []   # loaded without its peers
    assert data.peers[0].data.peers == []   # MiniMax names Zhipu: not followed (a cycle builds)
    names = [s.name for s in build_book(data).sheets]
    assert names.index("Peers") == names.index("Cash & Funding") + 1


def test_figures_convert_at_the_stated_rate_by_hand(book):
    assert value(book, "meridian", "revenue", "fy") == pytest.approx(150 * RATE * SCALE)
    assert value(book, "meridian", "revenue", "interim") == pytest.approx(189 * RATE * SCALE)
    assert value(book, "meridian", "revenue_ltm", "interim") == pytest.approx((150 + 189 - 105) * FACTOR)
    assert value(book, "meridian", "gross_profit", "fy") == pytest.approx((150 - 54) * FACTOR)   # derived from cost
    assert value(book, "meridian", "rnd", "interim") == pytest.approx(171 * FACTOR)
    assert value(book, "meridian", "adjusted_net_income", "fy") == pytest.approx(-130 * FACTOR)
    assert value(book, "meridian", "cash_today", "today") == pytest.approx(CASH * FACTOR)
    assert value(book, "meridian", "debt_today", "today") == pytest.approx(40 * FACTOR)
    assert value(book, "meridian", "market_cap", "today") == pytest.approx(110 * 30 * FACTOR)
    assert value(book, "meridian", "enterprise_value", "today") == pytest.approx(EV * FACTOR)
    assert value(book, "meridian", "arr", "today") == pytest.approx(400 * FACTOR)


def test_ratios_by_hand(book):
    assert value(book, "meridian", "revenue_growth", "fy") == pytest.approx(150 / 75 - 1)
    assert value(book, "meridian", "revenue_growth", "interim") == pytest.approx(189 / 105 - 1)
    assert value(book, "meridian", "gross_margin", "interim") == pytest.approx((189 - 66.15) / 189)
    assert value(book, "meridian", "burn", "interim") == pytest.approx(80.25 / 0.75 * FACTOR)   # nine months annualised
    assert value(book, "meridian", "runway", "fy") == pytest.approx(CASH / 130)
    assert value(book, "meridian", "runway", "interim") == pytest.approx(CASH / (80.25 / 0.75))
    assert value(book, "meridian", "ev_sales", "fy") == pytest.approx(EV / 150)
    assert value(book, "meridian", "ev_sales", "interim") == pytest.approx(EV / (150 + 189 - 105))
    assert value(book, "meridian", "ev_arr", "today") == pytest.approx(EV / 400)
    assert value(book, "meridian", "arr_to_revenue", "today") == pytest.approx(400 / (189 / 0.75))
    # the company itself: Zhipu's FY2025 and 1H2026 from its own Income Statement
    assert value(book, "zhipu", "revenue", "fy") == pytest.approx(7.24334)
    assert value(book, "zhipu", "revenue_growth", "interim") == pytest.approx(9.539 / 1.90877 - 1)
    # Zhipu's value today: no quote in its data, so the September 2026 placing's net proceeds per new share (HK$
    # 15,665.19m net of estimated fees, events.csv, / 21.965m = HK$713.2; HK$714 gross) at 0.92 RMB per HK$, over
    # the shares, cash and debt its Cash & Funding tab counts
    scalars = {k: c.result() for k, c in book.tabs["cash"].scalars.items()}
    cap = scalars["shares_today"] * (156.6519 * 100 / 21.965) * 0.92 / 100
    assert value(book, "zhipu", "market_cap", "today") == pytest.approx(cap)
    ev = cap + scalars["debt_today"] - scalars["cash_today"]
    assert value(book, "zhipu", "ev_sales", "fy") == pytest.approx(ev / 7.24334)
    assert value(book, "zhipu", "ev_sales_next", "today") == pytest.approx(ev / 34)   # CLSA's FY2026 estimate


def test_the_peer_table_matches_the_peers_own_workbook(folders, book):
    """Meridian's own workbook (its currency) and the Peers tab (converted) agree: amounts by the factor,
    ratios exactly."""
    own = build_book(load(folders[1]))
    for key, label in (("revenue", "Total revenue"), ("gross_profit", "Gross profit"), ("rnd", "Research & development"),
                       ("adjusted_net_income", "Adjusted net income (loss)")):
        for column, code in (("fy", "FY2025"), ("interim", "9M2026")):
            assert value(book, "meridian", key, column) == pytest.approx(line(own, "Income Statement", label, code) * FACTOR)
    for key, label in (("gross_margin", "Gross margin — blended"), ("rnd_to_revenue", "R&D / revenue"),
                       ("adjusted_margin", "Adjusted net margin"), ("revenue_growth", "Revenue growth (like for like)")):
        for column, code in (("fy", "FY2025"), ("interim", "9M2026")):
            assert value(book, "meridian", key, column) == pytest.approx(line(own, "Ratios", label, code), rel=1e-12)
    scalars = own.tabs["cash"].scalars   # cash and debt today as Meridian's own Cash & Funding tab counts them
    for key in ("cash_today", "debt_today"):
        assert value(book, "meridian", key, "today") == pytest.approx(scalars[key].result() * FACTOR)
    working = next(c for c in book.tabs["peers"].companies if c.key == "meridian").working
    assert working["shares_today"].result() == pytest.approx(scalars["shares_today"].result())


def test_each_figure_names_its_source_and_grade(book):
    assert peers_cell(book, "meridian", "revenue", "fy").comment == "Source: F1 (filing)"
    assert peers_cell(book, "zhipu", "revenue", "interim").comment == "Source: R3 (A)"
    sh = book.tabs["peers"].sheet
    row = peers_cell(book, "meridian", "revenue", "fy").row
    sources = max((c for (r, _), c in sh.cells.items() if r == row), key=lambda c: c.col).content
    assert sources == "Zhipu AI: R1 (A); R3 (A) | MiniMax: R1 (A); H1 (A) | Meridian Minds: F1 (filing); F2 (filing)"


def test_libreoffice_and_gnumeric_recalculate_the_peers_tab(book, tmp_path):
    require_engine()
    require_gnumeric()
    from model.engine import gnumeric, libreoffice
    from model.engine.verify import cached_values, compare
    path = tmp_path / "model.xlsx"
    write_book(book, path)
    tab = book.tabs["peers"].sheet.name
    for result in (libreoffice.recalculate_file(path), gnumeric.recalculate_file(path)):
        rep = compare(cached_values(path), result)
        assert rep.mismatches == [] and rep.errors == [] and rep.master == 0
        formulas = [c for c in book.tabs["peers"].sheet.cells.values() if c.is_formula]
        assert sum(1 for c in result["cells"][tab].values() if c.get("f")) == len(formulas) > 60
    planted = plant_wrong_cache(book, "Peers_meridian_ev_sales_fy", tmp_path / "tampered.xlsx")
    assert planted.where[0] == tab
    planted.assert_caught(libreoffice.recalculate_file(planted.path))
    planted.assert_caught(gnumeric.recalculate_file(planted.path))


def test_a_missing_or_broken_peer_is_refused(tmp_path):
    zhipu, meridian = pair(tmp_path)
    out = tmp_path / "model.xlsx"
    out.write_bytes(b"the previous workbook")
    text = (meridian / "actuals.csv").read_text(encoding="utf-8")
    (meridian / "actuals.csv").write_text(text.replace("revenue,FY2025,150.0", "revenue,FY2025,abc"), encoding="utf-8")
    res = run("build", "--data", zhipu, "--out", out)
    assert res.returncode == 2 and "Traceback" not in res.stderr
    assert "company.toml" in res.stderr and "peer 'meridian' cannot be read: actuals.csv, row 5, column 'value'" in \
        res.stderr, res.stderr
    shutil.rmtree(meridian)
    res = run("build", "--data", zhipu, "--out", out)
    assert res.returncode == 2 and "Traceback" not in res.stderr
    assert "peer 'meridian': no company folder meridian beside this one" in res.stderr, res.stderr
    assert out.read_bytes() == b"the previous workbook"
    for bad, why in (("[peers.meridian]\nfx_rate = 7.18\n", "scale must be a number"),
                     ('[peers."../meridian"]\nfx_rate = 1\nscale = 1\n', "no path")):
        text = (zhipu / "company.toml").read_text(encoding="utf-8")
        (zhipu / "company.toml").write_text(text[:text.index("[peers.")] + bad, encoding="utf-8")
        res = run("build", "--data", zhipu, "--out", out)
        assert res.returncode == 2 and why in res.stderr and "Traceback" not in res.stderr, res.stderr


def test_a_peer_cycle_builds(tmp_path):
    zhipu, meridian = pair(tmp_path, back=True)
    for folder, other in ((zhipu, "Meridian Minds"), (meridian, "Zhipu AI")):
        out = tmp_path / f"{folder.name}.xlsx"
        res = run("build", "--data", folder, "--out", out)
        assert res.returncode == 0, res.stderr
        wb = openpyxl.load_workbook(out)
        assert any(other in str(c.value) for row in wb["Peers"].iter_rows(max_row=6) for c in row)
    # Meridian's Peers tab converts Zhipu into US$ m: FY2025 revenue RMB 7.24334 x 100m at 1 / 7.18
    back = build_book(load(meridian))
    assert value(back, "zhipu", "revenue", "fy") == pytest.approx(7.24334 / RATE * 100)


def test_edits_to_peer_inputs_carry_over_and_apply_where_they_live(folders, tmp_path):
    """A changed exchange rate and a changed broker figure survive a rebuild and `edits --apply` writes them
    to company.toml and market.csv; a peer's own figure survives a rebuild but is not written back: it lives
    in the peer's folder."""
    from test_regenerate import edit
    zhipu = tmp_path / "zhipu"
    copy_folder(folders[0], zhipu)   # with its peers beside it (MiniMax and Meridian)
    out = tmp_path / "model.xlsx"
    assert run("build", "--data", zhipu, "--out", out).returncode == 0
    edit(out, out, {("Peer_meridian_fx_rate", 0): 7.0, ("Market_clsa_rev", 0): 30.0, ("Peer_meridian_revenue", 0): 151.0})
    res = run("build", "--data", zhipu, "--out", out)
    assert res.returncode == 0 and "3 kept" in res.stdout, res.stdout + res.stderr
    rebuilt = openpyxl.load_workbook(out, data_only=True)
    assert rebuilt.defined_names["Peer_meridian_fx_rate"] and "Peer_meridian_fx_rate" in rebuilt.defined_names
    res = run("edits", out, "--data", zhipu, "--apply")
    assert res.returncode == 0, res.stdout + res.stderr
    assert "not applicable: a figure of the peer meridian: edit it in its own folder" in res.stdout
    data = load(zhipu)
    peers = {p.key: p for p in data.peers}
    assert (peers["meridian"].fx_rate, peers["minimax"].fx_rate) == (7.0, 7.18)   # into its own [peers.meridian]
    assert next(e for e in data.market if e.id == "clsa_rev").value == 30.0
    meridian = peers["meridian"].data
    assert meridian.actual("revenue", meridian.base_year) == 150.0   # the peer's folder untouched


def test_compare_returns_the_peers_table(folders, book):
    import model
    frame = model.compare([folders[0], folders[1]])   # Zhipu beside Meridian only
    assert [c for c in frame.columns if c.endswith("today")] == ["Zhipu AI today", "Meridian Minds today"]
    assert frame.loc["ev_sales", "Meridian Minds FY2025A"] == pytest.approx(EV / 150)
    assert frame.loc["revenue", "Zhipu AI 1H2026A"] == pytest.approx(9.539)
    assert frame.loc["gross_margin", "unit"] == "%"
    every = model.compare([folders[0]])   # every peer Zhipu names: the tab as the workbook has it
    for (company, key, column), cell in book.tabs["peers"].cells.items():
        got = every.loc[key, book.tabs["peers"].heading(company, column)]
        want = cell.result()
        assert got == want if isinstance(want, str) else got == pytest.approx(want, nan_ok=True)
    with pytest.raises(Exception, match="not a peer"):
        model.compare([folders[0], MERIDIAN])   # a folder the first company's data do not name
