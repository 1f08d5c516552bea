"""Editors in the Wagtail admin: logging in, editing the page tree and site settings."""

import pytest
from wagtail.models import Page
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from home.demo import DEMO_PASSWORD
from home.models import SiteSettings, StandardPage
from tests.forms import form_values


@pytest.mark.django_db
def test_admin_login_with_the_demo_account(client, demo):
    response = client.get("/admin/login/")
    assert response.status_code == 200
    data = form_values(response.content.decode(), "form[method=post]")
    data.update({"username": "admin", "password": DEMO_PASSWORD})
    response = client.post("/admin/login/", data)
    assert response.status_code == 302
    assert client.get("/admin/").status_code == 200


@pytest.mark.django_db
def test_admin_login_refuses_a_wrong_password(client, demo):
    response = client.post("/admin/login/", {"username": "admin", "password": "sai-mat-khau"})
    assert response.status_code == 200
    assert client.get("/admin/").status_code == 302


@pytest.mark.django_db
def test_admin_is_vietnamese_by_default(admin_client):
    html = admin_client.get("/admin/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="vi"' in html
    assert "Trang tổng quan" in html  # Wagtail's own catalogue
    html = admin_client.get("/admin/settings/home/sitesettings/", follow=True).content.decode()
    assert "Nhận diện" in html and "Mạng xã hội" in html  # what this project adds
    assert "Tên Hội" in html


@pytest.mark.django_db
def test_editor_can_switch_the_admin_to_english(admin_client):
    page = admin_client.get("/admin/account/")
    data = form_values(page.content.decode(), "form[method=post]")
    data["locale-preferred_language"] = "en"
    response = admin_client.post("/admin/account/", data)
    assert response.status_code == 302
    html = admin_client.get("/admin/").content.decode()
    assert '<html lang="en"' in html
    assert "Dashboard" in html
    html = admin_client.get("/admin/settings/home/sitesettings/", follow=True).content.decode()
    assert "Identity" in html


@pytest.mark.django_db
def test_editor_adds_a_page_with_a_vietnamese_title(admin_client, demo):
    home = demo["home"]
    url = f"/admin/pages/add/home/standardpage/{home.pk}/"
    assert admin_client.get(url).status_code == 200
    data = nested_form_data(
        {
            "title": "Đơn vị học tập tiêu biểu",
            "slug": "",
            "intro": "Giới thiệu các đơn vị học tập tiêu biểu trong tỉnh.",
            "body": streamfield(
                [("paragraph", rich_text("<p>Năm 2026, toàn tỉnh có 426 đơn vị học tập.</p>"))]
            ),
            "action-publish": "publish",
        }
    )
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    page = StandardPage.objects.get(title="Đơn vị học tập tiêu biểu")
    assert page.slug == "don-vi-hoc-tap-tieu-bieu"
    assert page.live
    assert page.get_parent().pk == home.pk
    public = admin_client.get("/don-vi-hoc-tap-tieu-bieu/")
    assert public.status_code == 200
    assert "426 đơn vị học tập" in public.content.decode()


@pytest.mark.django_db
def test_editor_edits_and_moves_a_page_in_the_tree(admin_client, demo):
    contact = Page.objects.get(slug="lien-he").specific
    edit_url = f"/admin/pages/{contact.pk}/edit/"
    data = nested_form_data(
        {
            "title": "Liên hệ với Hội",
            "slug": "lien-he",
            "intro": contact.intro,
            "body": streamfield([("paragraph", rich_text("<p>Gọi 0237 385 1234.</p>"))]),
            "action-publish": "publish",
        }
    )
    response = admin_client.post(edit_url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert "Liên hệ với Hội" in admin_client.get("/lien-he/").content.decode()

    about = demo["about"]
    move_url = f"/admin/pages/{contact.pk}/move/{about.pk}/confirm/"
    response = admin_client.post(move_url)
    assert response.status_code == 302
    assert admin_client.get("/gioi-thieu/lien-he/").status_code == 200
    # Readers with the old address are sent on, not lost.
    old = admin_client.get("/lien-he/")
    assert old.status_code == 301
    assert old["Location"] == "/gioi-thieu/lien-he/"

    listing = admin_client.get(f"/admin/pages/{about.pk}/")
    assert "Liên hệ với Hội" in listing.content.decode()


@pytest.mark.django_db
def test_site_settings_are_edited_in_the_admin(admin_client, demo, client):
    url = f"/admin/settings/home/sitesettings/{demo['site'].pk}/"
    data = form_values(admin_client.get(url).content.decode(), "form[method=post]")
    data.update({"phone": "0912 345 678", "footer_text": "Nội dung chân trang mới"})
    response = admin_client.post(url, data)
    assert response.status_code == 302
    assert SiteSettings.for_site(demo["site"]).phone == "0912 345 678"
    html = client.get("/").content.decode()
    assert 'href="tel:0912345678"' in html
    assert "Nội dung chân trang mới" in html


@pytest.mark.django_db
def test_site_settings_reject_a_bad_email_in_vietnamese(admin_client, demo):
    url = f"/admin/settings/home/sitesettings/{demo['site'].pk}/"
    data = form_values(admin_client.get(url).content.decode(), "form[method=post]")
    data["email"] = "khong-phai-email"
    response = admin_client.post(url, data)
    assert response.status_code == 200
    html = response.content.decode()
    assert "Nhập địa chỉ email" in html
    assert "khong-phai-email" in html
    assert SiteSettings.for_site(demo["site"]).email == "lienhe@khuyenhoc-anbinh.example"
