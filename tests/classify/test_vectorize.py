"""The fast TF-IDF views must be the shipped pipeline's, bit for bit."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import FeatureUnion

from uprlens.classify.vectorize import fast_features

from ..conftest import shared_path
from .conftest import read_cases


def _same(clf, texts: list[str]) -> None:
    union = clf.category.pipeline.named_steps["features"]
    fast = fast_features(union)
    assert fast is not None, "the shipped union should be recognised"
    want = union.transform(texts).tocsr()
    got = fast.transform(texts)
    assert got.shape == want.shape and got.dtype == want.dtype
    assert np.array_equal(got.indptr, want.indptr)
    assert np.array_equal(got.indices, want.indices)
    # Bitwise: the same float32 values, not merely close ones.
    assert np.array_equal(got.data.view(np.uint32), want.data.view(np.uint32))


def test_case_texts_vectorise_identically(clf):
    texts = [c["text"] for name in ("verdict.csv", "category.csv") for c in read_cases(name)]
    _same(clf, texts)


def test_real_texts_vectorise_identically(clf):
    df = pd.read_csv(shared_path("uprinfo", "recommendations_s1-20.csv"))
    _same(clf, df.recommendation.sample(3000, random_state=1).tolist())


_ALPHABET = st.sampled_from(
    list("abcdefghijklmnopqrstuvwxyz ABCDEFG 0123456789 '_-.,;:()\u2019\u00e9\u00fc\u0130\u00df\t")
    + ["including ", "by ", "adopt ", "the ", "law ", "children's ", "inter alia ", " and "]
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.lists(_ALPHABET, min_size=0, max_size=60).map("".join), min_size=1, max_size=8))
def test_any_text_vectorises_identically(clf, texts):
    # Apostrophes, underscores, non-ASCII letters (whose lower case changes length), empty
    # texts and texts with no known word: the ASCII shortcut and the regex path must agree.
    _same(clf, texts)


def test_unknown_union_is_left_to_scikit_learn():
    union = FeatureUnion([("full", TfidfVectorizer(stop_words=["the"]))])
    union.fit(["adopt the law", "adopt a law"])
    assert fast_features(union) is None
    assert fast_features(object()) is None


def test_model_transform_uses_the_fast_path(clf):
    clf.category.transform(["Ratify the ICCPR"])
    assert clf.category.__dict__["_fast"] is not None


@pytest.mark.parametrize("bad", [{"max_df": 0.5}, {"max_features": 10}, {"binary": True}])
def test_cuts_that_break_the_ngram_pruning_are_not_taken(bad):
    union = FeatureUnion([("full", TfidfVectorizer(ngram_range=(1, 3), **bad))])
    union.fit(["adopt a law now", "adopt a law soon", "adopt a plan"])
    assert fast_features(union) is None
