import re

import pytest

from khuyenhoc.text import fold, slug_js_formatters, slugify_vi

TITLES = [
    (
        "Hội Khuyến học Thái Bình và Nghệ An tọa đàm",
        "hoi-khuyen-hoc-thai-binh-va-nghe-an-toa-dam",
    ),
    ("Đơn vị học tập", "don-vi-hoc-tap"),
    ("ĐẠI HỘI ĐẠI BIỂU HỘI KHUYẾN HỌC", "dai-hoi-dai-bieu-hoi-khuyen-hoc"),
    ("Gia đình học tập năm 2026", "gia-dinh-hoc-tap-nam-2026"),
    ("Dòng họ học tập", "dong-ho-hoc-tap"),
    ("Cộng đồng học tập: thôn Đông Hưng", "cong-dong-hoc-tap-thon-dong-hung"),
    ("Công dân học tập – mỗi người dân tự học", "cong-dan-hoc-tap-moi-nguoi-dan-tu-hoc"),
    ("Quỹ khuyến học, học bổng “Vì em hiếu học”", "quy-khuyen-hoc-hoc-bong-vi-em-hieu-hoc"),
    ("Quảng Trị, Huế & Đà Nẵng", "quang-tri-hue-da-nang"),
    ("Kế hoạch 135/KH-UBND", "ke-hoach-135kh-ubnd"),
    ("  Ươm mầm   tài năng trẻ  ", "uom-mam-tai-nang-tre"),
    ("Trung tâm học tập cộng đồng (TTHTCĐ)", "trung-tam-hoc-tap-cong-dong-tthtcd"),
]


@pytest.mark.parametrize(("title", "slug"), TITLES)
def test_slugify_vi_folds_vietnamese_titles(title, slug):
    assert slugify_vi(title) == slug


def test_fold_keeps_case_and_spacing_and_turns_d_stroke_into_d():
    assert fold("Đơn vị HỌC TẬP đồng") == "Don vi HOC TAP dong"
    assert fold("") == ""


def test_fold_handles_decomposed_input():
    # Phones and some editors send letters and marks separately (NFD).
    decomposed = "Khuye\u0302\u0301n ho\u0323c"
    assert fold(decomposed) == "Khuyen hoc"


def _apply_like_the_admin(title):
    """What Wagtail's slug widget does with our formatters, in the same order."""
    for pattern, replacement in slug_js_formatters():
        title = re.sub(pattern, replacement, title)
    title = re.sub(r"\s+", "-", title.strip())
    return re.sub(r"[^A-Za-z0-9\-_]", "", title).lower()


@pytest.mark.parametrize(("title", "slug"), TITLES[:6])
def test_admin_formatters_agree_with_the_server(title, slug):
    assert _apply_like_the_admin(title) == slug


def test_formatters_cover_every_vietnamese_vowel_and_d():
    covered = "".join(pattern for pattern, _ in slug_js_formatters())
    for char in "àáảãạăằắẳẵặâầấẩẫậèéẻẽẹêềếểễệìíỉĩịòóỏõọôồốổỗộơờớởỡợùúủũụưừứửữựỳýỷỹỵđĐ":
        assert char in covered, char


@pytest.mark.django_db
def test_pages_made_in_code_get_folded_slugs(demo):
    from home.models import StandardPage

    page = StandardPage(title="Đơn vị học tập tiêu biểu")
    demo["home"].add_child(instance=page)
    assert page.slug == "don-vi-hoc-tap-tieu-bieu"
    twin = StandardPage(title="Đơn vị học tập tiêu biểu")
    demo["home"].add_child(instance=twin)
    assert twin.slug == "don-vi-hoc-tap-tieu-bieu-2"
