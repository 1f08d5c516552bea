"""A reader comments from a phone; an editor approves it in the admin; the reader sees it."""

import pytest
from playwright.sync_api import expect

from news.forms import CommentForm
from news.models import Comment, CommentStatus, NewsIndexPage
from tests.e2e.conftest import DESKTOP
from tests.e2e.test_journeys import assert_no_horizontal_overflow, log_in

pytestmark = pytest.mark.e2e


def test_reader_comments_and_an_editor_approves_it(site, browser_page, new_page):
    article = NewsIndexPage.objects.get(locale__language_code="vi").articles.first()
    page = browser_page
    page.goto(site["url"] + article.url)
    form = page.locator("form.comment-form")
    form.scroll_into_view_if_needed()
    # People never see the honeypot.
    expect(page.locator("#id_website")).not_to_be_in_viewport()
    form.locator("#id_name").fill("Hoàng Thị Thu")
    form.locator("#id_text").fill("Bài viết rất bổ ích, cảm ơn Hội!")
    assert_no_horizontal_overflow(page)
    # A person takes more than the minimum fill time.
    page.wait_for_timeout(CommentForm.min_fill_seconds * 1000 + 300)
    form.locator("button[type=submit]").click()

    page.wait_for_url(f"**{article.url}#binh-luan")
    expect(page.locator("#binh-luan .site-messages .alert-success")).to_be_visible()
    expect(page.locator("#binh-luan .comment-list")).not_to_contain_text("Bài viết rất bổ ích")
    comment = Comment.objects.get(name="Hoàng Thị Thu")
    assert comment.status == CommentStatus.PENDING

    admin = new_page(DESKTOP)
    log_in(admin, site["url"], username="bientap")
    admin.goto(site["url"] + "/admin/snippets/news/comment/?status=pending")
    row = admin.locator("tr", has_text="Hoàng Thị Thu")
    expect(row).to_be_visible()
    row.get_by_role("button", name="Hoàng Thị Thu").click()
    row.locator(f'a[href*="/admin/bulk/news/comment/approve/?id={comment.pk}"]').click()
    expect(admin.locator("main")).to_contain_text("Bài viết rất bổ ích")
    admin.locator("main form button[type=submit]").click()
    admin.wait_for_url("**/admin/snippets/news/comment/**")

    page.reload()
    expect(page.locator("#binh-luan .comment-list")).to_contain_text(
        "Bài viết rất bổ ích, cảm ơn Hội!"
    )
