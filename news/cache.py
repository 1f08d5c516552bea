"""Small derived data about the news (the years that have articles or documents), cached
until published content changes.

Keys carry a version that publishing, unpublishing, moving or deleting a page, or changing
a view restriction, bumps: every process sharing the cache (Redis in production) drops the
old values at once. Whole pages are not cached here; they render fast uncached.
"""

from khuyenhoc.cache import CacheVersion, on_published_content_change

_version = CacheVersion("news")
# A safety net only: the version changes with the content.
TIMEOUT = 24 * 60 * 60

version = _version.get
invalidate = _version.bump  # signal receiver: published content changed


def key(name, *parts):
    return _version.key(name, *parts)


def connect():
    from django.db.models.signals import post_delete, post_save
    from wagtail.models import PageViewRestriction

    on_published_content_change(invalidate, "news_cache")
    for signal in (post_save, post_delete):
        signal.connect(
            invalidate,
            sender=PageViewRestriction,
            dispatch_uid=f"news_cache_restriction_{signal is post_save}",
        )
