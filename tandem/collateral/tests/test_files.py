"""check_upload judges a file by its bytes: the eight kinds are kept under their true
extension; programs, scripts, web pages, SVG, macros, bombs and damaged files are not."""

import hashlib
import io
import re
import struct
import zipfile

import pytest
from django.core.files.base import File
from django.core.files.uploadedfile import TemporaryUploadedFile

from tandem.collateral import files
from tandem.collateral.errors import CollateralError
from tandem.collateral.files import Checked, check_upload, safe_name
from tandem.collateral.sample_pdf import make_pdf
from tandem.collateral.tests import samples
from tandem.collateral.tests.samples import upload
from tandem.core.errors import DomainError

PDF = make_pdf([["Spring offer", "Two lines"], ["Page two"]], title="Offer")


def refused(data: bytes, name: str = "file.pdf") -> DomainError:
    with pytest.raises(DomainError) as caught:
        check_upload(upload(data, name))
    assert caught.value.field == "file"
    return caught.value


# --- the eight kinds -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "data", "content_type"),
    [
        ("pdf", PDF, "application/pdf"),
        ("png", samples.image("PNG"), "image/png"),
        ("jpeg", samples.image("JPEG"), "image/jpeg"),
        ("webp", samples.image("WEBP"), "image/webp"),
        ("docx", samples.docx(["Hello"]), files.CONTENT_TYPES["docx"]),
        ("pptx", samples.pptx([["Title"]]), files.CONTENT_TYPES["pptx"]),
        (
            "xlsx",
            samples.xlsx([["Region", "Budget"], ["North", 1200]]),
            files.CONTENT_TYPES["xlsx"],
        ),
        ("mp4", samples.mp4(), "video/mp4"),
        ("mp4", samples.mp4(b"mp42", (b"mp42", b"isom")), "video/mp4"),
        ("mp4", samples.mp4(b"mp41", ()), "video/mp4"),
    ],
)
def test_each_allowed_kind_is_kept_with_its_kind_type_and_extension(kind, data, content_type):
    checked = check_upload(upload(data, "whatever.bin"))
    assert checked == Checked(
        kind=kind,
        content_type=content_type,
        extension=files.EXTENSIONS[kind],
        name="whatever" + files.EXTENSIONS[kind],
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
    )


def test_the_labels_and_groups_cover_every_kind():
    assert set(files.KIND_LABELS) == set(files.CONTENT_TYPES) == set(files.EXTENSIONS)
    assert files.KIND_LABELS["docx"] == "Word"
    assert {"pdf", "png", "jpeg", "webp"} == files.PAGED_KINDS
    assert files.IMAGE_KINDS < files.PAGED_KINDS


def test_the_hash_covers_every_byte_and_the_file_is_rewound():
    data = make_pdf([[f"line {i}" for i in range(40)] for _ in range(30)])
    file = upload(data, "big.pdf")
    checked = check_upload(file)
    assert checked.sha256 == hashlib.sha256(data).hexdigest()
    assert checked.size == len(data)
    assert file.tell() == 0
    assert file.read() == data


def test_a_file_on_disk_and_a_temporary_upload_are_checked_the_same(tmp_path):
    path = tmp_path / "deck.pdf"
    path.write_bytes(PDF)
    with path.open("rb") as handle:
        assert check_upload(File(handle, name=str(path))).name == "deck.pdf"
    temporary = TemporaryUploadedFile("offer.pdf", "application/pdf", len(PDF), None)
    temporary.write(PDF)
    temporary.flush()
    assert check_upload(temporary).sha256 == hashlib.sha256(PDF).hexdigest()
    temporary.close()


def test_a_png_called_pdf_is_kept_as_a_png():
    checked = check_upload(upload(samples.image("PNG"), "report.pdf"))
    assert (checked.kind, checked.name, checked.content_type) == ("png", "report.png", "image/png")


def test_the_name_given_wins_over_the_uploads():
    assert check_upload(upload(PDF, "tmp123"), name="Spring offer.pdf").name == "Spring offer.pdf"


