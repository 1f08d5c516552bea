# The applications' audit log moves out of Wagtail's ModelLogEntry into a table of its own,
# whose manager shows each user only the entries of applications in their areas (the site
# history report listed every area's applications to reviewers and approvers).

import django.core.serializers.json
import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models


FIELDS = [
    "content_type_id",
    "object_id",
    "label",
    "action",
    "data",
    "timestamp",
    "uuid",
    "user_id",
    "revision_id",
    "content_changed",
    "deleted",
]


def _application_type(apps, schema_editor):
    ContentType = apps.get_model("contenttypes", "ContentType")
    alias = schema_editor.connection.alias
    return ContentType.objects.using(alias).filter(app_label="forms_app", model="application")


def move_entries(apps, schema_editor, source, target):
    """Copy the applications' entries from one log table to the other, then delete them."""
    alias = schema_editor.connection.alias
    entries = source.objects.using(alias).filter(content_type__in=_application_type(apps, schema_editor))
    batch = []
    for row in entries.order_by("pk").values(*FIELDS).iterator(chunk_size=2000):
        batch.append(target(**row))
        if len(batch) == 2000:
            target.objects.using(alias).bulk_create(batch)
            batch = []
    target.objects.using(alias).bulk_create(batch)
    entries.delete()


def forwards(apps, schema_editor):
    move_entries(
        apps,
        schema_editor,
        apps.get_model("wagtailcore", "ModelLogEntry"),
        apps.get_model("forms_app", "ApplicationLogEntry"),
    )


def backwards(apps, schema_editor):
    move_entries(
        apps,
        schema_editor,
        apps.get_model("forms_app", "ApplicationLogEntry"),
        apps.get_model("wagtailcore", "ModelLogEntry"),
    )


class Migration(migrations.Migration):

    dependencies = [
        ('contenttypes', '0002_remove_content_type_name'),
        ('forms_app', '0006_application_search_name'),
        ('wagtailcore', '0098_apitoken'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.CreateModel(
            name='ApplicationLogEntry',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('label', models.TextField()),
                ('action', models.CharField(blank=True, db_index=True, max_length=255)),
                ('data', models.JSONField(blank=True, default=dict, encoder=django.core.serializers.json.DjangoJSONEncoder)),
                ('timestamp', models.DateTimeField(db_index=True, verbose_name='timestamp (UTC)')),
                ('uuid', models.UUIDField(blank=True, editable=False, help_text='Log entries that happened as part of the same user action are assigned the same UUID', null=True)),
                ('content_changed', models.BooleanField(db_index=True, default=False)),
                ('deleted', models.BooleanField(default=False)),
                ('object_id', models.CharField(db_index=True, max_length=255)),
                ('content_type', models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.SET_NULL, related_name='+', to='contenttypes.contenttype', verbose_name='content type')),
                ('revision', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='wagtailcore.revision')),
                ('user', models.ForeignKey(blank=True, db_constraint=False, null=True, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to=settings.AUTH_USER_MODEL)),
            ],
            options={
                'verbose_name': 'application log entry',
                'verbose_name_plural': 'application log entries',
                'ordering': ['-timestamp', '-id'],
                'abstract': False,
                'indexes': [models.Index(fields=['uuid', 'action', '-timestamp'], name='forms_app_a_uuid_4e2c81_idx')],
            },
        ),
        migrations.RunPython(forwards, backwards),
    ]
