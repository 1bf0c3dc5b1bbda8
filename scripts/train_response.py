"""Train the response-prediction model of the drafting assistant.

    python scripts/train_response.py [--data ../shared/data/uprinfo/recommendations_s1-20.csv]

Fits on UPR Info sessions 1-16 only; sessions 17-20 are held out for scripts/eval_response.py.
The regularisation strength is chosen inside 1-16: fit on 1-12, score 13-16 (a second-cycle
block whose SuRs' earlier answers lie in 1-12, as the held-out sessions' lie in 1-16).
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from sklearn.metrics import roc_auc_score

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from uprlens.draft.predict import (  # noqa: E402
    MODEL_FILE,
    ResponseModel,
    history_from_frame,
    read_upr_info,
)

DEFAULT_DATA = REPO / ".." / "shared" / "data" / "uprinfo" / "recommendations_s1-20.csv"
VERSION = "1"


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=DEFAULT_DATA)
    ap.add_argument("--out", type=Path, default=MODEL_FILE)
    ap.add_argument("--grid", default="0.1,0.3,1.0", help="values of C to try")
    args = ap.parse_args()
    rows = read_upr_info(args.data)
    train = rows[rows.session <= 16].reset_index(drop=True)
    inner_fit = train[train.session <= 12].reset_index(drop=True)
    inner_val = train[train.session >= 13].reset_index(drop=True)
    hist = history_from_frame(inner_fit)
    best = (-1.0, 0.0)
    for c in (float(x) for x in args.grid.split(",")):
        t = time.perf_counter()
        m = ResponseModel(C=c).fit(inner_fit)
        p = m.predict_proba(
            list(inner_val.text), list(inner_val.sur), list(inner_val.rs), hist,
            reviews=list(inner_val.review),
        )
        auc = roc_auc_score(inner_val.supported, p)
        print(f"C={c:g}: AUC {auc:.4f} on sessions 13-16 (fit on 1-12, "
              f"{time.perf_counter() - t:.0f}s)")
        best = max(best, (auc, c))
    model = ResponseModel(C=best[1]).fit(train)
    model.version_ = f"{VERSION}-C{best[1]:g}"  # type: ignore[attr-defined]
    model.save(args.out)
    size = args.out.stat().st_size / 1e6
    print(f"chose C={best[1]:g}; trained on sessions 1-16 ({len(train)} rows); "
          f"saved {args.out} ({size:.1f} MB)")


if __name__ == "__main__":
    main()
