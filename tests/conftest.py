import os

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.db import connection
from wagtail.models import Page, Site

from home.models import HomePage


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Build the demo content once; each test then runs in a transaction rolled back after it."""
    with django_db_blocker.unblock():
        call_command("load_demo", stdout=open(os.devnull, "w"))
        # Live-server tests flush the tables and restore this snapshot afterwards.
        connection._test_serialized_contents = connection.creation.serialize_db_to_string()


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate limits and cached pages live in the cache: start each test with it empty."""
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def demo(db):
    """The demo site as `make run` builds it.

    Calling ``load_demo`` again costs little (it only looks) and rebuilds the content for
    tests whose database was flushed (the live-server ones).
    """
    call_command("load_demo", stdout=open(os.devnull, "w"))
    site = Site.objects.get(is_default_site=True)
    # The test client asks for "testserver"; the demo site answers any host as default.
    return {
        "site": site,
        "home": HomePage.objects.get(locale__language_code="vi"),
        "home_en": HomePage.objects.get(locale__language_code="en"),
        "about": Page.objects.get(slug="gioi-thieu").specific,
    }


@pytest.fixture
def admin_user(demo, django_user_model):
    return django_user_model.objects.get(username="admin")


@pytest.fixture
def admin_client(client, admin_user):
    client.force_login(admin_user)
    return client
