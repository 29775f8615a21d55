"""@mentions in comment text: finding handles and linking them when shown."""

import re
from collections.abc import Mapping

from django.utils.html import escape, format_html
from django.utils.safestring import SafeString, mark_safe

# @sam.patel — not part of an e-mail address (no word character right before the @).
MENTION = re.compile(r"(?<![\w.])@([a-z0-9](?:[a-z0-9._-]{0,58}[a-z0-9])?)", re.IGNORECASE)


def handles_in(text: str) -> set[str]:
    return {match.lower().rstrip(".") for match in MENTION.findall(text or "")}


def render_with_mentions(text: str, people: Mapping[str, tuple[str, str]]) -> SafeString:
    """Escape ``text`` and turn known @handles into links; ``people`` maps handle -> (name, url)."""
    pieces: list[str] = []
    position = 0
    for match in MENTION.finditer(text):
        handle = match.group(1).lower()
        if handle not in people:
            continue
        pieces.append(escape(text[position : match.start()]))
        name, url = people[handle]
        pieces.append(
            format_html('<a class="mention" href="{}" title="{}">@{}</a>', url, name, handle)
        )
        position = match.end()
    pieces.append(escape(text[position:]))
    return mark_safe("".join(pieces))  # noqa: S308 - every piece above is escaped
