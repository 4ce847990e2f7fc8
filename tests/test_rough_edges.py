"""The minor failures issue 27 found, each as it was seen: a message where there was a traceback or a
wrong word, and what could not be done done."""
import os
import re

import pytest

from conftest import ROOT, ZHIPU, run


def clean(res, code):
    assert res.returncode == code, (res.stdout, res.stderr)
    assert "Traceback" not in res.stderr + res.stdout and "Exception ignored" not in res.stderr
    return res


def test_an_out_name_of_245_characters_is_built_and_rebuilt_with_its_backup(tmp_path):
    """The temporary file beside it (and the backup's) used to be longer than a name may be."""
    out = tmp_path / ("m" * 240 + ".xlsx")
    assert len(out.name) == 245
    clean(run("build", "--data", ZHIPU, "--out", out), 0)
    res = clean(run("build", "--data", ZHIPU, "--out", out), 0)
    backups = [p for p in tmp_path.iterdir() if ".backup-" in p.name]
    assert len(backups) == 1 and all(len(p.name.encode()) <= 255 for p in tmp_path.iterdir())
    assert backups[0].name in res.stdout
    other = tmp_path / ("m" * 239 + "n.xlsx")   # the same first 230 characters: its backups stay apart
    clean(run("build", "--data", ZHIPU, "--out", other), 0)
    clean(run("build", "--data", ZHIPU, "--out", other), 0)
    assert len([p for p in tmp_path.iterdir() if ".backup-" in p.name]) == 2
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith(".")) == sorted(
        [out.name, other.name] + [p.name for p in tmp_path.iterdir() if ".backup-" in p.name])


# A disk that fills up while the workbook is written: every file opened for writing beside --out takes
# LIMIT bytes, then each write fails with ENOSPC, as a full disk's does (close, too, when data remain).
FULL_DISK = """
import builtins, errno, io, sys
sys.path.insert(0, {root!r})
real_open = io.open

class Full:
    def __init__(self, f):
        self.f, self.written = f, 0
    def write(self, b):
        if self.written + len(b) > {limit}:
            raise OSError(errno.ENOSPC, "No space left on device")
        self.written += len(b)
        return self.f.write(b)
    def __getattr__(self, name):
        return getattr(self.f, name)
    def __enter__(self):
        return self
    def __exit__(self, *exc):
        self.f.close()

def full_open(file, mode="r", *a, **k):
    f = real_open(file, mode, *a, **k)
    return Full(f) if "w" in mode and str(file).startswith({folder!r}) else f

io.open = builtins.open = full_open
import cli
cli.main(["build", "--data", {data!r}, "--out", {out!r}])
"""


@pytest.fixture()
def small_disk(tmp_path):
    """A 200 kB file system (tmpfs; needs the right to mount, as root on the CI machine)."""
    import subprocess
    folder = tmp_path / "small"
    folder.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=200k", "tmpfs", str(folder)],
                      capture_output=True).returncode != 0:
        pytest.skip("cannot mount a small file system here (not root?)")
    yield folder
    subprocess.run(["umount", str(folder)], check=True)


def test_a_full_disk_gives_the_message_and_nothing_after_it(small_disk):
    """The message was followed by "Exception ignored in: ZipFile.__del__ ... Traceback": xlsxwriter's zip
    file, left open by the failed write, tried again at exit."""
    out = small_disk / "m.xlsx"
    res = run("build", "--data", ZHIPU, "--out", out)
    assert res.returncode == 1 and res.stderr == f"error: cannot write {out}: No space left on device\n", res.stderr
    assert list(small_disk.iterdir()) == []


