"""A held-out company unlike Zhipu, built as a new user would (tests/data/lumen, fictional and
MiniMax-like): USD m, nine-month interims, two segments whose reported shares add to 100.05%, a year
with no revenue but R&D and a loss (FY2022), a negative gross margin year (FY2023), no compute split,
no claims, and a name that starts with a digit and holds an '&'. Variants: FY2022 revenue left blank
(not disclosed) and ten segments (the most the loader allows). Each is built, recalculated in
LibreOffice and held to the model's own guarantees; figures are checked against the data files."""
import shutil
import subprocess

import pytest

from conftest import ROOT, line, plant_wrong_cache, require_engine, run
from model.data.company import load
from model.engine.verify import cached_values, compare
from model.workbook.build import build_book
from model.workbook.writer import write_book

LUMEN = ROOT / "tests" / "data" / "lumen"
NAME = "3M Lumen Labs & Co"


def variant(tmp_path, name, edit):
    """A copy of the held-out company with `edit(folder)` applied to its files."""
    folder = tmp_path / name
    shutil.copytree(LUMEN, folder)
    edit(folder)
    return folder


def blank_revenue(folder):
    path = folder / "actuals.csv"
    path.write_text(path.read_text().replace("revenue,FY2022,0,F1,", "revenue,FY2022,,F1,"))


SEGMENTS = 10


def ten_segments(folder):
    """Ten segments of equal share, each at the reported blended margin, with the first segment's drivers."""
    toml = (folder / "company.toml").read_text().split("[[segments]]")[0]
    toml += "".join(f'[[segments]]\nkey = "s{i}"\nlabel = "Segment {i}"\n\n' for i in range(SEGMENTS))
    (folder / "company.toml").write_text(toml + "[tolerances]\namount = 0.001\n")
    keep, rows = [], []
    for ln in (folder / "actuals.csv").read_text().splitlines():
        item = ln.split(",")[0]
        if item.startswith(("share_", "gm_")):
            if item.endswith("_apps"):
                rows.append(ln)
        else:
            keep.append(ln)
    reported = {}
    for ln in keep[1:]:
        item, period, value = ln.split(",")[:3]
        reported[(item, period)] = float(value)
    for ln in rows:
        item, period, value, *rest = ln.split(",")
        rev, cost = reported[("revenue", period)], reported[("cost_of_revenue", period)]
        v = "10%" if item.startswith("share_") else repr((rev - cost) / rev)
        keep += [",".join([f"{item.split('_')[0]}_s{i}", period, v, *rest]) for i in range(SEGMENTS)]
    (folder / "actuals.csv").write_text("\n".join(keep) + "\n")
    out = []
    for ln in (folder / "assumptions.csv").read_text().splitlines():
        parts = ln.split(",")
        if parts[1].endswith("_apps"):
            out += [",".join([parts[0], parts[1].replace("_apps", f"_s{i}"), *parts[2:]]) for i in range(SEGMENTS)]
        elif not parts[1].endswith("_platform"):
            out.append(ln)
    (folder / "assumptions.csv").write_text("\n".join(out) + "\n")


@pytest.fixture(scope="module")
def lumen():
    return load(LUMEN)


@pytest.fixture(scope="module")
def lumen_book(lumen):
    return build_book(lumen)


def test_the_data_are_what_the_files_say(lumen):
    assert lumen.company["name"] == NAME and lumen.company["unit"] == "USD m"
    assert [k for k, _ in lumen.segments] == ["apps", "platform"] and not lumen.split_compute
    assert lumen.claims == []


def test_a_year_without_revenue_builds_with_na_ratios(lumen_book):
    b = lumen_book
    assert line(b, "Income Statement", "Total revenue", "FY2022") == 0
    assert line(b, "Income Statement", "Research & development", "FY2022") == 10.6
    for ratio in ("R&D / revenue", "Gross margin — blended", "Adjusted net margin"):
        assert line(b, "Ratios", ratio, "FY2022") == "n/a", ratio
    assert line(b, "Ratios", "Revenue growth (like for like)", "FY2023") == "n/a"   # from nothing
    # operating leverage FY2023: (−92 − (−18)) / (3.5 − 0)
    assert line(b, "Ratios", "Incremental adjusted margin (operating leverage)", "FY2023") == pytest.approx(-74 / 3.5)


def test_a_ratio_over_a_tiny_base_is_not_meaningful(lumen_book):
    """R&D 70 on revenue 3.5 (FY2023) is 2,000% of revenue: above the 1,000% limit on Inputs, n.m.;
    FY2024's 189 / 30.5 = 620% is shown."""
    b = lumen_book
    assert b.names["Tol_nm_ratio"].result() == 10
    assert line(b, "Ratios", "R&D / revenue", "FY2023") == "n.m."
    assert line(b, "Ratios", "R&D / revenue", "FY2024") == pytest.approx(189 / 30.5)
    assert line(b, "Ratios", "Adjusted net margin", "FY2023") == "n.m."          # −92 / 3.5
    assert line(b, "Ratios", "Gross margin — blended", "FY2023") == pytest.approx(-0.9 / 3.5)


