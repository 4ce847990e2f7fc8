"""Interim-aware forecasting: when the latest actual is an interim of the first forecast year, that
year is the year-to-date actual plus the rest of the year, a column of its own (2H2026E beside 1H2026A).

Tested on data made here: Zhipu rolled forward to FY2025A and its real 1H2026 (the reference figures:
revenue 9.539, cloud 86.5%, on-premise 13.5%, segment margins 24.6% and 37.9%, R&D 21.31, adjusted net
loss 19.639, all RMB 100m), a Q1 case of the fictional second company (its 9M case is the shipped
tests/data/meridian), against hand computation and LibreOffice's recalculation with every scenario
selected; a typed input that makes the rest of the year negative turns the master check red."""
import copy
import shutil

import pytest

from conftest import (copy_folder, MERIDIAN, ZHIPU, assert_hand_forecast, cell, hand_forecast, line, plant_wrong_cache,
                      require_engine, run)
from model.calc.formula import a1
from model.data.company import load
from model.data.files import DataError
from model.data.periods import Period
from model.engine.verify import cached_values, compare
from model.workbook.build import build_book
from model.workbook.writer import write_book

FY2025 = {  # FY2025 annual results (reference file), RMB 100m
    "revenue": 7.24334, "cost_of_revenue": 4.27678, "gross_profit": 2.96656, "share_onprem": "73.7%",
    "share_cloud": "26.3%", "gm_onprem": "48.8%", "gm_cloud": "18.9%", "rnd": 31.80443, "net_income": -47.18167,
    "adjusted_net_income": -31.81972}
H1_2026 = {  # 1H2026 interim results (reference file), RMB 100m
    "revenue": 9.539, "cost_of_revenue": 9.539 - 2.516, "gross_profit": 2.516, "share_onprem": "13.5%",
    "share_cloud": "86.5%", "gm_onprem": "37.9%", "gm_cloud": "24.6%", "rnd": 21.31, "net_income": -20.72,
    "adjusted_net_income": -19.639}
# the rest of FY2026 per scenario: (on-premise growth over 1H, cloud growth over 1H, on-premise margin, cloud
# margin, R&D growth over 1H, other costs growth over 1H, adjustments) -- test assumptions
REST = {"base": ("150%", "30%", "45%", "25%", "10%", "10%", "1.0"),
        "bull": ("200%", "60%", "50%", "30%", "5%", "5%", "0.8"),
        "bear": ("100%", "5%", "40%", "20%", "15%", "20%", "1.2")}
REST_DRIVERS = ["rest_growth_onprem", "rest_growth_cloud", "rest_gm_onprem", "rest_gm_cloud", "rest_rnd_growth",
                "rest_other_opex_growth", "rest_adjustments"]


def rows(path, keep):
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(ln for ln in lines if keep(ln)), encoding="utf-8")


def zhipu_1h2026(folder):
    """templates/zhipu (rolled forward to the FY2025 actual and the 1H2026 interim) with R&D as one line
    (the compute share assumed there removed), this file's test rest_ drivers, cash at 30 June 2026 and
    the July 2026 placing in FY2026 as the only funding, forecast from FY2026."""
    import csv
    copy_folder(ZHIPU, folder)
    rows(folder / "actuals.csv", lambda ln: not ln.startswith("rnd_compute"))
    with (folder / "assumptions.csv").open(encoding="utf-8") as f:
        table = list(csv.reader(f))
    out = ["scenario,driver,FY2026,FY2027,FY2028,FY2029,FY2030,rationale"]
    for r in table[1:]:
        sc, drv, values = r[0], r[1], r[2:7]
        if drv.startswith("rest_") or drv == "rnd_other_growth":
            continue
        drv = "rnd_growth" if drv == "rnd_compute_growth" else drv
        # FY2026 = 1H + 2H2026E: the full-year drivers' FY2026 is blank, the cash drivers' is 2H2026's
        out.append(",".join([sc, drv] + values + ["from templates/zhipu"]))
    for sc, values in REST.items():
        for drv, v in zip(REST_DRIVERS, values):
            out.append(f"{sc},{drv},{v},,,,,test assumption")
    (folder / "assumptions.csv").write_text("\n".join(out) + "\n", encoding="utf-8")
    (folder / "events.csv").unlink()   # one placing in funding.csv instead
    (folder / "funding.csv").write_text(
        "item,period,value,unit,source,note\n"
        "opening_cash,1H2026,39.937,RMB 100m,S1,cash at 30 June 2026\n"
        "equity_raise,FY2026,313.7495,HKD 100m,S12,July 2026 placing (net)\n"
        "fx_rate,,0.92,RMB per HKD,assumption,\n", encoding="utf-8")
    for name in ("claims.csv", "reference.csv", "valuation.csv"):   # the note's figures and the value: not tested here
        (folder / name).unlink()
    return folder


