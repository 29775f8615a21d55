"""Collateral for tests: files built in memory (a real PDF with words in it, a PNG) and
assets made through the services, as people make them."""

from __future__ import annotations

import io
from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile

from tandem.collateral import services
from tandem.collateral.models import Asset
from tandem.collateral.sample_pdf import make_pdf

BROCHURE_WORDS = [
    ["Greenhouse heating for growers", "Save energy with the Brightwell heat pump"],
    ["Ask your branch about the winter offer", "Installation within two weeks"],
]


def pdf_upload(pages: list[list[str]] | None = None, name: str = "brochure.pdf") -> Any:
    data = make_pdf(pages or BROCHURE_WORDS, title="Brochure")
    return SimpleUploadedFile(name, data, content_type="application/pdf")


def png_upload(name: str = "display.png", size: tuple[int, int] = (400, 300)) -> Any:
    from PIL import Image

    buffer = io.BytesIO()
    Image.new("RGB", size, (30, 120, 60)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def make_asset(
    actor: Any,
    *,
    title: str = "Winter greenhouse brochure",
    kind: str = Asset.Kind.BROCHURE,
    reps: list[Any] | None = None,
    upload: Any = None,
    **values: Any,
) -> Asset:
    """An asset with one version (a two-page PDF unless ``upload`` says otherwise)."""
    asset = services.create_asset(actor=actor, title=title, kind=kind, reps=reps, **values)
    services.upload_version(actor=actor, asset=asset, upload=upload or pdf_upload())
    asset.refresh_from_db()
    return asset
