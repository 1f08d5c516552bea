"""RSS 2.0 and Atom feeds of the news, for all of it and per category, in both languages."""

import datetime
import xml.etree.ElementTree as ET
from email.utils import parsedate_to_datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from wagtail.models import Locale, PageViewRestriction
from wagtail.rich_text import RichText
from wagtail_localize.operations import TranslationCreator

from home.models import SiteSettings
from news.models import NewsArticlePage, NewsCategory, NewsIndexPage

ATOM = "{http://www.w3.org/2005/Atom}"
DC = "{http://purl.org/dc/elements/1.1/}"
CATEGORY_SLUGS = [
    "hoat-dong-khuyen-hoc",
    "van-ban-chi-dao",
    "guong-sang-hieu-hoc",
    "xay-dung-xa-hoi-hoc-tap",
]


@pytest.fixture
def news_index(demo):
    return NewsIndexPage.objects.get(locale__language_code="vi")


def add_article(index, title, *, published=None, live=True, **fields):
    article = NewsArticlePage(
        title=title,
        date_published=published or timezone.now(),
        body=[("paragraph", RichText("<p>Nội dung bài viết.</p>"))],
        live=live,
        **fields,
    )
    index.add_child(instance=article)
    revision = article.save_revision()
    if live:
        revision.publish()
    return NewsArticlePage.objects.get(pk=article.pk)


def translate_article(article, user, title):
    """The article in English, published; wagtail-localize also makes the English news index."""
    en = Locale.objects.get(language_code="en")
    # Related objects (the category) already have their English version: leave it as it is.
    TranslationCreator(user, [en]).create_translations(article, include_related_objects=False)
    translation = article.get_translation(en)
    translation.title = title
    translation.save_revision().publish()
    return NewsArticlePage.objects.get(pk=translation.pk)


def rss_items(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "application/rss+xml; charset=utf-8"
    root = ET.fromstring(response.content)
    assert root.tag == "rss" and root.get("version") == "2.0"
    channel = root.find("channel")
    assert channel is not None
    return channel, channel.findall("item")


def atom_entries(response):
    assert response.status_code == 200
    assert response["Content-Type"] == "application/atom+xml; charset=utf-8"
    root = ET.fromstring(response.content)
    assert root.tag == f"{ATOM}feed"
    return root, root.findall(f"{ATOM}entry")


def alternate_link(entry):
    return next(
        link.get("href") for link in entry.findall(f"{ATOM}link") if link.get("rel") == "alternate"
    )


@pytest.mark.django_db
def test_rss_holds_the_latest_20_articles_newest_first(client, news_index, demo):
    site_name = SiteSettings.for_site(demo["site"]).name
    channel, items = rss_items(client.get("/rss/"))
    assert channel.findtext("title") == f"Tin tức – {site_name}"
    assert channel.findtext("link") == news_index.get_full_url()
    assert channel.findtext("language") == "vi"

    expected = list(news_index.articles[:20])
    assert len(items) == 20
    assert [item.findtext("title") for item in items] == [a.title for a in expected]
    assert [item.findtext("link") for item in items] == [a.get_full_url() for a in expected]
    dates = [parsedate_to_datetime(item.findtext("pubDate")) for item in items]
    assert dates == [a.date_published for a in expected]
    assert dates == sorted(dates, reverse=True)

    first, article = items[0], expected[0]
    assert first.findtext("link").startswith("http://")
    assert first.findtext("description") == article.lead
    assert first.findtext(f"{DC}creator") == article.author
    categories = [c.text for c in first.findall("category")]
    assert categories == [article.category.name, *sorted(t.name for t in article.tags.all())]
    enclosure = first.find("enclosure")
    assert enclosure.get("type") == "image/jpeg"
    assert enclosure.get("url").startswith("http://testserver/media/images/")
    assert int(enclosure.get("length")) > 0


@pytest.mark.django_db
def test_atom_holds_the_same_articles(client, news_index, demo):
    site_name = SiteSettings.for_site(demo["site"]).name
    root, entries = atom_entries(client.get("/atom/"))
    assert root.get("{http://www.w3.org/XML/1998/namespace}lang") == "vi"
    assert root.findtext(f"{ATOM}title") == f"Tin tức – {site_name}"
    assert root.findtext(f"{ATOM}author/{ATOM}name") == site_name

    expected = list(news_index.articles[:20])
    assert len(entries) == 20
    assert [e.findtext(f"{ATOM}title") for e in entries] == [a.title for a in expected]
    assert [alternate_link(e) for e in entries] == [a.get_full_url() for a in expected]
    published = [datetime.datetime.fromisoformat(e.findtext(f"{ATOM}published")) for e in entries]
    assert published == [a.date_published for a in expected]
    assert published == sorted(published, reverse=True)
    first = entries[0]
    assert first.findtext(f"{ATOM}summary") == expected[0].lead
    assert first.findtext(f"{ATOM}author/{ATOM}name") == expected[0].author
    assert first.findtext(f"{ATOM}updated")
    terms = [c.get("term") for c in first.findall(f"{ATOM}category")]
    assert expected[0].category.name in terms


@pytest.mark.django_db
def test_feeds_leave_out_drafts_and_private_articles_and_stay_bounded(client, news_index):
    tomorrow = timezone.now() + datetime.timedelta(days=1)
    add_article(news_index, "Bản nháp mới nhất", published=tomorrow, live=False)
    private = add_article(news_index, "Bài chỉ dành cho hội viên", published=tomorrow)
    PageViewRestriction.objects.create(page=private, restriction_type="login")
    newest = add_article(news_index, "Bài mới đăng", published=tomorrow)

    _channel, items = rss_items(client.get("/rss/"))
    titles = [item.findtext("title") for item in items]
    assert titles[0] == newest.title
    assert "Bản nháp mới nhất" not in titles and "Bài chỉ dành cho hội viên" not in titles
    assert len(items) == 20

    # Twenty more articles: still twenty items, and no more queries.
    client.get("/rss/")
    with CaptureQueriesContext(connection) as before:
        client.get("/rss/")
    photo = NewsArticlePage.objects.exclude(hero_image=None).first().hero_image
    for number in range(20):
        add_article(news_index, f"Bài bổ sung {number}", hero_image=photo)
    client.get("/rss/")
    with CaptureQueriesContext(connection) as after:
        response = client.get("/rss/")
    assert len(rss_items(response)[1]) == 20
    assert len(after) == len(before)


@pytest.mark.django_db
@pytest.mark.parametrize("slug", CATEGORY_SLUGS)
def test_category_feeds_hold_only_that_category(client, news_index, slug):
    category = NewsCategory.objects.get(slug=slug, locale__language_code="vi")
    expected = list(news_index.articles.filter(category=category)[:20])
    assert expected

    channel, items = rss_items(client.get(f"/rss/{slug}/"))
    assert channel.findtext("title").startswith(f"{category.name} – ")
    assert channel.findtext("link") == news_index.get_full_url() + f"chuyen-muc/{slug}/"
    assert [item.findtext("link") for item in items] == [a.get_full_url() for a in expected]
    assert all(item.findtext("category") == category.name for item in items)

    _root, entries = atom_entries(client.get(f"/atom/{slug}/"))
    assert [alternate_link(e) for e in entries] == [a.get_full_url() for a in expected]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/rss/khong-ton-tai/",
        "/atom/khong-ton-tai/",
        "/en/rss/khong-ton-tai/",
        "/rss/%3Cscript%3E/",
        "/atom/%E1%BA%A1/",
        "/rss/hoat-dong-khuyen-hoc/thua/",
        "/rss/" + "a" * 300 + "/",
    ],
)
def test_unknown_categories_and_malformed_addresses_are_404(client, news_index, url):
    assert client.get(url).status_code == 404


