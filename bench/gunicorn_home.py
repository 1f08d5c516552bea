"""Requests per second of the cached home page under gunicorn.

Usage: .venv/bin/python bench/gunicorn_home.py [--workers 2] [--clients 8] [--seconds 10]
Builds a throwaway SQLite file with the demo in a temporary folder, starts gunicorn on it
(test settings: DEBUG off, the cache in each worker's memory), warms every worker, then
keeps ``--clients`` threads requesting "/" over kept-alive connections for ``--seconds``,
and prints requests per second and latency. The client runs on the same machine, so it
takes part of the processors it measures. Target (issue 6): hundreds of requests a second.
"""

import argparse
import http.client
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PYTHON = sys.executable


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def get(connection):
    connection.request("GET", "/", headers={"Host": "localhost"})
    response = connection.getresponse()
    response.read()
    return response.status, response.getheader("X-Home-Cache")


def wait_until_up(port, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            status, _ = get(connection)
            connection.close()
            if status == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("gunicorn did not answer")


def hammer(port, seconds, results):
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    timings, misses, errors = [], 0, 0
    stop = time.perf_counter() + seconds
    while time.perf_counter() < stop:
        start = time.perf_counter()
        status, cache_state = get(connection)
        timings.append((time.perf_counter() - start) * 1000)
        errors += status != 200
        misses += cache_state != "hit"
    connection.close()
    results.append((timings, misses, errors))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--workers", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--clients", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=10)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="khuyenhoc-bench-") as folder:
        env = dict(
            os.environ,
            DJANGO_SETTINGS_MODULE="khuyenhoc.settings.test",
            DATABASE_URL=f"sqlite:///{folder}/db.sqlite3",
        )
        for command in (["migrate", "--verbosity", "0"], ["load_demo"]):
            subprocess.run(
                [PYTHON, "manage.py", *command],
                cwd=ROOT,
                env=env,
                check=True,
                stdout=subprocess.DEVNULL,
            )
        port = free_port()
        server = subprocess.Popen(
            [
                str(Path(PYTHON).with_name("gunicorn")),
                "khuyenhoc.wsgi",
                f"--workers={args.workers}",
                f"--bind=127.0.0.1:{port}",
                "--keep-alive=30",
                "--log-level=warning",
            ],
            cwd=ROOT,
            env=env,
        )
        try:
            wait_until_up(port)
            # Each worker has its own memory cache: warm them all.
            warm = [http.client.HTTPConnection("127.0.0.1", port) for _ in range(4 * args.workers)]
            for connection in warm:
                get(connection)
                connection.close()
            results = []
            threads = [
                threading.Thread(target=hammer, args=(port, args.seconds, results))
                for _ in range(args.clients)
            ]
            started = time.perf_counter()
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join()
            elapsed = time.perf_counter() - started
        finally:
            server.terminate()
            server.wait(timeout=30)

    timings = sorted(t for result in results for t in result[0])
    misses = sum(result[1] for result in results)
    errors = sum(result[2] for result in results)
    p95 = timings[max(0, int(len(timings) * 0.95) - 1)]
    print(
        f"cached home page under gunicorn ({args.workers} workers, {args.clients} clients, "
        f"{elapsed:.0f} s): {len(timings) / elapsed:.0f} requests/s; "
        f"median {statistics.median(timings):.1f} ms, p95 {p95:.1f} ms; "
        f"{misses} not from the cache, {errors} errors"
    )
    print(f"load average: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")


if __name__ == "__main__":
    main()
