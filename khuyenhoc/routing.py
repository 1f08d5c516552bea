"""Page routes kept in the cache between publications.

Serving /phong-trao/<slug>/ asks the database for the site, the active locale, the home page,
the index by its slug, the index's own row and the campaign: six queries before the page
renders, whose answer stays the same until a page is published, unpublished, moved or
deleted, or a site is saved, which is what the published-content version follows
(``khuyenhoc.cache``). The site and the route found (the page's model and id) are kept under
that version; the page itself is read again by its id, live only, in one query, and routes
what is left of the path itself (a routable page's sub-path: no query). A page gone since
routes the usual way. The site is handed to every other view too
(``RememberedSiteMiddleware``).
"""

from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.http import Http404
from django.http.request import split_domain_port
from django.utils.translation import get_language
from wagtail import views as wagtail_views
from wagtail.models import Site

from khuyenhoc.cache import CONTENT_TIMEOUT, published_content


def _site_key(request):
    return ("site", split_domain_port(request._get_raw_host())[0], request.get_port())


def _route_key(site, path):
    return ("route", site.pk, get_language(), path)


class RememberedSiteMiddleware:
    """Every view's ``Site.find_for_request`` (page URLs, settings) answered from the cache.

    Wagtail looks the site up once per request, one query, which the search page and the
    other views outside the page tree paid on every request. The site is handed over when
    the cache knows it, and remembered after a view has looked it up, so a view that never
    needs it (``/healthz`` with the database down) never queries for it. Listed after
    ``CommonMiddleware``, which has already refused hosts outside ``ALLOWED_HOSTS``, so the
    cache only ever holds the site's own host names.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # The key of this moment: a site saved during the request retires it.
        key = published_content.key(*_site_key(request))
        site = cache.get(key)
        if site is not None:
            request._wagtail_site = site or None  # False: no site answers this host
        response = self.get_response(request)
        if site is None and hasattr(request, "_wagtail_site"):
            cache.set(key, request._wagtail_site or False, CONTENT_TIMEOUT)
        return response


def _prime(request, path):
    """Hand Wagtail the route remembered for this path, when there is one still live."""
    if hasattr(request, "_wagtail_route_for_request"):
        return
    site = Site.find_for_request(request)
    if site is None:
        return
    remembered = published_content.get_cached(_route_key(site, path))
    if remembered is None:
        return
    content_type_id, page_id, rest = remembered
    model = ContentType.objects.get_for_id(content_type_id).model_class()
    page = model.objects.live().filter(pk=page_id).first() if model else None
    if page is None:
        return
    try:
        request._wagtail_route_for_request = page.route(request, rest)
    except Http404:
        return


def _remember(request, path, primed):
    route = getattr(request, "_wagtail_route_for_request", None)
    site = getattr(request, "_wagtail_site", None)
    if primed or route is None or site is None:
        return
    page = route[0]
    # The part of the path below the page: what a routable page resolves itself.
    rest = [part for part in path.split("/") if part][page.depth - site.root_page.depth :]
    published_content.set_cached(
        _route_key(site, path), (page.content_type_id, page.pk, rest), CONTENT_TIMEOUT
    )


def serve(request, path):
    """Wagtail's page view, with the route from the cache when it is known."""
    _prime(request, path)
    primed = hasattr(request, "_wagtail_route_for_request")
    response = wagtail_views.serve(request, path)
    _remember(request, path, primed)
    return response
