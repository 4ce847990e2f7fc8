"""The generated workbooks pass the Open XML schema and semantic rules that Excel's own SDK
applies (openxml-audit, a pure-Python port of the Open XML SDK validator), for Microsoft 365 and
Office 2010, with zero findings: the default model in both editions, bull and bear selected, and
the second company. A misplaced element proves the validator can fail."""
import importlib.util
import subprocess
import sys
import zipfile

import pytest

from conftest import require_tool
from model.workbook.build import build_book
from model.workbook.writer import write_book

FORMATS = ["microsoft365", "office2010"]


@pytest.fixture(scope="module")
def workbooks(zhipu, meridian, tmp_path_factory):
    require_tool(importlib.util.find_spec("openxml_audit") is not None,
                 "openxml-audit is not installed (pip install -e '.[test]')")
    folder = tmp_path_factory.mktemp("openxml")
    books = {"en": build_book(zhipu), "zh": build_book(zhipu, lang="zh"), "bull": build_book(zhipu, "bull"),
             "bear": build_book(zhipu, "bear"), "meridian": build_book(meridian)}
    paths = {}
    for name, b in books.items():
        paths[name] = folder / f"{name}.xlsx"
        write_book(b, paths[name])
    return paths


def findings(path, fmt):
    from openxml_audit import FileFormat, OpenXmlValidator
    result = OpenXmlValidator(file_format=FileFormat(fmt), max_errors=0).validate(path)
    return [str(e) for e in result.errors]


@pytest.mark.parametrize("fmt", FORMATS)
@pytest.mark.parametrize("name", ["en", "zh", "bull", "bear", "meridian"])
def test_no_findings(workbooks, name, fmt):
    assert findings(workbooks[name], fmt) == []


def audit(path, fmt="microsoft365"):
    """The validator's command line, as CI or a reviewer runs it."""
    return subprocess.run([sys.executable, "-m", "openxml_audit", "-f", fmt, "-q", str(path)],
                          capture_output=True, text=True, timeout=300)


def test_the_command_line_validator_exits_0(workbooks):
    res = audit(workbooks["en"])
    assert res.returncode == 0, res.stdout + res.stderr


def test_a_misplaced_element_is_found(workbooks, tmp_path):
    # CT_Worksheet is a sequence: <pageMargins> belongs after <sheetData>, not before it
    bad = tmp_path / "misplaced.xlsx"
    with zipfile.ZipFile(workbooks["en"]) as zin, zipfile.ZipFile(bad, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                start = data.index(b"<pageMargins")
                end = data.index(b"/>", start) + 2
                margins, data = data[start:end], data[:start] + data[end:]
                data = data.replace(b"<sheetData>", margins + b"<sheetData>", 1)
            zout.writestr(item, data)
    for fmt in FORMATS:
        found = findings(bad, fmt)
        assert found and all("sheet1.xml" in f for f in found), (fmt, found)
    assert audit(bad).returncode != 0
