"""Where the data hub keeps its files: uploads as received, staged rows, error workbooks.

All under `settings.DATAHUB_DIR` (var/datahub by default), named by batch id. Only fupin writes
these files; the upload is kept as received so a batch can be read again with another mapping.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

UPLOADS = "uploads"
STAGING = "staging"
ERRORS = "errors"


def folder(kind: str) -> Path:
    path = Path(settings.DATAHUB_DIR) / kind
    path.mkdir(parents=True, exist_ok=True)
    return path


@dataclass(frozen=True)
class ReceivedFile:
    path: Path
    sha256: str
    size: int


def receive(chunks: Iterable[bytes]) -> ReceivedFile:
    """Write an upload to a temporary file in the uploads folder, hashing it as it streams."""
    digest = hashlib.sha256()
    size = 0
    handle, name = tempfile.mkstemp(prefix="upload-", suffix=".part", dir=folder(UPLOADS))
    with os.fdopen(handle, "wb") as target:
        for chunk in chunks:
            digest.update(chunk)
            size += len(chunk)
            target.write(chunk)
    return ReceivedFile(Path(name), digest.hexdigest(), size)


def keep_upload(received: ReceivedFile, batch_id: int, file_name: str) -> Path:
    suffix = Path(file_name).suffix.lower()[:10]
    final = folder(UPLOADS) / f"batch-{batch_id}{suffix}"
    os.replace(received.path, final)
    return final


def staging_path(batch_id: int) -> Path:
    """The staged rows of a batch (a DuckDB database for a feed, JSON lines for the national
    export)."""
    return folder(STAGING) / f"batch-{batch_id}.staged"


def progress_path(batch_id: int) -> Path:
    return folder(STAGING) / f"batch-{batch_id}.progress"


def write_progress(batch_id: int, rows: int) -> None:
    """Rows done so far by a step whose database writes are not visible yet (promotion)."""
    path = progress_path(batch_id)
    part = path.with_suffix(".progress-part")
    part.write_text(str(rows), encoding="ascii")
    os.replace(part, path)


def read_progress(batch_id: int) -> int | None:
    try:
        return int(progress_path(batch_id).read_text(encoding="ascii"))
    except (FileNotFoundError, ValueError):
        return None


def errors_path(batch_id: int) -> Path:
    return folder(ERRORS) / f"batch-{batch_id}-errors.xlsx"


def remove(path: str | Path) -> None:
    Path(path).unlink(missing_ok=True)
