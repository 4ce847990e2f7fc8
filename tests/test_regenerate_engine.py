"""Regenerating over a workbook edited and saved in LibreOffice (python3-uno), as a user would:
the edits survive, the regenerated cached values equal LibreOffice's recalculation of the edited
file, rows inserted / blocks moved do not matter, added content is named, and a data update
(a 9M interim, then a new full year) rolls the model forward over the edited workbook."""
import shutil

import openpyxl
import pytest

from conftest import ZHIPU_JAN as ZHIPU, require_engine
from model.regen import backup
from model.regen.userbook import header_period
from model.engine.verify import cached_values, compare
from test_regenerate import add_full_year_and_drop_bear, add_test_source, cell_of, data_copy, named, run  # builds the January data


@pytest.fixture(scope="module")
def engine():
    require_engine()
    from model.engine import libreoffice as engine
    return engine


def address(path, name, offset=0):
    """Sheet!A1 of the cell `offset` columns into a defined name's range, as the file has it now."""
    cell = cell_of(openpyxl.load_workbook(path), name, offset)
    return f"{cell.parent.title}!{cell.coordinate}"


def built(tmp_path, name="model.xlsx"):
    out = tmp_path / name
    res = run("build", "--data", ZHIPU, "--out", out)
    assert res.returncode == 0, res.stderr
    return out


def test_libreoffice_edits_survive_and_the_rebuild_equals_libreoffices_recalculation(engine, tmp_path):
    w0 = built(tmp_path)
    user = tmp_path / "edited.xlsx"
    edits = [{"target": "Scenario", "value": "bull"},
             # a driver's range spans 2H2025E (offset 0), FY2025E (blank), 1H2026E, 2H2026E, FY2026E (blank), FY2027E (5)
             {"target": address(w0, "Asm_bull_growth_cloud", 5), "value": 2.0},   # FY2027E
             {"target": address(w0, "Asm_bull_rnd_compute_growth", 0), "value": 0.2},   # 2H2025E
             {"target": address(w0, "Act_rnd_compute", 2), "value": 14.0},
             {"target": address(w0, "Tol_amount"), "value": 0.0002}]
    lo = engine.recalculate_file(w0, edits=edits, save_as=user)   # the user's file, and LibreOffice's numbers for it

    res = run("build", "--data", ZHIPU, "--out", user)
    assert res.returncode == 0, res.stderr
    assert "Edits in edited.xlsx: 5 kept, 0 dropped" in res.stdout
    assert "kept     Asm_bull_growth_cloud  Revenue growth — Cloud / MaaS  FY2027E  bull: 200% (data 150%)" in res.stdout
    assert "warning" not in res.stderr        # LibreOffice's save adds nothing a rebuild would drop
    assert named(user, "Asm_bull_growth_cloud")[5] == 2.0 and named(user, "Act_rnd_compute")[2] == 14.0
    assert named(user, "Scenario") == ["bull"] and named(user, "Tol_amount") == [0.0002]

    rep = compare(cached_values(user), lo)
    assert rep.formulas > 800
    assert rep.mismatches == [] and rep.errors == [] and rep.master == 0
    # and the edits really moved the model: LibreOffice's numbers differ from the unedited workbook's
    before = named(w0, "CumulativeLossToBreakeven")[0]
    assert lo["names"]["CumulativeLossToBreakeven"]["v"] != pytest.approx(before, rel=1e-6)
    saved, = backup.backups(user)
    assert named(saved, "Asm_bull_growth_cloud")[5] == 2.0


def test_inserted_rows_moved_blocks_and_added_content(engine, tmp_path):
    w0 = built(tmp_path)
    step1, user = tmp_path / "step1.xlsx", tmp_path / "edited.xlsx"
    # the user unprotects the tabs, inserts two rows inside the actuals, adds a sheet and some notes, types
    # over a formula ...
    engine.recalculate_file(
        w0, unprotect=True, insert_rows=[["Inputs", 18, 2]], add_sheets=["Notes"], save_as=step1,
        edits=[{"target": "Inputs!A19", "value": "my note on the actuals"},
               {"target": "Notes!A1", "value": "call with the CFO"},
               {"target": "Income Statement!H30", "value": 5.0},
               {"target": "Income Statement!T30", "value": "side calc"}])
    # ... then cuts a block of assumptions and pastes it below everything, and edits inputs where they now are
    wb = openpyxl.load_workbook(step1)
    (_, block), = wb.defined_names["Asm_base_growth_cloud"].destinations
    target = wb["Inputs"].max_row + 5
    edits = [{"target": f"Inputs!K{target}", "value": 2.0},   # FY2027E: the block's sixth cell (F: 2H2025E ... K)
             {"target": address(step1, "Act_selling_marketing", 1), "value": 1.1},
             {"target": address(step1, "Asm_bear_adjustments", 8), "value": 6.0}]   # FY2030E
    engine.recalculate_file(step1, move_ranges=[["Inputs", block.replace("$", ""), f"F{target}"]], edits=edits,
                            save_as=user)
    assert address(user, "Asm_base_growth_cloud") == f"Inputs!F{target}"

    res = run("build", "--data", ZHIPU, "--out", user)
    assert res.returncode == 0, res.stderr
    assert "3 kept, 0 dropped" in res.stdout
    assert named(user, "Asm_base_growth_cloud") == [2.173, None, 0.38093, 0.38093, None, 2.0, 0.8, 0.6, 0.5]
    assert named(user, "Act_selling_marketing")[1] == 1.1 and named(user, "Asm_bear_adjustments")[8] == 6.0
    warned = [ln.strip() for ln in res.stderr.splitlines()[1:]]
    assert sorted(warned) == sorted(["Inputs!A19: 'my note on the actuals' not carried: its row is not one the model "
                                     "writes (a row you inserted?)",
                                     "Income Statement!H30: formula replaced by 5"])
    assert "2 item(s) you added" in res.stderr
    assert "value    Income Statement!T30 -> Income Statement!T30" in res.stdout   # beside the model's columns
    assert openpyxl.load_workbook(user)["Income Statement"]["T30"].value == "side calc"
    assert openpyxl.load_workbook(user)["Notes"]["A1"].value == "call with the CFO"   # the user's sheet, carried
    saved, = backup.backups(user, "kept")   # it holds what the rebuild dropped: no rotation removes it
    kept = openpyxl.load_workbook(saved)
    assert kept["Inputs"]["A19"].value == "my note on the actuals"
    rep = compare(cached_values(user), engine.recalculate_file(user))
    assert rep.mismatches == [] and rep.errors == [] and rep.master == 0