# --- what is refused -----------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "looks_like"),
    [
        (b"MZ\x90\x00\x03\x00\x00\x00\x04\x00" + bytes(200), "a Windows program"),
        (b"\x7fELF\x02\x01\x01\x00" + bytes(200), "a Linux program"),
        (b'<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"><script/></svg>', "SVG"),
        (b"<!DOCTYPE html><html><body><script>alert(1)</script></body></html>", "web page"),
        (b"#!/bin/sh\nrm -rf ~\n", "a script"),
        (b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", "GIF"),
        (b"just some words\n", "plain text"),
    ],
)
def test_what_is_not_one_of_the_kinds_is_refused_whatever_its_name(data, looks_like):
    error = refused(data, "brochure.pdf")
    assert error.code == CollateralError.FILE_TYPE
    assert error.status == 415
    assert looks_like in error.message
    assert error.message.startswith(
        "This file is not a PDF, PNG, JPEG, WebP, Word, PowerPoint, Excel or MP4 file (it looks"
    )
    assert error.message.endswith("whatever its name says.")


def test_the_message_for_a_windows_program_reads_as_a_sentence():
    assert refused(b"MZ" + bytes(100)).message == (
        "This file is not a PDF, PNG, JPEG, WebP, Word, PowerPoint, Excel or MP4 file "
        "(it looks like a Windows program), whatever its name says."
    )


@pytest.mark.parametrize(
    ("major", "compatible"),
    [(b"qt  ", (b"qt  ",)), (b"M4A ", (b"M4A ", b"mp42", b"isom")), (b"heic", (b"mif1",))],
)
def test_quicktime_audio_and_heif_share_mp4s_container_but_are_refused(major, compatible):
    assert refused(samples.mp4(major, compatible)).code == CollateralError.FILE_TYPE


def test_a_zip_that_is_not_office_is_refused():
    error = refused(samples.package({"notes.txt": "hello"}), "notes.docx")
    assert (error.code, "a zip archive" in error.message) == (CollateralError.FILE_TYPE, True)


def test_an_office_file_of_another_kind_is_refused():
    template = samples.package(
        {
            "[Content_Types].xml": samples.content_types(
                {"word/document.xml": samples.MAIN_TYPES["docx"].replace("document", "template")}
            ),
            "word/document.xml": samples.docx_document(["x"]),
        }
    )
    assert "template" in refused(template, "t.docx").message


def test_a_macro_enabled_word_file_is_refused():
    docm = samples.package(
        {
            "[Content_Types].xml": samples.content_types(
                {
                    "word/document.xml": "application/vnd.ms-word.document.macroEnabled.main+xml",
                    "word/vbaProject.bin": "application/vnd.ms-office.vbaProject",
                }
            ),
            "word/document.xml": samples.docx_document(["Run me"]),
            "word/vbaProject.bin": b"\xd0\xcf\x11\xe0" + bytes(600),
        }
    )
    error = refused(docm, "letter.docx")
    assert error.code == CollateralError.FILE_TYPE
    assert "This Word file contains macros" in error.message
    assert "(as .docx)" in error.message


def test_a_vba_part_is_refused_even_when_the_types_say_nothing_of_it():
    sneaky = samples.docx(["x"], extra={"word/vbaProject.bin": b"\xd0\xcf\x11\xe0" + bytes(64)})
    assert "macros" in refused(sneaky, "x.docx").message


# --- size ----------------------------------------------------------------------------


class TwoGigabytes:
    """An upload that only knows its size: reading it fails the test."""

    name = "huge.pdf"
    size = 2 * 1024**3
    closed = False

    def __getattr__(self, attribute):
        raise AssertionError(f"the upload was used ({attribute}) before its size was checked")


def test_an_oversize_file_is_refused_before_a_byte_is_read():
    with pytest.raises(DomainError) as caught:
        check_upload(TwoGigabytes())
    assert caught.value.code == CollateralError.FILE_TOO_LARGE
    assert caught.value.message == "This file is 2,048 MB; a file can be at most 50 MB."


