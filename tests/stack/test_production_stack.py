"""Production as it runs: gunicorn with two workers (deploy/gunicorn.conf.py), the task worker,
PostgreSQL, Redis and an SMTP server, each a process of its own, on this machine's loopback.

Runs when DATABASE_URL names PostgreSQL and Redis answers (STACK_REDIS_URL, default database
14; its keys carry a prefix of their own and are deleted after); skipped otherwise. It makes
its own databases (khuyenhoc_stack_*) and drops them. The figures it measured are printed at
the end of the run (tests/stack/conftest.py): pages refused across workers, e-mails delivered
after the SMTP outage and how soon.
"""

import contextlib
import email
import email.policy
import os
import re
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

from tests.forms_app.conftest import PDF

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
DATABASE_URL = os.environ.get("DATABASE_URL", "")
REDIS_URL = os.environ.get("STACK_REDIS_URL", "redis://127.0.0.1:6379/14")
# Short waits between attempts so the outage is over in seconds: 1, 2, 4, 8 ... s.
RETRY_BACKOFF = 1
RETRY_ATTEMPTS = 6
ABOUT = "/gioi-thieu/"
FORM = "/ho-so-danh-hieu/cong-dan-hoc-tap/"
FIGURES = {}
TASKS = "django_tasks_database_dbtaskresult"  # django_tasks_db's table


def _skip_reason():
    if not DATABASE_URL.startswith(("postgres://", "postgresql://")):
        return "the stack test needs PostgreSQL (DATABASE_URL=postgres://...)"
    for tool in ("pg_dump", "pg_restore", "psql"):
        if shutil.which(tool) is None:
            return f"the stack test needs {tool} (Debian: postgresql-client)"
    try:
        import redis

        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1, socket_timeout=1).ping()
    except Exception as error:
        return f"the stack test needs Redis at {REDIS_URL}: {error}"
    return None


SKIP_REASON = _skip_reason()
pytestmark = [
    pytest.mark.stack,
    pytest.mark.skipif(SKIP_REASON is not None, reason=SKIP_REASON or ""),
]


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def database_url(name):
    parts = urlsplit(DATABASE_URL)
    return urlunsplit(parts._replace(path=f"/{name}"))


def maintenance(sql):
    import psycopg

    with psycopg.connect(database_url("postgres"), autocommit=True, connect_timeout=10) as conn:
        conn.execute(sql)


def query(name, sql):
    import psycopg

    with psycopg.connect(database_url(name), connect_timeout=10) as conn:
        return conn.execute(sql).fetchall()