NINE_MONTHS = """revenue,9M2024,0.9,test,
revenue,9M2025,3.2,test,
cost_of_revenue,9M2025,1.6,test,
gross_profit,9M2025,1.6,test,
share_onprem,9M2025,84%,test,
share_cloud,9M2025,16%,test,
gm_onprem,9M2025,59.5238%,test,
gm_cloud,9M2025,0%,test,
rnd,9M2025,25,test,
rnd_compute,9M2025,17.5,test,
adjusted_net_income,9M2025,-28,test,
net_income,9M2025,-34,test,
"""


def test_data_updates_roll_the_model_forward_over_an_edited_workbook(engine, tmp_path):
    w0 = built(tmp_path)
    user = tmp_path / "edited.xlsx"
    edits = [{"target": address(w0, "Asm_base_growth_cloud", 0), "value": 1.8},   # 2H2025E
             {"target": address(w0, "Asm_base_growth_cloud", 5), "value": 2.0},   # FY2027E
             {"target": address(w0, "Asm_bear_gm_cloud", 6), "value": 0.3},       # FY2028E
             {"target": address(w0, "Act_selling_marketing", 1), "value": 1.1}]
    engine.recalculate_file(w0, edits=edits, save_as=user)
    data = data_copy(tmp_path)

    # 1. the 9M2025 interim arrives: the forecast still starts in FY2025, now as 9M2025A + Q4 2025E, and FY2026 runs
    # as 9M2026E + Q4 2026E: the user re-lays the near-term columns (the half-year values kept as test figures)
    with open(data / "actuals.csv", "a", encoding="utf-8") as f:
        f.write(NINE_MONTHS)
    add_test_source(data)
    text = (data / "assumptions.csv").read_text(encoding="utf-8")
    (data / "assumptions.csv").write_text(text.replace("2H2025,FY2025,1H2026,2H2026,", "Q4 2025,FY2025,9M2026,Q4 2026,", 1),
                                          encoding="utf-8")
    res = run("build", "--data", data, "--out", user)
    assert res.returncode == 0, res.stderr
    assert "3 kept, 1 dropped" in res.stdout and "Checks: OK" in res.stdout
    assert ("2H2025E  base: 180%; 2H2025 is no longer a period of this driver (the forecast's periods: Q4 2025, "
            "9M2026, Q4 2026, FY2027") in res.stdout
    interim = tmp_path / "interim.xlsx"
    shutil.copy(user, interim)
    # the Act_ range runs by column: the years, the interim of the near term (9M2025), then the earlier interims
    assert [v for v in named(interim, "Act_revenue") if v is not None] == [0.57409, 1.24538, 3.12414, 3.2, 0.449, 0.9,
                                                                             1.90877]
    assert named(interim, "Asm_base_growth_cloud") == [2.173, None, 0.38093, 0.38093, None, 2.0, 0.8, 0.6, 0.5]

    # 2. FY2025 arrives and the bear scenario is retired: the forecast starts in FY2026
    add_full_year_and_drop_bear(data)
    res = run("build", "--data", data, "--out", user)
    assert res.returncode == 0, res.stderr
    assert "2 kept, 1 dropped" in res.stdout
    assert "FY2028E  bear: 30%; scenario 'bear' no longer exists in assumptions.csv" in res.stdout
    assert "note: assumptions.csv: column FY2025 ignored" in res.stdout
    assert named(user, "Asm_base_growth_cloud") == [1.0, 2.0, 0.8, 0.6, 0.5]
    assert named(user, "Act_selling_marketing")[1] == 1.1

    # both workbooks recalculate in LibreOffice to their cached values, every check passing
    results = engine.recalculate([{"path": interim}, {"path": user}])
    for path, result in zip((interim, user), results):
        rep = compare(cached_values(path), result)
        assert rep.mismatches == [] and rep.errors == [] and rep.master == 0, path.name
    ratios = openpyxl.load_workbook(user, data_only=True)["Ratios"]
    heads = {header_period(c.value, c.number_format): c.column for c in ratios[5]}
    assert {("FY2025", "A"), ("FY2026", "E"), ("9M2025", "A")} <= set(heads) and ("FY2025", "E") not in heads
    # like-for-like growth of the new interim: 9M2025 against 9M2024, by hand
    row = next(c.row for c in ratios["A"] if c.value == "Revenue growth (like for like)")
    assert ratios.cell(row, heads[("9M2025", "A")]).value == pytest.approx(3.2 / 0.9 - 1, rel=1e-12)
