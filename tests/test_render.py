"""The reviewer's script renders every tab of a workbook to its own PNG (LibreOffice -> PDF -> pdftoppm)."""
import shutil
import subprocess
import sys

import pytest

from conftest import IN_CI, ROOT, require_engine
from model.workbook.build import build_book
from model.workbook.writer import write_book


def test_render_tabs_writes_one_png_per_tab(zhipu, tmp_path):
    require_engine()
    if shutil.which("pdftoppm") is None:
        (pytest.fail if IN_CI else pytest.skip)("pdftoppm (poppler-utils) is not installed")
    book = build_book(zhipu, lang="zh")
    path = tmp_path / "zh.xlsx"
    write_book(book, path)
    res = subprocess.run([sys.executable, str(ROOT / "tools" / "render_tabs.py"), str(path), str(tmp_path / "png")],
                         capture_output=True, text=True, timeout=600)
    assert res.returncode == 0, res.stderr
    pngs = [line for line in res.stdout.splitlines() if line.endswith(".png")]
    # every tab but the very hidden build record (model/workbook/record.py): it is not for reading
    names = [f"zh-{i:02d}-{s.name}.png" for i, s in enumerate(book.sheets, 1) if s.kind != "hidden"]
    assert any(s.kind == "hidden" for s in book.sheets)
    assert [p.rsplit("/", 1)[-1] for p in pngs] == names   # one page per tab, named after it
    for p in pngs:
        with open(p, "rb") as f:
            assert f.read(8) == b"\x89PNG\r\n\x1a\n"
