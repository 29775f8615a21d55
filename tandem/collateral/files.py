"""What an uploaded file really is, decided by its content, before anything keeps it.

Collateral is passed on to customers and opened by colleagues, so a file is judged by
its bytes, never by its name or the Content-Type the browser sent: "invoice.pdf" that
is a Windows program is refused, and "report.pdf" that is a PNG is kept as a PNG with
a ".png" name. Only eight kinds are kept (PDF, PNG, JPEG, WebP, Word, PowerPoint, Excel,
MP4); SVG and HTML are refused because a browser runs the scripts inside them.

The checks, cheapest first, so a bad file costs little:

1. Size, from ``upload.size``, before a byte is read: empty, or over
   ``TANDEM_COLLATERAL_MAX_BYTES`` (50 MB), is refused at once.
2. The signature in the first bytes, checked strictly at offset 0. ``puremagic`` names
   what a refused file is, for the message; it does not decide what is kept, because
   the release for Python 3.11 (1.30) cannot tell Office files from any zip, misses MP4s
   branded mp41/iso5/avc1, and calls M4A audio "video/mp4".
3. The inside, which a signature alone cannot vouch for: PDFium opens a PDF (and
   refuses one locked with a password), Pillow verifies an image and refuses one whose
   pixel count would exhaust memory when decoded, an Office zip must hold the part
   that makes it Word, PowerPoint or Excel, with no macros and nothing that unpacks to
   far more than it weighs, and an MP4's top-level boxes must tile the file and
   include the movie header.

Reading is streamed (the hash in 1 MB chunks, zips part by part), and the file is
rewound for the caller.
"""

from __future__ import annotations  # File[bytes] is for mypy; Django's File is not generic

import hashlib
import struct
import unicodedata
from dataclasses import dataclass
from typing import IO

import puremagic
from django.conf import settings
from django.core.files.base import File
from PIL import Image

from tandem.collateral.errors import CollateralError
from tandem.collateral.untrusted import (
    bomb,
    damaged,
    drain_part,
    iter_xml,
    local_name,
    open_zip,
    pdf_document,
    read_part,
)
from tandem.core.errors import DomainError

KIND_LABELS = {
    "pdf": "PDF",
    "png": "PNG",
    "jpeg": "JPEG",
    "webp": "WebP",
    "docx": "Word",
    "pptx": "PowerPoint",
    "xlsx": "Excel",
    "mp4": "MP4",
}
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpeg": "image/jpeg",
    "webp": "image/webp",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "mp4": "video/mp4",
}
EXTENSIONS = {
    "pdf": ".pdf",
    "png": ".png",
    "jpeg": ".jpg",
    "webp": ".webp",
    "docx": ".docx",
    "pptx": ".pptx",
    "xlsx": ".xlsx",
    "mp4": ".mp4",
}
IMAGE_KINDS = frozenset({"png", "jpeg", "webp"})
PAGED_KINDS = frozenset({"pdf"}) | IMAGE_KINDS  # the kinds previews draw page images of
OFFICE_KINDS = frozenset({"docx", "pptx", "xlsx"})
PIL_FORMATS = {"png": "PNG", "jpeg": "JPEG", "webp": "WEBP"}

DEFAULT_MAX_BYTES = 50 * 1024 * 1024
DEFAULT_MAX_UNPACKED_BYTES = 200 * 1024 * 1024
BOMB_RATIO = 100  # unpacked : packed, for a member over BOMB_RATIO_FROM bytes
BOMB_RATIO_FROM = 1024 * 1024
CONTENT_TYPES_CAP = 1024 * 1024  # [Content_Types].xml is a few kilobytes
NAME_MAX = 150
_HEAD = 8192
_CHUNK = 1024 * 1024

# The part that makes a zip each Office kind, and the content type it must have.
_MAIN_PARTS = {
    "docx": (
        "word/document.xml",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    ),
    "pptx": (
        "ppt/presentation.xml",
        "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml",
    ),
    "xlsx": (
        "xl/workbook.xml",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
    ),
}
# ISO base media brands of MP4 video; HEIF images, AVIF, QuickTime and M4A audio share
# the container but are not MP4 video.
_MP4_BRANDS = frozenset(
    {b"isom", b"iso2", b"iso4", b"iso5", b"iso6", b"mp41", b"mp42", b"avc1", b"M4V ", b"dash"}
)
_NOT_MP4_VIDEO = frozenset(
    {b"qt  ", b"heic", b"heix", b"mif1", b"msf1", b"avif", b"avis", b"M4A ", b"M4B ", b"M4P "}
)
# Control and format characters (the bidi controls U+202A-E, U+2066-9, U+200E/F and
# U+061C are format characters), and lone surrogates; but the zero-width joiner and
# non-joiner, which Persian, Indic scripts and emoji sequences need, stay.
_CONTROL_AND_FORMAT = frozenset({"Cc", "Cf", "Cs"})
_JOINERS = frozenset({"\u200c", "\u200d"})