def test_a_negative_gross_margin_year(lumen_book):
    assert line(lumen_book, "Ratios", "Gross margin — blended", "FY2023") == pytest.approx((3.5 - 4.4) / 3.5)


def check_row(book, label):
    sh = book.sheet("Checks")
    r = next(r for (r, c), cell in sh.cells.items() if c == 0 and str(cell.content).startswith(label))
    return {c: cell.result() for (row, c), cell in sh.cells.items() if row == r and c >= 1}


def test_segment_shares_follow_one_rule(lumen_book):
    """FY2024's shares add to 100.05%: the loader accepts them (share_sum 0.1%), so the Checks tab does."""
    cells = check_row(lumen_book, "Segment revenue sums to total revenue")
    assert cells[1] == 0                                       # the row's failures
    assert 1 not in cells.values()


def test_shares_beyond_the_rule_are_refused_with_file_row_and_column(tmp_path):
    def edit(folder):
        path = folder / "actuals.csv"
        path.write_text(path.read_text().replace("share_apps,FY2024,70.05%", "share_apps,FY2024,70.5%"))
    out = tmp_path / "x.xlsx"
    res = run("build", "--data", variant(tmp_path, "over", edit), "--out", out)
    assert res.returncode == 2 and "Traceback" not in res.stderr
    assert "actuals.csv" in res.stderr and "FY2024" in res.stderr and not out.exists()


def test_a_check_with_nothing_to_test_is_not_applicable(lumen_book):
    """No compute figure is given: 'compute ≤ R&D' is shown n/a, not as a pass (0)."""
    cells = check_row(lumen_book, "R&D compute does not exceed total R&D")
    assert cells[1] == 0
    assert {v for c, v in cells.items() if 1 < c < lumen_book.sheet("Checks").last_col()} == {"n/a"}


def test_the_blank_revenue_year_builds(tmp_path):
    b = build_book(load(variant(tmp_path, "blank", blank_revenue)))
    assert line(b, "Income Statement", "Total revenue", "FY2022") == "n/a"
    assert line(b, "Income Statement", "Gross profit", "FY2022") == "n/a"
    assert line(b, "Ratios", "Incremental adjusted margin (operating leverage)", "FY2023") == "n/a"


def test_ten_segments_build(tmp_path):
    data = load(variant(tmp_path, "ten", ten_segments))
    assert len(data.segments) == SEGMENTS
    b = build_book(data)
    chart = next(c for c in b.sheet("Income Statement").charts)
    colours = [s.style["fill"]["color"] for s in [s for s in chart.series if s.legend][:SEGMENTS]]
    assert len(set(colours)) == SEGMENTS                         # each segment its own colour
    assert line(b, "Income Statement", "Revenue — Segment 3", "FY2024") == pytest.approx(3.05)


