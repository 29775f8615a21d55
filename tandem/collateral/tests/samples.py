"""Real files for the collateral tests, built in memory: Office packages written part by
part with zipfile (and Excel by openpyxl, as a real writer), pictures by Pillow, MP4
boxes by hand, PDFs by sample_pdf."""

import io
import struct
import zipfile
from xml.sax.saxutils import escape

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
A = "http://schemas.openxmlformats.org/drawingml/2006/main"
P = "http://schemas.openxmlformats.org/presentationml/2006/main"
MAIN_TYPES = {
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml",
    "pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation.main+xml",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
}
MAIN_PARTS = {
    "docx": "word/document.xml",
    "pptx": "ppt/presentation.xml",
    "xlsx": "xl/workbook.xml",
}


def upload(data: bytes, name: str = "upload.bin") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


def content_types(overrides: dict[str, str]) -> str:
    rows = "".join(
        f'<Override PartName="/{part}" ContentType="{kind}"/>' for part, kind in overrides.items()
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
        '<Default Extension="rels" '
        'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f"{rows}</Types>"
    )


def package(parts: dict[str, bytes | str], *, compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return out.getvalue()


def docx_document(paragraphs: list[str]) -> str:
    body = "".join(
        f'<w:p><w:pPr><w:tabs><w:tab w:val="left" w:pos="720"/></w:tabs></w:pPr>'
        f"<w:r><w:t>{escape(text)}</w:t></w:r></w:p>"
        for text in paragraphs
    )
    return (
        '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
        f'<w:document xmlns:w="{W}"><w:body>{body}'
        '<w:p><w:r><w:t xml:space="preserve">Name</w:t><w:tab/><w:t>Value</w:t></w:r></w:p>'
        "</w:body></w:document>"
    )


def docx(paragraphs: list[str], *, extra: dict[str, bytes | str] | None = None) -> bytes:
    return package(
        {
            "[Content_Types].xml": content_types({"word/document.xml": MAIN_TYPES["docx"]}),
            "word/document.xml": docx_document(paragraphs),
            **(extra or {}),
        }
    )


def slide(lines: list[str]) -> str:
    paragraphs = "".join(f"<a:p><a:r><a:t>{escape(line)}</a:t></a:r></a:p>" for line in lines)
    return (
        f'<p:sld xmlns:p="{P}" xmlns:a="{A}"><p:cSld><p:spTree><p:sp><p:txBody>'
        f"{paragraphs}</p:txBody></p:sp></p:spTree></p:cSld></p:sld>"
    )


def pptx(slides: list[list[str]]) -> bytes:
    parts: dict[str, bytes | str] = {
        "[Content_Types].xml": content_types({"ppt/presentation.xml": MAIN_TYPES["pptx"]}),
        "ppt/presentation.xml": f'<p:presentation xmlns:p="{P}"/>',
    }
    for number, lines in enumerate(slides, start=1):
        parts[f"ppt/slides/slide{number}.xml"] = slide(lines)
    return package(parts)


def xlsx(rows: list[list[object]]) -> bytes:
    import openpyxl

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def image(fmt: str, size: tuple[int, int] = (64, 48), mode: str = "RGB") -> bytes:
    picture = Image.new(mode, size, "#2a7ab0" if mode == "RGB" else 128)
    out = io.BytesIO()
    picture.save(out, fmt)
    return out.getvalue()


def png_header_only(width: int, height: int) -> bytes:
    """A PNG whose header claims ``width`` x ``height`` pixels and holds almost none."""
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data)
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    ihdr = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", ihdr)
        + chunk(b"IDAT", zlib.compress(b"\0"))
        + chunk(b"IEND", b"")
    )


def box(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I", 8 + len(payload)) + kind + payload


def mp4(major: bytes = b"isom", compatible: tuple[bytes, ...] = (b"isom", b"avc1")) -> bytes:
    """The top-level boxes of an MP4 (the movie header's inside is not checked)."""
    ftyp = box(b"ftyp", major + b"\0\0\x02\0" + b"".join(compatible))
    return ftyp + box(b"moov", box(b"mvhd", bytes(100))) + box(b"mdat", bytes(4000))
