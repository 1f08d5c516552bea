"""Time sending an application with three 1 MB evidence files, alone and 20 at once.

Usage: .venv/bin/python bench/applications.py [--requests 50] [--concurrent 20]
(or `make bench-applications`). Builds a throwaway test database with the demo content: a
SQLite file with the site's SQLite options (settings.base.SQLITE_OPTIONS; a file, since
threads cannot share ``:memory:``), or a test database on DATABASE_URL's server. Then:

1. sends a complete "Gia đình học tập" request for recognition (four household members, the
   self-assessment, a 1 MB PDF, JPEG and PNG) through Django's whole stack with the test
   client, and prints the median and 95th percentile time, the process's CPU time and the
   queries (target: median under 150 ms). The multipart body is encoded before the clock
   starts, so the time is the server's: parsing, checking the files by content, storing them
   in the private storage and writing the application;
2. serves the site with Django's ThreadedWSGIServer (a thread per connection) and sends
   ``--concurrent`` applications at the same moment over HTTP, each with its CSRF cookie and
   token; every one must be answered with the redirect to its confirmation page, and the
   database must then hold each application once, with its three files on disk, under
   distinct codes.

``--no-sqlite-options`` runs with Django's SQLite defaults instead, to see what the options
prevent ("database is locked").
"""

import argparse
import http.client
import io
import logging
import os
import random
import shutil
import statistics
import sys
import tempfile
import threading
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "khuyenhoc.settings.test")

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402
from django.core import signing  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler  # noqa: E402
from django.core.wsgi import get_wsgi_application  # noqa: E402
from django.db import connection  # noqa: E402
from django.test import Client, override_settings  # noqa: E402
from django.test.client import encode_multipart  # noqa: E402
from django.test.utils import CaptureQueriesContext, setup_test_environment  # noqa: E402
from django.utils.crypto import get_random_string  # noqa: E402
from PIL import Image  # noqa: E402

from forms_app.files import sniff  # noqa: E402
from khuyenhoc.antispam import _SALT  # noqa: E402
from khuyenhoc.settings.base import SQLITE_OPTIONS  # noqa: E402

MB = 1024 * 1024
BOUNDARY = "BenchApplicationBoundary"
PAGE_SLUG = "gia-dinh-hoc-tap"
RATES = {"applications": "1000000/h", "drafts": "1000000/h", "tracking": "1000000/h"}


class Upload(io.BytesIO):
    """A file for ``encode_multipart``: bytes with a name."""

    def __init__(self, name, content):
        super().__init__(content)
        self.name = name


