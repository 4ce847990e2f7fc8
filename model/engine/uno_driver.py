#!/usr/bin/python3
"""Recalculate workbooks in a private headless LibreOffice and report every cell.

Run with the interpreter that has the `uno` module (Debian: /usr/bin/python3,
package python3-uno); imports only the stdlib and uno.  The project-side
wrapper is model/engine/libreoffice.py.

stdin, one JSON request:
    {"jobs": [{"path": "in.xlsx",
               "edits": [{"target": "Sheet Name!B7" | "DefinedName",
                          "value": 1.5 | "text" | null}],     # null clears
               "unprotect": true,                             # optional: lift sheet protection first
               "insert_rows": [["Sheet", 5, 2]],              # optional, before
               "move_ranges": [["Sheet", "C5:H5", "C90"]],    # the edits, in this
               "add_sheets": ["Notes"],                       # order (0-based row)
               "save_as": "out.xlsx" | null,                  # recalculated xlsx
               "pdf": "out.pdf" | null,
               "pdf_options": {"single_page_sheets": false,   # optional
                               "all_sheets": false,           # hidden tabs too
                               "skip_sheets": []}}],          # tabs never printed
     "job_timeout": 300,        # optional, seconds per job
     "startup_timeout": 60}     # optional, seconds to reach soffice
stdout, one JSON response (results in job order):
    {"results": [{"cells": {"Sheet": {"A1": {"f": true, "v": 1.5, "e": null}}},
                  "names": {"Name": {"sheet": "Sheet", "cell": "B7",
                                     "v": 1.5, "e": null}},
                  "error": null | "message", "seconds": 0.12}]}
"f" = the cell holds a formula; "v" = number (float) or text (str), None for
an error; "e" = None or an error string such as "#DIV/0!" or "Err:502".
Empty cells are left out; every sheet appears in "cells" in tab order.
Exit status is 0 whenever a response was written (job failures are reported
per job); anything else means the driver itself failed (see stderr).
"""

import glob
import hashlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid

import uno
from com.sun.star.beans import PropertyValue

SOFFICE = os.environ.get("MODEL_SOFFICE") or shutil.which("soffice") or "/usr/bin/soffice"

# com.sun.star.sheet.CellFlags / FormulaResult constants.
VALUE, DATETIME, STRING, FORMULA = 1, 2, 4, 16
CONTENT = VALUE | DATETIME | STRING | FORMULA
RESULT_ERROR = 4

# LibreOffice FormulaError codes (formula/errorcodes.hxx) with an Excel spelling.
ERROR_NAMES = {
    503: "#NUM!", 523: "#NUM!",     # illegal FP operation, no convergence
    519: "#VALUE!", 534: "#VALUE!",  # no value, not a numeric string
    521: "#NULL!",                  # empty intersection
    524: "#REF!",
    525: "#NAME?",
    532: "#DIV/0!",
    32767: "#N/A",
}

RECALC_XCU = """<?xml version="1.0" encoding="UTF-8"?>
<oor:items xmlns:oor="http://openoffice.org/2001/registry" \
xmlns:xs="http://www.w3.org/2001/XMLSchema" \
xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="OOXMLRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Calc/Formula/Load"><prop oor:name="ODFRecalcMode" oor:op="fuse"><value>0</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Misc"><prop oor:name="FirstRun" oor:op="fuse"><value>false</value></prop></item>
<item oor:path="/org.openoffice.Office.Common/Misc"><prop oor:name="ShowTipOfTheDay" oor:op="fuse"><value>false</value></prop></item>
<item oor:path="/org.openoffice.Office.Recovery/AutoSave"><prop oor:name="Enabled" oor:op="fuse"><value>false</value></prop></item>
<item oor:path="/org.openoffice.Office.Recovery/RecoveryInfo"><prop oor:name="Enabled" oor:op="fuse"><value>false</value></prop></item>
</oor:items>
"""


def log(msg):
    print("uno_driver: " + msg, file=sys.stderr, flush=True)


