"""Text to search and page images to look at, from a collateral file on local disk.

The front-line library searches what is written inside an asset and shows its pages
before anyone downloads it. These are pure functions of a path and a kind that
``files.check_upload`` already decided: the caller takes the file out of storage,
calls them (in a job, as a long PDF takes a while) and keeps what they return.

- Text: PDF through PDFium (pypdfium2: Apache-2.0/BSD-3, where PyMuPDF is AGPL and
  poppler GPL), Word, PowerPoint and Excel by reading their XML parts out of the zip,
  each part capped and refused if it has a DOCTYPE (see ``untrusted``). Pictures and
  video have no text. The result is capped at ``max_chars``, stopping the reading as
  soon as it is reached.
- Pages: a PNG ``width`` pixels wide of one PDF page (rendered by PDFium at the scale
  that gives that width) or of an image (shrunk by Pillow, never enlarged). Office
  files and video have no page images here; ``page_count`` says 0 for them.

Files that cannot be read raise FILE_DAMAGED, as an upload would have.
"""

import io
import re
import zipfile
from collections.abc import Callable, Generator, Iterator
from contextlib import closing

from PIL import Image, ImageOps

from tandem.collateral.files import (
    IMAGE_KINDS,
    KIND_LABELS,
    OFFICE_KINDS,
    PIL_FORMATS,
    guard_pixels,
)
from tandem.collateral.untrusted import (
    ZIP_ERRORS,
    bomb,
    damaged,
    iter_xml,
    local_name,
    open_zip,
    pdf_document,
    read_part,
)

MAX_HEIGHT_RATIO = 8  # a page image is at most this many times as tall as it is wide
_SLIDE = re.compile(r"ppt/slides/slide(\d+)\.xml")
_SHEET = re.compile(r"xl/worksheets/sheet(\d+)\.xml")


def _check_kind(kind: str) -> None:
    if kind not in KIND_LABELS:
        raise ValueError(f"unknown collateral kind {kind!r}")


def page_count(path: str, kind: str) -> int:
    """Pages a preview can show: a PDF's pages, 1 for an image, 0 for Office and video."""
    _check_kind(kind)
    if kind == "pdf":
        with pdf_document(path) as document:
            return len(document)
    return 1 if kind in IMAGE_KINDS else 0


# --- text ----------------------------------------------------------------------------


def extract_text(path: str, kind: str, *, max_chars: int = 1_000_000) -> str:
    """The text written in the file, for search: PDF pages, Word paragraphs, slide text
    and spreadsheet strings, one per line; "" for pictures and video. At most
    ``max_chars`` characters."""
    _check_kind(kind)
    if kind == "pdf":
        pieces: Generator[str] = _pdf_text(path)
    elif kind in OFFICE_KINDS:
        pieces = _office_text(path, kind)
    else:
        return ""
    kept: list[str] = []
    total = 0
    with closing(pieces):  # stopping early closes the file (and frees PDFium) now
        for piece in pieces:
            kept.append(piece)
            total += len(piece) + 1
            if total >= max_chars:
                break
    return "\n".join(kept)[:max_chars].strip()


def _pdf_text(path: str) -> Generator[str]:
    with pdf_document(path) as document:
        for index in range(len(document)):
            page = document[index]
            textpage = page.get_textpage()
            text = textpage.get_text_bounded()
            textpage.close()
            page.close()
            yield text.replace("\r\n", "\n").replace("\r", "\n")


def _office_text(path: str, kind: str) -> Generator[str]:
    with open(path, "rb") as file:  # a missing file is the caller's error, not damage
        try:
            with open_zip(file) as archive:
                yield from _OFFICE_READERS[kind](archive)
        except ZIP_ERRORS as error:  # from zipfile; our own DomainErrors pass through
            raise damaged("This Office file is damaged and cannot be read.") from error


def _paragraphs(data: bytes, paragraph: str, text: str) -> Iterator[str]:
    """Text of each ``paragraph`` element, joining its ``text`` elements, with tabs and
    line breaks kept."""
    line: list[str] = []
    for element in iter_xml(data):
        tag = local_name(element)
        if tag == text:
            line.append(element.text or "")
        elif tag == "tab" and not element.attrib:  # a tab in text; tab stops have a position
            line.append("\t")
        elif tag in {"br", "cr"}:
            line.append("\n")
        elif tag == paragraph:
            if line:
                yield "".join(line)
            line = []
            element.clear()  # the paragraph's children are read; free them
    if line:
        yield "".join(line)


