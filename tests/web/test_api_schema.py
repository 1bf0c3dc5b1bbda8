"""Property-based tests of the JSON API from its own OpenAPI description (schemathesis):
whatever the generated request, the app never answers 5xx."""

from __future__ import annotations

from pathlib import Path

import pytest

schemathesis = pytest.importorskip("schemathesis")

from hypothesis import HealthCheck, settings  # noqa: E402

from uprlens.web import create_app  # noqa: E402

from .conftest import build_store  # noqa: E402


def _app():  # type: ignore[no-untyped-def]
    import tempfile

    folder = Path(tempfile.mkdtemp(prefix="uprlens-schema-"))
    build_store(folder / "schema.db").close()
    return create_app(folder / "schema.db")


schema = schemathesis.openapi.from_asgi("/openapi.json", _app())


@schema.parametrize()
@settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
def test_no_5xx(case) -> None:  # type: ignore[no-untyped-def]
    response = case.call()
    assert response.status_code < 500, (case.method, case.formatted_path, response.text[:300])
