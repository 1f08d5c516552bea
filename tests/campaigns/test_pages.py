"""Readers and campaigns: the page, its targets, related content, and the index."""

import datetime

import pytest
from bs4 import BeautifulSoup
from freezegun import freeze_time
from wagtail.models import Locale, Page

from campaigns.models import CampaignFormLink, CampaignNewsLink, Target
from news.models import NewsArticlePage, NewsIndexPage, NewsTag
from tests.campaigns.conftest import add_campaign


def soup(response):
    return BeautifulSoup(response.content.decode(), "html.parser")


@pytest.mark.django_db
def test_campaign_page_shows_every_part(client, ongoing):
    response = client.get(ongoing.url)
    assert response.status_code == 200
    html = response.content.decode()
    page = soup(response)
    assert page.h1.text == ongoing.title
    assert ongoing.slogan in page.select_one(".campaign-slogan").text
    assert "2023–2030" in html
    assert "Ủy ban nhân dân tỉnh An Bình" in html and "12/05/2023" in html
    assert page.select_one(".campaign-status--ongoing") is not None
    # The hero photo in modern formats, as news articles have it.
    hero = page.select_one("figure.captioned-image picture")
    assert hero.select_one('source[type="image/avif"]') and hero.select_one(
        'source[type="image/webp"]'
    )
    # Goals block and the rest of the content.
    assert "Ít nhất 80.000 hộ đạt danh hiệu Gia đình học tập." in html
    # The editors' figures, with the date and source of the update.
    texts = [p.text.strip() for p in page.select(".campaign-target .target-progress-text")]
    assert texts[0].startswith("64.410 / 80.000") and texts[0].endswith("— 80,5%")
    assert texts[1].startswith("583 / 700") and texts[1].endswith("— 83,3%")
    assert texts[2] == "39,9 tỉ đồng / 50 tỉ đồng — 79,7%"
    updated = page.select(".campaign-target .target-updated")
    assert "15/12/2025" in updated[0].text
    assert "Báo cáo tổng kết năm 2025" in updated[0].text
    bars = page.select(".campaign-target progress")
    assert (bars[0]["value"], bars[0]["max"]) == ("64410", "80000")
    # Related content and the pledge form.
    assert page.select(".related-articles article")
    assert [a.text for a in page.select(".related-documents a")] == [
        "46/HD-HKH",
        "45/HD-HKH",
        "135/KH-UBND",
    ]
    assert page.select_one("#pledge form[method=post]") is not None


@pytest.mark.django_db
def test_progress_text_in_english(ongoing):
    from django.utils import translation

    target = ongoing.targets.get(unit="household", source="manual")
    with translation.override("en"):
        assert target.progress_text() == "64,410 / 80,000 households — 80.5%"
    money = ongoing.targets.get(unit="money")
    with translation.override("en"):
        assert money.progress_text() == "39.9 billion VND / 50 billion VND — 79.7%"


@pytest.mark.django_db
def test_a_target_beyond_its_value_fills_the_bar_and_says_so(client, past):
    page = soup(client.get(past.url))
    first = page.select_one(".campaign-target")
    assert first.select_one("progress")["value"] == "50000"  # capped at the target
    assert first.select_one(".target-progress-text").text.strip().endswith("— 104%")
    assert page.select_one(".campaign-status--ended") is not None


@pytest.mark.django_db
def test_manual_target_without_a_figure_says_none_is_reported(client, ongoing):
    target = ongoing.targets.get(unit="clan")
    Target.objects.filter(pk=target.pk).update(achieved_value=None)
    page = soup(client.get(ongoing.url))
    item = page.select(".campaign-target")[1]
    assert item.select_one("progress") is None
    assert "583" not in item.text


@pytest.mark.django_db
def test_live_target_shows_no_number_without_a_counting_function(client, ongoing, monkeypatch):
    """Without forms_app's counting function the page says so instead of a number."""
    from campaigns import live

    monkeypatch.setattr(live, "COUNTER_MODULE", "forms_app.no_such_module")
    assert live.recognised_counter() is None
    page = soup(client.get(ongoing.url))
    item = page.select(".campaign-target")[3]
    assert item.select_one("progress") is None
    assert "5.000" in item.text  # the target itself
    text = item.select_one(".target-progress-text").text
    assert "/" not in text and "%" not in text


