"""Evidence files open for the staff of the application's area, and nobody else but its holder."""

import pytest
from django.contrib.auth.models import Group

from .conftest import TIEN_HAI

pytestmark = pytest.mark.django_db


def file_url(application):
    return f"/ho-so/tep/{application.files.get().pk}/"


def test_files_answer_404_outside_the_area(client, staff, make_application, django_user_model):
    mine = make_application()
    other = make_application(commune=TIEN_HAI)
    for role, allowed in [
        ("reviewer", {mine}),
        ("other_reviewer", {other}),
        ("approver", {mine, other}),
        ("admin", {mine, other}),
    ]:
        client.force_login(staff[role])
        for application in (mine, other):
            response = client.get(file_url(application))
            expected = 200 if application in allowed else 404
            assert response.status_code == expected, (role, application.code)
            if expected == 200:
                assert b"".join(response.streaming_content).startswith(b"%PDF-")
    # In the reviewers' group but with no area assigned: nothing; an editor: nothing.
    newcomer = django_user_model.objects.create_user("xetduyet.moi", password="x")
    newcomer.groups.add(Group.objects.get(name="Cán bộ xét duyệt"))
    for user in (newcomer, django_user_model.objects.get(username="bientap")):
        client.force_login(user)
        assert client.get(file_url(mine)).status_code == 404


def test_the_holder_keeps_access_by_the_link(client, make_application):
    application = make_application()
    url = file_url(application)
    assert client.get(url).status_code == 302  # to the login
    assert client.get(url, {"t": application.secret}).status_code == 200
    assert client.get(url, {"t": "X" * 32}).status_code == 404
