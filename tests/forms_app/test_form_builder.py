"""The simple forms built with Wagtail's form builder: the demo contact and event forms,
posted as a browser does, and their answers as staff read and export them in the admin."""

import csv
import io
import os

import pytest
from django.core import mail
from django.core.management import call_command
from django.core.validators import EmailValidator
from django.forms.forms import NON_FIELD_ERRORS
from django.utils import translation
from openpyxl import load_workbook
from wagtail.contrib.forms.models import FormSubmission

from forms_app.models import SimpleFormPage
from khuyenhoc.antispam import _started_token
from tests.forms_app.conftest import started


@pytest.fixture
def contact(demo):
    return SimpleFormPage.objects.get(slug="gui-loi-nhan", locale__language_code="vi")


@pytest.fixture
def event(demo):
    return SimpleFormPage.objects.get(slug="dang-ky-du-hoi-nghi", locale__language_code="vi")


def names(page):
    """Field names by label: Wagtail derives them from the Vietnamese labels."""
    return {field.label: field.clean_name for field in page.form_fields.all()}


def contact_data(page, **overrides):
    n = names(page)
    data = {
        n["Họ và tên"]: "Nguyễn Thị Hoa",
        n["Số điện thoại"]: "0912 345 678",
        n["Thư điện tử"]: "hoa@example.org",
        n["Bạn muốn hỏi về"]: "Danh hiệu học tập",
        n["Nội dung"]: "Xin hỏi thủ tục đăng ký gia đình học tập cho thôn Đông.",
        "website": "",
        "form_started": started(),
    }
    data.update(overrides)
    return data


def event_data(page, **overrides):
    n = names(page)
    data = {
        n["Họ và tên"]: "Trần Văn Bình",
        n["Đơn vị công tác"]: "Hội Khuyến học xã Đông Hòa",
        n["Số điện thoại"]: "+84 912 345 678",
        n["Thư điện tử"]: "",
        n["Số người tham dự"]: "3",
        n["Phiên tham dự"]: "Buổi sáng",
        n["Ghi chú"]: "",
        "website": "",
        "form_started": started(),
    }
    data.update(overrides)
    return data


def test_demo_forms_are_built_once(contact, event):
    assert contact.live and event.live
    assert contact.get_parent().slug == "lien-he"
    assert list(contact.form_fields.values_list("label", flat=True)) == [
        "Họ và tên",
        "Số điện thoại",
        "Thư điện tử",
        "Bạn muốn hỏi về",
        "Nội dung",
    ]
    # Names folded from the labels the way slugs are, "đ" included.
    assert list(names(contact).values()) == [
        "ho_va_ten",
        "so_dien_thoai",
        "thu_dien_tu",
        "ban_muon_hoi_ve",
        "noi_dung",
    ]
    assert event.form_fields.count() == 7
    pages, fields = SimpleFormPage.objects.count(), contact.form_fields.count()
    call_command("load_demo", stdout=open(os.devnull, "w"))
    assert SimpleFormPage.objects.count() == pages
    assert contact.form_fields.count() == fields


def test_form_page_shows_fields_and_is_never_shared(client, contact):
    response = client.get(contact.url)
    assert response.status_code == 200
    html = response.content.decode()
    for label in ("Họ và tên", "Số điện thoại", "Bạn muốn hỏi về", "Gửi lời nhắn"):
        assert label in html
    assert 'name="form_started"' in html and 'name="website"' in html
    assert "no-store" in response["Cache-Control"] or "private" in response["Cache-Control"]


