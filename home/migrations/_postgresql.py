"""SQL that only PostgreSQL runs (search configuration, indexes); other databases skip it."""

from django.db import migrations


def _on_postgresql(sql):
    def run(apps, schema_editor):
        if schema_editor.connection.vendor == "postgresql":
            schema_editor.execute(sql)

    return run


def run_sql(forward, backward):
    """``RunSQL`` for PostgreSQL alone, a no-op elsewhere."""
    return migrations.RunPython(_on_postgresql(forward), _on_postgresql(backward), elidable=False)
