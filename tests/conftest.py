"""Shared test helpers: the repo on sys.path, the two companies' data, and the engine requirement."""
import os
import shutil
import subprocess
import tempfile
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

ZHIPU_UNITS = ROOT / "templates" / "zhipu"       # as shipped: the unit build (units.toml) on
UNIT_FILES = ("units.toml", "operating.csv", "units.csv")
# Zhipu's figures on the growth-rate build: the template without its unit-build files. The tests of
# the growth path (drivers growth_cloud, gm_cloud, rnd_compute_growth) use it; tests/test_units.py
# the template as shipped.
ZHIPU = Path(tempfile.mkdtemp(prefix="zhipu_growth_")) / "zhipu"
shutil.copytree(ZHIPU_UNITS, ZHIPU, ignore=shutil.ignore_patterns(*UNIT_FILES))
ZHIPU_JAN = ROOT / "tests" / "data" / "zhipu_2026_01"   # the January 2026 data (actuals to 1H2025), kept fixed
MERIDIAN = ROOT / "tests" / "data" / "meridian"   # fictional: USD m, March year end, 9M, one segment
COMPANIES = {"zhipu": ZHIPU, "meridian": MERIDIAN, "zhipu_units": ZHIPU_UNITS}
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


@pytest.fixture(scope="session", params=list(COMPANIES))
def company(request):
    """Each company in turn, as (dataset, workbook with its default scenario)."""
    data, book = {"zhipu": ("zhipu", "book"), "meridian": ("meridian", "meridian_book"),
                  "zhipu_units": ("zhipu_units", "units_book")}[request.param]
    return request.getfixturevalue(data), request.getfixturevalue(book)


def run(*args, cwd=ROOT):
    """The command-line tool as a user runs it."""
    return subprocess.run([sys.executable, str(ROOT / "cli.py"), *map(str, args)], capture_output=True, text=True,
                          cwd=cwd, timeout=600)
