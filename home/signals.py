from django.db.models.signals import post_delete, post_save

from home import cache as home_cache
from khuyenhoc.cache import on_published_content_change, published_content


def connect():
    from wagtail.models import PageViewRestriction

    from home.models import SiteSettings

    on_published_content_change(home_cache.invalidate, "home_cache")
    # A page made private (or public again) leaves or joins the home page's lists.
    for signal in (post_save, post_delete):
        signal.connect(
            home_cache.invalidate,
            sender=PageViewRestriction,
            dispatch_uid=f"home_cache_restrictions_{signal is post_save}",
        )
    post_save.connect(
        home_cache.invalidate, sender=SiteSettings, dispatch_uid="home_cache_settings"
    )
    # Every page's header and footer read them from the cache (SiteSettings.for_site).
    for signal in (post_save, post_delete):
        signal.connect(
            published_content.bump,
            sender=SiteSettings,
            dispatch_uid=f"khuyenhoc_content_site_settings_{signal is post_save}",
        )
