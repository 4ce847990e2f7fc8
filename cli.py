"""Command-line tool: build the formula-driven model workbook and check it in LibreOffice.

    python cli.py build                      # templates/zhipu -> output/zhipu_model.xlsx
    python cli.py build --data DIR --out FILE --scenario bull
    python cli.py check output/zhipu_model.xlsx
"""
from __future__ import annotations

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


if __name__ == "__main__":
    main()
