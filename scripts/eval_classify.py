"""Evaluate the classifier (``make eval``): every label against its anchors.

    python scripts/eval_classify.py [--data ../shared/data]

- action category and UPR Info issues: UPR Info sessions 17-20 (never used in training or
  tuning), models as shipped (trained on 1-16);
- UHRI themes and affected persons: leave-one-document-out over the six OHCHR matrices;
- verdict and flags: China 2013 coded by the codebook. The lexicons were written with this
  set in view, so these are DEVELOPMENT numbers, not held-out results.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import time
from collections import Counter
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.metrics import (
    accuracy_score,
    confusion_matrix,
    f1_score,
    precision_recall_fscore_support,
)
from sklearn.preprocessing import MultiLabelBinarizer

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from uprlens.classify.codebook import CLASSIFIER_VERSION, VERDICTS, Classifier  # noqa: E402
from uprlens.classify.lexicon import FLAGS  # noqa: E402
from uprlens.classify.model import MODEL_DIR  # noqa: E402
from uprlens.classify.training import (  # noqa: E402
    TEST_SESSIONS,
    TRAIN_SESSIONS,
    fit_themes,
    load_matrices,
    load_uprinfo,
    split_issues,
)
from uprlens.lexicons.states import registry  # noqa: E402

# Anchors measured by others on this same split (the issue's text); printed for comparison.
ANCHORS_CATEGORY = [
    ("first-word baseline (given)", 0.856, None),
    ("TF-IDF + logistic regression (given)", 0.892, 0.885),
    ("HURIDOCS SetFit, 5,000 examples (published)", 0.892, None),
    ("target", 0.93, 0.88),
]
ANCHOR_ISSUES = 0.879

# What this run measured, written to models/evaluation.json (the audit report's method section).
RESULTS: dict[str, object] = {}


def report_single(
    name: str, y_true: list[str], y_pred: list[str], labels: list[str]
) -> tuple[float, float]:
    acc = accuracy_score(y_true, y_pred)
    mf1 = f1_score(y_true, y_pred, labels=labels, average="macro", zero_division=0)
    print(f"\n== {name}: n={len(y_true)} accuracy={acc:.4f} macro-F1={mf1:.4f}")
    p, r, f, s = precision_recall_fscore_support(y_true, y_pred, labels=labels, zero_division=0)
    print(f"  {'class':<12}{'precision':>10}{'recall':>8}{'F1':>8}{'support':>9}")
    for i, lab in enumerate(labels):
        print(f"  {lab:<12}{p[i]:>10.3f}{r[i]:>8.3f}{f[i]:>8.3f}{s[i]:>9d}")
    cm = confusion_matrix(y_true, y_pred, labels=labels)
    print("  confusion (rows = truth, columns = predicted): " + " ".join(labels))
    for i, lab in enumerate(labels):
        print(f"  {lab:<12}" + "".join(f"{v:>7d}" for v in cm[i]))
    return float(acc), float(mf1)


def first_word_baseline(train: pd.DataFrame, test: pd.DataFrame) -> float:
    def fw(t: str) -> str:
        w = t.strip().split()
        return w[0].lower().strip(",.;:") if w else ""

    table = train.groupby(train.recommendation.map(fw)).action_category.agg(
        lambda s: Counter(s).most_common(1)[0][0]
    )
    default = Counter(train.action_category).most_common(1)[0][0]
    pred = [table.get(fw(t), default) for t in test.recommendation]
    return accuracy_score(test.action_category, pred)


def multilabel_scores(
    name: str,
    truth: list[list[str]],
    pred: list[list[str]],
    show_weakest: int = 0,
    weakest_out: list[dict[str, object]] | None = None,
) -> tuple[float, float]:
    mlb = MultiLabelBinarizer()
    mlb.fit(truth + pred)
    T, P = mlb.transform(truth), mlb.transform(pred)
    micro = f1_score(T, P, average="micro", zero_division=0)
    present = T.sum(axis=0) > 0
    macro = f1_score(T[:, present], P[:, present], average="macro", zero_division=0)
    print(
        f"== {name}: n={len(truth)} micro-F1={micro:.4f} macro-F1={macro:.4f} "
        f"(macro over {int(present.sum())} labels present in the truth)"
    )
    if show_weakest:
        p, r, f, s = precision_recall_fscore_support(T, P, zero_division=0)
        order = [i for i in np.argsort(f) if s[i] > 0][:show_weakest]
        print(f"  weakest {show_weakest}: label, precision, recall, F1, support")
        for i in order:
            print(f"    {mlb.classes_[i]:<45}{p[i]:>7.3f}{r[i]:>7.3f}{f[i]:>7.3f}{s[i]:>6d}")
            if weakest_out is not None:
                weakest_out.append(
                    {"issue": str(mlb.classes_[i]), "f1": round(float(f[i]), 4), "n": int(s[i])}
                )
    return float(micro), float(macro)


def evaluate_uprinfo(clf: Classifier, data: Path) -> None:
    df = load_uprinfo(data)
    train = df[df.session.isin(TRAIN_SESSIONS)]
    test = df[df.session.isin(TEST_SESSIONS)].reset_index(drop=True)
    t = time.time()
    res = clf.classify_many(test.recommendation.tolist())
    print(
        f"\nUPR Info sessions 17-20: {len(test)} recommendations classified in "
        f"{time.time() - t:.1f}s"
    )
    pred = [c.labels["action_category"].value for c in res]  # type: ignore[union-attr]
    labels = ["1", "2", "3", "4", "5"]
    acc, mf1 = report_single(
        "action category (codebook classifier, sessions 17-20)",
        test.action_category.tolist(),
        pred,
        labels,
    )
    RESULTS["action_category"] = {
        "split": "trained on UPR Info sessions 1-16, tested once on sessions 17-20",
        "n": len(test),
        "accuracy": round(acc, 4),
        "macro_f1": round(mf1, 4),
    }
    X = clf.category.transform(test.recommendation.tolist())
    model_only, _, _ = clf.category.predict(X)
    print(
        f"  model alone (no lead-verb overrides): accuracy="
        f"{accuracy_score(test.action_category, model_only):.4f} macro-F1="
        f"{f1_score(test.action_category, model_only, average='macro'):.4f}"
    )
    by = Counter(c.labels["action_category"].decided_by.split("@")[0] for c in res)  # type: ignore[union-attr]
    print(f"  decided by: {dict(by.most_common())}")
    print(
        f"  first-word baseline recomputed here (majority category per first word, "
        f"trained 1-16): accuracy={first_word_baseline(train, test):.4f}"
    )
    print("  anchors on this split:")
    for name, acc, mf1 in ANCHORS_CATEGORY:
        mf = f" macro-F1={mf1:.3f}" if mf1 is not None else ""
        print(f"    {name:<46} accuracy={acc:.3f}{mf}")

    truth = [split_issues(s) for s in test.issues]
    pred_iss = [[lb.value for lb in c.issues] for c in res]  # type: ignore[union-attr]
    print()
    weakest: list[dict[str, object]] = []
    micro, macro = multilabel_scores(
        "UPR Info issues (sessions 17-20)", truth, pred_iss, show_weakest=10, weakest_out=weakest
    )
    RESULTS["issues"] = {
        "split": "trained on UPR Info sessions 1-16, tested once on sessions 17-20",
        "n": len(test),
        "micro_f1": round(micro, 4),
        "macro_f1": round(macro, 4),
        "weakest": weakest,
    }
    print(
        f"  anchors: TF-IDF one-vs-rest logistic baseline micro-F1={ANCHOR_ISSUES:.3f}; "
        "published SetFit (69-label vocabulary) 0.75-0.78; target 0.92"
    )


def evaluate_matrices(clf: Classifier, data: Path) -> None:
    m = load_matrices(data)
    print(
        "\nUHRI themes and affected persons: leave-one-document-out over "
        f"{m.source_doc.nunique()} OHCHR matrices ({len(m)} recommendations)"
    )
    all_t, all_p, all_pt, all_pp = [], [], [], []
    for doc in sorted(m.source_doc.unique()):
        held = m[m.source_doc == doc]
        rest = m[m.source_doc != doc]
        model = fit_themes(
            rest.recommendation.tolist(), rest.theme_list.tolist(), clf.category, "lodo"
        )
        model.set_feature_names(clf.category._names())
        X = clf.category.transform(held.recommendation.tolist())
        chosen, _ = model.predict(X)
        pred = [[model.classes[i] for i in idx] for idx in chosen]
        truth = held.theme_list.tolist()
        res = clf.classify_many(held.recommendation.tolist(), on_error="return")
        persons = [
            [lb.value for lb in c.affected_persons] if not isinstance(c, Exception) else []
            for c in res
        ]
        unseen = len({x for ls in truth for x in ls} - set(model.classes))
        tm, _ = _quiet_scores(truth, pred)
        pm, _ = _quiet_scores(held.person_list.tolist(), persons)
        print(
            f"  {doc:<24} themes micro-F1={tm:.3f} ({unseen} of its theme labels never seen "
            f"in the other documents)   affected persons micro-F1={pm:.3f}"
        )
        all_t += truth
        all_p += pred
        all_pt += held.person_list.tolist()
        all_pp += persons
    multilabel_scores("themes, pooled over the held-out documents", all_t, all_p)
    multilabel_scores(
        "affected persons (groups lexicon; 'general' when none), pooled",
        all_pt,
        all_pp,
        show_weakest=8,
    )


def _quiet_scores(truth: list[list[str]], pred: list[list[str]]) -> tuple[float, float]:
    mlb = MultiLabelBinarizer()
    mlb.fit(truth + pred)
    T, P = mlb.transform(truth), mlb.transform(pred)
    return (
        f1_score(T, P, average="micro", zero_division=0),
        f1_score(T, P, average="macro", zero_division=0),
    )


def evaluate_codebook(clf: Classifier, data: Path) -> None:
    path = data / "labels" / "china2013_codebook.csv"
    lab = pd.read_csv(path)
    # As `classify --all` labels them: addressed to China (its SuR-specific frames apply).
    res = clf.classify_many(lab.recommendation.tolist(), surs=["CHN"] * len(lab))
    print(
        "\nVerdict and flags on China 2013 coded by the codebook "
        f"(n={len(lab)}): DEVELOPMENT numbers (lexicons written with this set in view)"
    )
    pred_v = [c.labels["verdict"].value for c in res]  # type: ignore[union-attr]
    vacc, vmf1 = report_single(
        "verdict (development set)",
        lab.verdict.tolist(),
        pred_v,
        ["specific", "general", "vague", "endorsing"],
    )
    p, r, f, _ = precision_recall_fscore_support(
        lab.verdict == "endorsing",
        np.array(pred_v) == "endorsing",
        average="binary",
        zero_division=0,
    )
    print(
        f"  endorsing: precision={p:.3f} recall={r:.3f} F1={f:.3f} "
        "(targets on the independent set: recall>=0.90, precision>=0.75)"
    )
    RESULTS["verdict_development"] = {
        "split": "DEVELOPMENT set, not held out: China 2013 (252 paragraphs) coded by the "
        "codebook; the lexicons were written with it in view",
        "n": len(lab),
        "accuracy": round(float(vacc), 4),
        "macro_f1": round(float(vmf1), 4),
        "endorsing_precision": round(float(p), 4),
        "endorsing_recall": round(float(r), 4),
    }
    pred_c = [c.labels["action_category"].value for c in res]  # type: ignore[union-attr]
    print(
        f"  action category vs this coder: accuracy="
        f"{accuracy_score(lab.action_category.astype(str), pred_c):.4f}"
    )
    print("\n== flags (development set)")
    print(
        f"  {'flag':<24}{'accuracy':>9}{'precision':>10}{'recall':>8}{'F1':>7}"
        f"{'true':>6}{'pred':>6}"
    )
    for flag in FLAGS:
        y = lab[flag].astype(int).to_numpy()
        yp = np.array([int(c.labels[flag].value) for c in res])  # type: ignore[union-attr]
        p, r, f, _ = precision_recall_fscore_support(y, yp, average="binary", zero_division=0)
        print(
            f"  {flag:<24}{accuracy_score(y, yp):>9.3f}{p:>10.3f}{r:>8.3f}{f:>7.3f}"
            f"{y.sum():>6d}{yp.sum():>6d}"
        )


OTHER_STATES = REPO / "scripts" / "data" / "verdict_other_states.csv"
_OTHER_SETS = {
    "norway_2014_dev": "Norway 2014, 60 UPR Info rows: coded blind, then used to develop 0.3.3",
    "uruguay_finland_dev": "Uruguay 2014 and Finland 2012, 60 rows: coded blind, then used to "
    "develop 0.3.3",
    "canada_germany_blind": "Canada and Germany 2013, 80 rows: coded blind, then scored once "
    "before any change made with its errors in view (0.3.2: accuracy 0.838, macro-F1 0.650; the "
    "0.3.3 rules of that moment: 0.875, 0.700); later changes saw its errors, so the figure "
    "printed here is no longer a blind one",
    "slovenia_2025_blind": "Slovenia 2025 (cycle 4), 60 rows of the OHCHR matrix: coded blind "
    "after 0.3.3 was written; no change made with its errors in view (0.3.2: accuracy 0.933, "
    "macro-F1 0.747)",
    "china_2018": "China 2018 (cycle 3), 60 rows of the OHCHR matrix: coded blind and scored "
    "once (0.3.2: accuracy 0.833, macro-F1 0.791, endorsing P 1.00 R 0.83; 0.3.3 of that "
    "moment: 0.833, 0.785); then five of its misses were fixed, so it is development data now",
}


def evaluate_other_states(clf: Classifier) -> None:
    """The verdict on states with a very different record, coded by the codebook by the
    engineer who wrote the rules (not independent analysts): a check that the lexicons built
    on China carry over, not the independent evaluation the issue asks for."""
    lab = pd.read_csv(OTHER_STATES)
    reg = registry()
    print(
        "\nVerdict on states with a very different record, coded by the codebook by the rules' "
        f"author ({OTHER_STATES.relative_to(REPO)}): DEVELOPMENT numbers"
    )
    for name, note in _OTHER_SETS.items():
        part = lab[lab.set == name]
        surs = [reg.lookup(s) for s in part.state_under_review]
        res = clf.classify_many(part.recommendation.tolist(), surs=surs)
        pred = [c.labels["verdict"].value for c in res]  # type: ignore[union-attr]
        present = [v for v in VERDICTS if v in set(part.verdict) | set(pred)]
        print(
            f"  {name:<22} n={len(part):<3} accuracy={accuracy_score(part.verdict, pred):.3f} "
            f"macro-F1={f1_score(part.verdict, pred, labels=present, average='macro'):.3f} "
            f"(classes present)  {note}"
        )
        if "endorsing" in set(part.verdict):
            p, r, _, _ = precision_recall_fscore_support(
                part.verdict == "endorsing",
                np.array(pred) == "endorsing",
                average="binary",
                zero_division=0,
            )
            print(f"  {'':<22} endorsing: precision={p:.3f} recall={r:.3f}")
        RESULTS.setdefault("verdict_other_states", {})[name] = {
            "n": len(part),
            "accuracy": round(float(accuracy_score(part.verdict, pred)), 4),
            "note": note,
        }


def _endorsing_lines(texts: list[str], where: list[str], clf: Classifier) -> list[str]:
    res = clf.classify_many(texts, on_error="return", n_jobs=2)
    out = []
    for w, t, c in zip(where, texts, res, strict=True):
        if isinstance(c, Exception) or c.labels["verdict"].value != "endorsing":
            continue
        v = c.labels["verdict"]
        ev = " | ".join(e.text for e in v.evidence)
        out.append(f"  {w} [{v.decided_by}: {ev}] {t}")
    return out


def audit_endorsing(clf: Classifier, data: Path) -> None:
    """Every endorsing call on China 2018 and on all UPR Info texts, for a human to read:
    a false accusation of endorsing is as damaging as a miss."""
    m = load_matrices(data)
    chn = m[m.source_doc == "CHN_2018_s31_c3.docx"]
    pos = chn.position if "position" in chn else [""] * len(chn)
    lines = _endorsing_lines(
        chn.recommendation.tolist(),
        [f"{r} ({p})" for r, p in zip(chn.rec_id, pos, strict=True)],
        clf,
    )
    print(f"\nEndorsing audit, China 2018 matrix: {len(lines)} of {len(chn)} called endorsing")
    print("\n".join(lines))
    df = load_uprinfo(data)
    lines = _endorsing_lines(
        df.recommendation.tolist(),
        [
            f"s{s} {sur} <- {rs} ({resp})"
            for s, sur, rs, resp in zip(
                df.session, df.state_under_review, df.recommending_state, df.response, strict=True
            )
        ],
        clf,
    )
    print(f"\nEndorsing audit, UPR Info: {len(lines)} of {len(df)} called endorsing")
    print("\n".join(lines))
    RESULTS["endorsing_calls"] = {"china_2018": len(chn), "uprinfo_rows_endorsing": len(lines)}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=REPO / ".." / "shared" / "data")
    ap.add_argument(
        "--only", choices=["uprinfo", "matrices", "codebook", "endorsing"], default=None
    )
    ap.add_argument(
        "--write",
        type=Path,
        default=MODEL_DIR / "evaluation.json",
        help="where to write the measured figures (full runs only)",
    )
    args = ap.parse_args(argv)
    clf = Classifier.load()
    if args.only in (None, "uprinfo"):
        evaluate_uprinfo(clf, args.data)
    if args.only in (None, "matrices"):
        evaluate_matrices(clf, args.data)
    if args.only in (None, "codebook"):
        evaluate_codebook(clf, args.data)
        evaluate_other_states(clf)
    if args.only in (None, "endorsing"):
        audit_endorsing(clf, args.data)
    if args.only is None:
        RESULTS.update(
            {
                "version": CLASSIFIER_VERSION,
                "date": dt.date.today().isoformat(),
                "models": {
                    name: getattr(model, "version", None)
                    for name, model in (
                        ("category", clf.category),
                        ("issues", clf.issues_model),
                        ("themes", clf.themes_model),
                    )
                },
                "produced_by": "scripts/eval_classify.py",
            }
        )
        args.write.write_text(json.dumps(RESULTS, indent=2) + "\n", encoding="utf-8")
        print(f"\nwrote {args.write}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
