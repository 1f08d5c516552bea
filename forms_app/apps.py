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


# The two staff groups of the review workflow: the admin and the applications list (view only;
# what they may do to an application follows from their review assignments, forms_app.workflow).
# Names are what administrators see.
REVIEW_GROUPS = {
    "Cán bộ xét duyệt": ["view_application"],
    "Lãnh đạo phê duyệt": ["view_application"],
}


def _review_groups(sender, using="default", **kwargs):
    from django.contrib.auth.models import Group, Permission

    admin_access = Permission.objects.using(using).filter(
        content_type__app_label="wagtailadmin", codename="access_admin"
    )
    for name, codenames in REVIEW_GROUPS.items():
        # Always (``add`` is idempotent): Wagtail's admin permission may be created by a later
        # app's post_migrate than ours on the first ``migrate``.
        group, _created = Group.objects.using(using).get_or_create(name=name)
        group.permissions.add(
            *admin_access,
            *Permission.objects.using(using).filter(
                content_type__app_label="forms_app", codename__in=codenames
            ),
        )


class FormsAppConfig(AppConfig):
    """Applications for the learning titles, their review, and form-builder pages."""

    name = "forms_app"
    verbose_name = _("Applications and forms")

    def ready(self):
        post_migrate.connect(_sync_units, sender=self, dispatch_uid="forms_app_sync_units")
        post_migrate.connect(_review_groups, dispatch_uid="forms_app_review_groups")
        from forms_app import stats

        stats.connect()
