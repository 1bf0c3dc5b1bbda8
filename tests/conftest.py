from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SHARED = (REPO / ".." / "shared" / "data").resolve()


def shared_path(*parts: str) -> Path:
    """A file of ../shared/data, or skip the test when the folder is absent."""
    path = SHARED.joinpath(*parts)
    if not path.exists():
        pytest.skip(f"needs {path} (../shared/data is absent)")
    return path


@pytest.fixture
def db_path(tmp_path: Path) -> Path:
    return tmp_path / "store.db"


@pytest.fixture(autouse=True)
def _isolated_store(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # No test may touch a developer's real store.
    monkeypatch.setenv("UPRLENS_DB", str(tmp_path / "default.db"))
    # The CLI keeps the last --db it was given in a module-level dict (one invocation per
    # process in real use); a test that invokes only a sub-app's commands would otherwise
    # read the store of an earlier test in the same worker.
    from uprlens import cli

    monkeypatch.setitem(cli._state, "db", None)
    monkeypatch.setitem(cli._state, "debug", False)
