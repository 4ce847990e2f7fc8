"""Conflicts the user decides (issue 23): where the user's edit and a change in the data files
disagree, the rebuilt workbook lists the conflict on its Review tab (the input and a link to its cell,
the data value when the user edited it, the data value now, the user's value, why) with a choice cell;
the next build applies the choice. Each path: undecided (asked again), keep mine, keep data, the data
changed again, the input edited again. The console report stays."""
import openpyxl
import pytest

from conftest import run
from model.regen import backup
from test_regenerate import data_copy, edit, named


def set_rnd_2024(folder, value):
    path = folder / "actuals.csv"
    text = path.read_text(encoding="utf-8")
    old = next(line for line in text.splitlines() if line.startswith("rnd,FY2024,"))
    path.write_text(text.replace(old, f"rnd,FY2024,{value},{old.split(',', 3)[3]}"), encoding="utf-8")


def review_rows(path):
    """The Review tab's conflict rows, {input label: [cell, old, new, mine, why, choice]}."""
    wb = openpyxl.load_workbook(path)
    if "Review" not in wb.sheetnames:
        return {}
    ws = wb["Review"]
    (_, coord), = wb.defined_names["ReviewChoices"].destinations
    first, last = (int("".join(ch for ch in part if ch.isdigit())) for part in coord.replace("$", "").split(":"))
    return {ws.cell(r, 1).value: [ws.cell(r, c).value for c in range(2, 8)] for r in range(first, last + 1)}


def choose(path, choice):
    """Set every choice cell of the Review tab, as the user would."""
    wb = openpyxl.load_workbook(path)
    (sheet, coord), = wb.defined_names["ReviewChoices"].destinations
    for row in wb[sheet][coord.replace("$", "")]:
        for cell in row:
            cell.value = choice
    wb.save(path)


LABEL = "Act_rnd  R&D expense  FY2024A"   # as the console names it
TITLE = "R&D expense, FY2024A (Act_rnd)"   # as the Review tab does


@pytest.fixture()
def conflict(tmp_path):
    """A workbook whose R&D FY2024 the user set to 25 while the data files moved it from 21.954 to 22.5,
    rebuilt once: the conflict is on its Review tab."""
    out, data = tmp_path / "model.xlsx", data_copy(tmp_path)
    assert run("build", "--data", data, "--out", out).returncode == 0
    edit(out, out, {("Act_rnd", 2): 25.0, ("Asm_bull_gm_cloud", 0): 0.5})
    set_rnd_2024(data, 22.5)
    res = run("build", "--data", data, "--out", out)
    assert res.returncode == 0, res.stderr
    assert "1 kept, 0 dropped, 1 to decide on the Review tab" in res.stdout
    assert f"decide   {LABEL}: 25; the data files changed it from 21.954 to 22.5" in res.stdout
    return out, data


def test_a_conflict_is_listed_with_old_and_new_data_and_the_users_value(conflict):
    out, _ = conflict
    rows = review_rows(out)
    assert list(rows) == [TITLE]
    cell, old, new, mine, why, choice = rows[TITLE]
    assert (old, new, mine, choice) == (21.954, 22.5, 25, None)
    assert "from 21.954 to 22.5" in why
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames[:3] == ["Cover", "Review", "Inputs"]
    sheet, addr = cell.split("!")
    assert named(out, "Act_rnd")[2] == 22.5 == openpyxl.load_workbook(out, data_only=True)[sheet][addr].value
    assert wb["Review"][f"B{[c.value for c in wb['Review']['A']].index(TITLE) + 1}"].hyperlink.location == cell
    # the user's value is on the Review tab, in the workbook: not lost, so no kept copy is needed for it
    assert backup.backups(out, "kept") == []


def test_keep_mine_puts_the_users_value_back_at_the_next_build(conflict):
    out, data = conflict
    choose(out, "keep mine")
    res = run("build", "--data", data, "--out", out)
    assert res.returncode == 0, res.stderr
    assert f"kept     {LABEL}: 25 (data 22.5); your choice on the Review tab" in res.stdout
    assert named(out, "Act_rnd")[2] == 25 and review_rows(out) == {}
    again = run("build", "--data", data, "--out", out)   # an ordinary kept edit from now on
    assert f"kept     {LABEL}: 25 (data 22.5)" in again.stdout and named(out, "Act_rnd")[2] == 25


def test_keep_data_settles_the_conflict(conflict):
    out, data = conflict
    choose(out, "keep data")
    res = run("build", "--data", data, "--out", out)
    assert res.returncode == 0, res.stderr
    assert LABEL not in res.stdout and named(out, "Act_rnd")[2] == 22.5
    assert review_rows(out) == {} and "Review" not in openpyxl.load_workbook(out).sheetnames


def test_an_undecided_conflict_is_asked_again(conflict):
    out, data = conflict
    res = run("build", "--data", data, "--out", out)
    assert f"decide   {LABEL}: 25; still to decide on the Review tab" in res.stdout
    assert review_rows(out)[TITLE][1:4] == [21.954, 22.5, 25] and named(out, "Act_rnd")[2] == 22.5


def test_data_changed_again_asks_anew_even_after_keep_mine(conflict):
    out, data = conflict
    choose(out, "keep mine")
    set_rnd_2024(data, 23.0)
    res = run("build", "--data", data, "--out", out)
    assert f"decide   {LABEL}: 25; the data files changed it from 21.954 to 23 since" in res.stdout
    row = review_rows(out)[TITLE]
    assert row[1:4] == [21.954, 23, 25] and row[5] is None and named(out, "Act_rnd")[2] == 23   # asked with a blank choice


def test_the_input_edited_again_goes_by_that_edit(conflict):
    out, data = conflict
    choose(out, "keep data")
    edit(out, out, {("Act_rnd", 2): 26.0})
    res = run("build", "--data", data, "--out", out)
    assert f"kept     {LABEL}: 26 (data 22.5)" in res.stdout and named(out, "Act_rnd")[2] == 26
    assert review_rows(out) == {}


def test_the_chinese_edition_reads_its_own_choice_texts(tmp_path):
    out, data = tmp_path / "model_zh.xlsx", data_copy(tmp_path)
    assert run("build", "--data", data, "--out", out, "--lang", "zh").returncode == 0
    edit(out, out, {("Act_rnd", 2): 25.0})
    set_rnd_2024(data, 22.5)
    assert run("build", "--data", data, "--out", out, "--lang", "zh").returncode == 0
    ws = openpyxl.load_workbook(out)["复核"]
    row = next(r for r in ws.iter_rows(values_only=True) if r[0] and "(Act_rnd)" in r[0])
    assert row[0] == "研发费用, FY2024A (Act_rnd)" and row[5] == "您修改之后，数据文件已将其从 21.954 改为 22.5"
    choose(out, "保留我的值")
    res = run("build", "--data", data, "--out", out, "--lang", "zh")
    assert "your choice on the Review tab" in res.stdout and named(out, "Act_rnd")[2] == 25
