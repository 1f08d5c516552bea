"""What readers and editors do, in a real browser (Debian's chromium) against the live
server with the demo content: read on a phone, with and without JavaScript, switch
language, search, and write a page in the admin.
"""

import os
import re
from pathlib import Path

import pytest
from playwright.sync_api import Page, expect
from wagtail.models import Page as WagtailPage

from tests.e2e.conftest import DESKTOP, PHONE, settled

pytestmark = pytest.mark.e2e

SITE_NAME = "Hội Khuyến học tỉnh An Bình"
SITE_NAME_EN = "An Binh Provincial Study Promotion Association"
PASSWORD = "khuyenhoc-demo-2026"
SHOTS = Path("/tmp/e2e-shots")


def screenshot(page: Page, name: str):
    """Keep a full-page picture for a person to look at, only when E2E_SCREENSHOTS is set."""
    if not os.environ.get("E2E_SCREENSHOTS"):
        return
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def assert_no_horizontal_overflow(page: Page):
    sizes = page.evaluate(
        "() => ({scroll: document.documentElement.scrollWidth, inner: window.innerWidth})"
    )
    width = page.viewport_size["width"]
    assert sizes["inner"] == width, sizes
    assert sizes["scroll"] <= width, f"page is wider than the phone: {sizes} on {page.url}"


def main_menu(page: Page, name="Trình đơn chính"):
    return page.get_by_role("navigation", name=name)


def h1(page: Page):
    return page.get_by_role("heading", level=1)


# --- Readers ---------------------------------------------------------------------------


def test_phone_reader_skips_to_content_and_opens_about(site, browser_page):
    page = browser_page
    page.goto(site["url"] + "/")

    expect(page.locator("html")).to_have_attribute("lang", "vi")
    expect(page).to_have_title(re.compile(re.escape(SITE_NAME)))
    expect(page.locator("header .site-name")).to_have_text(SITE_NAME)
    expect(page.locator("header .site-name")).to_be_visible()
    expect(page.locator("main")).to_contain_text("Cùng nhau xây dựng xã hội học tập")

    # The first Tab lands on the skip link, which then shows on screen.
    page.keyboard.press("Tab")
    focused = page.locator(":focus")
    expect(focused).to_have_text("Chuyển đến nội dung chính")
    expect(focused).to_have_attribute("href", "#main-content")
    expect(focused).to_be_in_viewport()
    page.keyboard.press("Enter")
    expect(page).to_have_url(site["url"] + "/#main-content")
    expect(page.locator("#main-content")).to_be_focused()

    # The menu is there on a phone without opening anything.
    page.evaluate("window.scrollTo(0, 0)")
    menu = main_menu(page)
    for title in ["Tin tức", "Giới thiệu", "Liên hệ", "Văn bản"]:
        link = menu.get_by_role("link", name=title, exact=True)
        expect(link).to_be_visible()
        expect(link).to_be_in_viewport()
    expect(menu.get_by_role("link", name="Trang chủ")).to_have_attribute("aria-current", "page")
    assert_no_horizontal_overflow(page)
    screenshot(page, "phone-home")

    menu.get_by_role("link", name="Giới thiệu", exact=True).click()
    expect(page).to_have_url(site["url"] + "/gioi-thieu/")
    expect(h1(page)).to_have_text("Giới thiệu")
    expect(page.locator("main")).to_contain_text("Tôn chỉ, mục đích")
    expect(main_menu(page).get_by_role("link", name="Giới thiệu", exact=True)).to_have_attribute(
        "aria-current", "page"
    )
    # The demo photo fits the phone's width.
    photo = page.locator("main img").first
    expect(photo).to_be_visible()
    assert photo.bounding_box()["width"] <= PHONE["viewport"]["width"]
    assert_no_horizontal_overflow(page)
    screenshot(page, "phone-about")


