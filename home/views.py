import logging
import unicodedata

from django.core.paginator import Paginator
from django.db import DatabaseError, transaction
from django.shortcuts import render
from wagtail.models import Locale, Page

logger = logging.getLogger(__name__)

MAX_QUERY_LENGTH = 200
RESULTS_PER_PAGE = 10


def clean_query(raw):
    """Keep words, drop what search syntax or the database could choke on."""
    printable = "".join(
        " " if unicodedata.category(ch).startswith("C") or ch == '"' else ch for ch in raw
    )
    return " ".join(printable.split())[:MAX_QUERY_LENGTH].strip()


def search(request):
    """Search the live pages of the reader's language."""
    query = clean_query(request.GET.get("q", ""))
    results = Page.objects.none()
    if query:
        results = (
            Page.objects.live().public().filter(locale=Locale.get_active()).specific().search(query)
        )
    paginator = Paginator(results, RESULTS_PER_PAGE)
    search_failed = False
    try:
        # A savepoint, so a query the backend rejects cannot break the transaction.
        with transaction.atomic():
            page_obj = paginator.get_page(request.GET.get("page"))
            page_obj.object_list = list(page_obj.object_list)
    except DatabaseError:
        logger.warning("Search failed for %r", query, exc_info=True)
        search_failed = True
        paginator = Paginator([], RESULTS_PER_PAGE)
        page_obj = paginator.page(1)
    return render(
        request,
        "home/search.html",
        {
            "search_query": query,
            "search_failed": search_failed,
            "page_obj": page_obj,
            "page_range": paginator.get_elided_page_range(page_obj.number),
        },
    )
