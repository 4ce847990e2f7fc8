"""Regenerating over a user's workbook: reading its inputs and added content (`userbook`),
carrying the edits over into a rebuild (`carryover`), lock files, backups and the atomic replace
(`backup`), several data files replaced as one with a journal a kill leaves to settle (`journal`),
and the `edits` and `diff` commands (`edits`, `diff`).

The top layer below the CLI: may import every other package."""
