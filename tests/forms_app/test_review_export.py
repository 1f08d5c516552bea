"""The export of the filtered applications list, as reviewers and administrators download it."""

import csv
import datetime
import io
import logging
import zipfile

import openpyxl
import pytest
from django.contrib.auth.models import Group
from django.urls import reverse
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext, override

from forms_app import workflow
from forms_app.reviews import exports

from .conftest import DONG_HUNG, TIEN_HAI

DECISION = workflow.Decision(
    number="125/QĐ-HKH",
    date=datetime.date(2026, 11, 20),
    signer="Chủ tịch Hội Khuyến học tỉnh",
    valid_until=datetime.date(2029, 11, 20),
)


def url(fmt, **params):
    from urllib.parse import urlencode

    base = reverse("forms_app_applications:export", args=[fmt])
    return f"{base}?{urlencode(params)}" if params else base


def download(client, user, fmt, **params):
    client.force_login(user)
    response = client.get(url(fmt, **params))
    assert response.status_code == 200, response.content[:500]
    return response, b"".join(response.streaming_content)


def read_csv(content):
    assert content.startswith(b"\xef\xbb\xbf")  # the BOM Excel needs for UTF-8
    rows = list(csv.reader(io.StringIO(content.decode("utf-8-sig"))))
    return rows[0], rows[1:]


def read_xlsx(content):
    workbook = openpyxl.load_workbook(io.BytesIO(content))
    sheet = workbook.active
    rows = list(sheet.iter_rows())
    return sheet, [c.value for c in rows[0]], rows[1:]


def heading(msgid):
    with override("vi"):
        return capfirst(gettext(msgid))


def by_code(headings, rows):
    index = headings.index("Mã hồ sơ")
    return {row[index].value: row for row in rows}


def scored(application, reviewer, points):
    """Started and scored by the reviewer, criterion by criterion in ``points``."""
    workflow.perform(application, "start_review", reviewer, revision=application.revision)
    criteria = list(application.criteria_set.criteria.all())
    workflow.save_scores(
        application,
        reviewer,
        {c.pk: (p, "Đạt") for c, p in zip(criteria, points, strict=True)},
        revision=application.revision,
    )
    return application


@pytest.fixture
def recognised(staff, make_application):
    """A family the reviewer scored 18, 20, 15 and 12.5 (65.5), then recognised."""
    application = make_application(
        applicant_name="Gia đình bà Nguyễn Thị Hường",
        phone="0987654321",
        self_total="72.5",
        self_rating="Khá",
        hamlet="Thôn Đông Hưng Thượng",
        # Late in its second: the export rounds to the nearest one (12:30:05).
        submitted_at=timezone.make_aware(datetime.datetime(2026, 11, 2, 12, 30, 4, 974222)),
    )
    scored(application, staff["reviewer"], [18, 20, 15, "12.5"])
    workflow.perform(application, "propose_approval", staff["reviewer"], revision=None)
    workflow.perform(application, "recognise", staff["approver"], decision=DECISION)
    application.refresh_from_db()
    return application


