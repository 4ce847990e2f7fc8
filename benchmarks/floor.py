"""The floor: write given formula cells with bare xlsxwriter, no model logic.

    python benchmarks/floor.py CELLS.json OUT.xlsx [--shortcut]

CELLS.json maps each sheet name to [row, col, formula, cached value] rows (bench_build.py dumps
them from a built model). Prints one JSON line: seconds spent writing (after the file is read; wall and CPU),
formula cells written and the process's peak resident memory. Imports only the stdlib and
xlsxwriter, so its wall time from outside is that of the barest script writing the same formulas.
--shortcut writes with the model's worksheet class (model/workbook/writer.py: FormulaWorksheet, which skips
xlsxwriter's per-formula rewrite) and zips at the model's level (writer.DEFLATE_LEVEL, where bare xlsxwriter
takes zlib's default), to show what the model's own logic costs on top of the same writing.
"""
import contextlib
import json
import resource
import sys
import time
from pathlib import Path

import xlsxwriter


def main(cells_path, out, *options):
    worksheet_class, zipping = None, contextlib.nullcontext()
    if "--shortcut" in options:
        sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
        from model.workbook.writer import DEFLATE_LEVEL, FormulaWorksheet, deflate_level
        worksheet_class, zipping = FormulaWorksheet, deflate_level(DEFLATE_LEVEL)
    with open(cells_path, encoding="utf-8") as f:
        sheets = json.load(f)
    t, c = time.perf_counter(), time.process_time()
    wb = xlsxwriter.Workbook(out)
    n = 0
    for name, cells in sheets.items():
        ws = wb.add_worksheet(name, worksheet_class)
        for row, col, formula, value in cells:
            ws.write_formula(row, col, formula, None, value)
        n += len(cells)
    with zipping:
        wb.close()
    seconds, cpu = time.perf_counter() - t, time.process_time() - c
    print(json.dumps({"seconds": seconds, "cpu": cpu, "formulas": n,
                      "maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}))


if __name__ == "__main__":
    main(*sys.argv[1:])
