from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils import formats, timezone
from django.utils.translation import get_language, pgettext_lazy
from wagtail.models import Page, Site

from khuyenhoc.cache import CONTENT_TIMEOUT, published_content
from khuyenhoc.pages import public

register = template.Library()


def _home_page(request):
    """The home page in the reader's language (the site root's translation)."""
    if request is None:
        return None
    cache = getattr(request, "_khuyenhoc_home", None)
    if cache is None:
        site = Site.find_for_request(request)
        home = None
        if site is not None:
            home = site.root_page.localized
        cache = request._khuyenhoc_home = {"page": home}
    return cache["page"]


def _home_links(request):
    """The home page's id and address in the reader's language, loaded only when published
    content has changed since they were cached."""

    def links():
        home = _home_page(request)
        if home is None:
            return {"pk": None, "url": None}
        return {"pk": home.pk, "url": home.get_url(request) if home.live else None}

    return _cached(("home", _host(request), get_language()), links)


@register.simple_tag(takes_context=True)
def home_url(context):
    url = _home_links(context.get("request"))["url"]
    if url:
        return url
    return "/" if get_language() == settings.LANGUAGE_CODE else f"/{get_language()}/"


@register.simple_tag(takes_context=True)
def privacy_link(context, privacy_page):
    """``{"url", "title"}`` of the privacy page in the reader's language, or ``None``."""
    request = context.get("request")

    def link():
        page = privacy_page.localized
        url = page.get_url(request) if page.live else None
        return {"url": url, "title": page.title} if url else {}

    return _cached(("privacy", privacy_page.pk, _host(request), get_language()), link) or None


@register.inclusion_tag("includes/main_menu.html", takes_context=True)
def main_menu(context):
    """Top-level pages marked "show in menus", in the reader's language."""
    request = context.get("request")
    home_pk = _home_links(request)["pk"] if request is not None else None
    current_path = getattr(request, "path", "")
    items = []
    if home_pk is not None:
        cached = _cached(
            ("menu", home_pk, _host(request)), lambda: _menu_items(_home_page(request), request)
        )
        items = [{**item, "active": current_path.startswith(item["url"])} for item in cached]
    return {"items": items, "home_url": home_url(context), "current_path": current_path}


def _menu_items(home, request):
    items = []
    for child in public(home.get_children().live().in_menu()):
        url = child.get_url(request)
        if url:
            items.append({"title": child.title, "url": url})
    return items


@register.inclusion_tag("includes/language_switcher.html", takes_context=True)
def language_switcher(context):
    """Links to this page in each language, or to that language's home page when the page
    has no translation yet."""
    request = context.get("request")
    page = context.get("page")
    urls = {}
    if isinstance(page, Page):
        urls = _live_urls_by_language(page.pk, request, lambda: page)
    elif request is not None:
        path = request.get_full_path()
        urls = {code: translate_url(path, code) for code, _name in settings.LANGUAGES}
    home_pk = _home_links(request)["pk"] if request is not None else None
    home_urls = {}
    if home_pk is not None:
        home_urls = _live_urls_by_language(home_pk, request, lambda: _home_page(request))
    current = get_language()
    links = [
        {
            "code": code,
            "name": name,
            "url": urls.get(code) or home_urls.get(code) or "/",
            "current": code == current,
        }
        for code, name in settings.LANGUAGES
    ]
    return {"links": links}


def _live_urls_by_language(page_pk, request, get_page):
    """``{language: url}`` of the live translations of the page ``get_page()`` loads, only
    when they are not cached."""

    def urls():
        page = get_page()
        translations = page.get_translations(inclusive=True).live().select_related("locale")
        return {t.locale.language_code: t.get_url(request) for t in translations}

    return _cached(("translations", page_pk, _host(request)), urls)


def _host(request):
    return request.get_host() if request is not None else ""


def _cached(parts, compute):
    """``compute()``, kept until published content changes: the menu and the language links
    are on every page and change only when pages are published, moved or restricted."""
    return published_content.cached(parts, compute, CONTENT_TIMEOUT)


WEEKDAYS = [
    pgettext_lazy("weekday", "Monday"),
    pgettext_lazy("weekday", "Tuesday"),
    pgettext_lazy("weekday", "Wednesday"),
    pgettext_lazy("weekday", "Thursday"),
    pgettext_lazy("weekday", "Friday"),
    pgettext_lazy("weekday", "Saturday"),
    pgettext_lazy("weekday", "Sunday"),
]


@register.filter
def long_datetime(value):
    """ "Thứ Tư, 20/12/2023 17:13", as Vietnamese news sites print it."""
    if not value:
        return ""
    local = timezone.localtime(value)
    day = formats.date_format(local, "SHORT_DATE_FORMAT")
    return f"{WEEKDAYS[local.weekday()]}, {day} {local:%H:%M}"
