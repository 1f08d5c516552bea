"""The certificate (giấy công nhận) as PDF: its Vietnamese text, its font, its QR code and who
may print it."""

import datetime
import io
import unicodedata

import pytest
from django.urls import resolve, reverse
from django.utils import translation
from pypdf import PdfReader

from forms_app import certificates
from home.models import SiteSettings

from .conftest import TIEN_HAI

CODE = "ABCD-EFGH-JKLM"
RECOGNISED = {
    "status": "approved",
    "certificate_code": CODE,
    "decision_number": "125/QĐ-HKH",
    "decision_date": datetime.date(2026, 11, 20),
    "decision_signer": "Chủ tịch Hội Khuyến học tỉnh",
    "valid_until": datetime.date(2029, 11, 20),
    "recognised_on": datetime.date(2026, 11, 20),
    "public_listing": True,
}


@pytest.fixture
def recognised(make_application):
    return make_application(applicant_name="Gia đình ông Nguyễn Văn Số", **RECOGNISED)


def url(application):
    return reverse("forms_app_applications:certificate", args=[application.pk])


def pdf_text(response):
    reader = PdfReader(io.BytesIO(response.content))
    return unicodedata.normalize("NFC", "\n".join(page.extract_text() for page in reader.pages))


def fonts(response):
    """(base font name, embedded?) for every font the pages use."""
    reader = PdfReader(io.BytesIO(response.content))
    found = []
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descriptor = font.get("/FontDescriptor")
            descriptor = descriptor.get_object() if descriptor is not None else {}
            embedded = any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))
            found.append((str(font["/BaseFont"]), embedded))
    return found


@pytest.mark.django_db
def test_certificate_prints_the_decision_in_vietnamese(client, staff, recognised):
    client.force_login(staff["approver"])
    response = client.get(url(recognised))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == f'inline; filename="giay-cong-nhan-{CODE}.pdf"'
    assert {"private", "no-store"} <= {
        part.strip() for part in response["Cache-Control"].split(",")
    }
    assert len(PdfReader(io.BytesIO(response.content)).pages) == 1
    text = pdf_text(response)
    association = SiteSettings.objects.get().name
    for expected in [
        association.upper(),
        "GIẤY CÔNG NHẬN",
        "Gia đình học tập",
        "Gia đình ông Nguyễn Văn Số",
        "Thôn Đoài, Xã Đông Hưng, Tỉnh Hưng Yên",
        "Theo Quyết định số 125/QĐ-HKH ngày 20/11/2026",
        "Có giá trị đến hết ngày 20/11/2029",
        "Năm 2026",
        "CHỦ TỊCH HỘI KHUYẾN HỌC TỈNH",
        CODE,
        f"http://testserver/xac-minh/{CODE}/",
    ]:
        assert expected in text, expected
    # Nothing else the applicant sent is printed.
    assert recognised.phone not in text and recognised.email not in text


@pytest.mark.django_db
def test_certificate_embeds_its_font(client, staff, recognised):
    client.force_login(staff["reviewer"])
    response = client.get(url(recognised))
    used = fonts(response)
    assert {name.split("+", 1)[-1] for name, _embedded in used} == {
        "DejaVuSans",
        "DejaVuSans-Bold",
    }
    assert all(embedded for _name, embedded in used)


@pytest.mark.django_db
def test_decomposed_and_long_names_print_whole(client, staff, make_application):
    """Text typed with combining marks prints as the precomposed letters; a long name wraps
    instead of running off the page."""
    long_name = "Trường Trung học cơ sở " + " ".join(["Nguyễn Thị Minh Khai"] * 6)
    decomposed = make_application(
        applicant_name=unicodedata.normalize("NFD", "Gia đình bà Phạm Thị Hường"),
        **RECOGNISED,
    )
    long = make_application(
        applicant_name=long_name, **{**RECOGNISED, "certificate_code": "ZZZZ-YYYY-XXXX"}
    )
    client.force_login(staff["admin"])
    assert "Gia đình bà Phạm Thị Hường" in pdf_text(client.get(url(decomposed)))
    text = " ".join(pdf_text(client.get(url(long))).split())
    assert long_name in text


@pytest.mark.django_db
def test_qr_code_holds_the_verification_address(client, staff, recognised, settings, monkeypatch):
    settings.WAGTAILADMIN_BASE_URL = "https://khuyenhoc.example.vn/"
    expected = f"https://khuyenhoc.example.vn/xac-minh/{CODE}/"
    # The Vietnamese address, whatever language the staff member reads the admin in.
    with translation.override("en"):
        assert certificates.verify_url(CODE) == expected
    match = resolve(f"/xac-minh/{CODE}/")
    assert match.view_name == "forms_app:verify_code" and match.kwargs == {"code": CODE}

    encoded = []
    make = certificates.segno.make
    monkeypatch.setattr(
        certificates.segno, "make", lambda data, **kw: encoded.append(data) or make(data, **kw)
    )
    client.force_login(staff["approver"])
    response = client.get(url(recognised))
    assert response.status_code == 200
    assert encoded == [expected]
    assert expected in pdf_text(response)


@pytest.mark.django_db
def test_certificate_follows_the_areas(client, staff, recognised):
    assert client.get(url(recognised)).status_code == 302  # anonymous: to the login page
    assert "/admin/login/" in client.get(url(recognised))["Location"]
    for user, status in [
        ("other_reviewer", 404),
        ("reviewer", 200),
        ("approver", 200),
        ("admin", 200),
    ]:
        client.force_login(staff[user])
        assert client.get(url(recognised)).status_code == status, user
    other = make_application_in(recognised, TIEN_HAI)
    client.force_login(staff["reviewer"])
    assert client.get(url(other)).status_code == 404
    client.force_login(staff["other_reviewer"])
    assert client.get(url(other)).status_code == 200


def make_application_in(application, commune):
    """A copy of ``application`` in another commune, with its own code."""
    from forms_app.models import Application

    copy = Application.objects.get(pk=application.pk)
    copy.pk = None
    copy.code = ""
    copy.submission_token = f"copy-{commune}"
    copy.certificate_code = "QRST-UVWX-YZ23"
    copy.commune_id = commune
    copy.save()
    return copy


@pytest.mark.django_db
@pytest.mark.parametrize(
    "fields",
    [
        {"status": "proposed_approval", "certificate_code": None},
        {"status": "rejected", "certificate_code": None},
        # Recognised before certificates existed: nothing to print yet.
        {"certificate_code": None},
    ],
)
def test_no_certificate_before_recognition(client, staff, make_application, fields):
    application = make_application(**{**RECOGNISED, **fields})
    client.force_login(staff["admin"])
    assert client.get(url(application)).status_code == 404


@pytest.mark.django_db
def test_no_certificate_once_personal_data_is_removed(client, staff, make_application):
    from django.utils import timezone

    application = make_application(anonymised_at=timezone.now(), **RECOGNISED)
    client.force_login(staff["admin"])
    assert client.get(url(application)).status_code == 404
