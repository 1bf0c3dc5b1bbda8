from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from sklearn.metrics import roc_auc_score

from uprlens.draft.predict import (
    HISTORY_FEATURES,
    MODEL_FILE,
    HistoryRow,
    ResponseModel,
    TextLabels,
    history_from_frame,
    history_from_store,
    load_response_model,
    predict_support,
    read_upr_info,
)
from uprlens.errors import UprlensError
from uprlens.store import Store
from uprlens.types import ImportBatch, Part, Provenance, Recommendation, Review

DATA = Path(__file__).resolve().parents[2] / ".." / "shared" / "data"
UPR_INFO = DATA / "uprinfo" / "recommendations_s1-20.csv"


def _frame() -> pd.DataFrame:
    rows = []
    for i in range(40):
        sur = ("CHN", "FRA", "BRA", "EGY")[i % 4]
        review = f"{sur}|{1 + (i // 4) % 2}"
        rows.append(("Abolish the death penalty", sur, "DEU", int(sur == "FRA"), review))
        rows.append(("Continue to promote education for children", sur, "CUB", 1, review))
        rows.append(("Ratify the convention against torture", sur, "BRA", int(i % 3 > 0), review))
    return pd.DataFrame(rows, columns=["text", "sur", "rs", "supported", "review"])


@pytest.fixture(scope="module")
def model() -> ResponseModel:
    return ResponseModel(C=1.0, char_features=2000).fit(_frame())


def test_the_answer_being_predicted_never_enters_its_own_features(model: ResponseModel) -> None:
    text, sur = "Abolish the death penalty", "FRA"
    own = [HistoryRow(sur, "FRA|9", text, 1)]
    with_own = model.predict_proba([text], [sur], ["DEU"], own, reviews=["FRA|9"])
    without = model.predict_proba([text], [sur], ["DEU"], [], reviews=["FRA|9"])
    elsewhere = model.predict_proba([text], [sur], ["DEU"], own, reviews=["FRA|10"])
    assert with_own[0] == pytest.approx(without[0])
    assert elsewhere[0] != pytest.approx(without[0])


def test_a_sur_that_noted_the_same_wording_before_gets_a_lower_probability(
    model: ResponseModel,
) -> None:
    text = "Abolish the death penalty"
    noted = [HistoryRow("EGY", "EGY|1", text, 0)] * 3
    supported = [HistoryRow("EGY", "EGY|1", text, 1)] * 3
    low = predict_support(text, "EGY", from_state="DEU", history=noted, model=model)
    high = predict_support(text, "EGY", from_state="DEU", history=supported, model=model)
    assert 0.0 < low.probability < high.probability < 1.0
    assert low.neighbours and low.neighbours[0]["supported"] is False


def test_history_features_can_be_switched_off() -> None:
    m = ResponseModel(C=1.0, char_features=0, use_history=False).fit(_frame())
    text = "Abolish the death penalty"
    hist = [HistoryRow("EGY", "EGY|1", text, 1)] * 3
    a = m.predict_proba([text], ["EGY"], ["DEU"], hist)
    b = m.predict_proba([text], ["EGY"], ["DEU"], [])
    assert a[0] == pytest.approx(b[0])


def test_without_a_recommending_state_the_probability_is_an_average(
    model: ResponseModel,
) -> None:
    text = "Ratify the convention against torture"
    each = [model.predict_proba([text], ["CHN"], [rs], [])[0] for rs in model.recommenders_]
    avg = model.predict_proba([text], ["CHN"], [None], [])[0]
    assert avg == pytest.approx(float(np.mean(each)))


def test_saved_model_keeps_no_pruned_vocabulary(model: ResponseModel, tmp_path: Path) -> None:
    path = tmp_path / "m.joblib"
    model.save(path)
    loaded = load_response_model(path)
    assert loaded.tfidf_.stop_words_ is None and loaded.chars_.stop_words_ is None
    assert loaded.context_.stop_words_ is None


def test_read_upr_info_names_the_file_and_what_is_missing(tmp_path: Path) -> None:
    with pytest.raises(UprlensError, match="no such file"):
        read_upr_info(tmp_path / "absent.csv")
    bad = tmp_path / "bad.csv"
    bad.write_text("state_under_review,recommendation\nChina,Do x\n", encoding="utf-8")
    with pytest.raises(UprlensError, match=r"bad\.csv: missing columns.*response"):
        read_upr_info(bad)


def test_a_file_that_is_not_a_model_is_refused(tmp_path: Path) -> None:
    import joblib

    path = tmp_path / "other.joblib"
    joblib.dump({"not": "a model"}, path)
    with pytest.raises(UprlensError, match="retrain"):
        load_response_model(path)


def _features(model: ResponseModel, text: str, sur: str, rs: str | None,
              history: list[HistoryRow]) -> dict[str, float]:
    return model.explain(text, sur, rs, history)[1]


