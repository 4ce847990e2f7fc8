"""Review flags (Checks tab, tabs/flags.py): a small company's flags by hand, one raised and one quiet, apart
from the master check, counted on the Cover."""
from __future__ import annotations

import pytest

from conftest import require_engine
from model.data.company import load
from model.data.periods import Period
from model.workbook.build import build_book
from test_interim import HALF, write

H1, H2, H1_27 = Period(2026, 6), Period(2026, 6, 6), Period(2027, 6)


def with_rows(rows: dict) -> dict:
    """HALF with some assumptions.csv rows replaced: {(scenario, driver): the row's values after the driver}."""
    lines = []
    for ln in HALF["assumptions.csv"].splitlines():
        sc, drv = ln.split(",")[:2]
        lines.append(f"{sc},{drv},{rows[(sc, drv)]}" if (sc, drv) in rows else ln)
    return {**HALF, "assumptions.csv": "\n".join(lines) + "\n"}


def flag_cells(book, key, scenario):
    """The Checks row of a flag for one scenario: {period: cell}."""
    sh = book.tabs["checks"].sheet
    label = book.t(f"flags.{key}", scenario=scenario)
    row = next(r for (r, c), x in sh.cells.items() if c == 0 and x.content == label)
    tl = book.tabs["income"].lines.tl
    return {p: sh.cells[(row, tl.col[p])] for p in tl.periods if (row, tl.col[p]) in sh.cells}


@pytest.fixture(scope="module")
def cut(tmp_path_factory):
    """bear's compute within R&D falls 40% in 2H2026: R&D 10 x 0.6 + 5 x 1.0 = 11 against 1H2026's 15, -26.7%,
    beyond the -15% band; in 1H2027 it is flat (0% growth): quiet."""
    rows = {("bear", "rnd_compute_growth"): "-40%,,0%,0%,,10%,hand"}
    return build_book(load(write(tmp_path_factory.mktemp("cut") / "halfco", with_rows(rows))))


def test_a_half_beyond_its_band_raises_its_flag_and_the_next_stays_quiet(cut):
    bear = cut.tabs["scenarios"].blocks["bear"]
    rnd = {p: bear.cells[("rnd", p)].result() for p in (H1, H2, H1_27)}
    assert rnd[H1] == pytest.approx(15) and rnd[H2] == pytest.approx(10 * 0.6 + 5 * 1.0)   # by hand
    assert rnd[H2] / rnd[H1] - 1 < -0.15 and rnd[H1_27] / rnd[H2] - 1 == pytest.approx(0)
    moves = flag_cells(cut, "part_moves", "bear")
    assert moves[H2].result() == 1 and moves[H1_27].result() == 0
    # base moves within every band in its parts: quiet; no first profit after a large loss anywhere
    assert all(c.result() == 0 for c in flag_cells(cut, "part_moves", "base").values())
    assert all(c.result() == 0 for sc in ("base", "bear") for c in flag_cells(cut, "profit_after_loss", sc).values())
    # a flag is not a failed check: the master check stays 0, the Cover shows the count
    assert cut.names["MasterCheck"].result() == 0
    assert cut.tabs["checks"].review.result() == 1


def test_a_first_profit_right_after_a_large_loss_is_flagged(tmp_path):
    """base's API grows 400% in 2H2026: 1H2026 lost 12 on revenue 16 (75% of it, above the 50% band), and
    2H2026 makes a profit: API 60 at 45% (27) + deployments 4 x 4 (the FY2025 pattern: 8 / 2) x 1.1 = 17.6 at
    40% (7.04), less R&D 10 x 1.2 + 5 x 1.1 = 17.5 and other costs 3 x 1.1 = 3.3: 13.24."""
    rows = {("base", "growth_api"): "400%,,20%,10%,,30%,hand"}
    book = build_book(load(write(tmp_path / "halfco", with_rows(rows))))
    base = book.tabs["scenarios"].blocks["base"]
    assert base.cells[("adjusted_net_income", H1)].result() == pytest.approx(-12)
    assert base.cells[("adjusted_net_income", H2)].result() == pytest.approx(27 + 7.04 - 17.5 - 3.3)
    profit = flag_cells(book, "profit_after_loss", "base")
    assert profit[H2].result() == 1 and profit[H1_27].result() == 0   # 1H2027 follows a profit: quiet
    assert book.names["MasterCheck"].result() == 0


def test_flags_recalculate_in_libreoffice(cut, tmp_path):
    require_engine()
    from model.engine import libreoffice as engine
    from model.workbook.writer import write_book
    from test_engine import assert_engine_matches
    path = tmp_path / "cut.xlsx"
    write_book(cut, path)
    result = engine.recalculate_file(path)
    assert assert_engine_matches(cut, result) > 100
