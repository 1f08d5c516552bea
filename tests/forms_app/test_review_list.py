"""The applications list in the admin, as reviewers, approvers and administrators use it."""

import datetime
from decimal import Decimal

import pytest
from bs4 import BeautifulSoup
from django.db import connection
from django.utils import timezone
from wagtail.admin.admin_url_finder import AdminURLFinder
from wagtail.users.models import UserProfile

from forms_app import workflow
from forms_app.models import Application, ReviewAssignment

from .conftest import DONG_HUNG, TIEN_HAI

LIST = "/admin/applications/"
BA_DINH = "00004"  # Hà Nội: outside the approver's province

pytestmark = pytest.mark.django_db


def soup(response):
    return BeautifulSoup(response.content, "html.parser")


def codes(response):
    return [span.get_text(strip=True) for span in soup(response).select("tbody td.title a span")]


def status_counts(response):
    return {
        link["data-status"]: int(link.select_one("[data-count]").get_text(strip=True))
        for link in soup(response).select("[data-status-counts] a")
    }


def at(year, month, day):
    return timezone.make_aware(datetime.datetime(year, month, day, 9, 30))


def test_each_user_sees_only_the_applications_of_their_area(client, staff, make_application):
    mine = make_application()
    other = make_application(commune=TIEN_HAI)
    far = make_application(commune=BA_DINH)
    expected = {
        "reviewer": [mine.code],
        "other_reviewer": [other.code],
        "approver": sorted([mine.code, other.code]),
        "admin": sorted([mine.code, other.code, far.code]),
    }
    for role, visible_codes in expected.items():
        client.force_login(staff[role])
        for url in (LIST, LIST + "results/"):
            response = client.get(url)
            assert response.status_code == 200
            assert sorted(codes(response)) == visible_codes, (role, url)
    # A reviewer asking for another commune's filter gets their own list, nothing more.
    client.force_login(staff["reviewer"])
    assert codes(client.get(LIST, {"commune": TIEN_HAI})) == [mine.code]
    assert codes(client.get(LIST, {"q": other.code})) == []


def test_the_code_opens_the_detail_and_nothing_edits(client, staff, make_application):
    application = make_application()
    client.force_login(staff["admin"])
    page = soup(client.get(LIST))
    row = page.select_one("tbody tr")
    assert row.select_one("td.title a")["href"] == f"/admin/applications/inspect/{application.pk}/"
    hrefs = [a["href"] for a in page.select("a[href]")]
    assert not [
        h for h in hrefs if h.startswith(("/admin/applications/add", "/admin/applications/edit"))
    ]
    assert not [h for h in hrefs if "/delete/" in h or "/copy/" in h]
    bulk = [a["href"] for a in page.select(".bulk-actions-buttons a")]
    assert bulk == [
        "/admin/bulk/forms_app/application/start_review/",
        "/admin/bulk/forms_app/application/recognise/",
    ]
    # Not even a superuser adds, edits, copies or deletes an application by its URL.
    for url in ("add/", f"edit/{application.pk}/", f"copy/{application.pk}/"):
        assert client.get(LIST + url).status_code == 404
    for url in (f"edit/{application.pk}/", f"delete/{application.pk}/"):
        assert client.post(LIST + url, {"applicant_name": "Đổi tên"}).status_code == 404
    assert Application.objects.get(pk=application.pk).applicant_name == application.applicant_name
    assert client.get(
        "/admin/bulk/forms_app/application/delete/", {"id": application.pk}
    ).status_code
    assert Application.objects.filter(pk=application.pk).exists()


