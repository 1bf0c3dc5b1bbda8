"""Evaluate the shipped response model on UPR Info sessions 17-20 (never used in training).

    python scripts/eval_response.py [--data ...] [--model ...] [--png out/response_reliability.png]

Prints AUC, Brier score and a reliability table (predicted vs observed share supported per
bin); saves the reliability curve as a PNG. The SuR history the model sees comes from sessions
1-16 only. Nothing about the model is chosen from this score: features and C are chosen on a
validation split inside sessions 1-16 (see scripts/train_response.py). The probability is
information about how past reviews went, never advice to weaken a draft.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import numpy as np
from sklearn.metrics import brier_score_loss, roc_auc_score

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from uprlens.draft.predict import (  # noqa: E402
    MODEL_FILE,
    history_from_frame,
    label_texts,
    load_response_model,
    read_upr_info,
)

DEFAULT_DATA = REPO / ".." / "shared" / "data" / "uprinfo" / "recommendations_s1-20.csv"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--model", type=Path, default=MODEL_FILE)
    ap.add_argument("--png", type=Path, default=REPO / "out" / "response_reliability.png")
    ap.add_argument("--bins", type=int, default=10)
    args = ap.parse_args()
    rows = read_upr_info(args.data)
    train = rows[rows.session <= 16].reset_index(drop=True)
    test = rows[rows.session >= 17].reset_index(drop=True)
    model = load_response_model(args.model)
    # the classifier's labels, computed once for all texts (about 40 s of CPU)
    labels = label_texts(list(rows.text))
    by_text = dict(zip(rows.text, labels, strict=True))
    p = model.predict_proba(
        list(test.text), list(test.sur), list(test.rs),
        history_from_frame(train, labels=[by_text[t] for t in train.text]),
        reviews=list(test.review), labels=[by_text[t] for t in test.text],
    )
    y = test.supported.to_numpy()
    print(f"model {getattr(model, 'version_', '?')}; test: sessions 17-20, {len(y)} rows, "
          f"{y.mean():.1%} supported")
    print(f"AUC {roc_auc_score(y, p):.4f}   Brier {brier_score_loss(y, p):.4f}")
    edges = np.linspace(0, 1, args.bins + 1)
    idx = np.clip(np.digitize(p, edges) - 1, 0, args.bins - 1)
    print(f"{'bin':>11} {'n':>6} {'predicted':>10} {'observed':>9}")
    xs, ys = [], []
    for b in range(args.bins):
        m = idx == b
        if not m.any():
            continue
        xs.append(p[m].mean())
        ys.append(y[m].mean())
        print(f"{edges[b]:.1f}-{edges[b + 1]:.1f} {m.sum():>6} {p[m].mean():>10.3f} "
              f"{y[m].mean():>9.3f}")
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    args.png.parent.mkdir(parents=True, exist_ok=True)
    fig, ax = plt.subplots(figsize=(4.5, 4.5))
    ax.plot([0, 1], [0, 1], ls="--", c="grey", lw=1)
    ax.plot(xs, ys, marker="o")
    ax.set_xlabel("predicted probability of support")
    ax.set_ylabel("observed share supported")
    ax.set_title("Response model, UPR Info sessions 17-20")
    fig.tight_layout()
    fig.savefig(args.png, dpi=120)
    print(f"reliability curve: {args.png}")


if __name__ == "__main__":
    main()
