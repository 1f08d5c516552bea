import datetime

import pytest
from django.utils import timezone
from wagtail.rich_text import RichText

from home.models import StandardPage
from news.models import (
    DocumentIndexPage,
    DocumentPage,
    IssuingBody,
    NewsArticlePage,
    NewsIndexPage,
)


@pytest.fixture
def make_page(demo):
    """A live general page under the Vietnamese home page, indexed by Wagtail's signals."""

    def make(title, body="", intro=""):
        page = StandardPage(
            title=title,
            intro=intro,
            body=[("paragraph", RichText(f"<p>{body}</p>"))] if body else [],
        )
        demo["home"].add_child(instance=page)
        page.save_revision().publish()
        return page

    return make


@pytest.fixture
def make_article(demo):
    def make(title, body="", lead="", when=None):
        index = NewsIndexPage.objects.get(locale__language_code="vi")
        article = NewsArticlePage(
            title=title,
            lead=lead,
            date_published=when or timezone.now(),
            body=[("paragraph", RichText(f"<p>{body}</p>"))] if body else [],
        )
        index.add_child(instance=article)
        article.save_revision().publish()
        return article

    return make


@pytest.fixture
def make_document(demo):
    def make(number, summary, issued=datetime.date(2025, 3, 1), title=None):
        library = DocumentIndexPage.objects.get(locale__language_code="vi")
        document = DocumentPage(
            title=title or summary[:60],
            number=number,
            doc_type="ke-hoach",
            issuer=IssuingBody.objects.first(),
            date_issued=issued,
            summary=summary,
        )
        library.add_child(instance=document)
        document.save_revision().publish()
        return document

    return make