def test_another_areas_detail_and_history_answer_404(client, staff, make_application):
    mine = make_application()
    other = make_application(commune=TIEN_HAI)
    workflow.perform(mine, "start_review", staff["reviewer"], revision=0)
    client.force_login(staff["reviewer"])
    for url in ("inspect/{}/", "history/{}/", "history-results/{}/", "usage/{}/"):
        assert client.get(LIST + url.format(other.pk)).status_code == 404, url
    response = client.get(LIST + f"history/{mine.pk}/")
    assert response.status_code == 200
    rows = soup(response).select("tbody tr")
    assert len(rows) == 1
    assert "xetduyet.donghung" in rows[0].get_text() or "Đông Hưng" in rows[0].get_text()
    client.force_login(staff["approver"])
    assert client.get(LIST + f"history/{other.pk}/").status_code == 200
    # Wagtail's own links to an application (reports, log entries) open the detail, in the area.
    assert AdminURLFinder(staff["reviewer"]).get_edit_url(mine) == f"{LIST}inspect/{mine.pk}/"
    assert AdminURLFinder(staff["other_reviewer"]).get_edit_url(mine) is None


def test_filters(client, staff, make_application):
    family_2025 = make_application(submitted_at=at(2025, 3, 10))
    citizen = make_application(title="citizen", submitted_at=at(2026, 2, 1))
    in_review = make_application(commune=TIEN_HAI, status="in_review", submitted_at=at(2026, 5, 4))
    hanoi = make_application(commune=BA_DINH, submitted_at=at(2026, 6, 1))
    registration = make_application(submitted_at=at(2026, 7, 1))
    Application.objects.filter(pk=registration.pk).update(kind="registration")
    client.force_login(staff["admin"])
    cases = {
        "learning_title=citizen": [citizen],
        "kind=registration": [registration],
        "status=in_review": [in_review],
        "year=2025": [family_2025],
        "province=01": [hanoi],
        f"commune={TIEN_HAI}": [in_review],
        "submitted_at_from=2025-01-01&submitted_at_to=2025-12-31": [family_2025],
        "submitted_at_from=2026-05-04&submitted_at_to=2026-06-01": [hanoi, in_review],
        f"commune={DONG_HUNG}&year=2026&learning_title=family": [registration],
    }
    for query, expected in cases.items():
        response = client.get(f"{LIST}?{query}")
        assert response.status_code == 200
        assert codes(response) == [a.code for a in expected], query
    # A reviewer picks among their own communes only.
    client.force_login(staff["reviewer"])
    options = soup(client.get(LIST)).select("select[name=commune] option[value]")
    assert [o["value"] for o in options if o["value"]] == [DONG_HUNG]


def test_search_by_code_name_or_phone(client, staff, make_application):
    hoa = make_application(applicant_name="Đỗ Thị Hoa", phone="0912345678")
    binh = make_application(applicant_name="Nguyễn Văn Bình", phone="0987654321")
    make_application(commune=TIEN_HAI, applicant_name="Đỗ Thị Hoa", phone="0912345678")
    client.force_login(staff["reviewer"])
    cases = {
        hoa.code: [hoa],
        hoa.code.lower(): [hoa],
        hoa.code.rsplit("-", 1)[1]: [hoa],  # the number alone
        "đỗ thị": [hoa],
        "ĐỖ THỊ HOA": [hoa],
        "Bình": [binh],
        "nguyễn văn": [binh],
        # Typed without diacritics, in any case, with stray spaces.
        "do thi hoa": [hoa],
        "NGUYEN  VAN binh": [binh],
        "Dỗ Thi": [hoa],
        "nguyen van a": [],
        "0912 345 678": [hoa],
        "+84 912 345 678": [hoa],
        "84912345678": [hoa],
        "345 678": [hoa],
        "+84 98765": [binh],
        "0999 999 999": [],
    }
    for query, expected in cases.items():
        response = client.get(LIST, {"q": query})
        assert response.status_code == 200
        assert codes(response) == [a.code for a in expected], query
        assert status_counts(response)["submitted"] == len(expected), query


