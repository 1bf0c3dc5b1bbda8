"""The store: one SQLite file holding every imported record, label and override."""

from uprlens.store.db import ImportReport, SourceChange, Store, default_db_path

__all__ = ["ImportReport", "SourceChange", "Store", "default_db_path"]