def test_valid_contact_message_is_stored_and_mailed(
    client, contact, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(contact.url, contact_data(contact))
    assert response.status_code == 200
    assert "Văn phòng Hội đã nhận lời nhắn" in response.content.decode()
    submission = FormSubmission.objects.get(page=contact)
    data = submission.get_data()
    assert data[names(contact)["Họ và tên"]] == "Nguyễn Thị Hoa"
    # The spam defences are checked, not kept.
    assert "website" not in submission.form_data and "form_started" not in submission.form_data
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["lienhe@khuyenhoc-anbinh.example"]
    assert message.subject == "Lời nhắn mới từ trang Liên hệ"
    assert "Họ và tên: Nguyễn Thị Hoa" in message.body
    assert "form_started" not in message.body and "website" not in message.body


def test_invalid_post_is_400_in_vietnamese_with_entries_kept(client, contact):
    n = names(contact)
    data = contact_data(contact, **{n["Họ và tên"]: "", n["Thư điện tử"]: "hoa-at-example"})
    response = client.post(contact.url, data, HTTP_ACCEPT_LANGUAGE="vi")
    assert response.status_code == 400
    html = response.content.decode()
    assert "Vui lòng sửa các mục dưới đây" in html
    assert "Trường này là bắt buộc." in html
    with translation.override("vi"):
        assert str(EmailValidator.message) in html
    # What was typed comes back.
    assert "Xin hỏi thủ tục đăng ký gia đình học tập cho thôn Đông." in html
    assert 'value="0912 345 678"' in html
    assert not FormSubmission.objects.filter(page=contact).exists()


def test_event_registration_checks_numbers_and_choices(client, event):
    n = names(event)
    response = client.post(event.url, event_data(event, **{n["Số người tham dự"]: "ba"}))
    assert response.status_code == 400
    assert "Nhập một số." in response.content.decode()
    response = client.post(event.url, event_data(event, **{n["Phiên tham dự"]: "Buổi tối"}))
    assert response.status_code == 400
    assert not FormSubmission.objects.filter(page=event).exists()

    response = client.post(event.url, event_data(event))
    assert response.status_code == 200
    assert "Ban tổ chức đã nhận đăng ký" in response.content.decode()
    data = FormSubmission.objects.get(page=event).get_data()
    assert data[n["Phiên tham dự"]] == "Buổi sáng"
    assert data[n["Số người tham dự"]] == "3"  # a Decimal, stored as JSON text


def test_honeypot_and_haste_are_refused(client, contact):
    response = client.post(contact.url, contact_data(contact, website="http://spam.example"))
    assert response.status_code == 400
    assert response.context["form"].has_error(NON_FIELD_ERRORS, code="spam")
    response = client.post(contact.url, contact_data(contact, form_started=_started_token()))
    assert response.status_code == 400
    assert response.context["form"].has_error(NON_FIELD_ERRORS, code="too_fast")
    with translation.override("vi"):
        assert "quá nhanh" in response.content.decode()
    assert not FormSubmission.objects.filter(page=contact).exists()


def test_rate_limit_answers_429_in_vietnamese(client, contact, settings):
    settings.PUBLIC_FORM_RATES = {**settings.PUBLIC_FORM_RATES, "simple_forms": "2/h"}
    for _ in range(2):
        assert client.post(contact.url, contact_data(contact)).status_code == 200
    response = client.post(contact.url, contact_data(contact))
    assert response.status_code == 429
    assert "Vui lòng" in response.content.decode()
    assert FormSubmission.objects.filter(page=contact).count() == 2


def test_admin_lists_and_exports_submissions(client, admin_client, contact):
    client.post(contact.url, contact_data(contact))
    url = f"/admin/forms/submissions/{contact.pk}/"

    listing = admin_client.get(url)
    assert listing.status_code == 200
    assert "Nguyễn Thị Hoa" in listing.content.decode()

    exported = admin_client.get(url, {"export": "csv"})
    assert exported.status_code == 200
    assert exported["Content-Type"].startswith("text/csv")
    text = b"".join(exported.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(text)))
    assert rows[0][1:] == [
        "Họ và tên",
        "Số điện thoại",
        "Thư điện tử",
        "Bạn muốn hỏi về",
        "Nội dung",
    ]
    assert rows[1][1] == "Nguyễn Thị Hoa" and rows[1][2] == "0912 345 678"

    exported = admin_client.get(url, {"export": "xlsx"})
    assert exported.status_code == 200
    assert "spreadsheetml" in exported["Content-Type"]
    workbook = load_workbook(io.BytesIO(b"".join(exported.streaming_content)))
    sheet = workbook.active
    values = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert values[0][1:] == [
        "Họ và tên",
        "Số điện thoại",
        "Thư điện tử",
        "Bạn muốn hỏi về",
        "Nội dung",
    ]
    assert values[1][1] == "Nguyễn Thị Hoa"
    assert values[1][5] == "Xin hỏi thủ tục đăng ký gia đình học tập cho thôn Đông."


def test_submissions_are_for_staff_only(client, contact):
    response = client.get(f"/admin/forms/submissions/{contact.pk}/", {"export": "csv"})
    assert response.status_code == 302
    assert "/admin/login/" in response["Location"]