@pytest.mark.django_db
def test_live_targets_use_the_counting_function_once(client, ongoing, monkeypatch):
    """The page asks forms_app once for all its live targets and shows what it answers."""
    from campaigns import live

    calls = []

    def counter(specs):
        calls.append(specs)
        return {key: 1250 for key in specs}

    def lookup(name=live.COUNTER_FUNCTION):
        return counter if name == live.COUNTER_FUNCTION else None

    monkeypatch.setattr(live, "recognised_counter", lookup)
    page = soup(client.get(ongoing.url))
    assert len(calls) == 1
    [spec] = calls[0].values()
    assert spec == {
        "title": "family",
        "year_from": 2026,
        "year_to": 2030,
        "province": None,
        "commune": None,
    }
    item = page.select(".campaign-target")[3]
    assert item.select_one(".target-progress-text").text.strip().startswith("1.250 / 5.000")


@pytest.mark.django_db
def test_target_validation(admin_client, ongoing):
    from django.core.exceptions import ValidationError

    manual = Target(campaign=ongoing, indicator="x", unit="person", target_value=10)
    manual.achieved_value = 5
    with pytest.raises(ValidationError) as error:
        manual.clean()
    assert "achieved_updated_on" in error.value.message_dict
    live_target = Target(
        campaign=ongoing, indicator="x", unit="person", target_value=10, source="live"
    )
    live_target.live_year_from, live_target.live_year_to = 2030, 2026
    with pytest.raises(ValidationError) as error:
        live_target.clean()
    assert {"live_title", "live_year_to"} <= set(error.value.message_dict)


@pytest.mark.django_db
def test_related_news_chosen_first_then_by_shared_tags(ongoing):
    index = NewsIndexPage.objects.get(locale__language_code="vi")
    chosen = ongoing.news_links.get().page
    related = ongoing.related_news()
    assert related[0].pk == chosen.pk
    tag_ids = set(ongoing.news_tags.values_list("pk", flat=True))
    for article in related[1:]:
        assert set(article.tags.values_list("pk", flat=True)) & tag_ids
    assert len(related) == 4
    assert len({a.pk for a in related}) == 4
    # A newer article with a shared tag comes right after the chosen one.
    fresh = NewsArticlePage(title="Bài mới về gia đình học tập", body=[])
    index.add_child(instance=fresh)
    fresh.tags.add("gia đình học tập")
    fresh.save_revision().publish()
    related = ongoing.related_news()
    assert [a.pk for a in related[:2]] == [chosen.pk, fresh.pk]
    # Unpublished chosen articles are skipped.
    chosen.unpublish()
    assert chosen.pk not in [a.pk for a in ongoing.related_news()]


@pytest.mark.django_db
def test_the_campaign_page_shows_new_related_news_at_once(client, ongoing):
    """The page keeps its related articles' ids until published content changes."""
    index = NewsIndexPage.objects.get(locale__language_code="vi")
    client.get(ongoing.url)
    fresh = NewsArticlePage(title="Thôn Đông nhận bằng Gia đình học tập", body=[])
    index.add_child(instance=fresh)
    fresh.tags.add("gia đình học tập")
    fresh.save_revision().publish()
    assert fresh.url in client.get(ongoing.url).content.decode()
    fresh.unpublish()
    assert fresh.url not in client.get(ongoing.url).content.decode()


@pytest.mark.django_db
def test_related_news_stay_in_the_campaigns_language(ongoing):
    """Tagged articles of another language never fill a campaign's places."""
    index = NewsIndexPage.objects.get(locale__language_code="vi")
    english = NewsArticlePage(title="Learning families, newest", body=[])
    index.add_child(instance=english)
    english.tags.add("gia đình học tập")
    english.save_revision().publish()
    # The newest tagged article, but in English (the demo has no English news section).
    Page.objects.filter(pk=english.pk).update(locale=Locale.objects.get(language_code="en"))
    related = ongoing.related_news()
    assert len(related) == 4
    assert english.pk not in [a.pk for a in related]
    assert {a.locale_id for a in related} == {ongoing.locale_id}


@pytest.mark.django_db
def test_links_to_application_forms(client, ongoing, demo):
    about = demo["about"]
    CampaignFormLink.objects.create(campaign=ongoing, page=about, label="Đăng ký danh hiệu")
    CampaignFormLink.objects.create(
        campaign=ongoing, page=demo["home"].get_children().get(slug="lien-he")
    )
    page = soup(client.get(ongoing.url))
    links = [(a.text, a["href"]) for a in page.select(".campaign-forms a")]
    assert links == [("Đăng ký danh hiệu", "/gioi-thieu/"), ("Liên hệ", "/lien-he/")]


