#!/usr/bin/env python
"""Render every tab of a workbook to PNG, recalculated by LibreOffice.

    python tools/render_tabs.py WORKBOOK.xlsx OUTDIR [--paged]

Writes OUTDIR/<stem>.pdf, then OUTDIR/<stem>-NN-<sheet>.png per tab (one page
per sheet, hidden tabs and areas outside print ranges included; the very hidden
build record `_meta` left out: it is not for reading), and prints the PNG paths.

With --paged the tabs' own print layout is used instead: OUTDIR/<stem>.pdf holds
every page, <stem>-pack.pdf the print pack (the first pages of the tabs
model/workbook/pack.py names: the Cover, Income Statement, Scenarios, Cash &
Funding, Valuation and the Claims Audit's thesis scorecard) and
<stem>-appendix.pdf every other page, rendered as <stem>-pack-N.png and
<stem>-appendix-N.png.  Needs soffice and poppler-utils (pdftoppm; pdftotext,
pdfseparate and pdfunite for --paged); uses model/engine/uno_driver.py when
python3-uno is there, else plain `soffice --convert-to pdf` with a private
profile.
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
from model.labels import LANGS, table
from model.workbook.pack import pack_pages
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


def tab_ids():
    """Tab name (either edition) -> tab id (model/labels tabs.<id>)."""
    return {text: key[len("tabs."):] for lang in LANGS for key, text in table(lang).items() if key.startswith("tabs.")}


def page_tabs(pdf):
    """The tab each page of a paged PDF prints, read from its page header (the tab's name at the right, in
    the top margin); a page whose header cannot be read belongs to the tab before it."""
    html = subprocess.run(["pdftotext", "-bbox", str(pdf), "-"], capture_output=True, text=True, check=True,
                          timeout=600).stdout
    names, out, last = tab_ids(), [], None
    for width, body in re.findall(r'<page width="([\d.]+)" height="[\d.]+">(.*?)</page>', html, re.S):
        words = [(float(x), w) for x, y, w in re.findall(
            r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="[\d.]+" yMax="[\d.]+">([^<]*)</word>', body)
            if float(y) < 30 and float(x) > float(width) / 2]   # the header's right part: in the top margin
        header = " ".join(w for _, w in sorted(words)).replace("&amp;", "&")
        last = names.get(header, last)
        out.append(last)
    return out


def split_pack(pdf, outdir, stem):
    """Write <stem>-pack.pdf (each pack tab's first pages, model/workbook/pack.py) and <stem>-appendix.pdf
    (every other page); returns {"pack": [(tab id, page)], "appendix": [...]}, pages of the full PDF."""
    seen, parts = {}, {"pack": [], "appendix": []}
    for n, tab in enumerate(page_tabs(pdf), 1):
        seen[tab] = seen.get(tab, 0) + 1
        parts["pack" if seen[tab] <= pack_pages(tab or "") else "appendix"].append((tab, n))
    with tempfile.TemporaryDirectory() as tmp:
        subprocess.run(["pdfseparate", str(pdf), str(Path(tmp, "p-%d.pdf"))], check=True, timeout=600)
        for part, pages in parts.items():
            target = outdir / f"{stem}-{part}.pdf"
            files = [str(Path(tmp, f"p-{n}.pdf")) for _, n in pages]
            if len(files) == 1:
                shutil.copyfile(files[0], target)
            elif files:
                subprocess.run(["pdfunite", *files, str(target)], check=True, timeout=600)
    return parts


def pngs(pdf, prefix, pattern):
    """Render `pdf` to <prefix>-<n>.png; the PNGs in page order."""
    subprocess.run(["pdftoppm", "-r", "80", "-png", str(pdf), str(prefix)], check=True, timeout=600)
    # pdftoppm names pages <prefix>-<n>.png, n zero-padded to the page count's width.
    return sorted((p for p in prefix.parent.iterdir() if p.name.startswith(prefix.name + "-") and pattern.match(p.name)),
                  key=lambda p: int(pattern.match(p.name).group(3)))


def render(workbook, outdir, paged=False):
    """Returns the list of PNG paths written."""
    workbook, outdir = Path(workbook).resolve(), Path(outdir)
    outdir.mkdir(parents=True, exist_ok=True)
    pdf = outdir / (workbook.stem + ".pdf")
    sheets = to_pdf(workbook, pdf, paged)
    ours = re.compile(re.escape(workbook.stem) + r"-((pack|appendix)-)?(\d+)(-[^/]*)?\.png$")
    for old in outdir.iterdir():
        if ours.match(old.name) or old.name in (f"{workbook.stem}-pack.pdf", f"{workbook.stem}-appendix.pdf"):
            old.unlink()  # pages of an earlier run
    if paged:
        split_pack(pdf, outdir, workbook.stem)
        return [png for part in ("pack", "appendix") if (outdir / f"{workbook.stem}-{part}.pdf").exists()
                for png in pngs(outdir / f"{workbook.stem}-{part}.pdf", outdir / f"{workbook.stem}-{part}", ours)]
    pages = pngs(pdf, outdir / workbook.stem, ours)
    if sheets is None or len(sheets) != len(pages):
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
