"""The English and Chinese editions: the same layout cell for cell, the same formulas (tab names
aside), the same numbers once LibreOffice recalculates them, and no English left in the Chinese one."""
import re
import shutil

import openpyxl
import pytest

from conftest import COMPANIES, require_engine, run
from model.build import build_book
from model.data import load
from model.labels import LANGS, table
from model.meta import META_SHEET
from model.verify import cached_values, compare
from model.writer import write_book

CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")
PERIOD = re.compile(r"^(FY|1H|Q1|\d{1,2}M)\s?\d{4}$")
NEUTRAL = {"", "%", "1/0", "n/a", "123.45", "0"}  # the same in every language


def tabs(book):
    """The tabs a user sees: all but the build record (meta.py), whose layout notes name rows by label."""
    return [s for s in book.sheets if s.kind != "hidden"]


@pytest.fixture(scope="module", params=list(COMPANIES))
def editions(request, tmp_path_factory):
    """Both editions of a company's workbook: Zhipu (with Chinese data texts) and the fictional
    Meridian (without: its own texts stay English)."""
    data = load(COMPANIES[request.param])
    folder = tmp_path_factory.mktemp("editions")
    books, paths = {}, {}
    for lang in LANGS:
        books[lang] = build_book(data, lang=lang)
        paths[lang] = folder / f"model_{lang}.xlsx"
        write_book(books[lang], paths[lang])
    books["data"] = data
    return books, paths


def test_label_files_hold_the_same_ids_and_placeholders():
    en, zh = table("en"), table("zh")
    assert en.keys() == zh.keys()
    fields = lambda s: sorted(re.findall(r"\{(\w*)\}", " ".join(s) if isinstance(s, list) else s))  # noqa: E731
    for key in en:
        assert fields(en[key]) == fields(zh[key]), key
        assert type(en[key]) is type(zh[key]) and (not isinstance(en[key], list) or len(en[key]) == len(zh[key])), key


def test_tab_names_are_translated_and_defined_names_are_not(editions):
    books, _ = editions
    en, zh = books["en"], books["zh"]
    assert [s.name for s in zh.sheets] == ["封面", "输入", "利润表", "比率", "情景", "盈亏平衡", "现金与融资", "敏感性", "表述核查",
                                           "检查", "来源", META_SHEET]
    assert list(en.names) == list(zh.names)

    def place(book, target):  # (tab position, first cell, last cell) of a cell or a range
        first, last = (target, target) if hasattr(target, "row") else (target.first, target.last)
        return book.sheets.index(first.sheet), first.row, first.col, last.row, last.col
    for name in en.names:
        assert place(en, en.names[name]) == place(zh, zh.names[name]), name


def strip_texts(formula, sheet_names):
    """A formula with its string literals blanked and its tab names replaced by their position."""
    f = re.sub(r'"[^"]*"', '""', formula)
    for i, name in enumerate(sheet_names):
        f = f.replace(f"'{name}'!", f"<tab{i}>!").replace(f"{name}!", f"<tab{i}>!")
    return f


def test_same_layout_and_formulas_cell_for_cell(editions):
    books, _ = editions
    en, zh = books["en"], books["zh"]
    names = {lang: [s.name for s in books[lang].sheets] for lang in LANGS}
    compared = 0
    for se, sz in zip(tabs(en), tabs(zh)):
        assert se.cells.keys() == sz.cells.keys(), se.name
        assert (se.freeze, se.widths, se.groups, se.heights) == (sz.freeze, sz.widths, sz.groups, sz.heights)
        for pos, ce in se.cells.items():
            cz = sz.cells[pos]
            assert (ce.role, ce.fmt, ce.is_formula) == (cz.role, cz.fmt, cz.is_formula), (se.name, pos)
            if ce.is_formula:
                assert strip_texts(ce.content.xl(se), names["en"]) == strip_texts(cz.content.xl(sz), names["zh"])
                compared += 1
    assert compared > 500


def data_texts(data):
    """Texts the company's data give: written as they are in every edition (unless a Chinese one is
    given too)."""
    c = data.company
    texts = set(data.scenarios) | set(data.rationales.values()) | {label for _, label in data.segments}
    texts |= {str(c[k]) for k in ("name", "ticker", "unit", "adjustments_label", "reliability_legend") if c.get(k)}
    texts |= {str(v) for src in data.sources for v in src.values()}
    texts |= {t for ref in data.references for t in (ref.source, ref.claim)}
    texts |= {fig.note for figs in data.actuals.values() for fig in figs.values()}
    texts |= {str(data.company[k]) for k in ("as_of", "fiscal_year_end")}
    texts |= {t for f in data.funding.values() for t in (f.unit, f.note, f.source)}
    texts |= {t for c in data.claims for t in (c.id, c.claim, c.quote, c.explanation, c.unit)}
    return texts


