"""Pledging to take part ("Đăng ký hưởng ứng") through the form on a campaign page."""

import datetime

import pytest
from bs4 import BeautifulSoup
from django.utils import timezone
from freezegun import freeze_time

from campaigns.models import Pledge, normalise_contact
from tests.forms import form_values


def pledge_data(client, campaign, **entries):
    """The form as the page renders it, filled in, sent a minute after it was shown."""
    with freeze_time(timezone.now() - datetime.timedelta(minutes=1)):
        html = client.get(campaign.url).content.decode()
    data = form_values(html, "#pledge form")
    data.update(
        {
            "name": "Phạm Thị Lan",
            "organisation": "Gia đình bà Phạm Thị Lan",
            "commune": "xã Vũ Thư",
            "contact": "0901 234 567",
            **entries,
        }
    )
    return data


def english_translation(campaign):
    """The campaign translated into English and published, with its index."""
    from wagtail.models import Locale

    en = Locale.objects.get(language_code="en")
    index_en = campaign.get_parent().specific.copy_for_translation(en, copy_parents=True)
    index_en.save_revision().publish()
    english = campaign.copy_for_translation(en)
    english.save_revision().publish()
    english.refresh_from_db()
    return english


@pytest.mark.django_db
def test_valid_pledge_is_stored_and_counted(client, ongoing):
    before = Pledge.objects.filter(campaign=ongoing).count()
    response = client.post(ongoing.url, pledge_data(client, ongoing))
    assert response.status_code == 302
    assert response["Location"] == ongoing.url + "#pledge"
    pledge = Pledge.objects.get(campaign=ongoing, contact_normalised="0901234567")
    assert (pledge.name, pledge.commune) == ("Phạm Thị Lan", "xã Vũ Thư")
    page = BeautifulSoup(client.get(ongoing.url).content.decode(), "html.parser")
    assert str(before + 1) in page.select_one(".pledge-count").text
    assert page.select_one("#pledge .alert-success") is not None


@pytest.mark.django_db
def test_invalid_pledge_keeps_the_entries(client, ongoing):
    data = pledge_data(client, ongoing, name="", contact="12ab")
    response = client.post(ongoing.url, data)
    assert response.status_code == 400
    page = BeautifulSoup(response.content.decode(), "html.parser")
    assert page.select_one("#id_commune")["value"] == "xã Vũ Thư"
    assert page.select_one("#id_organisation")["value"] == "Gia đình bà Phạm Thị Lan"
    assert page.select(".invalid-feedback")
    assert not Pledge.objects.filter(commune="xã Vũ Thư").exists()


@pytest.mark.django_db
def test_a_duplicate_pledge_is_answered_like_any_other_and_not_stored(client, ongoing):
    """The answer must not tell whether a phone number or e-mail address has pledged."""
    # The demo already has "0912 345 678" and "hoa.tran@example.org"; the same contact written
    # another way is thanked exactly as a new one is, and not stored a second time.
    new = client.post(ongoing.url, pledge_data(client, ongoing, contact="0901 234 567"))
    for contact in ("+84 912.345.678", "Hoa.Tran@Example.org"):
        response = client.post(ongoing.url, pledge_data(client, ongoing, contact=contact))
        assert (response.status_code, response["Location"]) == (
            new.status_code,
            new["Location"],
        )
        page = client.get(response["Location"]).content.decode()
        assert "Cảm ơn" in BeautifulSoup(page, "html.parser").select_one("#pledge .alert").text
    assert Pledge.objects.filter(campaign=ongoing, contact_normalised="0912345678").count() == 1
    normalised = "hoa.tran@example.org"
    assert Pledge.objects.filter(campaign=ongoing, contact_normalised=normalised).count() == 1


@pytest.mark.django_db
def test_the_same_contact_may_pledge_to_another_campaign(client, past):
    response = client.post(past.url, pledge_data(client, past, contact="0912 345 678"))
    assert response.status_code == 302
    assert Pledge.objects.filter(campaign=past).count() == 1


@pytest.mark.django_db
def test_too_fast_and_honeypot_are_refused(client, ongoing):
    with freeze_time(timezone.now()):  # sent the instant it was shown
        html = client.get(ongoing.url).content.decode()
        data = form_values(html, "#pledge form")
        data.update(name="Bot", commune="x", contact="0901234567")
        assert client.post(ongoing.url, data).status_code == 400
    data = pledge_data(client, ongoing, website="http://spam.example")
    assert client.post(ongoing.url, data).status_code == 400
    assert not Pledge.objects.filter(contact_normalised="0901234567").exists()


