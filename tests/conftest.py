"""Shared test helpers: the repo on sys.path, the two companies' data, the engine requirement and the
planted wrong cached value that proves an engine comparison can fail."""
import atexit
import os
import shutil
import subprocess
import tempfile
import sys
from dataclasses import dataclass
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

ZHIPU_UNITS = ROOT / "templates" / "zhipu"       # as shipped: the unit build (units.toml) and the compute build on
COMPUTE_FILES = ("compute.csv", "compute_operating.csv", "reference_class.csv")
UNIT_FILES = ("units.toml", "operating.csv", "units.csv")
RISK_FILES = ("risk.csv", "risk.toml")   # the Monte Carlo's: its ranges name the unit build's drivers
# Zhipu's figures on the growth-rate build: the template without its unit-build files (nor the Monte
# Carlo's, whose ranges are on unit drivers). The tests of the growth path (drivers growth_cloud, gm_cloud,
# rnd_compute_growth) use it; tests/test_units.py and tests/test_risk.py the template as shipped.
ZHIPU = Path(tempfile.mkdtemp(prefix="zhipu_growth_")) / "zhipu"
atexit.register(shutil.rmtree, ZHIPU.parent, True)   # each test process makes its own copy
shutil.copytree(ZHIPU_UNITS, ZHIPU, ignore=shutil.ignore_patterns(*UNIT_FILES, *COMPUTE_FILES, *RISK_FILES))
# The unit build without the compute build (fixed serving capacity and per-token inference from the asserted split):
# the template without its compute files. tests/test_units.py keeps this path tested.
ZHIPU_UNIT_ONLY = ZHIPU.parent / "zhipu_units"
shutil.copytree(ZHIPU_UNITS, ZHIPU_UNIT_ONLY, ignore=shutil.ignore_patterns(*COMPUTE_FILES))
ZHIPU_JAN = ROOT / "tests" / "data" / "zhipu_2026_01"   # the January 2026 data (actuals to 1H2025), kept fixed
MERIDIAN = ROOT / "tests" / "data" / "meridian"   # fictional: USD m, March year end, 9M, one segment
MINIMAX = ROOT / "templates" / "minimax"          # the second company: Zhipu's peer, and Zhipu its
# Zhipu's company.toml names MiniMax as its peer ([peers.minimax]): a folder beside it, so each copy has it beside
shutil.copytree(MINIMAX, ZHIPU.parent / "minimax")
COMPANIES = {"zhipu": ZHIPU, "meridian": MERIDIAN, "zhipu_units": ZHIPU_UNITS, "minimax": MINIMAX}
IN_CI = os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")


def require_engine():
    """Skip without LibreOffice on a developer machine; in CI its absence is a failure."""
    from model.engine import libreoffice as engine
    if not engine.soffice_available():
        msg = "LibreOffice (soffice + python3-uno) is not installed"
        if IN_CI:
            pytest.fail(msg + " -- required in CI")
        pytest.skip(msg)


def require_tool(available: bool, msg: str):
    """Skip without a verifying tool on a developer machine; in CI its absence is a failure."""
    if not available:
        if IN_CI:
            pytest.fail(msg + " -- required in CI")
        pytest.skip(msg)


def require_gnumeric():
    from model.engine.gnumeric import gnumeric_available
    require_tool(gnumeric_available(), "Gnumeric (ssconvert) is not installed")


@dataclass
class Planted:
    """A workbook written to `path` with one wrong cached value, in the cell `where` (sheet, A1)."""
    path: Path
    where: tuple

    def assert_caught(self, result):
        """The engine's recalculation of `path` reports that cell and no other: no other mismatch, no
        error value, MasterCheck 0."""
        from model.engine.verify import cached_values, compare
        rep = compare(cached_values(self.path), result)
        assert [(s, c) for s, c, _, _ in rep.mismatches] == [self.where]
        assert rep.errors == [] and rep.master == 0