def test_the_limit_comes_from_the_setting(settings):
    settings.TANDEM_COLLATERAL_MAX_BYTES = len(PDF) - 1
    assert refused(PDF).code == CollateralError.FILE_TOO_LARGE
    settings.TANDEM_COLLATERAL_MAX_BYTES = len(PDF)
    assert check_upload(upload(PDF)).kind == "pdf"


def test_a_size_that_understates_is_caught_while_hashing(settings):
    settings.TANDEM_COLLATERAL_MAX_BYTES = 1000
    lying = upload(PDF + bytes(2000), "x.pdf")
    lying.size = 10
    with pytest.raises(DomainError) as caught:
        check_upload(lying)
    assert caught.value.code == CollateralError.FILE_TOO_LARGE


def test_an_empty_file_is_refused():
    error = refused(b"", "empty.pdf")
    assert (error.code, error.message) == (CollateralError.FILE_EMPTY, "This file is empty.")


# --- bombs ---------------------------------------------------------------------------


@pytest.fixture(scope="module")
def zip_bomb() -> bytes:
    """A Word-looking file whose document is 300 MB of zeros, deflated to ~1.4 MB."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=1) as archive:
        archive.writestr(
            "[Content_Types].xml",
            samples.content_types({"word/document.xml": samples.MAIN_TYPES["docx"]}),
        )
        with archive.open("word/document.xml", "w", force_zip64=True) as member:
            zeros = bytes(1024 * 1024)
            for _ in range(300):
                member.write(zeros)
    return out.getvalue()


def test_a_zip_bomb_is_refused(zip_bomb):
    assert len(zip_bomb) < 2 * 1024 * 1024
    assert refused(zip_bomb, "bomb.docx").code == CollateralError.FILE_BOMB


def test_one_part_far_larger_than_it_weighs_is_a_bomb():
    packed = samples.docx(["x"], extra={"word/media/filler.bin": bytes(5 * 1024 * 1024)})
    error = refused(packed, "x.docx")
    assert (error.code, error.status) == (CollateralError.FILE_BOMB, 422)


def test_many_parts_adding_up_past_the_unpacked_cap_are_a_bomb(settings):
    settings.TANDEM_COLLATERAL_MAX_UNPACKED_BYTES = 2 * 1024 * 1024
    pieces = {f"word/media/image{i}.bin": bytes(range(256)) * 3000 for i in range(3)}
    assert refused(samples.docx(["x"], extra=pieces), "x.docx").code == CollateralError.FILE_BOMB


def test_a_size_header_that_overstates_is_judged_by_its_word():
    data = bytearray(samples.docx(["x"]))
    entry = data.find(b"PK\x01\x02")  # the first central directory entry's sizes: lie
    struct.pack_into("<I", data, entry + 24, 300 * 1024 * 1024)
    assert refused(bytes(data), "x.docx").code == CollateralError.FILE_BOMB


def test_a_size_header_that_understates_is_not_trusted():
    """The document says 100 bytes and unpacks to 3 MB: reading stops at the cap and the
    file is damaged, never read in full on the header's word."""
    document = samples.docx_document(["word " * 600_000])
    data = bytearray(
        samples.package(
            {
                "[Content_Types].xml": samples.content_types(
                    {"word/document.xml": samples.MAIN_TYPES["docx"]}
                ),
                "word/document.xml": document,
            }
        )
    )
    for signature, size_at in ((b"PK\x03\x04", 22), (b"PK\x01\x02", 24)):
        for match in re.finditer(re.escape(signature), bytes(data)):
            name_at = match.start() + (30 if signature == b"PK\x03\x04" else 46)
            if data[name_at : name_at + 17] == b"word/document.xml":
                struct.pack_into("<I", data, match.start() + size_at, 100)
    assert refused(bytes(data), "x.docx").code == CollateralError.FILE_DAMAGED


def test_more_parts_than_any_real_file_is_a_bomb():
    parts = {f"p{i}": b"" for i in range(10_001)}
    packed = samples.package(parts, compression=zipfile.ZIP_STORED)
    assert refused(packed, "x.docx").code == CollateralError.FILE_BOMB


