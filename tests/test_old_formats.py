"""Old folders keep building: a forecast table written for the earlier format (one column a year; for the year
of the latest interim either `rest_` rows or, before those, full-year values only) builds with the defaults of
templates/README.md, 'The earlier format', and the build report names each default used with its file and rows
(model/data/earlier_format.py).

Two folders are kept as they were written: tests/data/meridian_single_column (one column a year with rest_ rows,
as the tests' Meridian was before the forecast ran in parts) and tests/data/meridian_old_format (full-year
values only, from before the rest_ rows). Their forecasts are computed here by hand from the files' own
figures; LibreOffice recalculates them with 0 mismatches; Zhipu's unit and compute tables of one column a
year (tests/data/zhipu_single_column) build on today's Zhipu data."""
import csv
import io
import shutil

import pytest

from conftest import (ROOT, ZHIPU_UNITS, assert_hand_forecast, cell, copy_folder, line, plant_wrong_cache, replace_in,
                      require_engine, run)
from model.data.company import load
from model.data.files import DataError
from model.data.periods import parse_column
from model.engine.verify import cached_values, compare
from model.workbook.build import build_book
from model.workbook.writer import write_book

REST_ROWS = ROOT / "tests" / "data" / "meridian_single_column"
FULL_YEARS = ROOT / "tests" / "data" / "meridian_old_format"
ZHIPU_TABLES = ROOT / "tests" / "data" / "zhipu_single_column"   # assumptions, units and compute.csv of Dec 2026
HALF = lambda g: (1 + g) ** 0.5 - 1   # noqa: E731  the half-year rate that compounds to a year's growth g


def value(data, sc, drv, code):
    return data.value(sc, drv, parse_column(code))


def notes_of(data, name="assumptions.csv"):
    return [n for n in data.notes if n.startswith(name) and "earlier format" in n]


def revenue(book, code):
    return line(book, "Income Statement", "Total revenue", code)


def test_rest_rows_give_the_rest_of_the_year_and_the_next_year_runs_at_half_year_rates():
    """Meridian base, by hand from the files: 9M2026 actual revenue 189, R&D 171, other costs 32.1 (gross
    profit 122.85 - R&D 171 + the 80.25 adjusted loss); rest_growth_platform -65% (Q4 2026 over the nine
    months, 2H = 9M x (1 + r)), rest_rnd_growth -68%, rest_other_opex_growth -28%, rest_gm 65%, rest_adjustments
    9.25; FY2027 growth 50%, margin 66%, R&D 15%, other costs 15%, adjustments 30; FY2028 growth 40%."""
    data = load(REST_ROWS)
    assert value(data, "base", "growth_platform", "Q4 2026") == pytest.approx(0.35 * 3 - 1)   # the run rate: 5%
    assert value(data, "base", "growth_platform", "9M2027") == pytest.approx(HALF(0.50))
    assert value(data, "base", "growth_platform", "Q4 2027") == pytest.approx(HALF(0.50))
    assert value(data, "base", "growth_platform", "FY2028") == pytest.approx(0.40)
    assert value(data, "base", "gm_platform", "Q4 2026") == pytest.approx(0.65)
    assert value(data, "base", "gm_platform", "9M2027") == value(data, "base", "gm_platform", "Q4 2027") == 0.66
    assert [value(data, "base", "adjustments", c) for c in ("Q4 2026", "9M2027", "Q4 2027")] == pytest.approx(
        [9.25, 30 * 9 / 12, 30 * 3 / 12])
    # the Inputs tab's note of each such row says its parts are defaults, in both editions
    assert data.rationales[("base", "growth_platform")]["rationale"] == (
        "9M2026 revenue +80% on 9M2025; growth slows as the base grows. Earlier format: the parts' values are "
        "defaults from the year's (see the build report).")
    assert data.rationales[("base", "growth_platform")]["rationale_zh"].endswith("旧格式：分期数值为按全年数值推得的默认值（见生成报告）。")
    book = build_book(data, "base")
    q4 = 189 * (1 - 0.65)                                  # = 189 x 3/9 x (1 + 5%)
    m9 = q4 * 9 / 3 * 1.5 ** 0.5
    q4_next = m9 * 3 / 9 * 1.5 ** 0.5                      # = Q4 2026 x 1.5: a year on
    rnd = {"Q4 2026": 171 * 0.32, "9M2027": 171 * 0.32 * 3 * 1.15 ** 0.5, "Q4 2027": 171 * 0.32 * 1.15}
    other = {"Q4 2026": 32.1 * 0.72, "9M2027": 32.1 * 0.72 * 3 * 1.15 ** 0.5, "Q4 2027": 32.1 * 0.72 * 1.15}
    gross = {"Q4 2026": q4 * 0.65, "9M2027": m9 * 0.66, "Q4 2027": q4_next * 0.66}
    for code, rev in (("Q4 2026", q4), ("FY2026", 189 + q4), ("9M2027", m9), ("Q4 2027", q4_next),
                      ("FY2027", m9 + q4_next), ("FY2028", (m9 + q4_next) * 1.4)):
        assert revenue(book, code) == pytest.approx(rev, rel=1e-12), code
    for code in rnd:
        assert line(book, "Income Statement", "Adjusted net income (loss)", code) == pytest.approx(
            gross[code] - rnd[code] - other[code], rel=1e-12), code
    assert line(book, "Income Statement", "Net income (loss), reported", "FY2027") == pytest.approx(
        sum(gross[c] - rnd[c] - other[c] for c in ("9M2027", "Q4 2027")) - 30, rel=1e-12)
    for sc in data.scenarios:   # the whole forecast of every scenario, as the model's own hand check computes it
        assert_hand_forecast(data, sc, build_book(data, sc))


