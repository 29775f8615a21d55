"""Drop single-column indexes that a composite index already serves, and history-table
indexes nothing reads by. Each is one more write per row of a bulk import or ingest.

Only the indexes change, so the database side is DROP INDEX (the model state says
db_index=False); altering the fields would make SQLite copy whole tables.
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


REDUNDANT = [
    # (index, table, column), as Django named them when it made them
    ("campaigns_campaign_owner_id_704fc6fd", "campaigns_campaign", "owner_id"),
    ("campaigns_campaign_team_id_d0cc14c8", "campaigns_campaign", "team_id"),
    ("campaigns_historicalcampaign_owner_id_82d6566c", "campaigns_historicalcampaign", "owner_id"),
    (
        "campaigns_historicalcampaign_parent_id_d6d6d30f",
        "campaigns_historicalcampaign",
        "parent_id",
    ),
    ("campaigns_historicalcampaign_team_id_143ef051", "campaigns_historicalcampaign", "team_id"),
    (
        "campaigns_historicalcampaigncost_campaign_id_afcba22e",
        "campaigns_historicalcampaigncost",
        "campaign_id",
    ),
    ("campaigns_touchpoint_campaign_id_e2dd7520", "campaigns_touchpoint", "campaign_id"),
    ("campaigns_touchpoint_contact_id_e33afae0", "campaigns_touchpoint", "contact_id"),
]


class Migration(migrations.Migration):
    dependencies = [
        ("campaigns", "0001_initial"),
        ("crm", "0006_fewer_indexes"),
        ("people", "0002_alter_historicalmembership_team"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="campaign",
                    name="owner",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                migrations.AlterField(
                    model_name="campaign",
                    name="team",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="+",
                        to="people.team",
                    ),
                ),
                migrations.AlterField(
                    model_name="historicalcampaign",
                    name="owner",
                    field=models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to=settings.AUTH_USER_MODEL,
                    ),
                ),
                migrations.AlterField(
                    model_name="historicalcampaign",
                    name="parent",
                    field=models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="campaigns.campaign",
                    ),
                ),
                migrations.AlterField(
                    model_name="historicalcampaign",
                    name="team",
                    field=models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="people.team",
                    ),
                ),
                migrations.AlterField(
                    model_name="historicalcampaigncost",
                    name="campaign",
                    field=models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="campaigns.campaign",
                    ),
                ),
                migrations.AlterField(
                    model_name="touchpoint",
                    name="campaign",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="touchpoints",
                        to="campaigns.campaign",
                    ),
                ),
                migrations.AlterField(
                    model_name="touchpoint",
                    name="contact",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="touchpoints",
                        to="crm.contact",
                    ),
                ),
            ],
            database_operations=[
                migrations.RunSQL(
                    [f'DROP INDEX IF EXISTS "{name}"' for name, _, _ in REDUNDANT],
                    reverse_sql=[
                        f'CREATE INDEX "{name}" ON "{table}" ("{column}")'
                        for name, table, column in REDUNDANT
                    ],
                ),
            ],
        ),
    ]
