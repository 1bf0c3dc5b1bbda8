"""The China data shipped inside the package (see ``uprlens/data/README.md``)."""

from __future__ import annotations

import csv
from importlib import resources
from pathlib import Path
from typing import Any

__all__ = ["bundled_sources"]


def bundled_sources() -> list[tuple[Path, dict[str, Any]]]:
    """(path, reader options) for every bundled file, in MANIFEST order."""
    folder = resources.files("uprlens.data").joinpath("china")
    manifest = folder.joinpath("MANIFEST.csv").read_text("utf-8")
    out = []
    for row in csv.DictReader(manifest.splitlines()):
        opts: dict[str, Any] = {}
        if row["sur"]:
            opts["sur"] = row["sur"]
        out.append((Path(str(folder.joinpath(row["file"]))), opts))
    return out
