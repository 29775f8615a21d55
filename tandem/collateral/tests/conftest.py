from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Any) -> Any:
    """Uploaded files in a folder of the test's own, removed with it."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT
