"""Train the classifier's models from ../shared/data (``make train``).

    python scripts/train.py [--data ../shared/data] [--out src/uprlens/classify/models]

Category and issues: UPR Info sessions 1-16 only (tuned on 1-14 vs 15-16, then refit on
1-16); sessions 17-20 are never read here. Themes: the six OHCHR matrices. Fixed seeds.
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from uprlens.classify.codebook import CLASSIFIER_VERSION  # noqa: E402
from uprlens.classify.model import MODEL_DIR, load, save  # noqa: E402
from uprlens.classify.training import (  # noqa: E402
    TRAIN_SESSIONS,
    fit_category,
    fit_issues,
    fit_themes,
    load_matrices,
    load_uprinfo,
)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--data", type=Path, default=REPO / ".." / "shared" / "data")
    ap.add_argument("--out", type=Path, default=MODEL_DIR)
    ap.add_argument(
        "--only",
        choices=["themes"],
        default=None,
        help="retrain only the themes model (on the shipped category model's features), "
        "e.g. after editing lexicons/uhri_crosswalk.csv",
    )
    args = ap.parse_args(argv)
    t0 = time.time()
    args.out.mkdir(parents=True, exist_ok=True)
    if args.only == "themes":
        category = load(args.out / "category.joblib")
    else:
        df = load_uprinfo(args.data)
        # The held-out sessions are dropped here, so nothing below can see them.
        df = df[df.session.isin(TRAIN_SESSIONS)].reset_index(drop=True)
        print(f"UPR Info training rows (sessions 1-16): {len(df)}")
        category = fit_category(df, CLASSIFIER_VERSION)
        save(category, args.out / "category.joblib")
        issues = fit_issues(df, category, CLASSIFIER_VERSION)
        save(issues, args.out / "issues.joblib")

    m = load_matrices(args.data)
    themes = fit_themes(
        m.recommendation.tolist(), m.theme_list.tolist(), category, CLASSIFIER_VERSION
    )
    save(themes, args.out / "themes.joblib")
    for f in sorted(args.out.glob("*.joblib")):
        print(f"{f.name}: {f.stat().st_size / 1e6:.2f} MB")
    print(f"trained in {time.time() - t0:.0f}s")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
