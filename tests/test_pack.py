"""The client pack (issue 29): the Cover's answer in a sentence per scenario, built by formulas; the
thesis scorecard at the top of the Claims Audit; the print pack and its appendix."""

import pytest

from conftest import ZHIPU_UNITS, copy_folder
from model.data.company import load
from model.workbook.build import build_book


@pytest.fixture(scope="module")
def shipped():
    """The default workbook, as shipped (unit build), in both editions."""
    data = load(ZHIPU_UNITS)
    return data, build_book(data), build_book(data, lang="zh")


def fy(year):
    return f"FY{int(year)}" if isinstance(year, (int, float)) else year


def test_the_cover_answers_in_a_sentence_per_scenario(shipped):
    """Each scenario's sentence states its adjusted breakeven (or none by FY2030), the brokers' latest
    years (JPM's June revision to 2028 replaces its February 2029; HSBC 2028), its lowest cash with the
    year, and FY2026E revenue: the same figures the Scenarios and Cash & Funding tabs hold."""
    data, en, zh = shipped
    cover = en.tabs["cover"]
    for sc in data.scenarios:
        be = en.summary[sc][0].result()
        low, low_year = (c.result() for c in en.cash_summary[sc][:2])
        revenue = en.tabs["scenarios"].blocks[sc].cell("revenue", en.tabs["income"].lines.tl.forecast[0]).result()
        verdict = f"adjusted breakeven in FY{int(be)}" if isinstance(be, (int, float)) else "no adjusted breakeven by FY2030"
        assert cover.answers[sc].result() == (f"{sc.capitalize()}: {verdict} — brokers see FY2028 (JPM, HSBC). "
                                              f"Lowest cash {low:,.1f} in {fy(low_year)}; FY2026E revenue {revenue:,.1f}.")
    # the default data (the near term in halves): base breaks even in FY2028 (with the interest on its cash), bull
    # in FY2027, bear not by FY2030; bull's cash is lowest at the end of FY2027, when the bond is repaid
    assert [en.summary[sc][0].result() for sc in data.scenarios] == [2028, 2027, "not reached"]
    assert en.cash_summary["bull"][1].result() == 2027
    assert zh.tabs["cover"].answers["bull"].result().startswith("乐观（bull）：FY2027 实现经调整盈亏平衡——券商预期 FY2028（摩根大通、汇丰）。")


def test_the_cumulative_loss_names_the_periods_it_counts(shipped):
    """Counted from the opening cash date (30 June 2026): 2H2026 to the year before breakeven (base: FY2028;
    bull: FY2027, so 2H2026 alone), or to FY2030 as a lower bound (bear)."""
    data, en, zh = shipped
    assert en.tabs["cover"].loss_spans["selected"].result() == "2H2026–FY2027"   # base
    assert zh.tabs["cover"].loss_spans["selected"].result() == "2H2026–FY2027"
    assert build_book(data, "bull").tabs["cover"].loss_spans["selected"].result() == "2H2026"
    assert build_book(data, "bear", lang="zh").tabs["cover"].loss_spans["selected"].result() == "2H2026–FY2030，为下限"


def test_a_broker_range_reads_as_a_range(tmp_path):
    """When the brokers' latest years differ the sentence gives the range: HSBC moved to 2029."""
    folder = copy_folder(ZHIPU_UNITS, tmp_path / "zhipu")   # with its peer beside it
    path = folder / "market.csv"
    text = path.read_text(encoding="utf-8").replace("hsbc_be,HSBC,2026-07-27,breakeven_year,,2028,",
                                                    "hsbc_be,HSBC,2026-07-27,breakeven_year,,2029,")
    path.write_text(text, encoding="utf-8")
    book = build_book(load(folder))
    assert "— brokers see FY2028–FY2029 (JPM, HSBC)." in book.tabs["cover"].answers["base"].result()