def props(**kw):
    out = []
    for k, v in kw.items():
        p = PropertyValue()
        p.Name, p.Value = k, v
        out.append(p)
    return tuple(out)


def col_letters(c):
    s = ""
    c += 1
    while c:
        c, r = divmod(c - 1, 26)
        s = chr(65 + r) + s
    return s


def a1(col, row):
    return "%s%d" % (col_letters(col), row + 1)


def error_text(code):
    return ERROR_NAMES.get(code, "Err:%d" % code)


def file_url(path):
    return uno.systemPathToFileUrl(os.path.abspath(path))


def descendants(pid):
    """pid and all its descendant pids, from /proc (soffice -> oosplash -> soffice.bin)."""
    children = {}
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                with open("/proc/%s/stat" % d) as f:
                    ppid = int(f.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            children.setdefault(ppid, []).append(int(d))
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo.extend(children.get(p, []))
    return out


class Office:
    """One private headless soffice process plus a UNO connection to it."""

    def __init__(self, startup_timeout=60.0):
        self.startup_timeout = startup_timeout
        self.proc = None
        self.desktop = None
        self.pipe = None
        self.profile = tempfile.mkdtemp(prefix="lo_profile_")
        self.profile_url = uno.systemPathToFileUrl(self.profile)
        self.workdir = tempfile.mkdtemp(prefix="lo_jobs_")
        self.errlog = os.path.join(self.workdir, "soffice.log")
        user = os.path.join(self.profile, "user")
        os.makedirs(user)
        with open(os.path.join(user, "registrymodifications.xcu"), "w") as f:
            f.write(RECALC_XCU)

    def start(self):
        self.pipe = pipe = "lo_model_%d_%s" % (os.getpid(), uuid.uuid4().hex[:10])
        cmd = [SOFFICE, "--headless", "--invisible", "--nologo", "--norestore",
               "--nodefault", "--nolockcheck", "--nofirststartwizard",
               "-env:UserInstallation=" + self.profile_url,
               "--accept=pipe,name=%s;urp;" % pipe]
        # soffice's own temp files go in our work dir too, so a kill leaves nothing.
        tmp = os.path.join(self.workdir, "tmp")
        os.makedirs(tmp, exist_ok=True)
        env = dict(os.environ, TMPDIR=tmp)
        with open(self.errlog, "ab") as err:
            self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL,
                                         stdout=err, stderr=err, env=env)
        local = uno.getComponentContext()
        resolver = local.ServiceManager.createInstanceWithContext(
            "com.sun.star.bridge.UnoUrlResolver", local)
        url = "uno:pipe,name=%s;urp;StarOffice.ComponentContext" % pipe
        deadline = time.monotonic() + self.startup_timeout
        # resolve() itself could block on a wedged soffice: kill it then.
        watchdog = threading.Timer(self.startup_timeout + 10, self.kill)
        watchdog.daemon = True
        watchdog.start()
        try:
            while True:
                try:
                    ctx = resolver.resolve(url)
                    break
                except Exception as exc:  # NoConnectException until soffice listens
                    if self.proc.poll() is not None:
                        raise RuntimeError("soffice exited with %s before accepting: %s"
                                           % (self.proc.returncode, self.log_tail()))
                    if time.monotonic() > deadline:
                        self.kill()
                        raise RuntimeError("soffice did not accept a connection within "
                                           "%ss (%s) %s" % (self.startup_timeout, exc,
                                                            self.log_tail()))
                    time.sleep(0.1)
            self.desktop = ctx.ServiceManager.createInstanceWithContext(
                "com.sun.star.frame.Desktop", ctx)
        finally:
            watchdog.cancel()

    def log_tail(self):
        try:
            with open(self.errlog, "rb") as f:
                return f.read()[-2000:].decode("utf-8", "replace")
        except OSError:
            return ""

    def alive(self):
        if self.proc is None or self.proc.poll() is not None:
            return False
        try:
            self.desktop.getComponents()
            return True
        except Exception:
            return False

    def kill(self):
        """SIGKILL soffice and everything it spawned (idempotent)."""
        if self.proc is None:
            return
        for pid in reversed(descendants(self.proc.pid)):
            try:
                os.kill(pid, signal.SIGKILL)
            except OSError:
                pass
        try:
            self.proc.wait(timeout=10)
        except Exception:
            pass
        self.desktop = None
        # A killed soffice leaves its pipes' socket files behind: ours and its
        # single-instance pipe, named by an MD5 of the UserInstallation URL.
        md5 = hashlib.md5(self.profile_url.encode("utf-16-le")).digest()
        ipc = "SingleOfficeIPC_" + "".join("%x" % b for b in md5)
        for d in ("/tmp", "/var/tmp"):
            for f in (glob.glob(os.path.join(d, "OSL_PIPE_*_" + self.pipe))
                      + glob.glob(os.path.join(d, "OSL_PIPE_*_" + ipc))):
                try:
                    os.unlink(f)
                except OSError:
                    pass

    def stop(self):
        """Ask soffice to quit, then make sure it and its temp dirs are gone."""
        if self.proc is not None and self.proc.poll() is None and self.desktop is not None:
            # terminate() blocks on the pipe; don't let a sick soffice hang us.
            t = threading.Thread(target=self._terminate, daemon=True)
            t.start()
            t.join(10)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                pass
        self.kill()
        self.proc = None
        shutil.rmtree(self.profile, ignore_errors=True)
        shutil.rmtree(self.workdir, ignore_errors=True)

    def _terminate(self):
        try:
            self.desktop.terminate()
        except Exception:
            pass  # the bridge dies with soffice: expected


