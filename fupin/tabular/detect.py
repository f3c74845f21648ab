"""Tell a file's format from its first bytes, never from its name.

A workbook is a ZIP (xlsx, ods) or an OLE2 compound file (xls). A password-protected xlsx is
also an OLE2 compound file: Excel wraps the encrypted package in streams named
``EncryptionInfo`` and ``EncryptedPackage`` (MS-OFFCRYPTO), so we read the compound file's
directory (MS-CFB) to tell the two apart. Everything else must decode as text to be a CSV.
"""

from __future__ import annotations

import struct
import zipfile
from typing import BinaryIO, Literal

from django.utils.translation import gettext_lazy as _

from fupin.tabular.errors import TabularError

Kind = Literal["xlsx", "ods", "xls", "text"]

ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
OLE_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")
# Formats people rename to .xlsx or .csv by mistake; each is refused with a clear code.
BINARY_MAGIC = (
    b"%PDF",
    b"\x89PNG",
    b"\xff\xd8\xff",
    b"GIF8",
    b"Rar!",
    b"7z\xbc\xaf\x27\x1c",
    b"\x1f\x8b",
    b"BZh",
    b"MZ",
    b"\x7fELF",
)
UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")
ODS_MIMETYPE = b"application/vnd.oasis.opendocument.spreadsheet"
ENCRYPTED_STREAMS = frozenset({"EncryptionInfo", "EncryptedPackage"})
XLS_STREAMS = frozenset({"Workbook", "Book"})
SAMPLE_SIZE = 64 * 1024


def unsupported() -> TabularError:
    return TabularError(
        "unsupported_type",
        _("The file is not a spreadsheet. Upload an Excel workbook (.xlsx, .xls) or a CSV file."),
    )


def markup() -> TabularError:
    # Many systems export a web page (HTML) or an XML Spreadsheet 2003 and name it .xls.
    return TabularError(
        "unsupported_type",
        _(
            "The file is a web page or an XML spreadsheet, not a workbook. Open it in Excel, "
            "save it as an Excel workbook (.xlsx) and retry."
        ),
    )


def corrupt(row: int | None = None) -> TabularError:
    return TabularError(
        "corrupt_workbook",
        _("The workbook is damaged and cannot be read. Open it in Excel, save it again and retry."),
        row=row,
    )


def password_protected() -> TabularError:
    return TabularError(
        "password_protected",
        _("The workbook is protected by a password. Remove the password in Excel and retry."),
    )


def detect_kind(stream: BinaryIO) -> Kind:
    """The format of the content; raises TabularError for empty, binary or unusable files."""
    stream.seek(0)
    head = stream.read(SAMPLE_SIZE)
    stream.seek(0)
    if not head.strip():
        raise TabularError("empty_file", _("The file is empty."))
    if head.startswith(ZIP_MAGIC):
        return zip_kind(stream)
    if head.startswith(OLE_MAGIC):
        return ole_kind(stream)
    if head.startswith(BINARY_MAGIC):
        raise unsupported()
    if b"\x00" in head and not head.startswith(UTF16_BOMS):
        raise unsupported()
    if head.removeprefix(b"\xef\xbb\xbf").lstrip().startswith(b"<"):
        raise markup()
    return "text"


def zip_kind(stream: BinaryIO) -> Kind:
    try:
        with zipfile.ZipFile(stream) as archive:
            names = set(archive.namelist())
            if "xl/workbook.xml" in names:
                return "xlsx"
            if "mimetype" in names and archive.read("mimetype").strip() == ODS_MIMETYPE:
                return "ods"
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError):
        raise corrupt() from None
    finally:
        stream.seek(0)
    raise unsupported()  # a .docx, a .zip of photos …


def ole_kind(stream: BinaryIO) -> Kind:
    try:
        names = ole_stream_names(stream)
    except (ValueError, struct.error):
        raise corrupt() from None
    finally:
        stream.seek(0)
    if names & ENCRYPTED_STREAMS:
        raise password_protected()
    if names & XLS_STREAMS:
        return "xls"
    raise unsupported()  # a .doc or .ppt


# --- MS-CFB: just enough to list the directory -------------------------------------------

END_OF_CHAIN = 0xFFFFFFFE
MAX_REGULAR_SECTOR = 0xFFFFFFFA
HEADER_DIFAT_ENTRIES = 109
DIRECTORY_ENTRY_SIZE = 128
MAX_DIRECTORY_SECTORS = 4096  # a corrupt chain must not loop forever


class CompoundFile:
    """Reads sectors and FAT entries of an OLE2 file on demand (never the whole file)."""

    def __init__(self, stream: BinaryIO) -> None:
        stream.seek(0)
        header = stream.read(512)
        if len(header) < 512 or not header.startswith(OLE_MAGIC):
            raise ValueError("short header")
        shift = struct.unpack_from("<H", header, 0x1E)[0]
        if shift not in (9, 12):
            raise ValueError("bad sector size")
        self.stream = stream
        self.sector_size = 1 << shift
        self.first_directory = struct.unpack_from("<I", header, 0x30)[0]
        self.first_difat, self.difat_count = struct.unpack_from("<II", header, 0x44)
        self.header_difat = struct.unpack_from(f"<{HEADER_DIFAT_ENTRIES}I", header, 0x4C)

    def read_sector(self, sector: int) -> bytes:
        if sector > MAX_REGULAR_SECTOR:
            raise ValueError("not a regular sector")
        self.stream.seek((sector + 1) * self.sector_size)
        data = self.stream.read(self.sector_size)
        if len(data) < self.sector_size:
            raise ValueError("truncated sector")
        return data

    def fat_sector_location(self, index: int) -> int:
        if index < HEADER_DIFAT_ENTRIES:
            return int(self.header_difat[index])
        per_sector = self.sector_size // 4 - 1  # the last entry links the next DIFAT sector
        index -= HEADER_DIFAT_ENTRIES
        sector = self.first_difat
        for _hop in range(min(index // per_sector, self.difat_count)):
            sector = struct.unpack_from("<I", self.read_sector(sector), per_sector * 4)[0]
        return int(struct.unpack_from("<I", self.read_sector(sector), (index % per_sector) * 4)[0])

    def next_sector(self, sector: int) -> int:
        per_sector = self.sector_size // 4
        fat_sector = self.read_sector(self.fat_sector_location(sector // per_sector))
        return int(struct.unpack_from("<I", fat_sector, (sector % per_sector) * 4)[0])

    def directory_names(self) -> set[str]:
        names: set[str] = set()
        sector = self.first_directory
        for _hop in range(MAX_DIRECTORY_SECTORS):
            if sector == END_OF_CHAIN:
                return names
            data = self.read_sector(sector)
            for offset in range(0, self.sector_size, DIRECTORY_ENTRY_SIZE):
                names.update(entry_name(data[offset : offset + DIRECTORY_ENTRY_SIZE]))
            sector = self.next_sector(sector)
        raise ValueError("directory chain does not end")


def entry_name(entry: bytes) -> list[str]:
    """The name of a used directory entry (storage, stream or root), else nothing."""
    length, kind = struct.unpack_from("<HB", entry, 0x40)
    if kind not in (1, 2, 5) or not 2 <= length <= 64:
        return []
    return [entry[: length - 2].decode("utf-16-le", errors="replace")]


def ole_stream_names(stream: BinaryIO) -> set[str]:
    """The names in an OLE2 file's directory; ValueError or struct.error if it is malformed."""
    return CompoundFile(stream).directory_names()
