"""What keeps the news pages fast with many articles: cached years and counts that follow
publication, a fixed number of queries on every listing page and filter, and a sitemap
split into sections when the site is large. Timings themselves are in bench/news.py."""

import datetime
import xml.etree.ElementTree as ET
from urllib.parse import urlsplit

import pytest
from django.utils import timezone
from wagtail.models import Page, PageViewRestriction

from home.sitemaps import MultilingualSitemap
from news.models import (
    DocumentIndexPage,
    DocumentPage,
    IssuingBody,
    NewsArticlePage,
    NewsCategory,
    NewsIndexPage,
    RelatedArticle,
)
from tests.news.test_articles import add_article

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


@pytest.fixture
def news_index(demo):
    return NewsIndexPage.objects.get(locale__language_code="vi")


@pytest.fixture
def library(demo):
    return DocumentIndexPage.objects.get(locale__language_code="vi")


def add_document(library, number, date_issued, live=True):
    document = DocumentPage(
        title=f"Văn bản {number}",
        number=number,
        doc_type="cong-van",
        issuer=IssuingBody.objects.get(slug="hoi-khuyen-hoc-tinh-an-binh"),
        date_issued=date_issued,
        summary="Văn bản thử.",
        live=live,
    )
    library.add_child(instance=document)
    if live:
        document.save_revision().publish()
    return DocumentPage.objects.get(pk=document.pk)


def year_links(response):
    return response.context["years"]


@pytest.mark.django_db
def test_news_years_follow_publication(client, news_index):
    assert 2015 not in year_links(client.get("/tin-tuc/"))
    published = timezone.make_aware(datetime.datetime(2015, 5, 1, 9, 0))
    article = add_article(news_index, "Tin cũ năm 2015", published=published)
    assert 2015 in year_links(client.get("/tin-tuc/"))
    assert client.get("/tin-tuc/nam/2015/").context["page_obj"].paginator.count == 1

    article.unpublish()
    assert 2015 not in year_links(client.get("/tin-tuc/"))
    assert client.get("/tin-tuc/nam/2015/").context["page_obj"].paginator.count == 0

    article.save_revision().publish()
    assert 2015 in year_links(client.get("/tin-tuc/"))
    Page.objects.get(pk=article.pk).delete()
    assert 2015 not in year_links(client.get("/tin-tuc/"))


@pytest.mark.django_db
def test_news_counts_follow_publication_and_restrictions(client, news_index):
    category = NewsCategory.objects.get(slug="guong-sang-hieu-hoc", locale__language_code="vi")
    url = f"/tin-tuc/chuyen-muc/{category.slug}/"

    def counts():
        return (
            client.get("/tin-tuc/").context["page_obj"].paginator.count,
            client.get(url).context["page_obj"].paginator.count,
        )

    everything, in_category = counts()
    article = add_article(news_index, "Gương sáng mới", category=category)
    assert counts() == (everything + 1, in_category + 1)
    # A view restriction hides the article from the listing, and from its counts.
    restriction = PageViewRestriction.objects.create(
        page=article, restriction_type=PageViewRestriction.LOGIN
    )
    assert counts() == (everything, in_category)
    restriction.delete()
    assert counts() == (everything + 1, in_category + 1)
    article.unpublish()
    assert counts() == (everything, in_category)


@pytest.mark.django_db
def test_library_years_follow_publication(client, library):
    def years():
        return [
            value
            for value, _label in client.get("/van-ban/")
            .context["filter_form"]
            .fields["nam"]
            .choices
            if value
        ]

    assert 2011 not in years()
    document = add_document(library, "7/CV-2011", datetime.date(2011, 3, 4))
    assert 2011 in years()
    assert [d.number for d in client.get("/van-ban/", {"nam": 2011}).context["documents"]] == [
        "7/CV-2011"
    ]
    document.unpublish()
    assert 2011 not in years()


@pytest.mark.django_db
def test_related_articles_skip_a_chosen_article_taken_offline(news_index):
    category = NewsCategory.objects.get(slug="van-ban-chi-dao", locale__language_code="vi")
    chosen = add_article(news_index, "Bài được chọn", category=category)
    article = add_article(news_index, "Bài chính", category=category)
    article.related_links = [RelatedArticle(page=chosen)]
    article.save_revision().publish()
    assert article.related_articles()[0] == chosen

    chosen.unpublish()
    related = NewsArticlePage.objects.get(pk=article.pk).related_articles()
    assert chosen not in related and article not in related
    assert len(related) == 4
    assert all(page.category_id == category.pk for page in related)
    dates = [page.date_published for page in related]
    assert dates == sorted(dates, reverse=True)


