"""The user's own sheets are carried into every rebuilt workbook (issue 23), in their place among the
tabs, with what they hold (values, formulas, number formats, fonts, fills, borders, column widths, row
heights, merged cells, frozen panes, data validation, hyperlinks, comments, a chart over their own cells,
the names the user defined), their formulas re-pointed to the same line item and period of the new
layout, their cached values computed anew; a formula whose target is gone keeps its last value, the
formula kept beside it in a comment, listed on the Review tab and in the report, with a kept copy. The
sheets here are made with openpyxl (fast, exact); tests/test_usersheets_engine.py makes them in
LibreOffice and has both engines recalculate."""
import re
import shutil
import subprocess
import sys
import time
import zipfile

import openpyxl
import pytest
from openpyxl.chart import BarChart, Reference
from openpyxl.comments import Comment
from openpyxl.formatting.rule import CellIsRule
from openpyxl.styles import Border, Font, PatternFill, Side
from openpyxl.workbook.defined_name import DefinedName
from openpyxl.worksheet.datavalidation import DataValidation

from conftest import ROOT, ZHIPU, ZHIPU_JAN, run
from model.regen import backup
from model.workbook import readback
from model.regen.userbook import header_period
from test_carry import at
from test_regenerate import add_full_year_and_drop_bear, data_copy

SHEET = "Analyst notes"


def build(data, out, *extra):
    res = run("build", "--data", data, "--out", out, *extra)
    assert res.returncode == 0 and "Traceback" not in res.stderr, res.stdout + res.stderr
    return res


def set_growth(folder, scenario, driver, year, value):
    """Set one assumption in assumptions.csv (a percentage)."""
    path = folder / "assumptions.csv"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    head = lines[0].split(",")
    col = head.index(f"FY{year}")
    for i, line in enumerate(lines):
        cells = line.split(",")
        if cells[:2] == [scenario, driver]:
            cells[col] = f"{value * 100:g}%"
            lines[i] = ",".join(cells)
    path.write_text("".join(lines), encoding="utf-8")


def block_index(wb, name, period):
    """The column (from 1) of the input block `name` headed `period` (FY2027E): what INDEX(name,1,k) reads."""
    (sheet, ref), = wb.defined_names[name].destinations
    ws = wb[sheet]
    first = ws[ref.replace("$", "").split(":")[0]].column
    cols = {"".join(header_period(c.value, c.number_format)): c.column for row in ws.iter_rows(max_row=10)
            for c in row if header_period(c.value, c.number_format)}
    return cols[period] - first + 1


def assumption(folder, scenario, driver, column):
    """A percentage of assumptions.csv as a fraction: the figure an INDEX over its input block should read."""
    import csv
    with open(folder / "assumptions.csv", encoding="utf-8", newline="") as f:
        row = next(r for r in csv.DictReader(f) if (r["scenario"], r["driver"]) == (scenario, driver))
    return float(row[column].rstrip("%")) / 100


def cash_cell(wb, scenario, period):
    """Closing cash of a scenario's block on Cash & Funding, in the column headed `period`."""
    ws = wb["Cash & Funding"]
    top = next(c.row for c in ws["A"] if c.value == f"Scenario: {scenario}")
    row = next(c.row for c in ws["A"] if c.row > top and c.value == "Closing cash")
    return ws.cell(row, at(ws, "Closing cash", period).column)