@dataclass(frozen=True)
class Checked:
    """An upload that passed: its true kind, and what to store and show it as."""

    kind: str  # "pdf" | "png" | "jpeg" | "webp" | "docx" | "pptx" | "xlsx" | "mp4"
    content_type: str  # "application/pdf", ...
    extension: str  # ".pdf"
    name: str  # safe display name, ending in ``extension``
    size: int
    sha256: str  # hex


def max_bytes() -> int:
    return int(getattr(settings, "TANDEM_COLLATERAL_MAX_BYTES", DEFAULT_MAX_BYTES))


def max_unpacked_bytes() -> int:
    return int(
        getattr(settings, "TANDEM_COLLATERAL_MAX_UNPACKED_BYTES", DEFAULT_MAX_UNPACKED_BYTES)
    )


def _megabytes(size: int) -> str:
    return f"{size / 2**20:,.1f}".removesuffix(".0") + " MB"


def check_upload(upload: File[bytes], *, name: str | None = None) -> Checked:
    """Check an upload (a Django ``File``/``UploadedFile``) by its content, and return
    what it is, or raise a DomainError on ``file``: FILE_EMPTY, FILE_TOO_LARGE (judged
    on ``upload.size`` before reading), FILE_TYPE (not one of the eight kinds, or an
    Office file with macros), FILE_BOMB or FILE_DAMAGED. ``name`` defaults to the
    upload's; the display name gets the true extension. The file is left rewound."""
    limit = max_bytes()
    size = upload.size
    if size is not None and size > limit:
        raise DomainError(
            CollateralError.FILE_TOO_LARGE,
            f"This file is {_megabytes(size)}; a file can be at most {_megabytes(limit)}.",
            field="file",
        )
    if size == 0:
        raise DomainError(CollateralError.FILE_EMPTY, "This file is empty.", field="file")
    if getattr(upload, "closed", False):
        upload.open("rb")
    try:
        upload.seek(0)
        head = upload.read(_HEAD)
        kind = _kind_by_signature(head)
        digest, counted = _hash(upload, limit)
        if counted == 0:
            raise DomainError(CollateralError.FILE_EMPTY, "This file is empty.", field="file")
        kind = _check_inside(kind, upload, counted)
    finally:
        upload.seek(0)
    display = safe_name(upload.name if name is None else name, kind)
    return Checked(kind, CONTENT_TYPES[kind], EXTENSIONS[kind], display, counted, digest)


def _hash(upload: File[bytes], limit: int) -> tuple[str, int]:
    """The SHA-256 and the true length, refusing as soon as it passes ``limit`` (a
    ``size`` that understated)."""
    sha = hashlib.sha256()
    counted = 0
    for chunk in upload.chunks(chunk_size=_CHUNK):  # chunks() starts from the beginning
        counted += len(chunk)
        if counted > limit:
            raise DomainError(
                CollateralError.FILE_TOO_LARGE,
                f"This file is over {_megabytes(limit)}, the most a file can be.",
                field="file",
            )
        sha.update(chunk)
    return sha.hexdigest(), counted


# --- signatures ----------------------------------------------------------------------


def _is_mp4(head: bytes) -> bool:
    """An ``ftyp`` box at offset 4 whose major or compatible brands say MP4 video."""
    if head[4:8] != b"ftyp":
        return False
    (box_size,) = struct.unpack(">I", head[:4])
    if not 16 <= box_size <= len(head):
        return False
    major = head[8:12]
    compatible = {head[i : i + 4] for i in range(16, box_size - 3, 4)}
    return major not in _NOT_MP4_VIDEO and bool(({major} | compatible) & _MP4_BRANDS)


def _kind_by_signature(head: bytes) -> str:
    """The kind the first bytes announce; "zip" for any zip (which Office kind, if any,
    is decided inside). Anything else is FILE_TYPE, naming what it looks like."""
    if head.startswith(b"%PDF-"):
        return "pdf"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if head.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return "webp"
    if head.startswith(b"PK\x03\x04"):
        return "zip"
    if _is_mp4(head):
        return "mp4"
    raise _not_allowed(describe(head))


