"""The public verification of a certificate's code (/xac-minh/, /en/verify/)."""

import datetime

import pytest
from bs4 import BeautifulSoup
from django.utils import timezone
from freezegun import freeze_time

from .test_certificates import CODE, RECOGNISED

VERIFY_URL = "/xac-minh/"
EN_VERIFY_URL = "/en/verify/"


def soup(response):
    return BeautifulSoup(response.content, "html.parser")


@pytest.fixture
def recognised(make_application):
    return make_application(
        applicant_name="Gia đình ông Nguyễn Văn Số",
        phone="0987654321",
        email="nguyenvanso@example.org",
        hamlet="Xóm Giếng Đình",
        **RECOGNISED,
    )


def details(response):
    """The values of the result's rows, in order."""
    rows = soup(response).select_one("#verify-details")
    return [dd.get_text(" ", strip=True) for dd in rows.select("dd")]


@pytest.mark.django_db
def test_genuine_and_valid(client, recognised):
    with freeze_time("2027-05-01 09:00:00+07:00"):
        response = client.get(f"{VERIFY_URL}{CODE}/")
    assert response.status_code == 200
    result = soup(response).select_one("#verify-result")
    assert result["data-valid"] == "true"
    assert "20/11/2029" in result.text
    name, title, place, decision, valid_until, code = details(response)
    assert (name, title, place) == (
        "Gia đình ông Nguyễn Văn Số",
        "Gia đình học tập",
        "Xã Đông Hưng, Tỉnh Hưng Yên",
    )
    assert "125/QĐ-HKH" in decision and "20/11/2026" in decision
    assert (valid_until, code) == ("20/11/2029", CODE)
    assert soup(response).select_one("meta[name=robots]")["content"] == "noindex, nofollow"
    # Kept by the reader's browser for a moment, never by a shared cache.
    assert response["Cache-Control"] == "private, max-age=300"


@pytest.mark.django_db
def test_no_personal_data_beyond_the_certificate(client, recognised):
    text = client.get(f"{VERIFY_URL}{CODE}/").content.decode()
    for secret in [
        "0987654321",
        "098 765 4321",
        "nguyenvanso@example.org",
        "Xóm Giếng Đình",
        recognised.code,
        recognised.secret,
        "Thông báo xử lý dữ liệu cá nhân",
        "minh-chung.pdf",
    ]:
        assert secret not in text, secret


@pytest.mark.django_db
def test_expired(client, recognised):
    with freeze_time("2029-11-21 09:00:00+07:00"):
        response = client.get(f"{EN_VERIFY_URL}{CODE}/")
    assert response.status_code == 200
    result = soup(response).select_one("#verify-result")
    assert result["data-valid"] == "false"
    validity = soup(response).select_one("#verify-validity").get_text(" ", strip=True)
    assert validity == "No longer valid · valid until 20/11/2029"
    # Still valid on its last day.
    with freeze_time("2029-11-20 23:00:00+07:00"):
        response = client.get(f"{VERIFY_URL}{CODE}/")
    assert soup(response).select_one("#verify-result")["data-valid"] == "true"


@pytest.mark.django_db
def test_expired_without_a_frozen_clock(client, make_application):
    make_application(
        **{
            **RECOGNISED,
            "decision_date": datetime.date(2020, 1, 2),
            "valid_until": timezone.localdate() - datetime.timedelta(days=1),
        }
    )
    response = client.get(f"{VERIFY_URL}{CODE}/")
    assert soup(response).select_one("#verify-result")["data-valid"] == "false"


@pytest.mark.django_db
@pytest.mark.parametrize(
    "fields",
    [
        None,  # no application has this code
        {"status": "proposed_approval"},
        {"status": "rejected"},
        {"anonymised_at": "now"},
    ],
)
def test_not_found_is_one_answer(client, make_application, fields):
    if fields is not None:
        if fields.get("anonymised_at") == "now":
            fields = {"anonymised_at": timezone.now()}
        make_application(**{**RECOGNISED, **fields})
    response = client.get(f"{VERIFY_URL}{CODE}/")
    assert response.status_code == 404
    page = soup(response)
    assert not page.select("#verify-result") and not page.select("#verify-details")
    assert page.select_one("#verify-not-found").text.strip()
    assert "Gia đình ông" not in response.content.decode()
    # The form is there to try again, with the code kept.
    assert page.select_one("form.verify-form input[name=code]")["value"] == CODE