def test_the_sentences_recalculate_in_libreoffice_and_a_wrong_one_is_caught(shipped, tmp_path):
    """LibreOffice recalculates each sentence to its cached text in both editions (SUBSTITUTE, FIXED, &);
    a sentence cached wrong is reported, and no other cell."""
    from conftest import plant_wrong_cache, require_engine
    from model.engine import libreoffice as engine
    require_engine()
    _, en, zh = shipped
    planted = plant_wrong_cache(en, en.tabs["cover"].answers["bear"], tmp_path / "en.xlsx",
                                value="Bear: adjusted breakeven in FY2027.")
    other = plant_wrong_cache(zh, zh.tabs["cover"].answers["bull"], tmp_path / "zh.xlsx", value="乐观（bull）：")
    for p, result in zip((planted, other), engine.recalculate([{"path": planted.path}, {"path": other.path}])):
        p.assert_caught(result)


# --- the thesis scorecard ---

HAND_THESIS = """id,thesis,tests,evidence,evidence_scenario
MIX,Revenue 10 at a 60% margin,REV;STAB60,"Revenue {REV}, margin {STAB60}",
NARROW,The loss narrows,LOSS,Change {LOSS},
COST,Marginal cost under 30%,COST,Cost share {COST},
BE,Breakeven by FY2027 if growth is kept,BE,Kept growth: {BE_if*},"{BE_if} kept, {BE} as planned"
"""


def hand_scorecard(tmp_path, thesis=HAND_THESIS, claims=None):
    from test_analysis import HAND, HAND_CLAIMS, write_company
    folder = write_company(tmp_path / "handco", {**HAND, "claims.csv": claims or HAND_CLAIMS, "thesis.csv": thesis})
    return load(folder), folder


def test_the_scorecard_judges_each_conclusion_by_its_tests_by_hand(tmp_path):
    """The hand company of test_analysis (revenue 10, margin 50% in FY2024, loss -10 then -20; 100% growth kept
    meets both scenarios' costs in FY2027): a conclusion holds when all its tests hold (BE, in each scenario),
    fails when none does (LOSS widened), holds in part between (revenue ties, 60% does not), cannot be tested
    on a proxy alone (COST)."""
    data, _ = hand_scorecard(tmp_path)
    book = build_book(data)
    card = book.tabs["claims"].scorecard
    assert {k: c.result() for k, c in card.verdicts.items()} == {
        "MIX": "holds in part", "NARROW": "fails", "COST": "cannot be tested", "BE": "holds"}
    assert {sc: c.result() for sc, c in card.scenario_verdicts["BE"].items()} == {"double": "holds", "slow": "holds"}
    assert card.evidence["MIX"].result() == "Revenue 10.00, margin 50.0%"
    assert card.evidence["NARROW"].result() == "Change -10.00"
    assert card.evidence["BE"].result() == "Kept growth: double FY2027, slow FY2027"
    assert card.count_cell.result() == ("Of 4 conclusions — holds: 1; holds in part or in some scenarios: 1; fails: 1; "
                                        "cannot be tested: 1.")
    # the Cover counts the conclusions, not the claims
    cover = book.sheet("Cover")
    assert card.count_cell.result() in [c.result() for c in cover.cells.values()]


def test_a_conclusion_judged_per_scenario_reads_n_of_m(tmp_path):
    """With breakeven by FY2026 the kept growth (revenue 40 against 50 needed) falls short in both scenarios;
    claimed by FY2027 with one scenario's costs doubled it holds in one of two."""
    from test_analysis import HAND_CLAIMS
    data, _ = hand_scorecard(tmp_path, claims=HAND_CLAIMS.replace("by FY2027 if growth is kept,2027", "by FY2026,2026"))
    card = build_book(data).tabs["claims"].scorecard
    assert card.verdicts["BE"].result() == "fails"
    assert [c.result() for c in card.scenario_verdicts["BE"].values()] == ["fails", "fails"]


