"""Real files and helpers for posting applications the way a browser does."""

import io
import time
import zipfile

import pytest
from django.core import signing
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from forms_app.models import ApplicationFormPage, Commune
from khuyenhoc.antispam import _SALT


def make_pdf(catalog=b"", page=b"", extra=(), header=b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"):
    """A well-formed PDF (cross-reference table and all) of one page, with ``catalog`` and
    ``page`` added to those dictionaries and ``extra`` objects numbered from 4."""
    objects = [
        b"<</Type/Catalog/Pages 2 0 R" + catalog + b">>",
        b"<</Type/Pages/Kids[3 0 R]/Count 1>>",
        b"<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]" + page + b">>",
        *extra,
    ]
    content, offsets = header, []
    for number, body in enumerate(objects, 1):
        offsets.append(len(content))
        content += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(content)
    content += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    content += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    content += b"trailer\n<</Size %d/Root 1 0 R>>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return content


PDF = make_pdf()


def pdf(name="giay-khen.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def png(name="goc-hoc-tap.png"):
    buffer = io.BytesIO()
    Image.new("RGB", (8, 8), (200, 30, 30)).save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def docx(name="bao-cao.docx"):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="application/msword")


def fake_pdf(name="gia-mao.pdf"):
    return SimpleUploadedFile(name, b"just some text, not a PDF\n", content_type="application/pdf")


def exe_as_pdf(name="setup.pdf"):
    return SimpleUploadedFile(name, b"MZ\x90\x00" + b"\x00" * 200, content_type="application/pdf")


def started():
    """A start time the anti-spam check accepts (a minute ago)."""
    return signing.dumps(time.time() - 60, salt=_SALT)


TOKEN = "A" * 32


@pytest.fixture
def pages(demo):
    return {
        page.slug: page
        for page in ApplicationFormPage.objects.filter(live=True, locale__language_code="vi")
    }


@pytest.fixture
def commune(db):
    return Commune.objects.select_related("province").get(code="00004")  # Phường Ba Đình


def applicant_data(title):
    return {
        "citizen": {
            "full_name": "Nguyễn Văn An",
            "birth_year": "1958",
            "gender": "nam",
            "occupation_group": "nong_dan",
        },
        "family": {
            "head_name": "Trần Thị Bình",
            "members-TOTAL_FORMS": "2",
            "members-INITIAL_FORMS": "0",
            "members-MIN_NUM_FORMS": "0",
            "members-MAX_NUM_FORMS": "30",
            "members-0-name": "Trần Thị Bình",
            "members-0-birth_year": "1975",
            "members-0-relation": "chủ hộ",
            "members-0-occupation": "làm ruộng",
            "members-0-learning": "lớp trồng nấm",
            "members-1-name": "Lê Văn Cường",
            "members-1-birth_year": "2012",
            "members-1-relation": "con",
            "members-1-occupation": "học lớp 8",
            "members-1-learning": "",
        },
        "clan": {"clan_name": "Họ Phạm", "head_name": "Phạm Văn Dũng", "households": "42"},
        "community": {
            "community_name": "Thôn Đông",
            "head_name": "Hoàng Văn Em",
            "households": "180",
        },
        "unit": {
            "unit_name": "Trường Tiểu học Kim Đồng",
            "unit_type": "truong_hoc",
            "head_name": "Đỗ Thị Gấm",
            "staff_count": "35",
        },
    }[title]


def form_data(page, commune, token=TOKEN, **overrides):
    data = {
        "draft_token": token,
        "form_started": started(),
        "website": "",
        "phone": "+84 912 345 678",
        "email": "",
        "province": commune.province_id,
        "commune": commune.code,
        "hamlet": "Tổ dân phố 3",
        "consent": "on",
        "action": "submit",
        **applicant_data(page.learning_title),
    }
    if page.criteria_set_id:
        for criterion in page.criteria_set.criteria.all():
            data[f"points_{criterion.pk}"] = str(criterion.max_points - 5)
            data[f"note_{criterion.pk}"] = "Đã thực hiện đầy đủ"
    data.update(overrides)
    return {k: v for k, v in data.items() if v is not None}


# --- The review workflow --------------------------------------------------------------------

DONG_HUNG, TIEN_HAI = "12688", "12970"  # the demo reviewers' communes (Hưng Yên)


@pytest.fixture
def staff(demo, django_user_model):
    """The demo accounts of the review workflow, by role."""
    users = django_user_model.objects.in_bulk(
        ["admin", "xetduyet.donghung", "xetduyet.tienhai", "pheduyet.hungyen"],
        field_name="username",
    )
    return {
        "admin": users["admin"],
        "reviewer": users["xetduyet.donghung"],
        "other_reviewer": users["xetduyet.tienhai"],
        "approver": users["pheduyet.hungyen"],
    }


@pytest.fixture
def make_application(demo):
    """An application as the form stores it (criteria set, self-assessment, one PDF), in
    any commune and status, without going through the public form each time."""
    from django.core.files.base import ContentFile
    from django.utils import timezone

    from forms_app.models import Application, EvidenceFile, SelfAssessment

    counter = iter(range(1, 10_000))

    def make(commune=DONG_HUNG, status="submitted", title="family", **fields):
        page = ApplicationFormPage.objects.get(
            learning_title=title, kind="recognition", locale__language_code="vi"
        )
        commune_obj = Commune.objects.get(code=commune)
        number = next(counter)
        application = Application.objects.create(
            submission_token=f"review-{number}-{commune}",
            page=page,
            learning_title=title,
            kind="recognition",
            criteria_set=page.criteria_set,
            status=status,
            applicant_name=fields.pop("applicant_name", f"Gia đình ông Nguyễn Văn Số {number}"),
            phone=fields.pop("phone", "0912345678"),
            email=fields.pop("email", f"hoso{number}@example.org"),
            province_id=commune_obj.province_id,
            commune=commune_obj,
            hamlet=fields.pop("hamlet", "Thôn Đoài"),
            consent_at=timezone.now(),
            privacy_notice_text="Thông báo xử lý dữ liệu cá nhân.",
            **fields,
        )
        criteria = list(page.criteria_set.criteria.all())
        SelfAssessment.objects.bulk_create(
            SelfAssessment(application=application, criterion=c, points=c.max_points - 2)
            for c in criteria
        )
        EvidenceFile.objects.create(
            application=application,
            file=ContentFile(PDF, name="minh-chung.pdf"),
            original_name="minh-chung.pdf",
            content_type="application/pdf",
            size=len(PDF),
        )
        return application

    return make