# ---------------------------------------------------------------- job parts

def find_name(doc, name):
    ranges = doc.NamedRanges
    if ranges.hasByName(name):
        return ranges.getByName(name)
    for n in ranges.getElementNames():  # Excel names are case-insensitive
        if n.lower() == name.lower():
            return ranges.getByName(n)
    return None


def target_cell(doc, target):
    if "!" in target:
        sheet_name, ref = target.rsplit("!", 1)
        if len(sheet_name) > 1 and sheet_name[0] == sheet_name[-1] == "'":
            sheet_name = sheet_name[1:-1].replace("''", "'")
        if not doc.Sheets.hasByName(sheet_name):
            raise ValueError("edit target %r: no sheet %r" % (target, sheet_name))
        rng = doc.Sheets.getByName(sheet_name).getCellRangeByName(ref.replace("$", ""))
    else:
        named = find_name(doc, target)
        if named is None:
            raise ValueError("edit target %r: no such defined name" % target)
        rng = named.getReferredCells()
        if rng is None:
            raise ValueError("edit target %r: name does not refer to cells (%s)"
                             % (target, named.getContent()))
    addr = rng.getRangeAddress()
    if addr.StartColumn != addr.EndColumn or addr.StartRow != addr.EndRow:
        raise ValueError("edit target %r is not a single cell" % target)
    return rng.getCellByPosition(0, 0)


def apply_edit(doc, edit):
    cell = target_cell(doc, edit["target"])
    value = edit.get("value")
    if value is None:
        cell.clearContents(CONTENT)
    elif isinstance(value, bool):
        cell.setValue(1.0 if value else 0.0)
    elif isinstance(value, (int, float)):
        cell.setValue(float(value))
    elif isinstance(value, str):
        cell.setString(value)  # literal text, never parsed as a formula
    else:
        raise ValueError("edit %r: value must be number, string or null" % (edit,))


