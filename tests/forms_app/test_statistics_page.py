"""The public statistics page (/thong-ke/, /en/statistics/) and its CSV, as readers use them."""

import csv
import datetime
import io
from zoneinfo import ZoneInfo

import pytest
from bs4 import BeautifulSoup

from forms_app import stats, workflow
from forms_app.models import Application

from .conftest import DONG_HUNG, TIEN_HAI

BA_DINH = "00004"  # Phường Ba Đình, Thành phố Hà Nội (01)
HUNG_YEN, HA_NOI = "33", "01"
ZONE = ZoneInfo("Asia/Ho_Chi_Minh")
URL, CSV_URL = "/thong-ke/", "/thong-ke.csv"


def local(*args):
    return datetime.datetime(*args, tzinfo=ZONE)


def soup(response):
    return BeautifulSoup(response.content, "html.parser")


def table(response, key):
    """A table of the page as {row code: [registered, submitted, recognised]}, with its total."""
    found = soup(response).select_one(f"table#table-{key}")
    assert found is not None, key
    assert found.caption.get_text(strip=True)
    assert [th["scope"] for th in found.thead.select("th")] == ["col"] * 4
    rows = {}
    for row in found.tbody.select("tr"):
        assert row.th["scope"] == "row"
        rows[row["data-code"]] = [int(td.get_text().replace(".", "")) for td in row.select("td")]
    rows["total"] = [int(td.get_text().replace(".", "")) for td in found.tfoot.select("td")]
    return rows


def csv_rows(response):
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response.content.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def csv_table(rows, heading):
    return {
        code: [int(n) for n in counts]
        for group, _label, code, *counts in rows[2:]
        if group == heading
    }


@pytest.fixture
def known(make_application):
    """Seven applications: requests for recognition in several statuses, two registrations,
    over two years and two provinces."""
    Application.objects.all().delete()

    def make(commune, status, title, sent, recognised=None, kind="recognition"):
        application = make_application(
            commune=commune,
            status=status,
            title=title,
            submitted_at=sent,
            recognised_on=recognised,
        )
        if kind != "recognition":
            application.kind = kind
            application.save()
        return application

    return {
        "a1": make(DONG_HUNG, "approved", "family", local(2025, 3, 1), datetime.date(2025, 11, 20)),
        "a2": make(DONG_HUNG, "submitted", "family", local(2025, 5, 2)),
        "a3": make(TIEN_HAI, "rejected", "family", local(2025, 6, 3)),
        # Sent at half past midnight on New Year's Day: 2026 here, still 2025 in UTC.
        "a4": make(
            TIEN_HAI, "approved", "clan", local(2026, 1, 1, 0, 30), datetime.date(2026, 2, 10)
        ),
        "a5": make(DONG_HUNG, "submitted", "family", local(2026, 1, 15), kind="registration"),
        "a6": make(BA_DINH, "approved", "citizen", local(2026, 2, 1), datetime.date(2026, 3, 1)),
        "a7": make(BA_DINH, "in_review", "family", local(2025, 2, 1), kind="registration"),
    }


@pytest.mark.django_db
def test_counts_by_title_year_and_province_in_the_table_and_the_csv(client, known):
    response = client.get(URL)
    assert response.status_code == 200
    by_title = {
        "citizen": [0, 1, 1],
        "family": [2, 3, 1],
        "clan": [0, 1, 1],
        "community": [0, 0, 0],
        "unit": [0, 0, 0],
        "total": [2, 5, 3],
    }
    by_year = {"2026": [1, 2, 2], "2025": [1, 3, 1], "total": [2, 5, 3]}
    by_province = {HA_NOI: [1, 1, 1], HUNG_YEN: [1, 4, 2], "total": [2, 5, 3]}
    assert table(response, "title") == by_title
    assert table(response, "year") == by_year
    assert table(response, "area") == by_province
    # Hà Nội before Hưng Yên: by their short names, as people look them up.
    assert list(by_province)[:2] == [
        row["data-code"] for row in soup(response).select("#table-area tbody tr")
    ]
    assert "Tỉnh Hưng Yên" in soup(response).select_one("#table-area").get_text()

    rows = csv_rows(client.get(CSV_URL))
    assert len(rows[0]) == 6
    assert [int(n) for n in rows[1][3:]] == [2, 5, 3]
    by_area = {group for group, *_rest in rows[2:]} - {
        row[0] for row in rows[2:] if row[2] in by_title or row[2] in by_year
    }
    (area_heading,) = by_area
    title_heading = next(row[0] for row in rows[2:] if row[2] == "family")
    year_heading = next(row[0] for row in rows[2:] if row[2] == "2025")
    assert csv_table(rows, title_heading) == {k: v for k, v in by_title.items() if k != "total"}
    assert csv_table(rows, year_heading) == {k: v for k, v in by_year.items() if k != "total"}
    assert csv_table(rows, area_heading) == {k: v for k, v in by_province.items() if k != "total"}
    labels = {row[2]: row[1] for row in rows[2:]}
    assert labels["family"] == "Gia đình học tập"
    assert labels[HUNG_YEN] == "Tỉnh Hưng Yên"


