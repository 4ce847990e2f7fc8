"""Property-based tests (hypothesis, fixed seed): random valid companies -- one or more segments, full
years and interims, fiscal year ends, R&D with or without a compute split, scenarios with random
names, horizons, blanks in optional items, comment rows, text in GBK or UTF-8 --
are written as data files, loaded, built and recalculated by LibreOffice. Every workbook must
recalculate to its cached values with no error value and MasterCheck 0. The engine runs once for
all workbooks; the examples are collected first.

Also: any text typed into any cell of the Zhipu files gives either a dataset or a DataError."""
import csv
import io
import itertools
import json
import random
import shutil
import string
import sys

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import copy_folder, ZHIPU, ZHIPU_UNITS, require_engine
from model.workbook.build import build_book
from model.data.company import load
from model.data.files import DataError
from model.data.files import SMALLEST, excel_precision
from model.data.periods import Period, forecast_periods
from model.calc.formula import name_part
from model.engine.verify import compare, cached_values
from model.workbook.writer import write_book

WORKBOOKS = 120   # random workbooks recalculated by LibreOffice in one run
sys.setrecursionlimit(max(sys.getrecursionlimit(), 20000))   # as build_book does; hypothesis warns of a change
SEED = settings(deadline=None, derandomize=True, database=None,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])

# Text a user might type, formula look-alikes and Chinese included; all of it encodable in GBK.
TEXT = st.text(string.ascii_letters + string.digits + " =+-@,;\"'()%/&<>|!?.:" + "营收毛利率研发亿元智谱云端—（）：",
               max_size=25)


def typed(v: float) -> float:
    """`v` as a user could type it: Excel's 15 significant digits, and 0 for a vanishing figure."""
    return 0.0 if abs(v) < SMALLEST else excel_precision(v)


def amount(lo, hi):
    return st.floats(lo, hi, allow_nan=False).map(typed)


