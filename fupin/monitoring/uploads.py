"""What a case accepts as a document or photo, and how a file is checked before it is stored.

The type comes from the file name's extension, never from the Content-Type the client sends,
and the file's first bytes must match it (a renamed executable is not stored as a photo; a
spreadsheet renamed .docx is not stored as a letter). The size limit is a setting
(FUPIN_ATTACHMENT_MAX_MB). Each refusal is a stable code with a Chinese message.
"""

from __future__ import annotations

import hashlib
import logging
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from typing import IO

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db.models.fields.files import FieldFile
from django.utils.translation import gettext_lazy as _

from fupin.core.errors import DomainError
from fupin.monitoring.models import Attachment, AttachmentKind

logger = logging.getLogger(__name__)

OLE2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # Word 97-2003, Excel 97-2003, WPS (.wps, .et)
PNG = b"\x89PNG\r\n\x1a\n"
# A PDF's header may follow a little junk, within its first 1024 bytes (ISO 32000-1, 7.5.2).
PDF_HEADER_WINDOW = 1024
HEAD_BYTES = PDF_HEADER_WINDOW
NAME_LIMIT = 200
CONTROL = re.compile(r"[\x00-\x1f\x7f]")


def _starts(signature: bytes) -> Callable[[bytes, IO[bytes]], bool]:
    return lambda head, _stream: head.startswith(signature)


def _pdf(head: bytes, _stream: IO[bytes]) -> bool:
    return b"%PDF-" in head[:PDF_HEADER_WINDOW]


def _webp(head: bytes, _stream: IO[bytes]) -> bool:
    return head[:4] == b"RIFF" and head[8:12] == b"WEBP"


def _zip_holding(test: Callable[[list[str]], bool]) -> Callable[[bytes, IO[bytes]], bool]:
    """An Office Open XML or OFD package: a ZIP archive with the parts of its kind."""

    def check(head: bytes, stream: IO[bytes]) -> bool:
        if not head.startswith(b"PK\x03\x04"):
            return False
        try:
            with zipfile.ZipFile(stream) as archive:
                return test(archive.namelist())
        except (zipfile.BadZipFile, OSError, EOFError):
            return False

    return check


def _ooxml(folder: str) -> Callable[[list[str]], bool]:
    return lambda names: (
        "[Content_Types].xml" in names and any(name.startswith(folder) for name in names)
    )


@dataclass(frozen=True)
class FileType:
    label: str
    content_type: str
    kind: str
    matches: Callable[[bytes, IO[bytes]], bool]


_DOCX = FileType(
    "Word",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    AttachmentKind.DOCUMENT,
    _zip_holding(_ooxml("word/")),
)
_XLSX = FileType(
    "Excel",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    AttachmentKind.DOCUMENT,
    _zip_holding(_ooxml("xl/")),
)
_OFD = FileType(
    "OFD",
    "application/ofd",
    AttachmentKind.DOCUMENT,
    _zip_holding(lambda names: "OFD.xml" in names),
)
_JPEG = FileType("JPEG", "image/jpeg", AttachmentKind.PHOTO, _starts(b"\xff\xd8\xff"))
_WPS = FileType("WPS", "application/octet-stream", AttachmentKind.DOCUMENT, _starts(OLE2))

# extension ▸ what it must be. OFD is the national format of electronic official documents
# (GB/T 33190); .wps and .et are WPS Office's own formats, common in township offices.
FILE_TYPES: dict[str, FileType] = {
    "pdf": FileType("PDF", "application/pdf", AttachmentKind.DOCUMENT, _pdf),
    "ofd": _OFD,
    "jpg": _JPEG,
    "jpeg": _JPEG,
    "png": FileType("PNG", "image/png", AttachmentKind.PHOTO, _starts(PNG)),
    "webp": FileType("WebP", "image/webp", AttachmentKind.PHOTO, _webp),
    "doc": FileType("Word", "application/msword", AttachmentKind.DOCUMENT, _starts(OLE2)),
    "docx": _DOCX,
    "xls": FileType("Excel", "application/vnd.ms-excel", AttachmentKind.DOCUMENT, _starts(OLE2)),
    "xlsx": _XLSX,
    "wps": _WPS,
    "et": _WPS,
}


