"""Time the live figures with 100,000 applications: the aggregate queries alone and the
demo campaign page and home page with the figures counted again on every request (the
query counts are asserted in tests/campaigns/test_live_targets.py).

Usage: .venv/bin/python bench/live_targets.py [--applications 100000] [--requests 30]
Builds a throwaway test database (SQLite in memory, or DATABASE_URL's server), loads the
demo, adds the applications (a third recognised, spread over the titles, the years
2024–2028 and the communes of one province and a few others), then prints medians.
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
from django.test.utils import setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402

from campaigns.models import CampaignPage  # noqa: E402
from forms_app import stats  # noqa: E402
from forms_app.models import Application, Commune, LearningTitle  # noqa: E402

STATUSES = ["approved", "submitted", "in_review", "rejected", "approved", "approved"]


def add_applications(count):
    """``count`` applications, bulk-created (no signals: the caches are bumped after)."""
    communes = list(Commune.objects.filter(province_id="33").values_list("code", "province_id"))
    communes += list(
        Commune.objects.exclude(province_id="33").values_list("code", "province_id")[:50]
    )
    titles = list(LearningTitle.values)
    now = timezone.now()
    batch = []
    for number in range(count):
        code, province = communes[number % len(communes)]
        status = STATUSES[number % len(STATUSES)]
        batch.append(
            Application(
                code=f"BENCH-{number:07d}",
                submission_token=f"bench-{number}",
                learning_title=titles[number % len(titles)],
                kind="recognition",
                status=status,
                applicant_name=f"Hộ thử {number}",
                search_name=f"ho thu {number}",  # bulk_create skips save()
                phone="0912000000",
                province_id=province,
                commune_id=code,
                hamlet="Thôn 1",
                consent_at=now,
                privacy_notice_text="",
                recognised_on=(
                    datetime.date(2024 + number // 6 % 5, 1 + number % 12, 1)
                    if status == "approved"
                    else None
                ),
            )
        )
        if len(batch) == 5000:
            Application.objects.bulk_create(batch)
            batch = []
    Application.objects.bulk_create(batch)
    stats.invalidate()


def median_ms(function, requests, before=None):
    timings = []
    for _ in range(requests):
        if before:
            before()
        start = time.perf_counter()
        function()
        timings.append((time.perf_counter() - start) * 1000)
    return statistics.median(timings)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--applications", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=30)
    args = parser.parse_args()

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        call_command("load_demo", stdout=open(os.devnull, "w"))
        start = time.perf_counter()
        add_applications(args.applications)
        print(
            f"{args.applications} applications added in {time.perf_counter() - start:.1f} s "
            f"({connection.vendor})"
        )
        campaign = CampaignPage.objects.get(slug="xay-dung-xa-hoi-hoc-tap-2023-2030")
        targets = [t for t in campaign.targets.all() if t.is_live]
        from campaigns import live

        specs = {t.pk: live.target_spec(t) for t in targets}
        rows = [
            ("recognised_counts (1 target)", lambda: stats.recognised_counts(specs)),
            (
                "results_by_commune",
                lambda: stats.results_by_commune(list(specs.values())),
            ),
            ("recognised_by_title", stats.recognised_by_title),
        ]
        print(f"{'what':40} {'uncached ms':>12} {'cached ms':>10}")
        for name, function in rows:
            cold = median_ms(function, args.requests, before=stats.invalidate)
            warm = median_ms(function, args.requests)
            print(f"{name:40} {cold:12.1f} {warm:10.2f}")
        print(f"live family count: {stats.recognised_counts(specs)}")

        client = Client()
        for path in (campaign.url, "/"):
            client.get(path)
            status = client.get(path).status_code
            cold = median_ms(
                lambda path=path: client.get(path), args.requests, before=stats.invalidate
            )
            warm = median_ms(lambda path=path: client.get(path), args.requests)
            print(
                f"page {path:36} ({status}) counted again: {cold:.1f} ms; "
                f"figures cached: {warm:.1f} ms"
            )
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