def plant_wrong_cache(book, target, path, value=None) -> Planted:
    """Write `book` to `path` with the cell `target` (a cell or a defined name) caching `value` (default:
    its value + 1) instead of its value; the book itself keeps its value. Recalculate `path` in an engine
    (alone or in a batch) and hand the result to `assert_caught`."""
    from model.calc.formula import a1
    from model.workbook.writer import write_book
    cell = book.names[target] if isinstance(target, str) else target
    right = cell.result()
    cell._cache = right + 1.0 if value is None else value
    try:
        write_book(book, path)
    finally:
        cell._cache = right
    return Planted(Path(path), (cell.sheet.name, a1(cell.row, cell.col)))


@pytest.fixture(scope="session")
def zhipu():
    from model.data.company import load
    return load(ZHIPU)


@pytest.fixture(scope="session")
def book(zhipu):
    from model.workbook.build import build_book
    return build_book(zhipu)


@pytest.fixture(scope="session")
def meridian():
    from model.data.company import load
    return load(MERIDIAN)


@pytest.fixture(scope="session")
def meridian_book(meridian):
    from model.workbook.build import build_book
    return build_book(meridian)


@pytest.fixture(scope="session")
def zhipu_units():
    from model.data.company import load
    return load(ZHIPU_UNITS)


@pytest.fixture(scope="session")
def units_book(zhipu_units):
    from model.workbook.build import build_book
    return build_book(zhipu_units)


@pytest.fixture(scope="session")
def minimax():
    from model.data.company import load
    return load(MINIMAX)


@pytest.fixture(scope="session")
def minimax_book(minimax):
    from model.workbook.build import build_book
    return build_book(minimax)


@pytest.fixture(scope="session", params=list(COMPANIES))
def company(request):
    """Each company in turn, as (dataset, workbook with its default scenario)."""
    data, book = {"zhipu": ("zhipu", "book"), "meridian": ("meridian", "meridian_book"),
                  "zhipu_units": ("zhipu_units", "units_book"), "minimax": ("minimax", "minimax_book")}[request.param]
    return request.getfixturevalue(data), request.getfixturevalue(book)


def run(*args, cwd=ROOT):
    """The command-line tool as a user runs it."""
    return subprocess.run([sys.executable, str(ROOT / "cli.py"), *map(str, args)], capture_output=True, text=True,
                          cwd=cwd, timeout=600)


def copy_folder(src, dst, **kw):
    """A copy of a company folder to change in a test (keyword arguments go to shutil.copytree); returns it. The
    peers its company.toml names are copied beside it too, as the build reads them from there."""
    import tomllib
    src, dst = Path(src), Path(dst)
    shutil.copytree(src, dst, **kw)
    peers = tomllib.loads((src / "company.toml").read_text(encoding="utf-8")).get("peers", {})
    for key in peers if isinstance(peers, dict) else ():
        if (src.parent / key).is_dir() and not (dst.parent / key).exists():
            shutil.copytree(src.parent / key, dst.parent / key)
    return dst


def replace_in(path, old, new):
    """Replace the first `old` in a data file (which must hold it)."""
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def cell(book, sheet, label, code):
    """The cell of the row labelled `label` on `sheet` in the column headed `code` (FY2026, 2H2026)."""
    sh = book.sheet(sheet)
    cols = {f"{c.fmt[len('period_'):-1]}{int(c.content)}": col for (r, col), c in sh.cells.items()
            if c.role == "head" and c.fmt.startswith("period_")}
    rows = [r for (r, col), c in sh.cells.items() if col == 0 and str(c.content).strip() == label]
    assert len(rows) == 1, f"{label!r} found {len(rows)} times on {sheet}"
    return sh.cell_at(rows[0], cols[code])


def line(book, sheet, label, code):
    """The value of that cell."""
    return cell(book, sheet, label, code).result()


