"""Live targets: recognised applications counted by title, years and area; the results by
commune; the home page's live figures; the cache and its invalidation; query counts."""

import datetime
import itertools

import pytest
from bs4 import BeautifulSoup
from django.core.exceptions import ValidationError
from django.utils import timezone

from campaigns.models import CampaignPage, Target
from forms_app import stats
from forms_app.models import (
    Application,
    ApplicationFormPage,
    ApplicationStatus,
    Commune,
    Province,
)
from tests.campaigns.conftest import add_campaign
from tests.campaigns.test_pages import CAMPAIGN_QUERIES
from tests.home.test_blocks import HOME_QUERIES

_tokens = itertools.count()
APPROVED = ApplicationStatus.APPROVED


def soup(response):
    return BeautifulSoup(response.content.decode(), "html.parser")


@pytest.fixture
def units(db):
    """Two communes of one province and one of another."""
    hung_yen = Province.objects.get(code="33")
    return {
        "province": hung_yen,
        "dong_hung": Commune.objects.get(code="12688"),
        "tien_hai": Commune.objects.get(code="12970"),
        "other": Commune.objects.exclude(province=hung_yen).order_by("code").first(),
    }


def application(commune, title="family", status=APPROVED, recognised_on=None):
    """An application as the review workflow leaves it (status and decision date)."""
    page = ApplicationFormPage.objects.filter(learning_title=title, kind="recognition").first()
    return Application.objects.create(
        submission_token=f"live-{next(_tokens)}",
        page=page,
        learning_title=title,
        kind="recognition",
        status=status,
        applicant_name="Gia đình thử nghiệm",
        phone="0912000000",
        province_id=commune.province_id,
        commune=commune,
        hamlet="Thôn Đông",
        consent_at=timezone.now(),
        privacy_notice_text="Thông báo.",
        recognised_on=recognised_on,
    )


def day(text):
    return datetime.date.fromisoformat(text)


@pytest.fixture
def campaign(campaign_index, units):
    """Three live targets for learning families in 2026–2027: one commune, its province,
    and everywhere (every year)."""
    live = {"unit": "household", "target_value": 100, "source": "live", "live_title": "family"}
    years = {"live_year_from": 2026, "live_year_to": 2027}
    return add_campaign(
        campaign_index,
        "Phong trào gia đình học tập Đông Hưng",
        2026,
        2027,
        targets=[
            {**live, **years, "indicator": "Ở xã Đông Hưng", "live_commune": units["dong_hung"]},
            {**live, **years, "indicator": "Trong tỉnh", "live_province": units["province"]},
            {**live, "indicator": "Mọi nơi, mọi năm"},
        ],
    )


@pytest.fixture
def applications(units):
    dong_hung, tien_hai, other = units["dong_hung"], units["tien_hai"], units["other"]
    # Counted by the commune's target: recognised families of Đông Hưng in 2026–2027.
    application(dong_hung, recognised_on=day("2026-01-01"))
    application(dong_hung, recognised_on=day("2026-06-15"))
    application(dong_hung, recognised_on=day("2027-12-31"))
    # Not counted there: other years, titles, statuses, communes.
    application(dong_hung, recognised_on=day("2025-12-31"))
    application(dong_hung, recognised_on=day("2028-01-01"))
    application(dong_hung, title="clan", recognised_on=day("2026-05-01"))
    application(dong_hung, status=ApplicationStatus.IN_REVIEW)
    application(dong_hung, status=ApplicationStatus.REJECTED)
    application(dong_hung, status=ApplicationStatus.PROPOSED_APPROVAL)
    application(tien_hai, recognised_on=day("2026-03-01"))
    application(other, recognised_on=day("2026-03-01"))


def progress_texts(page):
    return [p.text.strip() for p in page.select(".campaign-target .target-progress-text")]


@pytest.mark.django_db
def test_live_target_counts_only_recognised_applications_of_its_title_years_and_area(
    client, campaign, applications
):
    page = soup(client.get(campaign.url))
    assert progress_texts(page) == [
        "3 / 100 hộ — 3%",  # Đông Hưng, 2026–2027
        "4 / 100 hộ — 4%",  # the province: Tiền Hải as well
        "7 / 100 hộ — 7%",  # every family recognised, any year, anywhere
    ]
    assert [bar["value"] for bar in page.select(".campaign-target progress")] == ["3", "4", "7"]


@pytest.mark.django_db
def test_recognition_without_a_date_takes_the_day_it_is_saved(units):
    with_date = application(units["tien_hai"], status=ApplicationStatus.IN_REVIEW)
    assert with_date.recognised_on is None
    with_date.status = APPROVED
    with_date.save(update_fields=["status"])
    with_date.refresh_from_db()
    assert with_date.recognised_on == timezone.localdate()