@pytest.mark.django_db
def test_end_year_before_start_year_is_refused(ongoing):
    from django.core.exceptions import ValidationError

    ongoing.end_year = 2020
    with pytest.raises(ValidationError):
        ongoing.full_clean()


@pytest.mark.django_db
@freeze_time("2026-11-25 03:00:00")
def test_index_lists_ongoing_then_upcoming_then_past(client, campaign_index):
    add_campaign(campaign_index, "Phong trào sắp tới", 2028, 2032)
    add_campaign(campaign_index, "Phong trào sắp tới gần", 2027, 2029)
    add_campaign(campaign_index, "Phong trào vừa kết thúc", 2021, 2025)
    add_campaign(campaign_index, "Phong trào năm nay", 2026, 2026)
    response = client.get(campaign_index.url)
    assert response.status_code == 200
    page = soup(response)
    groups = [section.h2["id"] for section in page.select("section.campaign-group")]
    assert groups == ["campaigns-ongoing", "campaigns-upcoming", "campaigns-ended"]
    titles = [a.text for a in page.select(".campaign-card h3 a")]
    assert titles == [
        "Phong trào năm nay",
        "Phong trào thi đua xây dựng xã hội học tập tỉnh An Bình giai đoạn 2023–2030",
        "Phong trào sắp tới gần",
        "Phong trào sắp tới",
        "Phong trào vừa kết thúc",
        "Phong trào “Gia đình hiếu học, dòng họ khuyến học” giai đoạn 2016–2020",
    ]
    # Each card shows the campaign's main target.
    first_demo = page.select(".campaign-card")[1]
    assert "64.410 / 80.000" in first_demo.select_one(".target-progress-text").text


# The page by its remembered route (site, route, settings, menu and switcher cached), then
# the campaigns with their photos, and their targets; no rendition while the pictures' HTML
# is kept (see tests/news/test_speed.py).
INDEX_QUERIES = 3


@pytest.mark.django_db
def test_index_query_count_does_not_grow(client, campaign_index, django_assert_num_queries):
    photo = campaign_index.get_children().specific().first().hero_image
    client.get(campaign_index.url)
    with django_assert_num_queries(INDEX_QUERIES):
        client.get(campaign_index.url)
    for number in range(8):
        add_campaign(
            campaign_index,
            f"Phong trào thêm {number}",
            2020 + number,
            2026 + number,
            hero_image=photo,
            targets=[{"indicator": "Chỉ tiêu", "unit": "person", "target_value": 100}],
        )
    client.get(campaign_index.url)
    with django_assert_num_queries(INDEX_QUERIES):
        response = client.get(campaign_index.url)
    assert "Phong trào thêm 7" in response.content.decode()


CAMPAIGN_QUERIES = 8


@pytest.mark.django_db
def test_campaign_page_query_count_does_not_grow(client, ongoing, django_assert_num_queries):
    client.get(ongoing.url)
    with django_assert_num_queries(CAMPAIGN_QUERIES):
        client.get(ongoing.url)
    index = NewsIndexPage.objects.get(locale__language_code="vi")
    photo = NewsArticlePage.objects.exclude(hero_image=None).first().hero_image
    for number in range(10):
        article = NewsArticlePage(title=f"Tin phong trào {number}", body=[], hero_image=photo)
        index.add_child(instance=article)
        article.tags.add("gia đình học tập")
        article.save_revision().publish()
        if number < 2:
            CampaignNewsLink.objects.create(campaign=ongoing, page=article)
    ongoing.targets.create(
        indicator="Thêm",
        unit="person",
        target_value=10,
        achieved_value=1,
        achieved_updated_on=datetime.date(2026, 1, 1),
    )
    client.get(ongoing.url)
    with django_assert_num_queries(CAMPAIGN_QUERIES):
        response = client.get(ongoing.url)
    assert "Tin phong trào 9" in response.content.decode()


@pytest.mark.django_db
def test_campaign_page_is_never_cached(client, ongoing):
    response = client.get(ongoing.url)
    assert "no-cache" in response["Cache-Control"] and "private" in response["Cache-Control"]


@pytest.mark.django_db
def test_unknown_tag_ids_do_not_break_the_page(client, ongoing):
    NewsTag.objects.filter(name="xã hội học tập").delete()
    assert client.get(ongoing.url).status_code == 200
    assert Page.objects.filter(pk=ongoing.pk).exists()
