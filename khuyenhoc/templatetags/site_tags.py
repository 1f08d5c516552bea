from django import template
from django.conf import settings
from django.urls import translate_url
from django.utils import formats, timezone
from django.utils.translation import get_language, pgettext_lazy
from wagtail.models import Page, Site

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


@register.simple_tag(takes_context=True)
def home_url(context):
    request = context.get("request")
    home = _home_page(request)
    if home is not None and home.live:
        return home.get_url(request)
    return "/" if get_language() == settings.LANGUAGE_CODE else f"/{get_language()}/"


@register.inclusion_tag("includes/main_menu.html", takes_context=True)
def main_menu(context):
    """Top-level pages marked "show in menus", in the reader's language."""
    request = context.get("request")
    home = _home_page(request)
    items = []
    current_path = getattr(request, "path", "")
    if home is not None:
        for child in home.get_children().live().public().in_menu():
            url = child.get_url(request)
            if url:
                items.append(
                    {"title": child.title, "url": url, "active": current_path.startswith(url)}
                )
    return {"items": items, "home_url": home_url(context), "current_path": current_path}


@register.inclusion_tag("includes/language_switcher.html", takes_context=True)
def language_switcher(context):
    """Links to this page in each language, or to that language's home page when the page
    has no translation yet."""
    request = context.get("request")
    page = context.get("page")
    urls = {}
    if isinstance(page, Page):
        urls = _live_urls_by_language(page, request)
    elif request is not None:
        path = request.get_full_path()
        urls = {code: translate_url(path, code) for code, _name in settings.LANGUAGES}
    home = _home_page(request)
    home_urls = _live_urls_by_language(home, request) if home is not None else {}
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


def _live_urls_by_language(page, request):
    translations = page.get_translations(inclusive=True).live().select_related("locale")
    return {t.locale.language_code: t.get_url(request) for t in translations}


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
