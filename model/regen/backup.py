"""Overwrite files without losing anything: lock-file detection, timestamped backups beside the
file (a bounded number kept), and atomic replacement through a temporary file."""
from __future__ import annotations

import os
import re
import shutil
import tempfile
from datetime import datetime
from pathlib import Path

KEEP = 5  # backups kept per file


def lock_files(path: Path) -> list[Path]:
    """Lock files that say `path` is open: LibreOffice's .~lock.NAME# and Excel's ~$NAME (Excel
    drops the first two characters of long names: ~$ipu_model.xlsx)."""
    path = Path(path)
    names = {f".~lock.{path.name}#", f"~${path.name}", f"~${path.name[2:]}"}
    return sorted(path.with_name(n) for n in names if path.with_name(n).exists())


def _pattern(path: Path):
    return re.compile(rf"^{re.escape(path.stem)}\.backup-(\d{{8}}-\d{{6}})(?:-(\d+))?{re.escape(path.suffix)}$")


def backups(path: Path) -> list[Path]:
    """Existing backups of `path`, oldest first."""
    path, pat = Path(path), _pattern(Path(path))
    found = []
    for p in path.parent.iterdir():
        m = pat.match(p.name)
        if m:
            found.append(((m.group(1), int(m.group(2) or 0)), p))
    return [p for _, p in sorted(found)]


def backup(path: Path, keep: int = KEEP) -> Path:
    """Copy `path` to NAME.backup-YYYYmmdd-HHMMSS.EXT beside it; keep the newest `keep` backups."""
    path = Path(path)
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    pat = _pattern(path)
    taken = [int(m.group(2) or 0) for p in backups(path) if (m := pat.match(p.name)) and m.group(1) == stamp]
    n = max(taken) + 1 if taken else 0  # several backups within one second: -1, -2, ...
    dest = path.with_name(f"{path.stem}.backup-{stamp}{f'-{n}' if n else ''}{path.suffix}")
    shutil.copy2(path, dest)
    for old in backups(path)[:-keep]:
        old.unlink()
    return dest


def replace_atomically(path: Path, write):
    """Call write(temporary path) for a file beside `path`, then move it into place: a failure
    mid-write (a crash, a full disk) leaves any existing file untouched."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        write(tmp)
        if path.exists():
            shutil.copymode(path, tmp)
        else:
            umask = os.umask(0)
            os.umask(umask)
            os.chmod(tmp, 0o666 & ~umask)  # as a plainly created file (mkstemp makes it private)
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
