"""Open a user's workbook safely: anything that reads an .xlsx back goes through `open_workbook`.

An .xlsx is a zip archive of XML files, so a hostile or broken file can be a zip bomb (a few kB that
expand to gigabytes), an XML bomb (nested entities), or simply not a workbook. The archive's declared
sizes are checked before openpyxl touches it (Python's zipfile never inflates an entry past its
declared size), and openpyxl parses XML with defusedxml, which refuses entity declarations.
"""
from __future__ import annotations

import zipfile
from pathlib import Path

MAX_FILE_BYTES = 50_000_000           # the workbook on disk
MAX_EXPANDED_BYTES = 300_000_000      # all its parts inflated
MAX_PART_BYTES = 100_000_000          # any one part inflated
MAX_RATIO = 200                       # inflated/compressed, for parts over RATIO_FLOOR bytes
RATIO_FLOOR = 1_000_000
MAX_PARTS = 10_000


class WorkbookError(Exception):
    """The file cannot be read safely as an .xlsx workbook; the message says why."""


def check_archive(path: Path):
    """Refuse what is not an .xlsx archive, or would inflate beyond the limits."""
    if not path.is_file():
        raise WorkbookError(f"{path}: file not found" if not path.exists() else f"{path}: not a file")
    size = path.stat().st_size
    if size > MAX_FILE_BYTES:
        raise WorkbookError(f"{path}: {size:,} bytes is larger than the {MAX_FILE_BYTES // 1_000_000} MB a model "
                            "workbook can be")
    with open(path, "rb") as f:
        head = f.read(4)
    if head == b"\xd0\xcf\x11\xe0":
        raise WorkbookError(f"{path}: an old-format (.xls) or password-protected workbook; save it as an "
                            "unprotected .xlsx")
    if not zipfile.is_zipfile(path):
        raise WorkbookError(f"{path}: not an .xlsx workbook, or a damaged one (it is not a readable zip archive)")
    try:
        with zipfile.ZipFile(path) as z:
            parts = z.infolist()
    except (zipfile.BadZipFile, OSError, ValueError) as e:
        raise WorkbookError(f"{path}: a corrupt .xlsx archive ({e})") from None
    if len(parts) > MAX_PARTS:
        raise WorkbookError(f"{path}: {len(parts):,} parts in the archive; a workbook has far fewer")
    total = 0
    for part in parts:
        total += part.file_size
        if part.file_size > MAX_PART_BYTES or total > MAX_EXPANDED_BYTES:
            raise WorkbookError(f"{path}: the archive expands to more than {MAX_EXPANDED_BYTES // 1_000_000} MB "
                                f"(part {part.filename}); refused as a possible zip bomb")
        if part.file_size > RATIO_FLOOR and part.file_size > MAX_RATIO * max(part.compress_size, 1):
            raise WorkbookError(f"{path}: part {part.filename} expands {part.file_size // max(part.compress_size, 1):,} "
                                "times; refused as a possible zip bomb")
    if "[Content_Types].xml" not in {p.filename for p in parts}:
        raise WorkbookError(f"{path}: not an .xlsx workbook (a zip archive without [Content_Types].xml)")


def open_workbook(path, data_only=False):
    """The workbook at `path` as an openpyxl Workbook, every sheet parsed (so any problem surfaces
    here). `data_only=True` gives cached values instead of formulas.

    Raises WorkbookError for a missing, non-xlsx, corrupt, oversized or hostile file."""
    import openpyxl
    from openpyxl import DEFUSEDXML
    if not DEFUSEDXML:
        raise WorkbookError("cannot read workbooks safely: install defusedxml (pip install defusedxml)")
    path = Path(path)
    check_archive(path)
    from defusedxml import DefusedXmlException
    try:
        return openpyxl.load_workbook(path, data_only=data_only)
    except Exception as e:  # openpyxl raises many kinds (KeyError, ParseError, ValueError...) for bad files
        cause = e
        while cause.__cause__ or cause.__context__:
            cause = cause.__cause__ or cause.__context__
        if isinstance(cause, DefusedXmlException):
            raise WorkbookError(f"{path}: refused: its XML declares entities, as XML bombs do ({cause})") from None
        raise WorkbookError(f"{path}: cannot read the workbook: it is damaged or not an .xlsx "
                            f"({type(cause).__name__}: {cause})") from None
