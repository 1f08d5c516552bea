"""The embedded-form block: a call to action or the form itself, in articles, campaigns and
the home page, posting to the form's own page; and never a shared copy of a CSRF token."""

import datetime
import os
import re

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from wagtail.contrib.forms.models import FormSubmission

from campaigns.models import CampaignPage
from forms_app.demo import call_to_action_article
from forms_app.models import Application, ApplicationFormPage, SimpleFormPage
from tests.forms_app.conftest import form_data, started

CSRF_RE = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')
SIMPLE = '<section class="embedded-form card border-primary my-4" data-form-kind="simple"'


@pytest.fixture
def registration(demo):
    return ApplicationFormPage.objects.get(
        slug="dang-ky-gia-dinh-hoc-tap", locale__language_code="vi"
    )


@pytest.fixture
def contact(demo):
    return SimpleFormPage.objects.get(slug="gui-loi-nhan", locale__language_code="vi")


@pytest.fixture
def cta_article(demo):
    """The demo article whose body ends with a call to action to the family registration."""
    return call_to_action_article()


@pytest.fixture
def ongoing(demo):
    return CampaignPage.objects.get(slug="xay-dung-xa-hoi-hoc-tap-2023-2030")


def embed(page, form_page, display="inline", **extra):
    """Add the block to ``page``'s body as an editor would, and publish."""
    page = page.specific_class.objects.get(pk=page.pk)
    page.body.append(("embedded_form", {"page": form_page, "display": display, **extra}))
    page.save_revision().publish()
    return page


def section(html, start_at='<section class="embedded-form'):
    """The block's outer section, whatever sections the form inside holds."""
    start = html.index(start_at)
    depth = 0
    for tag in re.finditer(r"<section\b|</section>", html[start:]):
        depth += -1 if tag.group().startswith("</") else 1
        if depth == 0:
            return html[start : start + tag.end()]
    raise AssertionError("unclosed section")


def simple_data(page, **overrides):
    values = {
        "Họ và tên": "Lê Thị Thu",
        "Số điện thoại": "0987 654 321",
        "Thư điện tử": "",
        "Bạn muốn hỏi về": "Việc khác",
        "Nội dung": "Hội có lớp tin học cho người cao tuổi không?",
    }
    data = {f.clean_name: values[f.label] for f in page.form_fields.all()}
    data.update(website="", form_started=started(), **overrides)
    return data


def test_demo_article_calls_families_to_register(client, cta_article, registration):
    response = client.get(cta_article.url)
    assert response.status_code == 200
    card = section(response.content.decode())
    assert "Gia đình bạn muốn trở thành gia đình học tập?" in card
    assert "Gia đình học tập" in card and "Đăng ký" in card  # title and kind, in Vietnamese
    assert 'data-state="open"' in card
    assert f'href="{registration.url}"' in card
    assert "<form" not in card

    # Running the demo again adds nothing.
    revisions = cta_article.revisions.count()
    call_command("load_demo", stdout=open(os.devnull, "w"))
    article = call_to_action_article()
    assert [b.block_type for b in article.body].count("embedded_form") == 1
    assert article.revisions.count() == revisions


def test_card_says_when_the_form_opens_or_that_it_closed(client, cta_article, registration):
    now = timezone.now()
    ApplicationFormPage.objects.filter(pk=registration.pk).update(
        opens_at=now + datetime.timedelta(days=10)
    )
    card = section(client.get(cta_article.url).content.decode())
    when = timezone.localtime(now + datetime.timedelta(days=10)).strftime("%d/%m/%Y")
    assert 'data-state="not-yet-open"' in card and when in card
    assert "Biểu mẫu sẽ mở lúc" in card

    ApplicationFormPage.objects.filter(pk=registration.pk).update(
        opens_at=None, closes_at=now - datetime.timedelta(days=1)
    )
    card = section(client.get(cta_article.url).content.decode())
    assert 'data-state="closed"' in card and "Biểu mẫu đã đóng lúc" in card
    assert f'href="{registration.url}"' not in card


def test_unpublished_form_is_left_out(client, cta_article, registration):
    registration.unpublish()
    response = client.get(cta_article.url)
    assert response.status_code == 200
    assert 'class="embedded-form' not in response.content.decode()


