"""The English and Chinese editions: the same layout cell for cell, the same formulas (tab names
aside), the same numbers once LibreOffice recalculates them, and no English left in the Chinese one."""
import csv
import io
import re
import shutil
from types import SimpleNamespace

import openpyxl
import pytest

from conftest import copy_folder, COMPANIES, ZHIPU, ZHIPU_UNITS, require_engine, run
from model.workbook.build import build_book
from model.data.company import load
from model.labels import LANGS, Labels, table
from model.workbook.record import META_SHEET
from model.workbook.tabs import STATUS_ROW, fit_rows
from model.workbook.tabs.claims import COL
from model.workbook.tabs.sources import COLUMNS as SOURCE_COLUMNS
from model.engine.verify import cached_values, compare
from model.workbook.writer import write_book

CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")
PERIOD = re.compile(r"^(FY|[1-4]H|Q[1-4]|\d{1,2}M)\s?\d{4}(–(FY|[1-4]H|Q[1-4]|\d{1,2}M)\s?\d{4})?$|^\d{4}-\d{2}-\d{2}$")   # a period code or a span, or an ISO date
# a list or span of periods as the Compute References tab shows them (FY2024A; FY2025A, FY2026E–FY2030E)
PERIODS = re.compile(r"^(FY|1H|2H|\d{1,2}M)\d{4}[AE]((; |–)(FY|1H|2H|\d{1,2}M)\d{4}[AE])*$")
NEUTRAL = {"", "%", "1/0", "n/a", "n.m.", "123.45", "0", "#N/A"}  # the same in every language (#N/A: a chart's gap)


def tabs(book):
    """The tabs a user sees: all but the build record (model/workbook/record.py), whose layout notes name rows by label."""
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
    units = (["单位经济"] if books["data"].units else []) + (["算力参照"] if books["data"].benchmarks else [])
    valuation = ["估值"] if books["data"].valuation else []
    peers = ["同业比较"] if books["data"].peers else []
    claims = ["表述核查"] if books["data"].claims else []   # MiniMax's data give no claims
    risk = ["风险分析", "模拟明细"] if books["data"].risk else []
    assert [s.name for s in zh.sheets] == ["封面", "输入", "利润表", "比率", "情景", "盈亏平衡", *units, "现金与融资",
                                           *peers, *valuation, "敏感性", *risk, *claims, "检查", "来源", META_SHEET]
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
    texts = set(data.scenarios) | {r["rationale"] for r in data.rationales.values()} | {label for _, label in data.segments}
    texts |= {str(c[k]) for k in ("name", "ticker", "unit", "adjustments_label", "reliability_legend") if c.get(k)}
    texts |= {str(v) for src in data.sources for v in src.values()}
    texts |= {t for ref in data.references for t in (ref.source, ref.claim)}
    texts |= {fig.note for figs in data.actuals.values() for fig in figs.values()}
    texts |= {str(data.company[k]) for k in ("as_of", "fiscal_year_end")}
    texts |= {t for f in data.funding.values() for t in (f.unit, f.note, f.source)}
    texts |= {t for e in data.events for t in (e.currency, e.note, e.source)}
    texts |= {t for c in data.claims for t in (c.id, c.claim, c.quote, c.explanation, c.unit)}
    texts |= {t for b in data.benchmarks for t in (b.source, b.reliability)}   # the compute reference class's
    texts |= {t for e in data.market for t in (e.id, e.broker, e.currency, e.grade, e.source, e.note, e.stance)}
    for peer in data.peers:   # a peer's own data texts, and its rate's source and note
        texts |= data_texts(peer.data) | {peer.source, peer.note}
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
                if a and a == b and a not in allowed and not PERIOD.match(a) and not PERIODS.match(a):
                    shared.append((sz.name, pos, a))
            text = cz.result()
            if pos[1] == 0 and isinstance(text, str) and text not in allowed and not CJK.search(text):
                english.append((sz.name, pos, text))
    assert shared == []
    assert english == []