@pytest.mark.parametrize("few_matches", [0, 2000])
def test_search_results_are_the_same_whether_few_or_many_match(
    client, staff, make_application, monkeypatch, few_matches
):
    """On SQLite a search that matches few rows reads them by id, one that matches many walks
    the dates: the same page either way, newest first, with the filters applied."""
    monkeypatch.setattr("forms_app.reviews.viewsets.FEW_MATCHES", few_matches)
    now = timezone.now()
    names = ["Phạm Thị Lan", "Phạm Văn Nam", "Phạm Thị Hồng", "Lê Thị Phạm"]
    made = [
        make_application(applicant_name=name, submitted_at=now - datetime.timedelta(days=day))
        for day, name in enumerate(names)
    ]
    make_application(commune=TIEN_HAI, applicant_name="Phạm Thị Xa")  # another area
    client.force_login(staff["reviewer"])
    assert codes(client.get(LIST, {"q": "pham"})) == [a.code for a in made]
    response = client.get(LIST, {"q": "pham thi", "status": "submitted"})
    assert codes(response) == [made[0].code, made[2].code]
    assert status_counts(response)["submitted"] == 2


def test_a_renamed_applicant_is_found_by_the_new_name_only(client, staff, make_application):
    application = make_application(applicant_name="Trần Văn Đức")
    application.applicant_name = "Lê Thị Hằng"
    application.save(update_fields=["applicant_name"])
    client.force_login(staff["reviewer"])
    assert codes(client.get(LIST, {"q": "tran van duc"})) == []
    assert codes(client.get(LIST, {"q": "le thi hang"})) == [application.code]


def test_counts_per_status_follow_the_filters_but_the_status(client, staff, make_application):
    for status in ("submitted", "submitted", "in_review", "approved"):
        make_application(status=status)
    citizen = make_application(title="citizen", status="in_review")
    make_application(commune=TIEN_HAI)  # another area: never counted for this reviewer
    client.force_login(staff["reviewer"])
    response = client.get(LIST)
    counts = status_counts(response)
    assert counts[""] == 5
    assert (counts["submitted"], counts["in_review"], counts["approved"]) == (2, 2, 1)
    assert counts["rejected"] == 0
    # Choosing a status keeps every count; the chosen one is marked.
    response = client.get(LIST, {"status": "submitted"})
    assert len(codes(response)) == 2
    assert status_counts(response) == counts
    assert soup(response).select_one("[data-status-counts] [aria-current]")["data-status"] == (
        "submitted"
    )
    # Another filter changes the counts, and each count's link keeps it.
    response = client.get(LIST, {"learning_title": "citizen", "status": "submitted"})
    assert status_counts(response)["in_review"] == 1
    assert status_counts(response)[""] == 1
    link = soup(response).select_one('[data-status-counts] a[data-status="in_review"]')["href"]
    assert "learning_title=citizen" in link
    assert codes(client.get(link)) == [citizen.code]


def test_sorting(client, staff, make_application):
    first = make_application(status="in_review", submitted_at=at(2026, 3, 1), review_total=70)
    second = make_application(status="approved", submitted_at=at(2026, 1, 1), review_total=90)
    third = make_application(status="submitted", submitted_at=at(2026, 2, 1))
    client.force_login(staff["reviewer"])
    cases = {
        "": [first, third, second],  # newest first
        "code": [first, second, third],
        "-code": [third, second, first],
        "submitted_at": [second, third, first],
        "status": [second, first, third],
        "review_total": [first, second, third],  # not scored yet: last
        "-review_total": [second, first, third],
        "applicant_name": [first, third, second],  # not offered: the default
    }
    for ordering, expected in cases.items():
        response = client.get(LIST, {"ordering": ordering} if ordering else {})
        assert codes(response) == [a.code for a in expected], ordering
    headers = soup(client.get(LIST)).select("thead th a[href*=ordering]")
    assert {h["href"].split("ordering=")[1].lstrip("-") for h in headers} == {
        "code",
        "status",
        "submitted_at",
        "review_total",
    }
    assert (
        Decimal(
            soup(client.get(LIST, {"ordering": "-review_total"}))
            .select("tbody tr")[0]
            .select("td")[-1]
            .get_text(strip=True)
            .replace(",", ".")
        )
        == 90
    )


