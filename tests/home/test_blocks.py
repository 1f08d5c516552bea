"""The home page's blocks, in both languages, their query count and the page cache."""

import datetime

import pytest
from bs4 import BeautifulSoup
from django.utils import timezone

from home import cache as home_cache
from news.models import DocumentPage, NewsArticlePage, NewsIndexPage

SECTIONS = {
    "latest_news": ("section.home-news", {"title": "", "count": 4}),
    "featured_news": ("section.home-news", {"title": "", "count": 2}),
    "campaigns": ("section.home-campaigns", {"title": "", "count": 3}),
    "documents": ("section.home-documents", {"title": "", "count": 5}),
    "key_figures": (
        "section.home-figures",
        {
            "title": "Số liệu",
            "figures": [{"label": "Hội viên", "value": "216652", "kind": "number", "note": ""}],
        },
    ),
    "call_to_action": (
        "section.call-to-action",
        {
            "title": "Theo dõi hồ sơ",
            "text": "",
            "button_label": "Tra cứu",
            "page": None,
            "url": "/tra-cuu/",
        },
    ),
}


def soup(response):
    return BeautifulSoup(response.content.decode(), "html.parser")


def set_body(page, body):
    page.body = body
    page.save_revision().publish()


@pytest.mark.django_db
def test_demo_home_page_in_vietnamese(client, demo):
    response = client.get("/")
    assert response.status_code == 200
    page = soup(response)
    cta = page.select_one("section.call-to-action a.btn")
    assert cta["href"] == "/ho-so-danh-hieu/"
    campaigns = page.select_one("section.home-campaigns")
    assert "2023–2030" in campaigns.text
    assert "64.410 / 80.000" in campaigns.select_one(".target-progress-text").text
    assert "2016–2020" not in campaigns.text  # past campaigns are not "ongoing"
    news = page.select("section.home-news")
    assert len(news) == 2
    assert len(news[0].select("article")) == 2  # the pinned ones
    assert len(news[1].select("article")) == 4
    newest = NewsArticlePage.objects.live().filter(locale__language_code="vi")
    newest = newest.order_by("-date_published").first()
    assert newest.title in news[1].select("article h3 a")[0].text
    figures = [dd.text.strip() for dd in page.select("section.home-figures dd")]
    assert figures == ["186.420", "30,5%", "38,6 tỉ đồng", "17.250"]
    documents = [a.text for a in page.select("section.home-documents a")]
    assert documents[0] == "160/CV-HKH" and len(documents) == 5


@pytest.mark.django_db
def test_demo_home_page_in_english(client, demo):
    response = client.get("/en/")
    assert response.status_code == 200
    page = soup(response)
    assert page.select_one("section.call-to-action h2").text == "Apply for a learning title"
    figures = [dd.text.strip() for dd in page.select("section.home-figures dd")]
    assert figures == ["186,420", "30.5%", "38.6 billion VND", "17,250"]
    assert "Members" in page.select_one("section.home-figures").text
    # No news is translated yet: the Vietnamese articles are shown, marked as Vietnamese.
    news = page.select_one("section.home-news")
    assert news["lang"] == "vi" and news.select("article")
    assert page.select_one("section.home-campaigns article")["lang"] == "vi"


@pytest.mark.django_db
def test_english_home_shows_its_own_news_once_one_is_published(client, demo):
    """Whether English has news of its own is cached: publishing one shows it at once."""
    assert soup(client.get("/en/")).select_one("section.home-news")["lang"] == "vi"
    article = NewsArticlePage.objects.live().filter(locale__language_code="vi").first()
    english = article.copy_for_translation(demo["home_en"].locale, copy_parents=True)
    english.title = "Learning families in the province"
    english.save_revision().publish()
    news = soup(client.get("/en/")).select("section.home-news")[-1]
    assert not news.has_attr("lang")
    assert [a.text.strip() for a in news.select("article h3 a")] == [english.title]
    english.refresh_from_db()
    english.unpublish()
    assert soup(client.get("/en/")).select_one("section.home-news")["lang"] == "vi"


@pytest.mark.django_db
@pytest.mark.parametrize("block_type", list(SECTIONS))
def test_each_block_with_and_without_it_in_both_languages(client, demo, block_type):
    selector, value = SECTIONS[block_type]
    for home, url in [(demo["home"], "/"), (demo["home_en"], "/en/")]:
        set_body(home, [(block_type, value)])
        response = client.get(url)
        assert response.status_code == 200
        assert soup(response).select_one(selector) is not None, (block_type, url)
        others = [(name, v) for name, (_s, v) in SECTIONS.items() if _s != selector]
        set_body(home, others)
        response = client.get(url)
        assert response.status_code == 200
        assert soup(response).select_one(selector) is None, (block_type, url)


@pytest.mark.django_db
def test_home_page_with_no_block(client, demo):
    set_body(demo["home"], [])
    response = client.get("/")
    assert response.status_code == 200
    assert soup(response).select_one("section") is None