def add_analyst_sheet(path):
    """The sheet an analyst adds after the Income Statement: text, numbers, formulas into the Income
    Statement, Cash & Funding, names and INDEX over an input block, and every kind of formatting."""
    wb = openpyxl.load_workbook(path)
    inc = wb["Income Statement"]
    rev27, rev25 = at(inc, "Total revenue", "FY2027E"), at(inc, "Total revenue", "FY2025E")
    rev29 = at(inc, "Total revenue", "FY2029E")
    ws = wb.create_sheet(SHEET, wb.sheetnames.index("Income Statement") + 1)
    ws["A1"] = "My analysis"
    ws["A1"].font = Font(bold=True, size=14, color="FF1F3864")
    ws.merge_cells("A1:D1")
    formulas = {"B2": f"='Income Statement'!{rev27.coordinate}", "B3": "=MasterCheck",
                "B4": f"=INDEX(Asm_base_growth_cloud,1,{block_index(wb, 'Asm_base_growth_cloud', 'FY2027E')})", "B5": f"='Cash & Funding'!{cash_cell(wb, 'base', 'FY2028E').coordinate}",
                "B6": f"=SUM('Income Statement'!{rev27.coordinate}:{rev29.coordinate})", "B7": "=B2*2", "B9": "=MyRevenue+0",
                "B10": f"='Income Statement'!{rev25.coordinate}", "B11": f"='Cash & Funding'!{cash_cell(wb, 'bear', 'FY2028E').coordinate}",
                "B12": "=INDEX(Asm_bear_growth_cloud,1,1)", "B13": f"=INDEX(Asm_base_growth_cloud,1,{block_index(wb, 'Asm_base_growth_cloud', 'FY2028E')})"}
    for label, (ref, formula) in zip(["Revenue FY2027E", "Checks failing", "Cloud growth FY2027E base",
                                      "Closing cash FY2028E base", "Revenue FY2027-29E", "Twice revenue",
                                      "Revenue by my name", "Revenue FY2025E", "Closing cash FY2028E bear",
                                      "Bear cloud growth, first", "Cloud growth FY2028E base"], formulas.items()):
        ws[f"A{ref[1:]}"] = label
        ws[ref] = formula
    ws["A8"], ws["B8"] = "My estimate", 42.5
    ws["B2"].number_format = "#,##0.000"
    ws["B4"].number_format = "0.0%"
    ws["B2"].fill = PatternFill("solid", fgColor="FFFFFF00")
    ws["B2"].border = Border(bottom=Side(style="thick", color="FFFF0000"))
    ws.column_dimensions["A"].width = 34
    ws.row_dimensions[2].height = 24
    ws.freeze_panes = "B2"
    dv = DataValidation(type="list", formula1='"yes,no"')
    ws.add_data_validation(dv)
    dv.add("C2")
    ws["C3"] = "report"
    ws["C3"].hyperlink = "https://example.com/report"
    ws["A2"].comment = Comment("my own note", "me")
    chart = BarChart()
    chart.add_data(Reference(ws, min_col=2, min_row=2, max_row=8))
    ws.add_chart(chart, "E2")
    ws.conditional_formatting.add("B2:B9", CellIsRule(operator="greaterThan", formula=["100"],
                                                      fill=PatternFill("solid", bgColor="FFFFC7CE")))
    scratch = wb.create_sheet("Scratch")
    scratch["A1"] = "=B1*2"
    scratch["B1"] = 21
    scratch.sheet_state = "hidden"
    wb.defined_names["MyRevenue"] = DefinedName("MyRevenue", attr_text=f"'Income Statement'!${rev27.column_letter}${rev27.row}")
    wb.save(path)


def values(path, sheet=SHEET):
    ws = openpyxl.load_workbook(path, data_only=True)[sheet]
    return {c.coordinate: c.value for row in ws.iter_rows() for c in row if c.value is not None}


def formulas(path, sheet=SHEET):
    ws = openpyxl.load_workbook(path)[sheet]
    return {c.coordinate: c.value for row in ws.iter_rows() for c in row if isinstance(c.value, str) and c.value.startswith("=")}


def cell_xfs(path):
    with zipfile.ZipFile(path) as z:
        return int(re.search(rb'<cellXfs count="(\d+)"', z.read("xl/styles.xml")).group(1))


@pytest.fixture()
def annotated(tmp_path):
    """A January workbook with the analyst's sheet, rebuilt once (so that its formulas hold cached values)."""
    out, data = tmp_path / "model.xlsx", data_copy(tmp_path, ZHIPU_JAN)
    build(data, out)
    add_analyst_sheet(out)
    res = build(data, out)
    assert f"2 sheets of yours ('{SHEET}', 'Scratch')" in res.stdout, res.stdout
    return out, data