@pytest.mark.django_db
def test_xlsx_holds_vietnamese_headings_values_scores_and_totals(
    client, staff, recognised, make_application
):
    other = make_application(commune=TIEN_HAI, title="citizen", status="submitted")
    response, content = download(client, staff["admin"], "xlsx")
    assert response["Content-Type"] == (
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    today = timezone.localdate().isoformat()
    assert response["Content-Disposition"] == f'attachment; filename="ho-so-{today}.xlsx"'

    assert zipfile.ZipFile(io.BytesIO(content)).testzip() is None  # every entry's CRC holds
    sheet, headings, rows = read_xlsx(content)
    assert sheet.title == "Hồ sơ"
    for expected in [
        "Mã hồ sơ",
        "Danh hiệu",
        "Loại",
        "Trạng thái",
        "Người đăng ký",
        "Điện thoại",
        "Thư điện tử",
        "Tỉnh, thành phố",
        "Xã, phường",
        "Thôn, tổ dân phố",
        "Nộp lúc",
        "Tổng điểm tự chấm",
        "Xếp loại tự đánh giá",
    ]:
        assert expected in headings
    assert all(cell.font.b for cell in sheet[1])
    assert len(rows) == 2
    row = dict(zip(headings, by_code(headings, rows)[recognised.code], strict=True))
    value = {name: cell.value for name, cell in row.items()}
    assert value["Người đăng ký"] == "Gia đình bà Nguyễn Thị Hường"
    assert value["Danh hiệu"] == "Gia đình học tập"
    assert value["Trạng thái"] == "Đã công nhận"
    assert value["Điện thoại"] == "0987654321"  # text, its leading zero kept
    assert value["Xã, phường"] == "Xã Đông Hưng"
    assert value["Tỉnh, thành phố"] == "Tỉnh Hưng Yên"
    assert value["Thôn, tổ dân phố"] == "Thôn Đông Hưng Thượng"
    assert value["Tổng điểm tự chấm"] == 72.5
    assert value["Xếp loại tự đánh giá"] == "Khá"
    assert value[heading("reviewers' total")] == 65.5
    assert value[heading("reviewers' rating")] == recognised.review_rating != ""
    assert value[heading("Reviewers' scores by criterion")] == "1: 18; 2: 20; 3: 15; 4: 12.5"
    assert value[heading("decision number")] == "125/QĐ-HKH"
    assert value[heading("decision date")] == datetime.datetime(2026, 11, 20)
    assert row[heading("decision date")].number_format == "dd/mm/yyyy"
    assert value[heading("valid until")] == datetime.datetime(2029, 11, 20)
    assert value[heading("verification code")] == recognised.certificate_code
    assert abs(value["Nộp lúc"] - datetime.datetime(2026, 11, 2, 12, 30, 5)) < datetime.timedelta(
        milliseconds=1
    )
    # Not filtered to one title: no per-criterion columns.
    assert len(headings) == len(exports.COLUMNS)
    assert by_code(headings, rows)[other.code][headings.index("Danh hiệu")].value == (
        "Công dân học tập"
    )


@pytest.mark.django_db
def test_csv_is_utf8_with_bom_and_the_same_figures(client, staff, recognised):
    response, content = download(client, staff["admin"], "csv")
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].endswith('.csv"')
    headings, rows = read_csv(content)
    assert headings[:4] == ["Mã hồ sơ", "Danh hiệu", "Loại", "Trạng thái"]
    row = dict(zip(headings, rows[0], strict=True))
    assert len(rows) == 1
    assert row["Mã hồ sơ"] == recognised.code
    assert row["Người đăng ký"] == "Gia đình bà Nguyễn Thị Hường"
    assert row["Tổng điểm tự chấm"] == "72.5"
    assert row[heading("reviewers' total")] == "65.5"
    assert row[heading("Reviewers' scores by criterion")] == "1: 18; 2: 20; 3: 15; 4: 12.5"
    assert row[heading("decision date")] == "2026-11-20"
    assert row[heading("valid until")] == "2029-11-20"
    assert row["Điện thoại"] == "0987654321"


@pytest.mark.django_db
def test_filters_of_the_list_apply(client, staff, make_application):
    family = make_application(status="in_review")
    make_application(status="submitted")
    citizen = make_application(status="in_review", title="citizen")
    far = make_application(status="in_review", commune=TIEN_HAI)

    _response, content = download(client, staff["admin"], "csv", status="in_review")
    codes = {row[0] for row in read_csv(content)[1]}
    assert codes == {family.code, citizen.code, far.code}

    _response, content = download(
        client, staff["admin"], "csv", status="in_review", learning_title="family"
    )
    headings, rows = read_csv(content)
    assert {row[0] for row in rows} == {family.code, far.code}
    # One title: a number column per criterion code of its criteria sets.
    assert headings[-4:] == [
        heading("Criterion %(code)s (reviewers)") % {"code": code} for code in "1234"
    ]

    _response, content = download(
        client, staff["admin"], "xlsx", status="in_review", commune=TIEN_HAI
    )
    _sheet, headings, rows = read_xlsx(content)
    assert list(by_code(headings, rows)) == [far.code]

    # The list's sorting, when it is one of its columns.
    for ordering, expected in [("code", sorted), ("-code", lambda c: sorted(c, reverse=True))]:
        _response, content = download(client, staff["admin"], "csv", ordering=ordering)
        codes = [row[0] for row in read_csv(content)[1]]
        assert codes == expected(codes) and len(codes) == 4