@pytest.mark.django_db
def test_results_by_commune_table(client, campaign, applications, units):
    page = soup(client.get(campaign.url))
    table = page.select_one(".campaign-communes table")
    headings = [th.text for th in table.select("thead th")]
    assert headings[1:] == ["Ở xã Đông Hưng", "Trong tỉnh", "Mọi nơi, mọi năm"]
    rows = [
        [cell.text.strip() for cell in row.select("th, td")] for row in table.select("tbody tr")
    ]
    other = units["other"]
    # Most applications counted first; Đông Hưng has 5 (three years' worth and two others).
    assert rows == [
        ["Xã Đông Hưng Tỉnh Hưng Yên", "3", "3", "5"],
        *sorted(
            [
                ["Xã Tiền Hải Tỉnh Hưng Yên", "0", "1", "1"],
                [f"{other.name} {other.province.name}", "0", "0", "1"],
            ]
        ),
    ]
    totals = [cell.text.strip() for cell in table.select("tfoot td")]
    assert totals == ["3", "4", "7"]


@pytest.mark.django_db
def test_results_table_shows_the_top_communes_and_the_total(client, campaign, units, monkeypatch):
    monkeypatch.setattr(stats, "COMMUNE_ROWS", 2)
    communes = list(Commune.objects.filter(province=units["province"]).order_by("code")[:4])
    for number, commune in enumerate(communes):
        for _ in range(number + 1):
            application(commune, recognised_on=day("2026-04-01"))
    table = soup(client.get(campaign.url)).select_one(".campaign-communes table")
    names = [row.th.text for row in table.select("tbody tr")]
    assert len(names) == 2
    assert names[0].startswith(communes[3].name) and names[1].startswith(communes[2].name)
    # The last column counts everywhere: 1 + 2 + 3 + 4 recognised families.
    assert [td.text for td in table.select("tfoot td")][-1] == "10"


@pytest.mark.django_db
def test_a_target_area_is_a_commune_of_its_province(campaign, units):
    with pytest.raises(ValidationError) as error:
        Target(
            campaign=campaign,
            indicator="x",
            unit="household",
            target_value=1,
            source="live",
            live_title="family",
            live_province=units["province"],
            live_commune=units["other"],
        ).clean()
    assert "live_commune" in error.value.message_dict
    # A commune alone brings its province.
    target = Target(
        campaign=campaign,
        indicator="x",
        unit="household",
        target_value=1,
        source="live",
        live_title="family",
        live_commune=units["other"],
    )
    target.clean()
    assert target.live_province_id == units["other"].province_id


@pytest.mark.django_db
def test_no_table_without_live_targets(client, ongoing, past, units):
    application(units["dong_hung"], recognised_on=day("2026-04-01"))
    assert soup(client.get(past.url)).select_one(".campaign-communes") is None
    # The demo's running campaign counts families everywhere from 2026.
    page = soup(client.get(ongoing.url))
    assert page.select_one(".campaign-communes tbody th").text.startswith("Xã Đông Hưng")
    assert progress_texts(page)[3].startswith("1 / 5.000")


@pytest.mark.django_db
def test_home_page_shows_live_counts_by_title_and_the_editors_figures(client, demo, units):
    for _ in range(2):
        application(units["dong_hung"], recognised_on=day("2026-04-01"))
    application(units["tien_hai"], title="clan", recognised_on=day("2026-04-01"))
    application(units["tien_hai"], status=ApplicationStatus.IN_REVIEW)
    page = soup(client.get("/"))
    live = {
        item["data-title"]: item.dd.text.strip()
        for item in page.select(".home-figures .key-figure--live")
    }
    assert live == {"family": "2", "clan": "1"}
    figures = [dd.text.strip() for dd in page.select(".home-figures dd")]
    assert figures[2:] == ["186.420", "30,5%", "38,6 tỉ đồng"] + figures[5:]
    # In English too, with English separators.
    english = soup(client.get(demo["home_en"].url))
    assert [i["data-title"] for i in english.select(".home-figures .key-figure--live")] == [
        "family",
        "clan",
    ]


@pytest.mark.django_db
def test_no_live_figures_before_anything_is_recognised(client, demo):
    page = soup(client.get("/"))
    assert page.select(".home-figures .key-figure--live") == []
    assert page.select_one(".home-figures dd").text.strip() == "186.420"


@pytest.mark.django_db
def test_counts_are_cached_until_a_recognised_application_changes(
    client, campaign, applications, units, django_assert_num_queries
):
    assert progress_texts(soup(client.get(campaign.url)))[0].startswith("3 /")
    assert client.get("/")["X-Home-Cache"] == "miss"
    assert client.get("/")["X-Home-Cache"] == "hit"
    # New applications are sent all day: they change no figure and keep the caches.
    fresh = application(units["dong_hung"], status=ApplicationStatus.SUBMITTED)
    assert client.get("/")["X-Home-Cache"] == "hit"
    assert progress_texts(soup(client.get(campaign.url)))[0].startswith("3 /")
    # Recognising it drops the counts and the cached home page.
    fresh.status = APPROVED
    fresh.save()
    assert progress_texts(soup(client.get(campaign.url)))[0].startswith("4 /")
    assert client.get("/")["X-Home-Cache"] == "miss"
    # So does withdrawing a recognition, or moving one to another commune.
    recognised = Application.objects.filter(
        commune=units["dong_hung"], recognised_on=day("2026-06-15")
    ).get()
    recognised.status = ApplicationStatus.REJECTED
    recognised.save()
    assert progress_texts(soup(client.get(campaign.url)))[0].startswith("3 /")
    fresh = Application.objects.get(pk=fresh.pk)
    fresh.commune = units["tien_hai"]
    fresh.save()
    assert progress_texts(soup(client.get(campaign.url)))[:2] == [
        "2 / 100 hộ — 2%",
        "4 / 100 hộ — 4%",
    ]
    fresh.delete()
    assert progress_texts(soup(client.get(campaign.url)))[1].startswith("3 /")


