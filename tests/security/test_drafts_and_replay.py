"""Drafts cannot be flooded, and a form accepted once cannot be sent again as it was.

The application form's "Tiếp tục" (refresh) and "add a member" steps make a draft from the
first post of a new token; the number of new drafts per address and the size of what a draft
keeps are limited. A limit answers with the page and the entries kept, never a bare error, and
saving a draft already made is never refused for the draft limit. The signed start time of
every public form (application, pledge, comment, simple form) is single-use.
"""

import datetime

import pytest
from bs4 import BeautifulSoup
from django.utils import timezone
from freezegun import freeze_time
from wagtail.contrib.forms.models import FormSubmission

from campaigns.models import CampaignPage, Pledge
from forms_app.models import Application, ApplicationDraft, SimpleFormPage
from news.models import Comment, NewsArticlePage, NewsIndexPage
from tests.forms import form_values
from tests.forms_app import conftest as forms_app_fixtures
from tests.forms_app.conftest import TOKEN, form_data, started
from tests.forms_app.test_form_builder import contact_data

pages = forms_app_fixtures.pages
commune = forms_app_fixtures.commune

TOO_MANY = "Bạn đã gửi biểu mẫu này quá nhiều lần"
REPLAYED = "Biểu mẫu này đã được gửi rồi"


def soup(response):
    return BeautifulSoup(response.content, "html.parser")


def refresh(page, token, **entries):
    """The commune "Tiếp tục" step of a visitor without JavaScript."""
    return {
        "draft_token": token,
        "action": "refresh",
        "province": "01",
        "hamlet": "Thôn 1",
        "phone": "0912 345 678",
        **entries,
    }


@pytest.fixture
def family(pages):
    return pages["gia-dinh-hoc-tap"]


@pytest.fixture
def few_drafts(settings):
    settings.PUBLIC_FORM_RATES = {**settings.PUBLIC_FORM_RATES, "drafts": "3/h"}


def test_new_drafts_per_address_are_limited(client, family, few_drafts):
    for i in range(3):
        assert client.post(family.url, refresh(family, f"{i}" * 32)).status_code == 200
    for action in ("refresh", "add_member", "save", "submit"):
        response = client.post(family.url, refresh(family, "Z" * 32, action=action))
        assert response.status_code == 429
        html = soup(response)
        assert TOO_MANY in html.select_one("#form-notice").text
        # The page answers again with what was typed, for the visitor to send later.
        assert html.select_one("#id_hamlet")["value"] == "Thôn 1"
        assert html.select_one("#id_phone")["value"] == "0912 345 678"
        assert html.select_one("input[name=draft_token]")["value"] == "Z" * 32
    assert ApplicationDraft.objects.count() == 3
    assert not ApplicationDraft.objects.filter(token="Z" * 32).exists()


def test_an_existing_draft_is_saved_whatever_the_draft_limit(client, family, few_drafts):
    for i in range(3):
        client.post(family.url, refresh(family, f"{i}" * 32))
    assert client.post(family.url, refresh(family, "Z" * 32)).status_code == 429
    # The first draft goes on: its steps are saves, not new drafts.
    for step in range(5):
        data = refresh(family, "0" * 32, hamlet=f"Thôn {step}", action="add_member")
        response = client.post(family.url, data)
        assert response.status_code == 200
    draft = ApplicationDraft.objects.get(token="0" * 32)
    assert draft.data["hamlet"] == ["Thôn 4"]
    # Reopened by its link too.
    link = family.url + family.reverse_subpage("draft", args=["1" * 32])
    response = client.post(link, refresh(family, "1" * 32, hamlet="Tổ 9", action="save"))
    assert response.status_code == 200 and soup(response).select_one("#draft-saved")
    assert ApplicationDraft.objects.get(token="1" * 32).data["hamlet"] == ["Tổ 9"]
    assert ApplicationDraft.objects.count() == 3


def test_the_flood_of_the_issue_stores_nothing(client, family):
    """25 posts of 1 MB, each with a new token (what grew the database by 26 MB)."""
    for i in range(25):
        data = refresh(family, f"{i:02d}" * 16, hamlet="x" * (1024 * 1024))
        response = client.post(family.url, data)
        assert response.status_code == 413
        assert "quá dài" in soup(response).select_one("#form-notice").text
    assert not ApplicationDraft.objects.exists()


def test_flooding_with_small_drafts_stops_at_the_rate(client, family, settings):
    rate = settings.PUBLIC_FORM_RATES["drafts"]
    allowed = int(rate.split("/")[0])
    statuses = [
        client.post(family.url, refresh(family, f"{i:032d}")).status_code
        for i in range(allowed + 5)
    ]
    assert statuses == [200] * allowed + [429] * 5
    assert ApplicationDraft.objects.count() == allowed


def test_a_long_real_draft_is_kept(client, family):
    """Thirty members with long answers stay far below the size limit."""
    data = refresh(family, TOKEN, action="save", **{"members-TOTAL_FORMS": "30"})
    for i in range(30):
        data[f"members-{i}-name"] = "Nguyễn Thị Ánh Tuyết" * 5
        data[f"members-{i}-learning"] = "Học lớp trồng nấm rơm, nuôi ong lấy mật. " * 25
    response = client.post(family.url, data)
    assert response.status_code == 200 and soup(response).select_one("#draft-saved")
    draft = ApplicationDraft.objects.get(token=TOKEN)
    assert draft.data["members-29-learning"] == [data["members-29-learning"]]


