from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NewsConfig(AppConfig):
    """Articles, official documents, feeds and the news importer."""

    name = "news"
    verbose_name = _("News and documents")