def test_the_sheet_and_all_it_holds_survive_six_rebuilds_with_changed_data(annotated):
    out, data = annotated
    sizes = []
    for i in range(6):
        set_growth(data, "base", "growth_cloud", 2027, 0.9 + 0.05 * i)   # the data change: revenue moves
        res = build(data, out)
        assert "warning" not in res.stderr and "kept as value" not in res.stdout, res.stdout + res.stderr
        sizes.append(cell_xfs(out))
        wb, got = openpyxl.load_workbook(out, data_only=True), values(out)
        inc = wb["Income Statement"]
        revenue = [at(inc, "Total revenue", f"FY{y}E").value for y in (2027, 2028, 2029)]
        # each formula gives the line item and period it read, in the rebuilt workbook
        assert got["B2"] == pytest.approx(revenue[0], rel=1e-12) and got["B7"] == pytest.approx(2 * revenue[0], rel=1e-12)
        assert got["B4"] == pytest.approx(0.9 + 0.05 * i, rel=1e-12) and got["B3"] == 0
        assert got["B5"] == pytest.approx(cash_cell(wb, "base", "FY2028E").value, rel=1e-12)
        assert got["B6"] == pytest.approx(sum(revenue), rel=1e-12) and got["B9"] == pytest.approx(revenue[0], rel=1e-12)
        assert got["B8"] == 42.5
    assert len(set(sizes)) == 1   # the sheet's formats go into the new styles once, not once more each build
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames.index(SHEET) == wb.sheetnames.index("Income Statement") + 1
    ws = wb[SHEET]
    assert ws["A1"].value == "My analysis" and ws["A1"].font.b and ws["A1"].font.sz == 14
    assert ws["A1"].font.color.rgb == "FF1F3864" and [str(r) for r in ws.merged_cells.ranges] == ["A1:D1"]
    assert ws["B2"].number_format == "#,##0.000" and ws["B4"].number_format == "0.0%"
    assert ws["B2"].fill.fgColor.rgb == "FFFFFF00" and ws["B2"].border.bottom.style == "thick"
    assert ws.column_dimensions["A"].width == 34 and ws.row_dimensions[2].height == 24 and ws.freeze_panes == "B2"
    dv, = ws.data_validations.dataValidation
    assert dv.formula1 == '"yes,no"' and str(dv.sqref) == "C2"
    assert ws["C3"].hyperlink.target == "https://example.com/report" and ws["A2"].comment.text == "my own note"
    assert len(ws._charts) == 1
    cf, = ws.conditional_formatting
    rule, = cf.rules
    assert str(cf.sqref) == "B2:B9" and rule.formula == ["100"] and rule.dxf.fill.bgColor.rgb == "FFFFC7CE"
    assert wb["Scratch"].sheet_state == "hidden" and values(out, "Scratch")["A1"] == 42
    assert formulas(out)["B9"] == "=MyRevenue+0" and "Income Statement" in wb.defined_names["MyRevenue"].attr_text
    assert backup.backups(out, "kept") == [] and "Review" not in wb.sheetnames


def test_a_roll_forward_re_points_the_formulas_and_keeps_what_lost_its_target(annotated):
    out, data = annotated
    before_f, before_v = formulas(out), values(out)
    add_full_year_and_drop_bear(data)   # FY2025 becomes an actual (rows above the revenue line go), bear is retired
    res = build(data, out)
    wb = openpyxl.load_workbook(out)
    inc = openpyxl.load_workbook(out, data_only=True)["Income Statement"]
    rev27 = at(wb["Income Statement"], "Total revenue", "FY2027E").coordinate
    got_f, got_v = formulas(out), values(out)
    assert before_f["B2"] != got_f["B2"] == f"='Income Statement'!{rev27}"   # the revenue line moved: re-pointed
    assert got_v["B2"] == pytest.approx(at(inc, "Total revenue", "FY2027E").value, rel=1e-12)
    # FY2025E became an actual, the bear scenario and its names are gone: each keeps its last value and says why
    for ref, why in (("B10", "Total revenue FY2025E is no longer on Income Statement (FY2025 is now an actual year)"),
                     ("B11", "is no longer on Cash & Funding"),
                     ("B12", "the model no longer defines the name Asm_bear_growth_cloud")):
        assert ref not in got_f and got_v[ref] == before_v[ref] != 0, ref
        assert wb[SHEET][ref].comment.text.startswith(before_f[ref] + "\n") and why in wb[SHEET][ref].comment.text
        assert f"kept as value  {SHEET}!{ref}: {before_f[ref]}; " in res.stdout and why in res.stdout
    review = {r[1]: r for r in wb["Review"].iter_rows(values_only=True) if r[1]}
    kept, = backup.backups(out, "kept")
    assert review[f"{SHEET}!B10"][3] == before_f["B10"] and review[f"{SHEET}!B10"][4].endswith(
        f"It stays in the kept copy {kept.name}.")
    assert formulas(kept)["B10"] == before_f["B10"]


def test_index_over_an_input_block_follows_its_year(annotated):
    """January to today's data: FY2026 becomes 1H2026 actual + 2H2026E and FY2027 runs in halves, so the
    block's columns move. INDEX(block,1,k) that read FY2028E reads FY2028E at its new index; the one that
    read FY2027E, a year now forecast by its halves' drivers, is kept as its value and says why."""
    out, _ = annotated
    before, before_f = values(out), formulas(out)
    res = build(ZHIPU, out)
    got_f, got_v = formulas(out), values(out)
    k = block_index(openpyxl.load_workbook(out), "Asm_base_growth_cloud", "FY2028E")
    assert got_f["B13"] == f"=INDEX(Asm_base_growth_cloud,1,{k})" != before_f["B13"]
    assert got_v["B13"] == pytest.approx(assumption(ZHIPU, "base", "growth_cloud", "FY2028"), rel=1e-12)
    assert "B4" not in got_f and got_v["B4"] == before["B4"] == pytest.approx(
        assumption(ZHIPU_JAN, "base", "growth_cloud", "FY2027"))
    assert "FY2027 is now 1H2027E plus 2H2027E" in res.stdout and f"kept as value  {SHEET}!B4: " in res.stdout


