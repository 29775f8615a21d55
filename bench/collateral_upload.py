"""Collateral: what a 20 MB PDF upload costs, in-process, against issue 16's bar (an
upload of a 20 MB PDF, with its checks, text extraction and preview, in at most 2 s).

A brochure of ``--megabytes`` (three pages of text, made large, as real ones are, by a
picture on the first page: ``sample_pdf.make_pdf_of_size``) is timed two ways:

- ``steps`` (no database): ``files.check_upload`` (size, signature, PDFium opening it,
  SHA-256 of every byte), ``previews.extract_text`` (every page's text) and
  ``previews.render_page`` (the first page as an 800-pixel PNG), each alone and the
  three together, reading the file from disk.
- ``service`` (the default too): the whole service path,
  ``services.upload_version(actor=..., asset=..., upload=...)``, against the database
  the environment names: the checks, the file kept through Django's storage, its words,
  page count and first-page preview (900 px, stored), the version's row, the asset's,
  the sign-off bookkeeping and the event, committed. The upload is a Django
  ``TemporaryUploadedFile`` holding the bytes, as Django's upload handler leaves a large
  upload (spooled to a temporary file in 64 KiB chunks while the request arrives;
  that spooling is timed apart, as it happens before the view runs). The floor is the
  least an upload must do: hash every byte (SHA-256) and copy the file into storage
  (``default_storage.save`` of the file from disk). Django's file storage moves a
  spooled upload instead of copying it (a rename on the same disk), so the same floor
  with the spooled upload (hash, then move) is printed too.

With no ``TANDEM_VAR_DIR`` the script works in a temporary folder it removes at the end
(on SQLite the database is made and migrated there); otherwise it migrates the database
named and writes its team, marketer and asset there, removed at the end with the files
(the history and event rows of the uploads stay).
"""

import argparse
import hashlib
import os
import shutil
import statistics
import tempfile
import time
import uuid
from pathlib import Path

_scratch = None
if not os.environ.get("TANDEM_VAR_DIR"):
    _scratch = tempfile.mkdtemp(prefix="bench-upload-")
    os.environ["TANDEM_VAR_DIR"] = _scratch

from common import database, migrated, percentile, setup, summary  # noqa: E402

WORDS = ["spring", "offer", "members", "save", "twenty", "percent", "on", "every", "plan"]
CHUNK = 64 * 1024  # Django's upload handlers' chunk


def steps(path: str, size: int, runs: int) -> None:
    """check_upload, extract_text and render_page(0) on the file, no database."""
    from django.core.files.base import File

    from tandem.collateral.files import check_upload
    from tandem.collateral.previews import extract_text, render_page

    def check() -> None:
        with open(path, "rb") as handle:
            check_upload(File(handle, name="brochure.pdf"))

    work = {
        "check_upload": check,
        "extract_text": lambda: extract_text(path, "pdf"),
        "render_page(0)": lambda: render_page(path, "pdf", 0),
    }
    print(f"steps: PDF of {size / 2**20:.1f} MB, {runs} runs after a warm-up, no database")
    totals = [0.0] * runs
    for name, step in work.items():
        step()
        millis = []
        for run in range(runs):
            began = time.perf_counter()
            step()
            millis.append((time.perf_counter() - began) * 1000)
            totals[run] += millis[-1]
        print(summary(f"  {name}", millis))
    print(summary("  all three", totals))


def spooled(path: str, size: int) -> object:
    """The upload as Django's TemporaryFileUploadHandler leaves it for the view."""
    from django.core.files.uploadedfile import TemporaryUploadedFile

    upload = TemporaryUploadedFile("brochure.pdf", "application/pdf", 0, None)
    with open(path, "rb") as source:
        while chunk := source.read(CHUNK):
            upload.write(chunk)
    upload.file.flush()
    upload.seek(0)
    upload.size = size
    return upload


