"""The command-line tool as a user runs it: build, summary, bad input, check."""
import shutil
import subprocess
import sys

import pytest

import model

from conftest import ROOT, ZHIPU, ZHIPU_UNITS, require_engine, run


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
    assert lines[0] == f"Wrote {out}"   # outside the working directory: the path as given, not ../../tmp/...
    head = next(i for i, ln in enumerate(lines) if ln.startswith("Scenario"))
    rows = {ln.split()[0]: ln.split() for ln in lines[head + 1:head + 4]}
    assert set(rows) == {"base", "bull", "bear"}
    # each scenario's breakeven year is the first forecast full year whose adjusted net income is not a loss,
    # read from the built workbook's Income Statement (its cached values; test_api and the engine tests check
    # those against LibreOffice), not from the summary's own source
    income = model.load(ZHIPU_UNITS)   # what `build` builds by default: templates/zhipu as shipped
    expected = {}
    for name in rows:
        adj = income.income_statement(name).loc["adjusted_net_income"]
        years = [p for p in adj.index if p.startswith("FY") and p.endswith("E") and adj[p] >= 0]
        expected[name] = years[0][:-1] if years else "not"   # the summary prints FY2028, the tab FY2028E
    assert {name: row[1] for name, row in rows.items()} == expected
    assert "not" in expected.values() and set(expected.values()) != {"not"}, "the data break even in some scenario, not all"
    # lowest cash and funding need: where breakeven is not reached the loss and funding need are totals to
    # FY2030, lower bounds, and say so; a scenario that breaks even prints plain figures
    for name, row in rows.items():
        bound = expected[name] == "not"
        assert (row[3] == "≥" and row[-2] == "≥") if bound else "≥" not in row, name
        assert float(row[-1].replace(",", "")) == 0, name   # the 2026 placings and the bond keep cash above 0
    assert "≥ a lower bound: where breakeven is not reached by FY2030, the loss and the funding need are totals " \
           "to FY2030 only" in lines
    assert "Checks: OK" in res.stdout