def test_a_sheet_named_like_a_new_tab_is_carried_under_another_name(tmp_path):
    out, data = tmp_path / "model.xlsx", data_copy(tmp_path, ZHIPU_JAN)
    build(data, out)
    wb = openpyxl.load_workbook(out)
    wb.create_sheet("Review")["A1"] = 7
    wb.create_sheet("Mine")["A1"] = "=Review!A1*2"
    (sheet, coord), = wb.defined_names["Act_rnd"].destinations
    wb[sheet][coord.replace("$", "").split(":")[0]].offset(0, 2).value = 25.0
    wb.save(out)
    text = (data / "actuals.csv").read_text(encoding="utf-8")
    (data / "actuals.csv").write_text(text.replace("rnd,FY2024,21.954", "rnd,FY2024,22.5"), encoding="utf-8")
    res = build(data, out)   # the conflict brings our Review tab: the user's Review becomes 'Review (2)'
    assert "renamed  sheet 'Review' -> 'Review (2)'" in res.stdout
    wb = openpyxl.load_workbook(out)
    assert wb["Review (2)"]["A1"].value == 7 and wb["Mine"]["A1"].value == "='Review (2)'!A1*2"
    assert values(out, "Mine")["A1"] == 14


def million_cell_sheet(src, dst, rows=100_000, cols=10):
    """A copy of the workbook with a sheet of rows x cols numbers added in the raw XML."""
    data = "".join(f'<row r="{r}">' + "".join(f'<c r="{c}{r}"><v>{r}</v></c>' for c in "ABCDEFGHIJ"[:cols]) + "</row>"
                   for r in range(1, rows + 1))
    sheet = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="http://schemas.openxmlformats'
             f'.org/spreadsheetml/2006/main"><sheetData>{data}</sheetData></worksheet>')
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            raw = zin.read(item.filename)
            if item.filename == "xl/workbook.xml":
                raw = raw.replace(b'<sheet name="_meta"', b'<sheet name="Big" sheetId="99" r:id="rIdBig"/><sheet name="_meta"')
            elif item.filename == "xl/_rels/workbook.xml.rels":
                raw = raw.replace(b"</Relationships>", b'<Relationship Id="rIdBig" Type="http://schemas.openxmlformats.org/'
                                  b'officeDocument/2006/relationships/worksheet" Target="worksheets/big.xml"/></Relationships>')
            elif item.filename == "[Content_Types].xml":
                raw = raw.replace(b"</Types>", b'<Override PartName="/xl/worksheets/big.xml" ContentType="application/'
                                  b'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>')
            zout.writestr(item.filename, raw)
        zout.writestr("xl/worksheets/big.xml", sheet)
    return dst


def test_a_million_cell_sheet_is_left_in_the_kept_copy_in_bounded_time_and_memory(tmp_path):
    out = tmp_path / "model.xlsx"
    build(ZHIPU_JAN, out)
    million_cell_sheet(out, tmp_path / "big.xlsx")
    shutil.copy(tmp_path / "big.xlsx", out)
    start = time.monotonic()
    res = subprocess.run(["/usr/bin/time", "-f", "%M", sys.executable, str(ROOT / "cli.py"), "build", "--data",
                          str(ZHIPU_JAN), "--out", str(out)], capture_output=True, text=True, timeout=600)
    assert res.returncode == 0, res.stderr
    peak_mb = int(res.stderr.strip().splitlines()[-1]) / 1024
    assert time.monotonic() - start < 120 and peak_mb < 600, peak_mb   # 1,000,000 cells read as bytes, never parsed
    assert "Big: not carried: 1,000,000 cells, more than the 200,000 one sheet may have" in res.stderr
    kept, = backup.backups(out, "kept")
    assert "Big" in readback.open_workbook(kept, skip_large=True).sheetnames
    assert "Big" not in openpyxl.load_workbook(out).sheetnames


def test_the_spliced_workbook_passes_the_open_xml_validator(annotated, tmp_path):
    pytest.importorskip("openxml_audit")
    from openxml_audit import FileFormat, OpenXmlValidator
    out, _ = annotated
    for fmt in ("microsoft365", "office2010"):
        result = OpenXmlValidator(file_format=FileFormat(fmt), max_errors=0).validate(out)
        assert [str(e) for e in result.errors] == [], fmt


