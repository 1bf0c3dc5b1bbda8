from __future__ import annotations

import numpy as np
import pytest

from uprlens.classify import embeddings


@pytest.fixture(scope="module")
def emb() -> embeddings.Embedder:
    e = embeddings.embedder()
    if e is None:
        pytest.skip(f"no embedding model: {embeddings.unavailable_reason()}")
    return e


def test_vectors_are_unit_norm(emb: embeddings.Embedder) -> None:
    v = emb.embed(["Ratify the ICCPR", "", "Abolish the death penalty " * 80])
    assert v.shape == (3, embeddings.DIM) and v.dtype == np.float32
    np.testing.assert_allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-5)


def test_paraphrase_is_closer_than_unrelated(emb: embeddings.Embedder) -> None:
    a, para, other = emb.embed([
        "Abolish the death penalty",
        "Do away with capital punishment altogether",
        "Build rural electricity grids in all provinces",
    ])
    assert a @ para > a @ other + 0.2


def test_batching_does_not_change_vectors(emb: embeddings.Embedder) -> None:
    texts = [f"Release human rights defender number {i} without delay" for i in range(40)]
    texts[5] = "Short"
    together = emb.embed(texts)
    alone = np.stack([emb.embed([t])[0] for t in (texts[5], texts[39])])
    np.testing.assert_allclose(together[[5, 39]], alone, atol=1e-4)


def test_cache_round_trip_embeds_each_text_once(emb: embeddings.Embedder) -> None:
    cache: dict[tuple[str, str], bytes] = {}
    saved: list[int] = []

    def load(hashes: list[str], model: str) -> dict[str, bytes]:
        return {h: cache[(h, model)] for h in hashes if (h, model) in cache}

    def save(rows: list[tuple[str, str, bytes]]) -> None:
        saved.append(len(rows))
        cache.update({(h, m): b for h, m, b in rows})

    texts = ["Ratify the ICCPR", "Abolish the death penalty", "Ratify the ICCPR"]
    first = embeddings.embed_cached(texts, load=load, save=save)
    assert saved == [2]  # the repeated text is embedded once
    second = embeddings.embed_cached(texts, load=load, save=save)
    assert saved == [2]  # nothing new to save
    assert first is not None and second is not None
    np.testing.assert_array_equal(first, second)
    np.testing.assert_array_equal(first[0], first[2])


def test_missing_packages_give_none_and_a_reason(monkeypatch: pytest.MonkeyPatch) -> None:
    embeddings.embedder.cache_clear()
    monkeypatch.setattr(embeddings, "_package_dir", lambda name: None)
    try:
        assert embeddings.embedder() is None
        assert "not installed" in embeddings.unavailable_reason()
        assert embeddings.embed_cached(["x"]) is None
    finally:
        embeddings.embedder.cache_clear()
