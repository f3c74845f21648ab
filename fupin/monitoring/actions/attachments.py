"""Documents and photos attached to a case's steps (申请书, 入户核实照片, 评议记录 …), stored
under MEDIA_ROOT and served only through a view that checks the reader's scope; and the removal
of a file attached by mistake, audited, its content erased."""

from __future__ import annotations

import logging
import secrets

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fupin.accounts.models import User
from fupin.accounts.roles import Role
from fupin.core.errors import DomainError, NotFound, PermissionDenied
from fupin.monitoring import errors, events
from fupin.monitoring.actions.common import audit_case, clean_text, forbid, lock_case
from fupin.monitoring.models import Attachment, Case, CaseEvent
from fupin.monitoring.transitions import CASEWORK_ROLES
from fupin.monitoring.uploads import check_upload

logger = logging.getLogger(__name__)

# Who may remove any file of a case in their area, closed cases included; others may remove
# only a file they attached themselves, while the case is open.
SUPERVISING_ROLES = frozenset({Role.TOWNSHIP_OFFICER, Role.COUNTY_OFFICER})


def _step(case: Case, event_id: int | None) -> CaseEvent | None:
    """The step of this case the file goes to; a step of another case (or none) is refused."""
    if event_id is None:
        return None
    event = CaseEvent.objects.filter(pk=event_id, case=case).first()
    if event is None:
        raise DomainError(
            "event_of_another_case", _("The chosen step is not a step of this case."), field="event"
        )
    if event.action in events.FILE_ROWS:
        raise DomainError(
            "step_not_attachable",
            _("A file goes to a step of the case, not to the record of another file."),
            field="event",
        )
    return event


def _refuse_duplicate(case: Case, sha256: str) -> None:
    twin = case.attachments.current().filter(sha256=sha256).select_related("event").first()
    if twin is None:
        return
    where = events.label(twin.event.action) if twin.event else _("the case")
    raise DomainError(
        "file_already_attached",
        _("This file is already attached to %(where)s as “%(name)s”.")
        % {"where": where, "name": twin.original_name},
        field="file",
    )


@transaction.atomic
def attachment_add(
    *,
    actor: User,
    case: Case,
    upload: UploadedFile,
    description: str = "",
    event_id: int | None = None,
) -> Attachment:
    """上传附件: attach a document or photo to the case, to one of its steps if `event_id`."""
    forbid(actor, CASEWORK_ROLES)
    case = lock_case(actor, case)
    event = _step(case, event_id)
    checked = check_upload(upload)
    _refuse_duplicate(case, checked.sha256)
    attachment = Attachment(
        case=case,
        event=event,
        kind=checked.file_type.kind,
        token=secrets.token_hex(16),
        original_name=checked.name,
        content_type=checked.file_type.content_type,
        size=checked.size,
        sha256=checked.sha256,
        description=clean_text("description", description, limit=200, optional=True),
        uploaded_by=actor,
    )
    attachment.file.save(f"upload.{checked.extension}", upload, save=False)
    recorded = False
    try:
        attachment.save()
        _record_attached(actor, case, attachment, event)
        recorded = True
    finally:
        if not recorded:  # nothing half-written: no row, no file
            _erase(attachment.file.name)
    return attachment


def _step_details(attachment: Attachment, event: CaseEvent | None) -> dict[str, object]:
    details: dict[str, object] = {"attachment": attachment.pk, "name": attachment.original_name}
    if event is not None:
        details["step"] = event.action
        details["step_on"] = event.on.isoformat()
    return details


def _record_attached(
    actor: User, case: Case, attachment: Attachment, event: CaseEvent | None
) -> None:
    events.record_event(
        case=case, action=events.ATTACHMENT, on=timezone.localdate(), actor=actor,
        details=_step_details(attachment, event),
    )  # fmt: skip
    audit_case(actor, case, "case.attachment", {"attachment": [None, attachment.original_name]})


def may_remove(user: User, attachment: Attachment, case: Case) -> bool:
    """Whether `user` may remove the file: a township or county officer always; the person who
    attached it while the case is open."""
    if not user.is_active or attachment.is_removed:
        return False
    if user.role in SUPERVISING_ROLES:
        return True
    return user.role in CASEWORK_ROLES and attachment.uploaded_by_id == user.pk and case.is_open


def _erase(name: str) -> None:
    from django.core.files.storage import default_storage

    try:
        default_storage.delete(name)
    except OSError:
        # A file left behind has a generated name (no personal data in it): no row points to
        # it any more, and it is erased by hand.
        logger.warning("could not erase the attachment file %s", name)


@transaction.atomic
def attachment_remove(*, actor: User, attachment: Attachment, reason: str) -> Attachment:
    """移除附件: take a wrongly attached file off the case. The row stays with who removed it,
    when and why; the file's content is erased once the removal is committed."""
    case = lock_case(actor, attachment.case)
    locked = Attachment.objects.select_for_update().filter(pk=attachment.pk, case=case).first()
    if locked is None:
        raise NotFound()
    if locked.is_removed:
        raise errors.attachment_removed()
    if not may_remove(actor, locked, case):
        raise PermissionDenied(
            _(
                "Only the person who attached the file (while the case is open) or the township "
                "or county office may remove it."
            )
        )
    reason = clean_text("reason", reason, limit=500)
    stored = locked.file.name
    locked.removed_at = timezone.now()
    locked.removed_by = actor
    locked.removal_reason = reason
    locked.file = ""
    locked.save(update_fields=["removed_at", "removed_by", "removal_reason", "file"])
    events.record_event(
        case=case, action=events.ATTACHMENT_REMOVED, on=timezone.localdate(), actor=actor,
        details=_step_details(locked, locked.event), note=reason,
    )  # fmt: skip
    audit_case(
        actor, case, "case.attachment_remove", {"attachment": [locked.original_name, None]}, reason
    )
    if stored:
        transaction.on_commit(lambda: _erase(stored))
    return locked