def test_the_list_runs_a_fixed_number_of_queries(
    client, staff, make_application, django_assert_num_queries
):
    for commune in (DONG_HUNG, TIEN_HAI, DONG_HUNG):
        make_application(commune=commune)
    client.force_login(staff["approver"])
    url = f"{LIST}?learning_title=family&q=Nguy%E1%BB%85n"
    client.get(url)  # caches of the first request (content types, site)
    with django_assert_num_queries(QUERIES):
        response = client.get(url)
    assert len(codes(response)) == 3
    for number in range(27):
        make_application(commune=(DONG_HUNG, TIEN_HAI)[number % 2])
    with django_assert_num_queries(QUERIES):
        response = client.get(url)
    assert len(codes(response)) == 30


# Session, user, permissions (2), admin profile, assignments, counts per status (which give the
# number of matches too), locales, page/collection/site permissions for the menu (3), provinces,
# communes, the page of rows.
QUERIES = 14


def test_review_assignments_admin(client, staff):
    profile = UserProfile.get_for_user(staff["admin"])
    profile.preferred_language = "en"
    profile.save()
    client.force_login(staff["admin"])
    add = "/admin/snippets/forms_app/reviewassignment/add/"
    response = client.get(add)
    assert response.status_code == 200
    # 3,321 communes: a chooser, not a drop-down.
    assert not soup(response).select("select[name=commune]")
    assert "/admin/commune_chooser/" in response.content.decode()
    user = staff["reviewer"].pk
    cases = [
        ({"role": "reviewer", "commune": DONG_HUNG, "province": "33"}, "Choose either"),
        ({"role": "reviewer", "province": "33"}, "Reviewers are assigned communes"),
        ({"role": "reviewer"}, "Choose either"),
        ({"role": "reviewer", "commune": DONG_HUNG}, "already has this role for this area"),
        ({"role": "approver", "province": "33", "user": staff["approver"].pk}, "already has"),
    ]
    before = ReviewAssignment.objects.count()
    for data, message in cases:
        response = client.post(add, {"user": user, "commune": "", "province": "", **data})
        assert response.status_code == 200, data
        html = response.content.decode()
        assert message in html, data
        assert "Constraint" not in html, data
    assert ReviewAssignment.objects.count() == before
    response = client.post(add, {"user": user, "role": "reviewer", "commune": TIEN_HAI})
    assert response.status_code == 302
    assert ReviewAssignment.objects.filter(user=user, commune=TIEN_HAI).exists()


def test_the_list_offers_its_export(client, staff, make_application):
    make_application()
    client.force_login(staff["reviewer"])
    page = soup(client.get(LIST, {"status": "submitted", "q": "Nguyễn", "p": "1"}))
    hrefs = {a["href"] for a in page.select("a[href*='/admin/applications/export/']")}
    assert hrefs == {
        "/admin/applications/export/xlsx/?status=submitted&q=Nguy%E1%BB%85n",
        "/admin/applications/export/csv/?status=submitted&q=Nguy%E1%BB%85n",
    }


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's trigram indexes")
@pytest.mark.parametrize(
    ("query", "index"),
    [
        ("nguyen van", "forms_app_application_search_name_trgm"),
        ("345 678", "forms_app_application_phone_trgm"),
        ("GDHT-2026", "forms_app_application_code_trgm"),
    ],
)
def test_postgres_serves_each_search_from_a_trigram_index(make_application, query, index):
    """An approver's province or the administrator's whole list: no area index narrows it."""
    from forms_app.reviews.filters import search_condition

    make_application(applicant_name="Nguyễn Văn Bình", phone="0912345678")
    queryset = Application.objects.filter(search_condition(query)).order_by()
    with connection.cursor() as cursor:
        # A handful of rows is read faster without an index, or walking the date index:
        # ask whether a GIN index (read by bitmap scans only) can serve the LIKE.
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_indexscan = off")
        sql, params = queryset.query.sql_with_params()
        cursor.execute(f"EXPLAIN {sql}", params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert index in plan
