"""Reading an uploaded CSV or XLSX file as a stream of rows, for every import.

One reader for contacts and touchpoints, so the rules below hold for both:

- A CSV is decoded line by line (a bad byte is reported on its line) and a quoted field
  whose closing quote never comes is refused with the row and line where it opened,
  instead of silently becoming one field holding the rest of the file.
- An XLSX is a zip archive. openpyxl loads a workbook's whole shared-strings table into
  memory even in read-only mode, so a 1 MB file can unpack to gigabytes: the archive's
  member sizes and compression ratio are checked before openpyxl opens it. The sizes
  checked are the ones the archive declares, which bound what ``zipfile`` will ever
  inflate (it stops at the declared size), so a lying header only truncates the member.
- Sheets are always read in openpyxl's read-only (streaming) mode.
"""

from __future__ import annotations

import codecs
import csv
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from tandem.core.errors import DomainError, ErrorCode

# What an honest workbook stays under. Spreadsheet XML compresses about 5-30 times; a
# zip bomb compresses hundreds of times. A 1,000,000-row contact sheet unpacks to about
# 400 MB in all, its shared strings to well under 256 MB.
MAX_XLSX_UNPACKED = 1024 * 1024 * 1024
MAX_SHARED_STRINGS = 256 * 1024 * 1024
MAX_XLSX_RATIO = 100
# Members smaller than this may compress as they like (a tiny file's ratio means nothing).
RATIO_FROM_BYTES = 10 * 1024 * 1024


def bad_file(message: str) -> DomainError:
    return DomainError(ErrorCode.INVALID, message, field="file")


# --- CSV ------------------------------------------------------------------------------------
class _Lines:
    """The file's lines decoded one by one, remembering the lines of the record being
    parsed so an unterminated quote can be told from a closed one at the end."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self.record: list[str] = []

    def __iter__(self) -> Iterator[str]:
        # Read a megabyte at a time: each read lets other threads take the GIL, and the
        # import reads ahead in a thread while its writer works (core.readahead).
        with self.path.open("rb", buffering=1 << 20) as raw:
            for number, line in enumerate(raw, start=1):
                try:
                    text = (line.removeprefix(codecs.BOM_UTF8) if number == 1 else line).decode()
                except UnicodeDecodeError:
                    raise bad_file(
                        f"Line {number} is not UTF-8 text. In Excel use Save As → 'CSV UTF-8', "
                        "then import again."
                    ) from None
                self.record.append(text)
                yield text


class _Utf16Lines(_Lines):
    def __iter__(self) -> Iterator[str]:
        with self.path.open(encoding="utf-16", newline="") as text:
            for line in text:
                self.record.append(line)
                yield line


def _unterminated(lines: list[str]) -> bool:
    """Whether these lines (one record) end inside a quoted field. Python's reader, not
    strict, closes such a field silently at the end of the input; strict, it says so.
    Only the last record is re-read, so a sloppy quote elsewhere is still tolerated."""
    try:
        for _ in csv.reader(lines, strict=True):
            pass
    except csv.Error as exc:
        return "unexpected end of data" in str(exc)
    return False


def _csv_rows(path: Path) -> Iterator[list[str]]:
    with path.open("rb") as raw:
        utf16 = raw.read(2) in (codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)
    lines = _Utf16Lines(path) if utf16 else _Lines(path)
    reader = csv.reader(lines)
    row_number = 0
    while True:
        lines.record = []
        first_line = reader.line_num + 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            raise bad_file(f"Line {reader.line_num}: the CSV is malformed ({exc}).") from None
        row_number += 1
        if len(lines.record) > 1 and _unterminated(lines.record):
            raise bad_file(
                f"Row {row_number} (line {first_line}): a quote opens a value that is never "
                f"closed, so lines {first_line} to {reader.line_num} would become one value. "
                "Close or remove that quote, then import again; nothing was imported."
            )
        yield row


# --- XLSX -----------------------------------------------------------------------------------
def check_xlsx_archive(path: Path) -> None:
    """Refuse a workbook that would unpack to more than an import may hold, before any
    XML in it is parsed."""
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, OSError):
        raise bad_file("This is not a readable XLSX workbook.") from None
    unpacked = sum(m.file_size for m in members)
    packed = sum(m.compress_size for m in members)
    name = path.name
    if unpacked > MAX_XLSX_UNPACKED:
        raise bad_file(
            f"{name} would unpack to {unpacked // (1024 * 1024):,} MB, more than the "
            f"{MAX_XLSX_UNPACKED // (1024 * 1024):,} MB an import reads. Save it as CSV "
            "or split it."
        )
    for member in members:
        if member.filename.lower().endswith("sharedstrings.xml") and (
            member.file_size > MAX_SHARED_STRINGS
        ):
            raise bad_file(
                f"{name} holds {member.file_size // (1024 * 1024):,} MB of text cells, more "
                f"than the {MAX_SHARED_STRINGS // (1024 * 1024):,} MB an import reads. Save "
                "it as CSV or split it."
            )
    bulky = [m for m in members if m.file_size >= RATIO_FROM_BYTES]
    if any(m.file_size > MAX_XLSX_RATIO * max(m.compress_size, 1) for m in bulky) or (
        unpacked >= RATIO_FROM_BYTES and unpacked > MAX_XLSX_RATIO * max(packed, 1)
    ):
        raise bad_file(
            f"{name} is compressed more than {MAX_XLSX_RATIO} times, as no spreadsheet is; "
            "it is refused unread. Save it again from your spreadsheet program."
        )


def _open_xlsx(path: Path, *, data_only: bool = True) -> Any:
    from openpyxl import load_workbook

    check_xlsx_archive(path)
    try:
        return load_workbook(path, read_only=True, data_only=data_only)
    except Exception:
        raise bad_file("This is not a readable XLSX workbook.") from None


def _xlsx_rows(path: Path) -> Iterator[list[str]]:
    book = _open_xlsx(path)
    try:
        for row in book.worksheets[0].iter_rows(values_only=True):
            yield ["" if cell is None else str(cell) for cell in row]
    finally:
        book.close()


# --- Both -----------------------------------------------------------------------------------
def rows_of(path: Path) -> Iterator[list[str]]:
    if path.suffix.lower() == ".xlsx":
        return _xlsx_rows(path)
    return _csv_rows(path)


def count_rows(path: Path) -> int:
    """Data rows (not the header), for the progress bar. Reading the whole file also
    refuses a malformed one before an import writes anything."""
    if path.suffix.lower() == ".xlsx":
        book = _open_xlsx(path, data_only=False)
        try:
            declared = book.worksheets[0].max_row
        finally:
            book.close()
        if declared:
            return max(0, declared - 1)
    return max(0, sum(1 for _ in rows_of(path)) - 1)


def headers_of(path: Path) -> list[str]:
    """The header row, checked: present, no blank and no repeated column names."""
    try:
        first = next(iter(rows_of(path)))
    except StopIteration:
        raise bad_file("The file is empty.") from None
    headers = [h.strip() for h in first]
    while headers and not headers[-1]:
        headers.pop()  # trailing empty columns are common in spreadsheet exports
    if not headers:
        raise bad_file("The first row must hold the column names.")
    if "" in headers:
        raise bad_file(f"Column {headers.index('') + 1} has no name in the first row.")
    lowered = [h.lower() for h in headers]
    repeated = sorted({h for h in headers if lowered.count(h.lower()) > 1})
    if repeated:
        raise bad_file(f"These columns appear twice: {', '.join(repeated)}.")
    return headers