def wait_for(condition, timeout, what, interval=0.2):
    """``condition()``'s first true value within ``timeout`` seconds, or a failure."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(interval)
    pytest.fail(f"timed out after {timeout} s waiting for {what}")


class SMTPSink:
    """A mail server on a fixed port that keeps what it receives; stopped and started again
    on the same port to play an outage."""

    def __init__(self, port):
        self.port = port
        self.messages = []
        self.lock = threading.Lock()
        self.controller = None

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        with self.lock:
            self.messages.append(
                {
                    "at": time.monotonic(),
                    "to": list(envelope.rcpt_tos),
                    "subject": str(message["Subject"]),
                    "body": message.get_body(("plain",)).get_content(),
                }
            )
        return "250 OK"

    def start(self):
        from aiosmtpd.controller import Controller

        self.controller = Controller(self, hostname="127.0.0.1", port=self.port)
        self.controller.start()

    def stop(self):
        if self.controller is not None:
            self.controller.stop()
            self.controller = None

    def find(self, text):
        with self.lock:
            return next((m for m in self.messages if text in m["body"]), None)


class DatabaseLink:
    """A TCP relay from a loopback port to PostgreSQL; ``cut()`` drops every connection and
    turns new ones away, as a database restart does, until ``mend()``."""

    def __init__(self, host, port):
        self.target = (host, port)
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.up = True
        self.sockets = set()
        self.lock = threading.Lock()
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self):
        while True:
            try:
                client, _address = self.listener.accept()
            except OSError:
                return
            if not self.up:
                client.close()
                continue
            upstream = socket.create_connection(self.target, timeout=10)
            upstream.settimeout(None)
            with self.lock:
                self.sockets |= {client, upstream}
            for source, sink in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    def _pump(self, source, sink):
        try:
            while data := source.recv(65536):
                sink.sendall(data)
        except OSError:
            pass
        finally:
            for sock in (source, sink):
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)

    def cut(self):
        self.up = False
        with self.lock:
            for sock in self.sockets:
                with contextlib.suppress(OSError):
                    sock.shutdown(socket.SHUT_RDWR)
            self.sockets.clear()

    def mend(self):
        self.up = True

    def close(self):
        self.cut()
        self.listener.close()


class Stack:
    def __init__(self, tmp):
        self.tmp = tmp
        self.processes = []
        self.databases = []
        self.prefixes = []

    def env(self, name, media, prefix, database=None, **extra):
        env = {
            key: value
            for key, value in os.environ.items()
            if not key.startswith(("DJANGO_", "GUNICORN_", "TASK", "PYTEST"))
        }
        env.update(
            DJANGO_SETTINGS_MODULE="khuyenhoc.settings.production",
            SECRET_KEY=self.secret_key,
            ALLOWED_HOSTS="127.0.0.1,localhost",
            SECURE_SSL_REDIRECT="False",
            DATABASE_URL=database or database_url(name),
            REDIS_URL=REDIS_URL,
            CACHE_KEY_PREFIX=prefix,
            EMAIL_URL=f"smtp://127.0.0.1:{self.smtp_port}",
            STATIC_ROOT=str(self.tmp / "static"),
            MEDIA_ROOT=str(media / "media"),
            PRIVATE_MEDIA_ROOT=str(media / "private"),
            TASK_RETRY_BACKOFF=str(RETRY_BACKOFF),
            TASK_RETRY_ATTEMPTS=str(RETRY_ATTEMPTS),
            PYTHON=sys.executable,
            **extra,
        )
        return env

    def run(self, args, env, timeout):
        result = subprocess.run(
            args, cwd=ROOT, env=env, capture_output=True, text=True, timeout=timeout
        )
        assert result.returncode == 0, f"{args}: {result.stdout[-3000:]}{result.stderr[-3000:]}"
        return result.stdout

    def manage(self, *args, env, timeout=300):
        return self.run([sys.executable, "manage.py", *args], env, timeout)

    def start(self, name, args, env):
        log = open(self.tmp / f"{name}.log", "w")
        process = subprocess.Popen(
            args, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
        )
        self.processes.append((process, log))
        return process

    def web(self, name, env, workers):
        port = free_port()
        access_log = self.tmp / f"{name}-access.log"
        env = {
            **env,
            "GUNICORN_WORKERS": str(workers),
            "GUNICORN_BIND": f"127.0.0.1:{port}",
            "GUNICORN_ACCESSLOG": str(access_log),
        }
        self.start(
            name,
            [
                str(BIN / "gunicorn"),
                "-c",
                "deploy/gunicorn.conf.py",
                # The worker's pid on each line: which process answered.
                "--access-logformat",
                '%(p)s "%(r)s" %(s)s',
                "khuyenhoc.wsgi",
            ],
            env,
        )
        base = f"http://127.0.0.1:{port}"
        wait_for(lambda: _answers(base + "/healthz"), 90, f"gunicorn {name} to answer")
        return base, access_log

    def stop_all(self):
        for process, _log in reversed(self.processes):
            if process.poll() is None:
                os.killpg(process.pid, signal.SIGTERM)
        for process, log in self.processes:
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                os.killpg(process.pid, signal.SIGKILL)
                process.wait(timeout=5)
            log.close()


def _answers(url):
    import requests

    try:
        return requests.get(url, timeout=2).status_code == 200
    except requests.RequestException:
        return False


@pytest.fixture(scope="module")
def stack(tmp_path_factory, request):
    import redis

    tmp = tmp_path_factory.mktemp("stack")
    stack = Stack(tmp)
    run_id = secrets.token_hex(4)
    stack.secret_key = secrets.token_urlsafe(50)
    stack.smtp_port = free_port()
    stack.sink = SMTPSink(stack.smtp_port)
    stack.sink.start()
    stack.name = f"khuyenhoc_stack_{run_id}"
    stack.prefix = f"khuyenhoc-stack-{run_id}"
    stack.prefixes.append(stack.prefix)

    def finish():
        stack.stop_all()
        stack.sink.stop()
        if hasattr(stack, "link"):
            stack.link.close()
        for name in stack.databases:
            maintenance(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        client = redis.Redis.from_url(REDIS_URL)
        for prefix in stack.prefixes:
            for key in client.scan_iter(match=f"{prefix}:*", count=1000):
                client.delete(key)

    request.addfinalizer(finish)
    maintenance(f'CREATE DATABASE "{stack.name}"')
    stack.databases.append(stack.name)
    stack.media = tmp / "site"
    stack.environ = stack.env(stack.name, stack.media, stack.prefix)
    started = time.monotonic()
    stack.manage("migrate", "--noinput", "-v", "0", env=stack.environ)
    # The demo's accounts have public passwords: allowed here, in a database of its own.
    stack.manage("load_demo", "--force", env=stack.environ)
    stack.manage("collectstatic", "--noinput", "-v", "0", env=stack.environ)
    FIGURES["setup (migrate, demo, collectstatic)"] = f"{time.monotonic() - started:.0f} s"
    # The web and task workers reach PostgreSQL through a link the test can cut.
    target = urlsplit(DATABASE_URL)
    stack.link = DatabaseLink(target.hostname or "127.0.0.1", target.port or 5432)
    linked = urlunsplit(target._replace(netloc=f"{target.username}@127.0.0.1:{stack.link.port}"))
    linked = linked.rsplit("/", 1)[0] + f"/{stack.name}"
    stack.served_environ = {
        **stack.environ,
        "DATABASE_URL": linked,
        "BIN": str(BIN),
        "WORKER_INTERVAL": "0.2",
        "WORKER_RESTART_DELAY": "1",
    }
    stack.base, stack.access_log = stack.web("web", stack.served_environ, workers=2)
    stack.start("worker", ["deploy/worker.sh", "--no-startup-delay"], stack.served_environ)
    return stack


def fresh_get(url, **kwargs):
    """A request on a connection of its own, so gunicorn may hand it to either worker."""
    import requests

    return requests.get(url, allow_redirects=False, timeout=15, **kwargs)


def worker_pids(access_log, marker):
    pattern = re.compile(rf'^<?(\d+)>? "GET [^"]*{re.escape(marker)}')
    return [
        m.group(1) for line in access_log.read_text().splitlines() if (m := pattern.match(line))
    ]


def requests_across_workers(stack, path, marker, count=40):
    def one(number):
        return fresh_get(f"{stack.base}{path}?{marker}={number}")

    with ThreadPoolExecutor(max_workers=4) as pool:
        responses = list(pool.map(one, range(count)))
    time.sleep(0.5)  # the access log is written after the response
    return responses, worker_pids(stack.access_log, marker)


def test_a_page_made_private_is_refused_by_every_worker_at_once(stack):
    before, pids_before = requests_across_workers(stack, ABOUT, "warm")
    assert {r.status_code for r in before} == {200}
    assert len(set(pids_before)) == 2, "both workers served (and cached) the public page"
    # Another process (as an editor's request would) makes the section private.
    stack.manage(
        "shell",
        "--no-imports",
        "-c",
        "from wagtail.models import Page, PageViewRestriction;"
        "PageViewRestriction.objects.create("
        "page=Page.objects.get(url_path='/trang-chu/gioi-thieu/'), restriction_type='login')",
        env=stack.environ,
    )
    after, pids_after = requests_across_workers(stack, ABOUT, "private")
    refused = [r for r in after if r.status_code == 302 and "login" in r.headers["Location"]]
    assert len(refused) == len(after), [r.status_code for r in after]
    assert len(set(pids_after)) == 2
    FIGURES["private page: requests refused after the change"] = (
        f"{len(refused)} of {len(after)}, by {len(set(pids_after))} workers"
    )


def submit(stack, address):
    """Send the citizen form as a browser does (with a PDF); the code the sent page shows."""
    import requests
    from bs4 import BeautifulSoup
    from django.core import signing

    from khuyenhoc.antispam import _SALT, STARTED_FIELD
    from tests.forms import form_values

    page = fresh_get(stack.base + FORM)
    assert page.status_code == 200
    data = form_values(page.text, "#application-form")
    for name in list(data):
        if name.startswith("points_"):
            data[name] = "1"
        elif name.startswith("note_"):
            data[name] = "Đã tham gia"
    data.update(
        {
            "full_name": "Nguyễn Văn An",
            "birth_year": "1958",
            "gender": "nam",
            "occupation_group": "nong_dan",
            "phone": "0912345678",
            "email": address,
            "province": "01",
            "commune": "00004",
            "hamlet": "Tổ dân phố 3",
            "consent": "on",
            "action": "submit",
            # Filled a minute ago, as the anti-spam check wants (signed with the stack's key).
            STARTED_FIELD: signing.dumps(time.time() - 60, key=stack.secret_key, salt=_SALT),
        }
    )
    csrf = page.cookies["csrftoken"]  # a Secure cookie: sent back by hand over plain HTTP
    response = requests.post(
        stack.base + FORM,
        data=data,
        files={"evidence": ("giay-khen.pdf", PDF, "application/pdf")},
        headers={"Cookie": f"csrftoken={csrf}"},
        allow_redirects=False,
        timeout=30,
    )
    assert response.status_code == 302, response.text[-2000:]
    sent = fresh_get(stack.base + response.headers["Location"])
    assert sent.status_code == 200
    code = BeautifulSoup(sent.text, "html.parser").select_one("#tracking-code").text.strip()
    stack.sent_urls = [*getattr(stack, "sent_urls", []), response.headers["Location"]]
    return code


def test_the_confirmation_arrives_through_the_worker(stack):
    sent_at = time.monotonic()
    code = submit(stack, "an@example.org")
    message = wait_for(lambda: stack.sink.find(code), 60, "the confirmation e-mail")
    assert message["to"] == ["an@example.org"]
    FIGURES["confirmation e-mail, worker running"] = f"{message['at'] - sent_at:.1f} s"


def test_mail_sent_while_smtp_is_down_arrives_when_it_is_back(stack):
    stack.sink.stop()
    down_at = time.monotonic()
    code = submit(stack, "binh@example.org")
    retried = (
        f"SELECT count(*) FROM {TASKS} "
        "WHERE task_path = 'forms_app.tasks.send_confirmation' "
        "AND (args_kwargs -> 'kwargs' ->> 'retry_attempt')::int >= 3"
    )
    # Two attempts refused (the second after the first wait), then the server comes back.
    wait_for(lambda: query(stack.name, retried)[0][0], 60, "a second retry", 0.5)
    assert stack.sink.find(code) is None
    stack.sink.start()
    back_at = time.monotonic()
    message = wait_for(lambda: stack.sink.find(code), 90, "the e-mail after the outage")
    failed = f"SELECT count(*) FROM {TASKS} WHERE status = 'FAILED'"
    assert query(stack.name, failed)[0][0] == 0
    attempts = query(
        stack.name,
        "SELECT max((args_kwargs -> 'kwargs' ->> 'retry_attempt')::int) "
        f"FROM {TASKS} WHERE task_path = 'forms_app.tasks.send_confirmation'",
    )[0][0]
    FIGURES["e-mails sent during the SMTP outage, delivered after it"] = "1 of 1"
    FIGURES["SMTP outage"] = (
        f"{back_at - down_at:.1f} s; the e-mail arrived {message['at'] - back_at:.1f} s after "
        f"SMTP came back, at attempt {attempts}"
    )


def test_while_the_database_is_down_pages_answer_503_and_nothing_is_lost(stack):
    import requests

    stack.link.cut()
    cut_at = time.monotonic()
    during = [fresh_get(f"{stack.base}/tin-tuc/?down={n}") for n in range(10)]
    assert {r.status_code for r in during} == {503}
    assert all(r.headers["Retry-After"] == "30" and "bảo trì" in r.text for r in during)
    try:
        submit(stack, "cuong@example.org")
        pytest.fail("an application was accepted with the database down")
    except (AssertionError, requests.RequestException):
        pass
    time.sleep(2)
    stack.link.mend()
    mended_at = time.monotonic()
    # Connections broken by the outage are replaced before use: no request after it fails.
    after = [fresh_get(f"{stack.base}/tin-tuc/?up={n}") for n in range(20)]
    assert [r.status_code for r in after] == [200] * 20
    stored_before = query(stack.name, "SELECT count(*) FROM forms_app_application")[0][0]
    codes = [submit(stack, f"dung{n}@example.org") for n in range(3)]
    stored = query(stack.name, "SELECT count(*) FROM forms_app_application")[0][0]
    assert stored == stored_before + len(codes)
    # The task worker stopped with the database and was started again: the e-mails go.
    for code in codes:
        wait_for(lambda code=code: stack.sink.find(code), 60, "an e-mail after the outage")
    restarts = (stack.tmp / "worker.log").read_text().count("db_worker stopped")
    FIGURES["database outage"] = (
        f"{mended_at - cut_at:.1f} s: {len(during)} of {len(during)} pages answered 503 "
        f"with Retry-After; after it {len(after)} of {len(after)} pages 200, "
        f"{len(codes)} codes given, {stored - stored_before} stored, {len(codes)} e-mails sent "
        f"(task worker started again {restarts} time(s))"
    )


def test_a_backup_restored_into_an_empty_database_serves_the_same_pages(stack):
    started = time.monotonic()
    folder = (
        stack.run(["deploy/backup.sh", str(stack.tmp / "backups")], stack.environ, timeout=300)
        .strip()
        .splitlines()[-1]
    )
    restored = f"{stack.name}_restored"
    maintenance(f'CREATE DATABASE "{restored}"')
    stack.databases.append(restored)
    prefix = f"{stack.prefix}-restored"  # nothing cached by the first stack is reused
    stack.prefixes.append(prefix)
    env = stack.env(restored, stack.tmp / "restored", prefix)
    stack.run(["deploy/restore.sh", folder], env, timeout=300)
    FIGURES["backup and restore"] = f"{time.monotonic() - started:.0f} s"
    base, _log = stack.web("web-restored", env, workers=1)

    # The files first: serving pages may make new image renditions.
    for folder_name in ("media", "private"):
        files = sorted(
            str(p.relative_to(stack.media / folder_name))
            for p in (stack.media / folder_name).rglob("*")
            if p.is_file()
        )
        copies = sorted(
            str(p.relative_to(stack.tmp / "restored" / folder_name))
            for p in (stack.tmp / "restored" / folder_name).rglob("*")
            if p.is_file()
        )
        assert files == copies and files, folder_name
    paths = ["/", "/tin-tuc/", "/en/", ABOUT, "/healthz", *stack.sent_urls]
    csrf = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')
    for path in paths:
        original, copy = fresh_get(stack.base + path), fresh_get(base + path)
        assert original.status_code == copy.status_code, path
        # Links to the site itself carry the host and port each server answered on.
        expected = csrf.sub("", original.text).replace(stack.base, "BASE")
        assert csrf.sub("", copy.text).replace(base, "BASE") == expected, path
    FIGURES["pages compared after the restore"] = f"{len(paths)}, all identical"
