"""Small derived data about the news (the years that have articles or documents), cached
until published content changes.

Keys carry a version that publishing, unpublishing, moving or deleting a page, or changing
a view restriction, bumps: every process sharing the cache (Redis in production) drops the
old values at once. Whole pages are not cached here; they render fast uncached.
"""

from django.core.cache import cache

VERSION_KEY = "khuyenhoc:news:version"
# A safety net only: the version changes with the content.
TIMEOUT = 24 * 60 * 60


def version():
    current = cache.get(VERSION_KEY)
    if current is None:
        cache.add(VERSION_KEY, 1, timeout=None)
        current = cache.get(VERSION_KEY, 1)
    return current


def key(name, *parts):
    return ":".join(["khuyenhoc:news", name, str(version()), *map(str, parts)])


def invalidate(**kwargs):
    """Signal receiver: published content changed, so derived data is stale."""
    try:
        cache.incr(VERSION_KEY)
    except ValueError:
        cache.set(VERSION_KEY, 2, timeout=None)


def connect():
    from django.db.models.signals import post_delete, post_save
    from wagtail.models import Page, PageViewRestriction
    from wagtail.signals import page_published, page_unpublished, post_page_move

    page_published.connect(invalidate, dispatch_uid="news_cache_published")
    page_unpublished.connect(invalidate, dispatch_uid="news_cache_unpublished")
    post_page_move.connect(invalidate, dispatch_uid="news_cache_moved")
    post_delete.connect(invalidate, sender=Page, dispatch_uid="news_cache_deleted")
    for signal in (post_save, post_delete):
        signal.connect(
            invalidate,
            sender=PageViewRestriction,
            dispatch_uid=f"news_cache_restriction_{signal is post_save}",
        )
