"""Writes of the case workflow: one function per step, each atomic, scoped, checked against
the transition table, validated, with a timeline row and an audit event."""

from fupin.monitoring.actions.attachments import attachment_add, attachment_remove, may_remove
from fupin.monitoring.actions.elimination import (
    case_add_measure,
    case_approve_elimination,
    case_keep_monitoring,
    case_propose_elimination,
)
from fupin.monitoring.actions.identification import (
    case_apply,
    case_approve_monitoring,
    case_reject,
)
from fupin.monitoring.actions.intake import clue_from_finding, clue_receive
from fupin.monitoring.actions.review import (
    case_post,
    case_township_review,
    case_verify,
    case_village_review,
    current_posting,
    objection_answer,
    posting_object,
)

__all__ = [
    "attachment_add",
    "attachment_remove",
    "case_add_measure",
    "case_apply",
    "case_approve_elimination",
    "case_approve_monitoring",
    "case_keep_monitoring",
    "case_post",
    "case_propose_elimination",
    "case_reject",
    "case_township_review",
    "case_verify",
    "case_village_review",
    "clue_from_finding",
    "clue_receive",
    "current_posting",
    "may_remove",
    "objection_answer",
    "posting_object",
]