def _not_allowed(looks_like: str) -> DomainError:
    kinds = list(dict.fromkeys(KIND_LABELS.values()))
    allowed = ", ".join(kinds[:-1]) + " or " + kinds[-1]
    return DomainError(
        CollateralError.FILE_TYPE,
        f"This file is not a {allowed} file ({looks_like}), whatever its name says.",
        field="file",
    )


def describe(head: bytes) -> str:
    """What the first bytes of a refused file look like, for its message: "it looks like
    a Windows program". The dangerous kinds are named here; ``puremagic`` names the rest."""
    text = head.removeprefix(b"\xef\xbb\xbf").lstrip().lower()
    mach_o = {b"\xcf\xfa\xed\xfe", b"\xce\xfa\xed\xfe", b"\xca\xfe\xba\xbe"}
    svg = b"<svg" in text and text.startswith((b"<svg", b"<?xml", b"<!doctype svg"))
    html = text.startswith((b"<!doctype html", b"<html", b"<head", b"<body", b"<script"))
    ours = [
        (head.startswith(b"MZ"), "a Windows program"),
        (head.startswith(b"\x7fELF"), "a Linux program"),
        (head[:4] in mach_o, "a Mac program"),
        (head.startswith(b"#!"), "a script"),
        (text.startswith(b"<?php"), "a PHP script"),
        (svg, "an SVG image"),
        (html, "a web page"),
        (head.startswith(b"PK\x03\x04"), "a zip archive"),
        (head.startswith(b"\xd0\xcf\x11\xe0"), "an old-style or password-protected Office file"),
        (head[4:8] == b"ftyp", "a video or picture of another kind"),
    ]
    for matched, looks_like in ours:
        if matched:
            return f"it looks like {looks_like}"
    try:
        found = puremagic.magic_string(head)
    except (puremagic.PureError, ValueError):
        found = []
    if found and found[0].name:
        label = found[0].name
        article = "an" if label[0].lower() in "aeiou" else "a"
        return f"it looks like {article} {label}"
    try:
        head.decode("utf-8")
    except UnicodeDecodeError:
        return "we could not tell what it is"
    return "it looks like plain text"


# --- inside --------------------------------------------------------------------------


def _check_inside(kind: str, upload: File[bytes], size: int) -> str:
    """The file's kind once its inside is checked (a zip becomes docx, pptx or xlsx)."""
    if kind == "pdf":
        path = getattr(upload, "temporary_file_path", None)
        with pdf_document(path() if path else upload) as document:
            document[0].close()  # the first page loads, as a preview will need it to
    elif kind in IMAGE_KINDS:
        _check_image(upload, kind)
    elif kind == "zip":
        return _check_office(upload)
    elif kind == "mp4":
        _check_mp4(upload, size)
    return kind


def _check_image(upload: File[bytes], kind: str) -> None:
    label = KIND_LABELS[kind]
    upload.seek(0)
    try:
        with Image.open(upload, formats=[PIL_FORMATS[kind]]) as image:
            guard_pixels(image)
            image.verify()
    except Image.DecompressionBombError as error:
        raise bomb(f"This {label} image has too many pixels to open safely.") from error
    except (OSError, SyntaxError, ValueError, struct.error, EOFError) as error:
        raise damaged(f"This {label} image is damaged and cannot be read.") from error


def guard_pixels(image: Image.Image) -> None:
    """Refuse an image whose pixels, decoded, would take gigabytes (Pillow only warns
    between its limit and twice it)."""
    limit = Image.MAX_IMAGE_PIXELS
    if limit is not None and image.width * image.height > limit:
        raise bomb(
            f"This image is {image.width:,} by {image.height:,} pixels, too many to open safely."
        )


