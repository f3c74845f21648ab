"""CSV (and Excel's tab-delimited "Unicode text"): decode, sniff the delimiter, stream records.

The encoding is decided from the first bytes that are not ASCII: UTF-8 (with or without BOM)
if they decode as UTF-8, else GB18030 (a superset of GBK and GB2312, what Excel on a Chinese
Windows writes). The rest of the file is decoded as it streams; a byte sequence that does not
decode is reported with its record number.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import BinaryIO

from django.utils.translation import gettext_lazy as _

from fupin.tabular.errors import TabularError
from fupin.tabular.table import RowStream, SourceRow

Opener = Callable[[], AbstractContextManager[BinaryIO]]

CHUNK_SIZE = 64 * 1024
WINDOW = 4096
DELIMITERS = (",", "\t", ";")
SNIFF_LINES = 50
_QUOTED = re.compile(r'"[^"]*"')
_NON_ASCII = re.compile(rb"[\x80-\xff]")


def bad_encoding(row: int | None = None) -> TabularError:
    return TabularError(
        "bad_encoding",
        _("The text file is neither UTF-8 nor GBK/GB18030. Save it from Excel as CSV and retry."),
        row=row,
    )


def sniff_encoding(stream: BinaryIO) -> str:
    """'utf-8-sig', 'utf-16', 'utf-8' or 'gb18030'; reads chunk by chunk, never the whole file."""
    stream.seek(0)
    head = stream.read(4)
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    stream.seek(0)
    while chunk := stream.read(CHUNK_SIZE):
        found = _NON_ASCII.search(chunk)
        if found is None:
            continue
        window = chunk[found.start() : found.start() + WINDOW] + stream.read(WINDOW)
        return decodable_as(window[:WINDOW])
    return "utf-8"  # plain ASCII


def decodable_as(window: bytes) -> str:
    for encoding in ("utf-8", "gb18030"):
        try:
            codecs.getincrementaldecoder(encoding)().decode(window, final=False)
        except UnicodeDecodeError:
            continue
        return encoding
    raise bad_encoding()


def sniff_delimiter(sample: str) -> str:
    """The candidate that occurs most often outside quotes in the first lines; comma if none."""
    lines = _QUOTED.sub("", sample).splitlines()[:SNIFF_LINES]
    counts = {candidate: sum(line.count(candidate) for line in lines) for candidate in DELIMITERS}
    best = max(DELIMITERS, key=lambda candidate: counts[candidate])
    return best if counts[best] else ","


def csv_dialect(opener: Opener) -> tuple[str, str]:
    """(encoding, delimiter) of the file, from its first bytes."""
    with opener() as stream:
        encoding = sniff_encoding(stream)
        stream.seek(0)
        sample = stream.read(CHUNK_SIZE)
    decoder = codecs.getincrementaldecoder(encoding)(errors="replace")
    return encoding, sniff_delimiter(decoder.decode(sample, final=False))


def csv_rows(opener: Opener, encoding: str, delimiter: str) -> RowStream:
    """Records as SourceRows; `number` counts records (what Excel shows as the row number).

    Undecodable bytes become lone surrogates (surrogateescape), which cannot be encoded back;
    checking each record that way names the exact record, where the decoder, which works in
    chunks, would only know the neighbourhood.
    """
    with opener() as stream:
        stream.seek(0)
        text = io.TextIOWrapper(stream, encoding=encoding, errors="surrogateescape", newline="")
        number = 0
        try:
            for number, record in enumerate(csv.reader(text, delimiter=delimiter), start=1):
                "".join(record).encode("utf-8")
                cells: list[str | None] = [value.strip() or None for value in record]
                while cells and cells[-1] is None:
                    cells.pop()
                yield SourceRow(number, cells)
        except UnicodeError:
            raise bad_encoding(number) from None
        except csv.Error:
            raise TabularError(
                "malformed_csv",
                _("The CSV file is malformed (an unclosed quote or a field that is too long)."),
                row=number + 1,
            ) from None
        finally:
            text.detach()
