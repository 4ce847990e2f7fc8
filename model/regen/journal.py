"""Replace several files of a data folder as one: all of them or none, even when the process is killed.

`edits --apply` changes up to four data files. Each new file is first written beside its target (a
staged copy) and each old one to a kept copy; then a journal naming every target, its staged copy,
its kept copy and the old content's hash is moved into place (the commit), and only then are the
staged copies renamed over their targets, one after the other. A process killed before the commit
leaves every target as it was; killed after it, the next command that reads the folder (`build`,
`edits`, `model.load`) finds the journal and completes the renames — or, when a target not yet
replaced was changed by hand meanwhile, puts the replaced ones back from their kept copies, so the
hand edit is not overwritten. A failure while renaming (a disk error) puts them back at once.

Commands that write or read the folder take an exclusive lock on it (flock on the folder, released by
the system when a process dies), so two `edits --apply` run one after the other, and a build never
reads the folder between two renames.
"""
from __future__ import annotations

import hashlib
import json
import os
import shutil
import tempfile
import time
from contextlib import contextmanager
from pathlib import Path

from .backup import fitted

try:
    import fcntl
except ImportError:  # not POSIX: no lock (the journal still makes the set atomic)
    fcntl = None

JOURNAL = ".edits-apply.journal"
STAGED = ".apply-"        # staged copies: .<name>.apply-XXXXXXXX.tmp beside their target
WAIT = 60                 # seconds to wait for another command's lock before giving up


class Busy(OSError):
    """Another process holds the folder's lock for longer than WAIT."""


_held: dict[str, int] = {}   # folders this process has locked, and how many times (the lock is re-entrant)


@contextmanager
def locked(folder):
    """Hold the folder's exclusive lock (waiting up to WAIT seconds for another command's)."""
    key = os.path.realpath(folder)
    if fcntl is None or key in _held or not os.path.isdir(key):
        _held[key] = _held.get(key, 0) + 1
        try:
            yield
        finally:
            _held[key] -= 1
            if not _held[key]:
                del _held[key]
        return
    fd = os.open(key, os.O_RDONLY)
    try:
        deadline = time.monotonic() + WAIT
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise Busy(f"another command (edits --apply?) has been writing in {folder} for over {WAIT} s; "
                               "try again when it has finished") from None
                time.sleep(0.05)
        _held[key] = 1
        try:
            yield
        finally:
            del _held[key]
    finally:
        os.close(fd)   # releases the lock


def digest(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest() if Path(path).exists() else ""


def _sync_folder(folder: Path) -> None:
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _stage(path: Path, raw: bytes) -> Path:
    """`raw` written and flushed to disk in a staged copy beside `path`, with `path`'s permissions."""
    fd, tmp = tempfile.mkstemp(prefix=f".{fitted(path.name, len(STAGED) + 13)}{STAGED}", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(raw)
            f.flush()
            os.fsync(f.fileno())
        if path.exists():
            shutil.copymode(path, tmp)
    except BaseException:
        os.unlink(tmp)
        raise
    return Path(tmp)


def replace_all(folder, files: dict, kept: dict) -> None:
    """Replace every file of `files` ({path in folder: new bytes}) at once; `kept` ({path: kept copy})
    holds each one's old content. Raises OSError with every file as it was when it fails here; a kill
    leaves a journal that `recover` settles. Call it holding `locked(folder)`."""
    folder = Path(os.path.realpath(folder))
    entries, staged = [], []
    try:
        for path, raw in files.items():
            target = Path(os.path.realpath(path))   # a symbolic link stays a link: the file it points to is replaced
            tmp = _stage(target, raw)
            staged.append(tmp)
            entries.append({"file": str(target), "staged": str(tmp), "kept": str(Path(os.path.realpath(kept[path]))),
                            "old": digest(kept[path])})
        _write_journal(folder, entries)
    except BaseException:
        for tmp in staged:
            tmp.unlink(missing_ok=True)
        raise
    try:
        _complete(folder, entries)
    except OSError:
        _roll_back(folder, entries)   # a disk error midway: every file as it was
        raise


def _write_journal(folder: Path, entries: list) -> None:
    fd, tmp = tempfile.mkstemp(prefix=f"{JOURNAL}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump({"version": 1, "files": entries}, f)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, folder / JOURNAL)   # the commit: from here on the set is applied, or recovered
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    _sync_folder(folder)


def _complete(folder: Path, entries: list) -> None:
    for e in entries:
        staged = Path(e["staged"])
        if staged.exists():
            os.replace(staged, e["file"])
    _sync_folder(folder)
    (folder / JOURNAL).unlink(missing_ok=True)
    _sync_folder(folder)


def _roll_back(folder: Path, entries: list) -> None:
    """Put back every target already replaced (from its kept copy) and drop the staged copies."""
    for e in entries:
        staged, target, kept = Path(e["staged"]), Path(e["file"]), Path(e["kept"])
        if staged.exists():
            staged.unlink()
        elif digest(target) != e["old"] and kept.exists():
            tmp = _stage(target, kept.read_bytes())
            os.replace(tmp, target)
    _sync_folder(folder)
    (folder / JOURNAL).unlink(missing_ok=True)
    _sync_folder(folder)


def recover(folder) -> list[str]:
    """Settle an `edits --apply` that was killed in `folder`: complete it, or put it back when a file it
    had still to replace was changed since; remove staged copies a kill left before the commit. Returns
    a note saying what was done (none when there was nothing to do)."""
    folder = Path(folder)
    if not folder.is_dir():
        return []
    with locked(folder):
        notes = []
        path = folder / JOURNAL
        if path.exists():
            try:
                entries = json.loads(path.read_text(encoding="utf-8"))["files"]
                names = [(e["file"], e["staged"], e["kept"], e["old"]) for e in entries]
            except (ValueError, KeyError, TypeError) as e:
                raise OSError(f"{path} (an interrupted edits --apply) cannot be read ({e}); the kept copies "
                              "beside the data files hold their previous versions") from None
            files = ", ".join(Path(n).name for n, *_ in names)
            changed = [Path(n).name for n, staged, _, old in names if Path(staged).exists() and digest(n) != old]
            if changed:
                _roll_back(folder, entries)
                notes.append(f"an interrupted edits --apply was undone: {', '.join(changed)} changed since it started; "
                             f"{files} are as before it (run edits --apply again)")
            else:
                _complete(folder, entries)
                notes.append(f"an interrupted edits --apply was completed: {files} updated (the previous versions "
                             "are in the kept copies beside them)")
        for leftover in folder.glob(f".*{STAGED}*.tmp"):   # staged before a kill that came before the commit
            leftover.unlink(missing_ok=True)
        for leftover in folder.glob(f"{JOURNAL}.*.tmp"):
            leftover.unlink(missing_ok=True)
        return notes


def is_ours(name: str) -> bool:
    """A file of this module's (journal, staged copy): never data, never copied with the folder."""
    return name.startswith(JOURNAL) or (name.startswith(".") and STAGED in name and name.endswith(".tmp"))