@pytest.mark.django_db
def test_filters_and_the_commune_breakdown(client, known):
    response = client.get(URL, {"tinh": HUNG_YEN})
    assert table(response, "area") == {
        DONG_HUNG: [1, 2, 1],
        TIEN_HAI: [0, 2, 1],
        "total": [1, 4, 2],
    }
    assert table(response, "title")["family"] == [1, 3, 1]
    page = soup(response)
    assert page.select_one("#id_tinh option[selected]")["value"] == HUNG_YEN
    assert "Tỉnh Hưng Yên" in page.select_one("#heading-area").get_text()

    response = client.get(URL, {"nam": "2026"})
    assert table(response, "title") == {
        "citizen": [0, 1, 1],
        "family": [1, 0, 0],
        "clan": [0, 1, 1],
        "community": [0, 0, 0],
        "unit": [0, 0, 0],
        "total": [1, 2, 2],
    }
    assert table(response, "year") == {"2026": [1, 2, 2], "total": [1, 2, 2]}

    query = {"nam": "2025", "tinh": HUNG_YEN, "danh_hieu": "family"}
    response = client.get(URL, query)
    expected = {DONG_HUNG: [0, 2, 1], TIEN_HAI: [0, 1, 0], "total": [0, 3, 1]}
    assert table(response, "area") == expected
    assert table(response, "title")["clan"] == [0, 0, 0]
    # The download link keeps the filters, and the CSV has the same figures.
    link = soup(response).select_one("a[download]")["href"]
    assert link.startswith(CSV_URL + "?")
    rows = csv_rows(client.get(link))
    assert rows[1][1] == "2025 · Tỉnh Hưng Yên · Gia đình học tập"
    assert [int(n) for n in rows[1][3:]] == [0, 3, 1]
    areas = {row[2]: [int(n) for n in row[3:]] for row in rows if row[2] in expected}
    assert areas == {DONG_HUNG: [0, 2, 1], TIEN_HAI: [0, 1, 0]}
    assert 'filename="thong-ke-2025-33-family.csv"' in client.get(link)["Content-Disposition"]


@pytest.mark.django_db
@pytest.mark.parametrize(
    "query",
    [
        {"nam": "abc"},
        {"nam": "1990"},
        {"nam": "99999999999999999999999"},
        {"tinh": "99"},
        {"tinh": "'; DROP TABLE x; --"},
        {"danh_hieu": "emperor"},
        {"nam": "", "tinh": "", "danh_hieu": ""},
        {"nam": "2025.0", "unknown": "1"},
    ],
)
def test_filter_values_that_make_no_sense_are_left_out(client, known, query):
    everything = table(client.get(URL), "title")
    for url in (URL, "/en/statistics/"):
        response = client.get(url, query)
        assert response.status_code == 200
        assert table(response, "title") == everything
    csv_response = client.get(CSV_URL, query)
    assert csv_response.status_code == 200
    assert [int(n) for n in csv_rows(csv_response)[1][3:]] == [2, 5, 3]


@pytest.mark.django_db
def test_a_value_left_out_is_said(client, known):
    page = soup(client.get(URL, {"nam": "abc", "tinh": HUNG_YEN}))
    notice = page.select_one("#statistics-ignored")
    assert notice is not None
    assert "Năm" in notice.get_text()
    # The good filter still applies.
    assert page.select_one("#id_tinh option[selected]")["value"] == HUNG_YEN
    assert soup(client.get(URL)).select_one("#statistics-ignored") is None


