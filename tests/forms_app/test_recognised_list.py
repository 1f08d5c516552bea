"""The public list of recognised titles (/danh-sach-cong-nhan/, /en/recognised-titles/)."""

import datetime

import pytest
from bs4 import BeautifulSoup
from django.utils import timezone

from .conftest import DONG_HUNG, TIEN_HAI

LIST_URL = "/danh-sach-cong-nhan/"
EN_LIST_URL = "/en/recognised-titles/"
PHUONG_BA_DINH = "00004"  # Hà Nội


def soup(response):
    return BeautifulSoup(response.content, "html.parser")


def names(response):
    return [
        li.select_one(".recognised-name").text
        for li in soup(response).select(".recognised-list li")
    ]


def options(response, name):
    select = soup(response).select_one(f"select[name={name}]")
    return [option["value"] for option in select.select("option")]


def selected(response, name):
    option = soup(response).select_one(f"select[name={name}] option[selected]")
    return option["value"] if option else ""


@pytest.fixture
def recognise(make_application):
    """A recognised application that agreed to be listed, unless told otherwise."""

    def make(name, year=2026, commune=DONG_HUNG, title="family", **fields):
        date = datetime.date(year, 11, 20)
        values = {
            "status": "approved",
            "public_listing": True,
            "decision_number": f"{year}/QĐ-HKH",
            "decision_date": date,
            "valid_until": date.replace(year=year + 3),
            "recognised_on": date,
            **fields,
        }
        return make_application(
            applicant_name=name, commune=commune, title=title, hamlet="Xóm Giếng", **values
        )

    return make


@pytest.mark.django_db
def test_only_consenting_recognised_applications(client, recognise):
    recognise("Gia đình ông Nguyễn Văn Số", phone="0987654321", email="so@example.org")
    recognise("Không đồng ý công khai", public_listing=False)
    recognise("Đã xoá dữ liệu", anonymised_at=timezone.now())
    recognise("Mới đề xuất", status="proposed_approval")
    recognise("Không công nhận", status="rejected")
    response = client.get(LIST_URL)
    assert response.status_code == 200
    assert names(response) == ["Gia đình ông Nguyễn Văn Số"]
    item = soup(response).select_one(".recognised-list li")
    assert item.select_one(".recognised-title").text == "Gia đình học tập"
    assert item.select_one(".recognised-place").text == "Xã Đông Hưng, Tỉnh Hưng Yên"
    assert "2026" in item.text and "2026/QĐ-HKH" in item.text
    text = response.content.decode()
    for private in ["0987654321", "so@example.org", "Xóm Giếng", "minh-chung.pdf"]:
        assert private not in text


@pytest.mark.django_db
def test_filters(client, recognise):
    recognise("Đông Hưng 2025", year=2025)
    recognise("Đông Hưng 2026")
    recognise("Tiền Hải 2026", commune=TIEN_HAI)
    recognise("Dòng họ Tiền Hải", commune=TIEN_HAI, title="clan")
    recognise("Ba Đình 2026", commune=PHUONG_BA_DINH)

    assert len(names(client.get(LIST_URL))) == 5
    # Without a province, no commune to choose from yet.
    assert options(client.get(LIST_URL), "commune") == [""]
    assert options(client.get(LIST_URL), "year") == ["", "2026", "2025"]

    response = client.get(LIST_URL, {"province": "33"})
    assert sorted(names(response)) == [
        "Dòng họ Tiền Hải",
        "Tiền Hải 2026",
        "Đông Hưng 2025",
        "Đông Hưng 2026",
    ]
    # Choosing the province (and pressing "Filter", no script needed) lists its communes.
    communes = options(response, "commune")
    assert DONG_HUNG in communes and TIEN_HAI in communes and PHUONG_BA_DINH not in communes
    assert selected(response, "province") == "33"

    response = client.get(LIST_URL, {"province": "33", "commune": TIEN_HAI})
    assert sorted(names(response)) == ["Dòng họ Tiền Hải", "Tiền Hải 2026"]
    assert selected(response, "commune") == TIEN_HAI

    response = client.get(LIST_URL, {"province": "33", "commune": TIEN_HAI, "title": "clan"})
    assert names(response) == ["Dòng họ Tiền Hải"]

    response = client.get(LIST_URL, {"year": "2025"})
    assert names(response) == ["Đông Hưng 2025"]
    assert selected(response, "year") == "2025"

    response = client.get(LIST_URL, {"title": "family", "year": "2026"})
    assert sorted(names(response)) == ["Ba Đình 2026", "Tiền Hải 2026", "Đông Hưng 2026"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query",
    [
        {"page": "abc"},
        {"page": "-1"},
        {"page": "99999"},
        {"year": "x"},
        {"year": "1900"},
        {"commune": "nonexistent"},
        {"commune": PHUONG_BA_DINH, "province": "33"},  # a commune of another province
        {"province": "99"},
        {"province": "'; DROP TABLE"},
        {"title": "zzz"},
    ],
)
def test_bad_filters_give_a_normal_page(client, recognise, query):
    recognise("Gia đình ông Nguyễn Văn Số")
    response = client.get(LIST_URL, query)
    assert response.status_code == 200
    # A value that makes no sense is left out rather than refused.
    assert names(response) == ["Gia đình ông Nguyễn Văn Số"]


@pytest.mark.django_db
def test_pagination_keeps_the_filters(client, recognise):
    for number in range(30):
        recognise(f"Gia đình số {number:02d}")
    recognise("Ở tỉnh khác", commune=PHUONG_BA_DINH)
    response = client.get(LIST_URL, {"province": "33"})
    assert len(names(response)) == 25
    assert soup(response).select_one("#recognised-count").text.startswith("30")
    links = [a["href"] for a in soup(response).select(".pagination a")]
    assert "?province=33&page=2" in links
    response = client.get(LIST_URL, {"province": "33", "page": "2"})
    assert len(names(response)) == 5
    assert soup(response).select_one(".pagination [aria-current=page]").text == "2"
    # Names come in order within a year, so the pages do not overlap.
    first = names(client.get(LIST_URL, {"province": "33"}))
    assert not set(first) & set(names(response))


@pytest.mark.django_db
@pytest.mark.parametrize("count", [3, 30])
def test_query_count_is_fixed(client, recognise, django_assert_num_queries, count):
    for number in range(count):
        recognise(f"Gia đình số {number:02d}", commune=[DONG_HUNG, TIEN_HAI][number % 2])
    query = {"province": "33", "year": "2026", "title": "family"}
    client.get(LIST_URL, query)  # warm the cached menu and language links
    # Years, provinces, the province's communes, the count and the page (the site and its
    # settings are cached).
    with django_assert_num_queries(5):
        response = client.get(LIST_URL, query)
    assert len(names(response)) == min(count, 25)


@pytest.mark.django_db
def test_english_page(client, recognise):
    recognise("Gia đình ông Nguyễn Văn Số")
    response = client.get(EN_LIST_URL)
    assert response.status_code == 200
    page = soup(response)
    assert page.html["lang"] == "en"
    assert page.h1.text == "Recognised learning titles"
    assert page.select_one(".recognised-title").text == "Learning family"
    assert page.select_one("form.recognised-filters")["action"] == EN_LIST_URL


@pytest.mark.django_db
def test_empty_result(client, recognise):
    recognise("Gia đình ông Nguyễn Văn Số")
    response = client.get(EN_LIST_URL, {"title": "unit"})
    assert response.status_code == 200
    assert names(response) == []
    assert soup(response).select_one("#recognised-empty")
    assert soup(response).select_one("#recognised-count").text.strip() == "0 recognised titles"