@pytest.mark.django_db
def test_call_to_action_needs_a_page_or_a_link(demo):
    from django.core.exceptions import ValidationError

    from home.blocks import CallToActionBlock

    block = CallToActionBlock()
    value = block.to_python({"title": "Nộp hồ sơ", "button_label": "Nộp", "page": None, "url": ""})
    with pytest.raises(ValidationError):
        block.clean(value)
    value = block.to_python(
        {"title": "x", "button_label": "x", "page": None, "url": "javascript:x"}
    )
    with pytest.raises(ValidationError):
        block.clean(value)
    value = block.to_python(
        {"title": "x", "button_label": "x", "page": demo["about"].pk, "url": ""}
    )
    assert block.clean(value)["page"].pk == demo["about"].pk


# The page by its remembered route (site, route and settings cached), plus per block: pinned
# and latest news (articles with their photos), campaigns (campaigns with their photos,
# targets), documents (one). The menu, the language links and the private sections that
# listings leave out are cached, and so is the pictures' HTML: a list's renditions are read
# (in one query) only when a picture is not kept (see tests/news/test_speed.py).
HOME_QUERIES = 6


@pytest.mark.django_db
def test_home_page_query_count_does_not_grow(client, demo, django_assert_num_queries):
    from campaigns.models import CampaignIndexPage, CampaignPage, Target

    client.get("/")
    home_cache.invalidate()
    with django_assert_num_queries(HOME_QUERIES):
        client.get("/")
    news_index = NewsIndexPage.objects.get(locale__language_code="vi")
    photo = NewsArticlePage.objects.exclude(hero_image=None).first().hero_image
    for number in range(10):
        article = NewsArticlePage(
            title=f"Tin mới {number}", body=[], hero_image=photo, featured=number < 3
        )
        news_index.add_child(instance=article)
        article.save_revision().publish()
    library = DocumentPage.objects.first().get_parent()
    issuer = DocumentPage.objects.first().issuer
    for number in range(6):
        document = DocumentPage(
            title=f"Văn bản {number}",
            number=f"{number}/TB-HKH",
            doc_type="cong-van",
            issuer=issuer,
            date_issued=datetime.date(2026, 11, 1),
            summary="Thông báo.",
        )
        library.add_child(instance=document)
        document.save_revision().publish()
    campaigns = CampaignIndexPage.objects.get(locale__language_code="vi")
    for number in range(4):
        campaign = CampaignPage(
            title=f"Phong trào {number}", start_year=2024, end_year=2027, hero_image=photo
        )
        campaign.targets = [
            Target(
                indicator="Chỉ tiêu",
                unit="person",
                target_value=10,
                achieved_value=2,
                achieved_updated_on=datetime.date(2026, 1, 1),
            )
            for _ in range(3)
        ]
        campaigns.add_child(instance=campaign)
        campaign.save_revision().publish()
    client.get("/")
    home_cache.invalidate()
    with django_assert_num_queries(HOME_QUERIES):
        response = client.get("/")
    html = response.content.decode()
    assert "Tin mới 9" in html and "5/TB-HKH" in html and "Phong trào 3" in html


@pytest.mark.django_db
def test_anonymous_home_page_is_cached_until_content_changes(
    client, demo, django_assert_num_queries
):
    first = client.get("/")
    assert first["X-Home-Cache"] == "miss"
    # What is left is reading the page by its remembered route (khuyenhoc/routing.py).
    with django_assert_num_queries(1):
        second = client.get("/")
    assert second["X-Home-Cache"] == "hit"
    assert second.content == first.content
    # Each language has its own copy.
    assert client.get("/en/")["X-Home-Cache"] == "miss"
    # Publishing an article drops every cached copy.
    news_index = NewsIndexPage.objects.get(locale__language_code="vi")
    article = NewsArticlePage(title="Tin vừa đăng", body=[], date_published=timezone.now())
    news_index.add_child(instance=article)
    article.save_revision().publish()
    response = client.get("/")
    assert response["X-Home-Cache"] == "miss"
    assert "Tin vừa đăng" in response.content.decode()
    assert client.get("/")["X-Home-Cache"] == "hit"
    # Unpublishing too.
    NewsArticlePage.objects.get(pk=article.pk).unpublish()
    response = client.get("/")
    assert response["X-Home-Cache"] == "miss"
    assert "Tin vừa đăng" not in response.content.decode()
    # And the site settings.
    from home.models import SiteSettings

    settings = SiteSettings.for_site(demo["site"])
    settings.phone = "0237 000 0000"
    settings.save()
    assert "0237 000 0000" in client.get("/").content.decode()


@pytest.mark.django_db
def test_editors_and_queries_are_not_cached(client, admin_client, demo):
    client.get("/")
    assert client.get("/", {"utm_source": "zalo"})["X-Home-Cache"] == "bypass"
    response = admin_client.get("/")
    assert response["X-Home-Cache"] == "bypass"
    assert admin_client.get("/")["X-Home-Cache"] == "bypass"