def model_finance(book, sc) -> dict:
    """{period code: finance income − finance cost − tax} of scenario sc's forecast in `book` (its Scenarios
    block): the interest on its cash and debt and the tax after its losses, from its cash-flow statement, which
    tests/test_cash_halves.py and tests/test_capital.py compute by hand. 0 where the line has no cell."""
    b = book.tabs["scenarios"].blocks[sc]
    taxed = ("tax", b.tl.forecast[-1]) in b.cells

    def value(key, p):
        c = b.cells.get((key, p))
        return c.result() if c is not None and b.has(key, p) else 0.0
    return {p.code: value("finance_income", p) - value("finance_cost", p) - (value("tax", p) if taxed else 0.0)
            for p in b.periods}


def hand_periods(data, sc, book):
    """The growth-rate forecast computed plainly from the data files, an implementation independent of the
    model's: {period code: {"revenue", "operating", "ani", "net", "rnd", "cost"}} for every forecast part and
    year; "operating" the adjusted result before finance and tax, "ani" that + `book`'s finance and tax for sc
    (model_finance: they follow the cash and debt balances, computed by hand on small companies). The
    first `split_years` forecast years (company.toml, default 2) run in two parts when the first one has an
    interim with revenue (the stub): a part grows from the part before it (the stub's actual figures for
    the first), a flow at the run rate (x its months / the previous part's), a seasonal segment's revenue
    also x (second part) or / (first part) its base-year pattern: (FY - interim) / (12 - m) over interim / m.
    The full year of a split year is the sum of its parts; later years grow from the full year before."""
    from model.data.periods import Period
    base = data.full_years[-1]
    segs = [k for k, _ in data.segments]
    split = any(data.actual(i, base) is not None for i in ("rnd_compute", "rnd_compute_share"))

    def figures(p):
        a = lambda item: data.actual(item, p)  # noqa: E731
        # figures published either way: segment amounts or shares, cost or gross profit, compute or its assumed share
        rev = {k: (a(f"rev_{k}") if a(f"rev_{k}") is not None else a("revenue") * a(f"share_{k}")) if len(segs) > 1
               else a("revenue") for k in segs}
        gross = a("revenue") - a("cost_of_revenue") if a("cost_of_revenue") is not None else a("gross_profit")
        compute = a("rnd_compute") if a("rnd_compute") is not None else (
            a("rnd") * a("rnd_compute_share") if a("rnd_compute_share") is not None else None)
        costs = {"rnd_compute": compute, "rnd_other": a("rnd") - compute} if split else {"rnd": a("rnd")}
        costs["other_opex"] = gross - a("rnd") - a("adjusted_net_income")
        adj = a("adjusted_net_income") - a("net_income") if a("net_income") is not None else None
        return {"rev": rev, "gp": gross, "costs": costs, "adj": adj}

    growth = {"rnd_compute": "rnd_compute_growth", "rnd_other": "rnd_other_growth", "rnd": "rnd_growth",
              "other_opex": "other_opex_growth"}
    ytd = [p for p in data.periods if not p.is_full_year and p.year == base.year + 1
           and data.actual("revenue", p) is not None]
    stub = max(ytd) if ytd else None
    n_split = int(data.company.get("split_years", 2)) if stub else 0
    season = {}
    for k in [str(s["key"]) for s in data.company["segments"] if s.get("seasonal")] if stub else []:
        first = figures(Period(base.year, stub.months))["rev"][k]
        season[k] = ((figures(base)["rev"][k] - first) / (12 - stub.months)) / (first / stub.months)

    def grown(prev, p, sc_drv):
        """One period from the one before: each flow at p's length, x (1 + its growth)."""
        length = p.months / prev["months"]
        d = lambda name: data.value(sc, name, p)  # noqa: E731
        rev = {}
        for k in segs:
            factor = 1.0
            if k in season and not p.is_full_year:
                factor = season[k] if p.start else 1 / season[k]
            rev[k] = prev["rev"][k] * length * factor * (1 + d(f"growth_{k}"))
        gp = sum(rev[k] * d(f"gm_{k}") for k in segs)
        costs = {c: v * length * (1 + d(growth[c])) for c, v in prev["costs"].items()}
        return {"rev": rev, "gp": gp, "costs": costs, "adj": d("adjustments"), "months": p.months}

    fin = model_finance(book, sc)

    def result(f, codes):
        operating = f["gp"] - sum(f["costs"].values())
        ani = operating + sum(fin.get(c, 0.0) for c in codes)
        return {"revenue": sum(f["rev"].values()), "operating": operating, "ani": ani, "net": ani - f["adj"],
                "rnd": sum(v for c, v in f["costs"].items() if c != "other_opex"),
                "cost": sum(f["rev"].values()) - f["gp"]}

    out = {}
    prev = {**figures(base), "months": 12}
    for i, year in enumerate(data.forecast_years):
        if i < n_split:
            parts = [Period(year, stub.months), Period(year, 12 - stub.months, stub.months)]
            done = []
            for p in parts:
                prev = {**figures(p), "months": p.months} if p == stub else grown(prev, p, sc)
                out[p.code] = result(prev, [p.code] if p != stub else [])
                done.append(prev)
            total = {"rev": {k: sum(f["rev"][k] for f in done) for k in segs}, "gp": sum(f["gp"] for f in done),
                     "costs": {c: sum(f["costs"][c] for f in done) for c in done[0]["costs"]},
                     "adj": sum(f["adj"] for f in done), "months": 12}
            out[f"FY{year}"] = result(total, [p.code for p in parts if p != stub])
            if i + 1 >= n_split:
                prev = total
        else:
            prev = grown(prev, Period(year, 12), sc)
            out[f"FY{year}"] = result(prev, [f"FY{year}"])
    return out


