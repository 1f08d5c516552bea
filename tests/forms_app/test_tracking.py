"""The tracking page ("Tra cứu hồ sơ") and the reply to a request for more information."""

import datetime

import pytest
from bs4 import BeautifulSoup
from django.core import mail
from django.urls import reverse
from django.utils import timezone

from forms_app.models import Application, ApplicationEvent, ApplicationLogEntry, EvidenceFile

from .conftest import TOKEN, exe_as_pdf, form_data, pdf, png

TRACK_URL = "/ho-so/tra-cuu/"


def soup(response):
    return BeautifulSoup(response.content, "html.parser")


@pytest.fixture
def application(client, pages, commune, django_capture_on_commit_callbacks):
    """An application sent through the real form, with an e-mail and a file."""
    page = pages["cong-dan-hoc-tap"]
    data = form_data(page, commune, email="an@example.org", evidence=[pdf()])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(page.url, data)
    assert response.status_code == 302
    return Application.objects.get(submission_token=TOKEN)


def later(application, minutes):
    return application.submitted_at + datetime.timedelta(minutes=minutes)


def ask_for_information(application, message="Vui lòng gửi thêm ảnh góc học tập."):
    # Sent yesterday, so that the reviewers' steps and the reply follow in time.
    yesterday = application.submitted_at - datetime.timedelta(days=1)
    Application.objects.filter(pk=application.pk).update(submitted_at=yesterday)
    application.events.update(created_at=yesterday)
    application.refresh_from_db()
    ApplicationEvent.objects.create(
        application=application, status="in_review", created_at=later(application, 1)
    )
    ApplicationEvent.objects.create(
        application=application,
        status="info_requested",
        message=message,
        note="Ghi chú nội bộ: ảnh cũ mờ",
        created_at=later(application, 2),
    )
    Application.objects.filter(pk=application.pk).update(status="info_requested")
    application.refresh_from_db()


def test_url_is_vietnamese():
    assert reverse("forms_app:track") == TRACK_URL
    assert reverse("forms_app:track_detail", args=["GDHT-2026-000001", "x"]).startswith(
        "/ho-so/tra-cuu/GDHT-2026-000001/"
    )


def test_link_from_confirmation_page_and_email(client, application):
    page = application.page
    sent = client.get(page.url + page.reverse_subpage("sent", args=[TOKEN]))
    link = soup(sent).select_one("#tracking-link")["href"]
    assert link == "http://testserver" + application.tracking_path()
    assert link in mail.outbox[0].body

    response = client.get(link)
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    page_soup = soup(response)
    summary = page_soup.select_one("#tracking-summary").text
    assert application.code in summary
    assert "Công dân học tập" in summary
    assert timezone.localtime(application.submitted_at).strftime("%d/%m/%Y") in summary
    status = page_soup.select_one("#tracking-status")
    assert status["data-status"] == "submitted" and status.text == "Đã nộp"
    assert [li["data-status"] for li in page_soup.select(".tracking-timeline li")] == ["submitted"]
    # The file sent opens with the secret, and only the application's own files are listed.
    file_link = page_soup.select_one("a[href*='/ho-so/tep/']")["href"]
    assert file_link.endswith(f"?t={application.secret}")
    assert client.get(file_link).status_code == 200
    assert page_soup.find(attrs={"name": "robots"})["content"] == "noindex, nofollow"


@pytest.mark.parametrize("phone", ["0912 345 678", "+84 912 345 678"])
def test_lookup_by_code_and_phone(client, application, phone):
    response = client.post(TRACK_URL, {"code": f" {application.code.lower()} ", "phone": phone})
    assert response.status_code == 302
    assert response["Location"] == application.tracking_path()
    assert response["Cache-Control"] == "private, no-store"


def test_lookup_form_page(client, db):
    response = client.get(TRACK_URL)
    assert response.status_code == 200
    assert response["Cache-Control"] == "private, no-store"
    form = soup(response).select_one("form.tracking-form")
    assert form.select_one("input[name=code]") and form.select_one("input[name=phone]")


def test_wrong_code_and_wrong_phone_get_the_same_answer(client, application, pages, commune):
    # Another applicant's application exists too: nothing of it may show.
    page = pages["cong-dan-hoc-tap"]
    client.post(page.url, form_data(page, commune, token="B" * 32, phone="0987 654 321"))
    other = Application.objects.get(submission_token="B" * 32)

    answers = []
    for data in [
        {"code": application.code, "phone": "0987 654 321"},  # real code, another's phone
        {"code": "CDHT-2026-999999", "phone": "0912 345 678"},  # unknown code
        {"code": "not-a-code", "phone": "0912 345 678"},  # not even shaped like one
    ]:
        response = client.post(TRACK_URL, data)
        assert response.status_code == 404
        assert response["Cache-Control"] == "private, no-store"
        body = soup(response)
        answers.append(body.select_one("#tracking-not-found").text.strip())
        text = response.content.decode()
        assert "tracking-summary" not in text
        for secret_data in (application.secret, other.secret, other.code, "Nguyễn Văn An"):
            assert secret_data not in text
    assert answers[0] == answers[1] == answers[2]
    assert answers[0] == answers[0].strip() and answers[0]