def csv_rows(path):
    """The data rows of a CSV as {column: text}, read without the loader (comment and blank rows
    skipped); none when the file is absent."""
    if not path.exists():
        return []
    rows = [[c.strip() for c in r] for r in csv.reader(io.StringIO(path.read_text(encoding="utf-8")))
            if any(c.strip() for c in r) and not r[0].strip().startswith("#")]
    return [dict(zip(rows[0], r)) for r in rows[1:]]


def edition_text(row, column, lang):
    """What an edition shows for a text column of a CSV row: its `<column>_<lang>` where the row gives
    one (not in English), else the column itself."""
    return (lang != "en" and row.get(f"{column}_{lang}")) or row[column]


def shown_texts(book):
    """The claims' and sources' texts as a book shows them: ("claims", id) -> [(claim, explanation)]
    (a row per scenario for a breakeven claim), ("inputs", id) -> the claim's label on Inputs,
    ("sources", id) -> (title, supports, filing, where read)."""
    out = {}
    for sh in tabs(book):
        for (r, c), cell in sh.cells.items():
            model = sh.cell_at(r, COL["model"])
            if sh.tab == "claims" and c == COL["id"] and model and model.is_formula:
                out.setdefault(("claims", cell.result()), []).append((sh.cells[r, COL["claim"]].result(),
                                                                      sh.cells[r, COL["explanation"]].result()))
            if sh.tab == "sources" and c == 0 and r > STATUS_ROW + 2:
                out["sources", cell.result()] = tuple(sh.cells[r, SOURCE_COL[k]].result() for k in SOURCE_TEXTS)
    for name, cell in book.names.items():
        if name.startswith("Claim_"):
            out["inputs", name[len("Claim_"):]] = cell.sheet.cells[cell.row, 0].result()
    return out


def expected_texts(folder, data, lang):
    """shown_texts as the company's claims.csv and sources.csv give them for an edition."""
    out = {}
    kept = {c.id for c in data.claims}   # a claim on a unit-build line is left out without the unit build
    for row in csv_rows(folder / "claims.csv"):
        if row["id"] not in kept:
            continue
        claim, explanation = edition_text(row, "claim", lang), edition_text(row, "explanation", lang)
        labels = [claim] if row["calc"] not in ("breakeven", "released") else \
            [table(lang)["claims.per_scenario"].format(claim=claim, scenario=Labels(lang).scenario(sc))
             for sc in data.scenarios] + \
            [table(lang)["claims.per_condition"].format(claim=claim, scenario=Labels(lang).scenario(sc),
                                                        base=data.base_year.code)
             for sc in data.scenarios if row.get("condition")]
        out["claims", row["id"]] = [(label, explanation) for label in labels]
        out["inputs", row["id"]] = claim
    for row in csv_rows(folder / "sources.csv"):
        out["sources", row["id"]] = tuple(edition_text(row, k, lang) if row.get(k) else "" for k in SOURCE_TEXTS)
    return out


def test_claims_and_sources_show_the_editions_texts(editions):
    """Each edition shows the claims' and sources' texts in its language where the data give them
    (Zhipu: claim_zh, title_zh ...), the English ones where not (Meridian: no such columns)."""
    books, _ = editions
    data = books["data"]
    for lang in LANGS:
        expected = expected_texts(data.folder, data, lang)
        assert len(expected) == 2 * len(data.claims) + len(data.sources) > 0
        assert shown_texts(books[lang]) == expected, lang
        assert sources_fit(books[lang]), lang
        counts = {r["id"]: edition_text(r, "unit", lang) for r in csv_rows(data.folder / "claims.csv")
                  if r["unit"] not in UNIT_KINDS and r["id"] in {c.id for c in data.claims}}       # a count's own unit (m users / 百万用户)
        if data.claims:
            assert claim_units(books[lang], counts) == counts, lang


UNIT_KINDS = ("pct", "x", "amount", "year")
SOURCE_TEXTS = ("title", "supports", "filing", "address")   # what the Sources tab shows of each source, per edition
SOURCE_COL = {key: i for i, (key, _) in enumerate(SOURCE_COLUMNS)}   # claims.csv units the edition names itself (templates/README.md)


