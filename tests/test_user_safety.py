"""Nothing the user made is lost (issue 13): what a careless or hostile user can do to a workbook or a
data folder ends in the user's work kept (in the file, or in a copy named in the output that no
rotation removes), or in a clear message with exit code 2 (1 where the machine is at fault), never a
traceback, the previous files as they were."""
import json
import os
import re
import shutil
import time
import zipfile

import openpyxl
import pytest

from conftest import MERIDIAN, ZHIPU, ZHIPU_JAN, ZHIPU_UNITS, run
from model.regen import backup
from test_regenerate import cell_of, data_copy, edit


def clean(res, code):
    assert res.returncode == code, (res.stdout, res.stderr)
    assert "Traceback" not in res.stderr + res.stdout
    return res


@pytest.fixture()
def built(tmp_path):
    out = tmp_path / "model.xlsx"
    clean(run("build", "--data", ZHIPU, "--out", out), 0)
    return out


# --- 1. a sheet the user added survives any number of rebuilds ---

def test_an_added_sheet_survives_seven_rebuilds_in_the_working_workbook(built):
    wb = openpyxl.load_workbook(built)
    wb.create_sheet("My notes")["A1"] = "my own analysis"
    wb.save(built)
    for _ in range(7):
        res = clean(run("build", "--data", ZHIPU, "--out", built), 0)
        assert "1 sheet of yours ('My notes')" in res.stdout and "warning" not in res.stderr, res.stdout + res.stderr
    assert openpyxl.load_workbook(built)["My notes"]["A1"].value == "my own analysis"
    assert backup.backups(built, "kept") == []   # nothing left out: no kept copy needed
    assert len(backup.backups(built)) == backup.KEEP   # the rotation ran


def test_a_dropped_edit_and_reset_keep_a_copy_that_no_rotation_removes(built):
    edit(built, built, {("Asm_base_growth_cloud", 2): -5.0})   # growth below -100%: dropped
    res = clean(run("build", "--data", ZHIPU, "--out", built), 0)
    assert "dropped" in res.stdout and "Kept copy" in res.stdout
    edit(built, built, {("Asm_base_growth_cloud", 2): 0.42})
    res = clean(run("build", "--data", ZHIPU, "--out", built, "--reset"), 0)
    assert "Kept copy" in res.stdout
    for _ in range(6):
        clean(run("build", "--data", ZHIPU, "--out", built), 0)
    kept = backup.backups(built, "kept")
    assert len(kept) == 2
    values = [cell_of(openpyxl.load_workbook(p, data_only=True), "Asm_base_growth_cloud", 2).value for p in kept]
    assert values == [-5.0, 0.42]


# --- 2. edits --apply keeps what the data files changed since the build ---

@pytest.fixture()
def from_copy(tmp_path):
    data = data_copy(tmp_path, ZHIPU_JAN)   # the January data: FY2024 revenue given without gross profit
    out = tmp_path / "model.xlsx"
    clean(run("build", "--data", data, "--out", out), 0)
    return data, out


def set_revenue_2024(data, value):
    path = data / "actuals.csv"
    text = path.read_text(encoding="utf-8")
    assert "revenue,FY2024,3.12414," in text and "cost_of_revenue,FY2024,1.36525," in text
    cost = round(1.36525 + float(value) - 3.12414, 6)   # gross profit, given too, still ties
    text = text.replace("cost_of_revenue,FY2024,1.36525,", f"cost_of_revenue,FY2024,{cost},")
    path.write_text(text.replace("\nrevenue,FY2024,3.12414,", f"\nrevenue,FY2024,{value},"), encoding="utf-8")


def test_apply_after_a_data_file_change_leaves_the_new_value_and_says_so(from_copy):
    data, out = from_copy
    set_revenue_2024(data, "3.2")
    edit(out, out, {("Asm_base_growth_cloud", 2): 0.7})   # the user's one edit
    res = clean(run("edits", out, "--data", data, "--apply"), 0)
    assert "revenue,FY2024,3.2," in (data / "actuals.csv").read_text(encoding="utf-8")
    assert re.search(r"Act_revenue.*FY2024A.*changed it from 3\.12414 to 3\.2.*keep 3\.2", res.stdout), res.stdout
    assert ",70%," in (data / "assumptions.csv").read_text(encoding="utf-8")


