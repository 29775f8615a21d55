"""The rejection reasons a new organisation starts with (the heads edit the list)."""

from django.db import migrations

from tandem.handoff.models import add_default_reasons


def add(apps, schema_editor):
    add_default_reasons(apps.get_model("handoff", "RejectionReason"))


class Migration(migrations.Migration):
    dependencies = [("handoff", "0001_initial")]
    operations = [migrations.RunPython(add, migrations.RunPython.noop)]
