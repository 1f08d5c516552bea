"""What search engines and social networks read: robots.txt, OpenGraph, Twitter, JSON-LD."""

import datetime
import json
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest
from django.utils import timezone

from home.models import SiteSettings
from news.models import NewsIndexPage
from tests.news.test_feeds import add_article, translate_article


class HeadParser(HTMLParser):
    """The <meta> tags and <script> elements of a page (attribute values come unescaped)."""

    def __init__(self):
        super().__init__()
        self.meta = {}
        self.scripts = []
        self._script = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta" and "content" in attrs:
            key = attrs.get("property") or attrs.get("name")
            if key:
                self.meta[key] = attrs["content"]
        elif tag == "script":
            self._script = {"type": attrs.get("type"), "src": attrs.get("src"), "text": ""}
            self.scripts.append(self._script)

    def handle_endtag(self, tag):
        if tag == "script":
            self._script = None

    def handle_data(self, data):
        if self._script is not None:
            self._script["text"] += data


def parse_head(response):
    assert response.status_code == 200
    parser = HeadParser()
    parser.feed(response.content.decode())
    return parser


def json_ld(parser):
    blocks = [s for s in parser.scripts if s["type"] == "application/ld+json"]
    assert len(blocks) == 1
    return json.loads(blocks[0]["text"])


@pytest.fixture
def news_index(demo):
    return NewsIndexPage.objects.get(locale__language_code="vi")


@pytest.mark.django_db
def test_robots_txt_allows_all_but_the_admin_and_names_the_sitemap(client, demo):
    response = client.get("/robots.txt")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    lines = response.content.decode().splitlines()
    assert "User-agent: *" in lines
    assert "Allow: /" in lines
    assert "Disallow: /admin/" in lines
    assert "Sitemap: http://testserver/sitemap.xml" in lines
    assert "Disallow: /" not in lines

    secure = client.get("/robots.txt", secure=True, headers={"host": "localhost"})
    assert "Sitemap: https://localhost/sitemap.xml" in secure.content.decode().splitlines()
    # It is not a page of either language.
    assert client.get("/en/robots.txt").status_code == 404


@pytest.mark.django_db
def test_article_has_open_graph_and_twitter_tags(client, news_index, demo):
    article = news_index.articles.first()
    head = parse_head(client.get(article.url))
    meta = head.meta
    assert meta["og:type"] == "article"
    assert meta["og:site_name"] == SiteSettings.for_site(demo["site"]).name
    assert meta["og:title"] == article.title
    assert meta["og:description"] == article.lead
    assert meta["og:url"] == article.get_full_url()
    assert meta["og:url"].startswith("http")
    assert meta["og:locale"] == "vi_VN"
    assert meta["og:image"].startswith("http://testserver/media/images/")
    assert ".fill-1200x630" in meta["og:image"]
    assert meta["og:image:width"] == "1200"
    # Wagtail's fill may round the height up by one pixel.
    assert meta["og:image:height"] in ("630", "631")
    assert meta["og:image:alt"] == article.hero_caption
    published = datetime.datetime.fromisoformat(meta["article:published_time"])
    assert published == article.date_published
    assert meta["article:section"] == article.category.name
    assert meta["twitter:card"] == "summary_large_image"
    assert meta["twitter:title"] == article.title
    assert meta["twitter:image"] == meta["og:image"]


@pytest.mark.django_db
def test_article_json_ld_describes_a_news_article(client, news_index, demo):
    article = news_index.articles.first()
    head = parse_head(client.get(article.url))
    data = json_ld(head)
    site_name = SiteSettings.for_site(demo["site"]).name
    assert data["@context"] == "https://schema.org"
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == article.title
    assert data["description"] == article.lead
    assert datetime.datetime.fromisoformat(data["datePublished"]) == article.date_published
    modified = datetime.datetime.fromisoformat(data["dateModified"])
    assert modified >= article.date_published
    assert abs(modified - article.last_published_at) < datetime.timedelta(milliseconds=1)
    assert data["image"] == [head.meta["og:image"]]
    assert data["author"] == {"@type": "Person", "name": article.author}
    assert data["publisher"]["@type"] == "Organization"
    assert data["publisher"]["name"] == site_name
    assert data["mainEntityOfPage"] == {"@type": "WebPage", "@id": article.get_full_url()}
    assert data["inLanguage"] == "vi"
    assert data["articleSection"] == article.category.name


@pytest.mark.django_db
def test_article_without_author_photo_or_lead(client, news_index, demo):
    article = add_article(
        news_index,
        "Thông báo ngắn",
        search_description="Mô tả cho máy tìm kiếm.",
    )
    head = parse_head(client.get(article.url))
    assert "og:image" not in head.meta and "twitter:image" not in head.meta
    assert head.meta["og:description"] == "Mô tả cho máy tìm kiếm."
    assert "article:section" not in head.meta
    data = json_ld(head)
    assert "image" not in data
    assert data["description"] == "Mô tả cho máy tìm kiếm."
    # No named author: the association itself.
    assert data["author"]["@type"] == "Organization"
    assert data["author"]["name"] == SiteSettings.for_site(demo["site"]).name


@pytest.mark.django_db
def test_english_article_says_it_is_english(client, news_index, admin_user, demo):
    article = news_index.articles.first()
    english = translate_article(article, admin_user, "Scholarships for pupils")
    head = parse_head(client.get(english.url))
    assert head.meta["og:locale"] == "en_US"
    assert head.meta["og:url"] == english.get_full_url()
    assert "/en/" in head.meta["og:url"]
    data = json_ld(head)
    assert data["headline"] == "Scholarships for pupils"
    assert data["inLanguage"] == "en"
    assert data["publisher"]["name"] == SiteSettings.for_site(demo["site"]).name_en


HOSTILE = 'Tin "nóng" </script><script>alert(1)</script> & <!-- \u2028 \\ \' <b>'


@pytest.mark.django_db
def test_titles_cannot_break_out_of_the_json_ld(client, news_index):
    article = add_article(
        news_index,
        HOSTILE,
        lead=f"Mở đầu {HOSTILE}",
        author='Tác giả "</script>"',
        published=timezone.now() + datetime.timedelta(minutes=1),
    )
    response = client.get(article.url)
    html = response.content.decode()
    assert "<script>alert(1)" not in html
    assert "</script><script>" not in html
    head = parse_head(response)
    # The only scripts are ours: the JSON-LD and the site's own files.
    assert not [s for s in head.scripts if s["type"] != "application/ld+json" and not s["src"]]
    assert all("alert" not in s["text"] for s in head.scripts if s["type"] != "application/ld+json")
    data = json_ld(head)
    assert data["headline"] == HOSTILE
    assert data["description"] == f"Mở đầu {HOSTILE}"
    assert data["author"]["name"] == 'Tác giả "</script>"'
    assert head.meta["og:title"] == HOSTILE
    assert head.meta["twitter:description"] == f"Mở đầu {HOSTILE}"

    # The feeds still parse and give the title back as it was written.
    rss = ET.fromstring(client.get("/rss/").content)
    assert rss.find("channel/item").findtext("title") == HOSTILE
    atom = ET.fromstring(client.get("/atom/").content)
    assert (
        atom.find("{http://www.w3.org/2005/Atom}entry").findtext(
            "{http://www.w3.org/2005/Atom}title"
        )
        == HOSTILE
    )


@pytest.mark.django_db
def test_news_index_has_no_article_metadata(client, news_index):
    head = parse_head(client.get("/tin-tuc/"))
    assert "og:type" not in head.meta
    assert not [s for s in head.scripts if s["type"] == "application/ld+json"]
