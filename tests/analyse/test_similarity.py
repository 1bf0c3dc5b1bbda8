from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

from tests.analyse.test_acceptance import build_store
from uprlens.analyse import similarity
from uprlens.analyse.acceptance import review_frame
from uprlens.analyse.cycles import link_all, link_cycles
from uprlens.analyse.similarity import TextVectors, match_texts, text_vectors
from uprlens.classify import embeddings
from uprlens.store import Store

# A paraphrase sharing almost no content word with its earlier wording.
LATER = ["Do away with capital punishment altogether (Sweden);",
         "Build rural electricity grids in all provinces (Cuba);"]
EARLIER = ["Abolish the death penalty (Italy);",
           "Guarantee the independence of lawyers (Canada);"]


def _need_model() -> None:
    if embeddings.embedder() is None:
        pytest.skip(f"no embedding model: {embeddings.unavailable_reason()}")


@pytest.fixture
def no_model(monkeypatch: pytest.MonkeyPatch) -> None:
    """As if the model packages were not installed, with an empty process memo."""
    monkeypatch.setattr(embeddings, "embedder", lambda: None)
    monkeypatch.setattr(similarity, "_memo", type(similarity._memo)())


def test_semantic_links_a_paraphrase_that_lexical_misses() -> None:
    _need_model()
    lexical = match_texts(LATER, EARLIER, semantic=False, threshold=0.35)
    combined = match_texts(LATER, EARLIER, threshold=0.35)
    assert [(m.i, m.j) for m in lexical] == []
    assert [(m.i, m.j) for m in combined] == [(0, 0)]
    m = combined[0]
    assert m.semantic is not None and m.semantic > 0.6
    assert m.lexical == round((m.cosine + m.fuzzy) / 2, 4)


def test_without_the_model_everything_is_lexical_and_says_why(no_model: None) -> None:
    tv = text_vectors(LATER)
    assert tv.vectors is None and tv.reason
    assert tv.method.startswith("lexical only: ")
    ms = match_texts(["Ratify the ICCPR (France);"],
                     ["Ratify the International Covenant on Civil and Political Rights (Chile);"])
    assert len(ms) == 1 and ms[0].semantic is None
    assert ms[0].score == ms[0].lexical


def test_link_cycles_caches_vectors_and_reuses_them_without_the_model(
    db_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _need_model()
    store = build_store(db_path)
    frames = {c: review_frame(store, "CHN", c)[0] for c in (2, 3)}
    first = link_cycles(frames, cycle=3, store=store)
    assert first.attrs["similarity_method"].startswith("lexical + semantic")
    assert first.attrs["threshold"] == similarity.DEFAULT_THRESHOLD
    n = store.query("SELECT count(*) FROM embeddings")[0][0]
    texts = pd.concat([frames[2]["text"], frames[3]["text"]])
    assert n == len({similarity.semantic_text(t) for t in texts})  # one vector per wording
    # Cached vectors make the model unnecessary: the same links, still semantic.
    monkeypatch.setattr(embeddings, "embedder", lambda: None)
    monkeypatch.setattr(similarity, "_memo", type(similarity._memo)())
    again = link_cycles(frames, cycle=3, store=store)
    assert again.attrs["similarity_method"] == first.attrs["similarity_method"]
    pd.testing.assert_frame_equal(first, again)


def test_read_only_store_computes_but_keeps_nothing(db_path: Path) -> None:
    _need_model()
    build_store(db_path)
    ro = Store(db_path, readonly=True)
    tv = text_vectors(["Eliminate abuse of psychiatric committal"], store=ro)
    assert tv.vectors is not None and tv.vectors.shape == (1, embeddings.DIM)
    assert ro.query("SELECT count(*) FROM embeddings")[0][0] == 0


def test_link_cycles_lexical_when_asked_or_model_missing(db_path: Path, no_model: None) -> None:
    store = build_store(db_path)
    frames = {c: review_frame(store, "CHN", c)[0] for c in (2, 3)}
    links = link_cycles(frames, cycle=3, store=store)
    assert links.attrs["similarity_method"].startswith("lexical only: ")
    assert links["semantic"].isna().all()
    assert store.query("SELECT count(*) FROM embeddings")[0][0] == 0


def test_warm_embeddings_fills_the_cache_once(db_path: Path) -> None:
    _need_model()
    store = build_store(db_path)
    seen: list[int] = []
    n = similarity.warm_embeddings(store, "CHN", progress=seen.append)
    assert n > 0 and sum(seen) <= n  # progress counts only texts the model had to embed
    assert store.query("SELECT count(*) FROM embeddings")[0][0] == n
    assert similarity.warm_embeddings(store, "CHN") == 0


def test_link_all_slices_vectors_per_sur() -> None:
    _need_model()
    frame = pd.DataFrame({
        "sur": ["A", "A", "B", "B"],
        "cycle": [1, 2, 1, 2],
        "id": ["a1", "a2", "b1", "b2"],
        "text": ["Abolish the death penalty in law", "Abolish capital punishment altogether",
                 "Guarantee the independence of lawyers", "Build rural electricity grids"],
    })
    links = link_all(frame)
    assert links.attrs["similarity_method"].startswith("lexical + semantic")
    assert list(zip(links["id"], links["earlier_id"], strict=True)) == [("a2", "a1")]
    lexical = link_all(frame, semantic=False)
    assert lexical.empty and lexical.attrs["similarity_method"].startswith("lexical only")


def test_method_constant_follows_what_is_installed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(similarity, "semantic_available", lambda: (False, "no model here"))
    assert similarity.METHOD == "lexical only: no model here; " + similarity.LEXICAL_METHOD
    monkeypatch.setattr(similarity, "semantic_available", lambda: (True, ""))
    assert similarity.METHOD.startswith("lexical + semantic (all-MiniLM-L6-v2 int8)")


def test_given_vectors_are_used_as_is() -> None:
    import numpy as np

    same = np.eye(2, 384, dtype=np.float32)
    ms = match_texts(["alpha beta", "gamma delta"], ["epsilon zeta", "eta theta"],
                     threshold=0.3, later_vectors=same, earlier_vectors=same)
    assert [(m.i, m.j, m.semantic) for m in ms] == [(0, 0, 1.0), (1, 1, 1.0)]
    assert TextVectors(None, "x").method == "lexical only: x; " + similarity.LEXICAL_METHOD
