"""Reading bytes that came from outside: zip parts with a cap, XML without a DOCTYPE, and
PDFium one call at a time.

Uploads (files.py) and previews (previews.py) both open files anyone could have
crafted, so the ways of opening them live here, once:

- A zip's central directory states each member's size, but nothing makes it true. The
  member count is read from the end record before ``zipfile`` builds one object per
  member (a 50 MB zip can list a million), and every part is read with a cap, never on
  the word of its ``file_size``: ``zipfile`` stops at the stated size and fails the CRC
  when the data runs on, which we report as a damaged file.
- XML parts are refused when they carry a DOCTYPE, which is where entity definitions
  (the "billion laughs") live; Office never writes one. The check is made on decoded
  text, so a UTF-16 part cannot hide it, and encodings outside UTF-8/UTF-16/Latin-1 are
  refused rather than handed to a codec we did not look at. ``defusedxml`` would do the
  same but is not a dependency, and this is all the protection these parts need.
- PDFium keeps global state and is not thread-safe: every use holds ``PDFIUM_LOCK``
  from opening the document to closing it (``pdf_document``).
"""

import codecs
import re
import struct
import threading
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from typing import IO, Any
from xml.etree import ElementTree

import pypdfium2 as pdfium
import pypdfium2.raw as pdfium_raw

from tandem.collateral.errors import CollateralError
from tandem.core.errors import DomainError

PDFIUM_LOCK = threading.Lock()

MAX_MEMBERS = 10_000  # a large PowerPoint has a few thousand parts
MAX_XML_BYTES = 32 * 1024 * 1024  # one XML part, unpacked, that we will parse
_END_RECORD = b"PK\x05\x06"
_ZIP64_LOCATOR = b"PK\x06\x07"
_ZIP64_END_RECORD = b"PK\x06\x06"
# Reading a damaged or hostile zip fails in any of these ways, depending on where.
ZIP_ERRORS = (
    zipfile.BadZipFile,
    zlib.error,
    EOFError,
    OSError,
    ValueError,
    NotImplementedError,
    RuntimeError,  # an encrypted member: "password required"
    struct.error,
)


def damaged(message: str) -> DomainError:
    return DomainError(CollateralError.FILE_DAMAGED, message, field="file")


def bomb(message: str) -> DomainError:
    return DomainError(CollateralError.FILE_BOMB, message, field="file")


def declared_member_count(fileobj: IO[bytes]) -> int:
    """How many members the zip's end record says it has, read without parsing the
    central directory (ZIP64 included)."""
    try:
        size = fileobj.seek(0, 2)
        tail_size = min(size, 22 + 0xFFFF + 20)  # end record, longest comment, ZIP64 locator
        fileobj.seek(size - tail_size)
        tail = fileobj.read(tail_size)
        at = tail.rfind(_END_RECORD)
        if at < 0 or len(tail) - at < 22:
            raise damaged("This Office file is damaged: its zip directory is missing.")
        (count,) = struct.unpack_from("<H", tail, at + 10)
        if count == 0xFFFF and at >= 20 and tail[at - 20 : at - 16] == _ZIP64_LOCATOR:
            (record_at,) = struct.unpack_from("<Q", tail, at - 20 + 8)
            fileobj.seek(record_at)
            record = fileobj.read(56)
            if len(record) < 40 or record[:4] != _ZIP64_END_RECORD:
                raise damaged("This Office file is damaged: its zip directory is missing.")
            (count,) = struct.unpack_from("<Q", record, 32)
        return int(count)
    finally:
        fileobj.seek(0)


def open_zip(fileobj: IO[bytes]) -> zipfile.ZipFile:
    """The zip, once its end record says it has no more than ``MAX_MEMBERS`` members.
    The caller closes it (``with open_zip(f) as zf``)."""
    if declared_member_count(fileobj) > MAX_MEMBERS:
        raise bomb(f"This file holds more than {MAX_MEMBERS:,} parts, far more than any real one.")
    try:
        archive = zipfile.ZipFile(fileobj)
    except ZIP_ERRORS as error:
        raise damaged("This Office file is damaged and cannot be opened.") from error
    if len(archive.infolist()) > MAX_MEMBERS:
        archive.close()
        raise bomb(f"This file holds more than {MAX_MEMBERS:,} parts, far more than any real one.")
    return archive


