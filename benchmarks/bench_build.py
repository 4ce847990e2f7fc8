"""How fast the model regenerates, measured against the bare writer.

    python benchmarks/bench_build.py [--repeat N] [--no-check] [--no-growth] [--only usersheet]

Prints, in one run, markdown tables of:
  1. build vs floor: the default Zhipu model (the unit build) and the same data on growth rates (its
     folder without the unit files), a large synthetic model (25 forecast years, 12 scenarios, 6
     segments; benchmarks/synthetic.py writes it to a temp folder) on growth rates and with the unit
     build, each built in process
     (load + build + write, imports done), against the floor: the same formula cells, same text and
     cached values, written by bare xlsxwriter in a loop (benchmarks/floor.py);
  2. end to end, interpreter start included: `python cli.py build` against `python floor.py`;
  3. `python cli.py check`, split into LibreOffice's part (the engine subprocess: start, load,
     recalculate, read back) and the rest (interpreter, imports, reading the cache, comparing);
  4. growth: build time over horizons and scenario counts, with time per formula cell;
  5. the Monte Carlo: the default model with 1,000 and 10,000 trials and without its risk files: build
     time, formula cells, file size, and the trial block's (Trials tab) cost per formula cell against
     the floor writing the same cells.
  6. a rebuild over a workbook holding a user's sheet of 10,000 cells (half of them formulas, a fifth
     reading the model), against the same rebuild without it (`--only usersheet` runs just this).
Every measurement runs in a fresh subprocess (so cases do not share caches or memory), after one
warm-up run, and is the best of --repeat runs (other work on the machine only ever adds time; the
cases compared with each other run in turn, so a busy spell hits them alike);
memory is the subprocess's peak resident set (ru_maxrss, the largest of the runs). Bytecode caches
are on, as in a normal install (written to the temp folder, not the repository).
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

SELF = Path(__file__).resolve()
CLI = ROOT / "cli.py"
FLOOR = ROOT / "benchmarks" / "floor.py"
ZHIPU = ROOT / "templates" / "zhipu"
LARGE = dict(horizon=25, scenarios=12, segments=6)
UNIT_FILES = ("units.toml", "operating.csv", "units.csv")   # the unit build's files: without them, growth rates
RISK_FILES = ("risk.csv", "risk.toml")   # the Monte Carlo's, whose ranges are on unit drivers
GROWTH = [(h, s) for s in (3, 6, 12) for h in (6, 12, 25)] + [(30, 20)]  # the most the data allow (model.data MAX_*)


# ---------------------------------------------------------------- workers (run in a subprocess)

def maxrss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def work_build(data_dir, out):
    """Load, build and write one model; the timed part starts after the imports."""
    from model.workbook.build import build_book
    from model.data.company import load
    from model.workbook.writer import write_book
    c0, t0 = time.process_time(), time.perf_counter()
    data = load(data_dir)
    t1 = time.perf_counter()
    book = build_book(data)
    t2 = time.perf_counter()
    write_book(book, out)
    t3, c3 = time.perf_counter(), time.process_time()
    formulas = sum(1 for _ in book.formula_cells())
    print(json.dumps({"seconds": t3 - t0, "cpu": c3 - c0, "load": t1 - t0, "build": t2 - t1, "write": t3 - t2,
                      "formulas": formulas, "cells": sum(len(s.cells) for s in book.sheets),
                      "maxrss_mb": maxrss_mb()}))


def work_regen(data_dir, out):
    """A rebuild over the workbook at `out` (read, plan, build, carry, write), timed after the imports."""
    from model.data.company import load
    from model.regen.regenerate import regenerate
    t0 = time.perf_counter()
    done = regenerate(load(data_dir), out)
    print(json.dumps({"seconds": time.perf_counter() - t0, "sheets": len(done.carried.sheets),
                      "maxrss_mb": maxrss_mb()}))


def add_user_sheet(src, dst, rows=1000):
    """A copy of the workbook at `src` with a sheet of the user's own after the Income Statement: `rows` rows
    of ten cells each -- a label, four numbers and five formulas (one reading Total revenue FY2027E, one
    INDEX over an input block, three on the row itself), as raw XML."""
    import re
    import zipfile
    with zipfile.ZipFile(src) as z:
        parts = {n: z.read(n) for n in z.namelist()}
    cells = []
    for r in range(1, rows + 1):
        cells.append(f'<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>line {r}</t></is></c>'
                     + "".join(f'<c r="{c}{r}"><v>{r * k}</v></c>' for k, c in enumerate("BCDE", 1))
                     + f"<c r=\"F{r}\"><f>'Income Statement'!H33*B{r}</f></c><c r=\"G{r}\"><f>SUM(B{r}:E{r})</f></c>"
                     + f'<c r="H{r}"><f>F{r}+G{r}</f></c><c r="I{r}"><f>INDEX(Asm_base_gm_onprem,1,1)*C{r}</f></c>'
                     + f'<c r="J{r}"><f>IF(H{r}&gt;0,H{r},0)</f></c></row>')
    main = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
    parts["xl/worksheets/usersheet.xml"] = (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet '
                                           f'xmlns="{main}"><sheetData>{"".join(cells)}</sheetData></worksheet>').encode()
    book = parts["xl/workbook.xml"].decode()
    book = re.sub(r'(<sheet name="Income Statement"[^>]*/>)', r'\1<sheet name="Analyst" sheetId="99" r:id="rIdU"/>', book)
    parts["xl/workbook.xml"] = re.sub(r'localSheetId="(\d+)"', lambda m: f'localSheetId="{int(m.group(1)) + (int(m.group(1)) > 2)}"',
                                      book).encode()
    parts["xl/_rels/workbook.xml.rels"] = parts["xl/_rels/workbook.xml.rels"].replace(
        b"</Relationships>", b'<Relationship Id="rIdU" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
        b'relationships/worksheet" Target="worksheets/usersheet.xml"/></Relationships>')
    parts["[Content_Types].xml"] = parts["[Content_Types].xml"].replace(
        b"</Types>", b'<Override PartName="/xl/worksheets/usersheet.xml" ContentType="application/'
        b'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/></Types>')
    with zipfile.ZipFile(dst, "w", zipfile.ZIP_DEFLATED) as z:
        for name, raw in parts.items():
            z.writestr(name, raw)


def work_dump(data_dir, cells_path):
    """The model's formula cells (text and cached value) per sheet, for the floor to write."""
    from model.workbook.build import build_book
    from model.data.company import load
    book = build_book(load(data_dir))
    cells = {sh.name: [[c.row, c.col, "=" + c.content.xl(sh), c.result()]
                       for _, c in sorted(sh.cells.items()) if c.is_formula] for sh in book.sheets}
    Path(cells_path).write_text(json.dumps(cells), encoding="utf-8")


