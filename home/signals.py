from django.db.models.signals import post_save

from home import cache as home_cache
from khuyenhoc.cache import on_published_content_change


def connect():
    from home.models import SiteSettings

    on_published_content_change(home_cache.invalidate, "home_cache")
    post_save.connect(
        home_cache.invalidate, sender=SiteSettings, dispatch_uid="home_cache_settings"
    )
