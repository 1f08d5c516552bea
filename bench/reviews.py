"""Time the review workflow's admin list, its export and the public statistics with 100,000
applications.

Usage: .venv/bin/python bench/reviews.py [--applications 100000] [--requests 30]
(or `make bench-reviews`). Builds a throwaway test database with the demo content: a SQLite
file with the site's SQLite options (a file, so that the export's own process reads it), or a
test database on DATABASE_URL's server. Adds the applications with bulk_create: every title and
status, 60% in the communes of Hưng Yên (the demo approver's province, with both demo
reviewers' communes), the rest in 50 communes elsewhere, and the reviewers' scores of every
criterion for those past "in review" (about 200,000 scores). Then prints:

1. the filtered admin list (in review + Gia đình học tập, a search by name, by phone, the
   first page of all) as the province's approver and as the administrator: median and 95th
   percentile wall time, median CPU time and the queries (target: median under 300 ms, the
   same number of queries whatever the filter). Requests go through Django's whole stack
   without the test runner's template instrumentation, as in production;
2. the export of all the applications as XLSX and as CSV, as the administrator, each in a
   fresh Python process that reads the streamed response to a file: its time and the peak
   resident memory of that process during the export (Linux's VmHWM, reset just before the
   export through /proc/self/clear_refs; it includes Django itself, whose resident size
   before the export is shown beside it). Targets: XLSX under 60 s, peak under 300 MB. The
   XLSX is then opened with openpyxl (read-only) and its rows counted;
3. the public statistics page, with its figures cached and counted again on each request
   (target: median under 200 ms).
"""

import argparse
import datetime
import gc
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlencode, urlsplit, urlunsplit

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "khuyenhoc.settings.test")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.contrib.auth import get_user_model  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client  # noqa: E402
from django.urls import NoReverseMatch, reverse  # noqa: E402
from django.utils import timezone  # noqa: E402
from timing import measure, settle_database  # noqa: E402

from forms_app import stats  # noqa: E402
from forms_app.models import (  # noqa: E402
    Application,
    Commune,
    CriteriaSet,
    LearningTitle,
    ReviewScore,
)
from forms_app.models.choices import CODE_PREFIXES  # noqa: E402
from forms_app.workflow import default_valid_until  # noqa: E402
from khuyenhoc.settings.base import SQLITE_OPTIONS  # noqa: E402
from khuyenhoc.text import search_key  # noqa: E402

STATUSES = [
    "submitted",
    "submitted",
    "in_review",
    "in_review",
    "info_requested",
    "proposed_approval",
    "proposed_rejection",
    "approved",
    "approved",
    "approved",
    "rejected",
    "withdrawn",
]
SCORED = {"in_review", "proposed_approval", "proposed_rejection", "approved", "rejected"}
SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ", "Đặng", "Bùi", "Đỗ", "Hồ"]
BATCH = 5000
MB = 1024 * 1024


def criteria_by_title():
    """The demo's criteria set of each title: its criteria and rating thresholds."""
    sets = {}
    for criteria_set in CriteriaSet.objects.prefetch_related("criteria", "thresholds"):
        sets.setdefault(criteria_set.title, criteria_set)
    return {
        title: (
            criteria_set,
            list(criteria_set.criteria.all()),
            sorted(criteria_set.thresholds.all(), key=lambda t: t.min_points),
        )
        for title, criteria_set in sets.items()
    }


def rating(thresholds, total):
    label = ""
    for threshold in thresholds:
        if total >= threshold.min_points:
            label = threshold.label
    return label


