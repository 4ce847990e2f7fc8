"""Loading the company folder: values as typed in the files, blanks kept blank, scenarios from data."""
import shutil

import pytest

from conftest import copy_folder, MERIDIAN, ZHIPU, ZHIPU_JAN
from model.data.company import load
from model.data.files import DataError
from model.labels import Labels
from model.data.periods import Period, parse_period, period_end_date

FY = lambda y: Period(y, 12)  # noqa: E731
H1 = lambda y: Period(y, 6)  # noqa: E731


def test_periods_parse():
    assert parse_period("FY2024") == Period(2024, 12)
    assert parse_period("1H2025") == Period(2025, 6)
    assert parse_period("9M2025") == Period(2025, 9)
    assert parse_period("Q1 2025") == parse_period("3M2025") == Period(2025, 3)
    assert [Period(2025, m).code for m in (3, 6, 9, 12)] == ["Q1 2025", "1H2025", "9M2025", "FY2025"]
    assert parse_period("2024") is None
    assert Period(2025, 6).prior() == Period(2024, 6)


def test_zhipu_actuals_match_the_source_figures(zhipu):
    # RMB '000 figures of the prospectus, in RMB 100m
    assert zhipu.actual("revenue", FY(2022)) == 0.57409
    assert zhipu.actual("revenue", FY(2024)) == 3.12414
    assert zhipu.actual("revenue", H1(2025)) == 1.90877
    assert zhipu.actual("share_onprem", FY(2022)) == pytest.approx(0.955)
    assert zhipu.actual("gm_cloud", H1(2025)) == pytest.approx(-0.004)
    # exact where the published figures are: the FY2025 results' comparatives (RMB '000), the 1H2026 interim's
    assert zhipu.actual("adjusted_net_income", FY(2024)) == -24.65569                # RMB (2,465,569)k
    assert zhipu.actual("net_income", FY(2024)) == -29.58007                         # RMB (2,958,007)k
    assert zhipu.actual("net_income", H1(2025)) == -23.579                           # RMB (2,357.9)m
    assert zhipu.actual("rnd_compute", FY(2022)) == 0.146                            # RMB 14.6m (B)
    assert zhipu.actual("rnd_compute", FY(2023)) == 3.117                            # RMB 311.7m (B)
    assert zhipu.actual("rnd_compute", FY(2024)) == 15.528                           # RMB 1,552.8m
    # the FY2025 annual and 1H2026 interim results (shared reference: zhipu-results-2025-2026.md)
    assert zhipu.actual("revenue", FY(2025)) == 7.24334                      # RMB 724,334k
    assert zhipu.actual("rev_cloud", FY(2025)) == 1.90379                    # RMB 190,379k
    assert zhipu.actual("cost_of_revenue", FY(2025)) == 4.27678              # RMB 427,678k
    assert zhipu.actual("adjusted_net_income", FY(2025)) == -31.81972        # RMB (3,181,972)k
    assert zhipu.actual("revenue", H1(2026)) == 9.539                        # RMB 953.9m
    assert zhipu.actual("share_cloud", H1(2026)) == pytest.approx(0.865)
    assert zhipu.actual("gross_profit", H1(2026)) == 2.516                   # RMB 251.6m
    assert zhipu.actual("cost_of_revenue", H1(2026)) is None                 # not disclosed: derived
    assert zhipu.actual("rnd_compute", FY(2025)) is None                     # not disclosed: an assumed share
    assert zhipu.funding["opening_cash"].value == 39.937                     # RMB 3,993.7m at 30 June 2026
    assert zhipu.periods == [FY(2022), FY(2023), H1(2024), FY(2024), H1(2025), FY(2025), H1(2026)]


