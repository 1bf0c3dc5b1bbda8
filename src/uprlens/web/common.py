"""What the pages and the API share: the URL filter, page rendering, optional stages."""

from __future__ import annotations

import dataclasses
import importlib
import inspect
import json
import re
import typing
from typing import Annotated, Any
from urllib.parse import urlencode

from fastapi import HTTPException, Query, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse
from markupsafe import Markup

from uprlens.store import Store
from uprlens.store.browse import FLAGS, SORTS, Facets, RecFilter, facets
from uprlens.web.cache import DataCache
from uprlens.web.render import Options
from uprlens.web.security import Auth

__all__ = [
    "optional",
    "page_filter",
    "plain",
    "render",
    "rec_filter",
    "cached_facets",
    "facet_options",
    "kept_facet_options",
    "kept_facets",
    "url",
]

POSITIONS = ("supported", "noted", "supported_in_part", "pending", "unknown")
GROUPS = ("Africa", "Asia", "EEG", "GRULAC", "WEOG", "Observer")
VERDICTS = ("specific", "general", "vague", "endorsing")
PER_PAGE = (10, 25, 50, 100, 200)


def _choice(values: tuple[Any, ...]) -> str:
    return "^(" + "|".join(str(v) for v in values) + ")?$"


async def rec_filter(
    sur: Annotated[
        str | None, Query(pattern=r"^([A-Za-z]{3})?$", description="State under Review, ISO3")
    ] = None,
    cycle: Annotated[str | None, Query(pattern=r"^([1-9])?$", description="UPR cycle")] = None,
    state: Annotated[
        str | None,
        Query(pattern=r"^([A-Za-z]{3})?$", description="Recommending state, ISO3"),
    ] = None,
    group: Annotated[
        str | None,
        Query(pattern=_choice(GROUPS), description="Regional group of a recommending state"),
    ] = None,
    position: Annotated[str | None, Query(pattern=_choice(POSITIONS))] = None,
    category: Annotated[
        str | None,
        Query(pattern=r"^([1-5])?$", description="Action category (UPR Info or classifier)"),
    ] = None,
    verdict: Annotated[str | None, Query(pattern=_choice(VERDICTS))] = None,
    flag: Annotated[
        str | None, Query(pattern=_choice(FLAGS), description="A flag the classifier set")
    ] = None,
    theme: Annotated[str | None, Query(max_length=300)] = None,
    affected: Annotated[str | None, Query(max_length=300, description="Affected persons")] = None,
    q: Annotated[
        str | None,
        Query(max_length=200, description="Full-text search: every word must occur; word* prefix"),
    ] = None,
    all_sources: Annotated[
        str | None,
        Query(pattern=r"^[01]?$", description="1: every source, not only the authoritative one"),
    ] = None,
    sort: Annotated[str | None, Query(pattern=_choice(tuple(SORTS)))] = None,
    order: Annotated[str | None, Query(pattern=r"^(asc|desc)?$")] = None,
    page: Annotated[str | None, Query(pattern=r"^([1-9][0-9]{0,5})?$")] = None,
    per_page: Annotated[str | None, Query(pattern=_choice(PER_PAGE))] = None,
) -> RecFilter:
    """The table filter from the URL. Empty values (as plain HTML forms send them) mean unset.
    Async only so that FastAPI calls it on the loop rather than in the thread pool."""
    f = RecFilter(
        sur=sur.upper() if sur else None,
        cycle=int(cycle) if cycle else None,
        state=state.upper() if state else None,
        group=group or None,
        position=position or None,
        category=category or None,
        verdict=verdict or None,
        flag=flag or None,
        theme=theme.strip() or None if theme else None,
        affected=affected.strip() or None if affected else None,
        q=q.strip() or None if q else None,
        all_sources=all_sources == "1",
        sort=sort or ("relevance" if q and q.strip() else "review"),
        order=order or "asc",
        page=int(page) if page else 1,
        per_page=int(per_page) if per_page else 50,
    )
    if f.sort == "relevance" and not f.q:
        raise HTTPException(422, "sort=relevance needs a search: add q=...")
    return f


def _limits() -> dict[str, tuple[re.Pattern[str] | None, int | None]]:
    """Each query parameter of ``rec_filter`` with its pattern and maximum length, read from
    its signature so that the two ways of reading the filter cannot drift apart."""
    out: dict[str, tuple[re.Pattern[str] | None, int | None]] = {}
    for name, hint in typing.get_type_hints(rec_filter, include_extras=True).items():
        if name == "return":
            continue
        info = typing.get_args(hint)[1]
        pattern = next((m.pattern for m in info.metadata if getattr(m, "pattern", None)), None)
        longest = next((m.max_length for m in info.metadata if hasattr(m, "max_length")), None)
        out[name] = (re.compile(pattern) if pattern else None, longest)
    return out


