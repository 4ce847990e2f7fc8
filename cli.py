"""Command-line tool: build the formula-driven model workbook (keeping the user's edits), check it
in LibreOffice or Gnumeric, start a new company's data folder, list or apply a workbook's edits, compare two
workbooks.

    python cli.py build                      # templates/zhipu -> output/zhipu_model.xlsx
    python cli.py build --data DIR --out FILE --scenario bull [--reset] [--force]
    python cli.py build --lang zh            # the Chinese edition -> output/zhipu_model_zh.xlsx
    python cli.py check output/zhipu_model.xlsx [--engine gnumeric]
    python cli.py new acme --years 2022-2024 --segments cloud:Cloud,onprem:On-premise
    python cli.py edits output/zhipu_model.xlsx [--apply]
    python cli.py diff OLD.xlsx NEW.xlsx
"""
from __future__ import annotations

import datetime
import errno
import gc
import os
import sys
from pathlib import Path

import click

ROOT = Path(__file__).resolve().parent
DEFAULT_DATA = ROOT / "templates" / "zhipu"


def fail(message: str, code: int = 2):
    click.echo(f"error: {message}", err=True)
    sys.exit(code)


def default_out(data_dir: Path, lang: str = "en") -> Path:
    suffix = "" if lang == "en" else f"_{lang}"
    return ROOT / "output" / f"{data_dir.name}_model{suffix}.xlsx"


def shown(path) -> str:
    """A path as the user reads it: relative to the working directory when it lies below it, else absolute."""
    rel = os.path.relpath(path)
    return os.path.abspath(path) if rel.startswith("..") else rel


def reason(e: OSError) -> str:
    """An OSError in words: its system message; for shutil's copy error (a list of failures) the first."""
    if e.args and isinstance(e.args[0], list) and e.args[0] and len(e.args[0][0]) == 3:
        src, _, why = e.args[0][0]
        return f"{why} ({src})" if str(src) not in str(why) else str(why)
    return e.strerror or str(e)


def load_data(data_dir):
    """The company data of `data_dir`, after settling an `edits --apply` a kill interrupted there."""
    from model.data.company import load
    from model.data.files import DataError
    from model.regen.journal import recover
    try:
        for note in recover(data_dir):
            click.echo(f"note: {note}")
    except OSError as e:
        fail(f"cannot read the data folder {data_dir}: {reason(e)}", 1)
    try:
        return load(data_dir)
    except DataError as e:
        fail(str(e))


def read_book(file, data=None):
    from model.regen.userbook import WorkbookError, read_user_book
    try:
        return read_user_book(file, data)
    except WorkbookError as e:
        fail(str(e))


@click.group(help="Generate and check formula-driven financial model workbooks of AI companies.")
def main():
    # one command, then the process exits: the cyclic garbage collector would only walk the book's large
    # graph of live objects again (book.gc_paused pauses it for library callers)
    gc.disable()


@main.command(help="Build the model workbook from a company data folder and print a summary per scenario.")
@click.option("--data", "data_dir", type=click.Path(path_type=Path), default=DEFAULT_DATA, show_default="templates/zhipu",
              help="Company data folder (company.toml, actuals.csv, assumptions.csv, sources.csv, funding.csv; "
                   "optional reference.csv, claims.csv).")
@click.option("--out", type=click.Path(path_type=Path), default=None,
              help="Workbook to write [default: output/<folder>_model.xlsx; _model_zh.xlsx with --lang zh].")
@click.option("--scenario", default=None,
              help="Scenario selected when the file opens [default: the workbook's selection, else company.toml's].")
@click.option("--lang", type=click.Choice(["en", "zh"]), default="en", show_default=True,
              help="Edition: English or Chinese (tab names, labels, units, guide); the numbers are the same.")
@click.option("--protect/--no-protect", default=True, show_default=True,
              help="Protect every tab (no password) so that only input cells can be edited.")
