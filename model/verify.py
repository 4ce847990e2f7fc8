"""Judge a workbook by LibreOffice's recalculation: every formula's recalculated value must equal
the value cached in the file, no cell may hold an error value, and MasterCheck must be 0."""
from __future__ import annotations

import math
from dataclasses import dataclass, field

REL_TOL = 1e-9
ABS_TOL = 1e-12  # for values that are zero up to floating-point noise


@dataclass
class Report:
    formulas: int = 0
    mismatches: list = field(default_factory=list)   # (sheet, cell, cached, recalculated)
    errors: list = field(default_factory=list)       # (sheet, cell, error)
    master: object = None

    @property
    def ok(self) -> bool:
        return not self.mismatches and not self.errors and self.master == 0


def same(cached, recalculated) -> bool:
    num = lambda v: isinstance(v, (int, float)) and not isinstance(v, bool)  # noqa: E731
    if num(cached) and num(recalculated):
        return math.isclose(cached, recalculated, rel_tol=REL_TOL, abs_tol=ABS_TOL)
    if cached in (None, "") and recalculated in (None, ""):
        return True
    return cached == recalculated


def cached_values(path) -> dict:
    """The values the file carries, as viewers that do not recalculate see them."""
    from .readback import open_workbook
    return {ws.title: {c.coordinate: c.value for c in ws.iter_cells() if c.value is not None}
            for ws in open_workbook(path).worksheets}


def compare(cached: dict, result: dict) -> Report:
    """Compare a file's cached values with an engine result (see engine.recalculate)."""
    rep = Report()
    for sheet, cells in result["cells"].items():
        for addr, cell in cells.items():
            if cell.get("e"):
                rep.errors.append((sheet, addr, cell["e"]))
                continue
            if not cell.get("f"):
                continue
            rep.formulas += 1
            old = cached.get(sheet, {}).get(addr)
            if not same(old, cell.get("v")):
                rep.mismatches.append((sheet, addr, old, cell.get("v")))
    master = result.get("names", {}).get("MasterCheck")
    rep.master = None if master is None or master.get("e") else master.get("v")
    return rep


def check_file(path, edits=None) -> Report:
    """Recalculate `path` in LibreOffice (optionally after edits) and compare with its cache. The
    cache is read while LibreOffice works (it runs in its own process), so reading costs no time."""
    from concurrent.futures import ThreadPoolExecutor
    from .engine import recalculate_file
    with ThreadPoolExecutor(1) as pool:
        recalculated = pool.submit(recalculate_file, path, edits=edits)
        cached = cached_values(path)
        return compare(cached, recalculated.result())
