"""Timing shared by the benches: a page's median, 95th percentile, CPU time and queries."""

import os
import statistics
import time

from django.db import connection
from django.test.utils import CaptureQueriesContext


def measure(client, path, requests, before=None):
    """Time ``requests`` GETs of ``path`` after one warm-up (renditions and process-wide
    caches); ``before`` runs ahead of each, e.g. to drop a cache."""
    response = client.get(path)
    assert response.status_code == 200, (path, response.status_code)
    timings, cpu = [], []
    for _ in range(requests):
        if before:
            before()
        start, start_cpu = time.perf_counter(), time.process_time()
        response = client.get(path)
        timings.append((time.perf_counter() - start) * 1000)
        cpu.append((time.process_time() - start_cpu) * 1000)
        assert response.status_code == 200, (path, response.status_code)
    if before:
        before()
    with CaptureQueriesContext(connection) as queries:
        client.get(path)
    timings.sort()
    p95 = timings[max(0, int(len(timings) * 0.95) - 1)]
    return statistics.median(timings), p95, statistics.median(cpu), len(queries.captured_queries)


def settle_database():
    """On PostgreSQL, do what autovacuum does on a live site after a bulk build: planner
    statistics (without them the planner expects a handful of pages and loops over all of
    them) and the visibility map (index-only scans). Left to autovacuum, it starts during
    the timed requests and competes with them for the processors."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
        # And what the checkpointer would do: write the pages the build and the vacuum left
        # dirty now, not while the first page is being timed.
        cursor.execute("CHECKPOINT")


def machine_speed():
    """The median CPU time of a fixed pure-Python loop, in ms, as a yardstick: this machine
    shares its processors, and the same loop took up to half as long again from one minute
    to the next (4 December 2026), so figures taken at different moments compare only
    beside it."""
    timings = []
    for _ in range(5):
        start = time.process_time()
        total = 0
        for number in range(1_000_000):
            total += number * number % 7
        timings.append((time.process_time() - start) * 1000)
    return statistics.median(timings)


def machine_note():
    return (
        f"load average: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs; "
        f"yardstick loop (bench/timing.machine_speed): {machine_speed():.0f} ms"
    )