def hand_forecast(data, sc, book):
    """The full years of hand_periods: [(year, revenue, adjusted net income, net income)], the breakeven year
    and the adjusted losses until then, counted from the opening cash date."""
    periods = hand_periods(data, sc, book)
    out = [(y, periods[f"FY{y}"]["revenue"], periods[f"FY{y}"]["ani"], periods[f"FY{y}"]["net"])
           for y in data.forecast_years]
    be = next((y for y, _, ani, _ in out if ani >= 0), "not reached")
    # the loss counts from the opening cash date (funding.csv): an interim's loss before it is in that cash already
    opening = data.funding["opening_cash"].period
    spent = {} if opening.is_full_year else {opening.year: data.actual("adjusted_net_income", opening) or 0}
    loss = sum(-(ani - spent.get(y, 0)) for y, _, ani, _ in out if be == "not reached" or y < be)
    return out, be, loss


def assert_hand_forecast(data, sc, book):
    """`book`, built with `sc` selected, shows hand_forecast's revenue, adjusted and reported net income
    in every forecast year, its breakeven year and its cumulative loss; returns the breakeven year."""
    years, be, loss = hand_forecast(data, sc, book)
    for code, f in hand_periods(data, sc, book).items():   # every forecast part and year
        assert line(book, "Income Statement", "Total revenue", code) == pytest.approx(f["revenue"], rel=1e-12), code
        if code in {p.code for p in book.tabs["income"].lines.periods if book.tabs["income"].lines.has("operating_adjusted", p)}:
            assert line(book, "Income Statement", "Adjusted result before finance and tax", code) == pytest.approx(
                f["operating"], rel=1e-12), code
        assert line(book, "Income Statement", "Adjusted net income (loss)", code) == pytest.approx(f["ani"], rel=1e-12)
        assert line(book, "Income Statement", "Net income (loss), reported", code) == pytest.approx(f["net"], rel=1e-12)
        assert line(book, "Income Statement", "Research & development", code) == pytest.approx(f["rnd"], rel=1e-12)
    assert book.names["BreakevenYear"].result() == be
    assert book.names["CumulativeLossToBreakeven"].result() == pytest.approx(loss, rel=1e-12)
    return be


@pytest.fixture(autouse=True, scope="module")
def _collect_after_module():
    """Free each test module's workbooks when it ends: a built workbook is one large graph of objects with
    cycles (cells, sheets, book), which the collector's rare full passes would otherwise leave for long
    enough to add up over the suite's hundreds of builds."""
    yield
    import gc
    gc.collect()
