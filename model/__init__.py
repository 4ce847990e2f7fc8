"""Formula-driven Excel models of AI model companies.

For notebooks: `model.load(folder)` gives a `Model` whose `income_statement(scenario)`,
`ratios(scenario)` and `scenarios()` are pandas DataFrames of the figures the workbook caches, and
`write(path)` writes the workbook (see model/api.py). Bad data raise `model.DataError` (its `file`,
`row`, `column` and `message`), a workbook that cannot be read `model.WorkbookError`. The CLI
imports the layers directly, so neither the API nor pandas is loaded by it.
"""
from .data.files import DataError
from .workbook.readback import WorkbookError

__all__ = ["DataError", "Model", "WorkbookError", "load"]


def __getattr__(name):  # the API is imported on first use only (it needs pandas)
    if name in ("load", "Model", "compare"):
        from . import api
        return getattr(api, name)
    raise AttributeError(f"module 'model' has no attribute {name!r}")
