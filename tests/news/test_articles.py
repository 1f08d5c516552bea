"""Readers and the news: the article page, the index, its filters and pagination."""

import datetime
from io import StringIO

import pytest
from django.core.management import call_command
from django.utils import timezone
from freezegun import freeze_time
from wagtail.rich_text import RichText

from news.models import (
    Comment,
    CommentStatus,
    NewsArticlePage,
    NewsCategory,
    NewsIndexPage,
    RelatedArticle,
)


@pytest.fixture
def news_index(demo):
    return NewsIndexPage.objects.get(locale__language_code="vi")


def add_article(index, title, *, published=None, category=None, tags=(), live=True, **fields):
    article = NewsArticlePage(
        title=title,
        date_published=published or timezone.now(),
        category=category,
        body=[("paragraph", RichText("<p>Nội dung bài viết.</p>"))],
        live=live,
        **fields,
    )
    index.add_child(instance=article)
    if tags:
        article.tags.add(*tags)
    revision = article.save_revision()
    if live:
        revision.publish()
    return NewsArticlePage.objects.get(pk=article.pk)


@pytest.mark.django_db
def test_article_shows_every_part(client, news_index, demo):
    category = NewsCategory.objects.get(slug="guong-sang-hieu-hoc", locale__language_code="vi")
    photo = NewsArticlePage.objects.exclude(hero_image=None).first().hero_image
    article = add_article(
        news_index,
        "Hội Khuyến học Thái Bình và Nghệ An tọa đàm",
        published=timezone.make_aware(datetime.datetime(2023, 12, 20, 17, 13)),
        category=category,
        tags=["tọa đàm", "khuyến tài"],
        lead="Hai hội trao đổi kinh nghiệm xây dựng xã hội học tập.",
        hero_image=photo,
        hero_caption="Quang cảnh buổi tọa đàm",
        hero_credit="Ảnh: HKH Thái Bình",
        author="Minh Anh",
        source_name="Công dân & Khuyến học",
        source_url="https://example.org/bai-goc",
    )
    assert article.slug == "hoi-khuyen-hoc-thai-binh-va-nghe-an-toa-dam"
    response = client.get(article.url)
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Hội Khuyến học Thái Bình và Nghệ An tọa đàm</h1>" in html
    assert "Thứ Tư, 20/12/2023 17:13" in html
    assert 'href="/tin-tuc/chuyen-muc/guong-sang-hieu-hoc/">Gương sáng hiếu học</a>' in html
    assert "Hai hội trao đổi kinh nghiệm" in html
    assert "Quang cảnh buổi tọa đàm" in html and "Ảnh: HKH Thái Bình" in html
    assert 'type="image/avif"' in html
    assert "Nội dung bài viết." in html
    assert '<p class="article-author text-end fw-bold">Minh Anh</p>' in html
    assert "Nguồn:\n" in html or "Nguồn:" in html
    source = '<a href="https://example.org/bai-goc" rel="noopener nofollow">'
    assert source + "Công dân &amp; Khuyến học</a>" in html
    assert 'href="/tin-tuc/the/toa-dam/">#tọa đàm</a>' in html
    assert "facebook.com/sharer/sharer.php?u=http%3A%2F%2Flocalhost%2Ftin-tuc%2F" in html
    assert "share_to_zalo" in html and "Sao chép liên kết" in html


@pytest.mark.django_db
def test_related_articles_put_the_editors_choice_first_and_never_the_article_itself(
    client, news_index
):
    category = NewsCategory.objects.get(slug="van-ban-chi-dao", locale__language_code="vi")
    unrelated = add_article(news_index, "Một bài không cùng chủ đề", tags=["khác biệt"])
    article = add_article(news_index, "Bài chính", category=category, tags=["chủ đề riêng"])
    same_tag = add_article(news_index, "Bài cùng thẻ", tags=["chủ đề riêng"])
    article.related_links = [RelatedArticle(page=unrelated), RelatedArticle(page=article)]
    article.save_revision().publish()

    related = NewsArticlePage.objects.get(pk=article.pk).related_articles()
    assert related[0] == unrelated  # the editor's choice, even off topic
    assert article not in related
    assert same_tag in related
    assert all(page.category_id == category.pk or page in (unrelated, same_tag) for page in related)
    assert len(related) == 4
    html = client.get(article.url).content.decode()
    assert "Tin liên quan" in html
    assert html.index("Một bài không cùng chủ đề") < html.index("Bài cùng thẻ")


@pytest.mark.django_db
def test_news_index_lists_newest_first_with_elided_pagination(client, news_index):
    response = client.get("/tin-tuc/")
    assert response.status_code == 200
    html = response.content.decode()
    articles = list(news_index.articles)
    assert len(articles) == 30
    first_page = response.context["articles"]
    assert [a.pk for a in first_page] == [a.pk for a in articles[:12]]
    assert response.context["page_obj"].paginator.num_pages == 3
    assert 'href="?page=2"' in html and 'href="?page=3"' in html
    # Pinned articles lead the first page.
    assert [a.featured for a in response.context["pinned"]] == [True, True]
    page3 = client.get("/tin-tuc/", {"page": 3})
    assert [a.pk for a in page3.context["articles"]] == [a.pk for a in articles[24:]]
    assert page3.context["pinned"] == []


