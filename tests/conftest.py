"""Shared test helpers: the repo on sys.path, the default data, and the engine requirement."""
import os
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

ZHIPU = ROOT / "templates" / "zhipu"
IN_CI = os.environ.get("CI", "").strip().lower() in ("1", "true", "yes")


def require_engine():
    """Skip without LibreOffice on a developer machine; in CI its absence is a failure."""
    from model import engine
    if not engine.soffice_available():
        msg = "LibreOffice (soffice + python3-uno) is not installed"
        if IN_CI:
            pytest.fail(msg + " -- required in CI")
        pytest.skip(msg)


@pytest.fixture(scope="session")
def zhipu():
    from model.data import load
    return load(ZHIPU)


@pytest.fixture(scope="session")
def book(zhipu):
    from model.build import build_book
    return build_book(zhipu)