def _numbered(archive: zipfile.ZipFile, pattern: re.Pattern[str]) -> list[str]:
    """Members matching ``pattern`` (with one number in it), in number order."""
    found = [(m, name) for name in archive.namelist() if (m := pattern.fullmatch(name))]
    return [name for m, name in sorted(found, key=lambda pair: int(pair[0].group(1)))]


def _docx_text(archive: zipfile.ZipFile) -> Iterator[str]:
    yield from _paragraphs(read_part(archive, "word/document.xml"), "p", "t")


def _pptx_text(archive: zipfile.ZipFile) -> Iterator[str]:
    for name in _numbered(archive, _SLIDE):
        yield from _paragraphs(read_part(archive, name), "p", "t")


def _xlsx_text(archive: zipfile.ZipFile) -> Iterator[str]:
    """Shared strings (where Excel keeps every text cell) and inline strings."""
    if "xl/sharedStrings.xml" in archive.namelist():
        yield from _paragraphs(read_part(archive, "xl/sharedStrings.xml"), "si", "t")
    for name in _numbered(archive, _SHEET):
        yield from _paragraphs(read_part(archive, name), "is", "t")


_OFFICE_READERS: dict[str, Callable[[zipfile.ZipFile], Iterator[str]]] = {
    "docx": _docx_text,
    "pptx": _pptx_text,
    "xlsx": _xlsx_text,
}


# --- pages ---------------------------------------------------------------------------


def render_page(path: str, kind: str, page: int = 0, *, width: int = 800) -> bytes:
    """A PNG of one page: a PDF page ``width`` pixels wide, or an image shrunk to at
    most ``width`` wide. Very tall pages are drawn narrower, at most
    ``MAX_HEIGHT_RATIO`` times as tall as ``width``. ``page`` counts from 0; kinds
    without pages (``page_count`` 0) are a ValueError, a page past the end an
    IndexError."""
    _check_kind(kind)
    if width < 1:
        raise ValueError("width must be at least one pixel")
    if kind == "pdf":
        image = _render_pdf_page(path, page, width)
    elif kind in IMAGE_KINDS:
        if page != 0:
            raise IndexError(f"an image has one page, not page {page}")
        image = _shrink_image(path, kind, width)
    else:
        raise ValueError(f"{KIND_LABELS[kind]} files have no pages to draw")
    out = io.BytesIO()
    image.save(out, "PNG", compress_level=3)  # a third of the time of level 6, ~10% larger
    return out.getvalue()


def _render_pdf_page(path: str, index: int, width: int) -> Image.Image:
    with pdf_document(path) as document:
        count = len(document)
        if not 0 <= index < count:
            raise IndexError(f"page {index} of a {count}-page PDF")
        page = document[index]
        page_width, page_height = page.get_size()
        if page_width <= 0 or page_height <= 0:
            raise damaged("This PDF is damaged: a page has no size.")
        scale = min(width / page_width, MAX_HEIGHT_RATIO * width / page_height)
        bitmap = page.render(scale=scale, may_draw_forms=False)
        image = bitmap.to_pil().copy()  # its own pixels, before PDFium frees the bitmap's
        bitmap.close()
        page.close()
    target = round(page_width * scale)
    if image.width != target:  # the bitmap's size is rounded per side
        image = image.resize((target, max(1, round(image.height * target / image.width))))
    return image


def _shrink_image(path: str, kind: str, width: int) -> Image.Image:
    label = KIND_LABELS[kind]
    try:
        with Image.open(path, formats=[PIL_FORMATS[kind]]) as opened:
            guard_pixels(opened)
            if kind == "jpeg":  # decode at 1/2, 1/4 or 1/8 scale when that is enough
                opened.draft("RGB", (width, width))
            image = ImageOps.exif_transpose(opened)  # a copy, upright, decoded
            if image.mode not in {"RGB", "RGBA", "L", "LA"}:  # palette, CMYK, 16-bit
                image = image.convert("RGBA" if image.has_transparency_data else "RGB")
            image.thumbnail((width, MAX_HEIGHT_RATIO * width))
            return image
    except Image.DecompressionBombError as error:
        raise bomb(f"This {label} image has too many pixels to open safely.") from error
    except (OSError, SyntaxError, ValueError, EOFError) as error:
        raise damaged(f"This {label} image is damaged and cannot be read.") from error
