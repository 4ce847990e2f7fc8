"""Judge a workbook by a spreadsheet engine's recalculation (LibreOffice, or Gnumeric): every
formula's recalculated value must equal the value cached in the file, no cell may hold an error
value, and MasterCheck must be 0. One narrow exception: a chart's gap, #N/A in a cell whose formula is
the charted-figure form =IF(ISNUMBER(x),x,NA()) and whose cached value is #N/A too, which the build
writes only into charted figures (model/workbook/chartdata.py); the Checks tab's error scans, in
MasterCheck, hold #N/A to those rows."""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from ..calc.formula import GAP, GapValue
from ..calc.values import same  # noqa: F401 (the rule the comparison uses)



@dataclass
class Report:
    formulas: int = 0
    mismatches: list = field(default_factory=list)   # (sheet, cell, cached, recalculated)
    errors: list = field(default_factory=list)       # (sheet, cell, error)
    master: object = None

    @property
    def ok(self) -> bool:
        return not self.mismatches and not self.errors and self.master == 0


GAP_FORMULA = re.compile(r"=IF\(ISNUMBER\(((?:(?:'(?:[^']|'')+'|[^'!(),]+)!)?\$?[A-Z]{1,3}\$?[0-9]+)\),\1,NA\(\)\)")


def cached_values(path) -> dict:
    """The values the file carries, as viewers that do not recalculate see them; a chart's gap (a cached
    #N/A of the charted-figure form) as GAP."""
    from ..workbook.readback import open_workbook

    def value(c):
        gap = c.error and c.value == GAP and c.formula and GAP_FORMULA.fullmatch(c.formula)
        return GAP if gap else c.value
    return {ws.title: {c.coordinate: value(c) for c in ws.iter_cells() if c.value is not None}
            for ws in open_workbook(path).worksheets}


def compare(cached: dict, result: dict) -> Report:
    """Compare a file's cached values with an engine result (see engine.recalculate)."""
    rep = Report()
    for sheet, cells in result["cells"].items():
        for addr, cell in cells.items():
            if cell.get("e") and not (cell["e"] == GAP and isinstance(cached.get(sheet, {}).get(addr), GapValue)):
                rep.errors.append((sheet, addr, cell["e"]))
                continue
            if not cell.get("f"):
                continue
            rep.formulas += 1
            old = cached.get(sheet, {}).get(addr)
            if not same(old, cell.get("v")) and not cell.get("e"):
                rep.mismatches.append((sheet, addr, old, cell.get("v")))
    master = result.get("names", {}).get("MasterCheck")
    rep.master = None if master is None or master.get("e") else master.get("v")
    return rep


def check_file(path, edits=None, engine="libreoffice") -> Report:
    """Recalculate `path` in LibreOffice (optionally after edits) or Gnumeric and compare with its
    cache. The cache is read while the engine works (in its own process), so reading costs no time."""
    from concurrent.futures import ThreadPoolExecutor
    if engine == "gnumeric":
        assert not edits, "edits need LibreOffice"
        from .gnumeric import recalculate_file
        job = lambda: recalculate_file(path)  # noqa: E731
    else:
        from .libreoffice import recalculate_file
        job = lambda: recalculate_file(path, edits=edits)  # noqa: E731
    with ThreadPoolExecutor(1) as pool:
        recalculated = pool.submit(job)
        cached = cached_values(path)
        return compare(cached, recalculated.result())
