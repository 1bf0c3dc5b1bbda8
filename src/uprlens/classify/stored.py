"""Label the recommendations in a store (``uprlens classify --all``).

Machine labels land in ``machine_labels``/``evidence`` with the classifier version, beside the
human labels of the sources and the researchers' overrides, never over them.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from uprlens.errors import ClassifyError
from uprlens.store import Store

__all__ = ["LabelReport", "label_store"]

_CHUNK = 4000


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
) -> LabelReport:
    """Classify every recommendation (and pledge) in ``store`` not yet labelled by this
    classifier version (all of them with ``force``). Each chunk is one transaction."""
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
    total = len(todo)
    for start in range(0, total, _CHUNK):
        chunk = todo[start : start + _CHUNK]
        results = clf.classify_many([r["text"] for r in chunk], on_error="return")
        ok = []
        for row, res in zip(chunk, results, strict=True):
            if isinstance(res, ClassifyError | Exception):
                report.failed.append(f"{row['id']} ({row['file']}): {res}")
            else:
                ok.append((row["pk"], res))
        store.save_machine_labels(ok, classifier_version=CLASSIFIER_VERSION)
        report.labelled += len(ok)
        if progress is not None:
            progress(min(start + _CHUNK, total), total)
    return report
