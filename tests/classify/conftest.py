from __future__ import annotations

import csv
from pathlib import Path

import pytest

CASES = Path(__file__).parent / "cases"


def read_cases(name: str) -> list[dict[str, str]]:
    with (CASES / name).open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


@pytest.fixture(scope="session")
def clf():
    from uprlens.classify import Classifier

    return Classifier.load()
