"""uprlens: audit the recommendations of the UN Universal Periodic Review.

Data flows ingest -> store -> classify -> analyse -> present; the CLI and the web app sit
on top. The names below are the public Python API.
"""

from uprlens.errors import UprlensError
from uprlens.store import Store
from uprlens.types import Evidence, ImportBatch, Label, Part, Provenance, Recommendation, Review

__version__ = "0.1.0"

__all__ = [
    "Evidence",
    "ImportBatch",
    "Label",
    "Part",
    "Provenance",
    "Recommendation",
    "Review",
    "Store",
    "UprlensError",
    "__version__",
]