def test_a_disk_that_fills_while_writing_gives_the_message_and_nothing_after_it(tmp_path):
    """As above on any machine, the full disk simulated: each write past 50 kB fails with ENOSPC."""
    import subprocess
    import sys
    out = tmp_path / "m.xlsx"
    script = FULL_DISK.format(root=str(ROOT), limit=50_000, folder=str(tmp_path), data=str(ZHIPU), out=str(out))
    res = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=300)
    assert res.returncode == 1, res.stderr
    assert res.stderr.startswith(f"error: cannot write {out}: No space left on device"), res.stderr
    assert res.stderr.count("\n") == 1, res.stderr   # nothing after the message
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("damage", ["damaged", "deleted"])
def test_diff_over_a_damaged_or_missing_build_record_matches_the_inputs(tmp_path, damage):
    """It reported "52 added, 377 removed": without a record the inputs were guessed from their names."""
    import openpyxl
    from test_regenerate import edit
    old, new = tmp_path / "old.xlsx", tmp_path / "new.xlsx"
    clean(run("build", "--data", ZHIPU, "--out", old), 0)
    edit(old, new, {("Asm_base_growth_cloud", 2): 0.7})
    wb = openpyxl.load_workbook(new)
    if damage == "damaged":
        wb["_meta"]["C1"].value = "[1, 2]"
    else:
        del wb["_meta"]
    wb.save(new)
    for a, b in ((old, new), (new, old)):
        res = clean(run("diff", a, b), 0)
        assert "Inputs: 1 changed, 0 added, 0 removed" in res.stdout, res.stdout[:600]
        assert re.search(r"changed  Asm_base_growth_cloud  .*(FY|[12]H)20\d\dE  base: .*→", res.stdout), res.stdout[:600]
        assert "matched by defined name and place in the block" in res.stdout
        assert "saved without calculated values" in res.stdout   # openpyxl keeps no cached values


@pytest.mark.parametrize("options, message", [
    (["--forecast-end", "2080"], "--forecast-end 2080: a forecast of 55 years; at most 30"),
    (["--scenarios", "base,bad!"], "--scenarios: 'bad!' must start with a letter"),
    (["--scenarios", "price war,price_war"], "are the same to Excel"),
    (["--years", "1850-1852"], "--years '1850-1852': fiscal years from 1900 to 2200"),
    (["--segments", ",".join(f"s{i}:S{i}" for i in range(11))], "--segments: 11 segments; at most 10"),
])
def test_new_refuses_a_shape_the_build_would_refuse(tmp_path, options, message):
    """`new` made such folders; no filling-in could make them build."""
    res = clean(run("new", "acme", "--dir", tmp_path, "--years", "2023-2025", *options), 2)
    assert message in res.stderr and list(tmp_path.iterdir()) == []


def test_new_makes_a_folder_as_any_other(tmp_path):
    """It was 0700 (a private temporary folder renamed into place): not readable by a colleague."""
    old = os.umask(0o022)
    try:
        clean(run("new", "acme", "--dir", tmp_path), 0)
    finally:
        os.umask(old)
    assert (tmp_path / "acme").stat().st_mode & 0o777 == 0o755


def test_the_api_names_what_it_cannot_do(tmp_path):
    """write('x.xls') wrote an .xlsx under an .xls name; lang='xx' was a KeyError deep in the labels;
    model.DataError was not there to catch."""
    import model
    from model.data.files import DataError
    assert model.DataError is DataError and issubclass(model.WorkbookError, Exception)
    with pytest.raises(ValueError, match=r"lang must be one of 'en', 'zh', not 'xx'"):
        model.load(ZHIPU, lang="xx")
    m = model.load(ZHIPU)
    with pytest.raises(ValueError, match=r"write: .*x\.xls must end in \.xlsx"):
        m.write(tmp_path / "x.xls")
    with pytest.raises(ValueError, match=r"write: unknown scenario 'moon'"):
        m.write(tmp_path / "x.xlsx", scenario="moon")
    assert list(tmp_path.iterdir()) == []
    with pytest.raises(model.DataError) as e:
        model.load(tmp_path / "nowhere")
    assert "company folder not found" in str(e.value)


def test_a_libreoffice_that_fails_to_start_is_one_sentence(tmp_path):
    """The driver's traceback (NoConnectException, then RuntimeError) was the message."""
    from conftest import require_engine
    require_engine()
    soffice = tmp_path / "soffice"
    soffice.write_text("#!/bin/sh\necho 'soffice: cannot open display' >&2\nexit 1\n")
    soffice.chmod(0o755)
    out = tmp_path / "m.xlsx"
    clean(run("build", "--data", ZHIPU, "--out", out), 0)
    env = dict(os.environ, MODEL_SOFFICE=str(soffice))
    import subprocess
    import sys
    res = subprocess.run([sys.executable, str(ROOT / "cli.py"), "check", str(out)], capture_output=True, text=True,
                         env=env, timeout=300)
    assert res.returncode == 2 and "Traceback" not in res.stderr, res.stderr
    assert res.stderr == ("error: LibreOffice could not recalculate (its driver stopped with exit code 2): fatal: soffice "
                          "exited with 1 before accepting: soffice: cannot open display\n"), res.stderr