@pytest.mark.django_db
@pytest.mark.parametrize("page", ["0", "-1", "abc", "99999", "1e3", ""])
def test_news_index_bad_page_numbers_give_a_normal_page(client, news_index, page):
    response = client.get("/tin-tuc/", {"page": page})
    assert response.status_code == 200


@pytest.mark.django_db
def test_news_index_filters_have_readable_urls(client, news_index):
    category = client.get("/tin-tuc/chuyen-muc/guong-sang-hieu-hoc/")
    assert category.status_code == 200
    assert "<h1>Gương sáng hiếu học</h1>" in category.content.decode()
    assert all(a.category.slug == "guong-sang-hieu-hoc" for a in category.context["articles"])
    assert len(category.context["articles"]) == 6

    tag = client.get("/tin-tuc/the/hoc-bong/")
    assert tag.status_code == 200
    assert "Thẻ: học bổng" in tag.content.decode()
    assert len(tag.context["articles"]) == 6
    assert all("học bổng" in [t.name for t in a.tags.all()] for a in tag.context["articles"])

    year = client.get("/tin-tuc/nam/2025/")
    assert year.status_code == 200
    assert "Tin năm 2025" in year.content.decode()
    assert all(a.date_published.year == 2025 for a in year.context["articles"])
    assert 'href="/tin-tuc/nam/2025/" aria-current="page">2025</a>' in year.content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize(
    "url",
    [
        "/tin-tuc/chuyen-muc/khong-ton-tai/",
        "/tin-tuc/the/khong-ton-tai/",
        "/tin-tuc/nam/99999/",
        "/tin-tuc/nam/abc/",
        "/tin-tuc/chuyen-muc/%3Cscript%3E/",
    ],
)
def test_unknown_filter_values_are_404(client, news_index, url):
    assert client.get(url).status_code == 404


@pytest.mark.django_db
def test_drafts_and_scheduled_articles_stay_hidden_until_their_time(client, news_index):
    draft = add_article(news_index, "Bản nháp chưa đăng", live=False)
    assert client.get("/tin-tuc/").context["page_obj"].paginator.count == 30
    assert client.get(f"/tin-tuc/{draft.slug}/").status_code == 404

    # The editor sets a go-live time two hours ahead and publishes: it is scheduled.
    article = add_article(news_index, "Bài hẹn giờ đăng", live=False)
    go_live = timezone.now() + datetime.timedelta(hours=2)
    article.go_live_at = go_live
    article.save_revision().publish()
    call_command("publish_scheduled", stdout=StringIO())
    assert client.get("/tin-tuc/bai-hen-gio-dang/").status_code == 404
    assert "Bài hẹn giờ đăng" not in client.get("/tin-tuc/").content.decode()

    # The scheduler's run after that time publishes it.
    with freeze_time(go_live + datetime.timedelta(minutes=5)):
        call_command("publish_scheduled", stdout=StringIO())
    published = NewsArticlePage.objects.get(pk=article.pk)
    assert published.live
    assert client.get(published.url).status_code == 200, published.url
    assert published.url == "/tin-tuc/bai-hen-gio-dang/"
    assert "Bài hẹn giờ đăng" in client.get("/tin-tuc/").content.decode()


# The page read by its remembered route (the site, the route, the settings, the home page's
# address, the menu, the language links and the private sections are cached), then the
# listing itself:
# the ids of the page's articles, then those articles with their categories and hero images
# joined, and the pinned articles (the first page of the unfiltered index only). The count,
# the years, the private sections and the pictures' HTML are cached (a list's renditions
# are read in one query when its pictures are not: see tests/news/test_speed.py).
NEWS_INDEX_QUERIES = 5
FILTERED_INDEX_QUERIES = 5
# The article page: as above, then the article's tags, related articles (chosen ids,
# automatic ids, then all of them with their photos), and its approved comments (one query,
# whatever their number).
ARTICLE_QUERIES = 9


@pytest.mark.django_db
def test_news_index_query_count_does_not_grow(client, news_index, django_assert_num_queries):
    client.get("/tin-tuc/")
    with django_assert_num_queries(NEWS_INDEX_QUERIES):
        client.get("/tin-tuc/")
    photo = NewsArticlePage.objects.exclude(hero_image=None).first().hero_image
    for number in range(20):
        add_article(news_index, f"Bài bổ sung {number}", tags=["thêm"], hero_image=photo)
    client.get("/tin-tuc/")
    with django_assert_num_queries(NEWS_INDEX_QUERIES):
        client.get("/tin-tuc/")
    client.get("/tin-tuc/the/them/")
    with django_assert_num_queries(FILTERED_INDEX_QUERIES):
        client.get("/tin-tuc/the/them/", {"page": 2})


@pytest.mark.django_db
def test_article_query_count_does_not_grow(client, news_index, django_assert_num_queries):
    article = news_index.articles.first()
    client.get(article.url)
    with django_assert_num_queries(ARTICLE_QUERIES):
        client.get(article.url)
    for number in range(20):
        add_article(
            news_index,
            f"Bài cùng chuyên mục {number}",
            category=article.category,
            hero_image=article.hero_image,
            tags=["thêm"],
        )
        Comment.objects.create(
            article=article,
            name=f"Bạn đọc {number}",
            text="Bình luận đã duyệt.",
            status=CommentStatus.APPROVED if number % 4 else CommentStatus.PENDING,
        )
    client.get(article.url)
    with django_assert_num_queries(ARTICLE_QUERIES):
        response = client.get(article.url)
    assert response.content.decode().count('class="comment border-bottom') >= 15
