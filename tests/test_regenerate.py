"""Regenerating over a workbook the user edited: edits survive (found by defined name), data-file
changes win, nothing is lost (backups, atomic write, lock files), and `edits` / `diff` report
what differs. Files edited "by another tool" are changed with openpyxl; the LibreOffice tests are
in test_regenerate_engine.py."""
import errno
import shutil

import openpyxl
import pytest
from click.testing import CliRunner

from conftest import copy_folder, ZHIPU_JAN as ZHIPU, run as run_cli


def run(*args, **kw):
    """The CLI; a build without --data builds the fixed January 2026 data (these tests are about
    regenerating, not about the figures of templates/zhipu, which move with each results day)."""
    if args and args[0] == "build" and "--data" not in args:
        args = ("build", "--data", ZHIPU, *args[1:])
    return run_cli(*args, **kw)
from model.regen import backup
from model.data.company import load
from model.regen.userbook import header_period
from model.data.periods import Period


def named(path, name):
    """The values of a defined name's cells, row by row (read plainly with openpyxl)."""
    wb = openpyxl.load_workbook(path, data_only=True)
    (sheet, coord), = wb.defined_names[name].destinations
    cells = wb[sheet][coord.replace("$", "")]
    cells = cells if isinstance(cells, tuple) else ((cells,),)
    return [c.value for row in cells for c in (row if isinstance(row, tuple) else (row,))]


def cell_of(wb, name, offset=0):
    """The cell `offset` columns into a defined name's range (an openpyxl workbook)."""
    (sheet, coord), = wb.defined_names[name].destinations
    first = wb[sheet][coord.replace("$", "").split(":")[0]]
    return wb[sheet].cell(first.row, first.column + offset)


def edit(src, dst, changes):
    """Change input cells as another tool would: {(defined name, offset in the range): value}."""
    wb = openpyxl.load_workbook(src)
    for (name, i), value in changes.items():
        cell_of(wb, name, i).value = value
    wb.save(dst)


def data_copy(tmp_path, source=ZHIPU):
    return copy_folder(source, tmp_path / "data" / source.name)


@pytest.fixture()
def built(tmp_path):
    out = tmp_path / "model.xlsx"
    res = run("build", "--data", ZHIPU, "--out", out)
    assert res.returncode == 0, res.stderr
    return out


# --- edits survive ---

def test_edits_survive_a_rebuild_and_reset_discards_them(built):
    # Asm_base_growth_cloud covers the forecast periods 2H2025E (offset 0), FY2025E (1, blank: 1H2025A + 2H2025E),
    # 1H2026E, 2H2026E, FY2026E (4, blank), FY2027E (5) ... FY2030E (8). Act_ ranges start at FY2022.
    edit(built, built, {("Asm_base_growth_cloud", 5): 2.0, ("Act_rnd", 1): 5.5, ("Tol_amount", 0): 0.001,
                        ("Scenario", 0): "bull"})
    res = run("build", "--data", ZHIPU, "--out", built)
    assert res.returncode == 0, res.stderr
    assert "Edits in model.xlsx: 4 kept, 0 dropped" in res.stdout
    assert "kept     Asm_base_growth_cloud  Revenue growth — Cloud / MaaS  FY2027E  base: 200% (data 100%)" in res.stdout
    assert "kept     Act_rnd  R&D expense  FY2023A: 5.5 (data 5.289)" in res.stdout
    assert named(built, "Asm_base_growth_cloud") == [2.173, None, 0.38093, 0.38093, None, 2.0, 0.8, 0.6, 0.5]
    assert named(built, "Act_rnd")[:3] == [0.844, 5.5, 21.954]
    assert named(built, "Tol_amount") == [0.001] and named(built, "Scenario") == ["bull"]
    # the regenerated workbook computes with them (bull selected, cached on the Cover) and marks them
    wb = openpyxl.load_workbook(built, data_only=True)
    assert "bull" in [c.value for c in wb["Cover"]["B"]]
    notes = {c.coordinate: c.comment.text for row in wb["Inputs"].iter_rows() for c in row if c.comment}
    marked = {k: v for k, v in notes.items() if "Edited in the workbook" in v}
    assert len(marked) == 3
    assert any(v.endswith("the data files give 100%.") for v in marked.values())
    assert any(v.startswith("Source: note; S2") and v.endswith("the data files give 5.289.") for v in marked.values())

    again = run("build", "--data", ZHIPU, "--out", built)   # edits are still recognised as edits a build later
    assert "4 kept" in again.stdout and named(built, "Asm_base_growth_cloud")[5] == 2.0

    reset = run("build", "--data", ZHIPU, "--out", built, "--reset")
    assert reset.returncode == 0 and "--reset" in reset.stdout and "  kept " not in reset.stdout
    assert named(built, "Asm_base_growth_cloud")[5] == 1.0 and named(built, "Scenario") == ["base"]
    assert len(backup.backups(built)) == 2 and len(backup.backups(built, "kept")) == 1  # the discarded edits


