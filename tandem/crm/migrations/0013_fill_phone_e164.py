"""Fill the E.164 spelling of every stored phone number, a batch at a time.

Each batch commits on its own (the migration is not atomic), so a large table is not
one long transaction, and a run stopped half way picks up where it was: it only reads
contacts with a phone and no E.164 yet. A stored number no phone number can be read
from keeps its text and stays unsearchable by phone until someone corrects it."""

from django.db import migrations, transaction

BATCH = 5000


def fill_phone_e164(apps, schema_editor):
    from tandem.crm.normalise import NotAPhoneNumber, normalise_phone

    Contact = apps.get_model("crm", "Contact")
    table = schema_editor.connection.ops.quote_name(Contact._meta.db_table)
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
                filled.append((normalise_phone(phone), pk))
            except NotAPhoneNumber:
                continue
        with transaction.atomic(using=schema_editor.connection.alias):
            with schema_editor.connection.cursor() as cursor:
                cursor.executemany(
                    f"UPDATE {table} SET phone_e164 = %s WHERE id = %s",  # noqa: S608
                    filled,
                )


class Migration(migrations.Migration):
    atomic = False

    dependencies = [("crm", "0012_contact_phone_e164")]

    operations = [migrations.RunPython(fill_phone_e164, migrations.RunPython.noop)]
