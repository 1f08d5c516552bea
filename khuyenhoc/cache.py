"""Versioned cache keys: bumping one number in the shared cache retires every key built
with it, in every process at once (Redis in production), without listing the keys."""

import time

from django.core.cache import cache
from django.db import transaction
from django.utils.translation import get_language


class CacheVersion:
    def __init__(self, name):
        self.name = name
        self.version_key = f"khuyenhoc:{name}:version"

    def get(self):
        current = cache.get(self.version_key)
        if current is None:
            # Started from the clock, not 1: a version evicted from a full cache must not
            # come back as an old number whose keys may still be there.
            cache.add(self.version_key, time.time_ns() // 1000, timeout=None)
            current = cache.get(self.version_key, 1)
        return current

    def bump(self, **signal_kwargs):
        """Retire every key of this version now and again once the transaction commits.

        Usable as a signal receiver. Publishing, wagtail-localize's synchronisation and page
        deletion change content inside a transaction: another process reading in that window
        still sees the old rows and may cache them under the version moved at once; the move
        at commit retires them too. Outside a transaction the second move is not needed.
        """
        self._move()
        if transaction.get_connection().in_atomic_block:
            transaction.on_commit(self._move, robust=True)

    def _move(self):
        try:
            cache.incr(self.version_key)
        except ValueError:
            cache.set(self.version_key, time.time_ns() // 1000, timeout=None)

    def key(self, *parts):
        return ":".join(["khuyenhoc", self.name, str(self.get()), *map(str, parts)])

    def get_cached(self, parts):
        return cache.get(self.key(*parts))

    def set_cached(self, parts, value, timeout):
        cache.set(self.key(*parts), value, timeout)

    def cached(self, parts, compute, timeout):
        """``compute()``, kept under this version until it is bumped (or ``timeout``)."""
        key = self.key(*parts)
        value = cache.get(key)
        if value is None:
            value = compute()
            cache.set(key, value, timeout)
        return value


def on_published_content_change(receiver, uid):
    """Call ``receiver`` whenever what readers see may change: a page published, unpublished,
    moved or deleted."""
    from django.db.models.signals import post_delete
    from wagtail.models import Page
    from wagtail.signals import page_published, page_unpublished, post_page_move

    page_published.connect(receiver, dispatch_uid=f"{uid}_published")
    page_unpublished.connect(receiver, dispatch_uid=f"{uid}_unpublished")
    post_page_move.connect(receiver, dispatch_uid=f"{uid}_moved")
    post_delete.connect(receiver, sender=Page, dispatch_uid=f"{uid}_deleted")


# What readers see of the published pages: bumped when a page is published, unpublished,
# moved or deleted, a view restriction changes, or a site or a locale is saved. Derived data
# (menus, language links, years, counts) is keyed with it.
published_content = CacheVersion("content")
# A safety net only: the version changes with the content.
CONTENT_TIMEOUT = 24 * 60 * 60


def active_locale():
    """``Locale.get_active()`` without its query on every request: the site's languages
    change only when a locale is added or removed, which moves the version."""
    from wagtail.models import Locale

    return published_content.cached(("locale", get_language()), Locale.get_active, CONTENT_TIMEOUT)


def default_locale():
    """``Locale.get_default()``, the site's main language, kept the same way."""
    from wagtail.models import Locale

    return published_content.cached(("locale",), Locale.get_default, CONTENT_TIMEOUT)


def connect_published_content():
    from django.db.models.signals import post_delete, post_save
    from wagtail.models import Locale, PageViewRestriction, Site

    on_published_content_change(published_content.bump, "khuyenhoc_content")
    for sender in (PageViewRestriction, Site, Locale):
        for signal in (post_save, post_delete):
            signal.connect(
                published_content.bump,
                sender=sender,
                dispatch_uid=f"khuyenhoc_content_{sender.__name__}_{signal is post_save}",
            )
