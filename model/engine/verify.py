"""Judge a workbook by a spreadsheet engine's recalculation (LibreOffice, or Gnumeric): every
formula's recalculated value must equal the value cached in the file, no cell may hold an error
value, and MasterCheck must be 0."""
from __future__ import annotations

from dataclasses import dataclass, field

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


def cached_values(path) -> dict:
    """The values the file carries, as viewers that do not recalculate see them."""
    from ..workbook.readback import open_workbook
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