def test_the_sending_limit_keeps_the_entries_too(client, family, commune, settings):
    """The applications' own limit (saving and sending) answers like the draft limit."""
    settings.PUBLIC_FORM_RATES = {**settings.PUBLIC_FORM_RATES, "applications": "1/h"}
    client.post(family.url, form_data(family, commune, action="save"))
    response = client.post(family.url, form_data(family, commune, hamlet="Tổ 12"))
    assert response.status_code == 429
    html = soup(response)
    assert TOO_MANY in html.select_one("#form-notice").text
    assert html.select_one("#id_hamlet")["value"] == "Tổ 12"
    assert html.select_one("#id_members-1-name")["value"] == "Lê Văn Cường"
    assert not Application.objects.exists()


# --- The signed start time is single-use --------------------------------------------------------


def test_an_accepted_application_cannot_be_replayed(client, pages, commune):
    page = pages["cong-dan-hoc-tap"]
    once = started()
    response = client.post(page.url, form_data(page, commune, form_started=once))
    assert response.status_code == 302
    # The same post under another draft token: a second application, unless refused.
    data = form_data(page, commune, token="B" * 32, form_started=once)
    response = client.post(page.url, data)
    assert response.status_code == 400
    html = soup(response)
    assert REPLAYED in html.select_one("#error-summary").text
    assert html.select_one("#id_hamlet")["value"] == "Tổ dân phố 3"
    fresh = html.select_one("input[name=form_started]")["value"]
    assert fresh and fresh != once
    assert Application.objects.count() == 1
    # Sending the page as it came back (a minute later) goes through.
    with freeze_time(timezone.now() + datetime.timedelta(minutes=1)):
        response = client.post(page.url, {**data, "form_started": fresh})
    assert response.status_code == 302
    assert Application.objects.count() == 2


def test_errors_and_draft_steps_do_not_use_the_start_time(client, pages, commune):
    page = pages["gia-dinh-hoc-tap"]
    once = started()
    for action in ("refresh", "add_member", "save"):
        response = client.post(page.url, form_data(page, commune, action=action, form_started=once))
        assert response.status_code == 200
    response = client.post(page.url, form_data(page, commune, phone="12", form_started=once))
    assert response.status_code == 400
    assert REPLAYED not in soup(response).select_one("#error-summary").text
    response = client.post(page.url, form_data(page, commune, form_started=once))
    assert response.status_code == 302


def test_an_error_found_after_the_check_gives_a_fresh_start_time(client, pages, commune):
    """The form is valid (so its start time is used) but the members are not: the page that
    comes back can be sent."""
    page = pages["gia-dinh-hoc-tap"]
    once = started()
    data = form_data(page, commune, form_started=once, **{"members-0-name": ""})
    response = client.post(page.url, data)
    assert response.status_code == 400
    fresh = soup(response).select_one("input[name=form_started]")["value"]
    assert fresh != once
    fixed = {**data, "members-0-name": "Trần Thị Bình"}
    with freeze_time(timezone.now() + datetime.timedelta(minutes=1)):
        assert client.post(page.url, {**fixed, "form_started": fresh}).status_code == 302
    assert Application.objects.count() == 1


@pytest.fixture
def ongoing(demo):
    return CampaignPage.objects.get(slug="xay-dung-xa-hoi-hoc-tap-2023-2030")


def test_an_accepted_pledge_cannot_be_replayed(client, ongoing):
    with freeze_time(timezone.now() - datetime.timedelta(minutes=1)):
        data = form_values(client.get(ongoing.url).content.decode(), "#pledge form")
    data.update({"name": "Phạm Thị Lan", "commune": "xã Vũ Thư", "contact": "0901 234 567"})
    assert client.post(ongoing.url, data).status_code == 302
    before = Pledge.objects.count()
    response = client.post(ongoing.url, {**data, "contact": "0901 765 432"})
    assert response.status_code == 400
    assert REPLAYED in response.content.decode()
    assert Pledge.objects.count() == before


def test_an_accepted_comment_cannot_be_replayed(client, demo):
    index = NewsIndexPage.objects.get(locale__language_code="vi")
    article = NewsArticlePage(title="Tuyên dương học sinh giỏi")
    index.add_child(instance=article)
    article.save_revision().publish()
    with freeze_time(timezone.now() - datetime.timedelta(minutes=1)):
        data = form_values(client.get(article.url).content.decode(), "form.comment-form")
    data.update({"name": "Bạn đọc", "text": "Chúc mừng các em!"})
    assert client.post(article.url, data).status_code == 302
    response = client.post(article.url, {**data, "text": "Chúc mừng các em lần nữa!"})
    assert response.status_code == 400
    assert REPLAYED in response.content.decode()
    assert Comment.objects.filter(article=article).count() == 1


def test_an_accepted_simple_form_cannot_be_replayed(client, demo):
    contact = SimpleFormPage.objects.get(slug="gui-loi-nhan", locale__language_code="vi")
    data = contact_data(contact)
    assert client.post(contact.url, data).status_code == 200
    assert FormSubmission.objects.filter(page=contact).count() == 1
    response = client.post(contact.url, data)
    assert response.status_code == 400
    assert REPLAYED in response.content.decode()
    assert FormSubmission.objects.filter(page=contact).count() == 1


def test_two_forms_shown_at_the_same_instant_get_their_own_start_time(client, ongoing):
    with freeze_time(timezone.now() - datetime.timedelta(minutes=1)):
        first, second = (
            form_values(client.get(ongoing.url).content.decode(), "#pledge form") for _ in range(2)
        )
    assert first["form_started"] != second["form_started"]
    for data, contact in ((first, "0901 234 567"), (second, "0901 765 432")):
        data.update({"name": "Phạm Thị Lan", "commune": "xã Vũ Thư", "contact": contact})
        assert client.post(ongoing.url, data).status_code == 302