def read_sheet(sheet):
    """{A1: {"f", "v", "e"}} for the non-empty cells of one sheet."""
    cursor = sheet.createCursor()
    cursor.gotoStartOfUsedArea(False)
    cursor.gotoEndOfUsedArea(True)
    ua = cursor.getRangeAddress()
    c0, r0 = ua.StartColumn, ua.StartRow
    used = sheet.getCellRangeByPosition(c0, r0, ua.EndColumn, ua.EndRow)

    def addresses(ranges):
        for a in ranges.getRangeAddresses():
            for r in range(a.StartRow, a.EndRow + 1):
                for c in range(a.StartColumn, a.EndColumn + 1):
                    yield c, r

    filled = list(addresses(used.queryContentCells(CONTENT)))
    if not filled:
        return {}
    data = used.getDataArray()  # one round trip: floats and strings
    formulas = set(addresses(used.queryContentCells(FORMULA)))
    out = {}
    for c, r in filled:
        out[a1(c, r)] = {"f": (c, r) in formulas, "v": data[r - r0][c - c0], "e": None}
    for c, r in addresses(used.queryFormulaCells(RESULT_ERROR)):  # only these per cell
        code = sheet.getCellByPosition(c, r).getError()
        if code:
            out[a1(c, r)].update(v=None, e=error_text(code))
    return out


# A single-cell name's content, e.g. $Inputs.$C$9 or $'My ''Tab'.$B$7.
SINGLE_CELL = re.compile(r"^\$?(?:'((?:[^']|'')*)'|([^'.:]+))\.\$?([A-Z]+)\$?([0-9]+)$")


def read_names(doc, sheet_names, cells):
    out = {}
    ranges = doc.NamedRanges
    for name in ranges.getElementNames():
        named = ranges.getByName(name)
        content = named.getContent()  # parsing it saves 2 round trips a name
        m = SINGLE_CELL.match(content)
        if m:
            sheet = m.group(1).replace("''", "'") if m.group(1) is not None else m.group(2)
            ref = m.group(3) + m.group(4)
        else:
            if ":" in content or "!" in content:
                continue  # a range, or another workbook
            try:  # something unusual: ask LibreOffice what it refers to
                rng = named.getReferredCells()
            except Exception:
                rng = None
            if rng is None:
                continue  # a constant or formula name, not a reference
            a = rng.getRangeAddress()
            if a.StartColumn != a.EndColumn or a.StartRow != a.EndRow:
                continue
            sheet, ref = sheet_names[a.Sheet], a1(a.StartColumn, a.StartRow)
        if sheet not in cells:
            continue
        cell = cells[sheet].get(ref, {"v": None, "e": None})
        out[name] = {"sheet": sheet, "cell": ref, "v": cell["v"], "e": cell["e"]}
    return out


def export(doc, path, filter_name, filter_data=None):
    os.makedirs(os.path.dirname(os.path.abspath(path)) or ".", exist_ok=True)
    kw = {"FilterName": filter_name, "Overwrite": True}
    if filter_data:
        kw["FilterData"] = uno.Any("[]com.sun.star.beans.PropertyValue",
                                   props(**filter_data))
    doc.storeToURL(file_url(path), props(**kw))