def test_inline_application_form_in_a_campaign_posts_to_the_form_page(
    client, ongoing, registration, commune
):
    embed(ongoing, registration)
    response = client.get(ongoing.url)
    assert response.status_code == 200
    block = section(response.content.decode())
    assert f'action="{registration.url}"' in block
    assert 'name="phone"' in block and 'name="members-TOTAL_FORMS"' in block
    assert "Thông báo về xử lý dữ liệu cá nhân" in block or "Nghị định 13/2023" in block
    token = re.search(r'name="draft_token" value="([^"]+)"', block).group(1)

    # A mistake comes back on the form page, with the entries kept.
    bad = form_data(registration, commune, token=token, phone="12345")
    response = client.post(registration.url, bad)
    assert response.status_code == 400
    assert "Tổ dân phố 3" in response.content.decode()
    assert not Application.objects.exists()

    response = client.post(registration.url, form_data(registration, commune, token=token))
    assert response.status_code == 302
    application = Application.objects.get(submission_token=token)
    assert application.page_id == registration.pk
    assert response["Location"].endswith(f"/da-gui/{token}/")


def test_inline_simple_form_in_an_article_posts_to_its_page(client, cta_article, contact):
    embed(cta_article, contact, heading="Hỏi Hội Khuyến học")
    html = client.get(cta_article.url).content.decode()
    block = section(html, SIMPLE)
    assert "Hỏi Hội Khuyến học" in block
    assert f'action="{contact.url}"' in block
    assert "Gửi lời nhắn" in block
    # Beside the article's comment form, no id is used twice.
    ids = re.findall(r' id="([^"]+)"', html)
    assert not {i for i in ids if ids.count(i) > 1}, "duplicate ids"
    response = client.post(contact.url, simple_data(contact))
    assert response.status_code == 200
    assert FormSubmission.objects.filter(page=contact).count() == 1


def test_simple_form_as_a_card(client, cta_article, contact):
    embed(cta_article, contact, display="card")
    html = client.get(cta_article.url).content.decode()
    block = section(html, SIMPLE)
    assert f'href="{contact.url}"' in block and "<form" not in block


def _post_with_own_token(anonymous, page_url, form_page):
    html = anonymous.get(page_url).content.decode()
    token = CSRF_RE.search(section(html, SIMPLE)).group(1)
    data = simple_data(form_page, csrfmiddlewaretoken=token)
    return anonymous.post(form_page.url, data)


def test_home_page_with_an_inline_form_is_not_shared(demo, contact):
    home = embed(demo["home"], contact)
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    assert first.get(home.url)["X-Home-Cache"] == "bypass"
    response = second.get(home.url)
    assert response["X-Home-Cache"] == "bypass"
    assert "private" in response["Cache-Control"]
    response = _post_with_own_token(second, home.url, contact)
    assert response.status_code == 200
    assert FormSubmission.objects.filter(page=contact).count() == 1


def test_home_page_without_forms_is_still_cached(client, demo):
    client.get("/")
    # Only pages that use a CSRF token stay out of the shared cache.
    assert client.get("/")["X-Home-Cache"] == "hit"


def test_two_readers_of_an_article_each_post_with_their_token(cta_article, contact):
    embed(cta_article, contact)
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    assert _post_with_own_token(first, cta_article.url, contact).status_code == 200
    assert _post_with_own_token(second, cta_article.url, contact).status_code == 200
    # Without a token of its own, a post is refused.
    third = Client(enforce_csrf_checks=True)
    assert third.post(contact.url, simple_data(contact)).status_code == 403
    assert FormSubmission.objects.filter(page=contact).count() == 2


def test_queries_per_block_are_few_and_fixed(client, cta_article, registration, contact):
    """Each block costs its page's specific row and what its form needs, whatever else the
    page holds; measured once with one block of each kind, then with three of each."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    def count():
        client.get(cta_article.url)
        with CaptureQueriesContext(connection) as queries:
            assert client.get(cta_article.url).status_code == 200
        return len(queries)

    base = count()  # the demo card
    embed(cta_article, registration)
    embed(cta_article, contact)
    one_each = count()
    for _ in range(2):
        embed(cta_article, registration)
        embed(cta_article, contact)
    three_each = count()
    per_pair = (three_each - one_each) / 2
    assert one_each - base == per_pair
    # Each: the specific page; then the provinces (application) or the fields (simple form).
    assert per_pair == 4