@pytest.mark.django_db
def test_invalidation_is_repeated_at_commit(units, django_capture_on_commit_callbacks):
    before = stats.version()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        application(units["dong_hung"], recognised_on=day("2026-04-01"))
    assert len(callbacks) == 2  # the counts' version and the cached home pages' version
    assert stats.version() == before + 2


def add_many_applications(units, count):
    communes = list(Commune.objects.filter(province=units["province"]).order_by("code")[:30])
    statuses = [APPROVED, APPROVED, ApplicationStatus.IN_REVIEW, ApplicationStatus.REJECTED]
    titles = ["family", "family", "clan", "citizen", "unit"]
    for number in range(count):
        application(
            communes[number % len(communes)],
            title=titles[number % len(titles)],
            status=statuses[number % len(statuses)],
            recognised_on=day(f"202{6 + number % 3}-03-01"),
        )


@pytest.mark.django_db
def test_query_counts_of_a_campaign_page_with_live_targets(
    client, ongoing, units, django_assert_num_queries
):
    """The live counts and the table by commune are one query each, whatever the number of
    applications, and none while cached."""
    for size in (3, 120):
        add_many_applications(units, size)
        client.get(ongoing.url)
        with django_assert_num_queries(CAMPAIGN_QUERIES):
            client.get(ongoing.url)
        stats.invalidate()
        with django_assert_num_queries(CAMPAIGN_QUERIES + 2):
            response = client.get(ongoing.url)
        assert soup(response).select(".campaign-communes tbody tr")


@pytest.mark.django_db
def test_query_counts_of_the_home_page_with_live_figures(
    client, demo, units, django_assert_num_queries
):
    """The campaigns' live targets and the figures by title are one query each."""
    for size in (3, 120):
        add_many_applications(units, size)
        client.get("/")
        stats.invalidate()
        with django_assert_num_queries(HOME_QUERIES + 2):
            response = client.get("/")
        assert soup(response).select(".key-figure--live")


@pytest.mark.django_db
def test_demo_recognised_applications(client, ongoing):
    from forms_app import demo

    class Command:
        reports = []

        def report(self, message):
            self.reports.append(message)

    demo.load_recognised_applications(Command())
    recognised = Application.objects.filter(status=APPROVED)
    assert recognised.filter(learning_title="family").count() == 6
    page = soup(client.get(ongoing.url))
    assert progress_texts(page)[3] == "6 / 5.000 hộ — 0,1%"
    # Running it again changes nothing.
    demo.load_recognised_applications(Command())
    assert Application.objects.count() == len(demo.RECOGNISED)


@pytest.mark.django_db
def test_campaign_found_by_its_name_without_diacritics(client, ongoing):
    response = client.get("/tim-kiem/", {"q": "phong trao thi dua xay dung xa hoi hoc tap"})
    assert response.status_code == 200
    links = [a["href"] for a in soup(response).select("a")]
    assert ongoing.url in links
    # The type filter keeps campaigns only; the past one speaks of "hiếu học".
    only_campaigns = soup(
        client.get("/tim-kiem/", {"q": "gia dinh hieu hoc", "loai": "phong-trao"})
    )
    results = only_campaigns.select(".search-result")
    past = CampaignPage.objects.get(slug="gia-dinh-hieu-hoc-dong-ho-khuyen-hoc-2016-2020")
    assert past.url in [result.a["href"] for result in results]
    assert {result.select_one(".search-result-type").text for result in results} == {
        str(CampaignPage.search_type_label)
    }


@pytest.mark.django_db
def test_editors_choose_a_target_commune_by_searching(admin_client, ongoing):
    from django.urls import reverse

    edit = admin_client.get(reverse("wagtailadmin_pages:edit", args=[ongoing.pk]))
    assert edit.status_code == 200
    html = edit.content.decode()
    assert reverse("commune_chooser:choose") in html
    # No drop-down of every commune in each target's form.
    assert html.count("Xã Đông Hưng") == 0
    results = admin_client.get(
        reverse("commune_chooser:choose_results"), {"q": "dong hung", "province": "33"}
    )
    assert results.status_code == 200
    names = [a.text.strip() for a in soup(results).select("td a")]
    # Typed without diacritics, only in the chosen province (the other Xã Đông Hưng is not).
    assert sorted(names) == sorted(["Xã Bắc Đông Hưng", "Xã Đông Hưng", "Xã Nam Đông Hưng"])
    chosen = admin_client.get(reverse("commune_chooser:chosen", args=["12688"]))
    assert chosen.status_code == 200 and "12688" in chosen.content.decode()