def claim_units(book, ids) -> dict:
    """Claim id -> the unit its Claims Audit row shows, for the claims in `ids`."""
    claims = next(sh for sh in tabs(book) if sh.tab == "claims")
    return {cell.result(): claims.cells[r, COL["unit"]].result() for (r, c), cell in claims.cells.items()
            if c == COL["id"] and cell.result() in ids}


def sources_fit(book) -> bool:
    """Every row of the Sources tab is as tall as its texts in this edition need."""
    sources = next(sh for sh in tabs(book) if sh.tab == "sources")
    need = SimpleNamespace(heights={})
    fit_rows(need, [(r, cell.result(), sources.widths[c]) for (r, c), cell in sources.cells.items()
                    if r > STATUS_ROW + 2])
    return bool(need.heights) and all(sources.heights.get(r, 0) >= h for r, h in need.heights.items())


def test_the_zhipu_data_give_chinese_claims_and_sources():
    for row in csv_rows(ZHIPU / "claims.csv"):
        assert CJK.search(row["claim_zh"]) and CJK.search(row["explanation_zh"]), row["id"]
        assert CJK.search(row["unit_zh"]) if row["unit"] not in UNIT_KINDS else not row["unit_zh"], row["id"]
    for row in csv_rows(ZHIPU / "sources.csv"):
        assert CJK.search(row["supports_zh"]) and CJK.search(row["title_zh"]), row["id"]


def test_every_zhipu_figure_traces_to_its_filing_and_the_page_it_was_read_from():
    """An auditor follows a figure's source id to the filing it comes from and to the page or file it was
    read from: every source names where it was read; every page quoting the company's filings (S: the
    prospectus, R: the HKEX results and announcements; not S29, a call transcript) names that filing."""
    own_documents = {"S29"}
    rows = {row["id"]: row for row in csv_rows(ZHIPU / "sources.csv")}
    cited = {s.strip() for r in csv_rows(ZHIPU / "actuals.csv") for s in r["source"].split(";") if s.strip()}
    assert cited <= rows.keys()
    for sid, row in rows.items():
        assert row["address"], sid
        if sid[0] in "SR":
            assert bool(row["filing"]) != (sid in own_documents), sid
        words = [w for w in row["address"].replace(";", " ").split() if "/" not in w and "." not in w]
        if words:   # a description, not only addresses: it has its Chinese twin
            assert CJK.search(row["address_zh"]), sid


def set_cells(path, row_id, values):
    """Set cells of the CSV row whose id is `row_id`: {column: text}."""
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    row = next(r for r in rows if r[0] == row_id)
    for column, text in values.items():
        row[rows[0].index(column)] = text
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")


def test_a_row_without_chinese_text_shows_the_english_one(tmp_path):
    """A blank claim_zh, title_zh or supports_zh falls back to the English text of that row only; the
    editions keep the same layout, and a Chinese text that looks like a formula is written as text."""
    folder = tmp_path / "co"
    copy_folder(ZHIPU, folder)
    set_cells(folder / "claims.csv", "RD23", {"claim_zh": ""})
    set_cells(folder / "claims.csv", "RD24", {"explanation_zh": "=1+1 同 FY2022"})
    set_cells(folder / "sources.csv", "S3", {"title_zh": "", "supports_zh": ""})
    set_cells(folder / "sources.csv", "S4", {"supports_zh": "销售及营销费用；" * 12})   # taller than the English
    data = load(folder)
    en, zh = build_book(data), build_book(data, lang="zh")
    shown, claims = shown_texts(zh), {r["id"]: r for r in csv_rows(folder / "claims.csv")}
    assert shown == expected_texts(folder, data, "zh")
    assert shown["claims", "RD23"] == [(claims["RD23"]["claim"], claims["RD23"]["explanation_zh"])]
    assert shown["inputs", "RD23"] == claims["RD23"]["claim"] and shown["inputs", "RD22"] == claims["RD22"]["claim_zh"]
    assert shown["sources", "S3"][:2] == shown_texts(en)["sources", "S3"][:2]   # its filing_zh is still Chinese
    assert shown["sources", "S2"] != shown_texts(en)["sources", "S2"]
    for se, sz in zip(tabs(en), tabs(zh)):
        assert (se.cells.keys(), se.heights) == (sz.cells.keys(), sz.heights), se.name
    assert sources_fit(zh) and sources_fit(en)
    write_book(zh, tmp_path / "zh.xlsx")
    ws = openpyxl.load_workbook(tmp_path / "zh.xlsx")["表述核查"]
    cell = next(c for row in ws.iter_rows() for c in row if c.value == "=1+1 同 FY2022")
    assert cell.data_type == "s"