def test_an_image_with_too_many_pixels_is_a_bomb():
    error = refused(samples.png_header_only(50_000, 50_000), "huge.png")
    assert error.code == CollateralError.FILE_BOMB


# --- damage --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [PDF[:60], PDF[: len(PDF) // 2], b"%PDF-1.7\n" + b"\x00 garbage " * 50, b"%PDF-"],
)
def test_a_cut_or_corrupt_pdf_is_damaged(data):
    error = refused(data)
    assert (error.code, error.status) == (CollateralError.FILE_DAMAGED, 422)


def _with_password(pdf: bytes) -> bytes:
    """The PDF with an incremental update that encrypts it under an unknown user password."""
    previous = int(re.search(rb"startxref\n(\d+)", pdf).group(1))
    number = int(re.search(rb"/Size (\d+)", pdf).group(1))
    encrypt = b"%d 0 obj\n<< /Filter /Standard /V 1 /R 2 /O <%s> /U <%s> /P -4 >>\nendobj\n" % (
        number,
        b"11" * 32,
        b"22" * 32,
    )
    xref_at = len(pdf) + len(encrypt)
    update = (
        b"xref\n%d 1\n%010d 00000 n \ntrailer\n<< /Size %d /Root 1 0 R /Prev %d /Encrypt %d 0 R"
        b" /ID [<%s> <%s>] >>\nstartxref\n%d\n%%%%EOF\n"
        % (number, len(pdf), number + 1, previous, number, b"ab" * 16, b"ab" * 16, xref_at)
    )
    return pdf + encrypt + update


def test_a_pdf_locked_with_a_password_is_refused_saying_so():
    error = refused(_with_password(PDF))
    assert error.code == CollateralError.FILE_DAMAGED
    assert "password" in error.message


@pytest.mark.parametrize(
    "data",
    [
        b"PK\x03\x04" + b"\x00 not a zip" * 20,
        samples.docx(["x"])[:-30],
        samples.image("PNG")[:40],
        b"\xff\xd8\xff\xe0" + bytes(30),
        samples.mp4()[:-100],
        samples.mp4()[:40],
    ],
    ids=["zip", "cut-zip", "png", "jpeg", "cut-mp4", "mp4-without-moov"],
)
def test_the_right_signature_with_damage_behind_it_is_damaged(data):
    assert refused(data, "x").code == CollateralError.FILE_DAMAGED


# --- names ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "kind", "expected"),
    [
        ("../../etc/passwd", "pdf", "passwd.pdf"),
        ("..\\..\\x", "pdf", "x.pdf"),
        ("C:\\Users\\ada\\Desktop\\Plan Q3.docx", "docx", "Plan Q3.docx"),
        ("invoice\u202efdp.exe", "png", "invoicefdp.png"),
        ("\u2067report\u2069\u200f.pdf\u200e", "pdf", "report.pdf"),
        ("re\x00po\x1brt\x7f.pdf", "pdf", "report.pdf"),
        ("line\nbreak\ttab.pdf", "pdf", "line break tab.pdf"),
        ("report.pdf", "png", "report.png"),
        ("photo.JPEG", "jpeg", "photo.jpg"),
        ("Q3 plan v1.2", "pdf", "Q3 plan v1.2.pdf"),
        ("Cafe\u0301.pdf", "pdf", "Café.pdf"),
        ("", "pdf", "file.pdf"),
        (None, "mp4", "file.mp4"),
        ("..", "pdf", "file.pdf"),
        ("../", "pdf", "file.pdf"),
        ("\u202e\u202e.pdf", "pdf", "file.pdf"),
        (".htaccess", "pdf", "htaccess.pdf"),
        ("  spaced   out  .pdf ", "pdf", "spaced out.pdf"),
        ("👩\u200d💻 team.pdf", "pdf", "👩\u200d💻 team.pdf"),
    ],
)
def test_safe_names(name, kind, expected):
    assert safe_name(name, kind) == expected


def test_a_long_name_is_cut_to_150_characters_keeping_the_true_extension():
    name = safe_name("a" * 500 + ".exe", "pdf")
    assert len(name) == files.NAME_MAX == 150
    assert name == "a" * 146 + ".pdf"
