"""Every static file a template names exists, so no page asks for a stylesheet or script
that is not there (a 404 the browser tests would only meet on the pages they open)."""

import re
from pathlib import Path

from django.contrib.staticfiles import finders

TANDEM = Path(__file__).parents[2]
STATIC_TAG = re.compile(r"""\{%\s*static\s+['"]([^'"]+)['"]\s*%\}""")


def test_every_static_file_named_in_a_template_exists():
    named = {
        (template.relative_to(TANDEM), path)
        for template in TANDEM.rglob("templates/**/*.html")
        for path in STATIC_TAG.findall(template.read_text(encoding="utf-8"))
    }
    assert len(named) > 10  # the shell's stylesheets and scripts at least
    missing = [f"{template}: {path}" for template, path in sorted(named) if not finders.find(path)]
    assert not missing, "\n".join(missing)