def test_bad_phone_is_a_form_error(client, application):
    response = client.post(TRACK_URL, {"code": application.code, "phone": "12"})
    assert response.status_code == 400
    assert soup(response).select_one("#id_phone.is-invalid") is not None


def test_wrong_link_is_not_found(client, application):
    wrong_secret = reverse("forms_app:track_detail", args=[application.code, "x" * 32])
    unknown_code = reverse("forms_app:track_detail", args=["CDHT-2026-999999", application.secret])
    garbage = reverse("forms_app:track_detail", args=["<b>", "'\""])
    answers = set()
    for url in (wrong_secret, unknown_code, garbage):
        response = client.get(url)
        assert response.status_code == 404
        # The language switcher repeats the address typed; the page itself tells nothing.
        article = soup(response).select_one("article.application-tracking")
        assert application.code not in str(article) and not article.select("#tracking-summary")
        answers.add(soup(response).select_one("#tracking-not-found").text.strip())
    assert len(answers) == 1
    # POSTs to a wrong link change nothing either.
    assert client.post(wrong_secret, {"message": "x"}).status_code == 404


def test_lookups_are_rate_limited(client, application, settings):
    settings.PUBLIC_FORM_RATES = {**settings.PUBLIC_FORM_RATES, "tracking": "3/h"}
    for _i in range(3):
        response = client.post(TRACK_URL, {"code": "CDHT-2026-999999", "phone": "0912345678"})
        assert response.status_code == 404
    response = client.post(TRACK_URL, {"code": application.code, "phone": "0912345678"})
    assert response.status_code == 429
    assert response["Cache-Control"] == "private, no-store"
    # Reading the page by its link is not a lookup and stays open.
    assert client.get(application.tracking_path()).status_code == 200


def test_private_events_and_notes_are_hidden(client, application):
    ask_for_information(application)
    ApplicationEvent.objects.create(
        application=application,
        status="proposed_rejection",
        note="Đề xuất không công nhận (nội bộ)",
        public=False,
        created_at=later(application, 3),
    )
    response = client.get(application.tracking_path())
    assert response.status_code == 200
    text = response.content.decode()
    statuses = [li["data-status"] for li in soup(response).select(".tracking-timeline li")]
    assert statuses == ["submitted", "in_review", "info_requested"]
    assert "proposed_rejection" not in text
    assert "Ghi chú nội bộ" not in text and "nội bộ" not in text
    request_box = soup(response).select_one("#info-request")
    assert "Vui lòng gửi thêm ảnh góc học tập." in request_box.text
    assert soup(response).select_one("#tracking-status").text == "Cần bổ sung thông tin"


def test_messages_are_escaped(client, application):
    ask_for_information(application, message="<script>alert('x')</script> & <b>đậm</b>")
    response = client.get(application.tracking_path())
    text = response.content.decode()
    assert "<script>alert('x')</script>" not in text
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; &amp; &lt;b&gt;đậm&lt;/b&gt;" in text


@pytest.mark.parametrize("extra_events", [0, 6])
def test_tracking_page_query_count(client, application, django_assert_num_queries, extra_events):
    for minute in range(extra_events):
        ApplicationEvent.objects.create(
            application=application, status="in_review", created_at=later(application, minute + 1)
        )
    url = application.tracking_path()
    client.get(url)  # warm the cached menu and language links
    # Application, public events, files (the site, its settings, the home page's address,
    # the menu and the language links are cached).
    with django_assert_num_queries(3):
        response = client.get(url)
    assert len(soup(response).select(".tracking-timeline li")) == 1 + extra_events


