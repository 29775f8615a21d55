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
    ("crm_account_owner_id_bf9f366b", "crm_account", "owner_id"),
    ("crm_account_team_id_2e3eabc7", "crm_account", "team_id"),
    ("crm_activity_account_id_3bf6705e", "crm_activity", "account_id"),
    ("crm_activity_contact_id_8da62d3a", "crm_activity", "contact_id"),
    ("crm_activity_opportunity_id_204fc8d0", "crm_activity", "opportunity_id"),
    ("crm_activity_owner_id_961b1d34", "crm_activity", "owner_id"),
    ("crm_activity_team_id_5393ed8c", "crm_activity", "team_id"),
    ("crm_contact_account_id_1eac6a03", "crm_contact", "account_id"),
    ("crm_contact_owner_id_11e5a0f0", "crm_contact", "owner_id"),
    ("crm_contact_team_id_f1a85829", "crm_contact", "team_id"),
    ("crm_historicalaccount_owner_id_f43d0170", "crm_historicalaccount", "owner_id"),
    ("crm_historicalaccount_team_id_30586e46", "crm_historicalaccount", "team_id"),
    ("crm_historicalactivity_account_id_7c50ab00", "crm_historicalactivity", "account_id"),
    ("crm_historicalactivity_contact_id_b42b76f6", "crm_historicalactivity", "contact_id"),
    ("crm_historicalactivity_opportunity_id_9f01dd43", "crm_historicalactivity", "opportunity_id"),
    ("crm_historicalactivity_owner_id_1d0a5935", "crm_historicalactivity", "owner_id"),
    ("crm_historicalactivity_team_id_8146eed9", "crm_historicalactivity", "team_id"),
    ("crm_historicalcontact_account_id_fff5b440", "crm_historicalcontact", "account_id"),
    ("crm_historicalcontact_owner_id_419d54df", "crm_historicalcontact", "owner_id"),
    ("crm_historicalcontact_team_id_7996bf0b", "crm_historicalcontact", "team_id"),
    ("crm_historicalopportunity_account_id_671046cf", "crm_historicalopportunity", "account_id"),
    ("crm_historicalopportunity_contact_id_d2cd746b", "crm_historicalopportunity", "contact_id"),
    ("crm_historicalopportunity_owner_id_a2647e0b", "crm_historicalopportunity", "owner_id"),
    ("crm_historicalopportunity_team_id_76971f7f", "crm_historicalopportunity", "team_id"),
    ("crm_opportunity_account_id_42237539", "crm_opportunity", "account_id"),
    ("crm_opportunity_owner_id_9647aa78", "crm_opportunity", "owner_id"),
    ("crm_opportunity_team_id_ac2e70ec", "crm_opportunity", "team_id"),
]


class Migration(migrations.Migration):
    dependencies = [
        ("crm", "0005_lookup_indexes"),
        ("people", "0002_alter_historicalmembership_team"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.SeparateDatabaseAndState(
            state_operations=[
                migrations.AlterField(
                    model_name="account",
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
                    model_name="account",
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
                    model_name="activity",
                    name="account",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="activities",
                        to="crm.account",
                    ),
                ),
                migrations.AlterField(
                    model_name="activity",
                    name="contact",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="activities",
                        to="crm.contact",
                    ),
                ),
                migrations.AlterField(
                    model_name="activity",
                    name="opportunity",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="activities",
                        to="crm.opportunity",
                    ),
                ),
                migrations.AlterField(
                    model_name="activity",
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
                    model_name="activity",
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
                    model_name="contact",
                    name="account",
                    field=models.ForeignKey(
                        blank=True,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.SET_NULL,
                        related_name="contacts",
                        to="crm.account",
                    ),
                ),
                migrations.AlterField(
                    model_name="contact",
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
                    model_name="contact",
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
                    model_name="historicalaccount",
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
                    model_name="historicalaccount",
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
                    model_name="historicalactivity",
                    name="account",
                    field=models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="crm.account",
                    ),
                ),
                migrations.AlterField(
                    model_name="historicalactivity",
                    name="contact",
                    field=models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="crm.contact",
                    ),
                ),
                migrations.AlterField(
                    model_name="historicalactivity",
                    name="opportunity",
                    field=models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="crm.opportunity",
                    ),
                ),
                migrations.AlterField(
                    model_name="historicalactivity",
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
                    model_name="historicalactivity",
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
                    model_name="historicalcontact",
                    name="account",
                    field=models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="crm.account",
                    ),
                ),
                migrations.AlterField(
                    model_name="historicalcontact",
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
                    model_name="historicalcontact",
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
                    model_name="historicalopportunity",
                    name="account",
                    field=models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="crm.account",
                    ),
                ),
                migrations.AlterField(
                    model_name="historicalopportunity",
                    name="contact",
                    field=models.ForeignKey(
                        blank=True,
                        db_constraint=False,
                        db_index=False,
                        null=True,
                        on_delete=django.db.models.deletion.DO_NOTHING,
                        related_name="+",
                        to="crm.contact",
                    ),
                ),
                migrations.AlterField(
                    model_name="historicalopportunity",
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
                    model_name="historicalopportunity",
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
                    model_name="opportunity",
                    name="account",
                    field=models.ForeignKey(
                        db_index=False,
                        on_delete=django.db.models.deletion.PROTECT,
                        related_name="opportunities",
                        to="crm.account",
                    ),
                ),
                migrations.AlterField(
                    model_name="opportunity",
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
                    model_name="opportunity",
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
        migrations.AddIndex(
            model_name="activity",
            index=models.Index(
                fields=["team", "occurred_at"], name="crm_activit_team_id_b5b6ff_idx"
            ),
        ),
    ]
