"""Documents and photos attached to a case's steps, stored under MEDIA_ROOT and served only
through a view that checks the reader's scope."""

from __future__ import annotations

import secrets

from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from fupin.accounts.models import User
from fupin.core.errors import DomainError
from fupin.monitoring import events
from fupin.monitoring.actions.common import audit_case, clean_text, forbid, lock_case
from fupin.monitoring.models import Attachment, AttachmentKind, Case, CaseEvent
from fupin.monitoring.transitions import CASEWORK_ROLES
from fupin.registry.validation import check_choice

MAX_BYTES = 10 * 1024 * 1024
ALLOWED_TYPES = {
    "application/pdf": AttachmentKind.DOCUMENT,
    "image/jpeg": AttachmentKind.PHOTO,
    "image/png": AttachmentKind.PHOTO,
    "image/webp": AttachmentKind.PHOTO,
    "application/msword": AttachmentKind.DOCUMENT,
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": (
        AttachmentKind.DOCUMENT
    ),
    "application/vnd.ms-excel": AttachmentKind.DOCUMENT,
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet": AttachmentKind.DOCUMENT,
}
# The first bytes of each type, so a renamed executable is not stored as a photo.
SIGNATURES = {
    "application/pdf": (b"%PDF",),
    "image/jpeg": (b"\xff\xd8\xff",),
    "image/png": (b"\x89PNG",),
    "image/webp": (b"RIFF",),
    "application/msword": (b"\xd0\xcf\x11\xe0",),
    "application/vnd.ms-excel": (b"\xd0\xcf\x11\xe0",),
}


def _check_upload(upload: UploadedFile) -> str:
    content_type = (upload.content_type or "").split(";")[0].strip().lower()
    if content_type not in ALLOWED_TYPES:
        raise DomainError(
            "file_type_not_allowed",
            _("Attach a PDF, a photo (JPEG, PNG, WebP) or a Word or Excel file."),
            field="file",
        )
    if not upload.size or upload.size > MAX_BYTES:
        raise DomainError("file_too_large", _("A file may be at most 10 MB."), field="file")
    head = upload.read(8)
    upload.seek(0)
    expected = SIGNATURES.get(content_type, (b"PK",))
    if not head.startswith(expected):
        raise DomainError(
            "file_type_mismatch", _("The file's content does not match its type."), field="file"
        )
    return content_type


@transaction.atomic
def attachment_add(
    *,
    actor: User,
    case: Case,
    upload: UploadedFile,
    description: str = "",
    event: CaseEvent | None = None,
) -> Attachment:
    """Attach a document or photo to the case (optionally to one of its steps)."""
    forbid(actor, CASEWORK_ROLES)
    case = lock_case(actor, case)
    if event is not None and event.case_id != case.pk:
        raise DomainError("event_of_another_case", _("That step is of another case."))
    content_type = _check_upload(upload)
    kind = check_choice("kind", ALLOWED_TYPES[content_type], AttachmentKind, blank=False)
    attachment = Attachment(
        case=case,
        event=event,
        kind=kind,
        token=secrets.token_hex(16),
        original_name=(upload.name or "file")[-200:],
        content_type=content_type,
        size=upload.size or 0,
        description=clean_text("description", description, limit=200, optional=True),
        uploaded_by=actor,
    )
    attachment.file.save(upload.name or "file", upload, save=False)
    attachment.save()
    events.record_event(
        case=case, action=events.ATTACHMENT, on=timezone.localdate(), actor=actor,
        details={"attachment": attachment.pk, "name": attachment.original_name},
    )  # fmt: skip
    audit_case(actor, case, "case.attachment", {"attachment": [None, attachment.original_name]})
    return attachment
