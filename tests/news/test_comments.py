"""Readers' comments: held for moderation, approved in the admin, then shown; spam defences."""

import datetime
import re
from io import StringIO

import pytest
from bs4 import BeautifulSoup
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.test import Client
from django.utils import timezone
from freezegun import freeze_time
from wagtail.models import ModelLogEntry
from wagtail.rich_text import RichText

from news.models import Comment, CommentStatus, NewsArticlePage, NewsIndexPage
from tests.forms import form_values
from tests.news.test_articles import ARTICLE_QUERIES

FORM = "form.comment-form"
START = datetime.datetime(2026, 12, 1, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture
def article(demo):
    index = NewsIndexPage.objects.get(locale__language_code="vi")
    page = NewsArticlePage(
        title="Lễ tuyên dương học sinh giỏi xã Đông Hưng",
        body=[("paragraph", RichText("<p>Nội dung bài viết.</p>"))],
    )
    index.add_child(instance=page)
    page.save_revision().publish()
    return NewsArticlePage.objects.get(pk=page.pk)


def login(client, username):
    client.force_login(get_user_model().objects.get(username=username))
    return client


def comment_entries(client, article, at=START):
    """The comment form's values as the page rendered them at ``at``."""
    with freeze_time(at):
        response = client.get(article.url)
    assert response.status_code == 200
    return form_values(response.content.decode(), FORM)


def send_comment(client, article, wait=10, **entries):
    """Fetch the form, fill it in like a reader, send it ``wait`` seconds later."""
    data = comment_entries(client, article)
    data.update(entries)
    with freeze_time(START + datetime.timedelta(seconds=wait)):
        return client.post(article.url, data, HTTP_USER_AGENT="Mozilla/5.0 (Test)")


def comments_section(response):
    return BeautifulSoup(response.content.decode(), "html.parser").select_one("#binh-luan")


def add_comment(article, name, text, status=CommentStatus.APPROVED, at=START):
    return Comment.objects.create(
        article=article, name=name, text=text, status=status, created_at=at
    )


@pytest.mark.django_db
def test_comment_is_held_until_an_editor_approves_it_in_the_admin(client, article):
    response = send_comment(
        client,
        article,
        name="Nguyễn Thị Hoa",
        email="hoa@example.org",
        text="Xin chúc mừng các em học sinh xã Đông Hưng!",
    )
    # POST/redirect/GET back to the comments, with a message that the comment is held.
    assert response.status_code == 302
    assert response["Location"] == f"{article.url}#binh-luan"
    comment = Comment.objects.get(article=article)
    assert comment.status == CommentStatus.PENDING
    assert (comment.name, comment.email) == ("Nguyễn Thị Hoa", "hoa@example.org")
    assert comment.ip_address == "127.0.0.1"
    assert comment.user_agent == "Mozilla/5.0 (Test)"

    section = comments_section(client.get(response["Location"]))
    assert section.select_one(".site-messages .alert-success") is not None
    assert "Xin chúc mừng" not in section.text
    assert section.select_one("#comments-heading")["data-count"] == "0"
    # The message is shown once.
    assert comments_section(client.get(article.url)).select_one(".site-messages") is None

    # An editor finds it among the pending comments and approves it from its row.
    editor = login(client, "bientap")
    listing = editor.get("/admin/snippets/news/comment/", {"status": "pending"})
    assert listing.status_code == 200
    html = listing.content.decode()
    assert "Nguyễn Thị Hoa" in html
    approve_url = (
        BeautifulSoup(html, "html.parser")
        .find("a", href=re.compile(rf"/admin/bulk/news/comment/approve/\?id={comment.pk}&"))
        .get("href")
    )
    confirmation = editor.get(approve_url)
    assert confirmation.status_code == 200
    assert "Xin chúc mừng các em học sinh" in confirmation.content.decode()
    response = editor.post(approve_url, form_values(confirmation.content.decode(), "main form"))
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/snippets/news/comment/")

    comment.refresh_from_db()
    assert comment.status == CommentStatus.APPROVED
    assert comment.moderated_by.username == "bientap"
    assert comment.moderated_at is not None
    entry = ModelLogEntry.objects.get(object_id=str(comment.pk), action="news.comment.approve")
    assert entry.user.username == "bientap"
    # The decision shows in the comment's history in the admin.
    history = editor.get(f"/admin/snippets/news/comment/history/{comment.pk}/")
    assert history.status_code == 200
    rows = BeautifulSoup(history.content.decode(), "html.parser").select("table tbody tr")
    assert [comment.moderated_by.get_full_name() in row.text for row in rows] == [True]

    client.logout()
    section = comments_section(client.get(article.url))
    assert section.select_one("#comments-heading")["data-count"] == "1"
    shown = section.select_one(".comment")
    assert shown.select_one(".comment-name").text == "Nguyễn Thị Hoa"
    assert "Xin chúc mừng các em học sinh xã Đông Hưng!" in shown.text
    assert "hoa@example.org" not in section.text
    local = timezone.localtime(comment.created_at)
    assert re.search(rf"Thứ \w+, {local:%d/%m/%Y %H:%M}", shown.select_one("time").text)


@pytest.mark.django_db
def test_editor_rejects_from_the_bulk_action_and_it_never_shows(client, article):
    first = add_comment(article, "Khách", "Quảng cáo bán hàng", CommentStatus.PENDING)
    second = add_comment(article, "Khách 2", "Quảng cáo nữa", CommentStatus.PENDING)
    editor = login(client, "bientap")
    url = (
        f"/admin/bulk/news/comment/reject/?id={first.pk}&id={second.pk}"
        "&next=/admin/snippets/news/comment/"
    )
    confirmation = editor.get(url)
    assert confirmation.status_code == 200
    response = editor.post(url, form_values(confirmation.content.decode(), "main form"))
    assert response.status_code == 302
    assert set(Comment.objects.filter(article=article).values_list("status", flat=True)) == {
        CommentStatus.REJECTED
    }
    assert ModelLogEntry.objects.filter(action="news.comment.reject").count() == 2

    client.logout()
    section = comments_section(client.get(article.url))
    assert "Quảng cáo" not in section.text
    assert section.select_one("#comments-heading")["data-count"] == "0"


@pytest.mark.django_db
def test_listing_filters_and_search(client, article):
    add_comment(article, "Trần Văn Bình", "Bài viết rất hay", CommentStatus.APPROVED)
    add_comment(article, "Lê Thu", "Cho hỏi lịch học", CommentStatus.PENDING)
    editor = login(client, "bientap")
    url = "/admin/snippets/news/comment/"
    approved = editor.get(url, {"status": "approved", "article": article.pk}).content.decode()
    assert "Trần Văn Bình" in approved and "Lê Thu" not in approved
    found = editor.get(url, {"q": "lịch học"}).content.decode()
    assert "Lê Thu" in found and "Trần Văn Bình" not in found
    # The dashboard counts what awaits moderation and links to it.
    dashboard = editor.get("/admin/").content.decode()
    assert "/admin/snippets/news/comment/?status=pending" in dashboard


@pytest.mark.django_db
def test_contributors_cannot_moderate(client, article):
    comment = add_comment(article, "Khách", "Chờ duyệt", CommentStatus.PENDING)
    contributor = login(client, "congtacvien")
    assert contributor.get("/admin/snippets/news/comment/").status_code in (302, 403)
    url = f"/admin/bulk/news/comment/approve/?id={comment.pk}&next=/admin/"
    confirmation = contributor.get(url)
    page = confirmation.content.decode()
    assert comment.name not in page and comment.text not in page
    contributor.post(url, {})
    comment.refresh_from_db()
    assert comment.status == CommentStatus.PENDING
    assert not ModelLogEntry.objects.filter(action="news.comment.approve").exists()
    assert contributor.get(f"/admin/snippets/news/comment/edit/{comment.pk}/").status_code in (
        302,
        403,
    )


@pytest.mark.django_db
def test_approved_comments_show_oldest_first_and_others_never(client, article):
    add_comment(article, "Người thứ hai", "Bình luận sau", at=START + datetime.timedelta(hours=2))
    add_comment(article, "Người thứ nhất", "Bình luận trước", at=START)
    add_comment(article, "Chờ", "Đang chờ duyệt", CommentStatus.PENDING)
    add_comment(article, "Bị loại", "Đã bị từ chối", CommentStatus.REJECTED)
    section = comments_section(client.get(article.url))
    names = [tag.text for tag in section.select(".comment .comment-name")]
    assert names == ["Người thứ nhất", "Người thứ hai"]
    assert section.select_one("#comments-heading")["data-count"] == "2"
    assert "Đang chờ duyệt" not in section.text and "Đã bị từ chối" not in section.text


@pytest.mark.django_db
def test_comments_are_escaped(client, article):
    response = send_comment(
        client,
        article,
        name="<script>alert('ten')</script>",
        text="<script>alert('noi dung')</script>\n<b>đậm</b>",
    )
    assert response.status_code == 302
    Comment.objects.filter(article=article).update(status=CommentStatus.APPROVED)
    html = client.get(article.url).content.decode()
    assert "<script>alert(" not in html and "<b>đậm</b>" not in html
    assert "&lt;script&gt;alert(&#x27;ten&#x27;)&lt;/script&gt;" in html
    assert "&lt;b&gt;đậm&lt;/b&gt;" in html


@pytest.mark.django_db
def test_honeypot_is_refused_and_nothing_saved(client, article):
    response = send_comment(
        client, article, name="Robot", text="Mua ngay", website="https://spam.example"
    )
    assert response.status_code == 400
    assert comments_section(response).select_one(".comment-form .alert-danger") is not None
    assert not Comment.objects.filter(article=article).exists()


@pytest.mark.django_db
def test_too_fast_is_refused_and_nothing_saved(client, article):
    response = send_comment(client, article, wait=1, name="Nhanh", text="Gửi ngay lập tức")
    assert response.status_code == 400
    assert comments_section(response).select_one(".comment-form .alert-danger") is not None
    assert not Comment.objects.filter(article=article).exists()


@pytest.mark.django_db
def test_rate_limit_answers_429_after_the_allowed_number(client, article):
    allowed = int(settings.PUBLIC_FORM_RATES["comments"].split("/")[0])
    for number in range(allowed):
        response = send_comment(client, article, name=f"Bạn đọc {number}", text="Ý kiến")
        assert response.status_code == 302
    response = send_comment(client, article, name="Bạn đọc thêm", text="Ý kiến nữa")
    assert response.status_code == 429
    assert Comment.objects.filter(article=article).count() == allowed


@pytest.mark.django_db
def test_invalid_entries_come_back_with_errors_next_to_the_fields(client, article):
    response = send_comment(
        client, article, name="", email="khong-phai-email", text="Nội dung tôi đã gõ"
    )
    assert response.status_code == 400
    form = comments_section(response).select_one(FORM)
    assert "Trường này là bắt buộc." in form.select_one("#id_name").find_parent("div").text
    assert form.select_one("#id_email")["value"] == "khong-phai-email"
    assert "is-invalid" in form.select_one("#id_email")["class"]
    assert form.select_one("#id_text").text.strip() == "Nội dung tôi đã gõ"
    assert not Comment.objects.filter(article=article).exists()

    too_long = "a" * 3001
    response = send_comment(client, article, name="Dài", text=too_long)
    assert response.status_code == 400
    assert not Comment.objects.filter(article=article).exists()


@pytest.mark.django_db
def test_editor_can_turn_comments_off(client, article):
    add_comment(article, "Người cũ", "Bình luận đã duyệt")
    data = comment_entries(client, article)
    article.comments_enabled = False
    article.save_revision().publish()

    response = client.get(article.url)
    section = comments_section(response)
    assert section.select_one(FORM) is None
    assert section.select_one(".comments-closed") is not None
    assert "Bình luận đã duyệt" in section.text

    data.update(name="Vẫn gửi", text="Bình luận khi đã đóng")
    with freeze_time(START + datetime.timedelta(seconds=10)):
        response = client.post(article.url, data)
    assert response.status_code == 403
    assert not Comment.objects.filter(article=article, name="Vẫn gửi").exists()


@pytest.mark.django_db
def test_article_stays_cacheable_for_anonymous_readers(client, article):
    response = client.get(article.url)
    assert "sessionid" not in response.cookies
    assert "private" not in response.get("Cache-Control", "")
    assert "no-cache" not in response.get("Cache-Control", "")
    form = comments_section(response).select_one(FORM)
    assert form["method"] == "post" and form["action"] == f"{article.url}#binh-luan"
    assert form.select_one("input[name=csrfmiddlewaretoken]") is not None


@pytest.mark.django_db
def test_article_query_count_does_not_grow_with_comments(client, demo, django_assert_num_queries):
    # The article the page-size test in test_articles measures, with its photo and neighbours.
    article = NewsIndexPage.objects.get(locale__language_code="vi").articles.first()
    shown = Comment.objects.filter(article=article, status=CommentStatus.APPROVED).count()
    add_comment(article, "Bạn đọc", "Một bình luận")
    client.get(article.url)
    with django_assert_num_queries(ARTICLE_QUERIES):
        client.get(article.url)
    for number in range(40):
        add_comment(
            article,
            f"Bạn đọc {number}",
            "Bình luận",
            CommentStatus.APPROVED if number % 4 else CommentStatus.PENDING,
            at=START + datetime.timedelta(minutes=number),
        )
    client.get(article.url)
    with django_assert_num_queries(ARTICLE_QUERIES):
        response = client.get(article.url)
    count = comments_section(response).select_one("#comments-heading")["data-count"]
    assert count == str(shown + 31)


@pytest.mark.django_db
def test_a_comment_without_its_security_token_gets_a_readable_403(article):
    browser = Client(enforce_csrf_checks=True)
    data = comment_entries(browser, article)
    data.update(name="Bạn đọc", text="Gửi từ trang mở quá lâu", csrfmiddlewaretoken="sai")
    with freeze_time(START + datetime.timedelta(seconds=10)):
        response = browser.post(article.url, data)
    assert response.status_code == 403
    html = response.content.decode()
    assert 'class="error-page csrf-failure"' in html and "</html>" in html
    assert not Comment.objects.filter(article=article).exists()
    # With the token the page gave, the same comment goes through.
    data["csrfmiddlewaretoken"] = comment_entries(browser, article)["csrfmiddlewaretoken"]
    with freeze_time(START + datetime.timedelta(seconds=10)):
        assert browser.post(article.url, data).status_code == 302


@pytest.mark.django_db
def test_comments_are_not_written_in_the_admin(admin_client, article):
    assert admin_client.get("/admin/snippets/news/comment/add/").status_code in (302, 403)
    listing = admin_client.get("/admin/snippets/news/comment/").content.decode()
    assert "/admin/snippets/news/comment/add/" not in listing


@pytest.mark.django_db
def test_demo_has_approved_comments_and_one_waiting(demo):
    approved = Comment.objects.filter(status=CommentStatus.APPROVED)
    assert approved.count() >= 5
    assert approved.values("article").distinct().count() >= 3
    assert Comment.objects.filter(status=CommentStatus.PENDING).count() == 1
    before = Comment.objects.count()
    call_command("load_demo", stdout=StringIO())
    assert Comment.objects.count() == before
