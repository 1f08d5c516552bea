"""Fixtures for the browser journeys: Debian's chromium, driven by Playwright, against
pytest-django's live server filled with the demo content.

Playwright's own browser download cannot work here (closed network), and
pytest-playwright's ``page``/``browser`` fixtures would try to use it, so these
fixtures launch ``/usr/bin/chromium`` themselves.
"""

import os
from pathlib import Path

import pytest

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    # The machine's network is closed: without these, chromium floods refused connections.
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]

# Explicit waits: long enough for a slow CI machine, short enough to fail fast.
TIMEOUT_MS = 10_000

PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
    "locale": "vi-VN",
}
DESKTOP = {
    "viewport": {"width": 1280, "height": 900},
    "locale": "vi-VN",
}


def _no_chromium_reason():
    return f"{CHROMIUM} not found: install Debian's chromium to run the e2e tests"


def pytest_collection_modifyitems(config, items):
    """Every test in this folder drives a browser: mark it ``e2e``.

    Without chromium they are skipped before any database is built, except on CI,
    where the ``chromium_browser`` fixture fails them instead.
    """
    here = Path(__file__).parent
    skip = None if CHROMIUM.exists() or os.environ.get("CI") else _no_chromium_reason()
    for item in items:
        if here in Path(item.path).parents:
            item.add_marker(pytest.mark.e2e)
            if skip:
                item.add_marker(pytest.mark.skip(reason=skip))


@pytest.fixture(scope="package")
def chromium_browser(django_db_setup):
    """Debian's chromium, headless, launched once for all the e2e tests.

    Package scope rather than session scope: while Playwright's sync API is alive, this
    thread has a running event loop, which changes how Django behaves (async safety
    checks, which connections it hands out). Closing it after the last e2e test keeps
    that away from the tests that pytest-django runs after the transactional ones.

    Depends on ``django_db_setup`` so that the test database exists before Playwright
    starts: see the comment about connections below.
    """
    if not CHROMIUM.exists():
        if os.environ.get("CI"):
            pytest.fail(f"{CHROMIUM} not found: chromium must be installed by .ci/run")
        pytest.skip(_no_chromium_reason())
    from django.db import connections
    from playwright.sync_api import sync_playwright

    sync_connections = {alias: connections[alias] for alias in connections}
    with pytest.MonkeyPatch.context() as patch, sync_playwright() as playwright:
        # Django refuses ORM calls where an event loop runs ("You cannot call this from
        # an async context"). Set only while Playwright runs: in os.environ it would also
        # reach subprocesses of other tests (``check --deploy`` warns about it).
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        # From here on the sync API leaves its event loop marked as running in this
        # thread, and Django keeps a separate set of connections for "async" code. The
        # test would then get a second connection object, without the serialized
        # contents that ``django_db_serialized_rollback`` restores, and not the one
        # the live server shares. Keep using the connections the database was set up on.
        for alias, connection in sync_connections.items():
            connections[alias] = connection
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def new_page(chromium_browser):
    """Factory: ``new_page(PHONE)``, ``new_page(DESKTOP, java_script_enabled=False)``.

    Every context made here is closed after the test.
    """
    contexts = []

    def make(device=PHONE, **options):
        context = chromium_browser.new_context(**{**device, **options})
        context.set_default_timeout(TIMEOUT_MS)
        context.set_default_navigation_timeout(TIMEOUT_MS)
        contexts.append(context)
        return context.new_page()

    yield make
    for context in contexts:
        context.close()


@pytest.fixture
def browser_page(new_page):
    """A page in a fresh browser context with a phone's screen and touch."""
    return new_page(PHONE)


@pytest.fixture
def phone_page(new_page):
    return new_page(PHONE)


@pytest.fixture
def desktop_page(new_page):
    return new_page(DESKTOP)


@pytest.fixture
def site(live_server, django_db_serialized_rollback, demo):
    """The demo site (``tests/conftest.py``'s ``demo``) served by the live server.

    With ``live_server`` in the test, pytest-django turns ``demo``'s ``db`` into a
    transactional database whose tables are flushed after each test. Serialized
    rollback puts back what the migrations created (Wagtail's root page, the Editors
    group...), so ``load_demo`` finds the same database in every test.
    """
    return {**demo, "url": live_server.url}


def settled(page):
    """Wait until the page's own requests are over, such as the ping Wagtail's edit views send
    as they open (editing sessions). With SQLite in memory the live server shares the test's
    database connection: a test reading the database while the server writes fails with
    "cannot start a transaction within a transaction", and so does the flush after it."""
    page.wait_for_load_state("networkidle")
