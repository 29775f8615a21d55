"""Files through Django's storage API, so S3-compatible object storage works as the local
disk does: a version's words, page count and first-page preview are read from a local
copy (the file itself where the storage is a local disk), and page images for review are
drawn on first view and kept."""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import FileResponse

from tandem.collateral import previews
from tandem.collateral.files import PAGED_KINDS
from tandem.collateral.models import AssetVersion

PAGE_WIDTH = 900  # pixels: readable on a laptop, a few hundred KB a page


@contextmanager
def local_path(version: AssetVersion) -> Iterator[str]:
    """A path on this machine holding the version's bytes."""
    try:
        yield version.file.path  # a local disk: the stored file itself
        return
    except NotImplementedError:
        pass  # object storage: copy it down for as long as it is read
    with tempfile.NamedTemporaryFile(suffix=version.extension) as copy:
        with version.file.open("rb") as stored:
            shutil.copyfileobj(stored, copy)
        copy.flush()
        yield copy.name


def page_name(version: AssetVersion, page: int) -> str:
    return f"collateral/pages/{version.key.hex}/{page}.png"


def describe(version: AssetVersion) -> None:
    """Fill in the version's words, page count and first-page preview (before saving)."""
    with local_path(version) as path:
        version.text = previews.extract_text(path, version.file_kind)
        version.pages = previews.page_count(path, version.file_kind)
        if version.file_kind in PAGED_KINDS and version.pages:
            image = previews.render_page(path, version.file_kind, 0, width=PAGE_WIDTH)
            version.preview = default_storage.save(page_name(version, 1), ContentFile(image))


def page_image(version: AssetVersion, page: int) -> str | None:
    """The storage name of page ``page`` (from 1), drawn now if it never was; None for a
    page the version does not have."""
    if version.file_kind not in PAGED_KINDS or not 1 <= page <= version.pages:
        return None
    name = page_name(version, page)
    if page == 1 and version.preview:
        return version.preview
    if not default_storage.exists(name):
        with local_path(version) as path:
            image = previews.render_page(path, version.file_kind, page - 1, width=PAGE_WIDTH)
        name = default_storage.save(name, ContentFile(image))
    return name


def file_response(handle: Any, *, name: str, content_type: str, attachment: bool) -> FileResponse:
    """A stored file as the pages and the API serve it: under its safe name, as its true
    type, never sniffed into something a browser runs, never cached."""
    response = FileResponse(
        handle, as_attachment=attachment, filename=name, content_type=content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
