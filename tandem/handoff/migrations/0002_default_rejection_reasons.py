"""The rejection reasons a new organisation starts with (the heads edit the list)."""

from django.db import migrations

DEFAULTS = [
    ("not-a-fit", "Not a fit (size, sector or region)"),
    ("no-budget", "No budget or no project"),
    ("wrong-contact", "Wrong person or no authority"),
    ("bad-data", "Bad or fake contact details"),
    ("existing-customer", "Already a customer or in a deal"),
    ("duplicate", "Duplicate of another lead"),
    ("too-early", "Too early: not ready to talk"),
    ("no-response", "No response after follow-up"),
]


def add(apps, schema_editor):
    reason = apps.get_model("handoff", "RejectionReason")
    for position, (code, label) in enumerate(DEFAULTS):
        reason.objects.get_or_create(code=code, defaults={"label": label, "position": position})


class Migration(migrations.Migration):
    dependencies = [("handoff", "0001_initial")]
    operations = [migrations.RunPython(add, migrations.RunPython.noop)]
