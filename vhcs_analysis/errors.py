"""Errors a user can act on: each names the file and, where it applies, sheet/row/column."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Location:
    """Where a problem is, as a spreadsheet user sees it (row is 1-based, as in Excel)."""

    file: str | None = None
    sheet: str | None = None
    row: int | None = None
    column: str | None = None

    def describe(self) -> str:
        """Vietnamese one-line description, e.g. 'tệp a.xlsx, trang Sheet1, dòng 7, cột D'."""
        parts = []
        if self.file:
            parts.append(f"tệp {self.file}")
        if self.sheet:
            parts.append(f"trang {self.sheet}")
        if self.row is not None:
            parts.append(f"dòng {self.row}")
        if self.column:
            parts.append(f"cột {self.column}")
        return ", ".join(parts)


class VhcsError(Exception):
    """An expected failure with a Vietnamese message for the user (never a traceback)."""

    def __init__(self, message: str, location: Location | None = None):
        self.message = message
        self.location = location or Location()
        super().__init__(str(self))

    def __str__(self) -> str:
        where = self.location.describe()
        return f"{where}: {self.message}" if where else self.message


class UnreadableFileError(VhcsError):
    """A raw file that cannot be read at all (corrupt, garbage, too large, unsafe)."""


class ConfigError(VhcsError):
    """A bad configuration file or option."""


class OutputLockedError(VhcsError):
    """An output that cannot be written: the file is open in another program (Windows
    refuses to replace a file that Excel, Word or a PDF viewer holds), read-only, or in a
    folder without write permission. The previous file is left as it was."""
