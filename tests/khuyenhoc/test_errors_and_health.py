from unittest import mock

import pytest
from django.db import OperationalError


@pytest.mark.django_db
def test_404_page_is_friendly_and_vietnamese(client, demo):
    response = client.get("/trang-khong-ton-tai/")
    assert response.status_code == 404
    html = response.content.decode()
    assert "Không tìm thấy trang" in html
    assert "Về trang chủ" in html
    # The 404 page keeps the site's header and footer.
    assert "Hội Khuyến học tỉnh An Bình" in html
    assert '<html lang="vi">' in html


@pytest.mark.django_db
def test_404_page_in_english(client, demo):
    response = client.get("/en/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


@pytest.mark.django_db
def test_500_page_is_vietnamese_and_does_not_need_the_database(client, demo):
    client.raise_request_exception = False
    with mock.patch("home.views.Paginator", side_effect=RuntimeError("boom")):
        response = client.get("/tim-kiem/", {"q": "học"})
    assert response.status_code == 500
    html = response.content.decode()
    assert "Đã có lỗi xảy ra" in html
    assert "boom" not in html


@pytest.mark.django_db
def test_healthz_answers_200_when_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}
    assert "no-cache" in response["Cache-Control"]


@pytest.mark.django_db
def test_healthz_answers_503_when_the_database_does_not(client):
    with mock.patch(
        "khuyenhoc.views.connection.cursor", side_effect=OperationalError("connection refused")
    ):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "unavailable"