@st.composite
def companies(draw):
    """A random valid company as plain data: what the files will hold."""
    rng = random.Random(draw(st.integers(0, 2**32)))   # sizes spread evenly (hypothesis favours small ones)
    count = rng.randint
    n = count(1, 4)
    keys = draw(st.lists(st.from_regex(r"[a-z][a-z0-9_]{0,7}", fullmatch=True), min_size=n, max_size=n,
                         unique_by=str.lower))
    segments = [(k, draw(TEXT.filter(str.strip))) for k in keys]
    first = count(2000, 2030)
    last = first + count(0, 4)
    months = draw(st.lists(st.sampled_from([3, 6, 9]), unique=True, min_size=count(0, 2), max_size=2))
    interim_years = draw(st.lists(st.sampled_from([last, last + 1]), unique=True, min_size=1)) if months else []
    periods = [Period(y, 12) for y in range(first, last + 1)] + [Period(y, m) for y in interim_years for m in months]
    base = Period(last, 12)
    ytd = [p for p in periods if not p.is_full_year and p.year == last + 1]
    stub = max(ytd) if ytd else None   # the first forecast year is then this interim plus the rest of the year

    actuals = {}   # (item, period) -> value or None (a blank)

    def optional(required, strategy):
        return draw(strategy) if required or draw(st.booleans()) else None

    split = draw(st.booleans())   # compute given for the base year: R&D forecast as compute + the rest
    for p in periods:
        at_base = p == base or p == stub   # both need every figure the forecast builds on
        rev = 0.0 if rng.random() < 0.03 else draw(amount(0.01, 1e4))   # now and then no revenue
        actuals["revenue", p] = rev
        if len(keys) > 1:   # a single segment has no share or margin rows
            weights = optional(at_base, st.lists(amount(0.01, 1.0), min_size=len(keys), max_size=len(keys)))
            margins = {k: optional(at_base, amount(-2.0, 0.95)) for k in keys}
            for i, k in enumerate(keys):
                actuals[f"share_{k}", p] = typed(weights[i] / sum(weights)) if weights else None
                actuals[f"gm_{k}", p] = margins[k]
        if len(keys) > 1 and weights and None not in margins.values():   # cost as the segment margins imply
            cost = typed(rev * (1 - sum(actuals[f"share_{k}", p] * margins[k] for k in keys)))
        else:
            cost = optional(at_base, amount(0, 2e4))
        actuals["cost_of_revenue", p] = cost
        actuals["gross_profit", p] = typed(rev - cost) if cost is not None and draw(st.booleans()) else None
        rnd = optional(at_base, amount(0, 5e4))
        actuals["rnd", p] = rnd
        with_compute = rnd is not None and (split if at_base else draw(st.booleans()))
        actuals["rnd_compute", p] = typed(rnd * draw(st.floats(0, 1))) if with_compute else None
        actuals["selling_marketing", p] = optional(False, amount(0, 1e4))
        adjusted = optional(at_base, amount(-5e4, 1e4))
        if at_base:   # other operating costs, net (gross profit - R&D - adjusted net income) start as a cost: as a net
            adjusted = min(adjusted, typed(rev - cost - rnd - 1))   # income other_opex_growth could never cross zero
        actuals["adjusted_net_income", p] = adjusted
        actuals["net_income", p] = typed(adjusted - draw(amount(0, 100))) if adjusted is not None and (
            p == stub or draw(st.booleans())) else None

    # compute disclosed before the base year (with R&D above 0) also splits R&D: its last share is carried
    split = split or any(actuals["rnd_compute", p] is not None and actuals["rnd", p] for p in periods if p < base)
    horizon = count(1, 8)
    years = list(range(last + 1, last + 1 + horizon))
    n = count(1, 5)
    scenarios = draw(st.lists(st.from_regex(r"[A-Za-z]([A-Za-z0-9 _-]{0,8}[A-Za-z0-9_-])?", fullmatch=True),
                              min_size=n, max_size=n, unique_by=lambda s: name_part(s).lower()))
    ranges = {"growth": (-0.95, 3.0), "gm": (-2.0, 0.95), "rnd_compute_growth": (-0.9, 2.0),
              "rnd_other_growth": (-0.9, 2.0), "rnd_growth": (-0.9, 2.0), "other_opex_growth": (-0.9, 2.0),
              "adjustments": (-50.0, 50.0), "non_cash": (-20.0, 50.0), "capex": (0.0, 100.0),
              "working_capital": (-50.0, 50.0)}
    rnd_drivers = ["rnd_compute_growth", "rnd_other_growth"] if split else ["rnd_growth"]
    cash_drivers = [d for d in ("non_cash", "capex", "working_capital") if draw(st.booleans())]   # optional rows
    drivers = ([f"{pre}_{k}" for pre in ("growth", "gm") for k in keys] + rnd_drivers
               + ["other_opex_growth", "adjustments"] + cash_drivers)
    # with an interim of the first forecast year the near term runs in parts (split_years of them, default 2): the
    # columns are the forecast periods, the income-statement drivers' values in the parts and later years, the
    # cash drivers' in every full year
    split_years = draw(st.sampled_from([None, 1, 2, 3]))
    columns = forecast_periods(years, stub, 2 if split_years is None else split_years)
    in_parts = {p.year for p in columns if not p.is_full_year}
    limits = lambda d: ranges[d] if d in ranges else ranges[d.split("_")[0]]  # noqa: E731

    def values(d):
        takes = (lambda p: p.is_full_year) if d in cash_drivers else (
            lambda p: not p.is_full_year or p.year not in in_parts)
        return [draw(amount(*limits(d))) if takes(p) else None for p in columns]
    assumptions = {(sc, d): values(d) for sc in scenarios for d in drivers}
    # a segment may be seasonal when the base year's interim of the stub's length gives its revenue (above 0)
    first = Period(last, stub.months) if stub else None
    def seg_revenue(k, p):
        return actuals["revenue", p] * (1 if len(keys) == 1 else actuals.get((f"share_{k}", p)) or 0)
    seasonal = [k for k in keys[:1] if first in periods and 0 < seg_revenue(k, first) < seg_revenue(k, base)
                and draw(st.booleans())]
    rationales = {key: draw(TEXT) for key in assumptions}
    sources = [(f"S{i}", draw(TEXT.filter(str.strip)), draw(TEXT)) for i in range(1, count(1, 3) + 1)]
    cash_at = [base] + [q for q in periods if not q.is_full_year and q.year == last + 1   # where opening cash may be
                        and actuals["adjusted_net_income", q] is not None]
    funding = {"opening_cash": (draw(st.sampled_from(cash_at)).code, draw(amount(0, 1e4)))}
    if draw(st.booleans()):
        funding["equity_raise"] = (f"FY{draw(st.sampled_from(years))}", draw(amount(0, 1e4)))
        funding["fx_rate"] = ("", draw(amount(0.01, 10)))
    if draw(st.booleans()):
        funding["min_cash"] = ("", draw(amount(0, 100)))
    references = [(metric, p, value) for p in periods if actuals["revenue", p] > 0 and draw(st.booleans())
                  for metric, value in (("revenue", actuals["revenue", p]),
                                        ("rnd_to_revenue", actuals["rnd", p] / actuals["revenue", p]
                                         if actuals["rnd", p] is not None else None))
                  if value is not None]
    return {
        "segments": segments, "periods": periods, "actuals": actuals, "years": years, "scenarios": scenarios,
        "drivers": drivers, "assumptions": assumptions, "rationales": rationales, "sources": sources,
        "columns": columns, "split_years": split_years, "seasonal": seasonal,
        "references": references, "notes": draw(st.lists(TEXT, min_size=3, max_size=3)),
        "default": draw(st.sampled_from([None] + scenarios)), "selected": draw(st.sampled_from([None] + scenarios)),
        "encoding": draw(st.sampled_from(["utf-8", "utf-8-sig", "gbk"])), "blank_rows": draw(st.booleans()),
        "percent": draw(st.booleans()), "grouping": draw(st.booleans()),
        "share_sum": draw(st.floats(1e-6, 0.01)), "amount": draw(st.floats(1e-6, 0.01)),
        "tolerances": draw(st.booleans()), "comments": draw(st.booleans()), "funding": funding,
        "steps": draw(st.one_of(st.none(), st.lists(amount(0, 0.5), min_size=3, max_size=3))),
        "year_end": draw(st.sampled_from(["12-31", "03-31", "06-30"])), "adjustments_label": draw(TEXT),
    }