def test_scenario_option_overrides_the_selection_made_in_the_workbook(built):
    edit(built, built, {("Scenario", 0): "bear"})
    res = run("build", "--data", ZHIPU, "--out", built, "--scenario", "bull")
    assert res.returncode == 0
    assert "--scenario bull replaces the selection 'bear'" in res.stdout
    assert named(built, "Scenario") == ["bull"]


def test_data_file_change_wins_over_the_users_edit(built, tmp_path):
    edit(built, built, {("Act_rnd", 2): 25.0, ("Asm_bull_gm_cloud", 0): 0.5})
    data = data_copy(tmp_path)
    text = (data / "actuals.csv").read_text(encoding="utf-8").replace("rnd,FY2024,21.954", "rnd,FY2024,22.5")
    (data / "actuals.csv").write_text(text, encoding="utf-8")
    res = run("build", "--data", data, "--out", built)
    assert res.returncode == 0, res.stderr
    assert ("decide   Act_rnd  R&D expense  FY2024A: 25; the data files changed it from 21.954 to 22.5 since the "
            "workbook was built: the data file's value stands until you choose on the Review tab") in res.stdout
    assert "kept     Asm_bull_gm_cloud" in res.stdout
    assert named(built, "Act_rnd")[2] == 22.5 and named(built, "Asm_bull_gm_cloud")[0] == 0.5


def test_a_data_update_to_the_users_value_is_reported_as_agreed(built, tmp_path):
    edit(built, built, {("Act_rnd", 2): 22.5})
    data = data_copy(tmp_path)
    text = (data / "actuals.csv").read_text(encoding="utf-8").replace("rnd,FY2024,21.954", "rnd,FY2024,22.5")
    (data / "actuals.csv").write_text(text, encoding="utf-8")
    res = run("build", "--data", data, "--out", built)
    assert "in data  Act_rnd  R&D expense  FY2024A: 22.5; the data files now hold the same value" in res.stdout


def test_values_that_break_a_data_rule_are_dropped_with_the_reason(built):
    edit(built, built, {("Asm_base_growth_onprem", 0): -1.5, ("Asm_base_gm_onprem", 0): "sixty",
                        ("Act_revenue", 2): None, ("Scenario", 0): "moon", ("Asm_bull_gm_onprem", 3): 0.7})
    res = run("build", "--data", ZHIPU, "--out", built)
    assert res.returncode == 0, res.stderr
    assert "-150% is not allowed here: expected a growth rate above -100%" in res.stdout
    assert "'sixty' is not a number" in res.stdout
    assert "revenue for FY2024 is the base of the forecast and cannot be blank" in res.stdout
    assert "'moon' is not a scenario in assumptions.csv" in res.stdout
    assert "1 kept, 4 dropped" in res.stdout
    assert named(built, "Asm_base_growth_onprem")[0] == 1.262 and named(built, "Act_revenue")[2] == 3.12414
    assert named(built, "Asm_bull_gm_onprem")[3] == 0.7   # 2H2026E: kept
    assert "Checks: OK" in res.stdout


def test_a_workbook_without_build_record_keeps_every_difference(built):
    wb = openpyxl.load_workbook(built)
    del wb["_meta"]
    wb.save(built)
    edit(built, built, {("Asm_bull_adjustments", 8): 1.25})   # FY2030E
    res = run("build", "--data", ZHIPU, "--out", built)
    assert res.returncode == 0, res.stderr
    assert "no build record" in res.stdout
    assert ("kept     Asm_bull_adjustments  Non-IFRS adjustments (assumed amount)  FY2030E  bull: 1.25 "
            "(data 2.5)") in res.stdout
    assert named(built, "Asm_bull_adjustments")[8] == 1.25


