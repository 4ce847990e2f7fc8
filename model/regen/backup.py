"""Overwrite files without losing anything: lock-file detection, timestamped backups beside the
file (a bounded number kept), kept copies (of what the new file leaves out: never rotated away),
read-only files refused, and atomic replacement through temporary files, one file or several."""
from __future__ import annotations

import glob
import hashlib
import os
import re
import shutil
import tempfile
import time
from datetime import datetime
from pathlib import Path

KEEP = 5  # backups kept per file


def lock_files(path: Path) -> list[Path]:
    """Lock files that say `path` is open: LibreOffice's .~lock.NAME# and Excel's ~$NAME (Excel
    drops the first two characters of long names: ~$ipu_model.xlsx)."""
    path = Path(path)
    names = {f".~lock.{path.name}#", f"~${path.name}", f"~${path.name[2:]}"}
    return sorted(path.with_name(n) for n in names if path.with_name(n).exists())


NAME_MAX = 255   # bytes of one file name (ext4, APFS, NTFS in UTF-16 units)


def fitted(name: str, room: int) -> str:
    """`name` cut so that it and `room` more bytes fit one file name; a cut name ends in a short hash of
    the whole one, so that two long names stay apart."""
    if len(name.encode()) + room <= NAME_MAX:
        return name
    tag = "~" + hashlib.sha1(name.encode()).hexdigest()[:8]
    cut = name.encode()[:NAME_MAX - room - len(tag)].decode(errors="ignore")
    return cut + tag


def _stem(path: Path) -> str:
    """The stem of `path` as its backups and kept copies carry it: cut to leave room for the stamp."""
    return fitted(path.stem, len(".backup-20261231-235959-99") + len(path.suffix.encode()) + TMP_ROOM)


TMP_ROOM = len(".") + len(".XXXXXXXX.tmp")   # what a temporary copy adds to its target's name


def temp_prefix(path: Path) -> str:
    """The prefix of a temporary file beside `path`: .NAME. (cut, for a long name, to leave room)."""
    return f".{fitted(path.name, TMP_ROOM)}."


def _pattern(path: Path, kind: str = "backup"):
    return re.compile(rf"^{re.escape(_stem(path))}\.{kind}-(\d{{8}}-\d{{6}})(?:-(\d+))?{re.escape(path.suffix)}$")


def backups(path: Path, kind: str = "backup") -> list[Path]:
    """Existing backups of `path` (kind "kept": its kept copies), oldest first."""
    path, pat = Path(path), _pattern(Path(path), kind)
    found = []
    for p in path.parent.iterdir():
        m = pat.match(p.name)
        if m:
            found.append(((m.group(1), int(m.group(2) or 0)), p))
    return [p for _, p in sorted(found)]


def backup(path: Path, keep: int = KEEP, kept: bool = False) -> Path:
    """Copy `path` to NAME.backup-YYYYmmdd-HHMMSS.EXT beside it; keep the newest `keep` backups.
    `kept`: the copy holds something the new file will not (an added sheet, a dropped edit), so it
    goes to NAME.kept-YYYYmmdd-HHMMSS.EXT, which no rotation removes. The copy is written to a
    temporary file and moved into place: a build killed mid-copy leaves no truncated backup."""
    path = Path(path)
    kind = "kept" if kept else "backup"
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    pat = _pattern(path, kind)
    taken = [int(m.group(2) or 0) for p in backups(path, kind) if (m := pat.match(p.name)) and m.group(1) == stamp]
    n = max(taken) + 1 if taken else 0  # several backups within one second: -1, -2, ...
    dest = path.with_name(f"{_stem(path)}.{kind}-{stamp}{f'-{n}' if n else ''}{path.suffix}")
    replace_atomically(dest, lambda tmp: shutil.copy2(path, tmp))
    if not kept:
        for old in backups(path)[:-keep]:
            old.unlink()
    return dest


class ReadOnly(Exception):
    """The file is marked read-only: the user did not mean it to be replaced."""


def refuse_read_only(path: Path, what: str = "") -> None:
    """Raise ReadOnly when `path` exists with no write permission for anyone (root included)."""
    path = Path(path)
    if path.exists() and not path.stat().st_mode & 0o222:
        raise ReadOnly(f"{path} is read-only; make it writable {what}".rstrip())


STALE = 3600  # seconds after which a temporary file beside the target is a killed run's leftover


def replace_atomically(path: Path, write):
    """Call write(temporary path) for a file beside `path`, then move it into place: a failure
    mid-write (a crash, a full disk) leaves any existing file untouched. A symbolic link is kept:
    the file it points to is replaced. Temporary files a killed run left (older than STALE) go."""
    path = Path(os.path.realpath(path))
    path.parent.mkdir(parents=True, exist_ok=True)
    for old in path.parent.glob(f"{glob.escape(temp_prefix(path))}*.tmp"):
        try:
            if time.time() - old.stat().st_mtime > STALE:
                old.unlink()
        except OSError:
            pass
    fd, tmp = tempfile.mkstemp(prefix=temp_prefix(path), suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        write(tmp)
        if path.exists():
            shutil.copymode(path, tmp)
        else:
            os.chmod(tmp, 0o666 & ~_umask())  # as a plainly created file (mkstemp makes it private)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def write_all(files: dict) -> None:
    """Write several files ({path: bytes}) all or nothing: each to a temporary file beside it first
    (a full disk or a folder one cannot write fails here, with every file untouched), then all moved
    into place one after the other."""
    staged = []
    try:
        for path, raw in files.items():
            path = Path(os.path.realpath(path))
            fd, tmp = tempfile.mkstemp(prefix=temp_prefix(path), suffix=".tmp", dir=path.parent)
            staged.append((tmp, path))
            with os.fdopen(fd, "wb") as f:
                f.write(raw)
            if path.exists():
                shutil.copymode(path, tmp)
            else:
                os.chmod(tmp, 0o666 & ~_umask())
        for tmp, path in staged:
            os.replace(tmp, path)
    finally:
        for tmp, _ in staged:
            if os.path.exists(tmp):
                os.unlink(tmp)


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