def number(v, spec, rate=False):
    """A figure as a user might type it: 0.6 or 60%, 1,234.5, (12.5) for a negative."""
    if rate and spec["percent"]:
        return f"{v * 100!r}%"
    text = format(abs(v), ",") if spec["grouping"] else repr(abs(v))
    return f"({text})" if v < 0 and spec["grouping"] else ("-" if v < 0 else "") + text


def write_company(spec, folder):
    """Write the spec as the five data files of a company folder."""
    folder.mkdir(parents=True)

    def csv_file(name, rows):
        out = io.StringIO()
        if spec["comments"]:
            out.write(f"# {name}: written by the property tests\r\n")
        csv.writer(out, lineterminator="\r\n").writerows(rows)
        (folder / name).write_bytes(out.getvalue().encode(spec["encoding"]))

    q = lambda s: json.dumps(s, ensure_ascii=False)  # noqa: E731  (a TOML basic string)
    segs = "".join(f"\n[[segments]]\nkey = {q(k)}\nlabel = {q(label)}\n" + ("seasonal = true\n" if k in spec["seasonal"]
                                                                              else "") for k, label in spec["segments"])
    split = f"split_years = {spec['split_years']}\n" if spec["split_years"] is not None else ""
    default = f"default_scenario = {q(spec['default'])}\n" if spec["default"] else ""
    tolerances = (f'\n[tolerances]\nshare_sum = {spec["share_sum"]!r}\namount = {spec["amount"]!r}\nsegment_margin = 0.005\n'
                  if spec["tolerances"] else "")
    steps = "" if spec["steps"] is None else "\n[sensitivity]\n" + "".join(
        f"{key} = {v!r}\n" for key, v in zip(("growth_step", "cost_growth_step", "tornado_step"), spec["steps"]))
    toml = (f'name = {q(spec["notes"][0].strip() or "Co")}\ncurrency = "RMB"\nunit = "RMB m"\n'
            f'fiscal_year_end = {q(spec["year_end"])}\nas_of = {spec["years"][0] + 1}-01-28\nforecast_end = {spec["years"][-1]}\n'
            f'adjustments_label = {q(spec["adjustments_label"])}\n{default}{split}{segs}{tolerances}{steps}')
    (folder / "company.toml").write_bytes(toml.encode(spec["encoding"]))
    ids = [s[0] for s in spec["sources"]]
    rows = [["item", "period", "value", "source", "note"]]
    for i, ((item, p), v) in enumerate(spec["actuals"].items()):
        if v is None and not spec["blank_rows"]:
            continue
        rate = item.startswith(("share_", "gm_"))
        rows.append([item, p.code, "" if v is None else number(v, spec, rate), "; ".join(ids[: i % 3]),
                     spec["notes"][i % 3]])
    csv_file("actuals.csv", rows)
    rows = [["scenario", "driver"] + [p.code for p in spec["columns"]] + ["rationale"]]
    for (sc, d), values in spec["assumptions"].items():
        rate = d not in ("adjustments", "non_cash", "capex", "working_capital")
        rows.append([sc, d] + ["" if v is None else number(v, spec, rate) for v in values] + [spec["rationales"][sc, d]])
    csv_file("assumptions.csv", rows)
    csv_file("funding.csv", [["item", "period", "value", "unit", "source", "note"]]
             + [[item, period, number(v, spec), "", "", spec["notes"][2]] for item, (period, v) in spec["funding"].items()])
    csv_file("sources.csv", [["id", "title", "address", "supports", "reliability"]]
             + [[sid, title, "", note, "single"] for sid, title, note in spec["sources"]])
    if spec["references"]:
        csv_file("reference.csv", [["metric", "period", "value", "tolerance", "source", "claim"]]
                 + [[m, p.code, repr(typed(v)), repr(max(1e-9, abs(v) * 1e-12)), ids[0], spec["notes"][1]]
                    for m, p, v in spec["references"]])


