"""Every public form and lookup under hostile input (issue 14).

Each test sends ``FUZZ_REQUESTS`` requests (300 by default) built by ``tests.security.hostile``
from a valid submission, with a fixed seed (``FUZZ_SEED``), and asserts what a visitor must
always get: never a 5xx; a refusal (4xx) in Vietnamese; nothing stored by a refused request;
and nothing stored, by any request, that holds a control character or a number that is not
finite. Rate limits are raised and forms are sent "a minute after" they were shown, so the
requests reach the validation and the storage behind the spam defences. Run it on PostgreSQL
too: a NUL byte only fails there.
"""

import html
import io
import random
import re
import zipfile
from urllib.parse import quote

import pytest
from django.db.models import Max
from django.test import Client
from django.urls import reverse
from django.utils import translation
from wagtail.contrib.forms.models import FormSubmission
from wagtail.rich_text import RichText

from campaigns.models import CampaignPage, Pledge
from forms_app.models import (
    Application,
    ApplicationDraft,
    ApplicationEvent,
    ApplicationMember,
    EvidenceFile,
    ReviewScore,
    SelfAssessment,
    SimpleFormPage,
)
from news.models import Comment, NewsArticlePage, NewsIndexPage
from tests.forms_app import conftest as forms_app_fixtures
from tests.forms_app.conftest import form_data, started
from tests.security.hostile import REQUESTS, SEED, Hostile, dirty

# Fixtures of the applications' tests, used here too.
commune = forms_app_fixtures.commune
make_application = forms_app_fixtures.make_application
pages = forms_app_fixtures.pages
staff = forms_app_fixtures.staff

pytestmark = pytest.mark.django_db

VIETNAMESE = re.compile(
    "[àáạảãâầấậẩẫăằắặẳẵèéẹẻẽêềếệểễìíịỉĩòóọỏõôồốộổỗơờớợởỡùúụủũưừứựửữỳýỵỷỹđ]", re.IGNORECASE
)
TITLE_PAGES = [
    "cong-dan-hoc-tap",
    "gia-dinh-hoc-tap",
    "dong-ho-hoc-tap",
    "cong-dong-hoc-tap",
    "don-vi-hoc-tap",
    "dang-ky-gia-dinh-hoc-tap",
]
# Requests sent, by form, for the README's Security section (``-s`` prints them).
SENT = {}


@pytest.fixture(autouse=True)
def generous_rates(settings):
    """The rate limits have tests of their own; here they would stop the fuzzing early."""
    settings.PUBLIC_FORM_RATES = {key: "1000000/h" for key in settings.PUBLIC_FORM_RATES}


@pytest.fixture(scope="module", autouse=True)
def report():
    yield
    if SENT:
        figures = ", ".join(f"{name} {count}" for name, count in sorted(SENT.items()))
        print(f"\nFuzzed with seed {SEED}: {figures} ({sum(SENT.values())} requests)")


def hostile(label):
    """A generator of its own per test: a test's requests do not depend on the others'."""
    return Hostile(random.Random(f"{SEED}-{label}").randrange(2**32))


def body(response):
    """The whole answer; reading a stream finds the error that would cut it off."""
    if response.streaming:
        return b"".join(response.streaming_content)
    return response.content


def _without(text, sent):
    """The page without what was sent: an echoed "é" is not a Vietnamese message."""
    values = []
    for key, value in (sent or {}).items():
        values.append(key)
        values.extend(value if isinstance(value, list) else [value])
    for value in sorted({v for v in values if isinstance(v, str) and v}, key=len, reverse=True):
        text = text.replace(html.escape(value), "").replace(value, "")
    return text