@dataclass(frozen=True)
class CheckedFile:
    name: str  # the original name, cleaned
    extension: str
    file_type: FileType
    size: int
    sha256: str


def max_bytes() -> int:
    return int(settings.MONITORING_ATTACHMENT_MAX_MB) * 1024 * 1024


def clean_name(raw: str | None) -> str:
    """The file's own name without any folder, control characters or excess length."""
    name = CONTROL.sub("", (raw or "").replace("\\", "/").rsplit("/", 1)[-1]).strip()
    if len(name) <= NAME_LIMIT:
        return name
    stem, dot, extension = name.rpartition(".")
    if not dot or len(extension) > 8:
        return name[:NAME_LIMIT]
    return f"{stem[: NAME_LIMIT - len(extension) - 1]}.{extension}"


def _extension(name: str) -> str:
    stem, dot, extension = name.rpartition(".")
    return extension.lower() if dot and stem else ""


def _digest(upload: UploadedFile) -> str:
    digest = hashlib.sha256()
    for chunk in upload.chunks():
        digest.update(chunk)
    upload.seek(0)
    return digest.hexdigest()


def not_allowed() -> DomainError:
    return DomainError(
        "file_type_not_allowed",
        _(
            "Attach a PDF or OFD document, a photo (JPEG, PNG, WebP) or a Word, Excel or WPS "
            "file (.doc, .docx, .xls, .xlsx, .wps, .et)."
        ),
        field="file",
    )


def check_upload(upload: UploadedFile) -> CheckedFile:
    """Refuse an empty, oversized or disallowed file, or one whose content is not its type."""
    name = clean_name(upload.name)
    size = upload.size or 0
    if size == 0:
        raise DomainError(
            "file_empty", _("The file is empty (0 bytes). Choose the file again."), field="file"
        )
    file_type = FILE_TYPES.get(_extension(name))
    if file_type is None:
        raise not_allowed()
    limit = int(settings.MONITORING_ATTACHMENT_MAX_MB)
    if size > max_bytes():
        raise DomainError(
            "file_too_large",
            _("A file may be at most %(limit)s MB; this one is %(size)s MB.")
            % {"limit": limit, "size": f"{size / 1024 / 1024:.1f}"},
            field="file",
        )
    upload.seek(0)
    head = upload.read(HEAD_BYTES)
    upload.seek(0)
    matches = file_type.matches(head, upload)
    upload.seek(0)
    if not matches:
        raise DomainError(
            "file_type_mismatch",
            _(
                "The file's content is not a %(type)s file, as its name “%(name)s” says. It may "
                "be another kind of file renamed; open it and save it again as %(type)s."
            )
            % {"type": file_type.label, "name": name},
            field="file",
        )
    return CheckedFile(name, _extension(name), file_type, size, _digest(upload))


class AttachmentFileMissing(DomainError):
    """The attachment's row is there but its stored file is not (deleted or lost on disk)."""

    status = 404

    def __init__(self) -> None:
        super().__init__(
            "attachment_file_missing",
            _(
                "The file of this attachment is missing from the server. Tell the system "
                "administrator; the file may have to be attached again."
            ),
        )


def open_stored(attachment: Attachment) -> FieldFile:
    """The stored file, open for reading. A file gone from the storage is logged (by the
    attachment's and the case's ids only: the names may hold personal data) and refused."""
    try:
        if not attachment.file:
            raise FileNotFoundError
        stored: FieldFile = attachment.file.open("rb")
    except FileNotFoundError:
        logger.error(
            "stored file missing: attachment %s of case %s", attachment.pk, attachment.case_id
        )
        raise AttachmentFileMissing from None
    return stored