@pytest.mark.django_db
def test_one_title_gives_a_column_per_criterion(client, staff, make_application):
    application = scored(make_application(), staff["reviewer"], [18, 20, 15, 10])
    make_application(title="citizen")
    _response, content = download(client, staff["admin"], "xlsx", learning_title="family")
    _sheet, headings, rows = read_xlsx(content)
    assert len(rows) == 1
    assert [c.value for c in rows[0][-4:]] == [18, 20, 15, 10]
    assert rows[0][headings.index("Mã hồ sơ")].value == application.code


@pytest.mark.django_db
def test_search_by_code_name_or_phone(client, staff, make_application):
    found = make_application(applicant_name="Gia đình ông Lê Văn Tám", phone="0911222333")
    other = make_application(applicant_name="Gia đình bà Phạm Thị Chín", phone="0977888999")
    for query in ["Lê Văn Tám", "0911222", found.code]:
        _response, content = download(client, staff["admin"], "csv", q=query)
        assert [row[0] for row in read_csv(content)[1]] == [found.code], query
    _response, content = download(client, staff["admin"], "csv", q="Gia đình")
    assert {row[0] for row in read_csv(content)[1]} == {found.code, other.code}


@pytest.mark.django_db
def test_reviewers_export_only_their_area(client, staff, make_application):
    mine = make_application(commune=DONG_HUNG, applicant_name="Hộ Đông Hưng")
    theirs = make_application(commune=TIEN_HAI, applicant_name="Hộ Tiền Hải")

    for fmt in ("csv", "xlsx"):
        _response, content = download(client, staff["reviewer"], fmt)
        if fmt == "csv":
            codes = {row[0] for row in read_csv(content)[1]}
        else:
            _sheet, headings, rows = read_xlsx(content)
            codes = set(by_code(headings, rows))
        assert codes == {mine.code}

    # Asking for the other commune is refused, and nothing of it leaks.
    client.force_login(staff["reviewer"])
    for fmt in ("csv", "xlsx"):
        response = client.get(url(fmt, commune=TIEN_HAI))
        assert response.status_code == 400
        body = response.content.decode()
        assert "xã, phường" in body  # the filter refused, named in Vietnamese
        assert theirs.code not in body and "Tiền Hải" not in body
        response = client.get(url(fmt, q=theirs.code))
        content = b"".join(response.streaming_content)
        assert theirs.code.encode() not in content

    _response, content = download(client, staff["other_reviewer"], "csv")
    assert {row[0] for row in read_csv(content)[1]} == {theirs.code}
    _response, content = download(client, staff["approver"], "csv")
    assert {row[0] for row in read_csv(content)[1]} == {mine.code, theirs.code}


@pytest.mark.django_db
def test_no_data_without_admin_access_or_permission(
    client, staff, make_application, django_user_model
):
    application = make_application()
    response = client.get(url("csv"))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("wagtailadmin_login"))

    # In the admin, but not allowed to see applications (an editor of news).
    editor = django_user_model.objects.create_user("bientap.thu", password="x")
    editor.groups.add(Group.objects.get(name="Biên tập viên"))
    client.force_login(editor)
    for fmt in ("csv", "xlsx"):
        response = client.get(url(fmt))
        assert response.status_code == 302
        assert response["Location"] == reverse("wagtailadmin_home")
        assert application.code.encode() not in response.content


@pytest.mark.django_db
def test_unknown_format_is_not_found(client, staff):
    client.force_login(staff["admin"])
    assert client.get(url("pdf")).status_code == 404
    assert client.get(url("XLSX")).status_code == 404