@click.option("--reset", is_flag=True, help="Discard the edits in the existing workbook (it is still backed up).")
@click.option("--force", is_flag=True, help="Overwrite the workbook even if it is open in Excel or LibreOffice.")
def build(data_dir, out, scenario, lang, protect, reset, force):
    from model.regen.backup import ReadOnly
    from model.regen.regenerate import InUse, regenerate
    from model.regen.report import report
    from model.regen.userbook import WorkbookError
    from model.data.files import unknown
    data = load_data(data_dir)
    if scenario is not None and scenario not in data.scenarios:
        fail(unknown("scenario", scenario, data.scenarios))
    out = out or default_out(Path(data_dir), lang)
    from model.workbook.writer import out_problem
    try:
        if out_problem(out):
            fail(f"--out {out_problem(out)}")
        done = regenerate(data, out, scenario, lang=lang, protect=protect, reset=reset, force=force)
    except InUse as e:
        fail(str(e), 1)
    except ReadOnly as e:
        fail(str(e))
    except WorkbookError as e:
        fail(f"cannot carry edits over from the existing workbook: {e}; use --reset to replace it "
             "(a copy is kept)")
    except OSError as e:
        fail(f"cannot write {out}: {reason(e)}", 2 if e.errno == errno.ENAMETOOLONG else 1)
    click.echo(f"Wrote {shown(out)}")
    if done.plan:
        for line in report(done.plan, out.name, done.placed, done.carried):
            click.echo(line)
    for note in done.notes:
        click.echo(f"note: {note}")
    if done.backup and done.kept:
        click.echo(f"Kept copy of the previous workbook (no backup rotation removes it): {shown(done.backup)}")
    elif done.backup:
        click.echo(f"Backup of the previous workbook: {shown(done.backup)}")
    if done.plan and done.plan.extras:
        click.echo(f"warning: not carried over (they stay in the kept copy {done.backup.name}): "
                   f"{len(done.plan.extras)} item(s) you added", err=True)
        for item in done.plan.extras:
            click.echo(f"  {item}", err=True)
    click.echo(summary(done.book, data))


def summary(book, data) -> str:
    """Per scenario: breakeven year, cumulative adjusted loss until then, final-year revenue, the lowest
    cash balance and the funding still needed to reach breakeven. Where breakeven is not reached the loss
    and the funding need are totals over the horizon: lower bounds, marked ≥."""
    last = data.forecast_years[-1]
    lines = [f"{'Scenario':<12} {'Breakeven':>11} {'Cum. adj. loss':>15} {f'Revenue FY{last}E':>16} "
             f"{'Lowest cash':>12} {'Funding need':>13}   ({data.company['unit']})"]
    bounded = False
    for sc, cells in book.summary.items():
        be, loss, rev = (c.result() for c in cells[:3])
        low, need = book.cash_summary[sc][0].result(), book.cash_summary[sc][3].result()
        at_least = "≥ " if isinstance(be, str) else ""   # not reached: a total over the horizon
        bounded = bounded or bool(at_least)
        be = be if isinstance(be, str) else f"FY{int(be)}"
        lines.append(f"{sc:<12} {be:>11} {at_least + f'{loss:,.2f}':>15} {rev:>16,.2f} {low:>12,.2f} "
                     f"{at_least + f'{need:,.2f}':>13}")
    if bounded:
        lines.append(f"≥ a lower bound: where breakeven is not reached by FY{last}, the loss and the funding need are "
                     f"totals to FY{last} only")
    master = book.names["MasterCheck"].result()
    lines.append("Checks: OK" if master == 0 else f"Checks: {int(master)} failing — see the Checks tab")
    return "\n".join(lines)


@main.command(help="Recalculate FILE in LibreOffice (or Gnumeric) and report every cell whose recalculated value "
                   "differs from the cached one, every error value, and the master check. Exits 1 on any failure.")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--engine", type=click.Choice(["libreoffice", "gnumeric"]), default="libreoffice", show_default=True,
              help="The spreadsheet engine that recalculates.")
