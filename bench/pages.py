"""Time the public pages of the demo site, uncached, through Django's full stack.

Usage: .venv/bin/python bench/pages.py [--requests 200]
Runs on a throwaway in-memory SQLite database (or DATABASE_URL's server, in a test
database) and prints the median, 95th percentile and queries per page.
"""

import argparse
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
from django.test.utils import (  # noqa: E402
    CaptureQueriesContext,
    setup_test_environment,
)

PATHS = ["/", "/en/", "/gioi-thieu/", "/en/about/", "/tim-kiem/?q=h%E1%BB%8Dc+t%E1%BA%ADp"]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()

    setup_test_environment()
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        with open(os.devnull, "w") as devnull:
            call_command("load_demo", stdout=devnull)
        client = Client()
        print(f"{'page':<40} {'median ms':>10} {'p95 ms':>8} {'queries':>8}")
        for path in PATHS:
            client.get(path)  # renditions and process-wide caches
            timings = []
            for _ in range(args.requests):
                start = time.perf_counter()
                response = client.get(path)
                timings.append((time.perf_counter() - start) * 1000)
                assert response.status_code == 200, (path, response.status_code)
            with CaptureQueriesContext(connection) as queries:
                client.get(path)
            timings.sort()
            p95 = timings[int(len(timings) * 0.95) - 1]
            print(
                f"{path:<40} {statistics.median(timings):>10.2f} {p95:>8.2f} "
                f"{len(queries.captured_queries):>8}"
            )
        print(f"database: {connection.vendor}, requests per page: {args.requests}")
    finally:
        connection.creation.destroy_test_db(old_name, verbosity=0)


if __name__ == "__main__":
    main()