# The listing pages and the library run the same queries whatever the data: these are
# the figures of each with the demo content, then checked again after adding more.
LISTING_QUERIES = {
    "/tin-tuc/": 5,  # the first page also shows the pinned articles
    "/tin-tuc/?page=2": 4,
    "/tin-tuc/?page=999": 4,  # past the end: the last page
    "/tin-tuc/chuyen-muc/hoat-dong-khuyen-hoc/": 5,  # and the category
    "/tin-tuc/the/them/?page=2": 5,  # and the tag
    "/tin-tuc/nam/2026/": 4,
    "/van-ban/": 4,
    "/van-ban/?page=2": 4,
    "/van-ban/?so=135%2FKH-UBND": 4,
    "/van-ban/?loai=cong-van&co_quan=hoi-khuyen-hoc-tinh-an-binh&nam=2026&page=2": 4,
}


@pytest.mark.django_db
def test_listing_queries_do_not_grow(
    client,
    news_index,
    library,
    django_assert_num_queries,
):
    category = NewsCategory.objects.get(slug="hoat-dong-khuyen-hoc", locale__language_code="vi")
    photo = news_index.articles.first().hero_image
    for number in range(3):
        add_article(news_index, f"Bài có thẻ {number}", tags=["thêm"], hero_image=photo)
    for size in ("small", "larger"):
        for url, queries in LISTING_QUERIES.items():
            client.get(url)  # the years and counts are cached from here on
            with django_assert_num_queries(queries, info=f"{url} ({size})"):
                assert client.get(url).status_code == 200
        start = timezone.now() - datetime.timedelta(days=400)
        for number in range(20):
            add_article(
                news_index,
                f"Bài bổ sung {size} {number}",
                published=start - datetime.timedelta(days=number),
                category=category,
                tags=["thêm"],
                hero_image=photo,
            )
            add_document(library, f"{number}/CV-{size}", datetime.date(2026, 1, 1 + number))


def sitemap_locs(client, url):
    response = client.get(url)
    assert response.status_code == 200, url
    root = ET.fromstring(response.content)
    return root.tag, [loc.text for loc in root.iter(f"{SITEMAP}loc")]


def site_pages():
    """Full URLs of every live public page under the site's home pages, both languages."""
    pages = Page.objects.filter(depth__gte=2).live().public().specific()
    return sorted(page.get_full_url() for page in pages)


@pytest.mark.django_db
def test_small_site_keeps_a_single_sitemap(client, demo):
    tag, locs = sitemap_locs(client, "/sitemap.xml")
    assert tag == f"{SITEMAP}urlset"
    assert sorted(locs) == site_pages()


@pytest.mark.django_db
def test_large_site_gets_a_sitemap_index_listing_every_page_once(client, demo, monkeypatch):
    monkeypatch.setattr(MultilingualSitemap, "limit", 10)
    tag, sections = sitemap_locs(client, "/sitemap.xml")
    assert tag == f"{SITEMAP}sitemapindex"
    expected = site_pages()
    assert len(sections) == -(-len(expected) // 10) > 2
    assert urlsplit(sections[0]).path == "/sitemap-pages.xml"
    assert urlsplit(sections[1]).query == "p=2"

    listed = []
    for section in sections:
        parts = urlsplit(section)
        tag, locs = sitemap_locs(client, f"{parts.path}?{parts.query}")
        assert tag == f"{SITEMAP}urlset"
        assert 0 < len(locs) <= 10
        listed += locs
    assert sorted(listed) == expected  # each page once
    paths = [urlsplit(url).path for url in listed]
    assert "/gioi-thieu/" in paths and "/en/about/" in paths
    assert any(path.startswith("/tin-tuc/") for path in paths)
    assert any(path.startswith("/en/") and path != "/en/" for path in paths)


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url", ["/sitemap-pages.xml?p=999", "/sitemap-pages.xml?p=abc", "/sitemap-khong-co.xml"]
)
def test_sitemap_sections_out_of_range_are_404(client, demo, monkeypatch, url):
    monkeypatch.setattr(MultilingualSitemap, "limit", 10)
    assert client.get(url).status_code == 404