def test_apply_refuses_where_both_the_workbook_and_the_data_file_changed(from_copy):
    data, out = from_copy
    set_revenue_2024(data, "3.2")
    edit(out, out, {("Act_revenue", 2): 3.5, ("Asm_base_growth_cloud", 2): 0.7})
    before = {p.name: p.read_bytes() for p in data.iterdir()}
    res = clean(run("edits", out, "--data", data, "--apply"), 2)
    assert "actuals.csv, row 4" in res.stderr and "Act_revenue" in res.stderr, res.stderr
    assert {p.name: p.read_bytes() for p in data.iterdir()} == before


# --- 3, 5. the data folder is the one recorded at build time, inside the project ---

def test_apply_without_data_writes_into_the_folder_the_workbook_was_built_from(tmp_path):
    out = tmp_path / "meridian.xlsx"
    clean(run("build", "--data", MERIDIAN, "--out", out), 0)
    zhipu = {p.name: p.read_bytes() for p in ZHIPU.iterdir()}
    res = clean(run("edits", out, "--apply"), 0)
    assert "No differences" in res.stdout and "meridian" in res.stdout
    assert {p.name: p.read_bytes() for p in ZHIPU.iterdir()} == zhipu


def set_record_folder(path, payload_change):
    """Rewrite the version row of the build record (openpyxl keeps the very hidden sheet)."""
    wb = openpyxl.load_workbook(path)
    ws = wb["_meta"]
    payload = json.loads(ws["C1"].value)
    payload_change(payload)
    ws["C1"].value = json.dumps(payload)
    wb.save(path)


@pytest.mark.parametrize("folder", ["/tmp", "../../..", "../outside"])
def test_a_folder_named_in_the_workbook_outside_the_project_is_refused(built, tmp_path, folder):
    edit(built, built, {("Asm_base_growth_cloud", 2): 0.7})
    set_record_folder(built, lambda p: p.update(path=folder, folder=folder))
    res = clean(run("edits", built, "--apply"), 2)
    assert "--data" in res.stderr and repr(folder) in res.stderr
    assert backup.backups(ZHIPU / "assumptions.csv", "kept") == []


def test_a_workbook_without_record_needs_data_for_apply(built):
    wb = openpyxl.load_workbook(built)
    del wb["_meta"]
    wb.save(built)
    res = clean(run("edits", built, "--apply"), 2)
    assert "--data" in res.stderr


# --- 4. without the build record every edit still carries over, and nothing is falsely "added" ---

def test_edits_carry_over_without_a_build_record(built):
    edit(built, built, {("Fund_opening_cash", 0): 30.0, ("Step_growth_step", 0): 0.2, ("Claim_MULT", 0): 5.5,
                        ("ReferenceFigures", 0): 0.6})
    wb = openpyxl.load_workbook(built)
    del wb["_meta"]
    wb.save(built)
    res = clean(run("build", "--data", ZHIPU, "--out", built), 0)
    assert "you added" not in res.stderr, res.stderr
    assert "4 kept" in res.stdout, res.stdout
    wb = openpyxl.load_workbook(built, data_only=True)
    assert [cell_of(wb, n).value for n in ("Fund_opening_cash", "Step_growth_step", "Claim_MULT",
                                           "ReferenceFigures")] == [30.0, 0.2, 5.5, 0.6]


# one input of every family of defined names the Inputs tab gives the shipped data (the unit build and
# the funding events included): (name, offset in its range) -> a new value the data rules allow
EVERY_FAMILY = {("Act_rnd", 1): 5.5, ("Asm_base_gm_onprem", 2): 0.41, ("Tol_amount", 0): 0.001,
                ("Fund_min_cash", 0): 25.0, ("Step_growth_step", 0): 0.2, ("Unit_days_per_year", 0): 360.0,
                ("Event_placing_jul_amount", 0): 300.0, ("Claim_MULT", 0): 5.5, ("ClaimTol_MULT", 0): 0.2,
                ("ReferenceFigures", 0): 0.6, ("Ref_rent_china_low", 0): 7.5, ("Market_jpm_feb_gm26", 0): 0.5,
                ("Arr_haircut_bull", 0): 0.5, ("Peer_minimax_fx_rate", 0): 7.2,
                ("Scenario", 0): "bull", ("Bal_bank_loans_rate", 0): 0.05, ("Val_discount_rate", 0): 0.11,
                # the Monte Carlo's: a setting (RiskTrials, RiskSeed ...), a range, the scenario weights (still 100%)
                ("RiskSeed", 0): 7.0, ("Risk_token_growth", 2): 0.3, ("Weight_bull", 0): 0.3, ("Weight_bear", 0): 0.2}