def read_part(archive: zipfile.ZipFile, name: str, cap: int = MAX_XML_BYTES) -> bytes:
    """The unpacked bytes of one member, refused past ``cap`` bytes whatever its header
    says (FILE_BOMB); a member that does not unpack is FILE_DAMAGED."""
    try:
        info = archive.getinfo(name)
        if info.file_size > cap:
            raise bomb(f"A part of this file unpacks to more than {cap // 2**20} MB.")
        with archive.open(info) as member:
            data = member.read(cap + 1)
    except KeyError as error:
        raise damaged(f"This Office file is damaged: its part {name} is missing.") from error
    except ZIP_ERRORS as error:
        raise damaged(f"This Office file is damaged: its part {name} cannot be read.") from error
    if len(data) > cap:
        raise bomb(f"A part of this file unpacks to more than {cap // 2**20} MB.")
    return data


def drain_part(archive: zipfile.ZipFile, name: str, cap: int) -> int:
    """Unpack one member to nowhere, to prove it unpacks and matches its CRC; its size.
    Streams, so a large part costs time, not memory."""
    total = 0
    try:
        with archive.open(name) as member:
            while chunk := member.read(1024 * 1024):
                total += len(chunk)
                if total > cap:
                    raise bomb(f"A part of this file unpacks to more than {cap // 2**20} MB.")
    except KeyError as error:
        raise damaged(f"This Office file is damaged: its part {name} is missing.") from error
    except ZIP_ERRORS as error:
        raise damaged(f"This Office file is damaged: its part {name} cannot be read.") from error
    return total


_XML_DECLARATION = re.compile(r"\A\s*<\?xml[^>]*\?>")
_DECLARED_ENCODING = re.compile(rb"""\A\s*<\?xml[^>]*?encoding\s*=\s*["']([A-Za-z0-9._-]+)""")
_SAFE_ENCODINGS = {"utf-8", "ascii", "iso8859-1"}  # codecs' own names for them


def _decode_xml(data: bytes) -> str:
    if data.startswith(codecs.BOM_UTF8):
        return data[3:].decode("utf-8")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16")
    declared = _DECLARED_ENCODING.match(data[:200])
    encoding = declared.group(1).decode() if declared else "utf-8"
    try:
        name = codecs.lookup(encoding).name
    except LookupError:
        name = encoding
    if name not in _SAFE_ENCODINGS:
        raise UnicodeError(f"unexpected XML encoding {encoding}")
    return data.decode(name)


def iter_xml(data: bytes) -> Iterator[ElementTree.Element]:
    """Each element of an XML part as its end tag is reached (document order of ends),
    refusing a DOCTYPE, and so any entity, as FILE_DAMAGED."""
    try:
        text = _decode_xml(data)
    except UnicodeError as error:
        raise damaged("This Office file is damaged: a part is not readable text.") from error
    if "<!DOCTYPE" in text or "<!ENTITY" in text:
        raise damaged("This Office file has a part with a DOCTYPE, which Office never writes.")
    parser = ElementTree.XMLPullParser(events=("end",))
    try:
        parser.feed(_XML_DECLARATION.sub("", text, count=1))
        parser.close()
        for event in parser.read_events():
            element = event[-1]
            if isinstance(element, ElementTree.Element):  # always, for "end" events
                yield element
    except ElementTree.ParseError as error:
        raise damaged("This Office file is damaged: a part is not well-formed XML.") from error


def local_name(element: ElementTree.Element) -> str:
    """The tag without its namespace: ``{http://...}t`` is ``t``."""
    return element.tag.rpartition("}")[2]


@contextmanager
def pdf_document(source: str | IO[bytes]) -> Iterator[Any]:
    """An open ``pypdfium2.PdfDocument`` (a path or a seekable binary stream), used
    while holding ``PDFIUM_LOCK`` and closed on leaving. A PDF that PDFium cannot
    load, that has no page, or that needs a password to open is FILE_DAMAGED."""
    with PDFIUM_LOCK:
        try:
            document = pdfium.PdfDocument(source)
        except pdfium.PdfiumError as error:
            if error.err_code == pdfium_raw.FPDF_ERR_PASSWORD:
                raise damaged(
                    "This PDF needs a password to open, so nobody could read it here. "
                    "Save a copy without the password and upload that."
                ) from error
            raise damaged("This PDF is damaged and cannot be opened.") from error
        try:
            yield document
        except pdfium.PdfiumError as error:
            raise damaged("This PDF is damaged: a page of it cannot be read.") from error
        finally:
            document.close()
