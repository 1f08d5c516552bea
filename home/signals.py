from django.db.models.signals import post_delete, post_save
from wagtail.models import Page
from wagtail.signals import page_published, page_unpublished, post_page_move

from home import cache as home_cache


def connect():
    from home.models import SiteSettings

    page_published.connect(home_cache.invalidate, dispatch_uid="home_cache_published")
    page_unpublished.connect(home_cache.invalidate, dispatch_uid="home_cache_unpublished")
    post_page_move.connect(home_cache.invalidate, dispatch_uid="home_cache_moved")
    post_delete.connect(home_cache.invalidate, sender=Page, dispatch_uid="home_cache_deleted")
    post_save.connect(
        home_cache.invalidate, sender=SiteSettings, dispatch_uid="home_cache_settings"
    )
