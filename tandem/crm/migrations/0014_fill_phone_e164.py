"""Fill the E.164 spelling of every stored phone number, a batch at a time.

Each batch commits on its own (the migration is not atomic), so a large table is not
one long transaction, and a run stopped half way picks up where it was: it only reads
contacts with a phone and no E.164 yet. A stored number no phone number can be read
from keeps its text and stays unsearchable by phone until someone corrects it."""

from django.db import migrations, transaction

BATCH = 5000


def fill_phone_e164(apps, schema_editor):
    from tandem.core.bulk import update_rows
    from tandem.crm.normalise import NotAPhoneNumber, normalise_phone

    Contact = apps.get_model("crm", "Contact")
    after = 0
    while True:
        batch = list(
            Contact.objects.filter(id__gt=after, phone_e164="")
            .exclude(phone="")
            .order_by("id")
            .values_list("id", "phone")[:BATCH]
        )
        if not batch:
            return
        after = batch[-1][0]
        filled = []
        for pk, phone in batch:
            try:
                filled.append((pk, normalise_phone(phone)))
            except NotAPhoneNumber:
                continue
        with transaction.atomic(using=schema_editor.connection.alias):
            update_rows(Contact, ["phone_e164"], filled)  # one statement a batch


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("crm", "0013_contact_phone_e164")]

    operations = [migrations.RunPython(fill_phone_e164, migrations.RunPython.noop)]
