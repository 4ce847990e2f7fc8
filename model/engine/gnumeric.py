"""Recalculate xlsx workbooks with Gnumeric, an engine that shares no code with LibreOffice.

`ssconvert --recalc IN OUT.xlsx` (Debian package `gnumeric`) loads a workbook, recalculates every
cell and saves it again; the values it saved are read back with the project's own reader and
returned in the shape of `libreoffice.recalculate`'s results, so `verify.compare` judges both.
ssconvert handles one workbook per process: several files run side by side (`workers`).
"""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from .libreoffice import EngineError


def ssconvert_path():
    """The ssconvert executable, or None ($MODEL_SSCONVERT, when set, is the only candidate)."""
    override = os.environ.get("MODEL_SSCONVERT")
    for cand in (override,) if override else (shutil.which("ssconvert"), "/usr/bin/ssconvert"):
        if cand and os.access(cand, os.X_OK):
            return cand
    return None


def gnumeric_available() -> bool:
    return ssconvert_path() is not None


def _result(path) -> dict:
    """A Gnumeric-saved workbook as {"cells": {sheet: {addr: {"f", "v", "e"}}}, "names": {...}}."""
    from ..workbook.readback import open_workbook
    wb = open_workbook(path)
    cells = {ws.title: {c.coordinate: {"f": c.is_formula, "v": None if c.error else c.value,
                                       "e": c.value if c.error else None}
                        for c in ws.iter_cells() if c.value is not None or c.is_formula}
             for ws in wb.worksheets}
    names = {}
    for name, dest in wb.defined_names.items():
        if len(dest) == 1 and ":" not in dest[0][1] and dest[0][0] in cells:
            sheet, addr = dest[0]
            cell = cells[sheet].get(addr, {"v": None, "e": None})
            names[name] = {"sheet": sheet, "cell": addr, "v": cell["v"], "e": cell["e"]}
    return {"cells": cells, "names": names, "error": None}


def _one(path, timeout) -> dict:
    ssconvert = ssconvert_path()
    with tempfile.TemporaryDirectory(prefix="gnumeric-") as tmp:
        out = Path(tmp) / "recalculated.xlsx"
        # HOME in the temp dir: Gnumeric writes its settings there, not into the user's home
        env = dict(os.environ, HOME=tmp)
        try:
            proc = subprocess.run([ssconvert, "--recalc", "-T", "Gnumeric_Excel:xlsx2", os.fspath(path), str(out)],
                                  capture_output=True, text=True, timeout=timeout, env=env)
        except subprocess.TimeoutExpired:
            return {"error": f"ssconvert timed out after {timeout}s"}
        if proc.returncode != 0 or not out.exists():
            return {"error": f"ssconvert failed (exit {proc.returncode}): {proc.stderr[-2000:]}"}
        return _result(out)


def recalculate(paths, workers=2, timeout=600) -> list[dict]:
    """Recalculate each workbook in Gnumeric; one result per path, in order. A file that fails has
    its message in result["error"]. Raises EngineError when Gnumeric is not installed."""
    if not gnumeric_available():
        raise EngineError("Gnumeric engine unavailable: need ssconvert (Debian package gnumeric)")
    paths = list(paths)
    with ThreadPoolExecutor(max(1, min(workers, len(paths) or 1))) as pool:
        return list(pool.map(lambda p: _one(p, timeout), paths))


def recalculate_file(path) -> dict:
    """Recalculate one workbook; raises EngineError if Gnumeric failed on it."""
    result = recalculate([path], workers=1)[0]
    if result["error"]:
        raise EngineError(f"{path}: {result['error']}")
    return result