def test_in_training_a_row_learns_only_from_its_surs_earlier_reviews(
    model: ResponseModel,
) -> None:
    text = "Abolish the death penalty"
    hist = [HistoryRow("EGY", "EGY|2", text, 0, "DEU", when=2),
            HistoryRow("EGY", "EGY|1", text, 1, "DEU", when=1)]
    _, Hf, _ = model._matrix([text, text], ["EGY", "EGY"], ["DEU", "DEU"],
                             ["EGY|1", "EGY|2"], hist, whens=[1, 2])
    has, top = HISTORY_FEATURES.index("has_history"), HISTORY_FEATURES.index("top_answer")
    assert Hf[0, has] == 0.0  # its only other review is later
    assert Hf[1, has] == 1.0 and Hf[1, top] > 0  # learns from review 1, where it was supported


def test_the_surs_answers_to_the_same_recommending_state_are_a_feature(
    model: ResponseModel,
) -> None:
    hist = [HistoryRow("EGY", "EGY|1", f"Ratify treaty number {i}", 0, "DEU") for i in range(6)]
    hist += [HistoryRow("EGY", "EGY|1", f"Ratify treaty number {i}", 1, "CUB") for i in range(6)]
    text = "Ratify the convention against torture"
    deu = _features(model, text, "EGY", "DEU", hist)["rate_recommending_state"]
    cub = _features(model, text, "EGY", "CUB", hist)["rate_recommending_state"]
    assert deu < 0 < cub


def test_the_surs_answer_rate_per_classifier_label_is_a_feature(model: ResponseModel) -> None:
    def row(i: int, cat: str, y: int) -> HistoryRow:
        return HistoryRow("EGY", "EGY|1", f"text {cat} {i}", y, "BRA",
                          TextLabels(cat, "specific", ("Death penalty",), ()))

    hist = [row(i, "5", 0) for i in range(5)] + [row(i, "2", 1) for i in range(5)]
    text = "Abolish the death penalty"
    p5 = model.predict_proba([text], ["EGY"], ["DEU"], hist,
                             labels=[TextLabels("5", "specific", ("Death penalty",), ())])
    p2 = model.predict_proba([text], ["EGY"], ["DEU"], hist,
                             labels=[TextLabels("2", "specific", ("Death penalty",), ())])
    f = model._matrix([text], ["EGY"], ["DEU"], ["<draft>"], hist,
                      labels=[TextLabels("5", "specific", ("Death penalty",), ())])[1][0]
    assert f[HISTORY_FEATURES.index("rate_category")] < 0
    assert p5[0] != pytest.approx(p2[0])


def test_without_labels_the_classifier_labels_the_history(model: ResponseModel) -> None:
    hist = [HistoryRow("EGY", "EGY|1", "Abolish the death penalty", 0, "DEU")]
    feats = _features(model, "Abolish the death penalty", "EGY", "DEU", hist)
    assert feats["has_history"] == 1.0 and feats["rate_category"] < 0


def _rec(review: Review, par: str, text: str, states: list[str], position: str
         ) -> Recommendation:
    return Recommendation(
        id=f"{review.sur}-c{review.cycle}-{par}", review=review, paragraph=par, text=text,
        parts=[Part(text, tuple(states))], provenance=Provenance("chn.docx"), position=position,
    )


def test_history_from_store_gives_one_row_per_recommending_state(tmp_path: Path) -> None:
    store = Store(tmp_path / "h.db")
    chn = Review("CHN", 3, 31, 2018)
    store.import_batches([ImportBatch("ohchr_matrix", chn, [
        _rec(chn, "28.1", "Abolish the death penalty", ["FRA", "DEU"], "noted"),
        _rec(chn, "28.2", "Continue to reduce poverty", ["CUB"], "supported"),
    ], Provenance("chn.docx"))])
    hist = history_from_store(store, "CHN")
    assert sorted((h.rs, h.supported) for h in hist) == [("CUB", 1), ("DEU", 0), ("FRA", 0)]
    assert {h.when for h in hist} == {3}
    assert history_from_store(store, "CHN", before_cycle=3) == []


def test_shipped_model_is_small_and_ranks_held_out_sessions() -> None:
    if not UPR_INFO.is_file():
        pytest.skip("UPR Info data not available")
    assert MODEL_FILE.stat().st_size < 10_000_000
    rows = read_upr_info(UPR_INFO)
    test = rows[rows.session == 17].reset_index(drop=True)
    # only the session-17 SuRs' earlier answers: the rest would only cost labelling time
    past = rows[(rows.session <= 16) & rows.sur.isin(set(test.sur))]
    m = load_response_model()
    p = m.predict_proba(
        list(test.text), list(test.sur), list(test.rs),
        history_from_frame(past), reviews=list(test.review),
    )
    # a regression guard well below the measured figure, not a target
    assert roc_auc_score(test.supported, p) > 0.8
