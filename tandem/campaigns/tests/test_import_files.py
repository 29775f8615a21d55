"""The one reader of imported files: unterminated CSV quotes and XLSX bombs are refused
with a reason naming the row or the file, before anything is written."""

import io
import time
import tracemalloc
import zipfile

import pytest
from openpyxl import Workbook

from tandem.conftest import run_import, stage_import
from tandem.core import import_files
from tandem.core.errors import DomainError
from tandem.crm.models import Contact


def test_an_unterminated_quote_fails_the_import_naming_its_row_and_writes_nothing(
    org, django_capture_on_commit_callbacks
):
    lines = ["email,first_name"]
    lines += [f"p{n}@example.test,Pat{n}" for n in range(3000)]
    lines.insert(2001, 'broken@example.test,"Dana')  # the quote opens on line 2002, row 2002
    lines += ["last@example.test,Lee"]
    staged = stage_import(org, "contacts.csv", ("\n".join(lines) + "\n").encode())
    job = run_import(org, staged, django_capture_on_commit_callbacks)
    assert job.status == "failed"
    assert "Row 2002 (line 2002)" in job.message and "never closed" in job.message
    assert Contact.objects.count() == 0


def test_quoted_values_spanning_lines_are_still_read():
    path = _write("ok.csv", b'email,note\na@example.test,"two\nlines"\nb@example.test,x\n')
    assert list(import_files.rows_of(path))[1:] == [
        ["a@example.test", "two\nlines"],
        ["b@example.test", "x"],
    ]


def test_the_touchpoint_import_refuses_an_unterminated_quote_too(
    org, django_capture_on_commit_callbacks
):
    from tandem.campaigns.imports import start_touchpoint_import
    from tandem.campaigns.models import Touchpoint

    data = (
        b"idempotency_key,kind,occurred_at,email\n"
        b"k1,form,2025-01-02T10:00:00Z,a@example.test\n"
        b'k2,form,2025-01-02T10:00:00Z,"b@example.test\n'
        b"k3,form,2025-01-02T10:00:00Z,c@example.test\n"
    )
    staged = stage_import(org, "touches.csv", data)
    with django_capture_on_commit_callbacks(execute=True):
        job = start_touchpoint_import(actor=org.marketer, token=staged.token)
    job.refresh_from_db()
    assert job.status == "failed" and "Row 3 (line 3)" in job.message
    assert Touchpoint.objects.count() == 0


def _write(name, data):
    from django.conf import settings

    path = settings.MEDIA_ROOT / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def _bomb(shared_strings_mb: int) -> bytes:
    """A valid-looking workbook whose shared strings unpack to ``shared_strings_mb`` MB
    but compress to a few hundred KB."""
    book = Workbook()
    book.active.append(["email", "first_name"])
    book.active.append(["a@example.test", "Ann"])
    plain = io.BytesIO()
    book.save(plain)
    out = io.BytesIO()
    with (
        zipfile.ZipFile(io.BytesIO(plain.getvalue())) as source,
        zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as target,
    ):
        for item in source.infolist():
            if item.filename == "xl/sharedStrings.xml":
                continue
            target.writestr(item, source.read(item.filename))
        with target.open("xl/sharedStrings.xml", "w", force_zip64=True) as strings:
            strings.write(b'<?xml version="1.0"?><sst xmlns="http://schemas.openxmlformats.org/')
            strings.write(b'spreadsheetml/2006/main"><si><t>')
            block = b"A" * (1024 * 1024)
            for _ in range(shared_strings_mb):
                strings.write(block)
            strings.write(b"</t></si></sst>")
    return out.getvalue()


def test_an_xlsx_bomb_is_refused_unread_naming_the_file(org):
    data = _bomb(300)
    assert len(data) < 2 * 1024 * 1024
    tracemalloc.start()
    started = time.monotonic()
    try:
        with pytest.raises(DomainError) as error:
            stage_import(org, "contacts.xlsx", data)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert time.monotonic() - started < 5
    assert peak < 20 * 1024 * 1024
    assert error.value.field == "file"
    assert ".xlsx" in error.value.message and "MB of text cells" in error.value.message


def test_xlsx_archives_are_refused_by_ratio_and_by_total_size(monkeypatch):
    bomb = _write("imports/ratio.xlsx", _bomb(40))  # under the text cap, 40 MB in ~50 KB
    with pytest.raises(DomainError) as error:
        import_files.check_xlsx_archive(bomb)
    assert "ratio.xlsx is compressed more than 100 times" in error.value.message
    book = Workbook()
    book.active.append(["email"])
    out = io.BytesIO()
    book.save(out)
    honest = _write("imports/honest.xlsx", out.getvalue())
    import_files.check_xlsx_archive(honest)  # a normal workbook passes
    monkeypatch.setattr(import_files, "MAX_XLSX_UNPACKED", 1000)
    with pytest.raises(DomainError) as error:
        import_files.count_rows(honest)
    assert "honest.xlsx would unpack to" in error.value.message