@settings(SEED, max_examples=100)
@given(spec=companies())
def test_random_companies_load_as_written(spec, tmp_path_factory):
    folder = tmp_path_factory.mktemp("co") / "co"
    write_company(spec, folder)
    data = load(folder)
    assert data.scenarios == spec["scenarios"]
    assert data.forecast_years == spec["years"]
    assert sorted(data.periods) == sorted(spec["periods"])
    for (item, p), v in spec["actuals"].items():
        assert data.actual(item, p) == (None if v is None else pytest.approx(v, rel=1e-12, abs=1e-300))
    for key, values in spec["assumptions"].items():
        assert data.assumptions[key] == pytest.approx(values, rel=1e-12)
        assert data.rationales[key]["rationale"] == spec["rationales"][key].strip()


def test_random_workbooks_recalculate_to_their_cached_values(tmp_path_factory):
    require_engine()
    from model.engine import libreoffice as engine
    root = tmp_path_factory.mktemp("random")
    cases, folders = [], itertools.count()

    @settings(SEED, max_examples=WORKBOOKS)
    @given(companies())
    def collect(spec):
        folder = root / f"co{next(folders)}"
        write_company(spec, folder)
        book = build_book(load(folder), spec["selected"])
        path = folder / "model.xlsx"
        write_book(book, path)
        cases.append((path, book.names["Scenario"].result()))

    collect()
    assert len(cases) == WORKBOOKS
    results = engine.recalculate([{"path": path} for path, _ in cases], workers=2)
    for (path, selected), result in zip(cases, results):
        assert result["error"] is None, path
        rep = compare(cached_values(path), result)
        assert rep.formulas > 100, path
        assert (rep.mismatches, rep.errors, rep.master) == ([], [], 0), path
        assert result["names"]["Scenario"]["v"] == selected


FILES = {name: list(csv.reader(io.StringIO((ZHIPU / name).read_text(encoding="utf-8"))))
         for name in ("actuals.csv", "assumptions.csv", "sources.csv", "reference.csv", "funding.csv", "events.csv",
                      "claims.csv")}


@settings(SEED, max_examples=300)
@given(name=st.sampled_from(sorted(FILES)), row=st.integers(0, 10_000), col=st.integers(0, 10),
       text=st.text(max_size=30))