def test_zhipu_funding_events_match_the_announcements(zhipu):
    ev = {e.id: e for e in zhipu.events}
    assert (ev["ipo"].amount, ev["ipo"].counted) == (41.734, 0)              # HK$4,173.4m, inside the June cash
    assert (ev["placing_jul"].amount, ev["placing_jul"].year) == (313.7495, 2026)   # HK$31,374.95m net
    # September: HK$15,683.0m gross less fees at July's rate (net / gross = 31,374.95 / (19.78m x HK$1,588))
    assert ev["placing_sep"].amount == pytest.approx(21.965 * 714 * 31374.95 / (19.78 * 1588) / 100, abs=5e-5)
    cb = ev["cb_sep"]
    assert (cb.kind, cb.amount, cb.conversion_price, cb.maturity.year) == ("convertible_bond", 201.4, 892.5, 2027)


def test_unknown_values_stay_blank(zhipu):
    assert zhipu.actual("rnd_compute", FY(2025)) is None        # not disclosed
    assert zhipu.actual("selling_marketing", FY(2023)) is None
    assert zhipu.actual("cost_of_revenue", H1(2024)) is None


def test_scenarios_and_years_come_from_the_data(zhipu):
    assert zhipu.scenarios == ["base", "bull", "bear"]
    assert zhipu.forecast_years == [2026, 2027, 2028, 2029, 2030]
    # FY2026 is 1H2026 actual + 2H2026 and FY2027 is 1H2027 + 2H2027: the drivers run by period, blank in the
    # full-year columns of those years (each is the sum of its halves); the cash drivers take full years only
    assert [p.code for p in zhipu.forecast_periods] == ["2H2026", "FY2026", "1H2027", "2H2027", "FY2027", "FY2028",
                                                         "FY2029", "FY2030"]
    assert zhipu.assumptions[("base", "growth_onprem")] == pytest.approx([0.13, None, 0.05, 0.05, None, 0.12, 0.10,
                                                                         0.08])
    assert zhipu.assumptions[("base", "non_cash")][:3] == [None, pytest.approx(1.7), None]
    assert zhipu.seasonal == ["onprem"] and zhipu.split_years == [2026, 2027]
    assert zhipu.rationales[("bear", "gm_cloud")]


def test_sources_and_references_load(zhipu):
    ids = {s["id"] for s in zhipu.sources}
    assert {"note", "S1", "S7"} <= ids
    assert any(r.metric == "rnd_to_revenue" and r.period == H1(2025) and r.value == pytest.approx(8.35)
               for r in zhipu.references)


@pytest.fixture
def copy(tmp_path):
    dst = tmp_path / "co"
    shutil.copytree(ZHIPU_JAN, dst)   # mechanics: the fixed January data
    return dst


