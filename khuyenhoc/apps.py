from django.apps import AppConfig, apps
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class KhuyenhocConfig(AppConfig):
    name = "khuyenhoc"
    verbose_name = _("Site core")

    def ready(self):
        from khuyenhoc.accounts.two_factor import connect_login_signal
        from khuyenhoc.cache import connect_published_content
        from khuyenhoc.pages import connect_restriction_signals
        from khuyenhoc.roles import ensure_roles
        from khuyenhoc.templatetags import cached_images

        connect_published_content()
        connect_restriction_signals()
        cached_images.connect()
        connect_login_signal()

        # After Wagtail's own apps, by which time the permissions of every app exist.
        post_migrate.connect(
            ensure_roles,
            sender=apps.get_app_config("wagtailcore"),
            dispatch_uid="khuyenhoc.ensure_roles",
        )