def check(file, engine):
    from model.engine.libreoffice import EngineError, soffice_available
    from model.workbook.readback import WorkbookError, vet
    from model.engine.verify import check_file
    try:
        vet(file)   # a file that is not a safe, well-formed .xlsx stops here, before the engine sees it
    except WorkbookError as e:
        fail(str(e))
    if engine == "gnumeric":
        from model.engine.gnumeric import gnumeric_available
        if not gnumeric_available():
            fail("Gnumeric is not installed (Debian: gnumeric, for ssconvert); cannot recalculate")
    elif not soffice_available():
        fail("LibreOffice is not installed (Debian: libreoffice-calc-nogui python3-uno); cannot recalculate")
    try:
        rep = check_file(file, engine=engine)
    except (EngineError, WorkbookError) as e:
        fail(str(e))
    for sheet, addr, old, new in rep.mismatches:
        click.echo(f"MISMATCH {sheet}!{addr}: cached {old!r}, recalculated {new!r}")
    for sheet, addr, err in rep.errors:
        click.echo(f"ERROR    {sheet}!{addr}: {err}")
    click.echo(f"{rep.formulas} formulas recalculated; {len(rep.mismatches)} mismatches; {len(rep.errors)} error values; "
               f"MasterCheck = {rep.master}")
    click.echo("OK" if rep.ok else "FAILED")
    sys.exit(0 if rep.ok else 1)


@main.command(help="Create a new company data folder NAME (under templates/ unless --dir is given) with every data "
                   "file, each column explained in comment rows and the values left blank to fill. Refuses to "
                   "overwrite an existing folder.")
@click.argument("name")
@click.option("--dir", "parent", type=click.Path(file_okay=False, path_type=Path), default=ROOT / "templates",
              show_default="templates", help="Folder to create NAME in.")
@click.option("--years", default=None, help="Full fiscal years with actuals, e.g. 2022-2024 [default: the three "
                                            "years before this one].")
@click.option("--interims", default="", help="Interim periods with actuals, e.g. 1H2024,1H2025 or 9M2024,9M2025.")
@click.option("--segments", default="main:Main", show_default=True,
              help="Revenue segments as key:Label, comma-separated, e.g. cloud:Cloud,onprem:On-premise.")
@click.option("--scenarios", default="base,bull,bear", show_default=True, help="Scenario names, comma-separated.")
@click.option("--forecast-end", type=int, default=None, help="Last forecast year [default: five years after the "
                                                             "last actual year].")
@click.option("--fiscal-year-end", default="12-31", show_default=True, help="Month-day the fiscal year ends.")
@click.option("--units", default="", help="Add the unit build's files (units.toml, operating.csv, units.csv) with "
                                          "this segment's revenue as tokens x price.")
def new(name, parent, years, interims, segments, scenarios, forecast_end, fiscal_year_end, units):
    from model.data import scaffold
    last = datetime.date.today().year - 1
    try:
        year_list = scaffold.parse_years(years) if years else [last - 2, last - 1, last]
        files = scaffold.new_company(parent, name, year_list, scaffold.parse_interims(interims),
                                     scaffold.parse_segments(segments), scaffold.parse_scenarios(scenarios),
                                     forecast_end or year_list[-1] + 5, fiscal_year_end, units)
    except (ValueError, FileExistsError) as e:
        fail(str(e))
    except OSError as e:
        fail(f"cannot create {parent / name}: {reason(e)}", 1)
    folder = shown(files[0].parent)
    click.echo(f"Created {folder}: " + ", ".join(f.name for f in files))
    click.echo(f"Fill in the blanks (each file explains its columns; the guide is templates/README.md), then run:\n"
               f"  python cli.py build --data {folder}")


@main.command(help="List every input in FILE whose value differs from the data files: defined name, label, period, "
                   "scenario, data value and workbook value. --apply writes them into the data files (backing "
                   "them up first), so they become the new defaults.")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--data", "data_dir", type=click.Path(path_type=Path), default=None,
              help="Company data folder [default: the one FILE was built from, under templates/].")