def family(name):
    return re.match(r"^([A-Za-z]+_|ReferenceFigures$|Scenario$|Risk(?=[A-Z]))", name).group(1)


def test_a_workbook_without_build_record_keeps_an_edit_of_every_input_family(tmp_path):
    out = tmp_path / "model.xlsx"
    clean(run("build", "--data", ZHIPU_UNITS, "--out", out), 0)
    wb = openpyxl.load_workbook(out)
    record = {row[1].value for row in wb["_meta"].iter_rows() if row[0].value == "input"}   # every input block
    assert {family(n) for n in record} == {family(n) for n, _ in EVERY_FAMILY}   # a new family needs a case here
    del wb["_meta"]
    wb.save(out)
    edit(out, out, EVERY_FAMILY)
    res = clean(run("build", "--data", ZHIPU_UNITS, "--out", out), 0)
    assert "no build record" in res.stdout and f"{len(EVERY_FAMILY)} kept, 0 dropped" in res.stdout, res.stdout
    assert "kept     Unit_days_per_year" in res.stdout and "kept     Event_placing_jul_amount" in res.stdout
    wb = openpyxl.load_workbook(out, data_only=True)
    assert {key: cell_of(wb, *key).value for key in EVERY_FAMILY} == EVERY_FAMILY


# --- 6. small hostile files cannot exhaust time or memory ---

def rewrite_part(src, dst, part, change):
    """A copy of the workbook with one part's XML text changed."""
    with zipfile.ZipFile(src) as zin, zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == part:
                data = change(data.decode("utf-8")).encode("utf-8")
            zout.writestr(item.filename, data)
    return dst


def sheet_part(path, title):
    """The zip part of a sheet, by its title."""
    with zipfile.ZipFile(path) as z:
        wb, rels = z.read("xl/workbook.xml").decode(), z.read("xl/_rels/workbook.xml.rels").decode()
    rid = re.search(rf'<sheet name="{re.escape(title)}" sheetId="\d+" r:id="(\w+)"', wb).group(1)
    return "xl/" + re.search(rf'Id="{rid}"[^>]*Target="([^"]+)"|Target="([^"]+)"[^>]*Id="{rid}"', rels).group(1)


def add_rows(xml, rows):
    return xml.replace("</sheetData>", rows + "</sheetData>", 1)


HOSTILE_BOOKS = {
    # a defined name covering a whole sheet: 17 billion cells if read as a block
    "whole-sheet-name": (lambda good, p: rewrite_part(good, p, "xl/workbook.xml", lambda x: re.sub(
        r'(<definedName name="Act_revenue">)[^<]+', r"\1Inputs!$A$1:$XFD$1048576", x)),
        "the defined name Act_revenue covers A1:XFD1048576"),
    # a cell beyond the last row a worksheet has
    "row-beyond-the-sheet": (lambda good, p: rewrite_part(good, p, sheet_part(good, "Inputs"), lambda x: add_rows(
        x, '<row r="100000000"><c r="A100000000"><v>1</v></c></row>')), "beyond a worksheet's last row"),
    # within the size limits, but more cells than a model workbook could have
    "many-cells": (lambda good, p: rewrite_part(good, p, sheet_part(good, "Cover"), lambda x: add_rows(
        x, "".join(f'<row r="{r}">' + "".join(f'<c r="{c}{r}"><v>{r}</v></c>' for c in "KLMNOPQRST") + "</row>"
                   for r in range(2000, 62000)))), "more than the 200,000 one sheet may have; a model tab has far fewer"),
    "many-texts": (lambda good, p: rewrite_part(good, p, "xl/sharedStrings.xml", lambda x: re.sub(
        "</sst>", "".join(f"<si><t>{i}</t></si>" for i in range(600_000)) + "</sst>", x)), "more than 500,000 shared"),
}


