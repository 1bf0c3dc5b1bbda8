"""Files -> ImportBatch records. Every reader reads a whole file or raises an IngestError.

``read_any(path)`` picks the reader by content; the readers can be called directly too.
"""

from uprlens.ingest.detect import read_any, read_kind, sniff
from uprlens.ingest.experts import ExpertRecommendation, read_expert_csv
from uprlens.ingest.matrices import read_matrix
from uprlens.ingest.plain_csv import read_plain_csv
from uprlens.ingest.responses import Responses, read_responses
from uprlens.ingest.safety import DEFAULT_LIMITS, Limits
from uprlens.ingest.uhri import read_uhri, read_uhri_experts
from uprlens.ingest.upr_info import read_upr_info

__all__ = [
    "DEFAULT_LIMITS",
    "ExpertRecommendation",
    "Limits",
    "Responses",
    "read_any",
    "read_expert_csv",
    "read_kind",
    "read_matrix",
    "read_plain_csv",
    "read_responses",
    "read_uhri",
    "read_uhri_experts",
    "read_upr_info",
    "sniff",
]
