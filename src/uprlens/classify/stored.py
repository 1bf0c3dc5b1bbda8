"""Label the recommendations in a store (``uprlens classify --all``).

Machine labels land in ``machine_labels``/``evidence`` with the classifier version, beside the
human labels of the sources and the researchers' overrides, never over them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any

from uprlens.classify.codebook import default_jobs
from uprlens.errors import ClassifyError
from uprlens.store import Store

__all__ = ["LabelReport", "default_jobs", "label_blocks", "label_store"]

_CHUNK = 4000  # rows per store transaction
# Rows classified per call. Workers are forked once per block, and each fork costs both
# processes copy-on-write faults over the loaded models: a whole UPR Info run (41,066) is one.
_BLOCK = 50_000


def label_blocks(
    clf: Any,
    texts: Sequence[str],
    *,
    n_jobs: int | None = None,
    progress: Callable[[int, int], None] | None = None,
    surs: Sequence[str | None] | None = None,
) -> Iterator[tuple[int, list[Any]]]:
    """Classify ``texts`` in blocks over ``n_jobs`` processes (default: ``default_jobs()``),
    yielding (offset of the block, its results: Classification or ClassifyError per text)."""
    jobs = default_jobs() if n_jobs is None else n_jobs
    total = len(texts)
    for start in range(0, total, _BLOCK):
        block = texts[start : start + _BLOCK]

        def tick(done: int, base: int = start) -> None:
            if progress is not None:
                progress(min(base + done, total), total)

        block_surs = surs[start : start + _BLOCK] if surs is not None else None
        yield start, clf.classify_many(
            block, on_error="return", progress=tick, n_jobs=jobs, surs=block_surs
        )


@dataclass
class LabelReport:
    labelled: int = 0
    skipped: int = 0  # already labelled by this classifier version
    failed: list[str] = field(default_factory=list)  # "<id>: <why>"
    version: str = ""

    def summary(self) -> str:
        text = f"labelled {self.labelled} recommendations with classifier {self.version}"
        if self.skipped:
            text += f"; {self.skipped} already labelled by this version"
        if self.failed:
            text += f"; {len(self.failed)} could not be labelled"
        return text


def label_store(
    store: Store,
    *,
    classifier: Any = None,
    sur: str | None = None,
    cycle: int | None = None,
    force: bool = False,
    progress: Callable[[int, int], None] | None = None,
    n_jobs: int | None = None,
) -> LabelReport:
    """Classify every recommendation (and pledge) in ``store`` not yet labelled by this
    classifier version (all of them with ``force``), over ``n_jobs`` processes (default:
    ``default_jobs()``). Each chunk of 4,000 is one transaction."""
    from uprlens.classify import CLASSIFIER_VERSION, Classifier

    clf = classifier or Classifier.load()
    report = LabelReport(version=CLASSIFIER_VERSION)
    done_pks = (
        set()
        if force
        else {
            r[0]
            for r in store.query(
                "SELECT DISTINCT recommendation_pk FROM machine_labels WHERE classifier_version=?",
                (CLASSIFIER_VERSION,),
            )
        }
    )
    rows = [r for r in store.iter_recommendations(sur=sur, cycle=cycle)]
    todo = [r for r in rows if r["pk"] not in done_pks]
    report.skipped = len(rows) - len(todo)
    texts = [r["text"] for r in todo]
    surs = [r["sur"] for r in todo]
    blocks = label_blocks(clf, texts, n_jobs=n_jobs, progress=progress, surs=surs)
    for offset, results in blocks:
        for start in range(0, len(results), _CHUNK):
            chunk = todo[offset + start : offset + start + _CHUNK]
            ok = []
            for row, res in zip(chunk, results[start : start + _CHUNK], strict=True):
                if isinstance(res, ClassifyError | Exception):
                    report.failed.append(f"{row['id']} ({row['file']}): {res}")
                else:
                    ok.append((row["pk"], res))
            store.save_machine_labels(ok, classifier_version=CLASSIFIER_VERSION)
            report.labelled += len(ok)
    return report
