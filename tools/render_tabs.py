#!/usr/bin/env python
"""Render every tab of a workbook to PNG, recalculated by LibreOffice.

    python tools/render_tabs.py WORKBOOK.xlsx OUTDIR [--paged]

Writes OUTDIR/<stem>.pdf, then OUTDIR/<stem>-NN-<sheet>.png per tab (one page
per sheet, hidden tabs and areas outside print ranges included; the very hidden
build record `_meta` left out: it is not for reading), and prints the PNG paths.  With --paged the sheets' own print layout is used instead and
the PNGs are named by page number (<stem>-N.png).  Needs soffice and
pdftoppm (poppler-utils); uses model/engine/uno_driver.py when python3-uno is there,
else plain `soffice --convert-to pdf` with a private profile.
"""

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from model.engine import libreoffice as engine
from model.workbook.record import META_SHEET

# Always recalculate xlsx on load (LibreOffice shows cached values by default).
RECALC_XCU = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" \
oor:op="fuse"><value>0</value></prop></item>
</oor:items>
"""


def to_pdf(workbook, pdf, paged):
    """Export workbook to pdf; returns the sheet names in tab order, or None if unknown."""
    if engine.uno_python():
        opts = {} if paged else {"single_page_sheets": True, "all_sheets": True, "skip_sheets": [META_SHEET]}
        result = engine.recalculate([{"path": workbook, "pdf": pdf, "pdf_options": opts}])[0]
        if result["error"]:
            raise engine.EngineError("%s: %s" % (workbook, result["error"]))
        return [name for name in result["cells"] if name != META_SHEET]
    soffice = engine.soffice_path()
    if soffice is None:
        raise engine.EngineError("LibreOffice (soffice) is not installed")
    fmt = "pdf" if paged else ('pdf:calc_pdf_Export:{"SinglePageSheets":'
                               '{"type":"boolean","value":"true"}}')
    with tempfile.TemporaryDirectory() as tmp:
        profile = Path(tmp, "profile")
        (profile / "user").mkdir(parents=True)
        (profile / "user" / "registrymodifications.xcu").write_text(RECALC_XCU)
        src = Path(tmp, "in", Path(workbook).name)  # a copy: no lock file beside the original
        src.parent.mkdir()
        shutil.copyfile(workbook, src)
        subprocess.run([soffice, "--headless", "--norestore", "--nologo",
                        "-env:UserInstallation=" + profile.as_uri(),
                        "--convert-to", fmt, "--outdir", tmp, str(src)],
                       check=True, capture_output=True, timeout=600)
        shutil.move(str(Path(tmp, src.stem + ".pdf")), pdf)
    return None


def slug(name):
    return re.sub(r"[^\w.-]+", "_", name).strip("_") or "sheet"  # \w keeps CJK tab names


def render(workbook, outdir, paged=False):
    """Returns the list of PNG paths written."""
    workbook, outdir = Path(workbook).resolve(), Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    pdf = outdir / (workbook.stem + ".pdf")
    sheets = to_pdf(workbook, pdf, paged)
    ours = re.compile(re.escape(workbook.stem) + r"-(\d+)(-[^/]*)?\.png$")
    for old in outdir.iterdir():
        if ours.match(old.name):
            old.unlink()  # pages of an earlier run
    subprocess.run(["pdftoppm", "-r", "80", "-png", str(pdf), str(outdir / workbook.stem)],
                   check=True, timeout=600)
    # pdftoppm names pages <stem>-<n>.png, n zero-padded to the page count's width.
    pages = sorted((p for p in outdir.iterdir() if ours.match(p.name)),
                   key=lambda p: int(ours.match(p.name).group(1)))
    if paged or sheets is None or len(sheets) != len(pages):
        return pages
    named = []
    for i, (page, sheet) in enumerate(zip(pages, sheets), 1):
        target = outdir / ("%s-%02d-%s.png" % (workbook.stem, i, slug(sheet)))
        page.rename(target)
        named.append(target)
    return named


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("workbook")
    ap.add_argument("outdir")
    ap.add_argument("--paged", action="store_true",
                    help="use the sheets' print layout instead of one page per sheet")
    args = ap.parse_args(argv)
    for png in render(args.workbook, args.outdir, args.paged):
        print(png)


if __name__ == "__main__":
    main()
