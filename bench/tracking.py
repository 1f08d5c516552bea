"""Time the applicant's tracking page ("Tra cứu hồ sơ") through Django's full stack.

Usage: .venv/bin/python bench/tracking.py [--requests 200]
Runs on a throwaway test database (in-memory SQLite, or DATABASE_URL's server) with the demo
content and one application with a ten-step timeline; prints the median, 95th percentile and
queries for the private link and for a lookup by code and phone (wrong and right).
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

import logging  # noqa: E402

import django  # noqa: E402

django.setup()

from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.utils import timezone  # noqa: E402


def make_application():
    from forms_app.models import Application, ApplicationEvent, Commune

    commune = Commune.objects.select_related("province").first()
    now = timezone.now()
    application = Application.objects.create(
        submission_token="bench" * 6,
        learning_title="family",
        kind="registration",
        applicant_name="Trần Thị Bình",
        phone="0912345678",
        province=commune.province,
        commune=commune,
        hamlet="Tổ dân phố 3",
        consent_at=now,
        privacy_notice_text="…",
    )
    for minute, status in enumerate(
        ["submitted", "in_review", "info_requested"] * 3 + ["in_review"]
    ):
        ApplicationEvent.objects.create(
            application=application,
            status=status,
            message="Vui lòng bổ sung ảnh" if status == "info_requested" else "",
            note="nội bộ",
            public=minute % 4 != 3,
            created_at=now + datetime.timedelta(minutes=minute),
        )
    return application


def measure(client, label, method, path, data, expected, requests):
    send = getattr(client, method)
    send(path, data)
    timings = []
    for _ in range(requests):
        start = time.perf_counter()
        response = send(path, data)
        timings.append((time.perf_counter() - start) * 1000)
        assert response.status_code == expected, (label, response.status_code)
    with CaptureQueriesContext(connection) as queries:
        send(path, data)
    timings.sort()
    p95 = timings[int(len(timings) * 0.95) - 1]
    print(
        f"{label:<34} {statistics.median(timings):>10.2f} {p95:>8.2f} "
        f"{len(queries.captured_queries):>8}"
    )


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()

    setup_test_environment()
    logging.getLogger("django.request").setLevel(logging.ERROR)  # the 404s are the point
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        with open(os.devnull, "w") as devnull:
            call_command("load_demo", stdout=devnull)
        application = make_application()
        client = Client()
        print(f"{'request':<34} {'median ms':>10} {'p95 ms':>8} {'queries':>8}")
        n = args.requests
        measure(client, "GET private link", "get", application.tracking_path(), {}, 200, n)
        lookup = "/ho-so/tra-cuu/"
        with override_settings(PUBLIC_FORM_RATES={"tracking": "100000/h"}):
            right = {"code": application.code, "phone": "+84 912 345 678"}
            wrong = {"code": application.code, "phone": "0987654321"}
            measure(client, "POST lookup, right phone", "post", lookup, right, 302, n)
            measure(client, "POST lookup, wrong phone", "post", lookup, wrong, 404, n)
        print(f"database: {connection.vendor}, requests each: {n}")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
