"""Regenerating over a user's workbook, one pass in steps that name their modules: read it once into
plain data (`userbook`, with `usercontent` for what the user added to our tabs), plan the edits against
the new data (`plan`), build (model.workbook), carry what the user made into the new book (`carry`),
report in the console and on the Review tab (`report`); `regenerate` runs them, `backup` keeps the old
file safe (lock files, backups and kept copies, the atomic replace). Several data files are replaced as
one with a journal a kill leaves to settle (`journal`); the `edits` and `diff` commands (`edits`,
`diff`) read workbooks the same way.

The top layer below the CLI: may import every other package."""