@pytest.mark.django_db
def test_formulas_and_control_characters_are_neutralised(client, staff, make_application):
    application = make_application(
        applicant_name='=HYPERLINK("http://example.com/x","Bấm vào đây")',
        hamlet="+84 thôn\x07 Đoài",
        email="@mail@example.org",
    )
    _response, content = download(client, staff["admin"], "csv")
    headings, rows = read_csv(content)
    row = dict(zip(headings, rows[0], strict=True))
    assert row["Người đăng ký"] == '\'=HYPERLINK("http://example.com/x","Bấm vào đây")'
    assert row["Thôn, tổ dân phố"] == "'+84 thôn Đoài"
    assert row["Thư điện tử"] == "'@mail@example.org"
    assert row["Mã hồ sơ"] == application.code  # ordinary text untouched

    _response, content = download(client, staff["admin"], "xlsx")
    _sheet, headings, rows = read_xlsx(content)
    cells = dict(zip(headings, rows[0], strict=True))
    name = cells["Người đăng ký"]
    assert name.data_type == "s"  # a string, never a formula
    assert name.value == '=HYPERLINK("http://example.com/x","Bấm vào đây")'
    assert name.quotePrefix
    assert cells["Thôn, tổ dân phố"].value == "+84 thôn Đoài"
    assert cells["Thôn, tổ dân phố"].quotePrefix
    assert not cells["Mã hồ sơ"].quotePrefix


@pytest.mark.django_db
def test_scores_are_read_per_chunk_not_per_row(
    client, staff, make_application, monkeypatch, django_assert_num_queries
):
    reviewer = staff["reviewer"]
    applications = [scored(make_application(), reviewer, [10, 11, 12, 13]) for _ in range(5)]
    client.force_login(staff["admin"])
    monkeypatch.setattr(exports, "CHUNK", 2)

    def count_queries():
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        with CaptureQueriesContext(connection) as queries:
            response = client.get(url("xlsx"))
            content = b"".join(response.streaming_content)
        return len(queries), content

    count_queries()  # the site is looked up once, then remembered
    five, content = count_queries()
    _sheet, headings, rows = read_xlsx(content)
    scores = headings.index(heading("Reviewers' scores by criterion"))
    assert {r[0].value: r[scores].value for r in rows} == {
        a.code: "1: 10; 2: 11; 3: 12; 4: 13" for a in applications
    }
    applications += [scored(make_application(), reviewer, [1, 2, 3, 4]) for _ in range(4)]
    nine, content = count_queries()
    assert len(read_xlsx(content)[2]) == 9
    # Two more chunks of two: two more score queries (and on SQLite no extra fetch query).
    assert nine - five == 2

    monkeypatch.setattr(exports, "CHUNK", 2000)
    one_chunk, _content = count_queries()
    assert one_chunk < five


@pytest.mark.django_db
def test_vietnamese_names_round_trip_and_the_export_is_logged(
    client, staff, make_application, caplog
):
    names = ["Dòng họ Nguyễn Đình làng Đông Hưng", "Gia đình ông Đặng Quốc Vượng", "Ở Ấp Ứng"]
    for name in names:
        make_application(applicant_name=name)
    with caplog.at_level(logging.INFO, logger="forms_app.reviews.exports"):
        _response, csv_content = download(client, staff["reviewer"], "csv", kind="recognition")
        _response, xlsx_content = download(client, staff["reviewer"], "xlsx")
        _response, found = download(client, staff["reviewer"], "csv", q="Đặng Quốc Vượng")
    headings, rows = read_csv(csv_content)
    column = headings.index("Người đăng ký")
    assert sorted(row[column] for row in rows) == sorted(names)
    _sheet, headings, rows = read_xlsx(xlsx_content)
    assert sorted(row[column].value for row in rows) == sorted(names)
    messages = [r.getMessage() for r in caplog.records if r.name == "forms_app.reviews.exports"]
    assert len(messages) == 3
    assert "csv by xetduyet.donghung (kind=recognition): 3 rows" in messages[0]
    assert "xlsx by xetduyet.donghung (no filter): 3 rows" in messages[1]
    # What was searched for (a name, a phone number) stays out of the log.
    assert len(read_csv(found)[1]) == 1
    assert "csv by xetduyet.donghung (q=...): 1 rows" in messages[2]
    assert "Đặng" not in messages[2] and "%C4%90" not in messages[2]
