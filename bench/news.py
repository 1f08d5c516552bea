"""Time the news pages uncached with many articles and documents.

Usage: .venv/bin/python bench/news.py [--articles 10000] [--documents 1000] [--requests 50]
(or `make bench`). Builds a throwaway test database (SQLite in memory, or DATABASE_URL's
server), loads the demo, adds the articles and documents, then prints the median and 95th
percentile times and the queries of each page. Target: every page under 50 ms median, with
queries independent of the data's size.

Only the first request of each page warms process-wide caches (Wagtail's site root paths
and image renditions); every timed request runs the full view and template, uncached.
"""

import argparse
import datetime
import gc
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "khuyenhoc.settings.test")

import django  # noqa: E402

django.setup()

from django.contrib.contenttypes.models import ContentType  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection, transaction  # noqa: E402
from django.test import Client  # noqa: E402
from django.utils import timezone  # noqa: E402
from wagtail.models import Page  # noqa: E402
from wagtail.rich_text import RichText  # noqa: E402

from bench.timing import machine_note, measure, settle_database  # noqa: E402
from news.models import (  # noqa: E402
    ArticleTag,
    DocumentIndexPage,
    DocumentPage,
    DocumentType,
    IssuingBody,
    NewsArticlePage,
    NewsCategory,
    NewsIndexPage,
    NewsTag,
)
from news.models.documents import normalise_number  # noqa: E402

BATCH = 1000


def bulk_children(parent, pages):
    """Add ``pages`` (unsaved specific pages) under ``parent`` in a few queries.

    Bench only: ``add_child`` runs a handful of queries per page through treebeard, which
    makes 10,000 articles take minutes. This writes the same rows (tree paths, URL paths,
    live, published times) with ``bulk_create`` for the pages and one insert per specific
    row, and skips revisions and the search index, which the timed pages do not read.
    """
    model = type(pages[0])
    content_type = ContentType.objects.get_for_model(model)
    last = parent.get_last_child()
    step = model._str2int(last.path[-model.steplen :]) if last else 0
    for number, page in enumerate(pages, start=step + 1):
        page.path = model._get_path(parent.path, parent.depth + 1, number)
        page.depth = parent.depth + 1
        page.numchild = 0
        page.url_path = f"{parent.url_path}{page.slug}/"
        page.content_type = content_type
        page.locale_id = parent.locale_id
        page.draft_title = page.title
        page.live = True
        page.first_published_at = page.last_published_at = timezone.now()
    page_fields = {field.attname for field in Page._meta.concrete_fields} - {"id"}
    with transaction.atomic():
        for start in range(0, len(pages), BATCH):
            chunk = pages[start : start + BATCH]
            bases = Page.objects.bulk_create(
                [Page(**{name: getattr(page, name) for name in page_fields}) for page in chunk]
            )
            for page, base in zip(chunk, bases, strict=True):
                page.pk = page.page_ptr_id = base.pk
                page.save_base(raw=True, force_insert=True)
        Page.objects.filter(pk=parent.pk).update(numchild=parent.numchild + len(pages))
    parent.numchild += len(pages)


def add_articles(count):
    index = NewsIndexPage.objects.get(locale__language_code="vi")
    categories = list(NewsCategory.objects.filter(locale=index.locale))
    photos = list(
        NewsArticlePage.objects.exclude(hero_image=None).values_list("hero_image", flat=True)
    )
    tags = [
        NewsTag.objects.get_or_create(name=f"chủ đề {n}", slug=f"chu-de-{n}")[0] for n in range(20)
    ]
    start = timezone.now() - datetime.timedelta(days=1)
    body = [("paragraph", RichText("<p>Nội dung bài viết thử về hoạt động khuyến học.</p>"))]
    articles = [
        NewsArticlePage(
            title=f"Bài viết thử số {number}",
            slug=f"bai-viet-thu-{number}",
            # Three articles a day: 10,000 span about nine years.
            date_published=start - datetime.timedelta(hours=8 * number),
            category=categories[number % len(categories)],
            hero_image_id=photos[number % len(photos)],
            hero_caption="Quang cảnh buổi sinh hoạt",
            lead="Tin hoạt động khuyến học ở cơ sở, viết để đo tốc độ trang.",
            body=body,
            author="Ban biên tập",
            featured=number % 500 == 0,
        )
        for number in range(count)
    ]
    bulk_children(index, articles)
    ArticleTag.objects.bulk_create(
        [
            ArticleTag(content_object_id=article.pk, tag=tags[(number + shift) % len(tags)])
            for number, article in enumerate(articles)
            for shift in (0, 7)
        ],
        batch_size=BATCH,
    )