def _check_office(fileobj: IO[bytes]) -> str:
    """docx, pptx or xlsx: a zip with its [Content_Types].xml and the main part of one
    kind, typed as such, no macros, and nothing that unpacks out of proportion."""
    cap = max_unpacked_bytes()
    with open_zip(fileobj) as archive:
        members = archive.infolist()
        if sum(member.file_size for member in members) > cap:
            raise bomb(f"This file would unpack to more than {_megabytes(cap)}.")
        for member in members:
            if member.file_size > BOMB_RATIO_FROM and member.file_size > BOMB_RATIO * max(
                member.compress_size, 1
            ):
                raise bomb("A part of this file unpacks to far more than it weighs.")
        names = {member.filename for member in members}
        if "[Content_Types].xml" not in names:
            raise _not_allowed("it looks like a zip archive")
        types = _content_types(read_part(archive, "[Content_Types].xml", CONTENT_TYPES_CAP))
        present = [kind for kind, (part, _type) in _MAIN_PARTS.items() if part in names]
        label = KIND_LABELS[present[0]] if len(present) == 1 else "Office"
        if any("macroenabled" in t or "vbaproject" in t for t in types.values()) or any(
            n.lower().rpartition("/")[2] == "vbaproject.bin" for n in names
        ):
            as_ = EXTENSIONS[present[0]] if len(present) == 1 else ".docx, .pptx or .xlsx"
            raise DomainError(
                CollateralError.FILE_TYPE,
                f"This {label} file contains macros, which can run programs on the computer of "
                f"whoever opens it, so it cannot be uploaded. Save a copy without macros "
                f"(as {as_}) and upload that.",
                field="file",
            )
        if len(present) != 1:
            raise _not_allowed("it looks like an Office file of another kind")
        kind = present[0]
        part, main_type = _MAIN_PARTS[kind]
        found = types.get("/" + part.lower()) or types.get("ext:xml", "")
        if found != main_type.lower():
            raise _not_allowed(f"it looks like a {label} file of another kind, such as a template")
        drain_part(archive, part, cap)
        return kind


def _content_types(data: bytes) -> dict[str, str]:
    """[Content_Types].xml as {"/part/name": type, "ext:xml": default type}, lowercased
    (part names and types compare case-insensitively in Office packages)."""
    types: dict[str, str] = {}
    for element in iter_xml(data):
        tag = local_name(element)
        if tag == "Override":
            types[element.get("PartName", "").lower()] = element.get("ContentType", "").lower()
        elif tag == "Default":
            key = "ext:" + element.get("Extension", "").lower()
            types[key] = element.get("ContentType", "").lower()
    return types


def _check_mp4(fileobj: IO[bytes], size: int) -> None:
    """The top-level boxes run end to end to the file's last byte, and one is ``moov``
    (without it no player can start). Reads 16 bytes a box."""
    offset, seen = 0, set[bytes]()
    while offset < size:
        if len(seen) > 10_000:
            break
        fileobj.seek(offset)
        header = fileobj.read(16)
        if len(header) < 8:
            raise damaged("This MP4 video is damaged: it ends in the middle of a box.")
        box_size, box_type = struct.unpack(">I4s", header[:8])
        if box_size == 1 and len(header) == 16:
            (box_size,) = struct.unpack(">Q", header[8:16])
        elif box_size == 0:  # the last box runs to the end
            box_size = size - offset
        if box_size < 8 or offset + box_size > size:
            raise damaged("This MP4 video is damaged or cut short: a box runs past its end.")
        seen.add(box_type)
        offset += box_size
    if b"moov" not in seen:
        raise damaged("This MP4 video is damaged: it has no movie header (moov box).")


# --- names ---------------------------------------------------------------------------


def _looks_like_extension(suffix: str) -> bool:
    return 1 <= len(suffix) <= 5 and suffix.isascii() and suffix.isalnum() and not suffix.isdigit()


def safe_name(name: str | None, kind: str) -> str:
    """A name to show and to offer for download: the last path part only, without
    control, format or bidi characters (a U+202E between "invoice" and "fdp.exe" makes
    it read "invoiceexe.pdf"), NFC, at most ``NAME_MAX`` characters, never empty, and ending in
    the extension of what the file really is."""
    base = (name or "").replace("\\", "/").rpartition("/")[2]
    kept = "".join(
        " " if c.isspace() else c
        for c in base
        if c.isspace() or c in _JOINERS or unicodedata.category(c) not in _CONTROL_AND_FORMAT
    )
    clean = " ".join(unicodedata.normalize("NFC", kept).split()).rstrip(". ")
    stem, dot, suffix = clean.rpartition(".")
    if not (dot and _looks_like_extension(suffix)):
        stem = clean  # no extension to replace: "Q3 plan v1.2", ".htaccess"
    extension = EXTENSIONS[kind]
    stem = stem.lstrip(". ")[: NAME_MAX - len(extension)].rstrip(". ")  # no hidden files
    return (stem or "file") + extension