def work_dump_sheet(data_dir, tab, cells_path):
    """One tab's formula cells (text and cached value), for the floor to write alone."""
    from model.workbook.build import build_book
    from model.data.company import load
    book = build_book(load(data_dir))
    sh = next(s for s in book.sheets if s.tab == tab)
    cells = {sh.name: [[c.row, c.col, "=" + c.content.xl(sh), c.result()] for _, c in sorted(sh.cells.items())
                       if c.is_formula]}
    Path(cells_path).write_text(json.dumps(cells), encoding="utf-8")


def work_check(path):
    """`cli.py check FILE` as a user runs it, with the engine call timed from inside."""
    from model.engine import libreoffice as engine
    run, spent = engine.recalculate, []

    def timed(*args, **kw):
        t = time.perf_counter()
        try:
            return run(*args, **kw)
        finally:
            spent.append(time.perf_counter() - t)

    engine.recalculate = timed
    import cli
    try:
        cli.main(["check", path], standalone_mode=False)
    except SystemExit as e:
        if e.code:
            raise
    print(json.dumps({"engine": sum(spent)}), file=sys.stderr)


# ---------------------------------------------------------------- the parent

ENV = dict(os.environ)


def run(args) -> tuple[float, subprocess.CompletedProcess]:
    t = time.perf_counter()
    res = subprocess.run([sys.executable, *map(str, args)], capture_output=True, text=True, cwd=ROOT,
                         env=ENV, timeout=1200)
    wall = time.perf_counter() - t
    if res.returncode != 0:
        raise SystemExit(f"{' '.join(map(str, args))} failed:\n{res.stdout}\n{res.stderr}")
    return wall, res


def timed(args) -> dict:
    """Wall and CPU seconds (user + system) of one run of a command."""
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    wall = run(args)[0]
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return {"wall": wall, "cpu": after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime}


def worker(*args) -> dict:
    out = run([SELF, "--worker", *args])[1].stdout
    return json.loads(out) if out else {}