@pytest.mark.django_db
def test_unknown_code_message_in_english(client):
    response = client.get(f"{EN_VERIFY_URL}ZZZZ-ZZZZ-ZZZZ/")
    assert response.status_code == 404
    assert "No certificate has this code" in soup(response).select_one("#verify-not-found").text


@pytest.mark.django_db
@pytest.mark.parametrize(
    "typed",
    ["abcd efgh jklm", "ABCDEFGHJKLM", " abcd-efgh-jklm ", "Abcd – Efgh – Jklm", "abcd.efgh.jklm"],
)
def test_typed_codes_are_normalised(client, recognised, typed):
    response = client.get(VERIFY_URL, {"code": typed})
    assert response.status_code == 302
    assert response["Location"] == f"{VERIFY_URL}{CODE}/"
    assert client.get(response["Location"]).status_code == 200


@pytest.mark.django_db
def test_code_in_the_address_is_normalised(client, recognised):
    response = client.get(f"{VERIFY_URL}abcdefghjklm/")
    assert response.status_code == 302 and response["Location"] == f"{VERIFY_URL}{CODE}/"
    response = client.get(f"{EN_VERIFY_URL}abcd-efgh-jklm/")
    assert response["Location"] == f"{EN_VERIFY_URL}{CODE}/"


@pytest.mark.django_db
@pytest.mark.parametrize("typed", ["xyz", "ABCD-EFGH-JKL", "ABCD-EFGH-JKLM-N", "ABCD-EFGH-JKL0"])
def test_malformed_codes_are_refused_and_kept(client, typed):
    response = client.get(VERIFY_URL, {"code": typed})
    assert response.status_code == 400
    field = soup(response).select_one("form.verify-form input[name=code]")
    assert field["value"] == typed
    assert soup(response).select(".invalid-feedback, .errorlist, [id^=error_]")


@pytest.mark.django_db
def test_lookups_are_rate_limited(client, recognised, settings):
    settings.PUBLIC_FORM_RATES = {**settings.PUBLIC_FORM_RATES, "verify": "3/h"}
    assert client.get(f"{VERIFY_URL}{CODE}/").status_code == 200
    assert client.get(f"{VERIFY_URL}ZZZZ-ZZZZ-ZZZZ/").status_code == 404
    assert client.get(f"{VERIFY_URL}not-a-code/").status_code == 404
    response = client.get(f"{VERIFY_URL}{CODE}/")
    assert response.status_code == 429
    assert "Gia đình ông" not in response.content.decode()
    assert "no-store" in response["Cache-Control"]
    # The form itself looks nothing up and stays open.
    assert client.get(VERIFY_URL).status_code == 200
    # Another address is counted on its own.
    assert client.get(f"{VERIFY_URL}{CODE}/", REMOTE_ADDR="10.0.0.9").status_code == 200


@pytest.mark.django_db
def test_form_page_in_each_language(client):
    response = client.get(VERIFY_URL)
    assert response.status_code == 200
    page = soup(response)
    assert page.html["lang"] == "vi"
    assert page.select_one("form.verify-form")["action"] == VERIFY_URL
    assert page.select_one("form.verify-form")["method"] == "get"
    assert not page.select("meta[name=robots]")

    response = client.get(EN_VERIFY_URL)
    page = soup(response)
    assert page.html["lang"] == "en"
    assert page.h1.text == "Verify a certificate"
    assert page.select_one("form.verify-form")["action"] == EN_VERIFY_URL


@pytest.mark.django_db
def test_genuine_in_english(client, recognised):
    with freeze_time("2027-05-01 09:00:00+07:00"):
        response = client.get(f"{EN_VERIFY_URL}{CODE}/")
    page = soup(response)
    assert page.html["lang"] == "en"
    assert page.select_one("#verify-result h2").text == "This certificate is genuine"
    assert page.select_one("#verify-validity").get_text(" ", strip=True) == (
        "Valid · until 20/11/2029"
    )
    assert "Learning family" in page.select_one("#verify-details").text


@pytest.mark.django_db
def test_verification_page_query_count(client, recognised, django_assert_num_queries):
    client.get(f"{VERIFY_URL}{CODE}/")  # warm the cached menu and language links
    # The certificate with its commune and province (the site and its settings are cached).
    with django_assert_num_queries(1):
        assert client.get(f"{VERIFY_URL}{CODE}/").status_code == 200