def test_pages_are_readable_without_javascript(site, new_page):
    page = new_page(PHONE, java_script_enabled=False)
    page.goto(site["url"] + "/")
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    expect(page.locator("header .site-name")).to_have_text(SITE_NAME)
    expect(page.locator("main")).to_contain_text("Hội Khuyến học làm gì?")
    menu = main_menu(page)
    for title in ["Trang chủ", "Giới thiệu", "Liên hệ"]:
        expect(menu.get_by_role("link", name=title, exact=True)).to_be_visible()
    expect(page.get_by_role("searchbox", name="Tìm kiếm trên trang")).to_be_visible()
    assert_no_horizontal_overflow(page)

    menu.get_by_role("link", name="Giới thiệu", exact=True).click()
    expect(page).to_have_url(site["url"] + "/gioi-thieu/")
    expect(h1(page)).to_have_text("Giới thiệu")
    expect(page.locator("main")).to_contain_text(
        "Học tập không chỉ ở trường, mà ở mọi nơi, mọi lúc và suốt cả cuộc đời."
    )
    expect(main_menu(page).get_by_role("link", name="Liên hệ", exact=True)).to_be_visible()
    assert_no_horizontal_overflow(page)


def test_language_switcher_goes_to_the_translation_and_back(site, browser_page):
    page = browser_page
    page.goto(site["url"] + "/gioi-thieu/")
    switcher = page.get_by_role("navigation", name="Ngôn ngữ")
    expect(switcher.locator("[aria-current]")).to_have_text("Tiếng Việt")

    switcher.get_by_role("link", name="English").click()
    expect(page).to_have_url(site["url"] + "/en/about/")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(h1(page)).to_have_text("About us")
    expect(page.locator("header .site-name")).to_have_text(SITE_NAME_EN)
    expect(page.locator("main")).to_contain_text("Purpose")
    # The chrome around the page speaks English too.
    expect(page.locator(".skip-link")).to_have_text("Skip to main content")
    english = page.get_by_role("navigation", name="Language")
    expect(english.locator("[aria-current]")).to_have_text("English")
    assert_no_horizontal_overflow(page)

    english.get_by_role("link", name="Tiếng Việt").click()
    expect(page).to_have_url(site["url"] + "/gioi-thieu/")
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    expect(h1(page)).to_have_text("Giới thiệu")


def test_search_from_the_header_box(site, browser_page):
    page = browser_page
    page.goto(site["url"] + "/")
    box = page.get_by_role("searchbox", name="Tìm kiếm trên trang")
    box.press_sequentially("tôn chỉ")
    box.press("Enter")

    expect(page).to_have_url(re.compile(r"/tim-kiem/\?q=t%C3%B4n\+ch%E1%BB%89$"))
    expect(h1(page)).to_have_text("Tìm kiếm")
    expect(page.get_by_role("status")).to_contain_text("kết quả cho “tôn chỉ”")
    results = page.locator("ol.search-results")
    result = results.get_by_role("link", name="Giới thiệu", exact=True)
    expect(result).to_be_visible()
    expect(result).to_have_attribute("href", "/gioi-thieu/")
    # Only pages in the reader's language.
    expect(results.get_by_role("link", name="About us")).to_have_count(0)
    assert_no_horizontal_overflow(page)

    result.click()
    expect(page).to_have_url(site["url"] + "/gioi-thieu/")
    expect(h1(page)).to_have_text("Giới thiệu")


def test_search_for_a_pasted_link_fits_the_phone(site, browser_page):
    page = browser_page
    link = "https://www.facebook.com/khuyenhocanbinh.example/posts/1234567890"
    page.goto(site["url"] + "/")
    box = page.get_by_role("searchbox", name="Tìm kiếm trên trang")
    box.fill(link)
    box.press("Enter")
    expect(page.get_by_role("status")).to_contain_text(link)
    assert_no_horizontal_overflow(page)


# --- Editors ---------------------------------------------------------------------------


def log_in(page: Page, url: str, username="admin"):
    page.goto(url + "/admin/login/")
    page.locator("input[name=username]").fill(username)
    page.locator("input[name=password]").fill(PASSWORD)
    page.locator("form button[type=submit]").click()
    expect(page).to_have_url(url + "/admin/")


def open_new_standard_page(page: Page, url: str, parent_id: int):
    page.goto(f"{url}/admin/pages/add/home/standardpage/{parent_id}/")
    title = page.locator("input[name=title]")
    expect(title).to_be_editable()
    return title, page.locator("input[name=slug]")