def meridian_q1(folder):
    """The fictional second company with a first quarter instead of nine months of FY2026."""
    shutil.copytree(MERIDIAN, folder)
    rows(folder / "actuals.csv", lambda ln: "9M2026" not in ln)
    for name in ("reference.csv", "claims.csv"):
        if (folder / name).exists():
            rows(folder / name, lambda ln: "9M2026" not in ln)
    with (folder / "actuals.csv").open("a", encoding="utf-8") as f:
        f.write("revenue,Q1 2026,60,F1,\ncost_of_revenue,Q1 2026,21,F1,\nrnd,Q1 2026,55,F1,\n"
                "net_income,Q1 2026,-33,F1,\nadjusted_net_income,Q1 2026,-27,F1,\nrevenue,Q1 2025,28,F1,\n")
    text = (folder / "assumptions.csv").read_text(encoding="utf-8")
    for drv, old, new in (("rest_growth_platform", None, "240%"), ("rest_rnd_growth", None, "180%"),
                          ("rest_other_opex_growth", None, "150%")):
        lines = [ln if f",{drv}," not in ln else ",".join(ln.split(",")[:2] + [new] + ln.split(",")[3:])
                 for ln in text.splitlines()]
        text = "\n".join(lines) + "\n"
    (folder / "assumptions.csv").write_text(text, encoding="utf-8")
    (folder / "funding.csv").write_text((folder / "funding.csv").read_text(encoding="utf-8").replace(
        "opening_cash,9M2026", "opening_cash,Q1 2026"), encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def zh(tmp_path_factory):
    return load(zhipu_1h2026(tmp_path_factory.mktemp("zh") / "zhipu"))


@pytest.fixture(scope="module")
def q1(tmp_path_factory):
    return load(meridian_q1(tmp_path_factory.mktemp("q1") / "q1"))


def test_the_rest_of_the_year_is_a_column_beside_the_interim(zh):
    book = build_book(zh)
    sh = book.sheet("Income Statement")
    heads = {c.col: (c.fmt, c.content) for c in sh.cells.values() if c.role == "head" and c.fmt.startswith("period_")}
    h1, h2 = cell(book, "Income Statement", "Total revenue", "1H2026"), cell(book, "Income Statement", "Total revenue", "2H2026")
    assert h2.col == h1.col + 1 and heads[h2.col] == ("period_2HE", 2026)   # shown as 2H2026E
    assert heads[h1.col] == ("period_1HA", 2026)
    # the full year's flows are the interim plus the rest; its totals the usual sums of those
    fy = cell(book, "Income Statement", "Revenue — Cloud / MaaS", "FY2026")
    assert fy.content.xl(sh) == (f"{a1(fy.row, h1.col)}+{a1(fy.row, h2.col)}")


def test_first_forecast_year_by_hand(zh):
    """FY2026 = 1H2026 actual + 2H2026E, each 2H flow 1H's times (1 + its rest_ growth)."""
    book = build_book(zh, "base")
    on, cl = 9.539 * 0.135, 9.539 * 0.865
    rest_on, rest_cl = on * 2.5, cl * 1.3
    assert line(book, "Income Statement", "Total revenue", "2H2026") == pytest.approx(rest_on + rest_cl)
    assert line(book, "Income Statement", "Total revenue", "FY2026") == pytest.approx(9.539 + rest_on + rest_cl)
    gp = on * 0.379 + cl * 0.246 + rest_on * 0.45 + rest_cl * 0.25
    assert line(book, "Income Statement", "Gross profit", "FY2026") == pytest.approx(gp)
    other_1h = 2.516 - 21.31 + 19.639          # the balancing figure of 1H2026
    ani = gp - 21.31 * 2.1 - other_1h * 2.1
    assert line(book, "Income Statement", "Adjusted net income (loss)", "FY2026") == pytest.approx(ani)
    assert line(book, "Income Statement", "Net income (loss), reported", "FY2026") == pytest.approx(
        ani - ((-19.639 + 20.72) + 1.0))
    # FY2027 grows from the full year FY2026: on-premise +15%, cloud +80% (the base case's FY2027 drivers)
    assert line(book, "Income Statement", "Total revenue", "FY2027") == pytest.approx(
        (on + rest_on) * 1.15 + (cl + rest_cl) * 1.80)
    # every scenario, every year, against the plain implementation
    for sc in zh.scenarios:
        assert_hand_forecast(zh, sc, build_book(zh, sc))


def test_like_for_like_growth_of_the_rest(zh, q1, meridian_book):
    book = build_book(zh)
    h2_2025 = 7.24334 - 1.90877                  # FY2025 less 1H2025
    rest = 9.539 * 0.135 * 2.5 + 9.539 * 0.865 * 1.3
    assert line(book, "Ratios", "Revenue growth (like for like)", "2H2026") == pytest.approx(rest / h2_2025 - 1)
    assert line(book, "Ratios", "R&D growth", "2H2026") == pytest.approx(21.31 * 1.1 / (31.80443 - 15.947) - 1)
    # Q4 2026 against Q4 2025 (FY2025 - 9M2025); the rest after Q1 2026 against FY2025 - Q1 2025
    assert line(meridian_book, "Ratios", "Revenue growth (like for like)", "Q4 2026") == pytest.approx(
        189 * 0.35 / (150 - 105) - 1)
    qb = build_book(q1)
    assert line(qb, "Ratios", "Revenue growth (like for like)", "Q2-Q4 2026") == pytest.approx(60 * 3.4 / (150 - 28) - 1)
    assert line(qb, "Ratios", "R&D growth", "Q2-Q4 2026") == "n/a"   # no R&D for Q1 2025


def test_q1_case_by_hand(q1):
    b = build_book(q1, "base")
    assert line(b, "Income Statement", "Total revenue", "FY2026") == pytest.approx(60 + 60 * 3.4)
    assert line(b, "Income Statement", "Research & development", "FY2026") == pytest.approx(55 + 55 * 2.8)
    for sc in q1.scenarios:
        years, be, loss = hand_forecast(q1, sc)
        bk = build_book(q1, sc)
        for year, rev, adj, net in years:
            assert line(bk, "Income Statement", "Adjusted net income (loss)", f"FY{year}") == pytest.approx(adj, rel=1e-12)
        assert bk.names["CumulativeLossToBreakeven"].result() == pytest.approx(loss, rel=1e-12)


def test_every_scenario_recalculates_in_libreoffice(zh, q1, tmp_path):
    """LibreOffice with each scenario selected: every cached value reproduced, no error value, master
    check 0, and the full year never below its year to date."""
    require_engine()
    from model.engine import libreoffice as engine
    jobs = []
    for name, data in (("zhipu", zh), ("q1", q1)):
        for sc in data.scenarios:
            book, path = build_book(data, sc), tmp_path / f"{name}-{sc}.xlsx"
            write_book(book, path)
            jobs.append((data, sc, book, path))
    # the comparison can fail: a wrong cached value planted in the rest-of-year column is reported
    tampered = build_book(zh)
    planted = plant_wrong_cache(tampered, cell(tampered, "Income Statement", "Total revenue", "2H2026"),
                                tmp_path / "tampered.xlsx")
    results = engine.recalculate([{"path": p} for *_, p in jobs] + [{"path": planted.path}])
    planted.assert_caught(results.pop())
    for (data, sc, book, path), result in zip(jobs, results):
        rep = compare(cached_values(path), result)
        assert rep.formulas == len(list(book.formula_cells())) > 500, (path.name, sc)
        assert (rep.mismatches, rep.errors, rep.master) == ([], [], 0), path.name
        ytd = data.stub
        for label in ("Total revenue", "Research & development", "Cost of revenue"):
            fy, part = (cell(book, "Income Statement", label, code) for code in (f"FY{ytd.year}", ytd.code))
            got = lambda c: result["cells"]["Income Statement"][a1(c.row, c.col)]["v"]  # noqa: E731
            assert got(fy) >= got(part), (path.name, label)


def test_a_negative_rest_of_year_turns_the_master_check_red(zh, tmp_path):
    """A typed growth below -100% (data validation aside) makes 2H2026E revenue negative: the check for
    that scenario fails, whichever scenario is selected, and the engine agrees with the model."""
    require_engine()
    from model.engine import libreoffice as engine
    book = build_book(zh, "base")
    path = tmp_path / "m.xlsx"
    write_book(book, path)
    target = book.names["Asm_bear_rest_growth_cloud"].cells()[0][0]
    result = engine.recalculate_file(path, edits=[{"target": f"Inputs!{a1(target.row, target.col)}", "value": -1.5}])
    assert result["names"]["MasterCheck"]["v"] == 1
    checks = result["cells"]["Checks"]
    label = next(a for a, c in checks.items() if a.startswith("A") and c["v"] == "Rest of year not negative "
                 "(revenue and each cost) — bear")
    assert checks["B" + label[1:]]["v"] == 1
    assert result["cells"]["Cover"]["A3"]["v"].startswith("Checks: FAILING")
    # the model built from the same value says the same, cell for cell
    changed = copy.deepcopy(zh)
    changed.assumptions[("bear", "rest_growth_cloud")][0] = -1.5
    expected = build_book(changed, "base")
    assert expected.names["MasterCheck"].result() == 1
    for c in expected.formula_cells():
        got = result["cells"][c.sheet.name][a1(c.row, c.col)]
        want = c.result()
        assert not got["e"] and (got["v"] == want if isinstance(want, str) else got["v"] == pytest.approx(want, rel=1e-9, abs=1e-12))
    # and a cost: a cloud margin of 150% in 2H2026 makes its cost of revenue negative
    target = book.names["Asm_base_rest_gm_cloud"].cells()[0][0]
    result = engine.recalculate_file(path, edits=[{"target": f"Inputs!{a1(target.row, target.col)}", "value": 1.5}])
    assert result["names"]["MasterCheck"]["v"] == 1


def test_the_selected_scenario_edits_its_rest_drivers_in_libreoffice(zh, tmp_path):
    """The remainder inputs are live: changed in LibreOffice, every formula moves as the model predicts."""
    require_engine()
    from model.engine import libreoffice as engine
    book = build_book(zh)
    path = tmp_path / "m.xlsx"
    write_book(book, path)
    target = book.names["Asm_bull_rest_growth_onprem"].cells()[0][0]
    result = engine.recalculate_file(path, edits=[{"target": "Scenario", "value": "bull"},
                                                  {"target": f"Inputs!{a1(target.row, target.col)}", "value": 0.5}])
    changed = copy.deepcopy(zh)
    changed.assumptions[("bull", "rest_growth_onprem")][0] = 0.5
    expected = build_book(changed, "bull")
    moved = 0
    for c in expected.formula_cells():
        got, want = result["cells"][c.sheet.name][a1(c.row, c.col)], c.result()
        assert got["v"] == want if isinstance(want, str) else got["v"] == pytest.approx(want, rel=1e-9, abs=1e-12)
        moved += got["v"] != book.sheet(c.sheet.name).cell_at(c.row, c.col).result()
    assert moved > 100 and result["names"]["MasterCheck"]["v"] == 0


def test_remainder_drivers_are_refused_without_an_interim_of_the_first_forecast_year(tmp_path):
    folder = tmp_path / "m"
    shutil.copytree(MERIDIAN, folder)
    rows(folder / "actuals.csv", lambda ln: "9M2026" not in ln)
    for name in ("reference.csv", "claims.csv"):
        if (folder / name).exists():
            rows(folder / name, lambda ln: "9M2026" not in ln)
    (folder / "funding.csv").write_text((folder / "funding.csv").read_text(encoding="utf-8").replace(
        "opening_cash,9M2026", "opening_cash,FY2025"), encoding="utf-8")
    with pytest.raises(DataError) as e:
        load(folder)
    assert (e.value.file, e.value.column) == ("assumptions.csv", "FY2026")
    assert "has no interim of FY2026" in str(e.value)
    # through the command line: exit 2, the file, row and column, no traceback
    r = run("build", "--data", folder, "--out", tmp_path / "out.xlsx")
    assert r.returncode == 2 and "Traceback" not in r.stderr and not (tmp_path / "out.xlsx").exists()
    assert "assumptions.csv, row 22, column 'FY2026': rest_growth_platform" in r.stderr
    # blank remainder rows are accepted, and the full-year drivers then need FY2026
    text = (folder / "assumptions.csv").read_text(encoding="utf-8").splitlines()
    out = []
    for ln in text:
        parts = ln.split(",")
        if parts[1].startswith("rest_"):
            parts[2] = ""
        elif parts[1] != "driver" and not parts[2]:
            parts[2] = parts[3]
        out.append(",".join(parts))
    (folder / "assumptions.csv").write_text("\n".join(out) + "\n", encoding="utf-8")
    data = load(folder)
    assert data.stub is None and build_book(data).names["MasterCheck"].result() == 0


def test_no_interim_of_the_first_forecast_year_means_no_rest_column(tmp_path):
    """Interims that belong to actual years only (1H2025 once FY2025 is actual) change nothing: no rest
    column, no rest_ inputs, and the first forecast year has the same formula as the years after it."""
    folder = zhipu_1h2026(tmp_path / "z")
    # without the interim FY2025 would give selling, G&A and the operating result: the income statement by
    # function, whose drivers this file has none of; keep the one derived line
    rows(folder / "actuals.csv", lambda ln: "1H2026" not in ln and not ln.startswith("selling_general_admin"))
    lines = (folder / "assumptions.csv").read_text(encoding="utf-8").splitlines()
    out = []
    for ln in lines:
        parts = ln.split(",")
        if parts[1].startswith("rest_"):
            continue
        if parts[1] != "driver" and not parts[2]:
            parts[2] = parts[3]
        out.append(",".join(parts))
    (folder / "assumptions.csv").write_text("\n".join(out) + "\n", encoding="utf-8")
    (folder / "funding.csv").write_text((folder / "funding.csv").read_text(encoding="utf-8").replace(
        "opening_cash,1H2026,39.937", "opening_cash,FY2025,22.59147"), encoding="utf-8")
    (folder / "balance.csv").unlink()   # the 30 June 2026 balance sheet: not at the FY2025 cash date
    data = load(folder)
    book = build_book(data)
    assert data.stub is None and not any(n.startswith("Asm_base_rest_") for n in book.names)
    heads = [c.fmt for c in book.sheet("Income Statement").cells.values() if c.fmt.startswith("period_")]
    assert "period_2HE" not in heads and heads.count("period_1HA") == 2
    from model.calc.formula import col_letter
    sh = book.sheet("Income Statement")

    def shape(c):   # the formula with its own and the previous column as C and P
        return c.content.xl(sh).replace(col_letter(c.col - 1), "P").replace(col_letter(c.col), "C")
    a, b = (cell(book, "Income Statement", "Revenue — Cloud / MaaS", f"FY{y}") for y in (2026, 2027))
    assert shape(a) == shape(b) and "*(1+" in shape(a)
