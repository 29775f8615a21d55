"""Small, valid PDFs written by hand, for the demo, the tests and the benchmarks.

The collateral checks and previews need real PDFs to chew on, and a test that builds
its own file says exactly what is in it. A PDF with a few pages of text is simple
enough to write directly (objects, one content stream per page, a cross-reference
table with exact byte offsets), so no PDF library is needed to make one; pypdfium2
reading the text back is what proves the files are valid.

Text uses Helvetica, one of the standard 14 fonts every reader has, so nothing is
embedded; characters outside WinAnsi (cp1252) become "?". ``make_pdf_of_size`` adds
an uncompressed RGB image to the first page to reach a target size, as real collateral
is large because of its pictures: a benchmark of a 20 MB upload then pays for the
decoding a real one would.
"""

from collections.abc import Iterable, Sequence

PAGE_WIDTH = 612  # US Letter, in points
PAGE_HEIGHT = 792
_FONT_SIZE = 12
_LEADING = 14
_MARGIN = 72
_HEADER = b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"  # the binary comment marks the file as binary


def _literal(text: str) -> bytes:
    """A PDF literal string in WinAnsi encoding, with its delimiters escaped."""
    raw = text.encode("cp1252", errors="replace")
    raw = raw.replace(b"\\", b"\\\\").replace(b"(", b"\\(").replace(b")", b"\\)")
    return b"(" + raw.replace(b"\r", b"\\r").replace(b"\n", b"\\n") + b")"


def _text_string(text: str) -> bytes:
    """A PDF text string (for the Info dictionary): UTF-16BE with its BOM, as hex."""
    return b"<FEFF" + text.encode("utf-16-be").hex().upper().encode() + b">"


def _stream(dictionary: bytes, data: bytes) -> bytes:
    return b"<< " + dictionary + b" /Length %d >>\nstream\n" % len(data) + data + b"\nendstream"


def _page_content(lines: Sequence[str], *, image: bool) -> bytes:
    ops = []
    if image:  # the picture sits at the foot of the page, below 30 lines of text
        ops.append(
            b"q %d 0 0 200 %d %d cm /Im1 Do Q" % (PAGE_WIDTH - 2 * _MARGIN, _MARGIN, _MARGIN)
        )
    ops.append(
        b"BT /F1 %d Tf %d TL %d %d Td"
        % (_FONT_SIZE, _LEADING, _MARGIN, PAGE_HEIGHT - _MARGIN - _FONT_SIZE)
    )
    for index, line in enumerate(lines):
        ops.append((b"" if index == 0 else b"T* ") + _literal(line) + b" Tj")
    ops.append(b"ET")
    return b"\n".join(ops)


def _write(objects: list[bytes], *, info: int | None) -> bytes:
    """Objects numbered from 1 in list order (object 1 is the catalog), the xref table
    with each object's byte offset, and the trailer."""
    out = bytearray(_HEADER)
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref_at = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    trailer = b"/Size %d /Root 1 0 R" % (len(objects) + 1)
    if info is not None:
        trailer += b" /Info %d 0 R" % info
    out += b"trailer\n<< " + trailer + b" >>\nstartxref\n%d\n%%%%EOF\n" % xref_at
    return bytes(out)


def _document(
    pages: Sequence[Sequence[str]], *, title: str, image: tuple[int, int, bytes] | None
) -> bytes:
    # 1 catalog, 2 page tree, 3 font, 4 info, [5 image], then a page and its content each.
    first_page = 6 if image else 5
    kids = b" ".join(b"%d 0 R" % (first_page + 2 * i) for i in range(len(pages)))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [%s] /Count %d >>" % (kids, len(pages)),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
        b"<< /Title " + _text_string(title) + b" /Producer (Tandem sample_pdf) >>",
    ]
    if image:
        width, height, pixels = image
        objects.append(
            _stream(
                b"/Type /XObject /Subtype /Image /Width %d /Height %d"
                b" /ColorSpace /DeviceRGB /BitsPerComponent 8" % (width, height),
                pixels,
            )
        )
    for index, lines in enumerate(pages):
        resources = b"<< /Font << /F1 3 0 R >>"
        if image and index == 0:
            resources += b" /XObject << /Im1 5 0 R >>"
        resources += b" >>"
        objects.append(
            b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 %d %d] /Resources %s /Contents %d 0 R >>"
            % (PAGE_WIDTH, PAGE_HEIGHT, resources, first_page + 2 * index + 1)
        )
        objects.append(_stream(b"", _page_content(lines, image=bool(image) and index == 0)))
    return _write(objects, info=4)


def make_pdf(pages: Sequence[Sequence[str]], *, title: str = "") -> bytes:
    """A valid PDF with one page per item of ``pages``, each a list of text lines set
    top-down in 12-point Helvetica. Lines are not wrapped: keep them under ~90
    characters and ~45 to a page. At least one page is written, blank if need be."""
    return _document(pages or [[]], title=title, image=None)


def _lines_of(words: Sequence[str], count: int) -> Iterable[str]:
    """``count`` lines of about 80 characters, cycling through ``words``."""
    index = 0
    for _ in range(count):
        line: list[str] = []
        while sum(len(w) + 1 for w in line) < 80:
            line.append(words[index % len(words)])
            index += 1
        yield " ".join(line)


def make_pdf_of_size(
    target_bytes: int, *, words: Sequence[str], pages: int = 3, title: str = ""
) -> bytes:
    """A valid PDF of ``pages`` pages of text from ``words``, grown to about
    ``target_bytes`` (within a few kilobytes) by an uncompressed picture on page one.

    The picture is a colour gradient 1,600 pixels wide, as tall as the size needs; a
    target below the text alone gives the text alone."""
    if not words:
        raise ValueError("make_pdf_of_size needs at least one word")
    text = [list(_lines_of([*words[i:], *words[:i]], 30)) for i in range(pages)]
    plain = _document(text, title=title, image=None)
    overhead = 400  # the image object's dictionary and the larger xref and resources
    room = target_bytes - len(plain) - overhead
    width = 1600
    height = room // (width * 3)
    if height < 1:
        return plain
    row = bytes(value for x in range(width) for value in (x * 255 // width, 128, 96))
    shifts = [(y * 3) % len(row) for y in range(height)]  # a diagonal band, row by row
    pixels = b"".join(row[k:] + row[:k] for k in shifts)
    return _document(text, title=title, image=(width, height, pixels))
