"""The workbook reader (model/workbook/readback.py) against openpyxl, an independent reader: the same
sheets, defined names, and per cell the same cached value, formula or not, and number format --
for files written by this tool (both editions), saved by LibreOffice after edits, saved by
openpyxl, and for a hand-made archive holding what Excel writes and this tool does not."""
import zipfile

import openpyxl
import pytest

from conftest import require_engine
from model.workbook.build import build_book
from model.workbook.readback import open_workbook
from model.workbook.writer import write_book


def same_as_openpyxl(path):
    """Assert the reader sees `path` as openpyxl does; returns the number of cells compared."""
    mine = open_workbook(path)
    values, formulas = openpyxl.load_workbook(path, data_only=True), openpyxl.load_workbook(path)
    assert mine.sheetnames == values.sheetnames
    names = {n: [(s.replace("''", "'"), c.replace("$", "")) for s, c in d.destinations]  # openpyxl keeps '' of 'Bob''s'
             for n, d in values.defined_names.items()}
    assert mine.defined_names == names
    compared = 0
    for ws in values.worksheets:
        wf, ours = formulas[ws.title], mine[ws.title]
        assert {k for k, c in ours.cells.items() if c.filled} <= {(c.row, c.column) for row in wf.iter_rows() for c in row}
        for row in ws.iter_rows():
            for c in row:
                cell, f = ours.cell(c.row, c.column), wf.cell(c.row, c.column)
                where = f"{ws.title}!{c.coordinate}"
                assert cell.value == c.value and type(cell.value) is type(c.value), (where, cell.value, c.value)
                assert cell.number_format == c.number_format, where
                assert cell.is_formula == (f.data_type == "f"), where
                assert cell.error == (c.data_type == "e"), where
                if cell.is_formula and cell.formula != "=":   # "=": a shared formula's follower
                    assert cell.formula == getattr(f.value, "text", f.value), where   # an array formula's text
                compared += 1
    return compared


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_tools_own_workbooks(zhipu, tmp_path, lang):
    path = tmp_path / "model.xlsx"
    write_book(build_book(zhipu, lang=lang), path)
    assert same_as_openpyxl(path) > 5000


def test_a_workbook_saved_by_openpyxl(zhipu, tmp_path):
    path, saved = tmp_path / "model.xlsx", tmp_path / "saved.xlsx"
    write_book(build_book(zhipu), path)
    wb = openpyxl.load_workbook(path)
    wb["Inputs"]["B2"] = "a note the user typed"
    wb.save(saved)
    assert same_as_openpyxl(saved) > 5000
    assert open_workbook(saved)["Inputs"].cell(2, 2).value == "a note the user typed"


def test_a_workbook_edited_and_saved_by_libreoffice(zhipu, tmp_path):
    require_engine()
    from model.engine.libreoffice import recalculate_file
    path, saved = tmp_path / "model.xlsx", tmp_path / "saved.xlsx"
    write_book(build_book(zhipu, lang="zh"), path)
    recalculate_file(path, edits=[{"target": "Scenario", "value": "bull"}], save_as=saved)
    assert same_as_openpyxl(saved) > 5000
    assert open_workbook(saved)["_meta"].cell(1, 1).value == "version"


