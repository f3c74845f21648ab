"""Pages of the monitoring app: cases and their steps; the 公示 notice, ledger and dashboard."""

from fupin.monitoring.views.cases import (
    attachment_download,
    attachment_remove,
    case_casework,
    case_detail,
    case_list,
    case_step,
    clue_new,
    objection_answer,
)
from fupin.monitoring.views.reports import (
    dashboard,
    ledger,
    ledger_export,
    notice,
    notice_pdf,
)

__all__ = [
    "attachment_download",
    "attachment_remove",
    "case_casework",
    "case_detail",
    "case_list",
    "case_step",
    "clue_new",
    "dashboard",
    "ledger",
    "ledger_export",
    "notice",
    "notice_pdf",
    "objection_answer",
]