def run_job(office, job, index):
    src = job["path"]
    if not os.path.isfile(src):
        raise FileNotFoundError("no such file: %s" % src)
    folder = os.path.join(office.workdir, "job%d" % index)
    os.makedirs(folder)
    copy = os.path.join(folder, os.path.basename(src))
    shutil.copyfile(src, copy)
    doc = None
    try:
        doc = office.desktop.loadComponentFromURL(
            file_url(copy), "_blank", 0,
            props(Hidden=True, ReadOnly=False, MacroExecutionMode=0, UpdateDocMode=0))
        if doc is None:
            raise RuntimeError("LibreOffice could not load %s" % src)
        if not doc.supportsService("com.sun.star.sheet.SpreadsheetDocument"):
            raise RuntimeError("%s did not load as a spreadsheet" % src)
        if job.get("unprotect"):  # as Review > Unprotect Sheet (no password) before changing the structure
            for sheet_name in doc.Sheets.getElementNames():
                doc.Sheets.getByName(sheet_name).unprotect("")
        for sheet_name, row, count in job.get("insert_rows") or ():
            doc.Sheets.getByName(sheet_name).getRows().insertByIndex(row, count)
        for sheet_name, source, target in job.get("move_ranges") or ():
            sheet = doc.Sheets.getByName(sheet_name)  # as cut and paste: names and references follow
            sheet.moveRange(sheet.getCellRangeByName(target).getCellAddress(),
                            sheet.getCellRangeByName(source).getRangeAddress())
        for sheet_name in job.get("add_sheets") or ():
            doc.Sheets.insertNewByName(sheet_name, doc.Sheets.getCount())
        for edit in job.get("edits") or ():
            apply_edit(doc, edit)
        doc.calculateAll()
        sheets = doc.Sheets
        sheet_names = list(sheets.getElementNames())
        cells = {name: read_sheet(sheets.getByName(name)) for name in sheet_names}
        names = read_names(doc, sheet_names, cells)
        if job.get("save_as"):
            export(doc, job["save_as"], "Calc MS Excel 2007 XML")
        if job.get("pdf"):
            opts = job.get("pdf_options") or {}
            for name in opts.get("skip_sheets") or ():   # a hidden sheet is printed all the same: remove it
                if sheets.hasByName(name):                # (the copy is read already, and never saved)
                    sheets.removeByName(name)
            if opts.get("all_sheets"):
                for name in sheets.getElementNames():  # print hidden tabs and whole sheets
                    sh = sheets.getByName(name)
                    sh.IsVisible = True
                    sh.setPrintAreas(())
            fd = {"SinglePageSheets": True} if opts.get("single_page_sheets") else None
            export(doc, job["pdf"], "calc_pdf_Export", fd)
        return {"cells": cells, "names": names, "error": None}
    finally:
        if doc is not None:
            try:
                doc.close(True)
            except Exception:
                try:
                    doc.dispose()
                except Exception:
                    pass
        shutil.rmtree(folder, ignore_errors=True)


def main():
    request = json.load(sys.stdin)
    jobs = request.get("jobs") or []
    job_timeout = float(request.get("job_timeout") or 300)
    office = Office(float(request.get("startup_timeout") or 60))

    def on_signal(signum, frame):
        office.kill()
        shutil.rmtree(office.profile, ignore_errors=True)
        shutil.rmtree(office.workdir, ignore_errors=True)
        os._exit(128 + signum)

    for s in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(s, on_signal)

    results = []
    try:
        for i, job in enumerate(jobs):
            t0 = time.monotonic()
            if not office.alive():
                if office.proc is not None:
                    log("soffice died; restarting it")
                    office.kill()
                office.start()  # a failure here is a driver failure
            # A job may not hang forever: kill soffice when its time is up.
            fired = threading.Event()

            def expire():
                fired.set()
                office.kill()

            watchdog = threading.Timer(job_timeout, expire)
            watchdog.daemon = True
            watchdog.start()
            try:
                res = run_job(office, job, i)
            except Exception as exc:
                res = {"cells": {}, "names": {}, "error": "%s: %s" % (type(exc).__name__, exc)}
            watchdog.cancel()
            if fired.is_set():
                watchdog.join()  # let the kill finish before a restart
                res = {"cells": {}, "names": {}, "error": "timed out after %ss (%s)"
                       % (job_timeout, res["error"] or "finished while being killed")}
            res["seconds"] = round(time.monotonic() - t0, 4)
            results.append(res)
    finally:
        office.stop()
    sys.stdout.write(json.dumps({"results": results}))
    sys.stdout.write("\n")
    sys.stdout.flush()
    os._exit(0)  # skip pyuno's interpreter teardown, which can crash or hang


if __name__ == "__main__":
    try:
        main()
    except Exception as exc:
        if os.environ.get("MODEL_ENGINE_DEBUG"):   # the traceback is for a developer, not in the user's message
            import traceback
            traceback.print_exc()
        log("fatal: %s" % exc)
        sys.stderr.flush()
        os._exit(2)
