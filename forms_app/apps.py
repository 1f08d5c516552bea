from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


def _sync_units(sender, using="default", **kwargs):
    """Load or refresh the administrative units after every ``migrate`` (cheap when present)."""
    from django.db import connections

    from forms_app.units import sync_units

    # A partial ``migrate`` may stop before our tables exist.
    if "forms_app_commune" in connections[using].introspection.table_names():
        sync_units(using=using)


class FormsAppConfig(AppConfig):
    """Applications for the learning titles, their review, and form-builder pages."""

    name = "forms_app"
    verbose_name = _("Applications and forms")

    def ready(self):
        post_migrate.connect(_sync_units, sender=self, dispatch_uid="forms_app_sync_units")
        from forms_app import stats

        stats.connect()