def test_chinese_messages_and_print_headers(editions):
    _, paths = editions
    wb = openpyxl.load_workbook(paths["zh"])
    prompts = [dv.prompt for dv in wb["输入"].data_validations.dataValidation]
    assert len(prompts) > 100 and all(CJK.search(p) for p in prompts)
    for ws in [ws for ws in wb.worksheets if ws.title != META_SHEET]:
        assert ws.oddHeader.left.text in ("智谱（Zhipu AI），HKEX 2513", "稀宇科技（MiniMax），HKEX 0100",
                                         "Meridian Minds，fictional")
        assert ws.oddFooter.right.text == "第 &P 页，共 &N 页"


def test_both_editions_recalculate_to_identical_numbers(editions):
    require_engine()
    from model.engine import libreoffice as engine
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
            elif e["e"]:
                assert z["e"] == e["e"] == "#N/A", (se, addr)   # a chart's gap, alike in both
            else:
                assert isinstance(z["v"], str), (se, addr)
    assert numbers > 500
    assert {n: v["v"] for n, v in en["names"].items() if isinstance(v["v"], float)} == \
           {n: v["v"] for n, v in zh["names"].items() if isinstance(v["v"], float)}


def test_rebuild_and_diff_read_the_chinese_edition(tmp_path):
    """A Chinese workbook edited by a user: the rebuild keeps the edit, and diff finds its tabs and
    headline in Chinese (as the build record says the edition is)."""
    old, new = tmp_path / "old.xlsx", tmp_path / "new.xlsx"
    assert run("build", "--data", ZHIPU, "--lang", "zh", "--out", old).returncode == 0
    shutil.copy(old, new)
    wb = openpyxl.load_workbook(new)
    (sheet, coord), = wb.defined_names["Asm_bear_growth_cloud"].destinations
    wb[sheet][coord.split(":")[0].replace("$", "")].value = 0.9    # FY2025E bear cloud growth
    wb.save(new)
    res = run("build", "--data", ZHIPU, "--lang", "zh", "--out", new)
    assert res.returncode == 0 and "1 kept" in res.stdout, res.stdout + res.stderr
    out = run("diff", old, new).stdout.splitlines()
    assert out[0] == "Inputs: 1 changed, 0 added, 0 removed"
    bear = next(ln for ln in out if ln.startswith("  悲观（bear）: "))   # scenarios as the edition names them
    assert "收入，最后一年: " in bear and "  基准（base）: unchanged" in out
    assert any(ln.startswith("Scenario 悲观（bear）: ") and "lines moved" in ln for ln in out)