def add_documents(count):
    library = DocumentIndexPage.objects.get(locale__language_code="vi")
    issuers = list(IssuingBody.objects.all())
    types = list(DocumentType.values)
    documents = []
    for number in range(count):
        document_number = f"{number}/CV-THU"
        documents.append(
            DocumentPage(
                title=f"Văn bản thử số {number}",
                slug=f"van-ban-thu-{number}",
                number=document_number,
                number_normalised=normalise_number(document_number),
                doc_type=types[number % len(types)],
                issuer=issuers[number % len(issuers)],
                date_issued=datetime.date(2026, 6, 1) - datetime.timedelta(days=3 * number),
                summary="Văn bản thử về công tác khuyến học, khuyến tài.",
            )
        )
    bulk_children(library, documents)


def pages_to_time():
    index = NewsIndexPage.objects.get(locale__language_code="vi")
    articles = index.articles
    newest = articles.first()
    middle = articles[articles.count() // 2]
    last_page = -(-articles.count() // 12)
    category = NewsCategory.objects.filter(locale=index.locale).first()
    in_category = articles.filter(category=category).count()
    year = newest.date_published.year - 3
    issuer = IssuingBody.objects.first()
    return [
        ("article, newest", newest.url),
        ("article, middle", middle.url),
        ("index, first page", "/tin-tuc/"),
        ("index, middle page", f"/tin-tuc/?page={last_page // 2}"),
        ("index, last page", f"/tin-tuc/?page={last_page}"),
        (
            "index, category, middle",
            f"/tin-tuc/chuyen-muc/{category.slug}/?page={-(-in_category // 12) // 2}",
        ),
        ("index, tag", "/tin-tuc/the/chu-de-3/?page=20"),
        ("index, year", f"/tin-tuc/nam/{year}/?page=5"),
        ("library, first page", "/van-ban/"),
        ("library, middle page", "/van-ban/?page=25"),
        ("library, by number", "/van-ban/?so=135%2FKH-UBND"),
        ("library, type+issuer", f"/van-ban/?loai=cong-van&co_quan={issuer.slug}"),
        ("library, year, page 2", "/van-ban/?nam=2024&page=2"),
        ("RSS feed", "/rss/"),
        ("Atom feed, category", f"/atom/{category.slug}/"),
        ("sitemap.xml (index)", "/sitemap.xml"),
        ("sitemap section", "/sitemap-pages.xml?p=5"),
    ]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--documents", type=int, default=1_000)
    parser.add_argument("--requests", type=int, default=50)
    args = parser.parse_args()

    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        with open(os.devnull, "w") as devnull:
            call_command("load_demo", stdout=devnull)
        started = time.perf_counter()
        add_articles(args.articles)
        add_documents(args.documents)
        settle_database()
        print(f"data built in {time.perf_counter() - started:.1f} s")
        # A server process starts without the objects the build left behind: set them
        # aside, so the collector does not walk them again during the timed requests. The
        # requests go through Django's whole stack without the test runner's template
        # instrumentation, as in production.
        gc.collect()
        gc.freeze()
        client = Client()
        print(f"{'page':<26} {'median ms':>10} {'p95 ms':>8} {'cpu ms':>7} {'queries':>8}  path")
        for label, path in pages_to_time():
            # A sitemap section lists 1,000 pages: it is for crawlers, timed less often.
            requests = args.requests if label != "sitemap section" else max(5, args.requests // 10)
            median, p95, cpu, queries = measure(client, path, requests)
            print(f"{label:<26} {median:>10.1f} {p95:>8.1f} {cpu:>7.1f} {queries:>8}  {path[:60]}")
        print(
            f"database: {connection.vendor}; articles: {NewsArticlePage.objects.count()}; "
            f"documents: {DocumentPage.objects.count()}; requests per page: {args.requests}; "
            f"{machine_note()}"
        )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
