"""The registry of states: ISO3, UN name, every spelling, regional group, organisations.

The data is ``states.csv`` beside this module (built by ``scripts/build_states.py`` from
pycountry, a curated alias table and the UPR Info export); add a spelling to its
``aliases`` column to teach uprlens a new one.
"""

from __future__ import annotations

import csv
import html
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from pathlib import Path

from uprlens.errors import LexiconError, UnknownState

__all__ = ["State", "StateRegistry", "normalise_name", "registry"]

# Names that stand for "no state": UPR Info writes "(Unknown)" for unattributed items.
UNATTRIBUTED = {"unknown", "(unknown)", "n/a", "none"}


@dataclass(frozen=True)
class State:
    iso3: str
    un_name: str
    status: str  # member | observer
    regional_group: str  # UN regional group as UPR Info codes it: Africa, Asia, EEG, GRULAC, WEOG
    organisations: tuple[str, ...]  # EU, OIC, AU, AL, OIF, Commonwealth, ASEAN, OAS, ...
    aliases: tuple[str, ...]


def normalise_name(name: str) -> str:
    """Fold the differences that never distinguish two states."""
    text = html.unescape(name)
    text = unicodedata.normalize("NFKD", text)
    text = "".join(c for c in text if not unicodedata.combining(c))
    text = text.casefold().replace("’", "'").replace("‘", "'").replace("`", "'")
    text = text.replace("&", " and ")
    text = re.sub(r"\bst\.?(?=\s)", "saint", text)
    text = re.sub(r"[\s\u00a0]+", " ", text).strip(" .;,*")
    text = re.sub(r"^the ", "", text)
    return text


class StateRegistry:
    def __init__(self, states: list[State]) -> None:
        self._by_iso = {s.iso3: s for s in states}
        self._by_name: dict[str, str] = {}
        for s in states:
            # ISO3 codes are matched only as written (upper case) in lookup(): as words
            # "and", "can" and "per" would otherwise be Andorra, Canada and Peru.
            for name in (s.un_name, *s.aliases):
                key = normalise_name(name)
                other = self._by_name.get(key)
                if other is not None and other != s.iso3:
                    raise LexiconError(
                        f"states.csv: spelling {name!r} is given for both {other} and {s.iso3}"
                    )
                self._by_name[key] = s.iso3

    @classmethod
    def from_csv(cls, path: Path | None = None) -> StateRegistry:
        if path is None:
            text = resources.files("uprlens.lexicons").joinpath("states.csv").read_text("utf-8")
            where = "uprlens/lexicons/states.csv"
        else:
            text = path.read_text("utf-8")
            where = str(path)
        states = []
        for i, row in enumerate(csv.DictReader(text.splitlines()), start=1):
            try:
                states.append(
                    State(
                        iso3=row["iso3"].strip(),
                        un_name=row["un_name"].strip(),
                        status=row["status"].strip(),
                        regional_group=row["regional_group"].strip(),
                        organisations=tuple(
                            o.strip() for o in row["organisations"].split(";") if o.strip()
                        ),
                        aliases=tuple(a.strip() for a in row["aliases"].split(";") if a.strip()),
                    )
                )
            except KeyError as exc:
                raise LexiconError(f"{where}: row {i} lacks column {exc}") from None
        return cls(states)

    def __len__(self) -> int:
        return len(self._by_iso)

    def __iter__(self):  # type: ignore[no-untyped-def]
        return iter(self._by_iso.values())

    def __contains__(self, iso3: object) -> bool:
        return iso3 in self._by_iso

    def get(self, iso3: str) -> State:
        return self._by_iso[iso3]

    def lookup(self, name: str) -> str | None:
        """ISO3 for a spelling or an upper-case ISO3 code, or None when unknown."""
        code = name.strip()
        if len(code) == 3 and code.isupper() and code in self._by_iso:
            return code
        return self._by_name.get(normalise_name(name))

    def is_unattributed(self, name: str) -> bool:
        return normalise_name(name) in UNATTRIBUTED

    def resolve(
        self, name: str, *, path: str | Path | None = None, row: int | None = None,
        page: int | None = None,
    ) -> str:
        """ISO3 for a spelling; UnknownState naming the file and row otherwise."""
        iso = self.lookup(name)
        if iso is None:
            raise UnknownState(name, path=path, row=row, page=page)
        return iso

    def name(self, iso3: str) -> str:
        s = self._by_iso.get(iso3)
        return s.un_name if s else iso3


@lru_cache(maxsize=1)
def registry() -> StateRegistry:
    return StateRegistry.from_csv()