def test_a_workbook_that_cannot_be_read_is_left_alone_unless_reset(tmp_path):
    out = tmp_path / "model.xlsx"
    out.write_bytes(b"not a workbook")
    res = run("build", "--data", ZHIPU, "--out", out)
    assert res.returncode == 2 and "--reset" in res.stderr and "Traceback" not in res.stderr
    assert out.read_bytes() == b"not a workbook"
    res = run("build", "--data", ZHIPU, "--out", out, "--reset")
    assert res.returncode == 0
    saved, = backup.backups(out, "kept")   # what it held is unknown: a copy no rotation removes
    assert saved.read_bytes() == b"not a workbook"


# --- data updates roll the model forward (LibreOffice check in test_regenerate_engine.py) ---

FY2025 = """revenue,FY2025,7.0,test,
cost_of_revenue,FY2025,3.57,test,
gross_profit,FY2025,3.43,test,
share_onprem,FY2025,80%,test,
share_cloud,FY2025,20%,test,
gm_onprem,FY2025,60%,test,
gm_cloud,FY2025,5%,test,
rnd,FY2025,45,test,
rnd_compute,FY2025,30,test,
net_income,FY2025,-52,test,
adjusted_net_income,FY2025,-45,test,
"""


def add_full_year_and_drop_bear(folder):
    with open(folder / "actuals.csv", "a", encoding="utf-8") as f:
        f.write(FY2025)
    # the year-end balance sheet comes with the year's results: the opening cash moves to FY2025
    text = (folder / "funding.csv").read_text(encoding="utf-8")
    (folder / "funding.csv").write_text(text.replace("opening_cash,1H2025,25.52,", "opening_cash,FY2025,60.0,"),
                                        encoding="utf-8")
    add_test_source(folder)
    # no interim of FY2026 yet: FY2026 is forecast as a whole, no longer in halves, so its drivers need a value
    # for the year (a user re-forecasts it: here FY2027's); its half-year columns are then not used (noted)
    lines = (folder / "assumptions.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    head = lines[0].strip().split(",")
    out = [lines[0]]
    for ln in lines[1:]:
        if ln.startswith("bear,"):
            continue
        cells = ln.rstrip("\n").split(",")
        if not cells[head.index("FY2026")]:
            cells[head.index("FY2026")] = cells[head.index("FY2027")]
        out.append(",".join(cells) + "\n")
    (folder / "assumptions.csv").write_text("".join(out), encoding="utf-8")


def add_test_source(folder):
    """The source id 'test' that invented figures cite, listed in sources.csv (once)."""
    path = folder / "sources.csv"
    if "\ntest," not in path.read_text(encoding="utf-8"):
        with open(path, "a", encoding="utf-8") as f:
            f.write("test,Invented figures for the tests,,new actuals,single\n")


def test_a_new_actual_year_moves_the_forecast_and_drops_stale_edits(built, tmp_path):
    edit(built, built, {("Asm_base_growth_cloud", 0): 1.8, ("Asm_base_growth_cloud", 5): 2.0,   # 2H2025E, FY2027E
                        ("Asm_bear_gm_cloud", 6): 0.3, ("Act_selling_marketing", 1): 1.1})   # FY2028E
    data = data_copy(tmp_path)
    add_full_year_and_drop_bear(data)
    res = run("build", "--data", data, "--out", built)
    assert res.returncode == 0, res.stderr
    out = res.stdout
    assert "2 kept, 2 dropped" in out
    assert ("dropped  Asm_base_growth_cloud  Revenue growth — Cloud / MaaS  2H2025E  base: 180%; 2H2025 is now an "
            "actual year (FY2025 actuals are in the data)") in out
    assert "dropped  Asm_bear_gm_cloud  Gross margin — Cloud / MaaS  FY2028E  bear: 30%; scenario 'bear' no longer " \
           "exists in assumptions.csv" in out
    assert "note: assumptions.csv: column FY2025 ignored" in out
    # the forecast now starts in FY2026, a year without halves: the FY2027E edit is the second forecast column
    assert named(built, "Asm_base_growth_cloud") == [1.0, 2.0, 0.8, 0.6, 0.5]
    assert named(built, "Act_revenue")[:4] == [0.57409, 1.24538, 3.12414, 7.0]
    assert named(built, "Act_selling_marketing")[:4] == [0.1514, 1.1, 3.87, None]
    wb = openpyxl.load_workbook(built, data_only=True)
    ws = wb["Income Statement"]
    heads = {header_period(c.value, c.number_format): c.column for c in ws[5] if header_period(c.value, c.number_format)}
    assert ("FY2025", "A") in heads and ("FY2026", "E") in heads and ("FY2025", "E") not in heads
    assert "bear" not in {c.value for c in wb["Scenarios"]["A"]}
    assert "Checks: OK" in out


def test_an_extra_past_year_column_is_ignored_with_a_note(tmp_path):
    data = data_copy(tmp_path)
    add_full_year_and_drop_bear(data)
    d = load(data)
    assert d.forecast_years[0] == 2026 and [p.code for p in d.full_years][-1] == "FY2025"
    assert any("column FY2025 ignored" in n for n in d.notes)
    assert d.assumptions[("base", "growth_cloud")] == [1.0, 1.0, 0.8, 0.6, 0.5]
    assert any("column 1H2026 ignored (not a forecast period" in n for n in d.notes)


# --- nothing is lost ---

def test_backups_are_bounded_and_newest_kept(tmp_path):
    f = tmp_path / "model.xlsx"
    made = []
    for i in range(7):
        f.write_text(f"version {i}")
        made.append(backup.backup(f, keep=5))
    kept = backup.backups(f)
    assert kept == made[-5:]
    assert [p.read_text() for p in kept] == [f"version {i}" for i in range(2, 7)]


@pytest.mark.parametrize("lock", [".~lock.model.xlsx#", "~$model.xlsx", "~$del.xlsx"])
def test_an_open_workbook_is_refused_unless_forced(built, lock):
    before = built.read_bytes()
    (built.parent / lock).write_text("user,host")
    res = run("build", "--data", ZHIPU, "--out", built)
    assert res.returncode == 1
    assert lock in res.stderr and "--force" in res.stderr and "Traceback" not in res.stderr
    assert built.read_bytes() == before and backup.backups(built) == []
    forced = run("build", "--data", ZHIPU, "--out", built, "--force")
    assert forced.returncode == 0
    assert backup.backups(built)[0].read_bytes() == before


def test_a_fault_mid_write_leaves_the_old_workbook_intact(built, monkeypatch):
    import cli
    import model.workbook.writer
    before = built.read_bytes()
    real = model.workbook.writer.write_book

    def crash(book, path, *a, **k):
        real(book, path, *a, **k)
        with open(path, "r+b") as f:   # half the file is on disk when the disk fills up
            f.truncate(len(before) // 2)
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(model.workbook.writer, "write_book", crash)
    res = CliRunner().invoke(cli.main, ["build", "--data", str(ZHIPU), "--out", str(built)])
    assert res.exit_code == 1
    assert "No space left on device" in res.output
    assert built.read_bytes() == before
    assert sorted(p.name for p in built.parent.iterdir() if not p.name.startswith("model.backup-")) == ["model.xlsx"]


# --- edits and diff ---

def test_edits_lists_differences_and_apply_makes_them_the_defaults(built, tmp_path):
    data = data_copy(tmp_path)
    edit(built, built, {("Asm_base_growth_cloud", 5): 0.655, ("Act_rnd_compute", 2): 14.0,   # FY2027E
                        ("Act_selling_marketing", 1): 1.1, ("Tol_amount", 0): 0.001,
                        ("Asm_bear_adjustments", 0): 9.5})   # 2H2025E
    res = run("edits", built, "--data", data)
    assert res.returncode == 0, res.stderr
    rows = [ln.split() for ln in res.stdout.splitlines()]
    assert ["Asm_base_growth_cloud", "Revenue", "growth", "—", "Cloud", "/", "MaaS", "FY2027E", "base", "100%",
            "65.5%"] in rows
    assert ["Act_rnd_compute", "of", "which", "compute", "FY2024A", "15.53", "14"] in rows
    assert ["Act_selling_marketing", "Selling", "&", "marketing", "expense", "FY2023A", "blank", "1.1"] in rows
    assert "5 input(s) differ" in res.stdout
    before = {n: (data / n).read_text(encoding="utf-8") for n in ("actuals.csv", "assumptions.csv", "company.toml")}

    res = run("edits", built, "--data", data, "--apply")
    assert res.returncode == 0, res.stderr
    asm = (data / "assumptions.csv").read_text(encoding="utf-8")
    assert "base,growth_cloud,217.3%,,38.0930%,38.0930%,,65.5%,80%,60%,50%," in asm
    assert "bear,adjustments,9.5,,2,2,,4.0,4.0,4.0,4.0," in asm
    act = (data / "actuals.csv").read_text(encoding="utf-8")
    assert "rnd_compute,FY2024,14,S5; S6,70.7% of FY2024 R&D" in act
    assert "selling_marketing,FY2023,1.1,,entered in the workbook" in act
    assert "amount = 0.001 " in (data / "company.toml").read_text(encoding="utf-8")
    for name, text in before.items():   # every other line untouched; the old file kept as a backup
        old, new = text.splitlines(), (data / name).read_text(encoding="utf-8").splitlines()
        gone, added = [ln for ln in old if ln not in new], [ln for ln in new if ln not in old]
        assert 1 <= len(gone) <= 2 and len(added) == len(gone) + (name == "actuals.csv"), (name, gone, added)
        saved, = backup.backups(data / name, "kept")
        assert saved.read_text(encoding="utf-8") == text
    d = load(data)
    assert d.assumptions[("base", "growth_cloud")][5] == pytest.approx(0.655)
    assert run("edits", built, "--data", data).stdout.startswith("No differences")


def test_diff_names_changed_inputs_and_the_outputs_that_moved(built, tmp_path):
    from model.workbook.build import build_book
    new = tmp_path / "new.xlsx"
    shutil.copy(built, new)
    edit(new, new, {("Asm_bear_growth_cloud", 6): 0.9})   # FY2028E (the range starts at 2H2025E)
    res = run("build", "--data", ZHIPU, "--out", new)   # recalculated by the rebuild
    assert res.returncode == 0
    res = run("diff", built, new)
    assert res.returncode == 0, res.stderr
    out = res.stdout.splitlines()
    assert out[0] == "Inputs: 1 changed, 0 added, 0 removed"
    assert out[1] == ("  changed  Asm_bear_growth_cloud  Revenue growth — Cloud / MaaS  FY2028E  bear: 40% → 90%")
    d = load(ZHIPU)
    expected_old = build_book(d).summary["bear"][2].result()
    d.assumptions[("bear", "growth_cloud")][6] = 0.9
    expected_new = build_book(d).summary["bear"][2].result()
    bear = next(ln for ln in out if ln.startswith("  bear: "))
    assert f"Revenue, final year: {expected_old:,.2f} → {expected_new:,.2f}" in bear
    assert "  base: unchanged" in out and "  bull: unchanged" in out
    assert "Scenario base: no line moved" in out
    # cloud and total revenue and gross profit, the adjusted result before finance and tax, adjusted net income
    # and the loss before breakeven, and what follows from adjusted net income: reported net income, after the
    # opening date (operating cash is the Cash & Funding tab's cash-flow statement, not a Scenarios line; the
    # January data earn no interest: no cash rate, so the finance lines stay 0)
    moved = out[out.index("Scenario bear: 9 lines moved") + 1:]
    assert moved[0].startswith("  Revenue — Cloud / MaaS: FY2028E ")
    assert "FY2027E" not in moved[0]   # the years before the change did not move


def test_header_periods_read_as_excel_and_libreoffice_write_them():
    assert header_period(2024, '"FY"0"A"') == ("FY2024", "A")
    assert header_period(2024, '"FY"0\\A') == ("FY2024", "A")
    assert header_period(2025, '"1H"0"A"') == ("1H2025", "A")
    assert header_period(2025, '"9M"0\\A') == ("9M2025", "A")
    assert header_period(2027, '"FY"0"E"') == ("FY2027", "E")
    assert header_period(2024, "General") is None and header_period("FY2024", '"FY"0"A"') is None


def test_data_files_keep_their_text_where_nothing_changed():
    from model.regen.edits import edit_csv, number_text
    text = ('# assumptions.csv: comment rows explain the file, "quoted", with, commas\r\n'
            "scenario,driver,FY2026,FY2027,rationale\r\n"
            "\r\n"
            'base,growth_x,60%,(0.5),"Grows, then slows"\r\n'
            "bull,growth_x,0.7,0.6,plain\r\n")
    updates = {("base", "growth_x"): {"FY2026": number_text(0.655, "pct", "60%"),
                                      "FY2027": number_text(-0.25, "pct", "(0.5)")},
               ("bull", "growth_x"): {"FY2027": number_text(0.8, "pct", "0.6")}}
    out = edit_csv(text, ["scenario", "driver"], updates, [])
    assert out.splitlines(keepends=True) == [
        '# assumptions.csv: comment rows explain the file, "quoted", with, commas\r\n',
        "scenario,driver,FY2026,FY2027,rationale\r\n",
        "\r\n",
        'base,growth_x,65.5%,(0.25),"Grows, then slows"\r\n',
        "bull,growth_x,0.7,0.8,plain\r\n"]
    assert number_text(None, "pct", "60%") == "" and number_text(0.6, "pct") == "60%"
    assert number_text(1 / 3, "amount") == "0.3333333333"


def test_a_second_company_with_spaced_scenario_names_and_one_rnd_line(tmp_path):
    from conftest import MERIDIAN
    out = tmp_path / "meridian.xlsx"
    assert run("build", "--data", MERIDIAN, "--out", out).returncode == 0
    base = len(load(MERIDIAN).full_years) - 1  # the base year's column in Act_ ranges
    # Asm_price_war_rnd_growth spans Q4 2026E, FY2026E (blank: 9M2026A + Q4 2026E), 9M2027E, Q4 2027E, FY2027E
    # (blank), FY2028E (offset 5) ...
    edit(out, out, {("Asm_price_war_rnd_growth", 5): 0.33, ("Act_rnd_compute", 1): 4.0,
                    ("Act_rnd_compute", base): 9.0})
    res = run("build", "--data", MERIDIAN, "--out", out)
    assert res.returncode == 0, res.stderr
    assert "kept     Asm_price_war_rnd_growth  R&D growth  FY2028E  price war: 33% (data 8%)" in res.stdout
    # compute entered for the base year, or for an earlier year (its share of R&D would be carried to the base
    # year), would split R&D, which this company forecasts as one line: both are dropped, saying why
    assert "1 kept, 2 dropped" in res.stdout
    assert "dropped  Act_rnd_compute  of which compute  FY2023A: 4; compute for FY2023 decides how R&D is forecast " \
           "(split or not, its share of R&D carried to FY2025)" in res.stdout
    assert "dropped  Act_rnd_compute  of which compute  FY2025A: 9; compute for FY2025 decides" in res.stdout
    assert named(out, "Asm_price_war_rnd_growth")[5] == 0.33 and named(out, "Act_rnd_compute")[1] is None
    data = data_copy(tmp_path, MERIDIAN)
    assert run("edits", out, "--data", data, "--apply").returncode == 0
    assert "price war,rnd_growth,-16%,,21.4774%,21.4774%,,33%,6%," in (data / "assumptions.csv").read_text(encoding="utf-8")
    assert load(data).actual("rnd_compute", load(data).full_years[1]) is None


def test_analysis_inputs_survive_a_rebuild_and_apply_to_their_files(built, tmp_path):
    """Funding, sensitivity steps, claims and cash-flow drivers are inputs like the others: kept by a
    rebuild, listed by `edits`, and written back into funding.csv, company.toml and claims.csv."""
    edit(built, built, {("Fund_fx_rate", 0): 0.9, ("Fund_raise_year", 0): 2027, ("Step_growth_step", 0): 0.2,
                        ("Claim_MULT", 0): 5.44, ("Asm_bull_capex", 3): 7.5})   # FY2026E (after FY2025E and its halves)
    res = run("build", "--data", ZHIPU, "--out", built)
    assert res.returncode == 0, res.stderr
    assert "5 kept, 0 dropped" in res.stdout
    assert named(built, "Fund_fx_rate") == [0.9] and named(built, "Fund_raise_year") == [2027]
    assert named(built, "Step_growth_step") == [0.2] and named(built, "Claim_MULT") == [5.44]
    assert named(built, "Asm_bull_capex")[3] == 7.5

    data = data_copy(tmp_path)
    res = run("edits", built, "--data", data, "--apply")
    assert res.returncode == 0, res.stderr
    funding = (data / "funding.csv").read_text(encoding="utf-8")
    assert "fx_rate,,0.9,RMB per HKD" in funding and "equity_raise,FY2027,41.734," in funding
    assert "growth_step = 0.2 " in (data / "company.toml").read_text(encoding="utf-8")
    assert "MULT,Revenue up 5.47 times in three years (FY2022-24),营收三年增长5.47倍,5.44,x," in \
        (data / "claims.csv").read_text(encoding="utf-8")
    assert "bull,capex,,2.0,,,7.5,4.5," in (data / "assumptions.csv").read_text(encoding="utf-8")
    d = load(data)
    assert d.funding["fx_rate"].value == 0.9 and d.funding["equity_raise"].period.year == 2027
    assert d.sensitivity["growth_step"] == 0.2 and d.value("bull", "capex", Period(2026, 12)) == 7.5


def test_an_edited_optional_cash_driver_is_written_as_a_new_row(tmp_path):
    """The second company gives no cash-flow drivers (0 assumed): an edit of one becomes a full row."""
    from conftest import MERIDIAN
    data = data_copy(tmp_path, MERIDIAN)
    out = tmp_path / "m.xlsx"
    assert run("build", "--data", data, "--out", out).returncode == 0
    edit(out, out, {("Asm_downside_capex", 4): 12.5, ("Step_tornado_step", 0): 0.02})   # FY2028E
    res = run("edits", out, "--data", data, "--apply")
    assert res.returncode == 0, res.stderr
    assert "downside,capex,,0,,,0,12.5,0,0,0," in (data / "assumptions.csv").read_text(encoding="utf-8")
    assert "[sensitivity]\ntornado_step = 0.02\n" in (data / "company.toml").read_text(encoding="utf-8")
    d = load(data)
    assert d.assumptions[("downside", "capex")] == [None, 0, None, None, 0, 12.5, 0, 0, 0]
    assert d.sensitivity["tornado_step"] == 0.02


def test_an_edit_of_the_old_margin_step_is_dropped_with_its_reason(tmp_path):
    """The tornado's margin_step gave way to one relative step (tornado_step): a workbook whose
    Step_margin_step was edited rebuilds, the edit dropped with its reason (not a traceback)."""
    from model.workbook.slots import Slot, resolve
    data = load(ZHIPU)
    assert "margin_step" not in data.sensitivity and "tornado_step" in data.sensitivity
    assert resolve(data, Slot("step", "margin_step")).gone == "sensitivity step 'margin_step' no longer exists"
    assert resolve(data, Slot("step", "tornado_step")).value == data.sensitivity["tornado_step"]
    # company.toml files that still give margin_step load (it is ignored)
    folder = tmp_path / "co"
    copy_folder(ZHIPU, folder)
    toml = folder / "company.toml"
    toml.write_text(toml.read_text(encoding="utf-8").replace("[sensitivity]", "[sensitivity]\nmargin_step = 0.05"),
                    encoding="utf-8")
    assert load(folder).sensitivity == data.sensitivity


def test_without_a_record_every_input_cell_is_found_as_the_record_finds_it(company, tmp_path):
    """Every input cell of each company's workbook, read with its data from a copy without the build
    record (as a build reads it), has the slot the record gives it: no family of input names is missed,
    and a scenario named with a space ('price war', Asm_price_war_...) is found under its own name."""
    from model.regen.userbook import read_user_book
    from model.workbook.writer import write_book
    data, book = company
    path, bare = tmp_path / "model.xlsx", tmp_path / "bare.xlsx"
    write_book(book, path)
    wb = openpyxl.load_workbook(path)
    del wb["_meta"]
    wb.save(bare)
    recorded = {c.address: c.slot for c in read_user_book(path, data).inputs}
    found = read_user_book(bare, data)
    assert not found.has_record and len(recorded) > 100
    assert {c.address: c.slot for c in found.inputs} == recorded