def test_charts_leave_gaps_where_a_figure_is_not_available(lumen, tmp_path):
    """FY2022 has no revenue (margins n/a), FY2023's adjusted net margin is n.m.: every chart plots its
    chart-data rows, which hold #N/A there (a gap) and the figure elsewhere. In LibreOffice #N/A stands in
    those rows only, and a #N/A planted outside them or another error planted inside them fails the
    Checks tab's scans (MasterCheck) and the engine comparison."""
    require_engine()
    from model.calc.formula import GAP, NotAvailable, lift
    from model.engine import libreoffice as engine
    b = build_book(lumen)
    ratios = b.sheet("Ratios")
    margin = line(b, "Ratios", "Adjusted net margin", "FY2023")
    assert margin == "n.m." and line(b, "Ratios", "Gross margin — blended", "FY2022") == "n/a"
    charts = [(sh, c) for sh in b.sheets for c in sh.charts]
    assert len(charts) == 5
    for sh, chart in charts:    # every series (but the blank one) plots chart-data rows: the figure or #N/A
        for s in chart.series:
            assert s.values.first.row > sh.chart_data_top, (sh.name, chart.title)
            for cell in (c for row in s.values.cells() for c in row):
                if not s.legend:
                    assert cell is None or cell.content is None
                    continue
                src = cell.content.args[1].cell   # IF(ISNUMBER(src), src, NA())
                want = src.result() if isinstance(src.result(), float) else GAP
                assert cell.result() == want and src.row < sh.chart_data_top
    gaps = {(sh.name, c.row, c.col) for sh in b.sheets for c in sh.cells.values() if c.result() is GAP}
    assert ("Ratios", next(s for _, ch in charts for s in ch.series if s.name == ratios.cell_at(
        next(r for (r, c), x in ratios.cells.items() if c == 0 and x.content == "Adjusted net margin"), 0)
        ).values.first.row, 3) in gaps     # FY2023 (column D) of the adjusted net margin's chart row
    clean = tmp_path / "clean.xlsx"
    write_book(b, clean)
    # planted: a #N/A above the chart data (a Ratios figure), then a #DIV/0! inside them
    target = next(c for c in ratios.cells.values() if c.row < ratios.chart_data_top and c.is_formula)
    target.content, target._cache = NotAvailable(), GAP
    outside = tmp_path / "outside.xlsx"
    write_book(b, outside)
    b = build_book(lumen)
    inside = next(c for c in b.sheet("Ratios").cells.values() if c.result() is GAP)
    inside.content = lift(1) / 0
    planted = tmp_path / "inside.xlsx"
    write_book(b, planted)
    runs = engine.recalculate([{"path": p} for p in (clean, outside, planted)])
    errors = {(sheet, addr): cell["e"] for sheet, cells in runs[0]["cells"].items() for addr, cell in cells.items()
              if cell.get("e")}
    from model.calc.formula import a1
    assert errors and set(errors.values()) == {"#N/A"}
    assert set(errors) == {(sheet, a1(r, c)) for sheet, r, c in gaps}   # #N/A exactly where the model has gaps
    rep = compare(cached_values(clean), runs[0])
    assert rep.ok, (rep.mismatches[:3], rep.errors[:3])
    rep = compare(cached_values(outside), runs[1])
    assert rep.master >= 1 and not rep.ok     # the Checks tab counts the #N/A outside the chart data
    rep = compare(cached_values(planted), runs[2])
    assert rep.master >= 1 and [(s, x, e) for s, x, e in rep.errors] == [("Ratios", a1(inside.row, inside.col), "#DIV/0!")]


def test_held_out_companies_recalculate_in_libreoffice(lumen, tmp_path):
    """Both scenarios and both editions of the held-out company and its two variants: LibreOffice
    reproduces every cached value with no error value and MasterCheck 0; a planted wrong cached value
    is reported; the printed page header shows the name that starts with a digit."""
    require_engine()
    from model.engine import libreoffice as engine
    books = {f"{sc}-{lang}": build_book(lumen, sc, lang) for sc in lumen.scenarios for lang in ("en", "zh")}
    books["blank"] = build_book(load(variant(tmp_path, "blank", blank_revenue)))
    books["ten"] = build_book(load(variant(tmp_path, "ten", ten_segments)))
    paths = {k: tmp_path / f"{k}.xlsx" for k in books}
    for k, b in books.items():
        write_book(b, paths[k])
    tampered = build_book(lumen)
    target = next(c for c in tampered.sheet("Ratios").cells.values() if c.is_formula and c.row > 8)
    planted = plant_wrong_cache(tampered, target, tmp_path / "tampered.xlsx", value=12345.0)
    paths["tampered"] = planted.path
    pdf = tmp_path / "paged.pdf"
    jobs = [{"path": p, **({"pdf": pdf} if k == "base-en" else {})} for k, p in paths.items()]
    results = dict(zip(paths, engine.recalculate(jobs)))
    for k, res in results.items():
        assert res["error"] is None, k
        if k == "tampered":
            planted.assert_caught(res)
            continue
        rep = compare(cached_values(paths[k]), res)
        assert rep.errors == [] and rep.master == 0, k
        assert rep.mismatches == [] and rep.formulas == len(list(books[k].formula_cells())), k
    text = subprocess.run(["pdftotext", str(pdf), "-"], capture_output=True, text=True).stdout
    lines = [ln.strip() for ln in text.splitlines()]
    header = f"{NAME}, fictional"          # the page header: the company and its ticker
    assert not [ln for ln in lines if ln.startswith("M Lumen")]     # the 3 read as a font size (&83M)
    assert lines.count(header) >= len(books["base-en"].sheets) - 1  # every printed tab's header


def test_a_long_adjustments_label_wraps_instead_of_being_cut(lumen_book):
    """The 105-character adjustments label is wider than the label column: it wraps, and its rows
    (the line and its driver) are tall enough for three lines."""
    from model.workbook.tabs import LINE_HEIGHT
    sh = lumen_book.sheet("Income Statement")
    label = lumen_book.t.adjustments
    rows = [r for (r, c), cell in sh.cells.items() if c == 0 and str(cell.content).startswith(label)]
    assert len(rows) == 2
    for r in rows:
        assert sh.cell_at(r, 0).role.endswith("_wrap") and sh.heights[r] >= 3 * LINE_HEIGHT
