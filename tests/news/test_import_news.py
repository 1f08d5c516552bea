"""Moving old articles in: `manage.py import_news FILE.jsonl [--publish] [--index PAGE_ID]`."""

import datetime
import hashlib
import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from PIL import Image as PILImage
from wagtail.images import get_image_model

from news.models import NewsArticlePage, NewsCategory, NewsIndexPage

Image = get_image_model()


@pytest.fixture
def news_index(demo):
    return NewsIndexPage.objects.get(locale__language_code="vi")


def write_jsonl(path, *lines):
    """Each line is a dict (written as JSON) or a string written as it is."""
    path.parent.mkdir(parents=True, exist_ok=True)
    text = "\n".join(
        line if isinstance(line, str) else json.dumps(line, ensure_ascii=False) for line in lines
    )
    path.write_text(text + "\n", encoding="utf-8")
    return path


def make_picture(path, image_format="JPEG", colour="#0b5394", size=(80, 60)):
    path.parent.mkdir(parents=True, exist_ok=True)
    PILImage.new("RGB", size, colour).save(path, format=image_format)
    return path


def run(path, *args, **options):
    out, err = StringIO(), StringIO()
    call_command("import_news", str(path), *args, stdout=out, stderr=err, **options)
    return out.getvalue(), err.getvalue()