@pytest.mark.django_db
@pytest.mark.parametrize("query", [{"page": "abc"}, {"category": "<script>"}, {"x": "\x00"}])
def test_query_strings_are_ignored(client, news_index, query):
    _channel, items = rss_items(client.get("/rss/", query))
    assert len(items) == 20


@pytest.mark.django_db
def test_english_feeds_list_english_articles(client, news_index, admin_user, demo):
    # The demo has no English article yet: the English feed is empty, not an error.
    channel, items = rss_items(client.get("/en/rss/"))
    assert items == []
    assert channel.findtext("language") == "en"

    article = news_index.articles.first()
    english = translate_article(
        article, admin_user, "Scholarships for pupils who overcome hardship"
    )
    assert english.url.startswith("/en/")

    english_name = SiteSettings.for_site(demo["site"]).name_en
    channel, items = rss_items(client.get("/en/rss/"))
    assert channel.findtext("title") == f"News – {english_name}"
    assert channel.findtext("link").endswith("/en/tin-tuc/")
    assert [item.findtext("title") for item in items] == [english.title]
    assert items[0].findtext("link") == english.get_full_url()
    assert "/en/" in items[0].findtext("link")
    assert items[0].findtext("category") == "Study promotion activities"

    _channel, items = rss_items(client.get("/en/rss/hoat-dong-khuyen-hoc/"))
    assert [item.findtext("title") for item in items] == [english.title]
    _channel, items = rss_items(client.get("/en/rss/van-ban-chi-dao/"))
    assert items == []
    _root, entries = atom_entries(client.get("/en/atom/"))
    assert [e.findtext(f"{ATOM}title") for e in entries] == [english.title]

    # The Vietnamese feed is unchanged.
    _channel, items = rss_items(client.get("/rss/"))
    assert english.title not in [item.findtext("title") for item in items]
    assert items[0].findtext("title") == article.title


@pytest.mark.django_db
def test_pages_announce_their_feeds(client, news_index, admin_user):
    html = client.get("/tin-tuc/").content.decode()
    assert '<link rel="alternate" type="application/rss+xml"' in html
    assert 'href="/rss/"' in html and 'href="/atom/"' in html
    assert "/rss/van-ban-chi-dao/" not in html

    html = client.get("/tin-tuc/chuyen-muc/van-ban-chi-dao/").content.decode()
    assert 'href="/rss/van-ban-chi-dao/"' in html and 'href="/atom/van-ban-chi-dao/"' in html

    article = news_index.articles.first()
    html = client.get(article.url).content.decode()
    head = html[: html.index("</head>")]
    assert 'type="application/rss+xml"' in head and 'href="/rss/"' in head
    assert f'href="/rss/{article.category.slug}/"' in head

    english = translate_article(article, admin_user, "Scholarships")
    head = client.get(english.url).content.decode()
    assert 'href="/en/rss/"' in head and f'href="/en/rss/{article.category.slug}/"' in head