def test_the_chinese_edition_shows_the_datas_chinese_texts():
    """Zhipu's rationales (rationale_zh), funding units and notes (unit_zh, note_zh), reliability grades
    (reliability_zh) and the common scenario names are Chinese in the Chinese edition, as the files
    give them, read here without the loader; R&D is named one way (研发费用)."""
    b = build_book(load(ZHIPU), lang="zh")
    shown = {str(c.result()) for sh in b.sheets for c in sh.cells.values() if isinstance(c.result(), str)}
    for row in csv_rows(ZHIPU / "assumptions.csv"):
        assert CJK.search(row["rationale_zh"]) and row["rationale_zh"] in shown, row
        assert row["rationale"] not in shown
    for row in csv_rows(ZHIPU / "funding.csv"):
        assert CJK.search(row["unit_zh"]) and CJK.search(row["note_zh"]), row["item"]
        assert row["note_zh"] in {t.split("; ")[-1] for t in shown} and row["note"] not in shown
    assert not {"HKD 100m", "RMB per HKD"} & shown   # (the raises are events.csv rows, in their currency code)
    english = {str(c.result()) for sh in build_book(load(ZHIPU)).sheets for c in sh.cells.values()
               if isinstance(c.result(), str)}
    events = csv_rows(ZHIPU / "events.csv")
    assert len(events) == 5   # the IPO, two placings, the convertible bond and the approved A-share issue
    for row in events:   # events.csv note_zh: the Chinese edition's note beside each event, the English one's note
        assert CJK.search(row["note_zh"]), row["id"]
        assert any(t.endswith("; " + row["note_zh"]) for t in shown) and not any(row["note"] in t for t in shown)
        assert any(t.endswith("; " + row["note"]) for t in english) and not any(row["note_zh"] in t for t in english)
    sources = next(sh for sh in b.sheets if sh.tab == "sources")
    grades = {c.result() for (r, col), c in sources.cells.items() if col == SOURCE_COL["reliability"] and r > STATUS_ROW + 2}
    assert grades == {"研究报告", "单一来源", "多个来源", "A", "B", "C", "D", "假设"}   # A-D: the results' and brokers' grades, as in English
    # the grade of an assumed figure (the ARR haircuts') reads 假设; "assumption" stays only as a source id (Sources)
    assert "assumption" not in {str(c.result()) for sh in b.sheets if sh.tab != "sources" for c in sh.cells.values()}
    scenarios = next(sh for sh in b.sheets if sh.tab == "scenarios")
    assert {"基准（base）", "乐观（bull）", "悲观（bear）"} <= {str(c.content) for c in scenarios.cells.values()}
    assert not [t for t in shown if "研发开支" in t]
    assert not [v for k, v in table("zh").items() if isinstance(v, str) and "研发开支" in v]


ENGLISH_RUN = re.compile(r"[A-Za-z]+[,;:]? [a-z]+[,;:]? [a-z]+[,;:]? [a-z]+")   # four English words in a row


def test_every_zhipu_rationale_and_wording_has_its_chinese_twin():
    """Every file of the Zhipu data that gives a rationale (or a published wording in English) gives its Chinese
    twin: the Chinese edition shows `rationale_zh` / `claim_zh`, and English only where the data give none."""
    checked = 0
    for path in sorted(ZHIPU_UNITS.glob("*.csv")):   # as shipped
        for row in csv_rows(path):
            for key in ("rationale", "claim"):
                if key == "claim" and path.name != "reference.csv" or not row.get(key):
                    continue
                if key == "claim" and CJK.search(row[key]):   # the note's own Chinese words
                    continue
                assert CJK.search(row.get(f"{key}_zh") or ""), (path.name, row)
                checked += 1
    assert checked > 120   # assumptions, units (42), compute and risk rationales; the results' wording (10)


def test_the_chinese_edition_has_no_english_sentence(tmp_path):
    """The Zhipu workbook's Chinese edition, every tab: no run of four English words outside addresses (a
    rationale, note or label left in English). Checked against the English edition, which has them."""
    books = {}
    for lang in ("en", "zh"):
        path = tmp_path / f"{lang}.xlsx"
        write_book(build_book(load(ZHIPU_UNITS), lang=lang), path)   # as shipped
        books[lang] = openpyxl.load_workbook(path, data_only=True)
    def english(wb):
        found = []
        for ws in [w for w in wb.worksheets if w.title != META_SHEET]:
            for row in ws.iter_rows():
                for c in row:
                    if isinstance(c.value, str):
                        text = re.sub(r"https?://\S+|www\.\S+", "", c.value)
                        if ENGLISH_RUN.search(text):
                            found.append((ws.title, c.coordinate, c.value[:80]))
        return found
    assert len(english(books["en"])) > 500   # the pattern finds English where there is some
    assert english(books["zh"]) == []
