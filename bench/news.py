"""Time the news pages uncached with many articles and documents.

Usage: .venv/bin/python bench/news.py [--articles 10000] [--documents 1000] [--requests 50]
Builds a throwaway test database (SQLite in memory, or DATABASE_URL's server), loads the
demo, adds the articles and documents, then prints median and 95th percentile times and
the queries per page. Target: every page under 50 ms median, queries independent of size.
"""

import argparse
import datetime
import os
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "khuyenhoc.settings.test")

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402
from wagtail.rich_text import RichText  # noqa: E402

from news.models import (  # noqa: E402
    DocumentIndexPage,
    DocumentPage,
    IssuingBody,
    NewsArticlePage,
    NewsCategory,
    NewsIndexPage,
)


def add_articles(count):
    index = NewsIndexPage.objects.get(locale__language_code="vi")
    categories = list(NewsCategory.objects.filter(locale=index.locale))
    photo = NewsArticlePage.objects.exclude(hero_image=None).first().hero_image
    start = timezone.now()
    for number in range(count):
        index.add_child(
            instance=NewsArticlePage(
                title=f"Bài viết thử số {number}",
                slug=f"bai-viet-thu-{number}",
                date_published=start - datetime.timedelta(hours=number),
                category=categories[number % len(categories)],
                hero_image=photo,
                lead="Tin hoạt động khuyến học ở cơ sở.",
                body=[("paragraph", RichText("<p>Nội dung bài viết thử.</p>"))],
            )
        )
        if number % 1000 == 999:
            print(f"  {number + 1} articles", flush=True)


def add_documents(count):
    library = DocumentIndexPage.objects.get(locale__language_code="vi")
    issuer = IssuingBody.objects.first()
    for number in range(count):
        library.add_child(
            instance=DocumentPage(
                title=f"Công văn thử số {number}",
                slug=f"cong-van-thu-{number}",
                number=f"{number}/CV-THU",
                doc_type="cong-van",
                issuer=issuer,
                date_issued=datetime.date(2020, 1, 1) + datetime.timedelta(days=number % 2000),
                summary="Công văn thử về công tác khuyến học.",
            )
        )


def measure(client, path, requests):
    client.get(path)
    timings = []
    for _ in range(requests):
        start = time.perf_counter()
        response = client.get(path)
        timings.append((time.perf_counter() - start) * 1000)
        assert response.status_code == 200, (path, response.status_code)
    with CaptureQueriesContext(connection) as queries:
        client.get(path)
    timings.sort()
    p95 = timings[max(0, int(len(timings) * 0.95) - 1)]
    return statistics.median(timings), p95, len(queries.captured_queries)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--documents", type=int, default=1_000)
    parser.add_argument("--requests", type=int, default=50)
    args = parser.parse_args()

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, keepdb=False)
    try:
        with open(os.devnull, "w") as devnull:
            call_command("load_demo", stdout=devnull)
        started = time.perf_counter()
        add_articles(args.articles)
        add_documents(args.documents)
        print(f"data built in {time.perf_counter() - started:.0f} s")
        article = NewsArticlePage.objects.live().order_by("-date_published").first()
        pages = [
            article.url,
            "/tin-tuc/",
            "/tin-tuc/?page=400",
            "/tin-tuc/chuyen-muc/guong-sang-hieu-hoc/?page=50",
            "/tin-tuc/nam/2026/",
            "/van-ban/",
            "/van-ban/?loai=cong-van&page=20",
            "/van-ban/?so=135%2FKH-UBND",
        ]
        client = Client()
        print(f"{'page':<55} {'median ms':>10} {'p95 ms':>8} {'queries':>8}")
        for path in pages:
            median, p95, queries = measure(client, path, args.requests)
            print(f"{path[:55]:<55} {median:>10.2f} {p95:>8.2f} {queries:>8}")
        print(
            f"database: {connection.vendor}; articles: {NewsArticlePage.objects.count()}; "
            f"documents: {DocumentPage.objects.count()}; requests per page: {args.requests}"
        )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