def best_of(n, *fns) -> list[dict]:
    """Run each of `fns` once to warm up, then all of them in turn n times (so a busy spell on the
    machine hits every side alike): per fn, the least of each time and the most memory."""
    for fn in fns:
        fn()
    runs = [[fn() for fn in fns] for _ in range(n)]
    return [{k: (max if k.startswith("maxrss") else min)(r[i][k] for r in runs) for k in runs[0][i]}
            for i in range(len(fns))]


def table(head, rows) -> str:
    lines = ["| " + " | ".join(head) + " |", "|" + "|".join(" --- " for _ in head) + "|"]
    lines += ["| " + " | ".join(str(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def build_vs_floor(cases, tmp, n):
    rows, e2e = [], []
    fresh = iter(range(10 ** 6))  # a new --out each run, in every case: nothing to carry over
    for i, (label, data) in enumerate(cases):
        cells = tmp / "cells.json"
        worker("dump", data, cells)
        m, f, fs = best_of(n, lambda: worker("build", data, tmp / "model.xlsx"),
                           lambda: json.loads(run([FLOOR, cells, tmp / "floor.xlsx"])[1].stdout),
                           lambda: json.loads(run([FLOOR, cells, tmp / "floor.xlsx", "--shortcut"])[1].stdout))
        assert m["formulas"] == f["formulas"] == fs["formulas"]
        rows.append([label, f"{m['formulas']:,}", f"{m['cells']:,}",
                     f"{m['seconds']:.3f} (CPU {m['cpu']:.2f}; load {m['load']:.3f}, build {m['build']:.3f}, "
                     f"write {m['write']:.3f})",
                     f"{f['seconds']:.3f} (CPU {f['cpu']:.2f})",
                     f"**{m['seconds'] / f['seconds']:.2f}x** (CPU {m['cpu'] / f['cpu']:.2f}x)",
                     f"{fs['seconds']:.3f} (CPU {fs['cpu']:.2f})",
                     f"{m['seconds'] / fs['seconds']:.2f}x (CPU {m['cpu'] / fs['cpu']:.2f}x)",
                     f"{m['maxrss_mb']:.0f} / {f['maxrss_mb']:.0f}"])
        build = [CLI, "build", "--data", data, "--out"]
        new, regen, bare = best_of(n, lambda: timed(build + [tmp / f"new{next(fresh)}.xlsx"]),
                                   lambda: timed(build + [tmp / f"regen{i}.xlsx"]),   # over this case's own
                                   lambda: timed([FLOOR, cells, tmp / "bare.xlsx"]))
        ratio = lambda k: f"{new[k] / bare[k]:.2f}x / {regen[k] / bare[k]:.2f}x"  # noqa: E731
        e2e.append([label, *(f"{t['wall']:.3f} (CPU {t['cpu']:.2f})" for t in (new, regen, bare)),
                    f"**{ratio('wall')}** (CPU {ratio('cpu')})"])
    print("\n### 1. Build vs floor (in process, imports excluded; seconds, best of %d)\n" % n)
    print(table(["model", "formula cells", "all cells", "model build", "floor", "ratio",
                 "floor with the writer shortcut", "ratio to it", "peak RSS MB model / floor"], rows))
    print("\n### 2. End to end, interpreter start included (wall seconds, best of %d; CPU seconds beside)\n" % n)
    print(table(["model", "`python cli.py build`, new file", "… over the previous workbook (carries edits over)",
                 "`python benchmarks/floor.py` (bare script)", "ratios"], e2e))


def check_split(cases, tmp, n):
    from model.engine.libreoffice import soffice_available
    if not soffice_available():
        print("\n### 3. Check: skipped (LibreOffice is not installed)")
        return
    rows = []
    for label, data in cases:
        path = tmp / f"{label}_check.xlsx"
        run([CLI, "build", "--data", data, "--out", path])

        def once():
            wall, res = run([SELF, "--worker", "check", path])
            engine = json.loads(res.stderr.strip().splitlines()[-1])["engine"]
            return {"wall": wall, "engine": engine, "rest": wall - engine}
        once()  # warm-up
        m = min((once() for _ in range(n)), key=lambda r: r["wall"])  # the fastest run, split
        rows.append([label, f"{m['wall']:.2f}", f"{m['engine']:.2f}", f"{m['rest']:.2f}",
                     f"**{m['rest'] / m['engine']:.0%}**"])
    print("\n### 3. `python cli.py check` (wall seconds, the fastest of %d runs)\n" % n)
    print(table(["model", "total", "LibreOffice (engine subprocess)", "the rest", "rest / LibreOffice"], rows))


def growth(tmp, n):
    from benchmarks.synthetic import write_company
    folders = [write_company(tmp / f"grow_{h}_{s}", horizon=h, scenarios=s, segments=LARGE["segments"])
               for h, s in GROWTH]
    results = best_of(n, *(lambda d=d: worker("build", d, tmp / "grow.xlsx") for d in folders))
    rows = [[h, s, f"{m['formulas']:,}", f"{m['seconds']:.3f}", f"{m['seconds'] / m['formulas'] * 1e6:.1f}",
             f"{m['maxrss_mb']:.0f}"] for (h, s), m in zip(GROWTH, results)]
    # a straight line through (formula cells, seconds): a fixed cost plus a cost per cell
    xs, ys = [m["formulas"] for m in results], [m["seconds"] for m in results]
    slope, fixed = statistics.linear_regression(xs, ys)
    print("\n### 4. Growth (%d segments; in-process build, best of %d)\n" % (LARGE["segments"], n))
    print(table(["forecast years", "scenarios", "formula cells", "seconds", "µs per formula cell", "peak RSS MB"], rows))
    print(f"\nLinear fit: {fixed * 1000:.0f} ms + {slope * 1e6:.1f} µs per formula cell "
          f"(R² = {statistics.correlation(xs, ys) ** 2:.4f})")


def with_trials(folder, trials):
    """A copy's risk.toml set to `trials`."""
    path = Path(folder) / "risk.toml"
    text = path.read_text(encoding="utf-8")
    path.write_text("\n".join(f"trials = {trials}" if line.startswith("trials =") else line
                              for line in text.splitlines()) + "\n", encoding="utf-8")
    return folder


def monte_carlo(tmp, n):
    """The default model with 1,000 and 10,000 trials, against the same data without the Monte Carlo: the
    trial block's cost per formula cell, beside the floor writing the Trials tab's cells alone (the bare
    floor at 10,000 trials is taken at the 1,000 trials' cost per cell: xlsxwriter's own formula rewrite of
    the long trial formulas takes about 18 CPU seconds per 1,000 trials)."""
    plain = shutil.copytree(ZHIPU, tmp / "zhipu_no_risk", ignore=shutil.ignore_patterns(*RISK_FILES))
    rows, without, bare_per_cell = [], None, None
    for trials in (1000, 10000):
        data = with_trials(shutil.copytree(ZHIPU, tmp / f"zhipu_{trials}"), trials)
        cells = tmp / f"trials_{trials}.json"
        worker("dump_sheet", data, "trials", cells)
        out = tmp / f"risk_{trials}.xlsx"
        reps = n if trials == 1000 else 1
        fns = [lambda: worker("build", data, out),
               lambda: json.loads(run([FLOOR, cells, tmp / "floor.xlsx", "--shortcut"])[1].stdout)]
        if without is None:   # the first: with the bare floor and the build without the Monte Carlo, side by side
            fns += [lambda: json.loads(run([FLOOR, cells, tmp / "floor.xlsx"])[1].stdout),
                    lambda: worker("build", plain, tmp / "plain.xlsx")]
            m, fs, f, without = best_of(reps, *fns)
        else:   # the bare floor's cost per cell is the first's (xlsxwriter's rewrite of 10,000 trials: minutes)
            m, fs = best_of(reps, *fns)
            f = {"formulas": fs["formulas"], "cpu": bare_per_cell * fs["formulas"]}
        bare_per_cell = f["cpu"] / f["formulas"]
        block, cpu = m["seconds"] - without["seconds"], m["cpu"] - without["cpu"]
        rows.append([f"{trials:,}", f"{m['formulas']:,} ({f['formulas']:,})",
                     f"{m['seconds']:.2f} (CPU {m['cpu']:.2f})", f"{block:.2f} (CPU {cpu:.2f})",
                     f"{out.stat().st_size / 1e6:.1f}", f"{m['maxrss_mb']:.0f}",
                     f"{cpu / f['formulas'] * 1e6:.1f}",
                     f"{f['cpu'] / f['formulas'] * 1e6:.1f}{'' if 'seconds' in f else ' (as at 1,000)'} / "
                     f"{fs['cpu'] / fs['formulas'] * 1e6:.1f}",
                     f"**{cpu / f['cpu']:.2f}x** / {cpu / fs['cpu']:.2f}x"])
    print("\n### 5. The Monte Carlo (default model; in-process load + build + write, best of %d, 10,000 trials "
          "once)\n" % n)
    print(f"Without the risk files: {without['formulas']:,} formula cells, {without['seconds']:.2f} s "
          f"(CPU {without['cpu']:.2f}).\n")
    print(table(["trials", "formula cells (of them the Trials tab's)", "seconds", "the trials' share (seconds)",
                 "file MB", "peak RSS MB", "CPU µs per trial cell", "floor CPU µs per cell (bare / shortcut)",
                 "CPU ratio to the floor (bare / shortcut)"], rows))
def user_sheet(tmp, n):
    """A rebuild over the default workbook with a 10,000-cell sheet of the user's, against one without."""
    plain, with_sheet = tmp / "plain.xlsx", tmp / "usersheet.xlsx"
    run([CLI, "build", "--data", ZHIPU, "--out", plain])
    add_user_sheet(plain, with_sheet)
    build = [CLI, "build", "--data", ZHIPU, "--out"]
    a, b = best_of(n, lambda: timed(build + [plain]), lambda: timed(build + [with_sheet]))
    p, s = best_of(n, lambda: worker("regen", ZHIPU, plain), lambda: worker("regen", ZHIPU, with_sheet))
    assert p["sheets"] == 0 and s["sheets"] == 1
    rows = [["without a sheet of the user's", f"{a['wall']:.2f}", f"{p['seconds']:.2f}", f"{p['maxrss_mb']:.0f}"],
            ["with a 10,000-cell sheet (5,000 formulas)", f"{b['wall']:.2f}", f"{s['seconds']:.2f}",
             f"{s['maxrss_mb']:.0f}"],
            ["the sheet's cost", f"**+{b['wall'] - a['wall']:.2f}**", f"+{s['seconds'] - p['seconds']:.2f}",
             f"+{s['maxrss_mb'] - p['maxrss_mb']:.0f}"]]
    print("\n### 6. A rebuild over the default workbook with a sheet of the user's (best of %d)\n" % n)
    print(table(["workbook", "`python cli.py build` over it, wall seconds", "in process (read, plan, build, carry, "
                 "write), seconds", "peak RSS MB"], rows))


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--repeat", type=int, default=5, help="runs per measurement (the best is shown)")
    ap.add_argument("--no-check", action="store_true", help="skip the LibreOffice check timing")
    ap.add_argument("--no-growth", action="store_true", help="skip the growth table")
    ap.add_argument("--only", choices=["usersheet", "risk"], help="run one measurement only")
    a = ap.parse_args()
    from benchmarks.synthetic import write_company
    import xlsxwriter   # the floor's cost depends on its version: 3.3 rewrites a formula 3-7 times faster than 3.2
    print(f"Python {sys.version.split()[0]}, xlsxwriter {xlsxwriter.__version__}, {os.cpu_count()} CPUs, {sys.platform}",
          flush=True)
    with tempfile.TemporaryDirectory(prefix="bench_") as d:
        tmp = Path(d)
        ENV.pop("PYTHONDONTWRITEBYTECODE", None)
        ENV["PYTHONPYCACHEPREFIX"] = str(tmp / "pycache")
        for peer in ZHIPU.parent.iterdir():   # the companies Zhipu names as peers, beside its copies
            if peer.is_dir() and peer != ZHIPU:
                shutil.copytree(peer, tmp / peer.name)
        if a.only == "usersheet":
            user_sheet(tmp, a.repeat)
            return
        large = write_company(tmp / "large", **LARGE)
        large_units = write_company(tmp / "large_units", **LARGE, units=True)
        growth_zhipu = shutil.copytree(ZHIPU, tmp / "zhipu_growth", ignore=shutil.ignore_patterns(*UNIT_FILES, *RISK_FILES))
        size = f"{LARGE['horizon']}y, {LARGE['scenarios']} scenarios, {LARGE['segments']} segments"
        cases = [("default (Zhipu, unit build)", ZHIPU), ("Zhipu, growth rates (no unit files)", growth_zhipu),
                 (f"large ({size})", large), (f"large, unit build ({size})", large_units)]
        if a.only is None:
            build_vs_floor(cases, tmp, a.repeat)
            if not a.no_check:
                check_split(cases, tmp, a.repeat)
            if not a.no_growth:
                growth(tmp, a.repeat)
        if a.only in (None, "risk"):
            monte_carlo(tmp, a.repeat)
        if a.only in (None, "usersheet"):
            user_sheet(tmp, a.repeat)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--worker"]:
        {"build": work_build, "dump": work_dump, "dump_sheet": work_dump_sheet, "check": work_check,
         "regen": work_regen}[sys.argv[2]](*sys.argv[3:])
    else:
        main()