def run_failing(path, *args):
    out, err = StringIO(), StringIO()
    with pytest.raises(CommandError) as raised:
        call_command("import_news", str(path), *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue(), raised.value


def article(title="Trao học bổng cho học sinh vượt khó", **fields):
    return {
        "title": title,
        "published_at": "2023-12-20T17:13:00+07:00",
        "body": ["Đoạn thứ nhất.", "Đoạn thứ hai."],
        **fields,
    }


def articles_under(index):
    return NewsArticlePage.objects.child_of(index)


def body_types(page):
    return [block.block_type for block in page.body]


@pytest.mark.django_db
def test_clean_file_imports_every_field(news_index, tmp_path, client):
    folder = tmp_path / "export"
    make_picture(folder / "anh" / "le-trao.jpg")
    source = write_jsonl(
        folder / "tin-cu.jsonl",
        {
            "title": "Hội Khuyến học xã Đông Hưng trao 50 suất học bổng",
            "published_at": "2023-12-20T17:13:00+07:00",
            "lead": "Sáng 20/12, Hội Khuyến học xã Đông Hưng trao học bổng.",
            "body": ["Học sinh <giỏi> & chăm ngoan.", "  ", "Đoạn thứ hai."],
            "author": "Minh Anh",
            "source_name": "Báo An Bình",
            "source_url": "https://example.org/tin/123",
            "category": "hoạt động khuyến học",
            "tags": ["học bổng", "Đông Hưng", "học bổng"],
            "image": "anh/le-trao.jpg",
            "image_caption": "Quang cảnh lễ trao học bổng",
            "image_credit": "Ảnh: Thu Hà",
            "unknown_key": "is ignored",
        },
        {
            "title": "Tọa đàm về xã hội học tập",
            "published_at": "2022-03-01T08:00:00Z",
            "body": (
                '<div onclick="steal()">Mở đầu <b>quan trọng</b>'
                '<script>alert("xss")</script></div>'
                '<p style="color:red">Xem <a href="https://example.org/x" onmouseover="x()">'
                'bài gốc</a> và <a href="javascript:alert(1)">đây</a>.</p>'
                "<iframe src='https://evil.example'></iframe><ul><li>Một</li><li>Hai</li></ul>"
            ),
            "category": "Tư liệu",
        },
    )
    before = articles_under(news_index).count()

    out, err = run(source, "--publish", verbosity=2)

    assert err == ""
    assert out.strip().endswith("Đã nhập 2 bài mới, cập nhật 0 bài, 0 dòng lỗi.")
    assert 'Dòng 1: đã nhập "Hội Khuyến học xã Đông Hưng trao 50 suất học bổng".' in out
    assert articles_under(news_index).count() == before + 2

    page = articles_under(news_index).get(source_url="https://example.org/tin/123")
    assert page.live and not page.has_unpublished_changes
    assert page.locale.language_code == "vi"
    assert page.slug == "hoi-khuyen-hoc-xa-dong-hung-trao-50-suat-hoc-bong"
    # 17:13 in Vietnam (UTC+7) is 10:13 UTC.
    moment = datetime.datetime(2023, 12, 20, 10, 13, tzinfo=datetime.UTC)
    assert page.date_published == moment
    assert page.first_published_at == moment
    assert page.last_published_at == moment
    assert page.lead == "Sáng 20/12, Hội Khuyến học xã Đông Hưng trao học bổng."
    assert page.author == "Minh Anh"
    assert page.source_name == "Báo An Bình"
    assert page.category == NewsCategory.objects.get(
        locale__language_code="vi", slug="hoat-dong-khuyen-hoc"
    )
    assert set(page.tags.names()) == {"học bổng", "Đông Hưng"}
    assert sorted(tag.slug for tag in page.tags.all()) == ["dong-hung", "hoc-bong"]
    assert body_types(page) == ["paragraph", "paragraph"]
    assert page.body[0].value.source == "<p>Học sinh &lt;giỏi&gt; &amp; chăm ngoan.</p>"
    assert page.body[1].value.source == "<p>Đoạn thứ hai.</p>"
    assert page.hero_caption == "Quang cảnh lễ trao học bổng"
    assert page.hero_credit == "Ảnh: Thu Hà"
    assert page.hero_image.title == "Quang cảnh lễ trao học bổng"
    assert (page.hero_image.width, page.hero_image.height) == (80, 60)

    other = articles_under(news_index).get(title="Tọa đàm về xã hội học tập")
    assert other.date_published == datetime.datetime(2022, 3, 1, 8, 0, tzinfo=datetime.UTC)
    assert other.category.name == "Tư liệu"
    assert other.category.slug == "tu-lieu"
    assert other.category.locale.language_code == "vi"
    assert other.hero_image is None and list(other.tags.all()) == []
    assert body_types(other) == ["paragraph"]
    html = other.body[0].value.source
    for unsafe in ("<script", "alert", "onclick", "onmouseover", "style=", "iframe", "javascript"):
        assert unsafe not in html
    assert "<b>quan trọng</b>" in html
    assert '<a href="https://example.org/x">bài gốc</a>' in html
    assert "<li" in html and "Hai</li>" in html

    # Readers see both, and the pages render.
    assert client.get(page.url).status_code == 200
    assert client.get(other.url).status_code == 200
    listing = client.get(news_index.url).content.decode()
    assert "Hội Khuyến học xã Đông Hưng trao 50 suất học bổng" in listing


@pytest.mark.django_db
def test_without_publish_articles_are_drafts(news_index, tmp_path):
    source = write_jsonl(tmp_path / "tin.jsonl", article(lead="Bản nháp.", tags=["nháp"]))
    before_live = news_index.articles.count()

    out, err = run(source)

    assert "Đã nhập 1 bài mới, cập nhật 0 bài, 0 dòng lỗi." in out
    page = articles_under(news_index).get(title="Trao học bổng cho học sinh vượt khó")
    assert not page.live
    assert page.has_unpublished_changes
    assert page.first_published_at is None
    assert page.date_published == datetime.datetime(2023, 12, 20, 10, 13, tzinfo=datetime.UTC)
    draft = page.get_latest_revision_as_object()
    assert draft.lead == "Bản nháp."
    assert list(draft.tags.names()) == ["nháp"]
    assert news_index.articles.count() == before_live


@pytest.mark.django_db
def test_bad_lines_are_reported_and_good_lines_still_go_in(news_index, tmp_path):
    make_picture(tmp_path / "that.jpg")
    fake = tmp_path / "gia.jpg"
    fake.write_text("đây không phải là ảnh", encoding="utf-8")
    source = write_jsonl(
        tmp_path / "tin.jsonl",
        article("Bài tốt thứ nhất", image="that.jpg"),  # 1
        '{"title": "JSON hỏng", ',  # 2
        "   ",  # 3: blank, skipped
        {"published_at": "2023-12-20T17:13:00+07:00", "body": ["x"]},  # 4
        article("Thiếu múi giờ", published_at="2023-12-20T17:13:00"),  # 5
        article("Ngày sai", published_at="20/12/2023 17:13"),  # 6
        article("Thẻ sai", tags="học bổng"),  # 7
        article("Thiếu ảnh", image="khong-co.jpg"),  # 8
        article("Ảnh giả", image="gia.jpg"),  # 9
        article("T" * 256),  # 10
        article("Nội dung sai kiểu", body={"text": "x"}),  # 11
        '["một", "mảng"]',  # 12
        article("Liên kết sai", source_url="không phải url"),  # 13
        article("Bài tốt thứ hai", published_at="2023-12-21T09:00:00+07:00"),  # 14
    )
    before = articles_under(news_index).count()
    images = Image.objects.count()

    out, err, error = run_failing(source, "--publish")

    assert error.returncode == 1
    assert "Đã nhập 2 bài mới, cập nhật 0 bài, 11 dòng lỗi." in out
    lines = err.strip().splitlines()
    assert len(lines) == 11
    expected = {
        2: "không phải JSON hợp lệ",
        4: 'thiếu trường bắt buộc "title".',
        5: '"published_at" thiếu múi giờ',
        6: '"published_at" không phải ngày giờ ISO 8601 hợp lệ: "20/12/2023 17:13".',
        7: 'trường "tags" phải là một danh sách.',
        8: 'không tìm thấy tệp ảnh "khong-co.jpg".',
        9: 'tệp "gia.jpg" không phải ảnh hợp lệ.',
        10: 'trường "title" dài 256 ký tự, tối đa 255.',
        11: 'trường "body" phải là danh sách các đoạn văn hoặc một chuỗi HTML.',
        12: "mỗi dòng phải là một đối tượng JSON",
        13: 'trường "source_url" không phải địa chỉ web hợp lệ.',
    }
    for line, (number, reason) in zip(lines, expected.items(), strict=True):
        assert line.startswith(f"Dòng {number}: ")
        assert reason in line
    assert articles_under(news_index).count() == before + 2
    assert set(
        articles_under(news_index)
        .filter(title__startswith="Bài tốt")
        .values_list("title", flat=True)
    ) == {"Bài tốt thứ nhất", "Bài tốt thứ hai"}
    assert Image.objects.count() == images + 1


@pytest.mark.django_db
def test_running_the_same_file_again_updates(news_index, tmp_path):
    first = article("Bài có nguồn", lead="Sapo cũ.", source_url="https://example.org/a/1")
    second = article("Bài không nguồn", lead="Sapo cũ.")
    source = write_jsonl(tmp_path / "tin.jsonl", first, second)
    run(source, "--publish")
    count = articles_under(news_index).count()
    page = articles_under(news_index).get(source_url="https://example.org/a/1")
    revisions = page.revisions.count()

    # The title of the first may change: it is matched on its link.
    first.update(title="Bài có nguồn (đã sửa)", lead="Sapo mới.", tags=["cập nhật"])
    second.update(lead="Sapo mới.")
    write_jsonl(source, first, second)
    out, err = run(source, "--publish", verbosity=2)

    assert err == ""
    assert "Đã nhập 0 bài mới, cập nhật 2 bài, 0 dòng lỗi." in out
    assert 'Dòng 1: đã cập nhật "Bài có nguồn (đã sửa)".' in out
    assert articles_under(news_index).count() == count
    page.refresh_from_db()
    assert page.title == "Bài có nguồn (đã sửa)"
    assert page.lead == "Sapo mới."
    assert list(page.tags.names()) == ["cập nhật"]
    assert page.revisions.count() == revisions + 1
    assert page.live and not page.has_unpublished_changes
    assert page.last_published_at == datetime.datetime(2023, 12, 20, 10, 13, tzinfo=datetime.UTC)
    assert articles_under(news_index).get(title="Bài không nguồn").lead == "Sapo mới."


@pytest.mark.django_db
def test_update_without_publish_leaves_the_live_version(news_index, tmp_path):
    source = write_jsonl(tmp_path / "tin.jsonl", article(lead="Sapo đã đăng."))
    run(source, "--publish")
    write_jsonl(source, article(lead="Sapo sửa, chưa đăng."))

    out, _ = run(source)

    assert "cập nhật 1 bài" in out
    page = articles_under(news_index).get(title="Trao học bổng cho học sinh vượt khó")
    assert page.live and page.has_unpublished_changes
    assert page.lead == "Sapo đã đăng."
    assert page.get_latest_revision_as_object().lead == "Sapo sửa, chưa đăng."


@pytest.mark.django_db
def test_without_source_url_matches_on_title_and_time(news_index, tmp_path):
    source = write_jsonl(tmp_path / "tin.jsonl", article(lead="Lần đầu."))
    run(source, "--publish")
    count = articles_under(news_index).count()

    write_jsonl(
        source,
        # The same moment written in UTC is the same article.
        article(lead="Lần hai.", published_at="2023-12-20T10:13:00+00:00"),
        # The same title at another time is another article.
        article(lead="Bài khác.", published_at="2024-12-20T17:13:00+07:00"),
    )
    out, _ = run(source, "--publish")

    assert "Đã nhập 1 bài mới, cập nhật 1 bài, 0 dòng lỗi." in out
    assert articles_under(news_index).count() == count + 1
    same = articles_under(news_index).filter(title="Trao học bổng cho học sinh vượt khó")
    assert sorted(same.values_list("lead", flat=True)) == ["Bài khác.", "Lần hai."]
    # A link given later still finds the article imported without one.
    write_jsonl(source, article(lead="Lần ba.", source_url="https://example.org/b/7"))
    out, _ = run(source, "--publish")
    assert "cập nhật 1 bài" in out
    assert articles_under(news_index).count() == count + 1
    assert same.get(source_url="https://example.org/b/7").lead == "Lần ba."


@pytest.mark.django_db
def test_fake_image_is_a_bad_line(news_index, tmp_path):
    (tmp_path / "anh.jpg").write_text("GIF89a? không, chỉ là chữ", encoding="utf-8")
    source = write_jsonl(tmp_path / "tin.jsonl", article(image="anh.jpg"))
    count = articles_under(news_index).count()
    images = Image.objects.count()

    out, err, error = run_failing(source, "--publish")

    assert err.strip() == 'Dòng 1: tệp "anh.jpg" không phải ảnh hợp lệ.'
    assert "Đã nhập 0 bài mới, cập nhật 0 bài, 1 dòng lỗi." in out
    assert error.returncode == 1
    assert articles_under(news_index).count() == count
    assert Image.objects.count() == images


@pytest.mark.django_db
def test_the_same_image_is_imported_once(news_index, tmp_path):
    picture = make_picture(tmp_path / "anh" / "chung.jpg", colour="#b9770e")
    (tmp_path / "anh" / "ban-sao.jpg").write_bytes(picture.read_bytes())
    # A PNG with a .jpg name is judged by its content and stored as PNG.
    make_picture(tmp_path / "anh" / "thuc-ra-png.jpg", image_format="PNG", colour="#1e8449")
    source = write_jsonl(
        tmp_path / "tin.jsonl",
        article("Bài một", image="anh/chung.jpg", image_caption="Ảnh chung"),
        article("Bài hai", image=str(tmp_path / "anh" / "chung.jpg")),
        article("Bài ba", image="anh/ban-sao.jpg"),
        article("Bài bốn", image="anh/thuc-ra-png.jpg"),
    )
    images = Image.objects.count()

    run(source, "--publish")
    run(source, "--publish")

    assert Image.objects.count() == images + 2
    pages = {
        page.title: page for page in articles_under(news_index).filter(title__startswith="Bài ")
    }
    shared = pages["Bài một"].hero_image
    assert pages["Bài hai"].hero_image == shared == pages["Bài ba"].hero_image
    assert shared.title == "Ảnh chung"
    assert shared.file_hash == hashlib.sha1(picture.read_bytes()).hexdigest()
    png = pages["Bài bốn"].hero_image
    assert png != shared
    assert png.file.name.endswith(".png")


@pytest.mark.django_db
def test_html_body_that_cleans_to_nothing_is_a_bad_line(news_index, tmp_path):
    source = write_jsonl(
        tmp_path / "tin.jsonl", article(body="<script>alert(1)</script><style>p{}</style>")
    )
    _, err, _ = run_failing(source)
    assert err.strip() == 'Dòng 1: trường "body" không có nội dung.'


@pytest.mark.django_db
def test_index_option_and_missing_index(news_index, demo, tmp_path):
    source = write_jsonl(tmp_path / "tin.jsonl", article())

    out, err = run(source, "--index", str(news_index.pk))
    assert "Đã nhập 1 bài mới" in out

    with pytest.raises(CommandError, match="không phải trang danh sách tin tức"):
        run(source, "--index", str(demo["home"].pk))
    with pytest.raises(CommandError, match="Không có trang nào có ID 999999"):
        run(source, "--index", "999999")
    with pytest.raises(CommandError, match="Không tìm thấy tệp"):
        run(tmp_path / "khong-co.jsonl")

    NewsIndexPage.objects.update(live=False)
    with pytest.raises(CommandError, match="Chưa có trang danh sách tin tức tiếng Việt"):
        run(source)


@pytest.mark.django_db
def test_byte_order_mark_windows_line_ends_and_bad_encoding(news_index, tmp_path):
    good = json.dumps(article("Bài từ Windows"), ensure_ascii=False).encode()
    other = json.dumps(article("Bài sau dòng hỏng"), ensure_ascii=False).encode()
    source = tmp_path / "tin.jsonl"
    source.write_bytes(
        b"\xef\xbb\xbf" + good + b"\r\n" + b'{"title": "\xff"}\r\n' + other + b"\r\n"
    )

    out, err, _ = run_failing(source)

    assert err.strip() == "Dòng 2: không đọc được dòng (tệp phải mã hóa UTF-8)."
    assert "Đã nhập 2 bài mới, cập nhật 0 bài, 1 dòng lỗi." in out
    assert articles_under(news_index).filter(title__startswith="Bài ").count() == 2