_LIMITS = _limits()


async def page_filter(request: Request) -> RecFilter:
    """``rec_filter`` for the HTML table, which is not in the OpenAPI description.

    The same parameters, checks and 422 answers, without FastAPI validating 16 declared query
    parameters one by one through pydantic: that cost about a third of a cached page's CPU.
    A pattern must match the whole value, as pydantic's does (Python's ``$`` alone would let
    a trailing newline through).
    """
    given = request.query_params
    values: dict[str, str] = {}
    errors: list[dict[str, Any]] = []
    for name, (pattern, longest) in _LIMITS.items():
        value = given.get(name)
        if value is None:
            continue
        if pattern is not None and not pattern.fullmatch(value):
            errors.append(
                {
                    "type": "string_pattern_mismatch",
                    "loc": ("query", name),
                    "msg": f"String should match pattern '{pattern.pattern}'",
                    "input": value,
                }
            )
        elif longest is not None and len(value) > longest:
            errors.append(
                {
                    "type": "string_too_long",
                    "loc": ("query", name),
                    "msg": f"String should have at most {longest} characters",
                    "input": value,
                }
            )
        values[name] = value
    if errors:
        raise RequestValidationError(errors)
    return await rec_filter(**values)


def url(path: str, params: dict[str, Any]) -> str:
    clean = {k: ("1" if v is True else v) for k, v in params.items() if v not in (None, "", False)}
    return path + ("?" + urlencode(clean) if clean else "")


def cached_facets(request: Request, store: Store) -> Facets:
    """The filter form's choices, computed once per change of the store."""
    return kept_facets(request.app.state.cache, store)


def kept_facets(cache: DataCache, store: Store) -> Facets:
    """``cached_facets`` from the cache itself (for code that has no request, e.g. warm-up)."""
    return cache.get_or_compute(store, ("facets",), lambda: facets(store), lambda _: 1)  # type: ignore[no-any-return]


CATEGORIES = ("1", "2", "3", "4", "5")


def facet_options(request: Request, store: Store) -> dict[str, Any]:
    """The filter form's <option> lists, escaped once per change of the store."""
    return kept_facet_options(request.app.state.cache, store)


def kept_facet_options(cache: DataCache, store: Store) -> dict[str, Any]:
    """``facet_options`` from the cache itself."""

    def build() -> dict[str, Any]:
        fc = kept_facets(cache, store)

        def labels(values: Any) -> Options:
            return Options([(v, v) for v in values], value_attr=False)

        def datalist(values: list[str]) -> Markup:
            return Markup("").join(Markup('<option value="{0}">').format(v) for v in values)

        return {
            "surs": Options(fc.surs),
            "cycles": Options([(c, c) for c in fc.cycles]),
            "states": Options(fc.states),
            "groups": labels(GROUPS),
            "positions": labels(POSITIONS),
            "categories": labels(CATEGORIES),
            "verdicts": labels(VERDICTS),
            "flags": labels(FLAGS),
            "sorts": labels(SORTS),
            "per_page": labels(PER_PAGE),
            "themes": datalist(fc.themes),
            "affected": datalist(fc.affected),
        }

    return cache.get_or_compute(store, ("facet_options",), build, lambda _: 1)  # type: ignore[no-any-return]


def render(
    request: Request, template: str, who: Auth, status: int = 200, **ctx: Any
) -> HTMLResponse:
    env = request.app.state.templates
    html = env.get_template(template).render(
        request=request, user=who.user, csrf=who.csrf, url=url, **ctx
    )
    return HTMLResponse(html, status_code=status)


def optional(module: str, name: str) -> Any | None:
    """``module.name`` when that stage has landed, else None (the page then says so)."""
    try:
        mod = importlib.import_module(module)
    except ImportError:
        return None
    return getattr(mod, name, None)


def plain(value: Any) -> Any:
    """A result object of another stage as JSON-able data."""
    for attr in ("to_dict", "as_dict"):
        fn = getattr(value, attr, None)
        if callable(fn):
            return plain(fn())
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return plain(dataclasses.asdict(value))
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        return [plain(v) for v in value]
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
    if hasattr(value, "to_dict"):  # pandas
        return plain(value.to_dict())
    return json.loads(json.dumps(value, default=str))


def call_with_store(fn: Any, store: Store, *args: Any) -> Any:
    """Call another stage's function whether it takes the store first, as ``store=`` or not."""
    params = list(inspect.signature(fn).parameters)
    if params and params[0] == "store":
        return fn(store, *args)
    if "store" in params:
        return fn(*args, store=store)
    return fn(*args)
