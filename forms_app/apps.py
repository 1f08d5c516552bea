from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FormsAppConfig(AppConfig):
    """Applications for the learning titles, their review, and form-builder pages."""

    name = "forms_app"
    verbose_name = _("Applications and forms")
