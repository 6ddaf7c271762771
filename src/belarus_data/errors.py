"""The one exception that data problems raise, and the problem records it carries."""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    """One thing wrong with the data, located as precisely as the check allows.

    ``row`` counts lines of the CSV file as a spreadsheet shows them: the header is row 1, the
    first data row is row 2. It is ``None`` for file-level problems (missing file, bad header).
    """

    file: str
    row: int | None
    column: str | None
    rule: str
    message: str

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f", row {self.row}"
        if self.column is not None:
            where += f", column '{self.column}'"
        return f"{where}: [{self.rule}] {self.message}"


class DataValidationError(ValueError):
    """Raised when data files break their schema or the cross-table rules.

    ``problems`` lists every :class:`Problem` found; the message has one line per problem.
    """

    def __init__(self, problems: list[Problem]):
        self.problems = sorted(set(problems), key=_sort_key)
        lines = [str(p) for p in self.problems]
        head = f"{len(lines)} data problem{'s' if len(lines) != 1 else ''} found:"
        super().__init__("\n".join([head, *lines]))


def _sort_key(p: Problem) -> tuple:
    return (p.file, p.row if p.row is not None else -1, p.column or "", p.rule, p.message)


def unreadable(label: str, path: object, error: OSError) -> Problem:
    """The file-level problem for an OS error met reading ``path`` (shown as ``label``)."""
    if isinstance(error, FileNotFoundError):
        message = f"file is missing (expected at {path})"
    elif isinstance(error, IsADirectoryError):
        message = f"is a folder, not a file ({path})"
    elif isinstance(error, PermissionError):
        message = f"cannot be read: permission denied ({path})"
    else:
        message = f"cannot be read: {error.strerror or error} ({path})"
    return Problem(label, None, None, "file", message)
