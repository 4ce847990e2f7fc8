"""Messages that tell the truth, each found by a new user: an edit dropped because its year became an
interim plus the rest says so; a rest-of-year edit is named by its own period; `diff` does not call an
interim gone that the workbook still has; labels never name a segment the company may not have. (The
CLI summary's lower bounds: tests/test_cli.py; the build record left out of renders: tests/test_render.py.)"""
from conftest import ROOT, ZHIPU, ZHIPU_JAN, copy_folder as copy, replace_in as replace, run
from test_regenerate import edit


def test_an_edit_of_a_year_that_became_an_interim_plus_the_rest_says_so(tmp_path):
    """A workbook built before the 9M2026 interim had a FY2026E growth of 70% (from the file), edited to
    95%. The interim arrives; the file still holds 70% in its FY2026 column (ignored now), yet the edit was
    reported as 'the data files changed it from 70% to blank'. It is dropped because FY2026 is now 9M2026
    actual plus Q4 2026E, and the message says that."""
    folder = copy(ROOT / "tests" / "data" / "meridian_old_format", tmp_path / "meridian")   # full-year drivers only
    replace(folder / "actuals.csv", "revenue,9M2026,189.0", "revenue,9M2026,")   # before the interim's revenue
    out = tmp_path / "m.xlsx"
    res = run("build", "--data", folder, "--out", out)
    assert res.returncode == 0, res.stderr
    edit(out, out, {("Asm_base_growth_platform", 0): 0.95})   # FY2026E
    replace(folder / "actuals.csv", "revenue,9M2026,", "revenue,9M2026,189.0")   # the interim is published
    rest = (ROOT / "tests" / "data" / "meridian_single_column" / "assumptions.csv").read_text(
        encoding="utf-8").splitlines()
    with open(folder / "assumptions.csv", "a", encoding="utf-8") as f:   # with its Q4 2026 drivers
        f.writelines(line + "\n" for line in rest if ",rest_" in line)
    res = run("build", "--data", folder, "--out", out)
    assert res.returncode == 0, res.stderr
    assert ("dropped  Asm_base_growth_platform  Revenue growth — AI platform (API and subscriptions)  FY2026E  "
            "base: 95%; FY2026 is now 9M2026 actual plus Q4 2026E (9M2026 actuals are in the data): its Q4 2026E "
            "drivers forecast the rest of the year; enter the edit there if you meant it") in res.stdout
    assert "to blank" not in res.stdout


def test_a_rest_of_year_edit_is_named_by_its_own_period(tmp_path):
    """The 2H2025E cell of a driver (the rest of FY2025 after 1H2025) is reported as 2H2025E (the column the
    user typed in), not as FY2025E, when listed by `edits` and when a rebuild drops it."""
    out = tmp_path / "jan.xlsx"
    assert run("build", "--data", ZHIPU_JAN, "--out", out).returncode == 0
    edit(out, out, {("Asm_bear_adjustments", 0): 9.5})
    res = run("edits", out, "--data", ZHIPU_JAN)
    assert res.returncode == 0, res.stderr
    row = next(ln for ln in res.stdout.splitlines() if ln.startswith("Asm_bear_adjustments"))
    assert "2H2025E" in row.split() and "FY2025E" not in row
    res = run("build", "--data", ZHIPU, "--out", out)   # results day: FY2025 is actual now
    assert res.returncode == 0, res.stderr
    dropped = next(ln for ln in res.stdout.splitlines() if "dropped  Asm_bear_adjustments" in ln)
    assert "  2H2025E  bear: 9.5; 2H2025 is now an actual year" in dropped


def test_diff_does_not_call_an_interim_still_in_the_workbook_gone(tmp_path):
    """Between the January workbook (FY2025 = 1H2025A + 2H2025E) and today's (FY2026 = 1H2026A + 2H2026E),
    a scenario block shows 1H2026A instead of 1H2025A; 1H2025A is still an actual column of the workbook,
    with the same figures, so it did not go. 2H2025E did."""
    old, new = tmp_path / "old.xlsx", tmp_path / "new.xlsx"
    assert run("build", "--data", ZHIPU_JAN, "--out", old).returncode == 0
    assert run("build", "--data", ZHIPU, "--out", new).returncode == 0
    res = run("diff", old, new)
    assert res.returncode == 0, res.stderr
    assert "1H2025A gone" not in res.stdout
    revenue = next(ln for ln in res.stdout.splitlines() if ln.startswith("  Total revenue: ") and "2H2025E" in ln)
    assert "2H2025E gone (was 4.58)" in revenue and "1H2025A" not in revenue   # 1.90877 in both: not moved


def test_the_guide_names_the_kept_copy_that_edits_apply_writes(tmp_path):
    """templates/README.md said `edits --apply` copies each changed file to NAME.backup-...; it writes
    NAME.kept-YYYYmmdd-HHMMSS.EXT. The pattern the guide names must match the file written."""
    import re
    guide = (ROOT / "templates" / "README.md").read_text(encoding="utf-8")
    section = guide.split("## Edits made in the workbook", 1)[1].split("\n## ", 1)[0]
    named, = set(re.findall(r"`(NAME\.[a-z]+-YYYYmmdd-HHMMSS\.EXT)`", section))
    pattern = re.escape(named).replace("NAME", r"\w+").replace("YYYYmmdd", r"\d{8}").replace("HHMMSS", r"\d{6}") \
        .replace("EXT", "(csv|toml)")
    folder = copy(ZHIPU_JAN, tmp_path / "data")
    out = tmp_path / "jan.xlsx"
    assert run("build", "--data", folder, "--out", out).returncode == 0
    edit(out, out, {("Asm_base_growth_cloud", 0): 0.655})   # 2H2025E
    before = set(p.name for p in folder.iterdir())
    res = run("edits", out, "--data", folder, "--apply")
    assert res.returncode == 0, res.stderr
    written = sorted(p.name for p in folder.iterdir() if p.name not in before)
    assert written and all(re.fullmatch(pattern, name) for name in written), (named, written)


def test_labels_name_no_segment_a_company_may_not_have():
    """'On-premise delivery' and 'cloud cost' were Zhipu's words in every company's workbook: labels name
    segments by the company's own labels ({segment})."""
    from model.labels import LANGS, table
    words = ("premise", "cloud", "maas", "本地化", "云端")
    for lang in LANGS:
        texts = {k: v for k, v in table(lang).items() if isinstance(v, str)}
        found = {k: v for k, v in texts.items() if any(w in v.lower() for w in words)}
        assert found == {}, (lang, found)