def test_the_build_report_names_each_default_with_its_file_and_rows(tmp_path):
    data = load(REST_ROWS)
    notes = notes_of(data)
    assert any(n.startswith("assumptions.csv is in the earlier format (one column a year, rest_ rows): the forecast "
                            "now runs in parts (Q4 2026, FY2026, 9M2027, Q4 2027, FY2027") for n in notes), notes
    expected = {   # rows of the file: growth rates 2, 4, 5 (base) ...; margins 3, 8 ...; adjustments 6, 11 ...
        "assumptions.csv, rows 22, 24-25, 27, 29-30, 32, 34-35, 37, 39-40: earlier format: each rest_ growth r (over "
        "9M2026) applied to Q4 2026 at the run rate: (1 + r) × 9/3 − 1",
        "assumptions.csv, rows 23, 26, 28, 31, 33, 36, 38, 41: earlier format: each rest_ value applied to Q4 2026 "
        "(its driver's column) as it is",
        "assumptions.csv, rows 2, 4-5, 7, 9-10, 12, 14-15, 17, 19-20: earlier format: each FY2027 growth rate g applied "
        "to 9M2027 and Q4 2027 as the half-year rate (1 + g)^½ − 1 that compounds to it (each part over the part "
        "before, at the run rate)",
        "assumptions.csv, rows 3, 8, 13, 18: earlier format: each FY2027 value applied to 9M2027 and Q4 2027 as it is",
        "assumptions.csv, rows 6, 11, 16, 21: earlier format: each FY2027 amount spread over 9M2027 and Q4 2027 by "
        "months (9M2027 9/12, Q4 2027 3/12)"}
    assert expected <= set(notes), notes
    res = run("build", "--data", REST_ROWS, "--out", tmp_path / "m.xlsx")
    assert res.returncode == 0, res.stderr
    assert res.stdout.count("earlier format") >= 6 and "Checks: OK" in res.stdout


