"""Stable record ids: ``<ISO3>-c<cycle>-<paragraph>`` (``CHN-c3-28.12``).

Paragraph numbers stay strings: ``186.3`` and ``186.30`` are different paragraphs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_ID = re.compile(r"^(?P<sur>[A-Z]{3})-c(?P<cycle>[1-9])-(?P<paragraph>[0-9A-Za-z.()]+)$")


@dataclass(frozen=True)
class RecId:
    sur: str
    cycle: int
    paragraph: str

    def __str__(self) -> str:
        return format_id(self.sur, self.cycle, self.paragraph)


def format_id(sur: str, cycle: int, paragraph: str) -> str:
    return f"{sur.upper()}-c{int(cycle)}-{paragraph}"


def review_id(sur: str, cycle: int) -> str:
    return f"{sur.upper()}-c{int(cycle)}"


def parse_id(text: str) -> RecId:
    m = _ID.match(text.strip())
    if not m:
        raise ValueError(
            f"not a recommendation id: {text!r} (expected e.g. CHN-c3-28.12)"
        )
    return RecId(m["sur"], int(m["cycle"]), m["paragraph"])