def test_the_shipped_scorecard_by_hand(shipped):
    """Zhipu as shipped, each verdict from the published figures: R&D is 85.2% (FY2023: 5.289 / 6.21) or more
    of each adjusted loss, so training cost weighs on profit; cloud / API revenue grew 3.9x in FY2025 (190,379k
    against 15.5% of 312,414k), not tenfold; breakeven by FY2028 with FY2025's growth kept holds with base's
    and bull's costs, not bear's (each scenario's own case, not the best of three)."""
    data, en, zh = shipped
    card = en.tabs["claims"].scorecard
    rows = en.tabs["claims"].rows
    assert rows["LOSSRD"][1].result() == pytest.approx(5.289 / 6.21)
    assert rows["API10X"][1].result() == pytest.approx(1.90379 / (3.12414 * 0.155))
    assert card.verdicts["TRAIN"].result() == "holds"
    assert card.verdicts["API10X"].result() == "fails"
    assert card.evidence["API10X"].result() == "Cloud / API revenue was 3.9x FY2024's in FY2025 (FY2025 results, R1)"
    cases = {sc: rows[f"BE_if_{sc}"][1].result() for sc in data.scenarios}
    expected = {sc: "holds" if not isinstance(y, str) and y <= 2028 else "fails" for sc, y in cases.items()}
    assert expected == {"base": "holds", "bull": "holds", "bear": "fails"}
    assert {sc: c.result() for sc, c in card.scenario_verdicts["BE"].items()} == expected
    assert card.verdicts["BE"].result() == "holds in 2 of 3 scenarios"
    assert zh.tabs["claims"].scorecard.verdicts["BE"].result() == "3 个情景中 2 个成立"
    assert zh.tabs["claims"].scorecard.verdicts["API10X"].result() == "不成立"


def test_the_marginal_cost_conclusions_against_both_marginal_costs(shipped):
    """The compute build's short- and long-run marginal cost of a token (FY2025): on capacity already paid
    for, a token costs the owned accelerators' power, well under 15% of its price; when capacity follows
    volume it costs what the serving fleet costs per token, the reported cloud cost of revenue: 1 - 18.9%
    (R1) = 81.1% of the price. So 'API marginal cost under 15%' and 'high fixed, low marginal cost' hold in
    the short run only (fixed costs are most of all costs: more than half)."""
    data, en, _ = shipped
    rows, card = en.tabs["claims"].rows, en.tabs["claims"].scorecard
    short, long_ = rows["API25S"][1].result(), rows["API25L"][1].result()
    assert short < 0.15 and long_ == pytest.approx(1 - 0.189, abs=1e-9)
    assert rows["HFLMS"][1].result() == short and rows["HFLML"][1].result() == long_
    assert rows["HFLMF"][1].result() > 0.5
    assert card.verdicts["API15"].result() == card.verdicts["HFLM"].result() == "holds in part"
    assert "81.1% when capacity follows volume" in card.evidence["HFLM"].result()


def test_profit_released_is_judged_where_breakeven_comes_first(shipped):
    """Only a scenario that breaks even before FY2030 can show profit released after it (base FY2029, bull
    FY2027; bear none): its incremental adjusted margin from the breakeven year to FY2030 is (ANI 2030 - ANI
    at breakeven) / (revenue 2030 - revenue at breakeven), 'quick' from one half."""
    data, en, _ = shipped
    card, rows = en.tabs["claims"].scorecard, en.tabs["claims"].rows
    expected = {}
    for sc in data.scenarios:
        be = en.summary[sc][0].result()
        if not isinstance(be, (int, float)) or be >= 2030:
            assert rows[f"RELEASE_{sc}"][1].result() == "n/a"
            expected[sc] = "cannot be tested"
            continue
        block = en.tabs["scenarios"].blocks[sc]
        at = lambda key, y: block.cell(key, next(p for p in block.tl.forecast if p.year == y)).result()  # noqa: E731
        margin = (at("adjusted_net_income", 2030) - at("adjusted_net_income", be)) / (at("revenue", 2030) - at("revenue", be))
        assert rows[f"RELEASE_{sc}"][1].result() == pytest.approx(margin)
        expected[sc] = "holds" if margin >= 0.5 else "fails"
    assert expected == {"base": "holds", "bull": "holds", "bear": "cannot be tested"}
    assert {sc: c.result() for sc, c in card.scenario_verdicts["RELEASE"].items()} == expected
    assert card.verdicts["RELEASE"].result() == "holds in 2 of 3 scenarios"
    assert card.count_cell.result() == ("Of 6 conclusions — holds: 1; holds in part or in some scenarios: 4; "
                                        "fails: 1; cannot be tested: 0.")


