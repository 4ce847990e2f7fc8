"""The command-line tool as a user runs it: build, summary, bad input, check."""
import shutil
import subprocess
import sys

import pytest

from conftest import ROOT, ZHIPU, require_engine


def run(*args, cwd=ROOT):
    return subprocess.run([sys.executable, str(ROOT / "cli.py"), *map(str, args)], capture_output=True, text=True,
                          cwd=cwd, timeout=600)


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    out = tmp_path_factory.mktemp("cli") / "zhipu.xlsx"
    res = run("build", "--out", out)
    return res, out


def test_build_writes_the_workbook_and_prints_a_summary(built):
    res, out = built
    assert res.returncode == 0, res.stderr
    assert out.exists() and out.stat().st_size > 10_000
    lines = res.stdout.splitlines()
    rows = {ln.split()[0]: ln.split() for ln in lines[2:5]}
    assert set(rows) == {"base", "bull", "bear"}
    assert rows["bull"][1] == "FY2030"
    assert rows["base"][1:3] == ["not", "reached"]
    assert "Checks: OK" in res.stdout


def test_build_default_goes_to_output(tmp_path):
    # a copy of the repo's layout, so the real output/ folder is not touched
    for name in ("cli.py", "model", "templates"):
        src = ROOT / name
        (shutil.copytree if src.is_dir() else shutil.copy)(src, tmp_path / name)
    res = subprocess.run([sys.executable, "cli.py", "build"], cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stderr
    assert (tmp_path / "output" / "zhipu_model.xlsx").exists()


def test_help_explains_every_command():
    res = run("--help")
    assert res.returncode == 0 and "build" in res.stdout and "check" in res.stdout
    for cmd in ("build", "check"):
        assert run(cmd, "--help").returncode == 0


def test_bad_data_is_reported_and_output_left_untouched(tmp_path):
    data = tmp_path / "co"
    shutil.copytree(ZHIPU, data)
    text = (data / "actuals.csv").read_text(encoding="utf-8").replace("rnd,FY2023,5.289", "rnd,FY2023,5.2.89")
    (data / "actuals.csv").write_text(text, encoding="utf-8")
    out = tmp_path / "existing.xlsx"
    out.write_bytes(b"previous workbook")
    res = run("build", "--data", data, "--out", out)
    assert res.returncode == 2
    assert "actuals.csv, row 32, column 'value'" in res.stderr and "5.2.89" in res.stderr
    assert "Traceback" not in res.stderr
    assert out.read_bytes() == b"previous workbook"


def test_unknown_scenario_is_refused(tmp_path):
    res = run("build", "--scenario", "moon", "--out", tmp_path / "x.xlsx")
    assert res.returncode == 2 and "unknown scenario 'moon'" in res.stderr
    assert not (tmp_path / "x.xlsx").exists()


def test_check_passes_a_built_workbook_and_fails_a_tampered_one(built, tmp_path):
    require_engine()
    res, out = built
    ok = run("check", out)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "0 mismatches; 0 error values; MasterCheck = 0" in ok.stdout

    # a workbook whose inputs were changed without recalculation: cached values are stale
    import openpyxl  # noqa: F401  (the file is edited as XML to keep every cached value as it was)
    import zipfile
    bad = tmp_path / "stale.xlsx"
    with zipfile.ZipFile(out) as zin, zipfile.ZipFile(bad, "w", zipfile.ZIP_DEFLATED) as zout:
        for item in zin.infolist():
            data = zin.read(item.filename)
            if item.filename == "xl/worksheets/sheet2.xml":   # Inputs
                data = data.replace(b"<v>21.954</v>", b"<v>30</v>", 1)
            zout.writestr(item, data)
    res = run("check", bad)
    assert res.returncode == 1
    assert "MISMATCH" in res.stdout and "FAILED" in res.stdout