def test_the_chinese_edition_leaves_no_english_text(editions):
    """Every text the two editions share is the company's data or language-neutral; every label in
    column A of the Chinese edition is Chinese."""
    books, _ = editions
    allowed = data_texts(books["data"]) | NEUTRAL
    shared, english = [], []
    for se, sz in zip(tabs(books["en"]), tabs(books["zh"])):
        for pos, ce in se.cells.items():
            cz = sz.cells[pos]
            pairs = [(ce.comment, cz.comment)]
            if isinstance(ce.result(), str):
                pairs.append((ce.result(), cz.result()))
            for a, b in pairs:
                if a and a == b and a not in allowed and not PERIOD.match(a):
                    shared.append((sz.name, pos, a))
            text = cz.result()
            if pos[1] == 0 and isinstance(text, str) and text not in allowed and not CJK.search(text):
                english.append((sz.name, pos, text))
    assert shared == []
    assert english == []


def test_chinese_messages_and_print_headers(editions):
    _, paths = editions
    wb = openpyxl.load_workbook(paths["zh"])
    prompts = [dv.prompt for dv in wb["输入"].data_validations.dataValidation]
    assert len(prompts) > 100 and all(CJK.search(p) for p in prompts)
    for ws in [ws for ws in wb.worksheets if ws.title != META_SHEET]:
        assert ws.oddHeader.left.text in ("智谱（Zhipu AI），HKEX 2513", "Meridian Minds，fictional")
        assert ws.oddFooter.right.text == "第 &P 页，共 &N 页"


def test_both_editions_recalculate_to_identical_numbers(editions):
    require_engine()
    from model import engine
    books, paths = editions
    results = dict(zip(LANGS, engine.recalculate([{"path": paths[lang]} for lang in LANGS])))
    for lang in LANGS:
        assert results[lang]["error"] is None
        rep = compare(cached_values(paths[lang]), results[lang])
        assert (rep.mismatches, rep.errors, rep.master) == ([], [], 0), lang
    en, zh = results["en"], results["zh"]
    assert list(zh["cells"]) == [s.name for s in books["zh"].sheets]
    numbers = 0
    for se, sz in zip(en["cells"], zh["cells"]):
        if se == META_SHEET:
            continue  # the build record names rows by their labels: it differs by edition
        ce, cz = en["cells"][se], zh["cells"][sz]
        assert ce.keys() == cz.keys(), se           # the same cells are filled
        for addr, e in ce.items():
            z = cz[addr]
            assert e["f"] == z["f"], (se, addr)
            if isinstance(e["v"], float):
                assert z["v"] == e["v"], (se, addr)   # identical, not merely close
                numbers += 1
            else:
                assert isinstance(z["v"], str), (se, addr)
    assert numbers > 500
    assert {n: v["v"] for n, v in en["names"].items() if isinstance(v["v"], float)} == \
           {n: v["v"] for n, v in zh["names"].items() if isinstance(v["v"], float)}


def test_rebuild_and_diff_read_the_chinese_edition(tmp_path):
    """A Chinese workbook edited by a user: the rebuild keeps the edit, and diff finds its tabs and
    headline in Chinese (as the build record says the edition is)."""
    old, new = tmp_path / "old.xlsx", tmp_path / "new.xlsx"
    assert run("build", "--lang", "zh", "--out", old).returncode == 0
    shutil.copy(old, new)
    wb = openpyxl.load_workbook(new)
    (sheet, coord), = wb.defined_names["Asm_bear_growth_cloud"].destinations
    wb[sheet][coord.split(":")[0].replace("$", "")].value = 0.9    # FY2025E bear cloud growth
    wb.save(new)
    res = run("build", "--lang", "zh", "--out", new)
    assert res.returncode == 0 and "1 kept" in res.stdout, res.stdout + res.stderr
    out = run("diff", old, new).stdout.splitlines()
    assert out[0] == "Inputs: 1 changed, 0 added, 0 removed"
    bear = next(ln for ln in out if ln.startswith("  bear: "))
    assert "收入，最后一年: " in bear and "  base: unchanged" in out
    assert any(ln.startswith("Scenario bear: ") and "lines moved" in ln for ln in out)