def test_any_text_in_any_cell_gives_data_or_a_clear_error(name, row, col, text, tmp_path_factory):
    folder = tmp_path_factory.mktemp("fuzz") / "co"
    copy_folder(ZHIPU, folder)
    rows = [list(r) for r in FILES[name]]
    cells = rows[row % len(rows)]
    cells[col % len(cells)] = text
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    (folder / name).write_text(out.getvalue(), encoding="utf-8", errors="surrogatepass")
    try:
        load(folder)
    except DataError as e:
        assert e.file in FILES and e.message


# The unit build's files and the settings (issue 27): a cell or a setting that loads must also build,
# with no error value in a formula; what does not load is a DataError naming its file.
UNIT_FILES = {name: list(csv.reader(io.StringIO((ZHIPU_UNITS / name).read_text(encoding="utf-8"))))
              for name in ("operating.csv", "units.csv", "events.csv")}
NUMBERISH = st.one_of(st.text(max_size=12), st.sampled_from(["0", "0%", "-0", "1e-9", "1e12", "1e300", "(0)", "inf",
                                                             "1_000", "１２", "0.000000001", "366", "-1"]))


def fewest_trials(folder):
    """The copy's Monte Carlo at risk.toml's fewest trials (100): every trial formula is still built and
    evaluated, a tenth as many times (the fuzzed files are not the Monte Carlo's)."""
    path = folder / "risk.toml"
    path.write_text("\n".join("trials = 100" if ln.startswith("trials =") else ln
                              for ln in path.read_text(encoding="utf-8").splitlines()) + "\n", encoding="utf-8")
    return folder


def loads_and_builds(folder, files):
    try:
        data = load(folder)
    except DataError as e:
        assert e.file in files and e.message
        return False
    build_book(data)   # raises on an error value met while evaluating
    return True


@settings(SEED, max_examples=60)
@given(name=st.sampled_from(sorted(UNIT_FILES)), row=st.integers(0, 10_000), col=st.integers(0, 10), text=NUMBERISH)
def test_any_text_in_the_unit_files_gives_a_workbook_or_a_clear_error(name, row, col, text, tmp_path_factory):
    folder = fewest_trials(copy_folder(ZHIPU_UNITS, tmp_path_factory.mktemp("fuzz") / "co"))
    rows = [list(r) for r in UNIT_FILES[name]]
    cells = rows[row % len(rows)]
    cells[col % len(cells)] = text
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows(rows)
    (folder / name).write_text(out.getvalue(), encoding="utf-8", errors="surrogatepass")
    loads_and_builds(folder, UNIT_FILES)


def toml_float(v: float) -> str:
    return "nan" if v != v else "inf" if v == float("inf") else "-inf" if v == float("-inf") else repr(v)


# a setting's value as TOML text
TOML_VALUES = st.one_of(st.integers(-10**6, 10**6).map(str), st.floats().map(toml_float),
                        st.text(max_size=12).map(lambda t: json.dumps(t)), st.sampled_from(["true", "false"]),
                        st.sampled_from(['"02-29"', '"02-30"', '"2-28"', '"mars"', "1e300", "inf", "nan", "0", "-0.0",
                                         "1e-300", '"12-31"', "2200", "1899", '""', "[]", "{}", "1e-9", "366", "0.5"]))


@settings(SEED, max_examples=80)
@given(name=st.sampled_from(["company.toml", "units.toml"]), line=st.integers(0, 1000), value=TOML_VALUES)
def test_any_value_of_any_setting_gives_a_workbook_or_a_clear_error(name, line, value, tmp_path_factory):
    folder = fewest_trials(copy_folder(ZHIPU_UNITS, tmp_path_factory.mktemp("fuzz") / "co"))
    lines = (folder / name).read_text(encoding="utf-8").splitlines()
    settable = [i for i, ln in enumerate(lines) if "=" in ln and not ln.lstrip().startswith("#")]
    i = settable[line % len(settable)]
    key = lines[i].split("=", 1)[0]
    lines[i] = f"{key}= {value}"
    (folder / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
    loads_and_builds(folder, {name, *UNIT_FILES, "company.toml", "units.toml", "actuals.csv", "assumptions.csv",
                              "funding.csv", "claims.csv", "reference.csv", "sources.csv"})