def add_applications(count):
    """``count`` applications and their reviewers' scores, bulk-created (no signals: the
    statistics cache is dropped after)."""
    rng = random.Random(5)
    home = list(Commune.objects.filter(province_id="33").values_list("code", "province_id"))
    away = list(Commune.objects.exclude(province_id="33").values_list("code", "province_id")[:50])
    titles = list(LearningTitle.values)
    sets = criteria_by_title()
    now = timezone.now()
    start = now - datetime.timedelta(days=3 * 365)
    scores_made = 0

    def flush(batch, pending_scores):
        nonlocal scores_made
        created = Application.objects.bulk_create(batch)
        if any(a.pk is None for a in created):
            ids = dict(
                Application.objects.filter(code__in=[a.code for a in batch]).values_list(
                    "code", "pk"
                )
            )
            for application in created:
                application.pk = ids[application.code]
        scores = [
            ReviewScore(application_id=application.pk, criterion=criterion, points=points)
            for application, points_by_criterion in zip(created, pending_scores, strict=True)
            for criterion, points in points_by_criterion
        ]
        ReviewScore.objects.bulk_create(scores, batch_size=BATCH)
        scores_made += len(scores)

    batch, pending = [], []
    for number in range(count):
        commune, province = rng.choice(home) if rng.random() < 0.6 else rng.choice(away)
        title = titles[rng.randrange(len(titles))]
        status = STATUSES[rng.randrange(len(STATUSES))]
        criteria_set, criteria, thresholds = sets[title]
        submitted = start + datetime.timedelta(seconds=rng.randrange(3 * 365 * 86400))
        points = []
        total = None
        if status in SCORED:
            points = [
                (c, Decimal(rng.randint(int(c.max_points * 5), int(c.max_points * 10))) / 10)
                for c in criteria
            ]
            total = sum((p for _c, p in points), Decimal(0))
        decided = submitted.date() + datetime.timedelta(days=60)
        approved = status == "approved"
        name = f"Hộ gia đình {rng.choice(SURNAMES)} Văn {number}"
        batch.append(
            Application(
                code=f"{CODE_PREFIXES[title]}-{submitted.year}-{number:06d}",
                submission_token=f"bench-reviews-{number}",
                learning_title=title,
                kind="recognition" if rng.random() < 0.8 else "registration",
                criteria_set=criteria_set,
                status=status,
                applicant_name=name,
                search_name=search_key(name),  # bulk_create skips save()
                phone=f"09{number:08d}",
                email=f"ho{number}@example.org" if number % 3 else "",
                province_id=province,
                commune_id=commune,
                hamlet=f"Thôn {number % 12 + 1}",
                self_total=Decimal(rng.randint(500, 1000)) / 10,
                self_rating="Khá",
                consent_at=submitted,
                privacy_notice_text="",
                submitted_at=submitted,
                review_total=total,
                review_rating=rating(thresholds, total) if total is not None else "",
                recognised_on=decided if approved else None,
                decision_number=f"{number}/QĐ-HKH" if approved else "",
                decision_date=decided if approved else None,
                decision_signer="Chủ tịch Hội" if approved else "",
                valid_until=default_valid_until(decided) if approved else None,
                certificate_code=f"BN{number:07d}" if approved else None,
            )
        )
        pending.append(points)
        if len(batch) == BATCH:
            flush(batch, pending)
            batch, pending = [], []
    if batch:
        flush(batch, pending)
    stats.invalidate()
    return scores_made


def print_header(what):
    print(f"{what:<44} {'median ms':>10} {'p95 ms':>8} {'cpu ms':>7} {'queries':>8}")


def time_list(requests):
    users = get_user_model().objects.in_bulk(
        ["admin", "pheduyet.hungyen", "xetduyet.donghung"], field_name="username"
    )
    base = reverse("forms_app_applications:list")
    paths = [
        ("in review, family", {"status": "in_review", "learning_title": "family"}),
        ("search by name", {"q": "Văn 4242"}),
        ("search by name typed plain", {"q": "van 4242"}),
        ("search by phone", {"q": "0900042"}),
        ("all, first page", {}),
    ]
    worst = 0
    counts = set()
    print_header("admin list (as whom, what)")
    for who, username in [
        ("approver", "pheduyet.hungyen"),
        ("admin", "admin"),
        ("reviewer", "xetduyet.donghung"),
    ]:
        client = Client()
        client.force_login(users[username])
        for label, params in paths:
            path = f"{base}?{urlencode(params)}" if params else base
            median, p95, cpu, queries = measure(client, path, requests)
            worst = max(worst, median)
            counts.add(queries)
            print(f"{who + ', ' + label:<44} {median:>10.1f} {p95:>8.1f} {cpu:>7.1f} {queries:>8}")
    print(
        f"target: median under 300 ms: {'met' if worst < 300 else 'NOT MET'} "
        f"(slowest {worst:.0f} ms); queries per page: {sorted(counts)}"
    )
    return worst < 300


def time_statistics(requests):
    try:
        path = reverse("forms_app:statistics")
    except NoReverseMatch:
        print("statistics page: no URL named forms_app:statistics yet")
        return True
    client = Client()
    if client.get(path).status_code == 404:
        print(f"statistics page {path}: answers 404 (not built yet)")
        return True
    print_header("public statistics")
    worst = 0
    for label, query, before in [
        ("statistics, figures cached", "", None),
        ("statistics, figures counted again", "", stats.invalidate),
        ("statistics of Hưng Yên, counted again", "?province=33", stats.invalidate),
    ]:
        median, p95, cpu, queries = measure(client, path + query, requests, before)
        worst = max(worst, median)
        print(f"{label:<44} {median:>10.1f} {p95:>8.1f} {cpu:>7.1f} {queries:>8}")
    print(f"target: median under 200 ms: {'met' if worst < 200 else 'NOT MET'}")
    return worst < 200


def child_database_url():
    """The test database this process built, as a URL for the export's own process."""
    if connection.vendor == "sqlite":
        return f"sqlite:///{connection.settings_dict['NAME']}"
    parts = urlsplit(os.environ["DATABASE_URL"])
    return urlunsplit(parts._replace(path="/" + connection.settings_dict["NAME"]))