def service(path: str, size: int, runs: int) -> None:
    """upload_version end to end, against the floor (hash + copy into storage)."""
    from django.core.files.base import File
    from django.core.files.storage import default_storage

    from tandem.collateral import services
    from tandem.collateral.models import Asset, AssetVersion
    from tandem.people.models import Membership, Team, User

    migrated()
    team, _ = Team.objects.get_or_create(name="Bench upload marketing", function="marketing")
    marketer, _ = User.objects.get_or_create(
        email="bench-upload@example.test",
        defaults={"full_name": "Bench Upload", "handle": "bench-upload"},
    )
    Membership.objects.get_or_create(user=marketer, team=team)
    asset = services.create_asset(
        actor=marketer, title=f"Bench upload {uuid.uuid4().hex[:8]}", kind="brochure"
    )
    print(
        f"service: database={database()} var={os.environ['TANDEM_VAR_DIR']} "
        f"PDF of {size / 2**20:.1f} MB, {runs} runs after a warm-up"
    )
    kept: list[str] = []

    def clear() -> None:  # untimed: the files of the runs so far
        for name in kept:
            default_storage.delete(name)
        kept.clear()

    def measure(work: object) -> tuple[list[float], list[float], list[float]]:
        """Per run: spooling the upload (untimed for the work), the work, its CPU."""
        spool, wall, cpu = [], [], []
        for run in range(runs + 1):  # the first is a warm-up
            began = time.perf_counter()
            upload = spooled(path, size)
            spooling = (time.perf_counter() - began) * 1000
            began, began_cpu = time.perf_counter(), time.process_time()
            kept.extend(work(upload))  # type: ignore[operator]
            took = (time.perf_counter() - began) * 1000
            took_cpu = (time.process_time() - began_cpu) * 1000
            upload.close()  # type: ignore[attr-defined]
            clear()
            if run:
                spool.append(spooling)
                wall.append(took)
                cpu.append(took_cpu)
        return spool, wall, cpu

    def upload_version(upload: object) -> list[str]:
        version = services.upload_version(actor=marketer, asset=asset, upload=upload)
        assert version.pages == 3 and version.preview and "spring" in version.text
        return [version.file.name, version.preview]

    def hashed(upload: object) -> None:
        digest = hashlib.sha256()
        for chunk in upload.chunks(chunk_size=1024 * 1024):  # type: ignore[attr-defined]
            digest.update(chunk)
        upload.seek(0)  # type: ignore[attr-defined]

    def floor_copy(upload: object) -> list[str]:
        hashed(upload)
        with open(path, "rb") as handle:
            return [default_storage.save(f"collateral/files/{uuid.uuid4().hex}.pdf", File(handle))]

    def floor_move(upload: object) -> list[str]:
        hashed(upload)
        return [default_storage.save(f"collateral/files/{uuid.uuid4().hex}.pdf", upload)]

    try:
        spool, whole, whole_cpu = measure(upload_version)
        _, copy, _ = measure(floor_copy)
        _, move, _ = measure(floor_move)
    finally:
        clear()
        AssetVersion.objects.filter(asset=asset).delete()
        Asset.objects.filter(pk=asset.pk).delete()
    print(summary("  spooling the upload to a temporary file (before the view)", spool))
    print(
        summary("  upload_version (checks, storage, text, preview, rows)", whole)
        + f"; this process's CPU p50 {statistics.median(whole_cpu):.1f} ms"
    )
    print(summary("  floor: SHA-256 + copy into storage", copy))
    print(summary("  floor: SHA-256 + storage's move of the spooled upload", move))
    print(
        f"  upload_version / floor (copy): p50 "
        f"{statistics.median(whole) / statistics.median(copy):.1f}x, p95 "
        f"{percentile(whole, 95) / percentile(copy, 95):.1f}x"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--megabytes", type=int, default=20, help="size of the PDF")
    parser.add_argument("--runs", type=int, default=10, help="timed runs of each step")
    parser.add_argument(
        "--only", choices=["steps", "service"], help="one of the two (both by default)"
    )
    args = parser.parse_args()
    setup()
    from tandem.collateral.sample_pdf import make_pdf_of_size

    data = make_pdf_of_size(args.megabytes * 1024 * 1024, words=WORDS)
    try:
        with tempfile.TemporaryDirectory() as folder:
            path = str(Path(folder) / "brochure.pdf")
            Path(path).write_bytes(data)
            if args.only in (None, "steps"):
                steps(path, len(data), args.runs)
            if args.only in (None, "service"):
                service(path, len(data), args.runs)
    finally:
        if _scratch:
            shutil.rmtree(_scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
