"""A ceiling on every uploaded file, applied while the request body streams in.

Django reads a multipart body before any view runs (``RefuseNulMiddleware`` reads the
form to look for NUL characters), writing large files to temporary files; without a
ceiling a 2 GB upload would be written to disk before a view could refuse it. This
handler, first in ``FILE_UPLOAD_HANDLERS``, stops the body at ``TANDEM_UPLOAD_MAX_BYTES``
(the largest file any page takes: a contact import) or at once when the declared length
is already over it, and marks the request so the view says why the file is missing
(``upload_refused``). Each page still holds its own, lower limit (collateral's 50 MB),
checked on the file's size before its bytes are read.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload

MARGIN = 1024 * 1024  # the form's other fields and the multipart framing
DEFAULT_CEILING = 200 * 1024 * 1024


def ceiling() -> int:
    return int(getattr(settings, "TANDEM_UPLOAD_MAX_BYTES", DEFAULT_CEILING))


def upload_refused(request: Any) -> bool:
    """Whether a file in this request was stopped for being over the ceiling."""
    return bool(getattr(request, "_upload_refused", False))


class UploadCeiling(FileUploadHandler):
    def __init__(self, request: Any = None) -> None:
        super().__init__(request)
        self.received = 0
        try:
            declared = int(request.META.get("CONTENT_LENGTH") or 0) if request else 0
        except ValueError:
            declared = 0
        self.declared_too_large = declared > ceiling() + MARGIN

    def _refuse(self) -> None:
        if self.request is not None:
            setattr(self.request, "_upload_refused", True)  # noqa: B010 (HttpRequest has no such field)
        # The parser stops reading; the fields before the file are kept.
        raise StopUpload(connection_reset=True)

    def new_file(self, *args: Any, **kwargs: Any) -> None:
        if self.declared_too_large:
            self._refuse()
        super().new_file(*args, **kwargs)

    def receive_data_chunk(self, raw_data: bytes, start: int) -> bytes | None:
        self.received += len(raw_data)
        if self.received > ceiling():
            self._refuse()
        return raw_data

    def file_complete(self, file_size: int) -> None:
        return None