def time_export(fmt, workdir):
    """Run the export in a fresh process (so its peak memory is the export's) and read back
    what it reports."""
    out = os.path.join(workdir, f"export.{fmt}")
    env = {**os.environ, "DATABASE_URL": child_database_url()}
    result = subprocess.run(
        [sys.executable, __file__, "--export", fmt, "--out", out],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )
    if result.returncode:
        print(result.stdout, result.stderr[-3000:])
        raise SystemExit(f"the {fmt} export failed")
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    figures["path"] = out
    return figures


def count_xlsx_rows(path):
    import openpyxl

    workbook = openpyxl.load_workbook(path, read_only=True)
    rows = sum(1 for _ in workbook.active.iter_rows(values_only=True))
    workbook.close()
    return rows


def memory_status(field):
    """A size in bytes from /proc/self/status (VmRSS: now, VmHWM: the peak)."""
    with open("/proc/self/status") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1]) * 1024
    raise LookupError(field)


def reset_peak_memory():
    """Start the peak (VmHWM) again from the present size, so that it measures the export and
    not what the process needed before; returns the present size."""
    with open("/proc/self/clear_refs", "w") as clear_refs:
        clear_refs.write("5")
    return memory_status("VmRSS")


def export_child(fmt, out):
    """In the export's own process: warm up, then stream the whole export to a file."""
    client = Client()
    client.force_login(get_user_model().objects.get(username="admin"))
    url = reverse("forms_app_applications:export", args=[fmt])
    for _chunk in client.get(url + "?q=nothing-matches").streaming_content:
        pass  # imports, templates and the first queries, as a running server has them
    gc.collect()
    before = reset_peak_memory()
    start, start_cpu = time.perf_counter(), time.process_time()
    response = client.get(url)
    assert response.status_code == 200, response.status_code
    size = chunks = 0
    with open(out, "wb") as file:
        for chunk in response.streaming_content:
            file.write(chunk)
            size += len(chunk)
            chunks += 1
    elapsed = time.perf_counter() - start
    cpu = time.process_time() - start_cpu
    peak = memory_status("VmHWM")
    print(
        json.dumps(
            {
                "seconds": elapsed,
                "cpu": cpu,
                "bytes": size,
                "chunks": chunks,
                "rss_before": before,
                "rss_peak": peak,
                "database": connection.vendor,
            }
        )
    )


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--applications", type=int, default=100_000)
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--export", choices=["xlsx", "csv"], help=argparse.SUPPRESS)
    parser.add_argument("--out", help=argparse.SUPPRESS)
    args = parser.parse_args()
    try:
        if args.export:
            export_child(args.export, args.out)
            return
        run(args)
    finally:
        # This process's own folder from the test settings (media, static).
        shutil.rmtree(Path(settings.STATIC_ROOT).parent, ignore_errors=True)


def run(args):
    workdir = tempfile.mkdtemp(prefix="bench-reviews-")
    if connection.vendor == "sqlite":
        connection.settings_dict["TEST"]["NAME"] = os.path.join(workdir, "bench.sqlite3")
        connection.settings_dict.setdefault("OPTIONS", {}).update(SQLITE_OPTIONS)
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True, serialize=False)
    ok = True
    try:
        with open(os.devnull, "w") as devnull:
            call_command("load_demo", stdout=devnull)
        started = time.perf_counter()
        scores = add_applications(args.applications)
        settle_database()
        print(
            f"database: {connection.vendor}; {Application.objects.count()} applications and "
            f"{scores} reviewers' scores built in {time.perf_counter() - started:.1f} s"
        )
        gc.collect()
        gc.freeze()

        ok &= time_list(args.requests)

        print(
            f"{'export of all, as admin':<24} {'s':>6} {'cpu s':>6} {'MB':>6} "
            f"{'peak RSS MB':>12} {'before MB':>10}"
        )
        for fmt in ("xlsx", "csv"):
            figures = time_export(fmt, workdir)
            print(
                f"{fmt:<24} {figures['seconds']:>6.1f} {figures['cpu']:>6.1f} "
                f"{figures['bytes'] / MB:>6.1f} {figures['rss_peak'] / MB:>12.0f} "
                f"{figures['rss_before'] / MB:>10.0f}"
            )
            if fmt == "xlsx":
                xlsx = figures
        rows = count_xlsx_rows(xlsx["path"])
        print(f"the XLSX opens in openpyxl: {rows} rows (heading included)")
        export_ok = (
            xlsx["seconds"] < 60
            and xlsx["rss_peak"] < 300 * MB
            and rows == Application.objects.count() + 1
        )
        print(
            "target: XLSX under 60 s, peak memory (RSS of the exporting process) under "
            f"300 MB, every row: {'met' if export_ok else 'NOT MET'}"
        )
        ok &= export_ok

        ok &= time_statistics(args.requests)
        print(
            f"requests per page: {args.requests}; load average: {os.getloadavg()[0]:.1f} "
            f"on {os.cpu_count()} CPUs"
        )
    finally:
        connection.close()
        connection.creation.destroy_test_db(old_name, verbosity=0)
        shutil.rmtree(workdir, ignore_errors=True)
    if not ok:
        sys.exit(1)


if __name__ == "__main__":
    main()
