"""Train the response-prediction model of the drafting assistant.

    python scripts/train_response.py [--data ../shared/data/uprinfo/recommendations_s1-20.csv]

Protocol (issue 6). The model is fitted on UPR Info sessions 1-16 only; sessions 17-20 are the
held-out test set, scored once by scripts/eval_response.py and never used to choose anything.
Every choice (features, C) is made on a validation split inside 1-16: fit on sessions 1-14,
score 15-16. That split mirrors the test: the validation SuRs' earlier (cycle-1) answers lie in
the fitted sessions, as the test SuRs' lie in 1-16, and the fitted rows include second-cycle
reviews whose SuR history is known, so the history weights are learnt. Inside the fitted rows a
row's history features come only from its SuR's earlier reviews (never its own review, never a
later one); the validation rows see only sessions 1-14. The winner is refitted on 1-16. A note:
an earlier version of this model had its features chosen while looking at sessions 17-20; the
current features were chosen on splits inside 1-16 only.

The classifier's labels of the 1-16 texts (category, verdict, issues, themes) are computed once
per run (about 40 s of CPU).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path
from typing import Any

from sklearn.metrics import brier_score_loss, roc_auc_score

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from uprlens.draft.predict import (  # noqa: E402
    MODEL_FILE,
    ResponseModel,
    history_from_frame,
    label_texts,
    read_upr_info,
)

DEFAULT_DATA = REPO / ".." / "shared" / "data" / "uprinfo" / "recommendations_s1-20.csv"
VERSION = "3"
LAST_TRAIN_SESSION = 16
FIRST_VALIDATION_SESSION = 15


DEFAULT_GRID = "C=0.1,smoothing=2;C=0.1,smoothing=5;C=0.2,smoothing=2;C=0.1,use_labels=0"


def _config(spec: str) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for part in filter(None, spec.split(",")):
        key, _, value = part.partition("=")
        if key in ("use_history", "use_labels"):
            out[key] = value not in ("0", "off", "false", "False")
        elif key in ("C", "context_weight", "smoothing"):
            out[key] = float(value)
        else:
            out[key] = int(value)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--out", type=Path, default=MODEL_FILE)
    ap.add_argument("--grid", default=DEFAULT_GRID,
                    help="configurations to try, ';'-separated, each 'param=value,...' "
                         "(C, k, context_features, use_history, use_labels, ...)")
    args = ap.parse_args()
    rows = read_upr_info(args.data)
    train = rows[rows.session <= LAST_TRAIN_SESSION].reset_index(drop=True)
    t = time.process_time()
    labels = label_texts(list(train.text))
    print(f"labelled {len(train)} rows with the classifier ({time.process_time() - t:.0f}s CPU)",
          flush=True)
    fit_mask = (train.session < FIRST_VALIDATION_SESSION).to_numpy()
    inner_fit = train[fit_mask].reset_index(drop=True)
    inner_val = train[~fit_mask].reset_index(drop=True)
    fit_labels = [lb for lb, m in zip(labels, fit_mask, strict=True) if m]
    val_labels = [lb for lb, m in zip(labels, fit_mask, strict=True) if not m]
    hist = history_from_frame(inner_fit, labels=fit_labels)
    best: tuple[float, str] = (-1.0, "")
    for spec in args.grid.split(";"):
        t = time.process_time()
        m = ResponseModel(**_config(spec)).fit(inner_fit, labels=fit_labels)
        p = m.predict_proba(
            list(inner_val.text), list(inner_val.sur), list(inner_val.rs), hist,
            reviews=list(inner_val.review), labels=val_labels,
        )
        auc = roc_auc_score(inner_val.supported, p)
        brier = brier_score_loss(inner_val.supported, p)
        print(f"{spec}: validation AUC {auc:.4f}, Brier {brier:.4f} on sessions "
              f"{FIRST_VALIDATION_SESSION}-{LAST_TRAIN_SESSION} (fit on 1-"
              f"{FIRST_VALIDATION_SESSION - 1}, {time.process_time() - t:.0f}s CPU)", flush=True)
        best = max(best, (auc, spec))
    t = time.process_time()
    spec = best[1]
    model = ResponseModel(**_config(spec)).fit(train, labels=labels)
    model.version_ = f"{VERSION}-{spec.replace(',', '-').replace('=', '')}"  # type: ignore[attr-defined]
    model.save(args.out)
    size = args.out.stat().st_size / 1e6
    print(f"chose {spec}; trained on sessions 1-{LAST_TRAIN_SESSION} ({len(train)} rows, "
          f"{time.process_time() - t:.0f}s CPU); saved {args.out} ({size:.1f} MB)")


if __name__ == "__main__":
    main()
