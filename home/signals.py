from django.db.models.signals import post_save

from home import cache as home_cache
from khuyenhoc.cache import on_published_content_change, published_content


def connect():
    from home.models import SiteSettings

    on_published_content_change(home_cache.invalidate, "home_cache")
    post_save.connect(
        home_cache.invalidate, sender=SiteSettings, dispatch_uid="home_cache_settings"
    )
    # The footer's privacy link is cached with the published content.
    post_save.connect(
        published_content.bump, sender=SiteSettings, dispatch_uid="content_site_settings"
    )