def test_editor_publishes_a_page_with_a_vietnamese_slug(site, new_page):
    page = new_page(DESKTOP)
    log_in(page, site["url"])
    title, slug = open_new_standard_page(page, site["url"], site["home"].pk)

    # Typed as a person does, one key at a time.
    title.press_sequentially("Đơn vị học tập tiêu biểu năm 2026")
    expect(slug).to_have_value("don-vi-hoc-tap-tieu-bieu-nam-2026")
    # The editor can see it in the Promote tab, named in Vietnamese like the whole admin.
    page.get_by_role("tab", name="Quảng bá").click()
    expect(slug).to_be_visible()
    expect(slug).to_have_value("don-vi-hoc-tap-tieu-bieu-nam-2026")
    page.get_by_role("tab", name="Nội dung").click()

    # Publish is in the dropdown next to "Save draft".
    publish = page.locator("button[name=action-publish]")
    page.locator(".w-dropdown", has=publish).locator(".w-dropdown__toggle").click()
    expect(publish).to_be_visible()
    publish.click()
    expect(page).to_have_url(re.compile(rf"/admin/pages/{site['home'].pk}/$"))

    settled(page)
    created = WagtailPage.objects.get(slug="don-vi-hoc-tap-tieu-bieu-nam-2026")
    assert created.live
    assert created.get_parent().pk == site["home"].pk

    response = page.goto(site["url"] + "/don-vi-hoc-tap-tieu-bieu-nam-2026/")
    assert response.status == 200
    expect(h1(page)).to_have_text("Đơn vị học tập tiêu biểu năm 2026")
    expect(page.locator("html")).to_have_attribute("lang", "vi")


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("Hội Khuyến học: tọa đàm – 2026", "hoi-khuyen-hoc-toa-dam-2026"),
        ("ĐẠI HỘI ĐẠI BIỂU Hội Khuyến học lần thứ V", "dai-hoi-dai-bieu-hoi-khuyen-hoc-lan-thu-v"),
    ],
)
def test_admin_slug_folds_vietnamese_with_punctuation_and_capitals(site, new_page, typed, expected):
    page = new_page(DESKTOP)
    log_in(page, site["url"])
    title, slug = open_new_standard_page(page, site["url"], site["home"].pk)
    title.press_sequentially(typed)
    expect(slug).to_have_value(expected)
    # Leaving the field does not change it either.
    title.blur()
    expect(slug).to_have_value(expected)
    assert "dj" not in slug.input_value()


def test_phone_reader_follows_the_news_and_finds_a_document(site, browser_page):
    page = browser_page
    page.goto(site["url"] + "/")
    main_menu(page).get_by_role("link", name="Tin tức", exact=True).click()
    expect(page).to_have_url(site["url"] + "/tin-tuc/")
    expect(h1(page)).to_have_text("Tin tức")
    page.get_by_role("link", name="Gương sáng hiếu học", exact=True).click()
    expect(page).to_have_url(site["url"] + "/tin-tuc/chuyen-muc/guong-sang-hieu-hoc/")
    first = page.locator("main article h3 a").first
    title = first.inner_text()
    first.click()
    expect(h1(page)).to_have_text(title)
    expect(page.get_by_text("Ảnh: Hội Khuyến học tỉnh An Bình").first).to_be_visible()
    expect(page.get_by_role("navigation", name="Chia sẻ bài viết")).to_be_visible()
    expect(page.get_by_role("heading", name="Tin liên quan")).to_be_visible()
    assert_no_horizontal_overflow(page)

    # The document library's filters work with a plain form submit.
    page.goto(site["url"] + "/van-ban/")
    page.get_by_label("Số hiệu").fill("135 kh ubnd")
    page.get_by_role("button", name="Lọc").click()
    expect(page.get_by_role("status")).to_have_text("1 văn bản")
    page.get_by_role("link", name="135/KH-UBND").click()
    expect(page.locator("dl.document-meta")).to_contain_text("UBND tỉnh An Bình")
    expect(page.get_by_role("link", name="Tải về")).to_be_visible()
    assert_no_horizontal_overflow(page)
