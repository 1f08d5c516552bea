"""Contributors write and submit; editors approve and publish (Wagtail workflow)."""

import pytest
from django.contrib.auth import get_user_model
from wagtail.models import Page
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from khuyenhoc.roles import CONTRIBUTORS, EDITORS
from news.models import NewsArticlePage, NewsIndexPage


def login(client, username):
    client.force_login(get_user_model().objects.get(username=username))
    return client


def article_form(title, action):
    return nested_form_data(
        {
            "title": title,
            "slug": "",
            "date_published": "20/12/2023 17:13",
            "lead": "Bài của cộng tác viên.",
            "body": streamfield([("paragraph", rich_text("<p>Nội dung từ cơ sở.</p>"))]),
            "tags": "cộng tác viên",
            "related_links": {"TOTAL_FORMS": 0, "INITIAL_FORMS": 0},
            "comments_enabled": "on",
            action: action.removeprefix("action-"),
        }
    )


@pytest.mark.django_db
def test_demo_accounts_have_their_roles(demo):
    User = get_user_model()
    assert User.objects.get(username="bientap").groups.filter(name=EDITORS).exists()
    assert User.objects.get(username="congtacvien").groups.filter(name=CONTRIBUTORS).exists()


@pytest.mark.django_db
def test_contributor_submits_and_editor_approves(client, demo):
    index = NewsIndexPage.objects.get(locale__language_code="vi")
    contributor = login(client, "congtacvien")
    add_url = f"/admin/pages/add/news/newsarticlepage/{index.pk}/"
    assert contributor.get(add_url).status_code == 200

    # Publishing is not theirs to do: the page stays a draft.
    response = contributor.post(add_url, article_form("Tin từ xã Đông Hưng", "action-publish"))
    assert response.status_code in (302, 200)
    draft = NewsArticlePage.objects.get(title="Tin từ xã Đông Hưng")
    assert draft.slug == "tin-tu-xa-dong-hung"
    assert not draft.live

    # Submitting sends it into the editors' workflow.
    response = contributor.post(
        f"/admin/pages/{draft.pk}/edit/",
        {**article_form("Tin từ xã Đông Hưng", "action-submit"), "slug": draft.slug},
    )
    assert response.status_code == 302, response.content.decode()[:1500]
    draft.refresh_from_db()
    state = draft.current_workflow_state
    assert state is not None and state.status == "in_progress"
    assert state.current_task_state.task.name == "Biên tập viên duyệt"
    assert client.get("/tin-tuc/tin-tu-xa-dong-hung/").status_code == 404
    assert contributor.get(f"/admin/pages/{draft.pk}/edit/").status_code == 200

    # The editor approves it from the admin; it is published.
    editor = login(client, "bientap")
    task_state = state.current_task_state
    response = editor.post(
        f"/admin/pages/workflow/action/{draft.pk}/approve/{task_state.pk}/",
        {"comment": "Đã duyệt."},
    )
    assert response.status_code in (200, 302), response.content.decode()[:500]
    draft.refresh_from_db()
    assert draft.live
    editor.logout()
    assert client.get("/tin-tuc/tin-tu-xa-dong-hung/").status_code == 200


@pytest.mark.django_db
def test_contributor_cannot_edit_others_pages(client, demo):
    contributor = login(client, "congtacvien")
    article = NewsArticlePage.objects.live().first()
    response = contributor.get(f"/admin/pages/{article.pk}/edit/")
    assert response.status_code in (302, 403)
    assert not Page.objects.get(pk=article.pk).locked


@pytest.mark.django_db
def test_editor_publishes_directly(client, demo):
    index = NewsIndexPage.objects.get(locale__language_code="vi")
    editor = login(client, "bientap")
    response = editor.post(
        f"/admin/pages/add/news/newsarticlepage/{index.pk}/",
        article_form("Tin do biên tập viên đăng", "action-publish"),
    )
    assert response.status_code == 302, response.content.decode()[:1500]
    assert NewsArticlePage.objects.get(title="Tin do biên tập viên đăng").live


@pytest.mark.django_db
def test_editors_translate_pages_and_contributors_do_not(demo, client):
    article = NewsArticlePage.objects.live().filter(locale__language_code="vi").first()
    url = f"/admin/localize/submit/page/{article.pk}/"
    response = login(client, "bientap").get(url)
    assert response.status_code == 200
    assert "English" in response.content.decode()
    response = login(client, "congtacvien").get(url)
    assert response.status_code in (302, 403)
