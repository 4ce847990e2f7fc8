"""The minor failures issue 27 found, each as it was seen: a message where there was a traceback or a
wrong word, and what could not be done done."""
import os
import re

import pytest

from conftest import ROOT, ZHIPU, run


def clean(res, code):
    assert res.returncode == code, (res.stdout, res.stderr)
    assert "Traceback" not in res.stderr + res.stdout and "Exception ignored" not in res.stderr
    return res


def test_an_out_name_of_245_characters_is_built_and_rebuilt_with_its_backup(tmp_path):
    """The temporary file beside it (and the backup's) used to be longer than a name may be."""
    out = tmp_path / ("m" * 240 + ".xlsx")
    assert len(out.name) == 245
    clean(run("build", "--data", ZHIPU, "--out", out), 0)
    res = clean(run("build", "--data", ZHIPU, "--out", out), 0)
    backups = [p for p in tmp_path.iterdir() if ".backup-" in p.name]
    assert len(backups) == 1 and all(len(p.name.encode()) <= 255 for p in tmp_path.iterdir())
    assert backups[0].name in res.stdout
    other = tmp_path / ("m" * 239 + "n.xlsx")   # the same first 230 characters: its backups stay apart
    clean(run("build", "--data", ZHIPU, "--out", other), 0)
    clean(run("build", "--data", ZHIPU, "--out", other), 0)
    assert len([p for p in tmp_path.iterdir() if ".backup-" in p.name]) == 2
    assert sorted(p.name for p in tmp_path.iterdir() if not p.name.startswith(".")) == sorted(
        [out.name, other.name] + [p.name for p in tmp_path.iterdir() if ".backup-" in p.name])