def test_kill_9_at_any_moment_leaves_the_old_or_the_whole_new_workbook(annotated):
    """A build killed (SIGKILL) while it reads, builds, splices or writes: the workbook at --out is either
    the one before or the complete new one, its sheet included; never a half-written file."""
    import signal
    out, data = annotated
    before = out.read_bytes()
    for delay in (0.5, 1.0, 1.5, 2.0, 2.5, 3.0):
        proc = subprocess.Popen([sys.executable, str(ROOT / "cli.py"), "build", "--data", str(data), "--out", str(out)],
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(delay)
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        now = out.read_bytes()
        if now != before:   # the new workbook, whole: readable, the user's sheet in it
            assert SHEET in readback.open_workbook(out).sheetnames
            before = now
        assert values(out)["B8"] == 42.5


def test_a_failure_while_splicing_leaves_the_workbook_as_it_was(annotated, monkeypatch):
    from model.data.company import load
    from model.regen import regenerate as rebuild
    out, data = annotated
    before = out.read_bytes()

    def broken(path, *args, **kw):
        open(path, "wb").write(b"half a package")
        raise OSError(28, "No space left on device")
    monkeypatch.setattr(rebuild, "splice", broken)
    with pytest.raises(OSError):
        rebuild.regenerate(load(data), out)
    assert out.read_bytes() == before and not list(out.parent.glob(".model.xlsx.*.tmp"))


def test_a_part_that_cannot_be_carried_is_named_and_the_sheet_still_comes(annotated, tmp_path):
    """An ActiveX control on the user's sheet (its own relationship and part): left out and named, with the
    kept copy; the sheet and the rest of it carried, and the file still passes the Open XML validator."""
    from test_user_safety import sheet_part
    out, data = annotated
    part = sheet_part(out, SHEET)
    rels = part.replace("worksheets/", "worksheets/_rels/") + ".rels"
    edited = tmp_path / "control.xlsx"
    with zipfile.ZipFile(out) as zin, zipfile.ZipFile(edited, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            raw = zin.read(item.filename)
            if item.filename == part:
                raw = raw.replace(b"</worksheet>", b'<controls xmlns:r="http://schemas.openxmlformats.org/officeDocument/'
                                  b'2006/relationships"><control shapeId="1025" r:id="rIdCtl" name="Button 1"/>'
                                  b"</controls></worksheet>")
            elif item.filename == rels:
                raw = raw.replace(b"</Relationships>", b'<Relationship Id="rIdCtl" Type="http://schemas.openxmlformats.org/'
                                  b'officeDocument/2006/relationships/ctrlProp" Target="../ctrlProps/ctrlProp1.xml"/>'
                                  b"</Relationships>")
            zout.writestr(item.filename, raw)
        zout.writestr("xl/ctrlProps/ctrlProp1.xml", '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
                      '<formControlPr xmlns="http://schemas.microsoft.com/office/spreadsheetml/2009/9/main" objectType="Button"/>')
    shutil.copy(edited, out)
    res = build(data, out)
    assert f"not carried  {SHEET}: ctrlProp; a form control, left out of the sheet" in res.stdout, res.stdout
    kept, = backup.backups(out, "kept")
    assert f"{SHEET}: ctrlProp not carried: a form control" in res.stderr and kept.name in res.stderr
    assert values(out)["B8"] == 42.5 and "ctrlProp" not in str(zipfile.ZipFile(out).namelist())
    pytest.importorskip("openxml_audit")
    from openxml_audit import FileFormat, OpenXmlValidator
    assert [str(e) for e in OpenXmlValidator(file_format=FileFormat("microsoft365"), max_errors=0).validate(out).errors] == []


def test_a_name_of_the_users_that_the_model_now_defines_is_listed(annotated):
    """A name the user made that a newer model defines too (as if the record of the build before did not
    have it): the model's stands, the user's is listed, never written twice."""
    import json
    out, data = annotated
    wb = openpyxl.load_workbook(out)
    row = next(r for r in wb["_meta"].iter_rows() if r[0].value == "names")
    names = json.loads("".join(c.value or "" for c in row[2:]))
    row[2].value = json.dumps([n for n in names if n != "LowestCash"])
    for cell in row[3:]:
        cell.value = None
    wb.save(out)
    res = build(data, out)
    assert "not carried  LowestCash: " in res.stdout and "the model now defines a name of that name" in res.stdout
    with zipfile.ZipFile(out) as z:
        assert z.read("xl/workbook.xml").count(b'name="LowestCash"') == 1