@pytest.mark.parametrize("kind", HOSTILE_BOOKS)
def test_a_hostile_workbook_is_refused_in_seconds_without_a_traceback(built, tmp_path, kind):
    make, expected = HOSTILE_BOOKS[kind]
    path = make(built, tmp_path / "hostile.xlsx")
    before = path.read_bytes()
    for command in (["build", "--out", path], ["edits", path, "--data", ZHIPU], ["diff", built, path]):
        start = time.monotonic()
        res = clean(run(*command), 2)
        assert time.monotonic() - start < 30
        assert expected in res.stderr, res.stderr
    assert path.read_bytes() == before


# --- 7. damaged build records and failures of the machine end in a message, not a traceback ---

def damage(cell, text):
    def change(wb):
        wb["_meta"][cell].value = text
    return change


def input_row(wb, change):
    ws = wb["_meta"]
    row = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "input")
    payload = json.loads(ws.cell(row, 3).value)
    ws.cell(row, 3).value = json.dumps(change(payload))


def layout_row(wb):
    ws = wb["_meta"]
    row = next(r for r in range(1, ws.max_row + 1) if ws.cell(r, 1).value == "layout")
    ws.cell(row, 3).value = json.dumps([[1, 2, 3], "x"])


DAMAGED = {
    "version-a-list": damage("C1", "[1, 2]"),
    "block-a-number": lambda wb: input_row(wb, lambda p: 5),
    "cells-cut-short": lambda wb: input_row(wb, lambda p: {**p, "cells": [[0, 0]]}),
    "unknown-language": damage("C1", json.dumps({"folder": "zhipu", "lang": "fr"})),
    "block-without-shape": lambda wb: input_row(wb, lambda p: {k: v for k, v in p.items() if k != "shape"}),
    "bad-slot-token": lambda wb: input_row(wb, lambda p: {**p, "cells": [[0, 0, "actual|x", 1]]}),
    "bad-layout": layout_row,
}


@pytest.mark.parametrize("kind", DAMAGED)
def test_a_damaged_build_record_is_a_note_in_build_edits_and_diff(built, tmp_path, kind):
    path = tmp_path / "damaged.xlsx"
    wb = openpyxl.load_workbook(built)
    DAMAGED[kind](wb)
    wb.save(path)
    copy = tmp_path / "copy.xlsx"
    shutil.copy(path, copy)
    res = clean(run("build", "--data", ZHIPU, "--out", copy), 0)
    assert "build record" in res.stdout, res.stdout
    assert "build record" in clean(run("edits", path, "--data", ZHIPU), 0).stdout
    clean(run("diff", built, path), 0)


def test_a_full_disk_while_writing_is_exit_1_and_the_old_workbook_stays(built, monkeypatch):
    import errno
    from click.testing import CliRunner
    import cli
    import xlsxwriter.workbook
    before = built.read_bytes()

    def full(self):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(xlsxwriter.workbook.Workbook, "_store_workbook", full)
    res = CliRunner().invoke(cli.main, ["build", "--out", str(built)])
    assert res.exit_code == 1 and "No space left on device" in res.output, res.output
    assert not isinstance(res.exception, Exception) or isinstance(res.exception, SystemExit)
    assert built.read_bytes() == before
    assert [p.name for p in built.parent.iterdir() if p.suffix == ".tmp"] == []


def test_apply_into_a_folder_that_cannot_be_written_is_a_message(from_copy, monkeypatch):
    import tempfile
    from click.testing import CliRunner
    import cli
    data, out = from_copy
    edit(out, out, {("Asm_base_growth_cloud", 2): 0.7})
    before = {p.name: p.read_bytes() for p in data.iterdir()}
    real = tempfile.mkstemp

    def denied(*a, dir=None, **k):   # the tests run as root, whom permissions do not stop
        if dir is not None and os.path.samefile(dir, data):
            raise PermissionError(13, "Permission denied")
        return real(*a, dir=dir, **k)

    monkeypatch.setattr(tempfile, "mkstemp", denied)
    res = CliRunner().invoke(cli.main, ["edits", str(out), "--data", str(data), "--apply"])
    assert res.exit_code == 1 and "Permission denied" in res.output and "nothing changed" in res.output, res.output
    assert isinstance(res.exception, SystemExit)
    assert {p.name: p.read_bytes() for p in data.iterdir()} == before


