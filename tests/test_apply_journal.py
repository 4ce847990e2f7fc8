"""`edits --apply` changes several data files as one (model/regen/journal.py): a process killed with
SIGKILL at any of its renames leaves the folder, once the next command has read it, either exactly as
it was or fully applied, never between; two --apply at once run one after the other (issue 27)."""
import os
import shutil
import subprocess
import sys

import pytest

from conftest import ROOT, ZHIPU_JAN, run
from test_regenerate import edit

EDITS = {("Asm_base_growth_cloud", 2): 0.7, ("Act_selling_marketing", 1): 1.1, ("Tol_amount", 0): 0.001}

# Runs `cli.py edits ... --apply` with os.replace counted: the call numbered KILL_AT kills the process
# (SIGKILL, as kill -9) before it renames; at exit, the count is printed.
KILLER = """
import os, signal, sys
sys.path.insert(0, {root!r})
real, count, kill_at = os.replace, [0], {kill_at}
def replace(src, dst, *a, **k):
    count[0] += 1
    if count[0] == kill_at:
        os.kill(os.getpid(), signal.SIGKILL)
    return real(src, dst, *a, **k)
os.replace = replace
import atexit
atexit.register(lambda: print("renames:", count[0]))
import cli
cli.main(["edits", {out!r}, "--data", {data!r}, "--apply"])
"""


def data_files(folder):
    """The folder's files by name, without the kept copies the apply makes."""
    return {p.name: p.read_bytes() for p in folder.iterdir() if ".kept-" not in p.name}


def apply_killed_at(out, data, kill_at):
    script = KILLER.format(root=str(ROOT), out=str(out), data=str(data), kill_at=kill_at)
    return subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)


@pytest.fixture(scope="module")
def edited(tmp_path_factory):
    """A workbook with edits in three data files (assumptions.csv, actuals.csv, company.toml), the folder
    before, and the folder after a complete --apply."""
    tmp = tmp_path_factory.mktemp("journal")
    before = tmp / "before"
    shutil.copytree(ZHIPU_JAN, before)
    out = tmp / "model.xlsx"
    assert run("build", "--data", before, "--out", out).returncode == 0
    edit(out, out, EDITS)
    after = tmp / "after"
    shutil.copytree(before, after)
    res = apply_killed_at(out, after, 0)
    assert res.returncode == 0, res.stderr
    renames = int(res.stdout.rsplit("renames:", 1)[1])
    changed = {n for n, raw in data_files(after).items() if data_files(before)[n] != raw}
    assert changed == {"assumptions.csv", "actuals.csv", "company.toml"}
    return out, data_files(before), data_files(after), renames


def test_a_kill_at_any_rename_leaves_the_folder_as_it_was_or_fully_applied(edited, tmp_path):
    out, before, after, renames = edited
    assert renames >= 7   # a kept copy per file, the journal's commit, a rename per file
    outcomes = []
    for k in range(1, renames + 1):
        folder = tmp_path / f"kill{k}"
        folder.mkdir()
        for name, raw in before.items():
            (folder / name).write_bytes(raw)
        res = apply_killed_at(out, folder, k)
        assert res.returncode == -9, (k, res.stdout, res.stderr)
        listed = run("edits", out, "--data", folder)   # the next command settles the folder
        assert listed.returncode == 0 and "Traceback" not in listed.stderr, (k, listed.stderr)
        now = data_files(folder)
        assert now in (before, after), (k, sorted(n for n in now if now[n] != before.get(n)))
        assert not [n for n in now if n.startswith(".") or n.endswith(".tmp")], (k, sorted(now))   # no journal, no staged copy
        outcomes.append("applied" if now == after else "as before")
        if now == after:
            assert "an interrupted edits --apply was completed" in listed.stdout, (k, listed.stdout)
    # kills before the journal's commit leave the folder as it was; after it, the next command completes
    # it, including between two of the data files' renames
    assert outcomes[0] == "as before" and outcomes[-1] == "applied", outcomes
    assert outcomes == sorted(outcomes, key=lambda o: o == "applied"), outcomes
    assert outcomes.count("applied") >= 3, outcomes
    print(outcomes)


def test_a_file_changed_by_hand_after_the_kill_is_not_overwritten(edited, tmp_path):
    """Killed between two renames; the user then edits a file not yet replaced: the next command puts
    the replaced ones back instead of overwriting the hand edit."""
    out, before, after, renames = edited
    folder = tmp_path / "co"
    folder.mkdir()
    for name, raw in before.items():
        (folder / name).write_bytes(raw)
    res = apply_killed_at(out, folder, renames)   # the last data file's rename never happens
    assert res.returncode == -9
    now = data_files(folder)
    replaced = [n for n in before if now[n] != before[n]]
    waiting = [n for n in after if after[n] != before[n] and n not in replaced]
    assert replaced and len(waiting) == 1, (replaced, waiting)
    hand = before[waiting[0]] + b"\n"   # a blank line at the end: the file loads the same
    (folder / waiting[0]).write_bytes(hand)
    listed = run("edits", out, "--data", folder)
    assert listed.returncode == 0 and "was undone" in listed.stdout and waiting[0] in listed.stdout, listed.stdout
    assert data_files(folder) == {**before, waiting[0]: hand}


def test_two_applies_at_once_run_one_after_the_other(edited, tmp_path):
    out, before, after, _ = edited
    for attempt in range(3):
        folder = tmp_path / f"race{attempt}"
        folder.mkdir()
        for name, raw in before.items():
            (folder / name).write_bytes(raw)
        cmd = [sys.executable, str(ROOT / "cli.py"), "edits", str(out), "--data", str(folder), "--apply"]
        procs = [subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
        results = [(p.wait(timeout=300), *p.communicate()) for p in procs]
        for code, stdout, stderr in results:
            assert code == 0 and "Traceback" not in stderr and "[(" not in stderr, (code, stdout, stderr)
        assert data_files(folder) == after
        # one applied the edits, the other found them in the data files already
        assert sorted("No differences" in stdout for _, stdout, _ in results) == [False, True], results


def test_a_copy_error_is_a_sentence_not_a_python_list(tmp_path):
    import cli
    err = shutil.Error([(str(tmp_path / "a.csv"), str(tmp_path / "b.csv"), "[Errno 2] No such file or directory")])
    assert cli.reason(err) == f"[Errno 2] No such file or directory ({tmp_path / 'a.csv'})"
    assert cli.reason(OSError(28, "No space left on device")) == "No space left on device"


def test_the_api_settles_an_interrupted_apply_too(edited, tmp_path):
    import model
    out, before, after, renames = edited
    folder = tmp_path / "co"
    folder.mkdir()
    for name, raw in before.items():
        (folder / name).write_bytes(raw)
    assert apply_killed_at(out, folder, renames - 1).returncode == -9
    m = model.load(folder)
    assert data_files(folder) == after
    assert any("interrupted edits --apply was completed" in n for n in m.data.notes)


def test_the_journal_files_never_reach_the_trial_copy():
    from model.regen import journal
    from model.regen.edits import not_data
    assert not_data(".edits-apply.journal") and not_data(".actuals.csv.apply-abc123.tmp")
    assert not_data(".~lock.actuals.csv#") and not_data("actuals.kept-20260101-000000.csv")
    assert not not_data("actuals.csv") and not not_data("units.toml")
    assert os.path.basename(journal.JOURNAL).startswith(".")
