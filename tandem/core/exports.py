"""Exports of a filtered list as CSV (streamed) or XLSX, safe against formula injection.

openpyxl writes a string starting with '=' as a formula, so XLSX cells are defused the
same way as CSV ones.
"""

import csv
import tempfile
from collections.abc import Iterable, Sequence
from typing import Any

from django.http import FileResponse, StreamingHttpResponse
from django.http.response import HttpResponseBase

from tandem.core.errors import DomainError, ErrorCode
from tandem.core.spreadsheets import safe_cell

MAX_ROWS = 1_000_000
FORMATS = ("csv", "xlsx")


class _Echo:
    def write(self, value: str) -> str:
        return value


def export_response(
    *, name: str, fmt: str, headers: Sequence[str], rows: Iterable[Sequence[Any]]
) -> HttpResponseBase:
    if fmt not in FORMATS:
        raise DomainError(ErrorCode.NOT_FOUND, "Export as csv or xlsx.")
    if fmt == "xlsx":
        return _xlsx(name, headers, rows)
    writer = csv.writer(_Echo())

    def lines() -> Iterable[str]:
        yield "\ufeff"  # so Excel opens UTF-8 as UTF-8
        yield writer.writerow(headers)
        for count, row in enumerate(rows):
            if count >= MAX_ROWS:
                break
            yield writer.writerow([safe_cell(v) for v in row])

    response = StreamingHttpResponse(lines(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{name}.csv"'
    return response


def _xlsx(name: str, headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> FileResponse:
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    sheet = book.create_sheet(name[:31])
    sheet.append(list(headers))
    for count, row in enumerate(rows):
        if count >= MAX_ROWS:
            break
        sheet.append([safe_cell(v) for v in row])
    spool = tempfile.SpooledTemporaryFile(max_size=20 * 1024 * 1024)  # noqa: SIM115 - FileResponse closes it
    book.save(spool)
    spool.seek(0)
    return FileResponse(
        spool,
        as_attachment=True,
        filename=f"{name}.xlsx",
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