def test_full_year_values_only_give_the_rest_of_the_year_at_the_half_year_rate():
    """Before rest_ rows: FY2026 growth 70% gives Q4 2026 over the nine months' run rate (1.7)^½; the margin 65%
    as it is; the FY2026 adjustments of 30 spread by months (Q4: 7.5); FY2027's halves as above."""
    data = load(FULL_YEARS)
    assert value(data, "base", "growth_platform", "Q4 2026") == pytest.approx(HALF(0.70))
    assert value(data, "base", "adjustments", "Q4 2026") == pytest.approx(7.5)
    assert value(data, "base", "rnd_growth", "9M2027") == pytest.approx(HALF(0.15))
    notes = notes_of(data)
    assert ("assumptions.csv, rows 2, 4-5, 7, 9-10, 12, 14-15, 17, 19-20: earlier format: each FY2026 growth rate g "
            "applied to Q4 2026 (the rest of FY2026 after 9M2026) as the half-year rate (1 + g)^½ − 1 that compounds "
            "to it (each part over the part before, at the run rate)") in notes
    assert ("assumptions.csv, rows 6, 11, 16, 21: earlier format: each FY2026 amount spread over Q4 2026 (the rest "
            "of FY2026 after 9M2026) by months (Q4 2026 3/12)") in notes
    book = build_book(data, "base")
    q4 = 189 / 3 * 1.7 ** 0.5
    assert revenue(book, "Q4 2026") == pytest.approx(q4, rel=1e-12)
    assert revenue(book, "FY2026") == pytest.approx(189 + q4, rel=1e-12)
    assert revenue(book, "FY2027") == pytest.approx(q4 * 3 * 1.5 ** 0.5 + q4 * 1.5, rel=1e-12)
    assert line(book, "Income Statement", "Research & development", "Q4 2026") == pytest.approx(
        171 / 3 * 1.25 ** 0.5, rel=1e-12)
    for sc in data.scenarios:
        assert_hand_forecast(data, sc, build_book(data, sc))


def test_zhipus_unit_and_compute_tables_of_one_column_a_year(tmp_path):
    """Zhipu's assumptions.csv, units.csv and compute.csv as they were before the halves (one column a year,
    rest_ rows in assumptions.csv), on today's Zhipu data (1H2026 actual): generations 2 a year become 1 and 1,
    a unit growth rate its half-year rate, a price level as it is; the build passes its checks."""
    folder = copy_folder(ZHIPU_UNITS, tmp_path / "zhipu")   # with its peer beside it
    for name in ("assumptions.csv", "units.csv", "compute.csv"):
        shutil.copy(ZHIPU_TABLES / name, folder / name)
    data = load(folder)
    header, *rows = [r for r in csv.reader(io.StringIO((ZHIPU_TABLES / "units.csv").read_text(encoding="utf-8")))
                     if r and not r[0].startswith("#")]
    old = {(r[0], r[1]): r for r in rows}
    fy = lambda sc, drv, y: old[sc, drv][header.index(f"FY{y}")]  # noqa: E731
    pct = lambda text: float(text.rstrip("%")) / 100  # noqa: E731
    assert fy("base", "generations", 2027) == "2"
    assert [value(data, "base", "generations", c) for c in ("1H2027", "2H2027")] == [1, 1]
    assert value(data, "base", "generations", "2H2026") == 1   # 2 less 1H2026's rounded share
    assert value(data, "base", "token_growth", "1H2027") == pytest.approx(HALF(pct(fy("base", "token_growth", 2027))))
    assert value(data, "base", "token_growth", "2H2026") == pytest.approx(HALF(pct(fy("base", "token_growth", 2026))))
    assert value(data, "base", "token_growth", "FY2028") == pytest.approx(pct(fy("base", "token_growth", 2028)))
    for name in ("units.csv", "compute.csv"):
        assert notes_of(data, name), name
    res = run("build", "--data", folder, "--out", tmp_path / "z.xlsx")
    assert res.returncode == 0, res.stderr
    assert "Checks: OK" in res.stdout and "units.csv is in the earlier format" in res.stdout