@click.option("--apply", "apply_", is_flag=True, help="Write the differences into the data files.")
def edits(file, data_dir, apply_):
    from model.regen.journal import locked
    from model.workbook.record import project_folder
    book = read_book(file)
    if data_dir is None:
        data_dir = project_folder(book.data_path) or (project_folder(f"templates/{book.folder}")
                                                      if not book.data_path and _plain(book.folder) else None)
        if data_dir is None:
            named = book.data_path or book.folder
            fail(f"{file.name}: " + (f"its build record names the data folder {named!r}, which is not a folder inside "
                                     "this project" if named else "it has no build record naming its data folder")
                 + "; give the folder with --data")
    if not apply_:
        return list_edits(file, data_dir, book)
    try:
        with locked(data_dir):   # another edits --apply on the folder runs first; this one then reads its result
            apply_edits(file, data_dir, book)
    except OSError as e:   # the lock: another command holds it too long
        fail(f"nothing changed: {reason(e)}", 1)


def list_edits(file, data_dir, book):
    """The differences between the workbook's inputs and the data files, listed; returns them and the data."""
    from model.regen import edits as ed
    data = load_data(data_dir)
    book = read_book(file, data) if not book.has_record else book
    diffs, changed = ed.differences(book, data)
    for note in book.notes + changed:
        click.echo(f"note: {note}")
    if not diffs:
        click.echo(f"No differences: every input in {file.name} matches {data_dir.name}'s data files.")
        return [], data
    for line in ed.table(diffs):
        click.echo(line)
    click.echo(f"{len(diffs)} input(s) differ from {data_dir.name}'s data files.")
    return diffs, data


def apply_edits(file, data_dir, book):
    """List the differences, then write them into the data files (all files or none)."""
    from model.regen import edits as ed
    from model.regen.backup import ReadOnly
    from model.data.files import DataError
    diffs, data = list_edits(file, data_dir, book)
    if not diffs:
        return
    conflicts = [d for d in diffs if d.conflict]
    if conflicts:
        fail("nothing applied: the data files changed these inputs since the workbook was built, and the workbook "
             "has other values; settle each in the data file (or rebuild the workbook) first:\n" + "\n".join(
                 f"  {ed.locate(data_dir, d)}: {d.cell.name} {d.cell.period_label} {d.cell.slot.scenario}"
                 .rstrip() + f": workbook {ed.value_text(d.cell, d.cell.value)}, data file now "
                 f"{ed.value_text(d.cell, d.data)}" for d in conflicts))
    try:
        done = ed.apply(data_dir, diffs, data)
    except DataError as e:
        fail(f"the data files would not load with these values, nothing changed: {e}")
    except ReadOnly as e:
        fail(f"nothing changed: {e}")
    except OSError as e:
        fail(f"cannot write the data files in {data_dir}, nothing changed: {reason(e)}", 1)
    for path, saved in done:
        click.echo(f"Updated {shown(path)} (the previous file is kept as {saved.name})")
    skipped = sum(1 for d in diffs if d.reason)
    if skipped:
        click.echo(f"{skipped} input(s) not applied (see 'not applicable' above)")


def _plain(name: str) -> bool:
    """A bare folder name (an older build record names its folder under templates/ so)."""
    return bool(name) and name not in (".", "..") and "/" not in name and "\\" not in name


@main.command(help="Compare two model workbooks: inputs that changed, and the headline outputs and income "
                   "statement lines that moved, per scenario (from the values cached in the files).")
@click.argument("old", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("new", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def diff(old, new):
    from model.regen.diff import compare
    from model.regen.userbook import WorkbookError
    try:
        lines = compare(old, new)
    except WorkbookError as e:
        fail(str(e))
    for line in lines:
        click.echo(line)


def run():
    """The command line (`python cli.py`, the console script `aimodel`): one command, then the process ends
    at once. A normal exit frees the book's million objects one by one, 0.35 s of a 3.6 s build; by then every
    file the command wrote is closed (each is written in a `with` block) and nothing waits at exit, so only the
    output needs flushing. An unexpected exception still ends as Python's traceback; under a profiler or a
    coverage tracer the exit is the normal one."""
    try:
        main()
        code = 0
    except SystemExit as e:
        code = e.code
    if code is None:
        code = 0
    elif not isinstance(code, int):   # as sys.exit("text"): the text on stderr, status 1
        print(code, file=sys.stderr)
        code = 1
    if sys.gettrace() is not None or sys.getprofile() is not None:
        sys.exit(code)   # a tracer or profiler (coverage, cProfile) writes its results at the normal exit
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


if __name__ == "__main__":
    run()
