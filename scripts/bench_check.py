"""Time ``uprlens check`` after start-up and the catalogue search over 10,000 entries.

    python scripts/bench_check.py

Builds a throwaway store: the real China expert catalogue (../shared/data/un-experts) padded
to 10,000 entries with recombined real entries, and checks the two China 2018 examples.
"""

from __future__ import annotations

import random
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

from uprlens.draft import check, ground  # noqa: E402
from uprlens.ingest import read_expert_csv  # noqa: E402
from uprlens.store import Store  # noqa: E402

DATA = REPO / ".." / "shared" / "data" / "un-experts"
DRAFTS = [
    "Continue to protect the rights of vulnerable groups",
    "Safeguard its political system and the development path chosen by its own people",
    "Release all Uyghurs arbitrarily detained in Xinjiang",
]


def main() -> None:
    entries = []
    for name in ("china_verbatim.csv", "china_secondhand.csv"):
        entries += read_expert_csv(DATA / name, sur="CHN")
    rnd = random.Random(0)
    words = " ".join(e.text for e in entries).split()
    padded = list(entries)
    while len(padded) < 10_000:
        base = rnd.choice(entries)
        text = " ".join(rnd.choice(words) for _ in range(rnd.randint(15, 60)))
        padded.append(replace(base, text=text, paragraph=str(len(padded))))
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(Path(tmp) / "bench.db")
        store.import_experts(padded, file="bench")
        t = time.perf_counter()
        from uprlens.classify import Classifier
        from uprlens.draft.predict import load_response_model

        clf = Classifier.load()
        model = load_response_model()
        check("Ratify the ICCPR", sur="CHN", store=store, classifier=clf, response_model=model)
        print(f"start-up (load classifier and response model, first check): "
              f"{time.perf_counter() - t:.2f}s")
        for d in DRAFTS:
            t = time.perf_counter()
            r = check(d, sur="CHN", store=store, classifier=clf, response_model=model)
            print(f"check {time.perf_counter() - t:.3f}s  verdict={r.verdict}  "
                  f"rewrites={[w.verdict for w in r.rewrites]}  {d[:50]!r}")
        times = []
        for d in DRAFTS * 10:
            t = time.perf_counter()
            ground(store, d, "CHN", limit=5)
            times.append(time.perf_counter() - t)
        # The first search embeds the padded entries its FTS step finds that no earlier search
        # embedded (`uprlens classify --all` caches every catalogue vector beforehand).
        first, rest = times[0], sorted(times[1:])
        print(f"catalogue search over {len(padded)} entries: first {first * 1000:.1f} ms "
              f"(embeds entries never seen); the next {len(rest)}: median "
              f"{rest[len(rest) // 2] * 1000:.1f} ms, max {rest[-1] * 1000:.1f} ms")
        store.close()


if __name__ == "__main__":
    main()
