"""Fixture files built in memory: no binary file is committed.

`compound_file` writes a minimal OLE2 compound file (MS-CFB, version 3, 512-byte sectors) with
the given streams, enough to stand for an encrypted xlsx (``EncryptionInfo`` and
``EncryptedPackage``), a Word .doc, or a damaged .xls. `ods` writes a minimal OpenDocument
spreadsheet. `with_cached_value` puts a cached result into an openpyxl-written formula cell,
as Excel does when it saves.
"""

from __future__ import annotations

import io
import struct
import zipfile
from collections.abc import Sequence
from xml.sax.saxutils import escape

SECTOR = 512
END_OF_CHAIN = 0xFFFFFFFE
FREE = 0xFFFFFFFF
FAT_SECTOR = 0xFFFFFFFD
NO_STREAM = 0xFFFFFFFF
MINI_STREAM_CUTOFF = 4096


def compound_file(streams: dict[str, bytes]) -> bytes:
    """Streams are padded to 4 KiB so that they live in regular sectors (no mini stream)."""
    names = list(streams)
    entry_count = len(names) + 1
    directory_sectors = -(-entry_count // 4)
    fat = [FAT_SECTOR]
    fat += chain_of(1, directory_sectors)
    body = b""
    starts = []
    for name in names:
        data = streams[name].ljust(MINI_STREAM_CUTOFF, b"\0")
        data = data.ljust(-(-len(data) // SECTOR) * SECTOR, b"\0")
        starts.append(len(fat))
        fat += chain_of(len(fat), len(data) // SECTOR)
        body += data
    assert len(fat) <= SECTOR // 4, "one FAT sector is enough for test files"
    fat_sector = struct.pack(f"<{SECTOR // 4}I", *(fat + [FREE] * (SECTOR // 4 - len(fat))))
    directory = directory_entry("Root Entry", 5, child=1 if names else NO_STREAM)
    for index, name in enumerate(names, start=1):
        right = index + 1 if index < len(names) else NO_STREAM
        size = max(len(streams[name]), MINI_STREAM_CUTOFF)
        directory += directory_entry(name, 2, right=right, start=starts[index - 1], size=size)
    directory = directory.ljust(directory_sectors * SECTOR, b"\0")
    return header() + fat_sector + directory + body


def chain_of(first: int, count: int) -> list[int]:
    return [first + offset + 1 for offset in range(count - 1)] + [END_OF_CHAIN]


def header() -> bytes:
    fields = struct.pack(
        "<8s16sHHHHH6sIIIIIIIII",
        bytes.fromhex("D0CF11E0A1B11AE1"),
        b"\0" * 16,
        0x3E,
        3,
        0xFFFE,
        9,
        6,
        b"\0" * 6,
        0,  # directory sectors (0 in version 3)
        1,  # FAT sectors
        1,  # first directory sector
        0,
        MINI_STREAM_CUTOFF,
        END_OF_CHAIN,  # first mini FAT sector
        0,
        END_OF_CHAIN,  # first DIFAT sector
        0,
    )
    difat = struct.pack("<109I", 0, *([FREE] * 108))
    return fields + difat


def directory_entry(
    name: str,
    kind: int,
    *,
    child: int = NO_STREAM,
    right: int = NO_STREAM,
    start: int = END_OF_CHAIN,
    size: int = 0,
) -> bytes:
    encoded = (name + "\0").encode("utf-16-le")
    return struct.pack(
        "<64sHBBIII16sI16sIII",
        encoded.ljust(64, b"\0"),
        len(encoded),
        kind,
        1,  # black
        NO_STREAM,
        right,
        child,
        b"\0" * 16,
        0,
        b"\0" * 16,
        start,
        size,
        0,
    )


def encrypted_xlsx() -> bytes:
    """What Excel writes for a workbook with an open password: an OLE2 file, not a ZIP."""
    return compound_file(
        {
            "EncryptionInfo": b"\x04\x00\x04\x00\x40\x00\x00\x00<encryption/>",
            "EncryptedPackage": b"\x00" * 64,
        }
    )


def ods(rows: Sequence[Sequence[str]]) -> bytes:
    body = "".join(
        "<table:table-row>"
        + "".join(
            f'<table:table-cell office:value-type="string"><text:p>{escape(text)}</text:p>'
            "</table:table-cell>"
            for text in row
        )
        + "</table:table-row>"
        for row in rows
    )
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0"'
        ' xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0"'
        ' xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
        '<office:body><office:spreadsheet><table:table table:name="名单">'
        f"{body}</table:table></office:spreadsheet></office:body></office:document-content>"
    )
    manifest = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"'
        ' manifest:version="1.2"><manifest:file-entry manifest:full-path="/"'
        ' manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
        '<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
        "</manifest:manifest>"
    )
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(
            zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.spreadsheet"
        )
        archive.writestr("META-INF/manifest.xml", manifest)
        archive.writestr("content.xml", content)
    return buffer.getvalue()


def with_cached_value(xlsx: bytes, formula: str, value: str) -> bytes:
    """Copy of an openpyxl-written workbook in which `formula` has the cached `value`."""
    source = zipfile.ZipFile(io.BytesIO(xlsx))
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename.startswith("xl/worksheets/"):
                data = data.replace(
                    f"<f>{formula}</f><v />".encode(), f"<f>{formula}</f><v>{value}</v>".encode()
                )
            target.writestr(info, data)
    return buffer.getvalue()
