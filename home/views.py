import hashlib
import logging

from django import forms
from django.contrib.contenttypes.models import ContentType
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db import DatabaseError, transaction
from django.db.models.functions import ExtractYear
from django.http import JsonResponse
from django.shortcuts import render
from django.utils.cache import patch_cache_control
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_GET
from wagtail.models import Page
from wagtail.search.backends.base import OrderByFieldError

from khuyenhoc.cache import active_locale
from khuyenhoc.pages import public
from khuyenhoc.search import (
    backend_query,
    clean_query,
    highlight,
    query_terms,
    search_date_expression,
    search_types,
    snippet,
    year_filter,
)

logger = logging.getLogger(__name__)

RESULTS_PER_PAGE = 10
SORT_RELEVANCE = "phu-hop"
SORT_NEWEST = "moi-nhat"
SUGGESTIONS = 8
SUGGEST_MIN_LENGTH = 2
SUGGEST_MAX_LENGTH = 60
SUGGEST_CACHE_SECONDS = 300
YEARS_CACHE_SECONDS = 600


def _search_errors():
    """What a backend raises for a query it cannot run; shown as a message, never a 500."""
    errors = [DatabaseError]
    try:
        from elasticsearch import ApiError, TransportError

        errors += [ApiError, TransportError]
    except ImportError:  # pragma: no cover - elasticsearch is in requirements
        pass
    return tuple(errors)


SEARCH_ERRORS = _search_errors()


class SearchForm(forms.Form):
    """The search page's filters. A bad value is not applied; it never fails the page."""

    loai = forms.ChoiceField(label=_("Type of content"), required=False)
    nam = forms.TypedChoiceField(label=_("Year"), required=False, coerce=int, empty_value=None)
    sap_xep = forms.ChoiceField(
        label=_("Sort by"),
        required=False,
        choices=[(SORT_RELEVANCE, _("Most relevant")), (SORT_NEWEST, _("Newest"))],
    )

    def __init__(self, *args, types=(), years=(), **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            field.widget.attrs["class"] = "form-select form-select-sm"
        self.fields["loai"].choices = [("", _("All content"))] + [
            (value, label) for value, label, _models in types
        ]
        self.fields["nam"].choices = [("", _("All years"))] + [(y, y) for y in years]

    def value(self, name, default=None):
        self.is_valid()
        return self.cleaned_data.get(name) or default


def _searchable_pages(locale):
    return public(Page.objects.live().filter(locale=locale))


def _content_type_ids(models):
    return [ct.pk for ct in ContentType.objects.get_for_models(*models).values()]


def _years(pages, types, locale):
    """Years that have at least one searchable page, newest first.

    One query over every page, so kept for a few minutes: a new year showing up a little
    late in the filter harms no one.
    """
    key = f"search-years:{locale.pk}"
    years = cache.get(key)
    if years is None:
        models = [model for _value, _label, group in types for model in group]
        years = list(
            pages.filter(content_type__in=_content_type_ids(models))
            .annotate(search_year=ExtractYear(search_date_expression()))
            .exclude(search_year=None)
            .values_list("search_year", flat=True)
            .distinct()
            .order_by("-search_year")
        )
        cache.set(key, years, YEARS_CACHE_SECONDS)
    return years


def _run(pages, query, newest):
    """The backend's results for ``query``, by relevance or by date."""
    if not newest:
        return pages.search(query, operator="and")
    try:
        ordered = pages.order_by(search_date_expression().desc(nulls_last=True), "-id")
        return ordered.search(query, operator="and", order_by_relevance=False)
    except OrderByFieldError:
        # Elasticsearch sorts only on indexed Page fields; the first publication comes closest.
        return pages.order_by("-first_published_at").search(
            query, operator="and", order_by_relevance=False
        )


def search(request):
    """Search the live pages of the reader's language, folded so diacritics are optional."""
    query = clean_query(request.GET.get("q", ""))
    terms = query_terms(query)
    locale = active_locale()
    types = search_types()
    pages = _searchable_pages(locale)
    form = SearchForm(request.GET, types=types, years=_years(pages, types, locale))
    chosen_type = form.value("loai")
    year = form.value("nam")
    newest = form.value("sap_xep") == SORT_NEWEST

    selected = [group for value, _label, group in types if not chosen_type or value == chosen_type]
    models = [model for group in selected for model in group]
    pages = pages.filter(content_type__in=_content_type_ids(models)).specific()
    if year:
        pages = pages.filter(pk__in=Page.objects.filter(year_filter(year, models)).values("pk"))

    results = []
    search_failed = False
    paginator = Paginator([], RESULTS_PER_PAGE)
    page_obj = paginator.page(1)
    if terms:
        try:
            # A savepoint, so a query the backend rejects cannot break the transaction.
            with transaction.atomic():
                paginator = Paginator(_run(pages, backend_query(query), newest), RESULTS_PER_PAGE)
                page_obj = paginator.get_page(request.GET.get("page"))
                page_obj.object_list = list(page_obj.object_list)
        except SEARCH_ERRORS:
            logger.warning("Search failed for %r", query, exc_info=True)
            search_failed = True
            paginator = Paginator([], RESULTS_PER_PAGE)
            page_obj = paginator.page(1)
        results = [
            {
                "page": page,
                "title": highlight(page.title, terms),
                "type_label": getattr(page, "search_type_label", ""),
                "date": getattr(page, "search_date", None),
                "snippet": snippet(page.search_snippet_source(), terms)
                if hasattr(page, "search_snippet_source")
                else "",
            }
            for page in page_obj.object_list
        ]

    params = request.GET.copy()
    params.pop("page", None)
    params["q"] = query
    return render(
        request,
        "home/search.html",
        {
            "search_query": query,
            "search_terms": terms,
            "search_failed": search_failed,
            "form": form,
            "results": results,
            "page_obj": page_obj,
            "page_range": paginator.get_elided_page_range(page_obj.number, on_each_side=1),
            "page_query": params.urlencode(),
            "filtered": bool(chosen_type or year),
        },
    )


@require_GET
def suggestions(request):
    """Titles that start like what the reader is typing, as JSON for the search box.

    Folded like the search itself, limited to a few titles and cached (here and in
    browsers), so each keystroke costs little.
    """
    query = clean_query(request.GET.get("q", ""))[:SUGGEST_MAX_LENGTH]
    folded = backend_query(query)
    items = []
    if len(folded.replace(" ", "")) >= SUGGEST_MIN_LENGTH:
        digest = hashlib.sha256(folded.encode()).hexdigest()[:32]
        key = f"search-suggestions:{get_language()}:{digest}"
        items = cache.get(key)
        if items is None:
            items = _suggest(request, folded)
            cache.set(key, items, SUGGEST_CACHE_SECONDS)
    response = JsonResponse({"query": query, "suggestions": items})
    patch_cache_control(response, public=True, max_age=SUGGEST_CACHE_SECONDS)
    return response


def _suggest(request, folded):
    types = search_types()
    models = [model for _value, _label, group in types for model in group]
    pages = _searchable_pages(active_locale()).filter(content_type__in=_content_type_ids(models))
    try:
        with transaction.atomic():
            found = list(pages.autocomplete(folded, operator="and")[:SUGGESTIONS])
    except SEARCH_ERRORS:
        logger.warning("Suggestions failed for %r", folded, exc_info=True)
        return []
    return [
        {
            "title": page.title,
            "url": page.get_url(request),
            "type": str(getattr(page.specific_class, "search_type_label", "")),
        }
        for page in found
    ]
