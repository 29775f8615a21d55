"""CSV output that spreadsheet programs cannot be tricked into executing."""

from typing import Any

# A cell starting with one of these is a formula to Excel/LibreOffice/Sheets
# (=HYPERLINK(...), +cmd, -2+3, @SUM, and tab/CR variants); prefixing a quote makes it text.
_FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r", "\n")


def safe_cell(value: Any) -> Any:
    if isinstance(value, str) and value.startswith(_FORMULA_PREFIXES):
        return "'" + value
    return value
