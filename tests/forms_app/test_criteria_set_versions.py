"""The admin's "New version" button for criteria sets (Vietnamese "Tạo phiên bản mới")."""

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import Group, Permission

from forms_app.models import CriteriaSet

INDEX_URL = "/admin/snippets/forms_app/criteriaset/"


def edit_url(criteria_set):
    return f"{INDEX_URL}edit/{criteria_set.pk}/"


def new_version_url(criteria_set):
    return f"/admin/criteria-sets/{criteria_set.pk}/new-version/"


def new_version_buttons(response, criteria_set):
    soup = BeautifulSoup(response.content, "html.parser")
    selector = f'button[data-w-action-url-value="{new_version_url(criteria_set)}"]'
    return soup.select(selector)


@pytest.fixture
def editor(client, demo, django_user_model):
    """Staff who may change criteria sets but not add them: no new versions."""
    group = Group.objects.create(name="Sửa bộ tiêu chí")
    group.permissions.add(
        Permission.objects.get(codename="access_admin"),
        Permission.objects.get(codename="change_criteriaset"),
    )
    user = django_user_model.objects.create_user("bientap-tieuchi", password="x")
    user.groups.add(group)
    client.force_login(user)
    return user


@pytest.mark.parametrize("where", ["edit", "listing"])
def test_button_posts_to_new_version(admin_client, where):
    criteria_set = CriteriaSet.objects.get(title="family")
    response = admin_client.get(edit_url(criteria_set) if where == "edit" else INDEX_URL)
    assert response.status_code == 200
    [button] = new_version_buttons(response, criteria_set)
    # Wagtail's w-action controller sends a POST with the CSRF token, never a GET.
    assert button["data-controller"] == "w-action"
    assert button["data-action"] == "w-action#post"
    assert button.get_text(strip=True) in ("New version", "Tạo phiên bản mới")


def test_posting_makes_the_copy_and_opens_it(client, admin_user):
    """Through a client that enforces CSRF, as the admin's browser does."""
    from django.test import Client

    browser = Client(enforce_csrf_checks=True)
    browser.force_login(admin_user)
    criteria_set = CriteriaSet.objects.get(title="family")
    browser.get(edit_url(criteria_set))
    assert browser.post(new_version_url(criteria_set)).status_code == 403  # no token
    assert not CriteriaSet.objects.filter(previous_version=criteria_set).exists()

    token = browser.cookies["csrftoken"].value
    response = browser.post(new_version_url(criteria_set), {"csrfmiddlewaretoken": token})
    copy = CriteriaSet.objects.get(previous_version=criteria_set)
    assert response.status_code == 302
    assert response["Location"] == edit_url(copy)
    assert copy.version == 2
    assert [c.code for c in copy.criteria.all()] == [c.code for c in criteria_set.criteria.all()]
    # The copy can be versioned in turn.
    assert len(new_version_buttons(browser.get(edit_url(copy)), copy)) == 1


def test_no_button_without_add_permission(client, editor):
    criteria_set = CriteriaSet.objects.get(title="family")
    response = client.get(edit_url(criteria_set))
    assert response.status_code == 200
    assert new_version_buttons(response, criteria_set) == []
    response = client.get(INDEX_URL)
    assert response.status_code == 200
    assert criteria_set.name in response.content.decode()
    assert new_version_buttons(response, criteria_set) == []
    # Wagtail answers a refused admin request by going back to the dashboard.
    response = client.post(new_version_url(criteria_set))
    assert (response.status_code, response["Location"]) == (302, "/admin/")
    assert CriteriaSet.objects.count() == 5
