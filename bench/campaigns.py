"""Time the home page and a campaign page, uncached, with 10,000 articles and 100,000
applications.

Usage: .venv/bin/python bench/campaigns.py [--articles 10000] [--applications 100000]
       [--requests 50]
Builds a throwaway test database (SQLite in memory, or DATABASE_URL's server), loads the
demo, adds the articles (a tenth of them tagged like the demo campaign, so its related news
searches a large set) and the applications (bench/live_targets.py's builder: a half
recognised, over every title, five years and the communes of two provinces), then prints
the median and 95th percentile wall times, the median CPU time of the process (what a page
costs when other programs compete for the processors) and the queries. Requests go through
Django's full stack without the test runner's template instrumentation, as in production.
Target (issue 6): home and campaign pages under 30 ms median uncached.

"Uncached" home page: the content version is bumped before every request, so each one
renders the whole page; the cached row shows what anonymous readers get. The live figures
are aggregated in the database and cached until an application changes status; the
"figures recounted" rows drop that cache before every request too.
"""

import argparse
import gc
import os
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
from timing import machine_note, measure, settle_database  # noqa: E402

from bench.live_targets import add_applications  # noqa: E402
from bench.news import add_articles  # noqa: E402
from campaigns.models import CampaignIndexPage, CampaignPage  # noqa: E402
from forms_app import stats  # noqa: E402
from forms_app.models import Application  # noqa: E402
from home import cache as home_cache  # noqa: E402
from news.models import ArticleTag, NewsArticlePage, NewsTag  # noqa: E402


def tag_for_campaign():
    """Tag one article in ten with the demo campaign's first tag."""
    tag = NewsTag.objects.get(name="gia đình học tập")
    ids = NewsArticlePage.objects.filter(slug__startswith="bai-viet-thu-").values_list(
        "pk", flat=True
    )
    ArticleTag.objects.bulk_create(
        [ArticleTag(content_object_id=pk, tag=tag) for pk in ids[::10]], batch_size=1000
    )


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--articles", type=int, default=10_000)
    parser.add_argument("--applications", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=50)
    args = parser.parse_args()

    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    try:
        with open(os.devnull, "w") as devnull:
            call_command("load_demo", stdout=devnull)
        started = time.perf_counter()
        add_articles(args.articles)
        tag_for_campaign()
        add_applications(args.applications)
        settle_database()
        print(f"data built in {time.perf_counter() - started:.1f} s")
        # A server process starts without the objects the build left behind: set them
        # aside, so the collector does not walk them again during the timed requests.
        gc.collect()
        gc.freeze()
        campaign = CampaignPage.objects.get(slug="xay-dung-xa-hoi-hoc-tap-2023-2030")
        index = CampaignIndexPage.objects.get(locale__language_code="vi")
        client = Client()

        def recount():
            home_cache.invalidate()
            stats.invalidate()

        rows = [
            ("home, uncached", "/", home_cache.invalidate),
            ("home, English, uncached", "/en/", home_cache.invalidate),
            ("home, figures recounted", "/", recount),
            ("home, cached", "/", None),
            ("campaign page", campaign.url, None),
            ("campaign, figures recounted", campaign.url, stats.invalidate),
            ("campaign index", index.url, None),
        ]
        print(f"{'page':<26} {'median ms':>10} {'p95 ms':>8} {'cpu ms':>7} {'queries':>8}  path")
        for label, path, before in rows:
            median, p95, cpu, queries = measure(client, path, args.requests, before)
            print(f"{label:<26} {median:>10.1f} {p95:>8.1f} {cpu:>7.1f} {queries:>8}  {path[:50]}")
        print(
            f"database: {connection.vendor}; articles: {NewsArticlePage.objects.count()}; "
            f"applications: {Application.objects.count()}; "
            f"requests per page: {args.requests}; {machine_note()}"
        )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
