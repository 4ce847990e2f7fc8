"""Command-line tool: build the formula-driven model workbook, check it in LibreOffice, and start
a new company's data folder.

    python cli.py build                      # templates/zhipu -> output/zhipu_model.xlsx
    python cli.py build --data DIR --out FILE --scenario bull
    python cli.py check output/zhipu_model.xlsx
    python cli.py new acme --years 2022-2024 --segments cloud:Cloud,onprem:On-premise
"""
from __future__ import annotations

import datetime
import os
import sys
import tempfile
from pathlib import Path

import click

ROOT = Path(__file__).resolve().parent
DEFAULT_DATA = ROOT / "templates" / "zhipu"


def fail(message: str, code: int = 2):
    click.echo(f"error: {message}", err=True)
    sys.exit(code)


def default_out(data_dir: Path) -> Path:
    return ROOT / "output" / f"{data_dir.name}_model.xlsx"


def write_atomically(book, out: Path):
    """Write to a temporary file beside `out`, then move it into place: a failure mid-write leaves
    any existing file untouched."""
    from model.writer import write_book
    out.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent)
    os.close(fd)
    try:
        write_book(book, tmp)
        os.replace(tmp, out)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


@click.group(help="Generate and check formula-driven financial model workbooks of AI companies.")
def main():
    pass


@main.command(help="Build the model workbook from a company data folder and print a summary per scenario.")
@click.option("--data", "data_dir", type=click.Path(path_type=Path), default=DEFAULT_DATA, show_default="templates/zhipu",
              help="Company data folder (company.toml, actuals.csv, assumptions.csv, sources.csv, reference.csv).")
@click.option("--out", type=click.Path(path_type=Path), default=None,
              help="Workbook to write [default: output/<folder>_model.xlsx].")
@click.option("--scenario", default=None, help="Scenario selected when the file opens [default: from company.toml].")
def build(data_dir, out, scenario):
    from model.data import DataError, load
    from model.build import build_book
    try:
        data = load(data_dir)
    except DataError as e:
        fail(str(e))
    if scenario is not None and scenario not in data.scenarios:
        fail(f"unknown scenario {scenario!r}; {data_dir.name} has: {', '.join(data.scenarios)}")
    out = out or default_out(Path(data_dir))
    book = build_book(data, scenario)
    try:
        write_atomically(book, out)
    except OSError as e:
        fail(f"cannot write {out}: {e.strerror or e}", 1)
    click.echo(f"Wrote {os.path.relpath(out)}")
    click.echo(summary(book, data))


def summary(book, data) -> str:
    """Per scenario: breakeven year, cumulative adjusted loss until then, final-year revenue."""
    last = data.forecast_years[-1]
    lines = [f"{'Scenario':<12} {'Breakeven':>11} {'Cum. adj. loss':>15} {f'Revenue FY{last}E':>16}   "
             f"({data.company['unit']})"]
    for sc, cells in book.summary.items():
        be, loss, rev = (c.result() for c in cells[:3])
        be = be if isinstance(be, str) else f"FY{int(be)}"
        lines.append(f"{sc:<12} {be:>11} {loss:>15,.2f} {rev:>16,.2f}")
    master = book.names["MasterCheck"].result()
    lines.append("Checks: OK" if master == 0 else f"Checks: {int(master)} failing — see the Checks tab")
    return "\n".join(lines)


@main.command(help="Recalculate FILE in LibreOffice and report every cell whose recalculated value differs from "
                   "the cached one, every error value, and the master check. Exits 1 on any failure.")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def check(file):
    from model.engine import EngineError, soffice_available
    from model.verify import check_file
    if not soffice_available():
        fail("LibreOffice is not installed (Debian: libreoffice-calc-nogui python3-uno); cannot recalculate")
    try:
        rep = check_file(file)
    except EngineError as e:
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
def new(name, parent, years, interims, segments, scenarios, forecast_end, fiscal_year_end):
    from model import scaffold
    last = datetime.date.today().year - 1
    try:
        year_list = scaffold.parse_years(years) if years else [last - 2, last - 1, last]
        files = scaffold.new_company(parent, name, year_list, scaffold.parse_interims(interims),
                                     scaffold.parse_segments(segments), scaffold.parse_scenarios(scenarios),
                                     forecast_end or year_list[-1] + 5, fiscal_year_end)
    except (ValueError, FileExistsError) as e:
        fail(str(e))
    except OSError as e:
        fail(f"cannot create {parent / name}: {e.strerror or e}", 1)
    folder = os.path.relpath(files[0].parent)
    click.echo(f"Created {folder}: " + ", ".join(f.name for f in files))
    click.echo(f"Fill in the blanks (each file explains its columns; the guide is templates/README.md), then run:\n"
               f"  python cli.py build --data {folder}")


if __name__ == "__main__":
    main()