@pytest.mark.parametrize("name", ["company.toml", "units.toml"])
def test_a_deeply_nested_toml_is_a_data_error(tmp_path, name):
    data = data_copy(tmp_path, ZHIPU_UNITS)   # the shipped folder: units.toml too
    with open(data / name, "a", encoding="utf-8") as f:
        f.write("deep = " + "[" * 100_000 + "]" * 100_000 + "\n")
    res = clean(run("build", "--data", data, "--out", tmp_path / "m.xlsx"), 2)
    assert name in res.stderr and "nested too deeply" in res.stderr


def test_an_out_name_too_long_for_the_file_system_is_a_message(tmp_path):
    res = clean(run("build", "--data", ZHIPU, "--out", tmp_path / ("m" * 300 + ".xlsx")), 2)
    assert "cannot write" in res.stderr and "too long" in res.stderr


# --- 8. text stays text in charts ---

def test_a_unit_that_looks_like_a_reference_stays_text_in_every_chart(tmp_path):
    data = data_copy(tmp_path)
    toml = (data / "company.toml").read_text(encoding="utf-8")
    assert 'unit = "RMB 100m"' in toml
    (data / "company.toml").write_text(toml.replace('unit = "RMB 100m"', 'unit = "RMB 100m (see Notes!B2)"'),
                                       encoding="utf-8")
    out = tmp_path / "m.xlsx"
    clean(run("build", "--data", data, "--out", out), 0)
    with zipfile.ZipFile(out) as z:
        charts = {n: z.read(n).decode() for n in z.namelist() if n.startswith("xl/charts/chart")}
    formulas = [f for xml in charts.values() for f in re.findall(r"<c:f>([^<]*)</c:f>", xml)]
    assert formulas and not [f for f in formulas if "Notes" in f]
    assert sum("(see Notes!B2)" in xml for xml in charts.values()) >= 4


# --- 9. smaller: links, read-only files, killed runs, implausible values, misleading messages ---

def test_a_symlinked_out_stays_a_link_to_the_rebuilt_file(built, tmp_path):
    link = tmp_path / "link.xlsx"
    link.symlink_to(built)
    clean(run("build", "--data", ZHIPU, "--out", link), 0)
    assert link.is_symlink() and os.path.samefile(link, built)
    assert openpyxl.load_workbook(built).sheetnames[0] == "Cover"


def test_a_read_only_workbook_is_refused_and_untouched(built):
    before = built.read_bytes()
    built.chmod(0o444)
    res = clean(run("build", "--data", ZHIPU, "--out", built), 2)
    assert "read-only" in res.stderr and built.read_bytes() == before and backup.backups(built) == []


def test_apply_refuses_a_read_only_data_file(from_copy):
    data, out = from_copy
    edit(out, out, {("Asm_base_growth_cloud", 2): 0.7})
    (data / "assumptions.csv").chmod(0o444)
    before = {p.name: p.read_bytes() for p in data.iterdir()}
    res = clean(run("edits", out, "--data", data, "--apply"), 2)
    assert "assumptions.csv is read-only" in res.stderr
    assert {p.name: p.read_bytes() for p in data.iterdir()} == before


def test_a_backup_killed_mid_copy_leaves_no_truncated_backup(tmp_path, monkeypatch):
    f = tmp_path / "model.xlsx"
    f.write_bytes(b"x" * 10_000)

    def killed(src, dst, **k):
        with open(dst, "wb") as out:
            out.write(b"x" * 10)
        raise KeyboardInterrupt   # as a kill mid-copy: half a file on disk

    monkeypatch.setattr(shutil, "copy2", killed)
    with pytest.raises(KeyboardInterrupt):
        backup.backup(f)
    assert backup.backups(f) == [] and sorted(p.name for p in tmp_path.iterdir()) == ["model.xlsx"]


def test_temporary_files_a_killed_run_left_are_removed(built):
    stray = built.parent / f".{built.name}.abc123.tmp"
    stray.write_bytes(b"half a workbook")
    os.utime(stray, (time.time() - 2 * backup.STALE,) * 2)
    fresh = built.parent / f".{built.name}.def456.tmp"   # perhaps a build running right now: left alone
    fresh.write_bytes(b"another build")
    clean(run("build", "--data", ZHIPU, "--out", built), 0)
    assert not stray.exists() and fresh.exists()