@pytest.mark.django_db
def test_rate_limit(client, ongoing, settings):
    settings.PUBLIC_FORM_RATES = {**settings.PUBLIC_FORM_RATES, "pledges": "2/h"}
    for number in range(2):
        data = pledge_data(client, ongoing, contact=f"090100000{number}")
        assert client.post(ongoing.url, data).status_code == 302
    data = pledge_data(client, ongoing, contact="0901000009")
    response = client.post(ongoing.url, data)
    assert response.status_code == 429
    assert not Pledge.objects.filter(contact_normalised="0901000009").exists()


@pytest.mark.django_db
def test_pledges_on_the_english_page_belong_to_the_campaign(client, ongoing, admin_user):
    """A translation shares the original's pledges: one count, one duplicate check."""
    english = english_translation(ongoing)
    response = client.post(english.url, pledge_data(client, english, contact="0909090909"))
    assert response.status_code == 302
    assert Pledge.objects.get(contact_normalised="0909090909").campaign_id == ongoing.pk
    response = client.post(english.url, pledge_data(client, english, contact="0912345678"))
    assert response.status_code == 302
    assert Pledge.objects.filter(contact_normalised="0912345678").count() == 1


def test_contacts_are_normalised():
    assert normalise_contact("+84 912.345.678") == "0912345678"
    assert normalise_contact("84912345678") == "0912345678"
    assert normalise_contact(" 0912-345-678 ") == "0912345678"
    assert normalise_contact("Hoa.Tran@Example.org") == "hoa.tran@example.org"


@pytest.mark.django_db
def test_pledges_in_the_admin(admin_client, ongoing):
    response = admin_client.get("/admin/snippets/campaigns/pledge/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Nguyễn Văn Bình" in html and "xã Tiền Hải" in html
    export = admin_client.get("/admin/snippets/campaigns/pledge/?export=csv")
    assert export.status_code == 200
    assert "Trần Thị Hoa" in b"".join(export.streaming_content).decode()
    response = admin_client.get("/admin/snippets/campaigns/pledge/", {"q": "Lê Minh"})
    assert "Lê Minh Đức" in response.content.decode()
    assert "Nguyễn Văn Bình" not in response.content.decode()


@pytest.mark.django_db
def test_the_empty_form_is_rendered_once_per_language_and_a_sent_one_every_time(client, ongoing):
    """The empty form's fields are kept per language (campaign_forms.pledge_fields); a form
    sent back with errors still shows the reader's entries and errors, and the next reader
    gets an empty form again, in their own language."""
    from crispy_forms.utils import render_crispy_form
    from django.utils import translation

    from campaigns.forms import PledgeForm
    from campaigns.templatetags import campaign_forms

    campaign_forms._EMPTY_FORMS.clear()
    english = english_translation(ongoing)

    def fields(html):
        form = BeautifulSoup(html, "html.parser").select_one("#pledge form")
        return [str(field) for field in form.select(".mb-3")]

    def crispy(language, campaign):
        with translation.override(language):
            markup = render_crispy_form(PledgeForm(campaign=campaign))
        return fields(f'<div id="pledge"><form>{markup}</form></div>')

    for _ in range(2):  # rendered, then kept
        assert fields(client.get(ongoing.url).content.decode()) == crispy("vi", ongoing)
        assert fields(client.get(english.url).content.decode()) == crispy("en", english)
    assert crispy("vi", ongoing) != crispy("en", english)
    assert len(campaign_forms._EMPTY_FORMS) == 2

    response = client.post(ongoing.url, pledge_data(client, ongoing, name="", contact="12ab"))
    assert response.status_code == 400
    sent = BeautifulSoup(response.content.decode(), "html.parser")
    assert sent.select_one("#id_commune")["value"] == "xã Vũ Thư"
    assert sent.select(".invalid-feedback")
    again = BeautifulSoup(client.get(ongoing.url).content.decode(), "html.parser")
    assert not again.select_one("#id_commune").get("value")
    assert not again.select(".invalid-feedback")