def test_reply_to_a_request_returns_the_application_to_review(client, application):
    ask_for_information(application)
    url = application.tracking_path()
    form = soup(client.get(url)).select_one("#reply form")
    assert form["enctype"] == "multipart/form-data"
    assert form.select_one("#id_hamlet")["value"] == "Tổ dân phố 3"

    data = {
        "message": "Em gửi thêm ảnh góc học tập và sửa địa chỉ.",
        "email": "an@example.org",
        "hamlet": "Tổ dân phố 4",
        "evidence": [png("goc-hoc-tap-moi.png")],
    }
    response = client.post(url, data)
    assert response.status_code == 302 and response["Location"] == url + "#timeline"
    application.refresh_from_db()
    assert application.status == "in_review"
    assert application.hamlet == "Tổ dân phố 4"
    reply = application.events.order_by("-created_at", "-pk").first()
    assert reply.by_applicant and reply.public and reply.status == "in_review"
    assert reply.message == data["message"]
    assert "Tổ dân phố 3 → Tổ dân phố 4" in reply.note and "goc-hoc-tap-moi.png" in reply.note
    assert sorted(f.original_name for f in application.files.all()) == [
        "giay-khen.pdf",
        "goc-hoc-tap-moi.png",
    ]
    page = client.get(url)
    assert page.status_code == 200
    assert soup(page).select_one("#reply") is None
    assert "Em gửi thêm ảnh góc học tập" in soup(page).select_one("#timeline").text
    assert "Tổ dân phố 3 →" not in page.content.decode()  # the reviewers' note stays private
    # In the reviewers' history too, and a reviewer acting on the page seen before is stopped.
    entry = ApplicationLogEntry.objects.get(object_id=str(application.pk))
    assert entry.action == "forms_app.applicant_reply" and entry.user is None
    assert entry.data["to"] == "in_review" and "Tổ dân phố 4" in entry.data["note"]
    assert application.revision == 1

    # Sent twice: the second one changes nothing.
    again = client.post(url, {**data, "evidence": [png("lan-hai.png")]})
    assert again.status_code == 302
    assert application.events.count() == 4
    assert not EvidenceFile.objects.filter(original_name="lan-hai.png").exists()


def test_reply_with_bad_input_keeps_the_request_open(client, application):
    ask_for_information(application)
    url = application.tracking_path()
    response = client.post(
        url,
        {"message": "", "email": "khong-phai-email", "hamlet": "Tổ 4", "evidence": [pdf()]},
    )
    assert response.status_code == 400
    errors = soup(response).select_one("#reply-errors")
    assert errors.select("a[href='#id_message']") and errors.select("a[href='#id_email']")
    assert soup(response).select_one("#id_hamlet")["value"] == "Tổ 4"

    response = client.post(
        url, {"message": "Gửi tệp", "email": "", "hamlet": "Tổ 4", "evidence": [exe_as_pdf()]}
    )
    assert response.status_code == 400
    assert "setup.pdf" in soup(response).select_one("#reply-errors").text
    application.refresh_from_db()
    assert application.status == "info_requested" and application.hamlet == "Tổ dân phố 3"
    assert application.files.count() == 1 and application.events.count() == 3


def test_no_reply_form_unless_asked(client, application):
    url = application.tracking_path()
    assert soup(client.get(url)).select_one("#reply") is None
    response = client.post(url, {"message": "Xin chào", "hamlet": "Tổ 9"})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == "submitted" and application.hamlet == "Tổ dân phố 3"
    assert application.events.count() == 1


def test_replies_are_rate_limited(client, application, settings):
    settings.PUBLIC_FORM_RATES = {**settings.PUBLIC_FORM_RATES, "applications": "1/h"}
    ask_for_information(application)
    url = application.tracking_path()
    assert client.post(url, {"message": "", "hamlet": "Tổ 4"}).status_code == 400
    response = client.post(url, {"message": "Trả lời", "hamlet": "Tổ 4"})
    assert response.status_code == 429
    application.refresh_from_db()
    assert application.status == "info_requested"


def test_withdraw_before_a_decision(client, application):
    url = application.tracking_path()
    assert soup(client.get(url)).select_one("#withdraw form") is not None
    # Without the tick nothing happens.
    response = client.post(url, {"action": "withdraw", "withdraw-reason": "Gia đình chuyển đi"})
    assert response.status_code == 400
    assert soup(response).select_one("#withdraw")["open"] is not None
    application.refresh_from_db()
    assert application.status == "submitted"

    data = {"action": "withdraw", "withdraw-confirm": "on", "withdraw-reason": "Gia đình chuyển đi"}
    response = client.post(url, data)
    assert response.status_code == 302 and response["Location"] == url + "#timeline"
    application.refresh_from_db()
    assert application.status == "withdrawn"
    event = application.events.get(status="withdrawn")
    assert event.by_applicant and event.public and event.message == "Gia đình chuyển đi"
    page = soup(client.get(url))
    assert page.select_one("#tracking-status")["data-status"] == "withdrawn"
    assert page.select_one("#withdraw") is None
    assert "Gia đình chuyển đi" in page.select_one("#timeline").text
    entry = ApplicationLogEntry.objects.get(object_id=str(application.pk))
    assert (entry.action, entry.data["from"], entry.data["to"]) == (
        "forms_app.withdraw",
        "submitted",
        "withdrawn",
    )
    # Twice: still one withdrawal.
    assert client.post(url, data).status_code == 302
    assert application.events.filter(status="withdrawn").count() == 1


@pytest.mark.parametrize("status", ["approved", "rejected"])
def test_no_withdrawal_after_the_decision(client, application, status):
    Application.objects.filter(pk=application.pk).update(status=status)
    url = application.tracking_path()
    assert soup(client.get(url)).select_one("#withdraw") is None
    response = client.post(url, {"action": "withdraw", "withdraw-confirm": "on"})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == status
    assert not application.events.filter(status="withdrawn").exists()
