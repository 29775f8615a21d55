"""Text and page images from files on disk, and the sample PDFs they are tested on."""

import io
import threading

import pypdfium2 as pdfium
import pytest
from django.core.files.base import File
from PIL import Image

from tandem.collateral import previews, sample_pdf
from tandem.collateral.errors import CollateralError
from tandem.collateral.files import check_upload
from tandem.collateral.previews import extract_text, page_count, render_page
from tandem.collateral.tests import samples
from tandem.core.errors import DomainError

PAGES = [
    ["Spring offer: 20% off (members only)", "Valid until 30 April"],
    ["Second page", "Café, naïve, Zürich"],
    ["Third page"],
]


@pytest.fixture
def write(tmp_path):
    def write(name: str, data: bytes) -> str:
        path = tmp_path / name
        path.write_bytes(data)
        return str(path)

    return write


def png_size(data: bytes) -> tuple[int, int]:
    assert data.startswith(b"\x89PNG\r\n\x1a\n")
    with Image.open(io.BytesIO(data)) as image:
        return image.size


# --- sample_pdf ----------------------------------------------------------------------


def test_sample_pdf_text_and_title_read_back_through_pdfium():
    data = sample_pdf.make_pdf(PAGES, title="Offer ✓")
    document = pdfium.PdfDocument(data)
    assert len(document) == 3
    assert document.get_metadata_dict()["Title"] == "Offer ✓"
    first = document[0].get_textpage().get_text_bounded()
    assert first.splitlines() == PAGES[0]
    assert document[1].get_textpage().get_text_bounded().splitlines() == PAGES[1]


def test_sample_pdf_xref_offsets_point_at_their_objects():
    data = sample_pdf.make_pdf(PAGES)
    xref_at = int(data.rsplit(b"startxref\n", 1)[1].split(b"\n")[0])
    rows = data[xref_at:].split(b"\n")[3:]  # after "xref", "0 N" and the free entry
    count = int(data[xref_at:].split(b"\n")[1].split()[1]) - 1
    for number, row in enumerate(rows[:count], start=1):
        offset = int(row[:10])
        assert data[offset:].startswith(b"%d 0 obj" % number)


def test_sample_pdf_of_a_size_is_about_that_size_and_still_reads():
    data = sample_pdf.make_pdf_of_size(3_000_000, words=["alpha", "beta"], pages=2)
    assert abs(len(data) - 3_000_000) < 8_000
    document = pdfium.PdfDocument(data)
    assert len(document) == 2
    assert "alpha beta" in document[1].get_textpage().get_text_bounded()
    small = sample_pdf.make_pdf_of_size(10, words=["tiny"])
    assert len(pdfium.PdfDocument(small)) == 3


# --- text ----------------------------------------------------------------------------


def test_pdf_text_has_every_page_in_order(write):
    path = write("offer.pdf", sample_pdf.make_pdf(PAGES))
    assert extract_text(path, "pdf").splitlines() == [line for page in PAGES for line in page]


def test_text_is_capped(write):
    path = write("offer.pdf", sample_pdf.make_pdf(PAGES))
    assert extract_text(path, "pdf", max_chars=12) == "Spring offer"
    docx = write("x.docx", samples.docx(["one two three four"] * 50))
    assert len(extract_text(docx, "docx", max_chars=30)) == 30


def test_word_text_is_its_paragraphs_with_tabs_kept(write):
    path = write("letter.docx", samples.docx(["Dear Ada,", "Prices <rise> & fall."]))
    assert extract_text(path, "docx") == "Dear Ada,\nPrices <rise> & fall.\nName\tValue"


def test_powerpoint_text_follows_the_slide_numbers(write):
    slides = [[f"Slide {n}", f"point of {n}"] for n in range(1, 12)]
    path = write("deck.pptx", samples.pptx(slides))
    lines = extract_text(path, "pptx").splitlines()
    assert lines[:4] == ["Slide 1", "point of 1", "Slide 2", "point of 2"]
    assert lines[-2:] == ["Slide 11", "point of 11"]


def test_excel_text_is_its_strings(write):
    path = write("budget.xlsx", samples.xlsx([["Region", "Budget"], ["North", 1200], ["Süd", 9]]))
    assert extract_text(path, "xlsx").splitlines() == ["Region", "Budget", "North", "Süd"]


def test_pictures_and_video_have_no_text(write):
    assert extract_text(write("a.png", samples.image("PNG")), "png") == ""
    assert extract_text(write("a.mp4", samples.mp4()), "mp4") == ""


def test_an_xml_part_with_a_doctype_is_refused_before_parsing(write):
    laughs = (
        '<?xml version="1.0"?><!DOCTYPE w:document [<!ENTITY a "ha">'
        '<!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">]>'
        f'<w:document xmlns:w="{samples.W}"><w:body><w:p><w:r><w:t>&b;</w:t></w:r></w:p>'
        "</w:body></w:document>"
    )
    path = write("laughs.docx", samples.docx([], extra={"word/document.xml": laughs}))
    with pytest.raises(DomainError) as caught:
        extract_text(path, "docx")
    assert caught.value.code == CollateralError.FILE_DAMAGED
    assert "DOCTYPE" in caught.value.message