MAIN = 'xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"'
REL = 'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"'
PARTS = {
    "[Content_Types].xml": '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/styles.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
    "_rels/.rels": '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'officeDocument" Target="xl/workbook.xml"/></Relationships>',
    "xl/_rels/workbook.xml.rels": '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId7" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" '
    'Target="/xl/worksheets/sheet1.xml"/>'
    '<Relationship Id="rId8" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/styles" '
    'Target="styles.xml"/>'
    '<Relationship Id="rId9" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'sharedStrings" Target="sharedStrings.xml"/></Relationships>',
    "xl/workbook.xml": f'<workbook {MAIN} {REL}><sheets><sheet name="Bob\'s data" sheetId="1" r:id="rId7"/></sheets>'
    "<definedNames><definedName name=\"Growth\">'Bob''s data'!$B$1:$C$1</definedName>"
    "<definedName name=\"Two\">'Bob''s data'!$A$1,'Bob''s data'!$A$2</definedName>"
    "<definedName name=\"_xlnm.Print_Area\" localSheetId=\"0\">'Bob''s data'!$A$1:$D$9</definedName>"
    "</definedNames></workbook>",
    "xl/styles.xml": f'<styleSheet {MAIN}><numFmts count="1"><numFmt numFmtId="164" formatCode="&quot;FY&quot;0&quot;E&quot;"/>'
    '</numFmts><cellStyleXfs count="1"><xf numFmtId="10"/></cellStyleXfs>'
    '<cellXfs count="3"><xf numFmtId="0"/><xf numFmtId="10"/><xf numFmtId="164"/></cellXfs></styleSheet>',
    "xl/sharedStrings.xml": f'<sst {MAIN} count="2" uniqueCount="2"><si><t xml:space="preserve"> plain </t></si>'
    '<si><r><rPr><b/></rPr><t>rich</t></r><r><t> text</t></r><rPh sb="0" eb="1"><t>PHONETIC</t></rPh></si></sst>',
    "xl/worksheets/sheet1.xml": f'<worksheet {MAIN}><sheetData>'
    '<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" s="1"><v>0.25</v></c><c s="1"><v>1.5E-1</v></c>'
    '<c r="D1" s="2"><v>2026</v></c></row>'
    '<row r="2"><c r="A2" t="s"><v>1</v></c><c r="B2" t="inlineStr"><is><t>inline</t></is></c>'
    '<c r="C2" t="b"><v>1</v></c><c r="D2" t="e"><v>#DIV/0!</v></c></row>'
    '<row r="4"><c r="A4"><f t="shared" ref="A4:A5" si="0">B1*2</f><v>0.5</v></c>'
    '<c r="B4" t="str"><f>A1&amp;"!"</f><v> plain !</v></c></row>'
    '<row r="5"><c r="A5"><f t="shared" si="0"/><v>0.3</v></c><c r="B5" s="1"/></row>'
    '</sheetData></worksheet>',
}


@pytest.mark.filterwarnings("ignore:Workbook contains no default style")
def test_what_excel_writes_and_this_tool_does_not(tmp_path):
    """Inline and rich-text strings (phonetic runs left out), a cell without its reference, booleans,
    errors, shared formulas, a quoted sheet name, built-in and custom number formats, a local and a
    two-area defined name: by hand, and as openpyxl reads the same file."""
    path = tmp_path / "excel.xlsx"
    with zipfile.ZipFile(path, "w") as z:
        for name, text in PARTS.items():
            z.writestr(name, text)
    wb = open_workbook(path)
    ws = wb["Bob's data"]
    got = {c.coordinate: (c.value, c.formula, c.number_format) for c in ws.iter_cells()}
    assert got == {
        "A1": (" plain ", None, "General"), "B1": (0.25, None, "0.00%"), "C1": (0.15, None, "0.00%"),
        "D1": (2026, None, '"FY"0"E"'),
        "A2": ("rich text", None, "General"), "B2": ("inline", None, "General"), "C2": (True, None, "General"),
        "D2": ("#DIV/0!", None, "General"),
        "A4": (0.5, "=B1*2", "General"), "B4": (" plain !", '=A1&"!"', "General"),
        "A5": (0.3, "=", "General"), "B5": (None, None, "0.00%")}
    assert wb.defined_names == {"Growth": [("Bob's data", "B1:C1")],
                                "Two": [("Bob's data", "A1"), ("Bob's data", "A2")]}
    assert [[c.coordinate for c in row] for row in ws.grid("B1:C2")] == [["B1", "C1"], ["B2", "C2"]]
    assert ws.cell(3, 1).value is None and not ws.cell(3, 1).filled and ws.cell(5, 1).filled
    assert same_as_openpyxl(path) == 5 * 4   # openpyxl's rectangle A1:D5


def test_a_dtd_is_refused_even_without_entities(tmp_path):
    from model.workbook.readback import WorkbookError
    path = tmp_path / "dtd.xlsx"
    with zipfile.ZipFile(path, "w") as z:
        for name, text in PARTS.items():
            z.writestr(name, text.replace("<sst ", '<!DOCTYPE sst SYSTEM "sst.dtd"><sst ', 1))
    with pytest.raises(WorkbookError, match=r"dtd.xlsx: refused: its XML has a document type declaration"):
        open_workbook(path)
