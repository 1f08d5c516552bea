from decimal import Decimal

from forms_app.models import Application, CriteriaSet
from tests.forms import form_values

from .conftest import form_data


def _edit_url(criteria_set):
    return f"/admin/snippets/forms_app/criteriaset/edit/{criteria_set.pk}/"


def test_demo_sets_follow_the_public_shape(demo):
    family = CriteriaSet.objects.get(title="family")
    assert family.max_total() == 100
    assert [c.max_points for c in family.criteria.all()][:2] == [30, 30]
    assert family.rating_for(Decimal(90)) == "Tốt"
    assert family.rating_for(Decimal(70)) == "Khá"
    assert family.rating_for(Decimal(49)) is None
    assert CriteriaSet.objects.values("title").distinct().count() == 5


def test_unused_set_can_be_edited(admin_client):
    criteria_set = CriteriaSet.objects.get(title="clan")
    response = admin_client.get(_edit_url(criteria_set))
    assert response.status_code == 200
    data = form_values(response.content.decode(), "form[data-edit-form]")
    data["criteria-0-max_points"] = "40"
    response = admin_client.post(_edit_url(criteria_set), data)
    assert response.status_code == 302
    assert criteria_set.criteria.first().max_points == 40


def test_set_in_use_is_locked_and_can_be_versioned(admin_client, client, pages, commune):
    page = pages["dong-ho-hoc-tap"]
    assert client.post(page.url, form_data(page, commune)).status_code == 302
    criteria_set = page.criteria_set
    assert criteria_set.is_locked
    response = admin_client.get(_edit_url(criteria_set))
    data = form_values(response.content.decode(), "form[data-edit-form]")
    data["criteria-0-max_points"] = "50"
    response = admin_client.post(_edit_url(criteria_set), data)
    assert response.status_code == 200  # the form comes back with the reason
    assert criteria_set.criteria.first().max_points == 35
    assert Application.objects.get().self_total == criteria_set.max_total() - 15
    # A new version copies everything and is editable.
    response = admin_client.post(f"/admin/criteria-sets/{criteria_set.pk}/new-version/")
    assert response.status_code == 302
    copy = CriteriaSet.objects.get(previous_version=criteria_set)
    assert copy.version == 2 and not copy.is_locked
    assert [c.code for c in copy.criteria.all()] == [c.code for c in criteria_set.criteria.all()]
    assert copy.thresholds.count() == 3


def test_contributor_cannot_make_versions(client, demo, django_user_model):
    client.force_login(django_user_model.objects.get(username="congtacvien"))
    criteria_set = CriteriaSet.objects.first()
    response = client.post(f"/admin/criteria-sets/{criteria_set.pk}/new-version/")
    assert response.status_code in (302, 403)
    assert CriteriaSet.objects.count() == 5