def test_a_utf16_part_cannot_hide_its_doctype(write):
    sneaky = '<!DOCTYPE x [<!ENTITY a "b">]><x/>'.encode("utf-16")
    path = write("x.docx", samples.docx([], extra={"word/document.xml": sneaky}))
    with pytest.raises(DomainError, match="DOCTYPE"):
        extract_text(path, "docx")


def test_a_utf16_part_without_a_doctype_is_read(write):
    document = samples.docx_document(["Grüße"]).replace('encoding="UTF-8"', 'encoding="UTF-16"')
    path = write("x.docx", samples.docx([], extra={"word/document.xml": document.encode("utf-16")}))
    assert extract_text(path, "docx").startswith("Grüße")


def test_unreadable_files_are_damaged(write):
    for name, kind, data in [
        ("x.pdf", "pdf", b"%PDF-1.7\n garbage"),
        ("x.docx", "docx", b"PK\x03\x04 broken"),
        ("x.xlsx", "xlsx", samples.package({"xl/sharedStrings.xml": "<sst><si><t>x</sst>"})),
    ]:
        with pytest.raises(DomainError) as caught:
            extract_text(write(name, data), kind)
        assert caught.value.code == CollateralError.FILE_DAMAGED


# --- pages ---------------------------------------------------------------------------


def test_a_pdf_page_renders_as_a_png_of_the_width_asked(write):
    path = write("offer.pdf", sample_pdf.make_pdf(PAGES))
    width, height = png_size(render_page(path, "pdf"))
    assert (width, round(height, -1)) == (800, 1040)  # US Letter, 612 x 792 pt: 1035.3
    assert png_size(render_page(path, "pdf", 2, width=300))[0] == 300


def test_the_page_shows_its_text(write):
    path = write("offer.pdf", sample_pdf.make_pdf([["Spring offer"]]))
    with Image.open(io.BytesIO(render_page(path, "pdf"))) as image:
        darkest, lightest = image.convert("L").getextrema()
    assert (darkest < 50, lightest) == (True, 255)  # black text on white


def test_a_very_tall_page_is_drawn_narrower_not_enormous(write):
    tall = sample_pdf.make_pdf([["x"]]).replace(
        b"/MediaBox [0 0 612 792]", b"/MediaBox [0 0 10 9000]"
    )
    path = write("tall.pdf", tall)
    width, height = png_size(render_page(path, "pdf", width=100))
    assert height <= previews.MAX_HEIGHT_RATIO * 100 + 1
    assert width < 100


def test_an_image_is_shrunk_to_the_width_but_never_enlarged(write):
    big = write("big.jpg", samples.image("JPEG", (1600, 1200)))
    assert png_size(render_page(big, "jpeg")) == (800, 600)
    small = write("small.webp", samples.image("WEBP", (64, 48)))
    assert png_size(render_page(small, "webp")) == (64, 48)
    palette = write("p.png", samples.image("PNG", (1000, 10), mode="P"))
    assert png_size(render_page(palette, "png", width=500)) == (500, 5)


def test_page_counts(write):
    assert page_count(write("a.pdf", sample_pdf.make_pdf(PAGES)), "pdf") == 3
    assert page_count(write("a.png", samples.image("PNG")), "png") == 1
    assert page_count(write("a.docx", samples.docx(["x"])), "docx") == 0
    assert page_count(write("a.mp4", samples.mp4()), "mp4") == 0


def test_asking_for_a_page_that_is_not_there(write):
    pdf = write("a.pdf", sample_pdf.make_pdf(PAGES))
    with pytest.raises(IndexError):
        render_page(pdf, "pdf", 3)
    with pytest.raises(IndexError):
        render_page(write("a.png", samples.image("PNG")), "png", 1)
    with pytest.raises(ValueError, match="Word files have no pages"):
        render_page(write("a.docx", samples.docx(["x"])), "docx")
    with pytest.raises(ValueError, match="unknown collateral kind"):
        render_page(pdf, "svg")


def test_damaged_files_do_not_render(write):
    with pytest.raises(DomainError) as caught:
        render_page(write("x.pdf", sample_pdf.make_pdf(PAGES)[:200]), "pdf")
    assert caught.value.code == CollateralError.FILE_DAMAGED
    with pytest.raises(DomainError) as caught:
        render_page(write("x.png", samples.image("PNG", (300, 300))[:80]), "png")
    assert caught.value.code == CollateralError.FILE_DAMAGED


def test_pdfium_is_used_by_one_thread_at_a_time(write):
    path = write("offer.pdf", sample_pdf.make_pdf(PAGES))
    expected = render_page(path, "pdf", width=200)
    results, errors = [], []

    def work():
        try:
            for _ in range(5):
                results.append(render_page(path, "pdf", width=200))
                extract_text(path, "pdf")
        except Exception as error:
            errors.append(error)

    threads = [threading.Thread(target=work) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert results == [expected] * 20


def test_a_large_pdf_goes_through_the_whole_pipeline(write):
    """20 MB, as a real brochure with pictures: checked, hashed, its text read and its
    first page drawn (bench/collateral_upload.py times the same)."""
    data = sample_pdf.make_pdf_of_size(20 * 1024 * 1024, words=["brochure", "offer"])
    path = write("brochure.pdf", data)
    with open(path, "rb") as handle:
        assert check_upload(File(handle, name="brochure.pdf")).size == len(data)
    assert "brochure offer" in extract_text(path, "pdf")
    assert png_size(render_page(path, "pdf"))[0] == 800
