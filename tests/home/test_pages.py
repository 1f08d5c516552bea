"""What a reader meets: the home page and general pages, in both languages."""

import re

import pytest

from home.models import StandardPage


@pytest.mark.django_db
def test_home_page_in_vietnamese(client, demo):
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="vi">' in html
    assert "Hội Khuyến học tỉnh An Bình" in html
    assert "Cùng nhau xây dựng xã hội học tập" in html
    # Skip link, landmarks and the search box are there for every reader.
    assert '<a class="skip-link" href="#main-content">Chuyển đến nội dung chính</a>' in html
    assert '<main id="main-content"' in html
    assert "<header" in html and "<footer" in html
    assert 'aria-label="Trình đơn chính"' in html
    assert 'action="/tim-kiem/"' in html
    # Bootstrap comes from our own static files, never a CDN.
    assert "/static/vendor/bootstrap/bootstrap.min.css" in html
    # Every stylesheet and script is served by us: no other host (a rendition's
    # random file name may well contain "cdn", so the tags are what is checked).
    assets = re.findall(r"<(?:script|link)\b[^>]*?(?:src|href)=\"([^\"]+)\"", html)
    assert assets
    assert all(url.startswith("/") and not url.startswith("//") for url in assets), assets


@pytest.mark.django_db
def test_home_page_in_english(client, demo):
    response = client.get("/en/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="en">' in html
    assert "An Binh Provincial Study Promotion Association" in html
    assert "Building a learning society together" in html
    assert "Skip to main content" in html
    assert 'action="/en/search/"' in html


@pytest.mark.django_db
def test_navigation_comes_from_the_page_tree(client, demo):
    html = client.get("/").content.decode()
    for title, url in [
        ("Tin tức", "/tin-tuc/"),
        ("Giới thiệu", "/gioi-thieu/"),
        ("Liên hệ", "/lien-he/"),
        ("Văn bản", "/van-ban/"),
    ]:
        assert f'<a href="{url}">{title}</a>' in html
    # The privacy notice is linked from the footer, not the menu.
    assert '<a href="/chinh-sach-bao-ve-du-lieu-ca-nhan/">' not in html.split("<main")[0]

    contact = demo["home"].get_children().get(slug="lien-he").specific
    contact.show_in_menus = False
    contact.save_revision().publish()
    assert 'href="/lien-he/"' not in client.get("/").content.decode()


@pytest.mark.django_db
def test_english_menu_lists_only_translated_pages(client, demo):
    html = client.get("/en/").content.decode()
    assert '<a href="/en/about/">About us</a>' in html
    assert "/lien-he/" not in html


@pytest.mark.django_db
def test_general_page_with_photo_caption_and_credit(client, demo):
    response = client.get("/gioi-thieu/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<h1>Giới thiệu</h1>" in html
    assert "Một buổi sinh hoạt tại Trung tâm học tập cộng đồng" in html
    assert "Ảnh: Hội Khuyến học tỉnh An Bình" in html
    assert "<picture>" in html and 'type="image/avif"' in html and 'type="image/webp"' in html
    assert 'loading="lazy"' in html
    assert 'aria-current="page"' in html


@pytest.mark.django_db
def test_language_switcher_links_to_the_translation(client, demo):
    html = client.get("/gioi-thieu/").content.decode()
    assert '<a href="/en/about/" lang="en" hreflang="en">English</a>' in html
    html = client.get("/en/about/").content.decode()
    assert '<a href="/gioi-thieu/" lang="vi" hreflang="vi">Tiếng Việt</a>' in html
    # A page with no English translation offers the English home page instead.
    html = client.get("/lien-he/").content.decode()
    assert '<a href="/en/" lang="en" hreflang="en">English</a>' in html


@pytest.mark.django_db
def test_footer_shows_the_contacts_from_site_settings(client, demo):
    html = client.get("/").content.decode()
    assert "Số 12 đường Lê Lợi, phường Trung Tâm, tỉnh An Bình" in html
    assert 'href="tel:02373851234"' in html
    assert 'href="mailto:lienhe@khuyenhoc-anbinh.example"' in html
    assert "https://zalo.me/khuyenhocanbinh.example" in html
    assert "trang trình diễn" in html
    footer = html.split("<footer")[1]
    assert (
        '<a href="/chinh-sach-bao-ve-du-lieu-ca-nhan/">Chính sách bảo vệ dữ liệu cá nhân</a>'
        in footer
    )
    html_en = client.get("/en/").content.decode()
    assert "Website of the An Binh Provincial Study Promotion Association" in html_en


@pytest.mark.django_db
def test_page_titles_are_escaped(client, demo):
    about = demo["about"]
    about.title = '<script>alert("x")</script> Giới thiệu'
    about.save_revision().publish()
    html = client.get("/gioi-thieu/").content.decode()
    assert '<script>alert("x")</script>' not in html
    assert "&lt;script&gt;" in html


# Uncached page: the page by its remembered route and the demo's blocks (news, campaigns,
# documents: see tests/home/test_blocks.py). The site, the route, the settings, the home
# page's address, the privacy link, the menu and the language links are cached with the
# content.
HOME_PAGE_QUERIES = 6


@pytest.mark.django_db
def test_home_page_query_count_does_not_grow_with_pages(client, demo, django_assert_num_queries):
    from home import cache as home_cache
    from home.models import StandardPage

    client.get("/")  # warm what lives for the process (content types, site root paths)
    home_cache.invalidate()  # measure the page itself, not its cached copy
    with django_assert_num_queries(HOME_PAGE_QUERIES):
        client.get("/")
    for number in range(5):
        page = StandardPage(title=f"Trang thêm {number}", show_in_menus=True)
        demo["home"].add_child(instance=page)
        page.save_revision().publish()
    client.get("/")
    home_cache.invalidate()
    with django_assert_num_queries(HOME_PAGE_QUERIES):
        response = client.get("/")
    assert "Trang thêm 4" in response.content.decode()


@pytest.mark.django_db
def test_search_finds_pages_in_the_current_language(client, demo):
    response = client.get("/tim-kiem/", {"q": "Tôn chỉ"})
    assert response.status_code == 200
    html = response.content.decode()
    assert '<a href="/gioi-thieu/">Giới thiệu</a>' in html
    assert "kết quả cho “Tôn chỉ”" in html
    html_en = client.get("/en/search/", {"q": "purpose"}).content.decode()
    assert '<a href="/en/about/">About us</a>' in html_en


@pytest.mark.django_db
@pytest.mark.parametrize(
    "params",
    [
        {"q": ""},
        {"q": "x" * 10_000},
        {"q": "' OR 1=1; --"},
        {"q": '"học" AND (khuyến OR NOT)'},
        {"q": "học", "page": "999"},
        {"q": "học", "page": "abc"},
        {"q": "\x00\x1f học"},
        {"q": '"học'},
        {"q": "học*"},
        {"q": "NEAR(học khuyến)"},
        {"q": "học^2 -khuyến +đơn"},
    ],
)
def test_search_bad_input_gives_a_normal_page(client, demo, params):
    response = client.get("/tim-kiem/", params)
    assert response.status_code == 200
    assert "<h1>Tìm kiếm</h1>" in response.content.decode()


@pytest.mark.django_db
def test_sitemap_lists_pages_in_both_languages(client, demo):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200
    xml = response.content.decode()
    for path in ["/", "/gioi-thieu/", "/lien-he/", "/en/", "/en/about/"]:
        assert f"<loc>http://localhost{path}</loc>" in xml


@pytest.mark.django_db
def test_search_that_the_backend_rejects_gives_a_message(client, demo):
    from unittest import mock

    from django.db import DatabaseError

    with mock.patch("home.views.Paginator.get_page", side_effect=DatabaseError("fts5")):
        response = client.get("/tim-kiem/", {"q": "học"})
    assert response.status_code == 200
    assert "Không thể tìm kiếm với các từ này" in response.content.decode()


@pytest.mark.django_db
def test_admin_login_needs_the_csrf_token(demo):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    response = strict.post("/admin/login/", {"username": "admin", "password": "x"})
    assert response.status_code == 403


@pytest.mark.django_db
def test_a_section_page_leads_to_its_live_subpages(client, demo):
    about = demo["about"]
    child = about.add_child(instance=StandardPage(title="Ban chấp hành", slug="ban-chap-hanh"))
    child.save_revision().publish()
    draft = about.add_child(instance=StandardPage(title="Bản nháp", slug="ban-nhap", live=False))
    html = client.get(about.url).content.decode()
    assert f'href="{child.url}"' in html and "Ban chấp hành" in html
    assert draft.title not in html