class Watch:
    """Rows of ``counted`` models must not grow on a refused request; new rows of every
    model in ``counted`` and ``scanned`` must be clean."""

    def __init__(self, label, counted=(), scanned=()):
        self.label = label
        self.counted = list(counted)
        self.models = self.counted + list(scanned)
        self.start = {m: m.objects.aggregate(last=Max("pk"))["last"] or 0 for m in self.models}
        self.counts = self._counts()
        self.sent = 0

    def _counts(self):
        return {m.__name__: m.objects.count() for m in self.counted}

    def check(self, response, sent=None, what=""):
        self.sent += 1
        SENT[self.label] = SENT.get(self.label, 0) + 1
        content = body(response)
        status = response.status_code
        where = f"{self.label} {what} request {self.sent}: HTTP {status} for {sent!r:.300}"
        assert status < 500, where
        if 400 <= status < 500:
            assert response.get("Content-Language", "vi") == "vi", where
            text = content.decode("utf-8", "replace")
            assert VIETNAMESE.search(_without(text, sent)), where + " (no Vietnamese message)"
        if self.counted:
            counts = self._counts()
            if status >= 400:
                assert counts == self.counts, where + " (a refused request stored rows)"
            self.counts = counts
        return content

    def assert_clean(self):
        for model in self.models:
            fields = [f.attname for f in model._meta.concrete_fields]
            for row in model.objects.filter(pk__gt=self.start[model]).values_list(*fields):
                found = dirty(list(row))
                assert found is None, f"{self.label}: {model.__name__} stored {found}: {row!r:.300}"


def token(rng):
    alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-"
    return "".join(rng.choice(alphabet) for _ in range(32))


# --- The application form -------------------------------------------------------------------


