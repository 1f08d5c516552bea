"""The tracking page in English (/en/application/track/), next to the Vietnamese one.

The Vietnamese addresses were e-mailed to applicants, so they must keep working unchanged;
the English ones render the same page with English text, and the language switcher links
each to the other.
"""

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse
from django.utils import translation

from forms_app.models import Application

from .conftest import form_data, png
from .test_tracking import application, ask_for_information  # noqa: F401  (fixture)

EN_TRACK_URL = "/en/application/track/"
VI_TRACK_URL = "/ho-so/tra-cuu/"


def soup(response):
    return BeautifulSoup(response.content, "html.parser")


def english(path):
    return path.replace(VI_TRACK_URL, EN_TRACK_URL, 1)


def switcher(response):
    """The language switcher's links: {language: href}, the current language without one."""
    nav = soup(response).select_one("nav.language-switcher")
    return {a["hreflang"]: a["href"] for a in nav.select("a[hreflang]")}


def test_addresses_in_each_language(application):  # noqa: F811
    vi_link = application.tracking_path()
    assert vi_link == f"{VI_TRACK_URL}{application.code}/{application.secret}/"
    with translation.override("en"):
        assert reverse("forms_app:track") == EN_TRACK_URL
        assert application.tracking_path() == english(vi_link)


def test_lookup_page_in_english_and_back(client, db):
    response = client.get(EN_TRACK_URL)
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    page = soup(response)
    assert page.html["lang"] == "en"
    assert page.h1.text == "Track an application"
    form = page.select_one("form.tracking-form")
    assert form["action"] == EN_TRACK_URL
    assert page.select_one("label[for=id_phone]").text.strip().startswith("Phone number")
    assert switcher(response) == {"vi": VI_TRACK_URL}

    # The Vietnamese page is as before, and links to the English one.
    response = client.get(VI_TRACK_URL)
    assert soup(response).html["lang"] == "vi"
    assert soup(response).select_one("form.tracking-form")["action"] == VI_TRACK_URL
    assert switcher(response) == {"en": EN_TRACK_URL}


def test_vietnamese_links_stay_vietnamese_for_english_readers(client, application):  # noqa: F811
    """A link from the e-mail opens in Vietnamese whatever the browser prefers."""
    client.cookies["django_language"] = "en"
    response = client.get(application.tracking_path(), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert soup(response).select_one("#tracking-status").text == "Đã nộp"


@pytest.mark.parametrize("phone", ["0912 345 678", "+84 912 345 678"])
def test_lookup_in_english_leads_to_the_english_link(client, application, phone):  # noqa: F811
    en_link = english(application.tracking_path())
    response = client.post(EN_TRACK_URL, {"code": application.code.lower(), "phone": phone})
    assert response.status_code == 302
    assert response["Location"] == en_link


def test_private_link_in_english(client, application):  # noqa: F811
    vi_link = application.tracking_path()
    url = english(vi_link)
    response = client.get(url)
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    page = soup(response)
    assert page.html["lang"] == "en"
    summary = page.select_one("#tracking-summary").text
    assert application.code in summary and "Learning citizen" in summary
    assert page.select_one("#tracking-status").text == "Submitted"
    assert page.select_one("#timeline-heading").text == "Timeline"
    assert page.select_one(f"a[href='{EN_TRACK_URL}']").text == "Look up another application"
    # The switcher opens the same application in Vietnamese.
    assert switcher(response) == {"vi": vi_link}
    file_link = page.select_one("a[href*='/ho-so/tep/']")["href"]
    assert client.get(file_link).status_code == 200


def test_wrong_code_gets_one_answer_in_english(client, application, pages, commune):  # noqa: F811
    page = pages["cong-dan-hoc-tap"]
    client.post(page.url, form_data(page, commune, token="B" * 32, phone="0987 654 321"))
    other = Application.objects.get(submission_token="B" * 32)
    answers = set()
    for data in [
        {"code": application.code, "phone": "0987 654 321"},
        {"code": "CDHT-2026-999999", "phone": "0912 345 678"},
        {"code": "not-a-code", "phone": "0912 345 678"},
    ]:
        response = client.post(EN_TRACK_URL, data)
        assert response.status_code == 404
        text = response.content.decode()
        for secret_data in (application.secret, other.secret, other.code, "Nguyễn Văn An"):
            assert secret_data not in text
        answers.add(soup(response).select_one("#tracking-not-found").text.strip())
    # A wrong private link gets the same answer too.
    wrong_link = f"{EN_TRACK_URL}{application.code}/{'x' * 32}/"
    response = client.get(wrong_link)
    assert response.status_code == 404
    answers.add(soup(response).select_one("#tracking-not-found").text.strip())
    assert answers == {
        "No application matches this code and phone number. Check both and try again, "
        "or open the link we gave you after sending."
    }


def test_reply_in_english(client, application):  # noqa: F811
    ask_for_information(application)
    url = english(application.tracking_path())
    page = soup(client.get(url))
    assert page.select_one("#tracking-status").text == "More information requested"
    assert page.select_one("#reply-heading").text == "Answer the request"
    assert "Vui lòng gửi thêm ảnh góc học tập." in page.select_one("#info-request").text

    response = client.post(url, {"message": "", "hamlet": "Tổ 4"})
    assert response.status_code == 400
    assert soup(response).select_one("#reply-errors a[href='#id_message']")

    data = {
        "message": "Here is the photo of the study corner.",
        "email": "an@example.org",
        "hamlet": "Tổ dân phố 4",
        "evidence": [png("study-corner.png")],
    }
    response = client.post(url, data)
    assert response.status_code == 302 and response["Location"] == url + "#timeline"
    application.refresh_from_db()
    assert application.status == "in_review" and application.hamlet == "Tổ dân phố 4"
    assert application.files.filter(original_name="study-corner.png").exists()
    page = soup(client.get(url))
    assert page.select_one("#tracking-status").text == "In review"
    assert page.select_one("#reply") is None
    assert "Here is the photo of the study corner." in page.select_one("#timeline").text
