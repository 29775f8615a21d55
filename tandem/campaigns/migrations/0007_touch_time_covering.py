# The touches' time index also holds who and what each touch was, so a period's
# touches are read from the index alone (attribution reads millions). The new index is
# built before the old one goes, so range reads keep an index throughout.

from django.conf import settings
from django.db import migrations, models


class Migration(migrations.Migration):
    dependencies = [
        ("campaigns", "0006_campaign_uid_unique"),
        ("crm", "0016_activity_in_branch"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddIndex(
            model_name="touchpoint",
            index=models.Index(
                fields=["occurred_at", "contact", "channel", "campaign"],
                name="touchpoint_time_idx",
            ),
        ),
        migrations.RemoveIndex(
            model_name="touchpoint",
            name="campaigns_t_occurre_b8d52f_idx",
        ),
    ]