def test_apply_failing_midway_leaves_every_data_file_as_it_was(from_copy, monkeypatch):
    from click.testing import CliRunner
    import cli
    data, out = from_copy
    edit(out, out, {("Asm_base_growth_cloud", 2): 0.7, ("Act_selling_marketing", 1): 1.1, ("Tol_amount", 0): 0.001})
    before = {p.name: p.read_bytes() for p in data.iterdir()}
    real, calls = os.replace, []

    def fails_second(src, dst):
        calls.append(dst)
        if len(calls) == 2:
            raise OSError(5, "Input/output error")
        return real(src, dst)

    monkeypatch.setattr(os, "replace", fails_second)
    res = CliRunner().invoke(cli.main, ["edits", str(out), "--data", str(data), "--apply"])
    assert res.exit_code == 1 and "nothing changed" in res.output, res.output
    after = {p.name: p.read_bytes() for p in data.iterdir() if ".kept-" not in p.name}
    assert after == before


@pytest.mark.parametrize("value", [1e308, 1e-300])
def test_a_value_the_loader_refuses_is_not_kept_from_a_workbook(built, value):
    data_value = cell_of(openpyxl.load_workbook(built, data_only=True), "Asm_base_growth_cloud", 2).value
    edit(built, built, {("Asm_base_growth_cloud", 2): value})
    res = clean(run("build", "--data", ZHIPU, "--out", built), 0)
    assert "dropped" in res.stdout and "not a plausible figure" in res.stdout
    wb = openpyxl.load_workbook(built, data_only=True)
    assert cell_of(wb, "Asm_base_growth_cloud", 2).value == data_value != value


def test_every_command_vets_xml_parts_under_any_name_alike(built, tmp_path):
    bomb = b'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a "ha">]><x>&a;</x>'
    path = tmp_path / "hidden.xlsx"
    with zipfile.ZipFile(built) as zin, zipfile.ZipFile(path, "w") as zout:
        for item in zin.infolist():
            zout.writestr(item.filename, zin.read(item.filename))
        zout.writestr("customXml/item1.dat", bomb)
    before = path.read_bytes()
    for command in (["check", path], ["build", "--data", ZHIPU, "--out", path], ["edits", path, "--data", ZHIPU],
                    ["diff", built, path]):
        res = clean(run(*command), 2)
        assert "document type declaration" in res.stderr, (command, res.stderr)
    assert path.read_bytes() == before


def test_a_renamed_sheet_is_named_as_possibly_renamed(built):
    wb = openpyxl.load_workbook(built)
    wb["Checks"].title = "My checks"
    wb.save(built)
    res = clean(run("build", "--data", ZHIPU, "--out", built), 0)
    assert "sheet 'My checks' is carried over as your own; if it is 'Checks' renamed" in res.stdout, res.stdout
    assert {"My checks", "Checks"} <= set(openpyxl.load_workbook(built).sheetnames)


def test_diff_says_not_comparable_for_a_file_saved_without_calculated_values(built, tmp_path):
    bare = tmp_path / "bare.xlsx"
    rewrite = lambda x: re.sub(r"(<f>[^<]*</f>)<v>[^<]*</v>", r"\1", x)  # noqa: E731
    with zipfile.ZipFile(built) as zin, zipfile.ZipFile(bare, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename.startswith("xl/worksheets/sheet"):
                data = rewrite(data.decode()).encode()
            zout.writestr(item.filename, data)
    res = clean(run("diff", built, bare), 0)
    assert " gone " not in res.stdout and "saved without calculated values" in res.stdout, res.stdout


def test_a_blank_in_a_number_cell_is_named_as_blank(built):
    edit(built, built, {("Tol_amount", 0): None})
    res = clean(run("build", "--data", ZHIPU, "--out", built), 0)
    assert "None" not in res.stdout and "the cell is blank" in res.stdout, res.stdout


def test_a_fifo_as_a_data_file_is_not_called_a_folder(tmp_path):
    data = data_copy(tmp_path)
    (data / "funding.csv").unlink()
    os.mkfifo(data / "funding.csv")
    res = clean(run("build", "--data", data, "--out", tmp_path / "m.xlsx"), 2)
    assert "funding.csv" in res.stderr and "not a regular file" in res.stderr and "folder" not in res.stderr