def test_rest_rows_without_an_interim_are_noted_not_refused(tmp_path):
    """Before the 9M2026 interim's revenue is in, the rest_ rows (blank, or one already typed) have nothing to
    forecast: the folder builds by full years with its FY2026 values, the rows noted as not used."""
    folder = tmp_path / "m"
    shutil.copytree(FULL_YEARS, folder)
    replace_in(folder / "actuals.csv", "revenue,9M2026,189.0", "revenue,9M2026,")
    with open(folder / "assumptions.csv", "a", encoding="utf-8") as f:
        f.write("base,rest_growth_platform,,,,,,,\nbase,rest_gm_platform,65%,,,,,,typed ahead of the interim\n")
    data = load(folder)
    assert [p.code for p in data.forecast_periods] == [f"FY{y}" for y in range(2026, 2032)]
    assert value(data, "base", "growth_platform", "FY2026") == 0.70
    assert any(n.startswith("assumptions.csv, rows 22-23: earlier format: rest_ rows not used") for n in data.notes)


def test_a_bad_earlier_format_cell_is_named_by_the_files_own_column(tmp_path):
    folder = tmp_path / "m"
    shutil.copytree(REST_ROWS, folder)
    text = (folder / "assumptions.csv").read_text(encoding="utf-8")
    (folder / "assumptions.csv").write_text(text.replace("base,growth_platform,,50%,", "base,growth_platform,,5O%,"),
                                            encoding="utf-8")
    with pytest.raises(DataError) as e:
        load(folder)
    assert (e.value.file, e.value.row, e.value.column) == ("assumptions.csv", 2, "FY2027")
    (folder / "assumptions.csv").write_text(text.replace("base,growth_platform,,50%,", "base,growth_platform,,,"),
                                            encoding="utf-8")
    with pytest.raises(DataError) as e:
        load(folder)
    assert "base / growth_platform: no value for 9M2027 and Q4 2027" in str(e.value)
    assert "row 2, column 'FY2027 (9M2027)'" in str(e.value)


def test_both_earlier_formats_recalculate_in_libreoffice(tmp_path):
    """Every cached value reproduced, no error value, master check 0; a wrong cache planted in a part's
    column is the one mismatch reported."""
    require_engine()
    from model.engine import libreoffice as engine
    jobs = []
    for folder in (REST_ROWS, FULL_YEARS):
        book, path = build_book(load(folder)), tmp_path / f"{folder.name}.xlsx"
        write_book(book, path)
        jobs.append((book, path))
    tampered = build_book(load(FULL_YEARS))
    planted = plant_wrong_cache(tampered, cell(tampered, "Income Statement", "Total revenue", "Q4 2026"),
                                tmp_path / "tampered.xlsx")
    results = engine.recalculate([{"path": p} for _, p in jobs] + [{"path": planted.path}])
    planted.assert_caught(results.pop())
    for (book, path), result in zip(jobs, results):
        rep = compare(cached_values(path), result)
        assert rep.formulas == len(list(book.formula_cells())) > 500, path.name
        assert (rep.mismatches, rep.errors, rep.master) == ([], [], 0), path.name


def test_edits_apply_writes_what_has_a_cell_and_says_why_a_part_has_none(tmp_path):
    """`edits --apply` on a folder of the earlier format: a FY2028 edit goes into its cell; a 9M2027 edit has no
    column to go to, is listed as not applicable with the reason, and the file keeps everything else."""
    from test_regenerate import edit
    folder, out = tmp_path / "m", tmp_path / "m.xlsx"
    shutil.copytree(REST_ROWS, folder)
    assert run("build", "--data", folder, "--out", out).returncode == 0
    edit(out, out, {("Asm_base_growth_platform", 2): 0.3, ("Asm_base_growth_platform", 5): 0.45})   # 9M2027, FY2028
    res = run("edits", out, "--data", folder, "--apply")
    assert res.returncode == 0, res.stderr
    assert ("not applicable: assumptions.csv has one column a year (the earlier format), so a 9M2027 value has no "
            "cell there") in res.stdout
    before = (REST_ROWS / "assumptions.csv").read_text(encoding="utf-8")
    assert (folder / "assumptions.csv").read_text(encoding="utf-8") == before.replace(
        "base,growth_platform,,50%,40%,", "base,growth_platform,,50%,45%,")
