"""Recalculate xlsx workbooks with LibreOffice, from the project's Python.

The work is done by model/engine/uno_driver.py, run under the system Python that has
the `uno` module (Debian packages libreoffice-calc-nogui + python3-uno); this
module only finds that interpreter and exchanges one JSON request/response
with it.  Stdlib only.

A job is {"path": str, "edits": [{"target": "Sheet!B7" | "Name",
"value": number | str | None}], "unprotect": bool, "insert_rows": [[sheet, 0-based row, count]],
"move_ranges": [[sheet, "C5:H5", "C90"]], "add_sheets": [name] (structure
changes made before the edits), "save_as": str | None, "pdf": str | None,
"pdf_options": {"single_page_sheets": bool, "all_sheets": bool}} (all keys but
path optional).  Each result is {"cells": {sheet: {"A1": {"f": bool,
"v": float | str | None, "e": None | "#DIV/0!" | "Err:502" ...}}},
"names": {name: {"sheet", "cell", "v", "e"}}, "error": None | str,
"seconds": float}.  See the driver's docstring for details.
"""

import functools
import json
import os
import shutil
import signal
import subprocess
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

DRIVER = Path(__file__).with_name("uno_driver.py")
UNO_PYTHONS = ("/usr/bin/python3", "/usr/bin/python3.11", "/usr/bin/python")


class EngineError(RuntimeError):
    """The LibreOffice driver failed (or, for recalculate_file, the job did)."""


def soffice_path():
    """The soffice executable, or None (override with $MODEL_SOFFICE)."""
    for cand in (os.environ.get("MODEL_SOFFICE"), shutil.which("soffice"),
                 "/usr/bin/soffice", "/usr/lib/libreoffice/program/soffice"):
        if cand and os.access(cand, os.X_OK):
            return cand
    return None


@functools.lru_cache(maxsize=None)
def uno_python():
    """A Python interpreter that can `import uno`, or None (override: $MODEL_UNO_PYTHON)."""
    for cand in (os.environ.get("MODEL_UNO_PYTHON"),) + UNO_PYTHONS:
        if not cand or not os.access(cand, os.X_OK):
            continue
        try:
            ok = subprocess.run([cand, "-I", "-c", "import uno"], capture_output=True,
                                timeout=60).returncode == 0
        except (OSError, subprocess.TimeoutExpired):
            ok = False
        if ok:
            return cand
    return None


def soffice_available():
    """True when both LibreOffice and a uno-capable Python are installed."""
    return soffice_path() is not None and uno_python() is not None


def _job(job):
    # Absolute paths: the driver runs in its own temp dirs.
    job = dict(job)
    for key in ("path", "save_as", "pdf"):
        if job.get(key):
            job[key] = os.path.abspath(os.fspath(job[key]))
    return job


def recalculate(jobs, timeout=900, job_timeout=300, workers=1):
    """Load, edit, recalculate and read each job's workbook in one soffice run.

    Returns one result dict per job, in order; a job that fails has its
    message in result["error"] and does not stop the others.  Raises
    EngineError if LibreOffice is missing or the driver itself fails or
    exceeds `timeout` seconds.  workers > 1 splits the jobs over that many
    drivers (one soffice each) running side by side.
    """
    jobs = [_job(j) for j in jobs]
    if not jobs:
        return []
    workers = max(1, min(workers, len(jobs)))
    if workers > 1:
        size = -(-len(jobs) // workers)
        chunks = [jobs[i:i + size] for i in range(0, len(jobs), size)]
        with ThreadPoolExecutor(len(chunks)) as pool:
            parts = pool.map(lambda c: recalculate(c, timeout, job_timeout), chunks)
            return [r for part in parts for r in part]
    python, soffice = uno_python(), soffice_path()
    if python is None or soffice is None:
        raise EngineError("LibreOffice engine unavailable: need soffice "
                          "(libreoffice-calc-nogui) and python3-uno")
    request = json.dumps({"jobs": jobs, "job_timeout": job_timeout})
    env = dict(os.environ, MODEL_SOFFICE=soffice)
    # Own session, so that on timeout the driver and its soffice die together.
    proc = subprocess.Popen([python, "-I", str(DRIVER)], stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                            env=env, start_new_session=True, text=True)
    try:
        out, err = proc.communicate(request, timeout=timeout)
    except subprocess.TimeoutExpired:
        _kill_group(proc)
        out, err = proc.communicate()
        raise EngineError("LibreOffice did not finish within %ss%s" % (timeout, _said(err)))
    except BaseException:
        _kill_group(proc)
        raise
    if proc.returncode != 0:
        raise EngineError("LibreOffice could not recalculate (its driver stopped with exit code %s)%s"
                          % (proc.returncode, _said(err)))
    try:
        results = json.loads(out)["results"]
    except (ValueError, KeyError, TypeError) as exc:
        raise EngineError("LibreOffice's driver gave no valid response (%s)%s" % (exc, _said(err))) from None
    if len(results) != len(jobs):
        raise EngineError("driver returned %d results for %d jobs" % (len(results), len(jobs)))
    return results


def _said(err: str) -> str:
    """What the driver said on stderr, for a message: its own lines (uno_driver: ...), else the last line;
    a traceback only when MODEL_ENGINE_DEBUG is set (the driver prints one then)."""
    if os.environ.get("MODEL_ENGINE_DEBUG"):
        return ":\n" + err[-4000:] if err.strip() else ""
    lines = [ln.strip() for ln in err.splitlines() if ln.strip()]
    own = [ln[len("uno_driver: "):] for ln in lines if ln.startswith("uno_driver: ")]
    said = "; ".join(own[-3:]) or (lines[-1] if lines else "")
    return ": " + said[-1000:] if said else ""


def _kill_group(proc):
    # SIGTERM lets the driver stop soffice and remove its temp dirs; then force.
    for sig, wait in ((signal.SIGTERM, 15), (signal.SIGKILL, 10)):
        try:
            os.killpg(proc.pid, sig)
        except OSError:
            return
        try:
            proc.wait(timeout=wait)
            if sig == signal.SIGTERM:
                os.killpg(proc.pid, signal.SIGKILL)  # stray soffice children
            return
        except subprocess.TimeoutExpired:
            pass
        except OSError:
            return


def recalculate_file(path, edits=None, save_as=None, pdf=None, **job):
    """Recalculate one workbook; returns its result dict, raises EngineError if the job failed.
    Further job keys (unprotect, insert_rows, move_ranges, add_sheets) go to the driver as they are."""
    result = recalculate([dict(job, path=path, edits=edits or [], save_as=save_as, pdf=pdf)])[0]
    if result["error"]:
        raise EngineError("%s: %s" % (path, result["error"]))
    return result
