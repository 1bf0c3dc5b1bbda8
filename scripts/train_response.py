"""Train the response-prediction model of the drafting assistant.

    python scripts/train_response.py [--data ../shared/data/uprinfo/recommendations_s1-20.csv]

Protocol (issue 6). The model is fitted on UPR Info sessions 1-16 only; sessions 17-20 are the
held-out test set, scored once by scripts/eval_response.py and never used to choose anything.
Every choice (features, C) is made on a validation split inside 1-16: fit on sessions 1-14,
score 15-16. That split mirrors the test: the validation SuRs' earlier (cycle-1) answers lie in
the fitted sessions, as the test SuRs' lie in 1-16, and the fitted rows include second-cycle
reviews whose SuR history is known, so the history weights are learnt. The winner is refitted
on 1-16. A note: an earlier version of this model had its features chosen while looking at
sessions 17-20; the current features were chosen on splits inside 1-16 only.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from sklearn.metrics import brier_score_loss, roc_auc_score

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from uprlens.draft.predict import (  # noqa: E402
    MODEL_FILE,
    ResponseModel,
    history_from_frame,
    read_upr_info,
)

DEFAULT_DATA = REPO / ".." / "shared" / "data" / "uprinfo" / "recommendations_s1-20.csv"
VERSION = "2"
LAST_TRAIN_SESSION = 16
FIRST_VALIDATION_SESSION = 15


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--out", type=Path, default=MODEL_FILE)
    ap.add_argument("--grid", default="0.1", help="values of C to try")
    ap.add_argument("--history", default="on,off",
                    help="try the SuR-history features on, off or both")
    args = ap.parse_args()
    rows = read_upr_info(args.data)
    train = rows[rows.session <= LAST_TRAIN_SESSION].reset_index(drop=True)
    inner_fit = train[train.session < FIRST_VALIDATION_SESSION].reset_index(drop=True)
    inner_val = train[train.session >= FIRST_VALIDATION_SESSION].reset_index(drop=True)
    hist = history_from_frame(inner_fit)
    best: tuple[float, float, bool] = (-1.0, 0.0, True)
    configs = [(float(c), h == "on") for c in args.grid.split(",")
               for h in args.history.split(",")]
    for c, use_history in configs:
        t = time.perf_counter()
        m = ResponseModel(C=c, use_history=use_history).fit(inner_fit)
        p = m.predict_proba(
            list(inner_val.text), list(inner_val.sur), list(inner_val.rs), hist,
            reviews=list(inner_val.review),
        )
        auc = roc_auc_score(inner_val.supported, p)
        brier = brier_score_loss(inner_val.supported, p)
        print(f"C={c:g} history={'on' if use_history else 'off'}: validation AUC {auc:.4f}, Brier {brier:.4f} on sessions "
              f"{FIRST_VALIDATION_SESSION}-{LAST_TRAIN_SESSION} (fit on 1-"
              f"{FIRST_VALIDATION_SESSION - 1}, {time.perf_counter() - t:.0f}s)", flush=True)
        best = max(best, (auc, c, use_history))
    t = time.perf_counter()
    _, c, use_history = best
    model = ResponseModel(C=c, use_history=use_history).fit(train)
    model.version_ = (  # type: ignore[attr-defined]
        f"{VERSION}-C{c:g}-history-{'on' if use_history else 'off'}"
    )
    model.save(args.out)
    size = args.out.stat().st_size / 1e6
    print(f"chose C={c:g}, history {'on' if use_history else 'off'}; trained on sessions 1-{LAST_TRAIN_SESSION} ({len(train)} rows, "
          f"{time.perf_counter() - t:.0f}s); saved {args.out} ({size:.1f} MB)")


if __name__ == "__main__":
    main()