def one_mb_pdf():
    """A well-formed PDF: one page with a 1 MB image stream (random, as a photo would be)."""
    image = random.Random(1).randbytes(MB)
    objects = [
        b"<</Type/Catalog/Pages 2 0 R>>",
        b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
        b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 595 842]/Resources<</XObject<</Im1 4 0 R>>>>"
        b"/Contents 5 0 R>>",
        b"<</Type/XObject/Subtype/Image/Width 1024/Height 1024/BitsPerComponent 8"
        b"/ColorSpace/DeviceGray/Length %d>>stream\n" % len(image) + image + b"\nendstream",
        b"<</Length 31>>stream\nq 595 0 0 842 0 0 cm /Im1 Do Q\n\nendstream",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n" % number + body + b"\nendobj\n")
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    for offset in offsets:
        out.write(b"%010d 00000 n \n" % offset)
    out.write(
        b"trailer<</Size %d/Root 1 0 R>>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    )
    return out.getvalue()


def noise(size):
    return Image.frombytes("RGB", size, random.Random(2).randbytes(size[0] * size[1] * 3))


def one_mb_image(fmt, side):
    """A photo-sized JPEG or PNG of about 1 MB (noise does not compress)."""
    while True:
        buffer = io.BytesIO()
        noise((side, side)).save(buffer, fmt, **({"quality": 92} if fmt == "JPEG" else {}))
        if buffer.tell() >= MB:
            return buffer.getvalue()
        side += 16


def evidence_files():
    files = {
        "bien-ban-hop-gia-dinh.pdf": one_mb_pdf(),
        "goc-hoc-tap.jpg": one_mb_image("JPEG", 560),
        "giay-khen.png": one_mb_image("PNG", 580),
    }
    for name, content in files.items():
        kind = sniff(Upload(name, content))
        assert kind is not None, f"{name} does not pass forms_app/files.py"
    return files


def started():
    """A start time the anti-spam check accepts (a minute ago)."""
    return signing.dumps(time.time() - 60, salt=_SALT)


def application_data(page, commune, files, token):
    criteria = list(page.criteria_set.criteria.all())
    (pdf_name, pdf), (jpeg_name, jpeg), (png_name, png) = files.items()
    data = {
        "draft_token": token,
        "form_started": started(),
        "website": "",
        "action": "submit",
        "head_name": "Trần Thị Bình",
        "members-TOTAL_FORMS": "4",
        "members-INITIAL_FORMS": "0",
        "members-MIN_NUM_FORMS": "0",
        "members-MAX_NUM_FORMS": "30",
        "phone": "+84 912 345 678",
        "email": "",
        "province": commune.province_id,
        "commune": commune.code,
        "hamlet": "Tổ dân phố 3",
        "consent": "on",
        "evidence": Upload(pdf_name, pdf),
    }
    members = [
        ("Trần Thị Bình", "1975", "chủ hộ", "làm ruộng", "lớp trồng nấm"),
        ("Lê Văn Cường", "1972", "chồng", "thợ mộc", "lớp an toàn lao động"),
        ("Lê Thị Dung", "2005", "con", "sinh viên", "tiếng Anh"),
        ("Lê Văn Em", "2012", "con", "học lớp 8", "câu lạc bộ đọc sách"),
    ]
    for index, (name, year, relation, occupation, learning) in enumerate(members):
        data.update(
            {
                f"members-{index}-name": name,
                f"members-{index}-birth_year": year,
                f"members-{index}-relation": relation,
                f"members-{index}-occupation": occupation,
                f"members-{index}-learning": learning,
            }
        )
    for criterion in criteria:
        data[f"points_{criterion.pk}"] = str(criterion.max_points - 2)
        data[f"note_{criterion.pk}"] = "Đã thực hiện đầy đủ, có minh chứng kèm theo."
    data[f"files_{criteria[0].pk}"] = Upload(jpeg_name, jpeg)
    data[f"files_{criteria[1].pk}"] = Upload(png_name, png)
    return data


def body(page, commune, files, token):
    return encode_multipart(BOUNDARY, application_data(page, commune, files, token))


def new_token():
    return get_random_string(32)


def sequential(page, commune, files, requests):
    """Median and p95 wall time, median CPU time and queries of one submission."""
    from forms_app.models import Application

    client = Client()
    content_type = f"multipart/form-data; boundary={BOUNDARY}"
    sent_prefix = page.url + "da-gui/"

    def send(token):
        payload = body(page, commune, files, token)
        start, start_cpu = time.perf_counter(), time.process_time()
        response = client.post(page.url, payload, content_type=content_type)
        elapsed = (time.perf_counter() - start) * 1000, (time.process_time() - start_cpu) * 1000
        assert response.status_code == 302, (response.status_code, response.content[:2000])
        assert response["Location"].startswith(sent_prefix), response["Location"]
        return elapsed

    send(new_token())  # warm process-wide caches (site, settings, templates)
    timings, cpu = [], []
    for _ in range(requests):
        wall, used = send(new_token())
        timings.append(wall)
        cpu.append(used)
    token = new_token()
    payload = body(page, commune, files, token)
    with CaptureQueriesContext(connection) as queries:
        client.post(page.url, payload, content_type=content_type)
    application = Application.objects.get(submission_token=token)
    assert application.files.count() == 3 and application.members.count() == 4
    timings.sort()
    p95 = timings[max(0, int(len(timings) * 0.95) - 1)]
    return statistics.median(timings), p95, statistics.median(cpu), len(queries)


class QuietHandler(WSGIRequestHandler):
    def log_message(self, *args):
        pass


def concurrent(page, commune, files, count):
    """Send ``count`` applications at the same moment through a threaded HTTP server."""
    from forms_app.models import Application, EvidenceFile

    server = ThreadedWSGIServer(("127.0.0.1", 0), QuietHandler, allow_reuse_address=False)
    server.daemon_threads = True
    server.set_app(get_wsgi_application())
    port = server.server_address[1]
    serving = threading.Thread(target=server.serve_forever, daemon=True)
    serving.start()
    # Each thread's requests open their own database connection: the test case's one must
    # not hold a transaction open meanwhile.
    connection.close()

    def open_form():
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        conn.request("GET", page.url, headers={"Host": f"127.0.0.1:{port}"})
        response = conn.getresponse()
        html = response.read().decode()
        assert response.status == 200, response.status
        cookie = response.getheader("Set-Cookie").split(";")[0]
        marker = 'name="csrfmiddlewaretoken" value="'
        csrf = html.split(marker, 1)[1].split('"', 1)[0]
        conn.close()
        return cookie, csrf

    tokens = [new_token() for _ in range(count)]
    prepared = []
    for token in tokens:
        cookie, csrf = open_form()
        data = application_data(page, commune, files, token)
        data["csrfmiddlewaretoken"] = csrf
        prepared.append((token, cookie, encode_multipart(BOUNDARY, data)))

    before = Application.objects.count(), EvidenceFile.objects.count()
    connection.close()
    barrier = threading.Barrier(count)
    results = [None] * count

    def submit(index):
        token, cookie, payload = prepared[index]
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        headers = {
            "Host": f"127.0.0.1:{port}",
            "Cookie": cookie,
            "Content-Type": f"multipart/form-data; boundary={BOUNDARY}",
            "Origin": f"http://127.0.0.1:{port}",
            "Referer": f"http://127.0.0.1:{port}{page.url}",
        }
        barrier.wait()
        start = time.perf_counter()
        try:
            conn.request("POST", page.url, body=payload, headers=headers)
            response = conn.getresponse()
            response.read()
            results[index] = (
                response.status,
                response.getheader("Location", ""),
                (time.perf_counter() - start) * 1000,
            )
        except Exception as error:  # noqa: BLE001 - reported below, the run goes on
            results[index] = (0, repr(error), (time.perf_counter() - start) * 1000)
        finally:
            conn.close()

    start = time.perf_counter()
    threads = [threading.Thread(target=submit, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    total = (time.perf_counter() - start) * 1000
    server.shutdown()
    server.server_close()

    errors = [
        (tokens[i], status, location)
        for i, (status, location, _ms) in enumerate(results)
        if status != 302 or "/da-gui/" not in location
    ]
    applications = Application.objects.filter(submission_token__in=tokens)
    codes = list(applications.values_list("code", flat=True))
    files_found = EvidenceFile.objects.filter(application__in=applications)
    on_disk = sum(
        1 for item in files_found if item.file.storage.exists(item.file.name) and item.size >= MB
    )
    after = Application.objects.count(), EvidenceFile.objects.count()
    return {
        "errors": errors,
        "applications": len(codes),
        "distinct codes": len(set(codes)),
        "files": files_found.count(),
        "files on disk": on_disk,
        "new rows": (after[0] - before[0], after[1] - before[1]),
        "latencies": sorted(ms for _s, _l, ms in results),
        "wall": total,
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--requests", type=int, default=50)
    parser.add_argument("--concurrent", type=int, default=20)
    parser.add_argument(
        "--no-sqlite-options",
        action="store_true",
        help="use Django's SQLite defaults (to see the 'database is locked' they prevent)",
    )
    args = parser.parse_args()

    setup_test_environment()
    logging.getLogger("django.request").setLevel(logging.CRITICAL)  # errors are counted
    workdir = tempfile.mkdtemp(prefix="bench-applications-")
    if connection.vendor == "sqlite":
        connection.settings_dict["TEST"]["NAME"] = os.path.join(workdir, "bench.sqlite3")
        options = connection.settings_dict.setdefault("OPTIONS", {})
        options.clear()
        if not args.no_sqlite_options:
            options.update(SQLITE_OPTIONS)
    old_name = connection.creation.create_test_db(verbosity=0, autoclobber=True)
    try:
        with open(os.devnull, "w") as devnull:
            call_command("load_demo", stdout=devnull)
        from forms_app.models import ApplicationFormPage, Commune

        page = ApplicationFormPage.objects.get(slug=PAGE_SLUG, locale__language_code="vi")
        commune = Commune.objects.select_related("province").get(code="00004")
        files = evidence_files()
        sizes = ", ".join(f"{name} {len(content) / MB:.2f} MB" for name, content in files.items())
        database = connection.vendor
        if database == "sqlite":
            database += " file, " + (
                "Django defaults" if args.no_sqlite_options else "site options"
            )
        print(f"database: {database}; files: {sizes}")
        with override_settings(PUBLIC_FORM_RATES=RATES):
            median, p95, cpu, queries = sequential(page, commune, files, args.requests)
            print(f"{'request':<44} {'median ms':>10} {'p95 ms':>8} {'cpu ms':>7} {'queries':>8}")
            label = "POST application, 3 × 1 MB files (client)"
            print(f"{label:<44} {median:>10.1f} {p95:>8.1f} {cpu:>7.1f} {queries:>8}")
            print(f"target: median under 150 ms: {'met' if median < 150 else 'NOT MET'}")

            result = concurrent(page, commune, files, args.concurrent)
        latencies = result["latencies"]
        print(
            f"{args.concurrent} at once over HTTP (ThreadedWSGIServer): all done in "
            f"{result['wall']:.0f} ms; each answered in {latencies[0]:.0f}–{latencies[-1]:.0f} "
            f"ms (median {statistics.median(latencies):.0f})"
        )
        print(
            f"applications {result['applications']}, distinct codes {result['distinct codes']}, "
            f"files {result['files']} ({result['files on disk']} on disk), new rows "
            f"{result['new rows'][0]} applications / {result['new rows'][1]} files, "
            f"errors {len(result['errors'])}"
        )
        for token, status, detail in result["errors"][:5]:
            print(f"  error: token {token[:6]}…: HTTP {status} {detail[:200]}")
        expected = args.concurrent
        ok = (
            not result["errors"]
            and result["applications"] == result["distinct codes"] == expected
            and result["files"] == result["files on disk"] == 3 * expected
            and result["new rows"] == (expected, 3 * expected)
        )
        print(f"target: no error and no lost application: {'met' if ok else 'NOT MET'}")
        print(f"load average: {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    finally:
        connection.close()
        connection.creation.destroy_test_db(old_name, verbosity=0)
        # The files written (about 250 MB) and the SQLite file: this run's own folders.
        shutil.rmtree(settings.PRIVATE_MEDIA_ROOT, ignore_errors=True)
        shutil.rmtree(workdir, ignore_errors=True)
    if not ok or median >= 150:
        sys.exit(1)


if __name__ == "__main__":
    main()
