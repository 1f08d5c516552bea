# Reviewers search names typed without diacritics: each application keeps its name folded
# (khuyenhoc.text.search_key). On PostgreSQL, trigram indexes serve the admin's search by
# name, phone and code (a LIKE '%...%' otherwise reads every row); where the pg_trgm
# extension cannot be created, the search works the same, without the index.

import logging

from django.db import migrations, models, transaction

from khuyenhoc.text import search_key

logger = logging.getLogger(__name__)

TRIGRAM_INDEXES = {
    "forms_app_application_search_name_trgm": "search_name",
    "forms_app_application_phone_trgm": "phone",
    "forms_app_application_code_trgm": "code",
}


def fill_search_names(apps, schema_editor):
    Application = apps.get_model("forms_app", "Application")
    batch = []
    for application in Application.objects.only("pk", "applicant_name").iterator(2000):
        application.search_name = search_key(application.applicant_name)
        batch.append(application)
        if len(batch) == 2000:
            Application.objects.bulk_update(batch, ["search_name"])
            batch = []
    Application.objects.bulk_update(batch, ["search_name"])


def add_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    try:
        with transaction.atomic(using=schema_editor.connection.alias):
            schema_editor.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    except Exception as error:  # no right to create it: search without the index
        logger.warning("pg_trgm is not available (%s); the admin search reads every row", error)
        return
    for name, column in TRIGRAM_INDEXES.items():
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{name}" ON "forms_app_application" '
            f'USING gin ("{column}" gin_trgm_ops)'
        )


def drop_trigram_indexes(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in TRIGRAM_INDEXES:
        schema_editor.execute(f'DROP INDEX IF EXISTS "{name}"')


class Migration(migrations.Migration):
    dependencies = [
        ("forms_app", "0005_review_workflow"),
    ]

    operations = [
        migrations.AddField(
            model_name="application",
            name="search_name",
            field=models.CharField(blank=True, editable=False, max_length=255),
        ),
        migrations.RunPython(fill_search_names, migrations.RunPython.noop),
        # The narrow index that the counts per status read on SQLite now holds the folded name.
        migrations.RemoveIndex(
            model_name="application",
            name="application_search",
        ),
        migrations.AddIndex(
            model_name="application",
            index=models.Index(
                fields=["status", "province", "commune", "code", "phone", "search_name"],
                name="application_search_folded",
            ),
        ),
        migrations.RunPython(add_trigram_indexes, drop_trigram_indexes),
    ]
