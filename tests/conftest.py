"""Shared test helpers: the repo on sys.path, the two companies' data, the engine requirement and the
planted wrong cached value that proves an engine comparison can fail."""
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


def hand_forecast(data, sc):
    """The forecast computed plainly from the data files, an implementation independent of the model's:
    [(year, revenue, adjusted net income, net income)], the breakeven year and the adjusted losses until
    then. When an interim of the first forecast year gives revenue, that year is the interim's actual
    plus the rest of the year: each flow's rest is the interim's figure times (1 + its rest_ growth), the
    rest's gross profit its revenue times its rest_ margin, its adjustments the rest_ amount."""
    base = data.full_years[-1]
    segs = [k for k, _ in data.segments]

    def figures(p):
        a = lambda item: data.actual(item, p)  # noqa: E731
        # figures published either way: segment amounts or shares, cost or gross profit, compute or its assumed share
        rev = {k: (a(f"rev_{k}") if a(f"rev_{k}") is not None else a("revenue") * a(f"share_{k}")) if len(segs) > 1
               else a("revenue") for k in segs}
        gross = a("revenue") - a("cost_of_revenue") if a("cost_of_revenue") is not None else a("gross_profit")
        # segment gross profit where the margins are given; else (one segment, or margins not disclosed) the total
        disclosed = len(segs) > 1 and all(a(f"gm_{k}") is not None for k in segs)
        gp = {k: rev[k] * a(f"gm_{k}") for k in segs} if disclosed else {segs[0]: gross}
        compute = a("rnd_compute") if a("rnd_compute") is not None else (
            a("rnd") * a("rnd_compute_share") if a("rnd_compute_share") is not None else None)
        costs = {"rnd_compute": compute, "rnd_other": a("rnd") - compute} if split else {"rnd": a("rnd")}
        costs["other_opex"] = gross - a("rnd") - a("adjusted_net_income")
        adj = a("adjusted_net_income") - a("net_income") if a("net_income") is not None else None
        return rev, gp, costs, adj

    split = any(data.actual(i, base) is not None for i in ("rnd_compute", "rnd_compute_share"))
    growth = {"rnd_compute": "rnd_compute_growth", "rnd_other": "rnd_other_growth", "rnd": "rnd_growth",
              "other_opex": "other_opex_growth"}
    ytd = [p for p in data.periods if not p.is_full_year and p.year == base.year + 1
           and data.actual("revenue", p) is not None]
    rev, _, costs, _ = figures(base)
    out = []
    for i, year in enumerate(data.forecast_years):
        d = lambda name: data.assumptions[(sc, name)][i]  # noqa: E731
        if i == 0 and ytd:
            y_rev, y_gp, y_costs, y_adj = figures(max(ytd))
            r_rev = {k: v * (1 + d(f"rest_growth_{k}")) for k, v in y_rev.items()}
            rev = {k: y_rev[k] + r_rev[k] for k in segs}
            gp = sum(y_gp.values()) + sum(r_rev[k] * d(f"rest_gm_{k}") for k in segs)
            costs = {c: v + v * (1 + d(f"rest_{growth[c]}")) for c, v in y_costs.items()}
            adj = y_adj + d("rest_adjustments")
        else:
            rev = {k: v * (1 + d(f"growth_{k}")) for k, v in rev.items()}
            gp = sum(v * d(f"gm_{k}") for k, v in rev.items())
            costs = {c: v * (1 + d(growth[c])) for c, v in costs.items()}
            adj = d("adjustments")
        ani = gp - sum(costs.values())
        out.append((year, sum(rev.values()), ani, ani - adj))
    be = next((y for y, _, ani, _ in out if ani >= 0), "not reached")
    # the loss counts from the opening cash date (funding.csv): an interim's loss before it is in that cash already
    opening = data.funding["opening_cash"].period
    spent = {} if opening.is_full_year else {opening.year: data.actual("adjusted_net_income", opening) or 0}
    loss = sum(-(ani - spent.get(y, 0)) for y, _, ani, _ in out if be == "not reached" or y < be)
    return out, be, loss


def assert_hand_forecast(data, sc, book):
    """`book`, built with `sc` selected, shows hand_forecast's revenue, adjusted and reported net income
    in every forecast year, its breakeven year and its cumulative loss; returns the breakeven year."""
    years, be, loss = hand_forecast(data, sc)
    for year, rev, adj, net in years:
        assert line(book, "Income Statement", "Total revenue", f"FY{year}") == pytest.approx(rev, rel=1e-12)
        assert line(book, "Income Statement", "Adjusted net income (loss)", f"FY{year}") == pytest.approx(adj, rel=1e-12)
        assert line(book, "Income Statement", "Net income (loss), reported", f"FY{year}") == pytest.approx(net, rel=1e-12)
    assert book.names["BreakevenYear"].result() == be
    assert book.names["CumulativeLossToBreakeven"].result() == pytest.approx(loss, rel=1e-12)
    return be
