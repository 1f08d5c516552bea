"""The home page, cached for anonymous readers until content changes.

The key carries a content version; publishing, unpublishing, moving or deleting any page,
and saving the site settings, bump the version, so every cached home page (each site,
each language) is dropped at once, in every process sharing the cache (Redis in production).
A short timeout bounds what dates alone change (a campaign starting on 1 January).
"""

from django.core.cache import cache
from django.http import HttpResponse
from django.utils.cache import patch_cache_control

from khuyenhoc.cache import CacheVersion

_version = CacheVersion("home")
TIMEOUT = 10 * 60

content_version = _version.get
invalidate = _version.bump  # signal receiver: cached home pages are stale


def is_cacheable(request):
    """Only what every anonymous reader sees alike: no login, no preview, no pending
    message, no query string."""
    return (
        request.method in ("GET", "HEAD")
        and not request.GET
        and not getattr(request, "is_preview", False)
        and not (hasattr(request, "user") and request.user.is_authenticated)
        and "messages" not in request.COOKIES
    )


def cache_key(request, page):
    return _version.key(page.pk, request.get_host(), request.path)


def serve_cached(request, page, render):
    """Return the cached response for ``page`` or render, store and return it."""
    if not is_cacheable(request):
        response = render()
        response["X-Home-Cache"] = "bypass"
        return response
    key = cache_key(request, page)
    cached = cache.get(key)
    if cached is not None:
        content, content_type = cached
        response = HttpResponse(content, content_type=content_type)
        response["X-Home-Cache"] = "hit"
        return response
    response = render()
    if hasattr(response, "render"):
        response.render()
    if request.META.get("CSRF_COOKIE_NEEDS_UPDATE"):
        # The page holds a form (an embedded one, say) with this reader's CSRF token: a
        # shared copy would hand it to everyone, and their posts would fail.
        patch_cache_control(response, private=True)
        response["X-Home-Cache"] = "bypass"
        return response
    if response.status_code == 200:
        cache.set(key, (response.content, response["Content-Type"]), TIMEOUT)
    response["X-Home-Cache"] = "miss"
    return response
