"""Every error uprlens raises on purpose.

    UprlensError                      base: catch this to catch them all
    ├── IngestError                   a source could not be read (carries path, row, page)
    │   ├── SourceNotFound            the path does not exist
    │   ├── UnsupportedSource         the content is of no kind uprlens reads
    │   ├── UnreadableDocument        corrupt, truncated, encrypted, no text layer, unsafe
    │   ├── WrongColumns              a table lacks required columns
    │   ├── BadRecord                 one row or paragraph is malformed
    │   └── UnknownState              a state name the registry cannot resolve
    ├── StoreError                    the store cannot do what was asked
    │   └── RecordNotFound            no record with that id
    ├── LexiconError                  a lexicon data file is malformed
    └── ClassifyError                 text the classifier cannot label (empty, not English...)

Messages say what failed, the offending value, where, and what to do; context is also
kept as attributes so the CLI and the web app can present it.
"""

from __future__ import annotations

from pathlib import Path

__all__ = [
    "BadRecord",
    "ClassifyError",
    "IngestError",
    "LexiconError",
    "RecordNotFound",
    "SourceNotFound",
    "StoreError",
    "UnknownState",
    "UnreadableDocument",
    "UnsupportedSource",
    "UprlensError",
    "WrongColumns",
]


class UprlensError(Exception):
    """Base class of every deliberate uprlens error."""


class IngestError(UprlensError):
    """A source could not be read into records."""

    def __init__(
        self,
        message: str,
        *,
        path: str | Path | None = None,
        row: int | None = None,
        page: int | None = None,
    ) -> None:
        self.message = message
        self.path = str(path) if path is not None else None
        self.row = row
        self.page = page
        super().__init__(self._render())

    def _render(self) -> str:
        where = []
        if self.path:
            where.append(self.path)
        if self.row is not None:
            where.append(f"row {self.row}")
        if self.page is not None:
            where.append(f"page {self.page}")
        prefix = ", ".join(where)
        return f"{prefix}: {self.message}" if prefix else self.message


class SourceNotFound(IngestError):
    """The path does not exist or is not a file."""


class UnsupportedSource(IngestError):
    """The file's content is of no kind uprlens can read."""


class UnreadableDocument(IngestError):
    """The document is corrupt, truncated, encrypted, unsafe or has no text."""


class WrongColumns(IngestError):
    """A table lacks columns that the importer needs."""


class BadRecord(IngestError):
    """One row or paragraph of an otherwise readable source is malformed."""


class UnknownState(IngestError):
    """A state name that the registry cannot resolve."""

    def __init__(self, name: str, **kwargs: object) -> None:
        self.name = name
        super().__init__(
            f"unknown state name {name!r}; add it as an alias in "
            "uprlens/lexicons/states.csv if it is a spelling of a UN member or observer",
            **kwargs,  # type: ignore[arg-type]
        )


class StoreError(UprlensError):
    """The store cannot do what was asked."""


class RecordNotFound(StoreError):
    """No record with that id."""


class LexiconError(UprlensError):
    """A lexicon data file is malformed."""


class ClassifyError(UprlensError):
    """A text the classifier cannot label."""