def test_build_default_goes_to_output(tmp_path):
    # a copy of the repo's layout, so the real output/ folder is not touched
    for name in ("cli.py", "model", "templates"):
        src = ROOT / name
        (shutil.copytree if src.is_dir() else shutil.copy)(src, tmp_path / name)
    res = subprocess.run([sys.executable, "cli.py", "build"], cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stderr
    assert (tmp_path / "output" / "zhipu_model.xlsx").exists()
    assert res.stdout.startswith("Wrote output/zhipu_model.xlsx\n")   # below it: relative


def test_help_explains_every_command():
    res = run("--help")
    assert res.returncode == 0 and all(cmd in res.stdout for cmd in ("build", "check", "edits", "diff"))
    for cmd in ("build", "check", "edits", "diff"):
        assert run(cmd, "--help").returncode == 0


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


# --- a new company folder ---
MERIDIAN_SHAPE = ["--years", "2022-2025", "--interims", "9M2025,9M2026", "--fiscal-year-end", "03-31",
                  "--segments", "platform:AI platform (API and subscriptions)",
                  "--scenarios", "base,upside,downside,price war", "--forecast-end", "2031"]


def test_new_scaffolds_every_file_and_refuses_to_overwrite(tmp_path):
    res = run("new", "acme", "--dir", tmp_path, "--years", "2022-2024", "--segments", "cloud:Cloud,onprem:On-premise")
    assert res.returncode == 0, res.stderr
    folder = tmp_path / "acme"
    assert sorted(p.name for p in folder.iterdir()) == ["actuals.csv", "assumptions.csv", "balance.csv", "claims.csv",
                                                        "company.toml", "funding.csv", "reference.csv", "sources.csv",
                                                        "valuation.csv"]
    assert "python cli.py build --data" in res.stdout
    actuals = (folder / "actuals.csv").read_text(encoding="utf-8")
    assert "revenue,FY2024,,," in actuals and "share_onprem,FY2022,,," in actuals
    assert "# Required for FY2024" in actuals
    assumptions = (folder / "assumptions.csv").read_text(encoding="utf-8")
    assert "\nscenario,driver,FY2025,FY2026,FY2027,FY2028,FY2029,rationale,rationale_zh\n" in assumptions  # five years by default
    assert "\nbase,growth_cloud,,,,,,,\n" in assumptions

    (folder / "company.toml").write_text("edited", encoding="utf-8")
    again = run("new", "acme", "--dir", tmp_path)
    assert again.returncode == 2 and "already exists" in again.stderr and "Traceback" not in again.stderr
    assert (folder / "company.toml").read_text(encoding="utf-8") == "edited"


def test_new_rejects_bad_options(tmp_path):
    res = run("new", "acme", "--dir", tmp_path, "--segments", "1st:First")
    assert res.returncode == 2 and "plain word" in res.stderr and "Traceback" not in res.stderr
    res = run("new", "acme", "--dir", tmp_path, "--interims", "FY2024")
    assert res.returncode == 2 and "interim codes" in res.stderr
    res = run("new", "a/b", "--dir", tmp_path)
    assert res.returncode == 2 and "folder name" in res.stderr
    assert list(tmp_path.iterdir()) == []


def test_building_an_unfilled_folder_lists_what_is_missing(tmp_path):
    assert run("new", "acme", "--dir", tmp_path, *MERIDIAN_SHAPE).returncode == 0
    out = tmp_path / "acme.xlsx"
    res = run("build", "--data", tmp_path / "acme", "--out", out)
    assert res.returncode == 2 and "Traceback" not in res.stderr and not out.exists()
    err = res.stderr
    assert "company.toml, line 7, setting 'currency': required, but empty" in err
    for item in ("revenue", "cost_of_revenue or gross_profit", "rnd", "adjusted_net_income"):
        assert f"column 'value': {item} for FY2025 is required" in err
    assert "share_" not in err                                    # one segment: no shares to give
    # the scaffold's 9M2026 has no revenue yet, so FY2026 is forecast as a whole: its rest_ rows may stay blank
    for sc in ("base", "upside", "downside", "price war"):
        for drv in ("growth_platform", "gm_platform", "rnd_growth", "other_opex_growth", "adjustments"):
            assert f"column 'FY2026': {sc} / {drv}: no value for FY2026..FY2031" in err
    assert "rest_" not in err
    assert "rnd_compute_growth" not in err                        # not needed without compute data
    # the command line lists the first 40; the loader has them all
    from model.data.company import load
    from model.data.files import DataError
    with pytest.raises(DataError) as e:
        load(tmp_path / "acme")
    err = "\n".join(map(str, e.value.problems))
    assert "funding.csv, row 25, column 'value': opening_cash: a number is required" in err  # after the comment rows
    assert "non_cash" not in err                                  # cash drivers come as 0s: optional
    assert "balance.csv" not in err                               # an opening balance sheet left blank: none given
    # 3 settings + 4 actuals + 4 x 5 drivers + cash + the interim
    assert res.stderr.startswith("error: 29 problems") and len(e.value.problems) == 29
    assert "opening cash at the end of 9M2026 needs adjusted_net_income for 9M2026" in err   # result before the cash date


def fill_csv(path, key_cols, values):
    """Fill a scaffolded CSV's blank rows with the values given by key (comment rows kept)."""
    import csv
    import io
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"))))
    header = next(r for r in rows if r and not r[0].startswith("#"))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    for r in rows:
        if r and not r[0].startswith("#") and r is not header:
            r = values.get(tuple(r[header.index(c)] for c in key_cols), r)
        writer.writerow(r)
    path.write_text(out.getvalue(), encoding="utf-8")


ZHIPU_SHAPE = ["--years", "2022-2025", "--interims", "1H2024,1H2025,1H2026", "--segments", "onprem:On-premise,cloud:Cloud",
               "--forecast-end", "2030"]


@pytest.mark.parametrize("name,shape,settings", [
    ("meridian", MERIDIAN_SHAPE, (("currency", "USD"), ("unit", "USD m"), ("as_of", "2026-02-15"))),
    ("zhipu", ZHIPU_SHAPE, (("currency", "RMB"), ("unit", "RMB 100m"), ("as_of", "2026-09-13")))])
def test_a_filled_in_folder_builds_like_the_original(tmp_path, name, shape, settings):
    """Scaffold a company's shape, copy its figures into the blanks: the build must give the same
    summary as building the original folder."""
    import csv
    import tomllib
    from conftest import COMPANIES
    assert run("new", name, "--dir", tmp_path, *shape).returncode == 0
    folder, source = tmp_path / name, COMPANIES[name]
    original = lambda file: list(csv.reader((source / file).open(encoding="utf-8")))  # noqa: E731
    fill_csv(folder / "actuals.csv", ["item", "period"], {tuple(r[:2]): r for r in original("actuals.csv")[1:]})
    fill_csv(folder / "assumptions.csv", ["scenario", "driver"], {tuple(r[:2]): r for r in original("assumptions.csv")[1:]})
    for extra in ("funding.csv", "events.csv", "balance.csv", "valuation.csv"):   # events.csv: not scaffolded
        if (source / extra).exists():
            shutil.copy(source / extra, folder / extra)
    with open(folder / "sources.csv", "a", encoding="utf-8") as f:   # the sources the figures cite
        f.write("".join((source / "sources.csv").read_text(encoding="utf-8").splitlines(keepends=True)[1:]))
    toml = (folder / "company.toml").read_text(encoding="utf-8")
    for key, value in settings:
        toml = toml.replace(f'{key} = ""', f'{key} = "{value}"', 1)
    for seg in tomllib.loads((source / "company.toml").read_text(encoding="utf-8"))["segments"]:
        if seg.get("seasonal"):   # the original's seasonal segments (scaffolded as false)
            at = toml.index(f'key = "{seg["key"]}"')
            toml = toml[:at] + toml[at:].replace("seasonal = false", "seasonal = true", 1)
    (folder / "company.toml").write_text(toml, encoding="utf-8")

    filled = run("build", "--data", folder, "--out", tmp_path / "filled.xlsx")
    assert filled.returncode == 0, filled.stderr
    direct = run("build", "--data", source, "--out", tmp_path / "direct.xlsx")
    # the scaffold has no claims.csv or thesis.csv: the original's notes on claims left out (unit-build lines) are its own; a
    # company without a balance sheet or a valuation keeps the scaffold's blank files, which the build notes
    summary = lambda res: [ln for ln in res.stdout.splitlines()[1:]  # noqa: E731
                           if not ln.startswith(("note: claims.csv", "note: thesis.csv", "note: balance.csv",
                                                 "note: valuation.csv"))]
    assert summary(filled) == summary(direct)
    assert len(filled.stdout.splitlines()) > 5 and "Checks: OK" in filled.stdout


def test_build_chinese_edition_unprotected(tmp_path):
    import openpyxl
    out = tmp_path / "zh.xlsx"
    res = run("build", "--lang", "zh", "--no-protect", "--out", out)
    assert res.returncode == 0, res.stderr
    assert "未实现" in res.stdout   # the base case's breakeven, as the Chinese edition words it
    wb = openpyxl.load_workbook(out)
    assert wb.sheetnames[:3] == ["封面", "输入", "利润表"]
    assert not any(ws.protection.sheet for ws in wb.worksheets)
    assert run("build", "--lang", "fr", "--out", out).returncode == 2


def test_default_output_name_follows_the_edition():
    sys.path.insert(0, str(ROOT))
    from cli import default_out
    assert default_out(ZHIPU).name == "zhipu_model.xlsx"
    assert default_out(ZHIPU, "zh").name == "zhipu_model_zh.xlsx"