@pytest.mark.django_db
def test_charts_are_svg_with_accessible_labels(client, known):
    page = soup(client.get(URL))
    charts = page.select("figure.statistics-chart svg")
    assert len(charts) == 3
    for chart in charts:
        assert chart["role"] == "img"
        title_id, desc_id = chart["aria-labelledby"].split()
        assert chart.select_one(f"title#{title_id}").get_text(strip=True)
        assert chart.select_one(f"desc#{desc_id}").get_text(strip=True)
    title_chart = page.select_one("#statistics-title svg")
    bars = title_chart.select("g.statistics-bar")
    assert len(bars) == 5 * 3
    labels = [bar.title.get_text() for bar in bars]
    assert labels[3].startswith("Gia đình học tập – ")
    assert labels[3].endswith(": 2")
    # The longest bar (family, requests sent: 3) fills the space; the others are in proportion.
    widths = [float(bar.rect["width"]) for bar in bars]
    assert widths[4] == max(widths) > widths[5] > 0
    assert "Gia đình học tập" in page.select_one("#chart-title-desc").get_text()


@pytest.mark.django_db
def test_the_english_page(client, known):
    response = client.get("/en/statistics/", {"tinh": HUNG_YEN})
    assert response.status_code == 200
    page = soup(response)
    assert page.html["lang"] == "en"
    assert page.select_one("#heading-title").get_text(strip=True) == "By learning title"
    assert "Learning family" in page.select_one("#table-title").get_text()
    assert table(response, "area")["total"] == [1, 4, 2]
    link = page.select_one("a[download]")["href"]
    assert link.startswith("/en/statistics.csv?")
    rows = csv_rows(client.get(link))
    assert rows[0] == [
        "Breakdown",
        "Item",
        "Code",
        "Registrations",
        "Requests for recognition sent",
        "Recognised",
    ]


@pytest.mark.django_db
def test_counts_follow_a_recognition_and_a_new_application(
    client, known, staff, make_application, django_capture_on_commit_callbacks
):
    assert table(client.get(URL), "title")["unit"] == [0, 0, 0]
    proposed = make_application(commune=DONG_HUNG, status="proposed_approval", title="unit")
    # A request sent counts at once (the cached figures were dropped).
    assert table(client.get(URL), "title")["unit"] == [0, 1, 0]
    decision = workflow.Decision(
        number="12/QĐ-HKH",
        date=datetime.date(2026, 5, 4),
        signer="Chủ tịch",
        valid_until=datetime.date(2029, 5, 4),
    )
    with django_capture_on_commit_callbacks(execute=True):
        workflow.perform(proposed, "recognise", staff["approver"], decision=decision)
    response = client.get(URL)
    assert table(response, "title")["unit"] == [0, 1, 1]
    assert table(response, "year")["2026"] == [1, 3, 3]
    # So does an application deleted.
    known["a2"].delete()
    assert table(client.get(URL), "title")["family"] == [2, 2, 1]


@pytest.mark.django_db
def test_anonymised_applications_still_count(client, known):
    Application.objects.filter(pk=known["a3"].pk).update(
        applicant_name="Đã ẩn danh", phone="", anonymised_at=local(2031, 1, 1)
    )
    stats.invalidate()
    assert table(client.get(URL), "title")["family"] == [2, 3, 1]


def add_applications(make_application, count):
    communes = [DONG_HUNG, TIEN_HAI, BA_DINH]
    statuses = ["approved", "submitted", "rejected", "in_review"]
    titles = ["family", "clan", "citizen", "unit", "community"]
    for number in range(count):
        make_application(
            commune=communes[number % 3],
            status=statuses[number % 4],
            title=titles[number % 5],
            submitted_at=local(2024 + number % 3, 1 + number % 12, 5),
        )


# The statistics page's own queries while nothing is cached: the years, the provinces and
# the tally, however many applications there are (and a province's communes). The site, its
# settings, menus and language links come from the cache.
PAGE_QUERIES = 3


@pytest.mark.django_db
def test_query_counts_are_fixed_and_fewer_when_cached(
    client, make_application, django_assert_num_queries
):
    Application.objects.all().delete()
    client.get(URL)  # the site's own caches (menus, language links) are filled once
    added = 0
    for size, filters, queries in (
        (3, {}, PAGE_QUERIES),
        (30, {}, PAGE_QUERIES),
        (30, {"tinh": HUNG_YEN, "nam": "2025", "danh_hieu": "clan"}, PAGE_QUERIES + 1),
    ):
        add_applications(make_application, size - added)
        added = size
        stats.invalidate()
        with django_assert_num_queries(queries):
            response = client.get(URL, filters)
        assert table(response, "title")["total"][1] > 0
        with django_assert_num_queries(0):
            client.get(URL, filters)
        # Other filters of the same scope are summed from the same cached tally.
        with django_assert_num_queries(0):
            client.get(URL, {**filters, "danh_hieu": "family"})
        stats.invalidate()
        with django_assert_num_queries(queries):
            client.get(CSV_URL, filters)
        with django_assert_num_queries(0):
            client.get(CSV_URL, filters)