def test_no_claim_is_judged_against_a_later_period_than_its_own(shipped):
    """Every claim's figure reads only its own periods (the cells its formula refers to lie in the claim's
    columns); the later actuals beside a claim judge it only when it is about what follows the note
    (latest = forward: unit cost 'will keep falling', breakeven): the 1H2025 segment shares, the 'stable'
    margin and the rest are shown beside 1H2026 for reference, never marked as failing there."""
    data, en, _ = shipped
    tab = en.tabs["claims"]
    tl = en.tabs["income"].lines.tl
    period_of = {col: p for p, col in tl.col.items()}
    judged = {"latest_holds", "latest_fails", "latest_open"}
    checked = 0
    for cl in data.claims:
        if cl.calc in ("breakeven", "released", "none"):   # a forecast per scenario, or no figure
            continue
        selector = en.tabs["income"].index   # the selected scenario's number (a Unit Economics line is picked by it)
        cells = [c for c in tab.rows[cl.id][1].content.refs() if c.sheet.tab in ("income", "ratios", "units")
                 and c is not selector]
        assert cells, cl.id
        assert {period_of[c.col] for c in cells} <= set(cl.periods), cl.id
        checked += 1
        if cl.latest:
            test = tab.latest_cells[cl.id][2].result()
            forward = cl.latest == "forward"
            assert (test in {tab.text[k] for k in judged}) == forward or test == "n/a", (cl.id, test)
    assert checked > 30
    later = {cl.id: tab.latest_cells[cl.id][2].result() for cl in data.claims if cl.latest}
    assert later["MIXOP"] == later["MIXCL"] == later["GM25S"] == "for reference"   # 1H2025 figures beside 1H2026
    assert later["UNITC"] in ("holds", "fails")   # 'will keep falling': the later years judge it


@pytest.mark.parametrize("row,column,message", [
    ("X,A conclusion,NOPE,{REV},", "tests", "'NOPE' is not an id of claims.csv"),
    ("X,A conclusion,,{REV},", "tests", "name the claims.csv ids"),
    ("X,A conclusion,REV;BE,{REV},", "tests", "do not mix them"),
    ("X,A conclusion,REV,{NOPE},", "evidence", "names no claims.csv id"),
    ("X,A conclusion,REV,{REV*},", "evidence", "has one figure, not one per scenario"),
    ("X,A conclusion,REV,{REV},{REV}", "evidence_scenario", "has one figure, not one per scenario"),
    ("MIX,Again,REV,{REV},", "id", "given twice"),
])
def test_bad_thesis_rows_are_refused_with_file_row_and_column(tmp_path, row, column, message):
    from model.data.files import DataError
    with pytest.raises(DataError) as e:
        hand_scorecard(tmp_path, thesis=HAND_THESIS + row + "\n")
    assert (e.value.file, e.value.row, e.value.column) == ("thesis.csv", HAND_THESIS.count("\n") + 1, column)
    assert message in str(e.value)


def test_the_chinese_evidence_must_name_the_same_figures(tmp_path):
    """An edition's evidence is that edition's words around the same figures: one formula serves both."""
    from model.data.files import DataError
    thesis = HAND_THESIS.replace("evidence,evidence_scenario\n", "evidence,evidence_scenario,evidence_zh\n").replace(
        "Change {LOSS},\n", "Change {LOSS},,变化 {REV}\n")
    with pytest.raises(DataError) as e:
        hand_scorecard(tmp_path, thesis=thesis)
    assert e.value.column == "evidence_zh" and "same figures" in str(e.value)
