"""Nothing the user made is lost (issue 13): what a careless or hostile user can do to a workbook or a
data folder ends in the user's work kept (in the file, or in a copy named in the output that no
rotation removes), or in a clear message with exit code 2 (1 where the machine is at fault), never a
traceback, the previous files as they were."""
import json
import os
import re
import shutil
import zipfile

import openpyxl
import pytest

from conftest import MERIDIAN, ROOT, ZHIPU, run
from model.regen import backup
from test_regenerate import cell_of, data_copy, edit


def clean(res, code):
    assert res.returncode == code, (res.stdout, res.stderr)
    assert "Traceback" not in res.stderr + res.stdout
    return res


@pytest.fixture()
def built(tmp_path):
    out = tmp_path / "model.xlsx"
    clean(run("build", "--out", out), 0)
    return out


# --- 1. a sheet the user added survives any number of rebuilds ---

def test_an_added_sheet_survives_seven_rebuilds_in_a_kept_copy_the_build_names(built):
    wb = openpyxl.load_workbook(built)
    wb.create_sheet("My notes")["A1"] = "my own analysis"
    wb.save(built)
    first = clean(run("build", "--out", built), 0)
    for _ in range(6):
        clean(run("build", "--out", built), 0)
    named = re.search(r"kept copy (\S+\.xlsx)", first.stderr)
    assert named, first.stderr
    copy = built.parent / named.group(1)
    assert copy.exists() and "My notes" in first.stderr
    assert openpyxl.load_workbook(copy)["My notes"]["A1"].value == "my own analysis"
    assert len(backup.backups(built)) == backup.KEEP   # the rotation ran, and left the kept copy alone


def test_a_dropped_edit_and_reset_keep_a_copy_that_no_rotation_removes(built):
    edit(built, built, {("Asm_base_growth_cloud", 2): -5.0})   # growth below -100%: dropped
    res = clean(run("build", "--out", built), 0)
    assert "dropped" in res.stdout and "Kept copy" in res.stdout
    edit(built, built, {("Asm_base_growth_cloud", 2): 0.42})
    res = clean(run("build", "--out", built, "--reset"), 0)
    assert "Kept copy" in res.stdout
    for _ in range(6):
        clean(run("build", "--out", built), 0)
    kept = backup.backups(built, "kept")
    assert len(kept) == 2
    values = [cell_of(openpyxl.load_workbook(p, data_only=True), "Asm_base_growth_cloud", 2).value for p in kept]
    assert values == [-5.0, 0.42]


# --- 2. edits --apply keeps what the data files changed since the build ---

@pytest.fixture()
def from_copy(tmp_path):
    data = data_copy(tmp_path)
    out = tmp_path / "model.xlsx"
    clean(run("build", "--data", data, "--out", out), 0)
    return data, out


def set_revenue_2024(data, value):
    path = data / "actuals.csv"
    text = path.read_text(encoding="utf-8")
    assert "revenue,FY2024,3.12414," in text
    path.write_text(text.replace("revenue,FY2024,3.12414,", f"revenue,FY2024,{value},"), encoding="utf-8")


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
    res = clean(run("build", "--out", built), 0)
    assert "you added" not in res.stderr, res.stderr
    assert "4 kept" in res.stdout, res.stdout
    wb = openpyxl.load_workbook(built, data_only=True)
    assert [cell_of(wb, n).value for n in ("Fund_opening_cash", "Step_growth_step", "Claim_MULT",
                                           "ReferenceFigures")] == [30.0, 0.2, 5.5, 0.6]
