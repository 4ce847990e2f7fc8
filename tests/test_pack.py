"""The client pack (issue 29): the Cover's answer in a sentence per scenario, built by formulas; the
thesis scorecard at the top of the Claims Audit; the print pack and its appendix."""
import csv
import io
import shutil

import pytest

from conftest import ZHIPU_UNITS
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
    # by hand from the default data: only bull breaks even (FY2028); its cash is lowest when the bond is repaid
    assert [en.summary[sc][0].result() for sc in data.scenarios] == ["not reached", 2028, "not reached"]
    assert en.cash_summary["bull"][1].result() == 2027
    assert zh.tabs["cover"].answers["bull"].result().startswith("乐观（bull）：FY2028 实现经调整盈亏平衡——券商预期 FY2028（摩根大通、汇丰）。")


def test_the_cumulative_loss_names_the_periods_it_counts(shipped):
    """Counted from the opening cash date (30 June 2026): 2H2026 to the year before breakeven, or to FY2030
    as a lower bound."""
    data, en, zh = shipped
    assert en.tabs["cover"].loss_spans["selected"].result() == "2H2026–FY2030, a lower bound"   # base
    bull = build_book(data, "bull")
    assert bull.tabs["cover"].loss_spans["selected"].result() == "2H2026–FY2027"
    assert zh.tabs["cover"].loss_spans["selected"].result() == "2H2026–FY2030，为下限"


def test_a_broker_range_reads_as_a_range(tmp_path):
    """When the brokers' latest years differ the sentence gives the range: HSBC moved to 2029."""
    folder = tmp_path / "zhipu"
    shutil.copytree(ZHIPU_UNITS, folder)
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