def edit(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def test_the_periods_kept_during_a_pass_are_those_of_the_data_and_go_with_it():
    """Dataset.unchanged keeps the base year, the stub and the forecast and driver periods for a pass over many
    cells (the build record's): within it they are what the data give, and once it ends a change to the data
    shows again (a copy of the data loses its 1H2026 revenue: the stub is gone, and with it 2H2026)."""
    data = load(ZHIPU)
    outside = (data.base_year, data.stub, data.forecast_periods, data.driver_periods(), data.driver_periods("years"))
    assert outside[1] == Period(2026, 6)   # the default's stub: 1H2026
    with data.unchanged():
        inside = (data.base_year, data.stub, data.forecast_periods, data.driver_periods(), data.driver_periods("years"))
        assert data.forecast_periods is data.forecast_periods   # kept, not made again
    assert inside == outside
    revenue = data.actuals["revenue"].pop(Period(2026, 6))
    try:
        assert data.stub is None and Period(2026, 6, 6) not in data.forecast_periods
    finally:
        data.actuals["revenue"][Period(2026, 6)] = revenue


def test_a_pass_within_a_pass_keeps_the_outer_ones_periods_and_a_drivers_value_is_found_by_its_period():
    """The build runs as one pass (Dataset.unchanged) and the build record's and note_edits' passes run within it:
    the inner pass's end leaves the outer's periods kept, and the outer's end drops them. A driver's value is the
    one in its period's column, whichever Period object names the period, inside a pass and out."""
    data = load(ZHIPU)
    col = data.forecast_periods.index(Period(2028, 12))
    outside = data.value("base", "growth_onprem", Period(2028, 12))
    assert outside == data.assumptions[("base", "growth_onprem")][col] == pytest.approx(0.12)   # assumptions.csv
    with data.unchanged():
        kept = data.forecast_periods
        with data.unchanged():
            assert data.forecast_periods is kept
        assert data.forecast_periods is kept   # still the outer pass's
        assert data.value("base", "growth_onprem", Period(2028, 12)) == outside
        with pytest.raises(ValueError):
            data.value("base", "growth_onprem", Period(2025, 12))   # an actual year
    assert data.forecast_periods is not kept


def test_text_in_a_number_column_names_file_row_and_column(copy):
    edit(copy / "actuals.csv", "revenue,FY2023,1.24538", "revenue,FY2023,abc")
    with pytest.raises(DataError) as e:
        load(copy)
    assert (e.value.file, e.value.row, e.value.column) == ("actuals.csv", 3, "value")
    assert "abc" in str(e.value)


# --- the general data format (the fictional second company and variations) ---

@pytest.fixture
def second(tmp_path):
    dst = tmp_path / "second"
    shutil.copytree(MERIDIAN, dst)
    return dst


def test_comment_rows_are_skipped_and_rows_keep_their_file_numbers(copy):
    text = (copy / "actuals.csv").read_text(encoding="utf-8")
    (copy / "actuals.csv").write_text("# historical figures\n# see templates/README.md,,,,\n" + text, encoding="utf-8")
    assert load(copy).actual("revenue", FY(2024)) == 3.12414
    edit(copy / "actuals.csv", "revenue,FY2023,1.24538", "revenue,FY2023,abc")
    with pytest.raises(DataError) as e:
        load(copy)
    assert (e.value.row, e.value.column) == (5, "value")   # the line in the file, comments counted


def test_every_missing_value_is_reported_at_once(copy):
    edit(copy / "company.toml", 'unit = "RMB 100m"', 'unit = ""')
    edit(copy / "actuals.csv", "rnd,FY2024,21.954", "rnd,FY2024,")
    edit(copy / "assumptions.csv", "bull,gm_cloud,6.1%,,15%", "bull,gm_cloud,6.1%,,")
    edit(copy / "assumptions.csv", "bear,adjustments,1.94,,2,2,,4.0,4.0,4.0,4.0", "bear,adjustments,,,,,,,,,")
    with pytest.raises(DataError) as e:
        load(copy)
    where = [(p.file, p.row, p.column) for p in e.value.problems]
    assert where == [("company.toml", 6, "unit"), ("actuals.csv", 33, "value"),
                     ("assumptions.csv", 13, "1H2026"), ("assumptions.csv", 25, "2H2025")]   # FY2025: 1H + 2H
    text = str(e.value)
    assert text.startswith("4 problems")
    assert "rnd for FY2024 is required" in text and "bear / adjustments: no value for 2H2025..FY2030" in text
    assert "bull / gm_cloud: no value for 1H2026" in text


def test_invalid_fiscal_year_end_names_its_line(copy):
    edit(copy / "company.toml", 'fiscal_year_end = "12-31"', 'fiscal_year_end = "13-31"')
    with pytest.raises(DataError) as e:
        load(copy)
    assert (e.value.file, e.value.row, e.value.column) == ("company.toml", 8, "fiscal_year_end")
    assert str(e.value).startswith("company.toml, line 8, setting 'fiscal_year_end'")


def test_period_end_follows_the_fiscal_year_end():
    period_end = lambda p, year_end: Labels("en").date(*period_end_date(p, year_end))  # noqa: E731
    assert period_end(Period(2025, 12), (12, 31)) == "31 Dec 2025"
    assert period_end(Period(2025, 6), (12, 31)) == "30 Jun 2025"
    assert period_end(Period(2026, 9), (3, 31)) == "31 Dec 2025"     # 9M of the year to March 2026
    assert period_end(Period(2026, 3), (6, 30)) == "30 Sep 2025"
    assert period_end(Period(2028, 12), (2, 28)) == "29 Feb 2028"    # leap year, month end kept
    assert Labels("zh").date(*period_end_date(Period(2026, 9), (3, 31))) == "2025年12月31日"


def test_a_single_segment_has_no_share_rows(second):
    text = (second / "actuals.csv").read_text(encoding="utf-8")
    (second / "actuals.csv").write_text(text + "share_platform,FY2025,100%,F1,\n", encoding="utf-8")
    with pytest.raises(DataError, match="single segment") as e:
        load(second)
    assert (e.value.row, e.value.column) == (31, "item")


def test_rnd_drivers_follow_whether_compute_is_given_for_the_base_year(copy, second):
    # without base-year compute (the second company) the split drivers must stay blank
    text = (second / "assumptions.csv").read_text(encoding="utf-8")
    (second / "assumptions.csv").write_text(text + "base,rnd_compute_growth,10%,10%,10%,10%,10%,10%,\n", encoding="utf-8")
    with pytest.raises(DataError, match="applies only when compute within R&D is known for FY2025.*'rnd_growth'"):
        load(second)
    # with it (Zhipu) a blank rnd_growth row is accepted and ignored, a filled one is refused
    text = (copy / "assumptions.csv").read_text(encoding="utf-8")
    (copy / "assumptions.csv").write_text(text + "base,rnd_growth,,,,,,,\n", encoding="utf-8")
    assert "rnd_growth" not in {d for _, d in load(copy).assumptions}
    (copy / "assumptions.csv").write_text(text + "base,rnd_growth,9%,,9%,9%,,9%,9%,9%,9%,\n", encoding="utf-8")
    with pytest.raises(DataError, match="does not apply: actuals.csv gives rnd_compute for FY2024"):
        load(copy)


def test_zhipu_without_base_year_compute_forecasts_rnd_as_one_line(copy):
    edit(copy / "actuals.csv", "rnd_compute,FY2024,15.53", "rnd_compute,FY2024,")
    lines = (copy / "assumptions.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    out = []
    for ln in lines:
        if ",rnd_other_growth," in ln:
            continue
        out.append(ln.replace(",rnd_compute_growth,", ",rnd_growth,"))
    (copy / "assumptions.csv").write_text("".join(out), encoding="utf-8")
    data = load(copy)
    assert not data.split_compute
    assert data.assumptions[("base", "rnd_growth")] == pytest.approx([0.102, None, 0.123053, 0.123053, None,
                                                                     0.15, 0.10, 0.08, 0.05])


def test_scenario_names_excel_cannot_tell_apart_are_refused(second):
    edit(second / "assumptions.csv", "price war,growth_platform", "Price-War,growth_platform")
    with pytest.raises(DataError, match="'Price-War' and 'price war' are the same to Excel"):
        load(second)


def test_an_interim_after_the_first_forecast_year_is_refused(second):
    text = (second / "actuals.csv").read_text(encoding="utf-8")
    (second / "actuals.csv").write_text(text + "revenue,1H2027,50,F2,\n", encoding="utf-8")
    with pytest.raises(DataError, match="interim 1H2027 falls after FY2026"):
        load(second)


def test_a_reference_period_outside_the_timeline_is_refused(copy):
    text = (copy / "reference.csv").read_text(encoding="utf-8")
    (copy / "reference.csv").write_text(text + "revenue,FY2019,1.0,0.1,note,\n", encoding="utf-8")
    with pytest.raises(DataError, match="FY2019 is not a period of the model") as e:
        load(copy)
    assert (e.value.file, e.value.row, e.value.column) == ("reference.csv", 15, "period")


def test_a_reference_to_a_line_without_forecast_is_refused(second):
    text = (second / "reference.csv").read_text(encoding="utf-8")
    (second / "reference.csv").write_text(text + "rnd_compute,FY2027,10,0.1,F1,\n", encoding="utf-8")
    with pytest.raises(DataError, match="rnd_compute is not forecast, so it has no value for FY2027"):
        load(second)


def test_the_guide_documents_every_item_driver_setting_and_metric(zhipu, meridian):
    from conftest import ROOT
    from model.data.claims import CLAIM_CALCS
    from model.data.items import ACTUAL_ITEMS, CASH_DRIVERS, COST_DRIVERS, FUNDING_ITEMS, RND_DRIVERS
    from model.data.settings import REQUIRED_SETTINGS, SENSITIVITY, TOLERANCES
    from model.calc.lines import income_lines, ratio_lines
    guide = (ROOT / "templates" / "README.md").read_text(encoding="utf-8")
    tables = {"segments", "tolerances", "sensitivity", "peers"}
    settings = (set(REQUIRED_SETTINGS) | set(zhipu.company) | set(meridian.company)) - tables
    assert "`[[segments]]`" in guide and "`[tolerances]`" in guide and "`[sensitivity]`" in guide
    assert "`[peers.<folder>]`" in guide
    keys = (set(ACTUAL_ITEMS) | {"share_<segment>", "gm_<segment>", "growth_<segment>"} | set(COST_DRIVERS)
            | set(RND_DRIVERS[True]) | set(RND_DRIVERS[False]) | set(TOLERANCES) | settings
            | set(CASH_DRIVERS) | set(FUNDING_ITEMS) | set(SENSITIVITY) | set(CLAIM_CALCS))
    seg = {k: "<segment>" for data in (zhipu, meridian) for k, _ in data.segments}
    for data in (zhipu, meridian):
        for ln in income_lines(data) + ratio_lines(data):
            prefix, _, rest = ln.key.partition("_")
            keys.add(f"{prefix}_<segment>" if rest in seg else ln.key)
    missing = sorted(k for k in keys if f"`{k}`" not in guide)
    assert not missing
    import subprocess, sys  # noqa: E401
    options = subprocess.run([sys.executable, str(ROOT / "cli.py"), "new", "--help"], capture_output=True, text=True).stdout
    for opt in ("--dir", "--years", "--interims", "--segments", "--scenarios", "--forecast-end", "--fiscal-year-end"):
        assert opt in options and f"`{opt}" in guide, opt


@pytest.mark.parametrize("file,old,new,row,column,shown", [
    ("actuals.csv", "cost_of_revenue,FY2023,0.44056", "cost_of_revenue,FY2023,-0.44056", 8, "value", "-0.44056"),
    ("actuals.csv", "share_onprem,FY2022,95.5%", "share_onprem,FY2022,120%", 15, "value", "120%"),
    ("actuals.csv", "gm_cloud,FY2024,3.4%", "gm_cloud,FY2024,340", 29, "value", "34000%"),
    ("assumptions.csv", "bull,gm_cloud,6.1%,,15%", "bull,gm_cloud,6.1%,,150%", 13, "1H2026", "150%"),
    ("assumptions.csv", "base,growth_cloud,217.3%,,38.0930%,38.0930%,,100%", "base,growth_cloud,217.3%,,38.0930%,38.0930%,,-150%",
     3, "FY2027", "-150%"),
    ("assumptions.csv", "base,growth_cloud,217.3%", "base,growth_cloud,-217%", 3, "2H2025", "-217%"),
    ("assumptions.csv", "bull,gm_onprem,63.1%", "bull,gm_onprem,163%", 12, "2H2025", "163%"),
    ("reference.csv", "revenue,FY2022,0.574,0.0005", "revenue,FY2022,0.574,-0.0005", 2, "tolerance", "-0.0005"),
])
def test_values_outside_their_bounds_are_refused(copy, file, old, new, row, column, shown):
    edit(copy / file, old, new)
    with pytest.raises(DataError) as e:
        load(copy)
    assert (e.value.file, e.value.column) == (file, column)
    assert row is None or e.value.row == row
    assert f"{shown} is not allowed here: expected" in str(e.value)


@pytest.mark.parametrize("encoding", ["gbk", "utf-8-sig"])
def test_csv_saved_by_excel_in_gbk_or_with_a_byte_order_mark_loads(copy, encoding, tmp_path):
    """Excel in China saves CSV as GBK; 'CSV UTF-8' adds a byte-order mark; both with CRLF line ends."""
    note, rationale = "招股书：营收 3.12 亿元（单一来源）", "毛利率随规模提升，参考 2025 年上半年"
    edit(copy / "actuals.csv", "RMB 312414k; note gives 3.124", note)
    edit(copy / "assumptions.csv", "Price cuts keep cloud near break-even at gross level", rationale)
    for name in ("actuals.csv", "assumptions.csv", "reference.csv", "company.toml"):
        text = (copy / name).read_text(encoding="utf-8")
        (copy / name).write_bytes(text.replace("\n", "\r\n").encode(encoding))
    assert (copy / "actuals.csv").read_bytes().startswith(b"\xef\xbb\xbfitem" if encoding == "utf-8-sig" else b"item")
    data = load(copy)
    assert data.actuals["revenue"][FY(2024)].note == note
    assert data.rationales[("bear", "gm_cloud")]["rationale"] == rationale
    assert data.company["unit_local"] == "亿元"
    assert data.references[0].claim == "营收 0.574亿元"

    from model.workbook.build import build_book
    from model.workbook.readback import open_workbook
    from model.workbook.writer import write_book
    path = tmp_path / "m.xlsx"
    write_book(build_book(data), path)
    texts = [c.value for c in open_workbook(path)["Inputs"].iter_cells()]
    assert rationale in texts


def test_a_one_year_horizon_builds(copy):
    """Found by the property tests: a forecast of one year has no prior closing cash to check."""
    from model.workbook.build import build_book
    edit(copy / "company.toml", "forecast_end = 2030", "forecast_end = 2025")
    edit(copy / "funding.csv", "equity_raise,FY2026,", "equity_raise,FY2025,")
    data = load(copy)
    assert data.forecast_years == [2025]
    book = build_book(data)
    assert book.names["MasterCheck"].result() == 0


def test_a_company_without_revenue_builds(copy):
    """Found by the property tests: with no revenue the margins are n/a, and every check still
    compares like with like (no #VALUE! from n/a − n/a, no CAGR from a zero base)."""
    from model.workbook.build import build_book
    text = (copy / "actuals.csv").read_text(encoding="utf-8")
    text = "\n".join(ln for ln in text.splitlines() if not ln.startswith("gross_profit,"))
    (copy / "actuals.csv").write_text(text.replace("revenue,FY2024,3.12414", "revenue,FY2024,0")
                                      .replace("cost_of_revenue,FY2024,1.36525", "cost_of_revenue,FY2024,0") + "\n",
                                      encoding="utf-8")
    (copy / "reference.csv").unlink()
    (copy / "claims.csv").unlink()
    book = build_book(load(copy))
    assert book.names["MasterCheck"].result() == 0


@pytest.fixture
def today(tmp_path):
    """A copy of today's templates/zhipu (for tests of its own files, e.g. the claims' texts)."""
    dst = tmp_path / "today"
    copy_folder(ZHIPU, dst)
    return dst


def test_per_edition_texts_load_where_given(today):
    copy = today
    """claims.csv's claim_zh / explanation_zh / unit_zh load per claim as the file gives them; a blank one is
    left out, so that the edition falls back to the English text."""
    import csv
    edit(copy / "claims.csv", "As FY2022,note,,note,,,,FY2023 研发费用,同 FY2022", "As FY2022,note,,note,,,,,同 FY2022")
    rows = {r["id"]: r for r in csv.DictReader((copy / "claims.csv").open(encoding="utf-8"))}
    data = load(copy)
    # every claim, but those on unit- and compute-build lines (u_*, ue_*, c_*): this copy has neither build
    build_lines = [r for r in rows.values() if r["metric"].startswith(("u_", "ue_", "c_"))]
    assert build_lines and len(data.claims) == len(rows) - len(build_lines)
    for claim in data.claims:
        row = rows[claim.id]
        assert claim.texts == {k: row[k] for k in ("claim_zh", "explanation_zh", "unit_zh") if row[k]}
        assert claim.fields == {"claim": row["claim"], "explanation": row["explanation"], "unit": row["unit"],
                                **claim.texts}
    assert next(c for c in data.claims if c.id == "RD23").texts == {"explanation_zh": "同 FY2022"}
    sources = list(csv.DictReader((copy / "sources.csv").open(encoding="utf-8")))
    assert data.sources == sources and all(s["title_zh"] and s["supports_zh"] for s in sources)