@pytest.mark.parametrize("action", ["submit", "save", "refresh", "add_member"])
def test_application_form(client, pages, commune, action):
    """Applicant fields, members, criterion points and notes, the address, the tokens; then
    every draft stored is opened again, as its e-mailed link does."""
    gen = hostile(f"application-{action}")
    watch = Watch(
        f"application form ({action})",
        counted=[Application, ApplicationMember, SelfAssessment, ApplicationEvent],
        scanned=[ApplicationDraft],
    )
    for _ in range(REQUESTS // 4 if action != "submit" else REQUESTS // 2):
        page = pages[gen.choice(TITLE_PAGES)]
        valid = form_data(page, commune, token=token(gen.rng), action=action)
        sent = gen.mutate(valid, keep=["form_started"] if gen.rng.random() < 0.8 else [])
        watch.check(client.post(page.url, sent), sent)
    for draft in ApplicationDraft.objects.filter(pk__gt=watch.start[ApplicationDraft]):
        page = draft.page.specific
        url = page.url + page.reverse_subpage("draft", args=[draft.token])
        watch.check(client.get(url), what="reopening a draft")
    watch.assert_clean()


# --- Tracking, reply and withdrawal ---------------------------------------------------------


@pytest.fixture
def tracked(make_application):
    return make_application(status="info_requested", phone="0912345678")


def test_tracking_lookup_by_code_and_phone(client, tracked):
    gen = hostile("tracking")
    watch = Watch("tracking by code and phone")
    url = reverse("forms_app:track")
    for _ in range(REQUESTS):
        sent = gen.mutate({"code": tracked.code, "phone": "0912 345 678"})
        watch.check(client.post(url, sent), sent)


def test_tracking_by_link_answers_every_miss_the_same(client, tracked):
    gen = hostile("tracking-link")
    watch = Watch("tracking by link")
    miss = Client().get(reverse("forms_app:track_detail", args=["GDHT-2026-999999", "x" * 43]))
    expected = _strip_csrf(miss.content)
    for _ in range(REQUESTS):
        code, secret = tracked.code, tracked.secret
        if gen.rng.random() < 0.5:
            code = gen.value(code)
        if gen.rng.random() < 0.7 or code == tracked.code:
            secret = gen.value(secret)
        path = f"/ho-so/tra-cuu/{quote(code, safe='')}/{quote(secret, safe='')}/"
        response = client.get(path)
        content = watch.check(response, {"code": code, "secret": secret})
        # A "/" or an empty part makes another address (%2F is decoded before routing): not
        # this view's miss.
        if response.status_code == 404 and "/" not in code + secret and code and secret:
            assert _strip_csrf(content) == expected, f"{code!r} {secret!r}: another answer"


def _strip_csrf(content):
    """The answer but what differs by request: the CSRF token (masked anew on every page)
    and the language switcher's link to the same address in English."""
    content = re.sub(rb'name="csrfmiddlewaretoken" value="[^"]*"', b"", content)
    return re.sub(rb'href="/en/application/track/[^"]*"', b"", content)


def test_reply_and_withdraw_on_the_tracking_page(client, tracked):
    gen = hostile("reply")
    watch = Watch("reply and withdrawal", counted=[EvidenceFile], scanned=[ApplicationEvent])
    url = tracked.tracking_path()
    for number in range(REQUESTS):
        Application.objects.filter(pk=tracked.pk).update(status="info_requested")
        if number % 3:
            valid = {"message": "Tôi gửi thêm ảnh góc học tập.", "hamlet": "Thôn Đoài"}
            valid["email"] = "an@example.org"
        else:
            valid = {"action": "withdraw", "withdraw-confirm": "on", "withdraw-reason": "Lý do"}
        sent = gen.mutate(valid)
        watch.check(client.post(url, sent), sent)
    watch.assert_clean()
    tracked.refresh_from_db()
    assert dirty([tracked.email, tracked.hamlet]) is None


# --- Pledges, comments and the form builder -------------------------------------------------


def test_pledge_form(client, demo):
    campaign = CampaignPage.objects.get(slug="xay-dung-xa-hoi-hoc-tap-2023-2030")
    gen = hostile("pledge")
    watch = Watch("pledge form", counted=[Pledge])
    for _ in range(REQUESTS):
        valid = {
            "name": "Phạm Thị Lan",
            "organisation": "Gia đình bà Phạm Thị Lan",
            "commune": "xã Vũ Thư",
            "contact": f"09{gen.rng.randrange(10**8):08d}",
            "website": "",
            "form_started": started(),
        }
        sent = gen.mutate(valid, keep=["form_started"])
        watch.check(client.post(campaign.url, sent), sent)
    watch.assert_clean()


@pytest.fixture
def article(demo):
    index = NewsIndexPage.objects.get(locale__language_code="vi")
    page = NewsArticlePage(
        title="Lễ tuyên dương học sinh giỏi", body=[("paragraph", RichText("<p>Nội dung.</p>"))]
    )
    index.add_child(instance=page)
    page.save_revision().publish()
    return NewsArticlePage.objects.get(pk=page.pk)


def test_comment_form(client, article):
    gen = hostile("comment")
    watch = Watch("comment form", counted=[Comment])
    for _ in range(REQUESTS):
        valid = {
            "name": "Nguyễn Thị Hoa",
            "email": "hoa@example.org",
            "text": "Bài viết rất hay, cảm ơn Hội.",
            "website": "",
            "form_started": started(),
        }
        sent = gen.mutate(valid, keep=["form_started"])
        agent = gen.value("Mozilla/5.0") if gen.rng.random() < 0.2 else "Mozilla/5.0"
        response = client.post(article.url, sent, HTTP_USER_AGENT=agent.replace("\x00", ""))
        watch.check(response, sent)
    watch.assert_clean()


@pytest.mark.parametrize("slug", ["gui-loi-nhan", "dang-ky-du-hoi-nghi"])
def test_form_builder_forms(client, demo, slug):
    page = SimpleFormPage.objects.get(slug=slug, locale__language_code="vi")
    gen = hostile(f"simple-{slug}")
    watch = Watch(f"simple form {slug}", counted=[FormSubmission])
    fields = list(page.form_fields.all())
    for _ in range(REQUESTS):
        valid = {"website": "", "form_started": started()}
        for field in fields:
            if field.field_type == "number":
                valid[field.clean_name] = "3"
            elif field.field_type == "email":
                valid[field.clean_name] = "hoa@example.org"
            elif field.choices:
                valid[field.clean_name] = field.choices.splitlines()[0].split(",")[0].strip()
            else:
                valid[field.clean_name] = "Nguyễn Thị Hoa 0912 345 678"
        sent = gen.mutate(valid, keep=["form_started"])
        watch.check(client.post(page.url, sent), sent)
    watch.assert_clean()


# --- Lookups --------------------------------------------------------------------------------


def test_certificate_verification(client, demo):
    gen = hostile("verify")
    watch = Watch("certificate verification")
    form_url = reverse("forms_app:verify")
    for number in range(REQUESTS):
        code = gen.value("ABCD-EFGH-JKLM")
        if number % 2:
            sent = gen.mutate({"code": code})
            response = client.get(form_url, sent)
        else:
            sent = {"code": code}
            response = client.get(f"{form_url}{quote(code, safe='')}/")
        watch.check(response, sent)


def test_search_and_suggestions(client, demo):
    gen = hostile("search")
    watch = Watch("search and suggestions")
    with translation.override("vi"):
        search, suggest = reverse("search"), reverse("search_suggestions")
    for number in range(REQUESTS):
        valid = {"q": "khuyến học", "loai": "", "nam": "", "sap_xep": "", "page": "1"}
        sent = gen.mutate(valid)
        watch.check(client.get(suggest if number % 3 == 0 else search, sent), sent)


def test_communes_lookup(client, demo):
    gen = hostile("communes")
    watch = Watch("communes lookup")
    for _ in range(REQUESTS):
        province = gen.value("01")
        response = client.get(f"/ho-so/xa/{quote(province, safe='')}.json")
        watch.check(response, {"province": province})


def test_evidence_file_lookup(client, make_application):
    application = make_application()
    item = application.files.get()
    gen = hostile("evidence-file")
    watch = Watch("evidence file")
    for _ in range(REQUESTS // 3):
        sent = gen.mutate({"t": application.secret})
        number = gen.choice([str(item.pk), "0", "99999999999999999999999", str(2**63)])
        response = client.get(f"/ho-so/tep/{number}/", sent)
        watch.check(response, sent)
        assert response.status_code in (200, 302, 400, 404), response.status_code


# --- Staff: the review export's search and the reviewer's scores ----------------------------


def test_review_export_search(client, staff, make_application):
    make_application(applicant_name='=HYPERLINK("http://evil.example")\x01')
    client.force_login(staff["admin"])
    gen = hostile("export")
    watch = Watch("review export")
    for number in range(REQUESTS):
        fmt = "xlsx" if number % 5 == 0 else "csv"
        valid = {"q": "Nguyễn", "status": "submitted", "learning_title": "family", "year": "2026"}
        sent = gen.mutate(valid)
        response = client.get(reverse("forms_app_applications:export", args=[fmt]), sent)
        content = watch.check(response, sent)
        if response.status_code == 200 and fmt == "xlsx":
            assert zipfile.ZipFile(io.BytesIO(content)).testzip() is None


def test_reviewer_scores(client, staff, make_application):
    application = make_application(status="in_review")
    criteria = list(application.criteria_set.criteria.all())
    client.force_login(staff["reviewer"])
    url = reverse("forms_app_applications:inspect", args=[application.pk])
    gen = hostile("scores")
    watch = Watch("reviewer scores", scanned=[ReviewScore])
    for _ in range(REQUESTS // 2):
        application.refresh_from_db()
        valid = {"action": "scores", "revision": str(application.revision)}
        for criterion in criteria:
            valid[f"points_{criterion.pk}"] = "7,5"
            valid[f"note_{criterion.pk}"] = "Đủ minh chứng"
        sent = gen.mutate(valid, keep=["action"])
        watch.check(client.post(url, sent), sent)
    watch.assert_clean()
    application.refresh_from_db()
    assert application.review_total is None or application.review_total.is_finite()
    assert client.get(url).status_code == 200
