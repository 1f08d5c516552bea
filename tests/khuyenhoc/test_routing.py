"""Routes remembered between publications (khuyenhoc/routing.py): a remembered route never
serves a page readers should no longer see, nor the wrong one."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from wagtail.models import Page, Site

from home.models import SiteSettings
from news.models import NewsArticlePage


@pytest.fixture
def article(demo):
    return NewsArticlePage.objects.live().filter(locale__language_code="vi").first()


def queries_of(client, path):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(path)
    return response, [query["sql"] for query in queries.captured_queries]


def routing_queries(sqls):
    """The queries that find a page from its path: the site, the locale, children by slug."""
    return [
        sql
        for sql in sqls
        if 'FROM "wagtailcore_site"' in sql
        or 'FROM "wagtailcore_locale"' in sql
        or '"wagtailcore_page"."slug" =' in sql
    ]


@pytest.mark.django_db
def test_a_remembered_route_reads_only_the_page(client, article):
    first, routed = queries_of(client, article.url)
    second, remembered = queries_of(client, article.url)
    assert first.status_code == second.status_code == 200
    assert article.title in second.content.decode()
    assert routing_queries(routed)
    assert routing_queries(remembered) == []
    # The article itself, read by its id, live only.
    assert any(
        '"wagtailcore_page"."live"' in sql and f'"page_ptr_id" = {article.pk})' in sql
        for sql in remembered
    )


@pytest.mark.django_db
def test_an_unpublished_page_is_gone_at_once(client, article):
    assert client.get(article.url).status_code == 200
    article.unpublish()
    assert client.get(article.url).status_code == 404


@pytest.mark.django_db
def test_a_page_taken_offline_without_a_signal_is_not_served(client, article):
    """Even when the cache was not told (a bulk update, another process's lost message),
    a remembered route only serves a live page."""
    assert client.get(article.url).status_code == 200
    Page.objects.filter(pk=article.pk).update(live=False)
    assert client.get(article.url).status_code == 404


@pytest.mark.django_db
def test_a_new_slug_moves_the_page(client, article):
    old_url = article.url
    assert client.get(old_url).status_code == 200
    article.slug = "dia-chi-moi"
    article.save_revision().publish()
    article.refresh_from_db()
    assert client.get(old_url).status_code == 404
    response = client.get(article.url)
    assert response.status_code == 200 and article.url.endswith("/dia-chi-moi/")


@pytest.mark.django_db
def test_each_language_keeps_its_own_route(client, demo):
    vietnamese = client.get("/gioi-thieu/")
    english = client.get("/en/about/")
    assert client.get("/gioi-thieu/").content == vietnamese.content
    assert client.get("/en/about/").content == english.content
    assert 'lang="vi"' in vietnamese.content.decode()
    assert 'lang="en"' in english.content.decode()


@pytest.mark.django_db
def test_a_routable_page_resolves_its_sub_path_from_the_remembered_route(client, article):
    year = article.date_published.year
    path = f"/tin-tuc/nam/{year}/"
    first, routed = queries_of(client, path)
    second, remembered = queries_of(client, path)
    assert first.status_code == second.status_code == 200
    assert routing_queries(routed) and routing_queries(remembered) == []
    assert article.title in second.content.decode()
    # A year without articles is still its own page, not the remembered one.
    other = client.get(f"/tin-tuc/nam/{year - 30}/")
    assert article.title not in other.content.decode()


@pytest.mark.django_db
def test_site_settings_show_at_once(client, demo):
    client.get("/gioi-thieu/")
    settings = SiteSettings.for_site(Site.objects.get(is_default_site=True))
    settings.phone = "0220 3999 888"
    settings.save()
    assert "0220 3999 888" in client.get("/gioi-thieu/").content.decode()


@pytest.mark.django_db
def test_another_site_gets_its_own_pages(client, demo):
    """Two host names, two root pages: the same path is routed per site."""
    home = demo["home"]
    other_root = Page.objects.get(depth=1).add_child(
        instance=type(home)(title="Trang khác", slug="trang-khac-goc")
    )
    Site.objects.create(hostname="127.0.0.1", root_page=other_root, site_name="Khác")
    assert client.get("/gioi-thieu/").status_code == 200
    assert client.get("/gioi-thieu/", HTTP_HOST="127.0.0.1").status_code == 404


def site_queries(sqls):
    return [sql for sql in sqls if 'FROM "wagtailcore_site"' in sql]


@pytest.mark.django_db
def test_views_outside_the_page_tree_are_handed_the_remembered_site(client, demo):
    """The search page builds page URLs, so it needs the site: looked up once, then
    remembered until a site is saved."""
    _response, sqls = queries_of(client, "/tim-kiem/?q=khuyen+hoc")
    assert site_queries(sqls)
    response, sqls = queries_of(client, "/tim-kiem/?q=khuyen+hoc")
    assert site_queries(sqls) == []
    assert 'href="/tin-tuc/' in response.content.decode()
    site = Site.objects.get(is_default_site=True)
    site.port = 8000
    site.save()
    _response, sqls = queries_of(client, "/tim-kiem/?q=khuyen+hoc")
    assert site_queries(sqls)


@pytest.mark.django_db
def test_a_view_that_needs_no_site_never_looks_it_up(client, demo):
    for _ in range(2):
        response, sqls = queries_of(client, "/healthz")
        assert response.status_code == 200
        assert site_queries(sqls) == []
