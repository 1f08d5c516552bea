"""What holds when several processes serve the site: cache versions move after the content
is committed, the private sections are not kept for ever, a database that cannot be reached
answers 503, and every response says which browser features the site refuses."""

import datetime

import pytest
from django.core.cache import cache
from django.db import OperationalError, connection, transaction
from django.utils import timezone
from freezegun import freeze_time
from wagtail.models import PageViewRestriction

from home import cache as home_cache
from khuyenhoc.cache import published_content
from khuyenhoc.pages import RESTRICTIONS, restricted_paths
from news.models import NewsArticlePage

pytestmark = pytest.mark.django_db


@pytest.fixture
def article(demo):
    return NewsArticlePage.objects.live().filter(locale__language_code="vi").first()


def publish(article):
    article.title = "Tin đã sửa"
    article.save_revision().publish()


def make_private(article):
    PageViewRestriction.objects.create(page=article, restriction_type=PageViewRestriction.LOGIN)


def delete(article):
    article.delete()


@pytest.mark.parametrize("change", [publish, make_private, delete], ids=lambda f: f.__name__)
@pytest.mark.parametrize(
    "version",
    [published_content, RESTRICTIONS, home_cache._version],
    ids=lambda version: version.name,
)
def test_versions_move_again_when_the_change_commits(
    article, change, version, django_capture_on_commit_callbacks
):
    """Another process reading in the window between the change and its commit still sees the
    old rows and caches them under the version of that moment: the commit retires them."""
    if version is RESTRICTIONS and change is publish:
        pytest.skip("publishing leaves the private sections alone")
    if change is delete:
        make_private(article)  # deleting it deletes its restriction too
    with django_capture_on_commit_callbacks(execute=True):
        with transaction.atomic():
            change(article)
            version.set_cached(("read-in-the-window",), "the old state", 600)
        assert version.get_cached(("read-in-the-window",)) == "the old state"
    assert version.get_cached(("read-in-the-window",)) is None


def test_a_change_rolled_back_costs_only_a_miss(article, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        try:
            with transaction.atomic():
                publish(article)
                raise RuntimeError("the editor's request fails")
        except RuntimeError:
            pass
    assert callbacks == []


def test_the_private_sections_are_read_again_after_a_while(article):
    assert restricted_paths() == []
    # A restriction written without signals (a script, a restore): only the timeout sees it.
    PageViewRestriction.objects.bulk_create(
        [PageViewRestriction(page=article, restriction_type=PageViewRestriction.LOGIN)]
    )
    assert restricted_paths() == []
    with freeze_time(timezone.now() + datetime.timedelta(minutes=6)):
        assert restricted_paths() == [article.path]


def refuse_queries(execute, sql, params, many, context):
    raise OperationalError("connection to server at 127.0.0.1, port 5432 failed: refused")


@pytest.mark.parametrize(
    "path, words",
    [
        ("/", ["Trang web đang bảo trì", "Vui lòng thử lại sau ít phút."]),
        ("/tin-tuc/", ["Trang web đang bảo trì"]),
        ("/tim-kiem/?q=hoc", ["Trang web đang bảo trì"]),
        ("/en/", ["The site is under maintenance", "Please try again in a few minutes."]),
    ],
)
def test_pages_answer_503_while_the_database_is_down(client, demo, path, words):
    cache.clear()
    client.raise_request_exception = False
    with connection.execute_wrapper(refuse_queries):
        response = client.get(path)
    assert response.status_code == 503
    assert response["Retry-After"] == "30"
    assert "no-store" in response["Cache-Control"]
    html = response.content.decode()
    assert all(word in html for word in words)
    assert "refused" not in html


def test_other_errors_stay_500(client, demo, monkeypatch):
    client.raise_request_exception = False

    def boom(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr("home.views.Paginator", boom)
    response = client.get("/tim-kiem/", {"q": "học"})
    assert response.status_code == 500
    assert "Retry-After" not in response


@pytest.mark.parametrize(
    "path", ["/", "/trang-khong-ton-tai/", "/admin/login/", "/static/css/site.css", "/healthz"]
)
def test_permissions_policy_on_every_response(client, demo, path):
    response = client.get(path)
    policy = response["Permissions-Policy"]
    for feature in ("camera", "microphone", "geolocation", "payment", "usb", "browsing-topics"):
        assert f"{feature}=()" in policy
    assert "fullscreen" not in policy  # videos in articles may still go full screen
