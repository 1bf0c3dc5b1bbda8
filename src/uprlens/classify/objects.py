"""Evidence and Label made in bulk: a bulk run makes about twenty per recommendation.

``types.Evidence`` and ``types.Label`` are frozen dataclasses, whose ``__init__`` sets each
field through ``object.__setattr__``, about half the cost of making one. These helpers fill
the instance dictionary in one step instead. The result is the same object (equal, same hash
and repr: ``tests/classify/test_objects.py``). Should either class gain validation
(``__post_init__``) or ``__slots__``, the helpers call the class as usual.
"""

from __future__ import annotations

from typing import Any

from uprlens.types import Evidence, Label

__all__ = ["new_evidence", "new_label"]


def _plain(cls: type) -> bool:
    return not hasattr(cls, "__post_init__") and "__slots__" not in cls.__dict__


_new = object.__new__
_FAST = _plain(Evidence) and _plain(Label)


def new_evidence(start: int, end: int, text: str, rule_id: str, source: Any) -> Evidence:
    if not _FAST:
        return Evidence(start, end, text, rule_id, source)
    e = _new(Evidence)
    e.__dict__.update(start=start, end=end, text=text, rule_id=rule_id, source=source)
    return e


def new_label(
    name: str, value: str, evidence: tuple[Evidence, ...], decided_by: str, score: float
) -> Label:
    if not _FAST:
        return Label(name, value, evidence, decided_by, score)
    lb = _new(Label)
    lb.__dict__.update(
        name=name, value=value, evidence=evidence, decided_by=decided_by, score=score
    )
    return lb