@pytest.mark.django_db
def test_sitemap_index_queries_do_not_grow(
    client,
    news_index,
    monkeypatch,
    django_assert_num_queries,
):
    monkeypatch.setattr(MultilingualSitemap, "limit", 10)
    client.get("/sitemap.xml")
    # The site's home pages, view restrictions, then counting (twice: once to choose between
    # one file and an index) and the latest change; no page is read (the site is cached).
    with django_assert_num_queries(4):
        client.get("/sitemap.xml")
    for number in range(15):
        add_article(news_index, f"Bài cho sơ đồ trang {number}")
    client.get("/sitemap.xml")  # publishing retired the remembered site
    with django_assert_num_queries(4):
        client.get("/sitemap.xml")


@pytest.mark.django_db
def test_pictures_with_kept_filters_render_as_wagtails_own(news_index):
    from django.template import engines

    photo = news_index.articles.first().hero_image
    markup = (
        '{% picture photo fill-{400x225,800x450} format-{avif,webp,jpeg} alt="" %}'
        "{% srcset_image photo width-{200,400} %}"
    )
    engine = engines["django"]
    wagtails = engine.from_string("{% load wagtailimages_tags %}" + markup)
    kept = engine.from_string("{% load wagtailimages_tags cached_images %}" + markup)
    expected = wagtails.render({"photo": photo})
    assert 'type="image/avif"' in expected and "srcset=" in expected
    for _ in range(2):  # the second render reuses the filters the first one built
        assert kept.render({"photo": photo}) == expected
    nodes = [node for node in kept.template.nodelist if hasattr(node, "filter_specs")]
    assert len(nodes) == 2 and all(node._filters for node in nodes)


@pytest.mark.django_db
def test_kept_pictures_follow_the_image_and_its_renditions(news_index):
    from django.db import connection
    from django.template import engines
    from django.test.utils import CaptureQueriesContext
    from wagtail.images import get_image_model

    # Loaded alone: the listing's photos carry their prefetched renditions.
    pk = news_index.articles.exclude(hero_image=None).first().hero_image_id
    photo = get_image_model().objects.get(pk=pk)
    engine = engines["django"]
    markup = '{% picture photo fill-{400x225,800x450} format-{webp,jpeg} alt="" %}'
    wagtails = engine.from_string("{% load wagtailimages_tags %}" + markup)
    kept = engine.from_string("{% load wagtailimages_tags cached_images %}" + markup)
    first = kept.render({"photo": photo})
    assert first == wagtails.render({"photo": photo})
    # Kept: no rendition is looked up again.
    with CaptureQueriesContext(connection) as queries:
        assert kept.render({"photo": photo}) == first
    assert len(queries.captured_queries) == 0
    # A new focal point crops the image anew: new renditions, new HTML.
    photo.focal_point_x, photo.focal_point_y = 10, 10
    photo.focal_point_width = photo.focal_point_height = 20
    photo.save()
    moved = kept.render({"photo": photo})
    assert moved != first and moved == wagtails.render({"photo": photo})
    # Renditions deleted (a clean-up): the kept HTML goes with them and they are made again.
    photo.renditions.all().delete()
    kept.render({"photo": photo})
    assert photo.renditions.count() == 4


@pytest.mark.django_db
@pytest.mark.parametrize("count", [2, 8])
def test_a_listings_renditions_come_in_one_query_and_only_when_a_picture_needs_them(
    client, news_index, django_assert_num_queries, count
):
    from khuyenhoc.templatetags.cached_images import pictures

    photo = NewsArticlePage.objects.exclude(hero_image=None).first().hero_image
    for number in range(count):
        add_article(news_index, f"Bài có ảnh {number}", hero_image=photo)
    client.get("/tin-tuc/")
    # The page, the pinned articles, the page's ids, its articles and the categories: the
    # pictures' HTML is kept, so their renditions are not read at all.
    with django_assert_num_queries(5) as kept:
        response = client.get("/tin-tuc/")
    assert not [q for q in kept.captured_queries if "wagtailimages_rendition" in q["sql"]]
    assert response.content.decode().count("<picture>") >= min(count, 10)
    # Without the kept HTML, one query reads the renditions of every photo of a list (the
    # pinned articles are a list of their own), however many photos there are; the site
    # settings, whose logo is a picture too, are read again.
    pictures.bump()
    with django_assert_num_queries(8) as fresh:
        assert client.get("/tin-tuc/").content == response.content
    reads = [q for q in fresh.captured_queries if "wagtailimages_rendition" in q["sql"]]
    assert len(reads) == 2
