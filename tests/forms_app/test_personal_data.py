"""The personal data commands (Decree 13/2023): anonymising old rejected and withdrawn
applications, and exporting everything held about an applicant."""

import datetime
import io
import json
import re
import zipfile
from decimal import Decimal

import pytest
from django.core.management import call_command, execute_from_command_line
from django.core.management.base import CommandError
from django.db import connections
from django.test import override_settings
from django.utils import timezone
from wagtail.log_actions import log, registry

from forms_app.models import (
    Application,
    ApplicationEvent,
    ApplicationMember,
    EvidenceFile,
    ReviewScore,
)

from .conftest import PDF, TIEN_HAI

NAME = "Gia đình ông Trần Văn Riêng"
PHONE = "0987654321"
SIX_YEARS_AGO = timezone.now() - datetime.timedelta(days=6 * 366)


def age(application, when=SIX_YEARS_AGO):
    """As if nothing had happened to it since ``when``."""
    Application.objects.filter(pk=application.pk).update(updated_at=when)
    application.events.update(created_at=when)


def run(*args):
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def personal(make_application, staff, status="rejected", **fields):
    """An application with something personal in every place the commands must reach."""
    application = make_application(
        status=status,
        applicant_name=NAME,
        phone=PHONE,
        email="rieng@example.org",
        hamlet="Thôn Đông",
        applicant_details={"head_name": "Trần Văn Riêng", "households": "1"},
        decision_reason="Ông Riêng chưa đủ điểm",
        self_total=Decimal("88.0"),
        review_total=Decimal("61.5"),
        **fields,
    )
    ApplicationMember.objects.create(
        application=application, name="Trần Văn Riêng", birth_year=1970, relation="chủ hộ"
    )
    ApplicationMember.objects.create(
        application=application, name="Trần Thị Nhỏ", birth_year=2012, relation="con"
    )
    application.self_assessments.update(note="Ông Riêng đọc sách mỗi tối")
    criterion = application.criteria_set.criteria.first()
    ReviewScore.objects.create(
        application=application,
        criterion=criterion,
        points=Decimal("7.0"),
        note="Nhà ông Riêng chưa có tủ sách",
        scored_by=staff["reviewer"],
    )
    ApplicationEvent.objects.create(
        application=application,
        status=status,
        note="Ghi chú nội bộ về ông Riêng",
        message="Hồ sơ của ông Riêng không được công nhận",
        by_user=staff["approver"],
    )
    log(
        application,
        "forms_app.reject",
        user=staff["approver"],
        data={"from": "proposed_rejection", "to": status, "note": "ông Riêng", "message": "x"},
    )
    return application


@pytest.fixture
def old_rejected(make_application, staff):
    application = personal(make_application, staff)
    age(application)
    return application


def anonymise_entries(application):
    return registry.get_logs_for_instance(application).filter(action="forms_app.anonymise")


# --- Anonymising ----------------------------------------------------------------------------


@pytest.mark.django_db
def test_anonymising_removes_the_personal_data_and_files_and_keeps_the_figures(
    client, old_rejected
):
    application = old_rejected
    file_row = application.files.get()
    storage, stored_name = file_row.file.storage, file_row.file.name
    assert storage.exists(stored_name)
    old_link = application.tracking_path()
    kept = Application.objects.filter(pk=application.pk).values(
        "code",
        "learning_title",
        "kind",
        "status",
        "commune_id",
        "province_id",
        "submitted_at",
        "consent_at",
        "self_total",
        "review_total",
        "updated_at",
    )[0]
    points = list(application.self_assessments.values_list("criterion_id", "points"))

    output = run("anonymise_applications")
    assert re.match(r"1\b", output)

    application.refresh_from_db()
    assert application.applicant_name == "Đã ẩn danh"
    assert application.search_name == "da an danh"  # not found by the old name either
    assert NAME not in str(application)
    assert (application.phone, application.email, application.hamlet) == ("", "", "")
    assert application.applicant_details == {}
    assert application.decision_reason == ""
    assert application.anonymised_at is not None
    assert not application.members.exists()
    assert set(application.self_assessments.values_list("note", flat=True)) == {""}
    assert list(application.self_assessments.values_list("criterion_id", "points")) == points
    assert list(application.review_scores.values_list("points", "note")) == [(Decimal("7.0"), "")]
    assert not application.events.exclude(note="", message="").exists()
    assert application.events.count() == 1
    # The evidence files: rows and stored files.
    assert not EvidenceFile.objects.filter(pk=file_row.pk).exists()
    assert not storage.exists(stored_name)
    # What the statistics count is all there.
    assert Application.objects.filter(pk=application.pk).values(*kept)[0] == kept
    # The old private link opens nothing; the audit log keeps no name or free text.
    assert client.get(old_link).status_code == 404
    entries = registry.get_logs_for_instance(application)
    assert all(
        NAME not in entry.label and "Riêng" not in json.dumps(entry.data, ensure_ascii=False)
        for entry in entries
    )
    rejected_entry = entries.get(action="forms_app.reject")
    assert rejected_entry.data["from"] == "proposed_rejection"
    entry = anonymise_entries(application).get()
    assert entry.user is None
    assert entry.data["members"] == 2 and entry.data["files"] == 1
    # It still counts: one request for recognition sent in its year, in its commune.
    response = client.get("/thong-ke/", {"tinh": "33"})
    assert response.status_code == 200
    assert f'data-code="{application.commune_id}"' in response.content.decode()


@pytest.mark.django_db
def test_only_old_rejected_and_withdrawn_applications_are_anonymised(make_application, staff):
    recent = personal(make_application, staff)
    old_recognised = personal(make_application, staff, status="approved")
    old_in_review = personal(make_application, staff, status="in_review")
    old_withdrawn = personal(make_application, staff, status="withdrawn")
    # Withdrawn long ago, but the applicant wrote something last month.
    recent_event = personal(make_application, staff, status="withdrawn")
    for application in (old_recognised, old_in_review, old_withdrawn, recent_event):
        age(application)
    ApplicationEvent.objects.create(
        application=recent_event,
        status="withdrawn",
        created_at=timezone.now() - datetime.timedelta(days=30),
    )

    run("anonymise_applications")

    anonymised = set(
        Application.objects.filter(anonymised_at__isnull=False).values_list("pk", flat=True)
    )
    assert anonymised == {old_withdrawn.pk}
    for application in (recent, old_recognised, old_in_review, recent_event):
        application.refresh_from_db()
        assert application.applicant_name == NAME
        assert application.members.count() == 2
        assert application.files.count() == 1
        assert not anonymise_entries(application).exists()


@pytest.mark.django_db
def test_the_number_of_years(make_application, staff):
    application = personal(make_application, staff)
    age(application, timezone.now() - datetime.timedelta(days=3 * 366))
    run("anonymise_applications")
    assert Application.objects.get(pk=application.pk).anonymised_at is None
    with override_settings(PERSONAL_DATA_RETENTION_YEARS=10):
        run("anonymise_applications")
    assert Application.objects.get(pk=application.pk).anonymised_at is None
    run("anonymise_applications", "--years", "3")
    assert Application.objects.get(pk=application.pk).anonymised_at is not None
    with pytest.raises(CommandError):
        run("anonymise_applications", "--years", "0")


@pytest.mark.django_db
def test_a_dry_run_changes_nothing(old_rejected):
    storage, stored_name = old_rejected.files.get().file.storage, old_rejected.files.get().file.name
    output = run("anonymise_applications", "--dry-run")
    assert re.search(r"\b1\b", output)
    old_rejected.refresh_from_db()
    assert old_rejected.applicant_name == NAME
    assert old_rejected.anonymised_at is None
    assert old_rejected.members.count() == 2
    assert storage.exists(stored_name)
    assert not anonymise_entries(old_rejected).exists()


@pytest.mark.django_db
def test_running_again_does_nothing(old_rejected):
    first = run("anonymise_applications")
    anonymised_at = Application.objects.get(pk=old_rejected.pk).anonymised_at
    second = run("anonymise_applications")
    assert first != second
    assert second.startswith("0")
    assert Application.objects.get(pk=old_rejected.pk).anonymised_at == anonymised_at
    assert anonymise_entries(old_rejected).count() == 1
    assert re.search(r"\b0\b", run("anonymise_applications", "--dry-run"))


# --- Exporting ------------------------------------------------------------------------------


@pytest.mark.django_db
def test_export_by_code_holds_everything(make_application, staff):
    application = personal(make_application, staff, status="rejected")
    output = run("export_applicant_data", "--code", application.code.lower())
    assert "Trần Văn Riêng" in output  # UTF-8 as is, not \u escapes
    document = json.loads(output)
    assert document["asked_for"] == {"code": application.code}
    (data,) = document["applications"]
    assert data["code"] == application.code
    assert data["applicant_name"] == NAME
    assert data["phone"] == PHONE
    assert data["email"] == "rieng@example.org"
    assert data["hamlet"] == "Thôn Đông"
    assert data["applicant_details"]["head_name"] == "Trần Văn Riêng"
    assert data["commune"] == {"code": "12688", "name": "Xã Đông Hưng"}
    assert data["learning_title_label"]
    assert data["self_total"] == "88.0"
    assert [m["name"] for m in data["members"]] == ["Trần Văn Riêng", "Trần Thị Nhỏ"]
    assert {row["note"] for row in data["self_assessment"]} == {"Ông Riêng đọc sách mỗi tối"}
    assert data["review_scores"][0]["note"] == "Nhà ông Riêng chưa có tủ sách"
    event = data["events"][-1]
    assert event["message"] == "Hồ sơ của ông Riêng không được công nhận"
    assert event["internal_note"] == "Ghi chú nội bộ về ông Riêng"
    assert event["by"] == "staff"
    assert data["files"] == [
        {
            "name": "minh-chung.pdf",
            "size": len(PDF),
            "content_type": "application/pdf",
            "uploaded_at": data["files"][0]["uploaded_at"],
            "criterion": None,
        }
    ]
    assert [entry["action"] for entry in data["history"]] == ["forms_app.reject"]
    # Keys to the data and the staff's identities stay out.
    assert application.secret not in output
    assert application.submission_token not in output
    assert staff["approver"].username not in output
    entry = registry.get_logs_for_instance(application).get(action="forms_app.export_personal_data")
    assert entry.data == {"by": "code", "output": "stdout", "files": 1}


@pytest.mark.django_db
def test_export_by_phone_to_a_zip_with_the_files(make_application, staff, tmp_path):
    first = personal(make_application, staff, status="approved")
    second = personal(make_application, staff, status="submitted", commune=TIEN_HAI)
    other = make_application(phone="0912000111")
    target = tmp_path / "du-lieu.zip"
    output = run("export_applicant_data", "--phone", "+84 987 654 321", "--output", str(target))
    assert re.search(r"\b2\b", output)
    with zipfile.ZipFile(target) as archive:
        document = json.loads(archive.read("data.json").decode("utf-8"))
        codes = [a["code"] for a in document["applications"]]
        assert sorted(codes) == sorted([first.code, second.code])
        for data in document["applications"]:
            (listed,) = data["files"]
            assert archive.read(listed["in_archive"]) == PDF
    assert document["asked_for"] == {"phone": PHONE}
    for application in (first, second):
        assert (
            registry.get_logs_for_instance(application)
            .filter(action="forms_app.export_personal_data", data__output="zip")
            .exists()
        )
    assert not registry.get_logs_for_instance(other).exists()


@pytest.mark.django_db
def test_export_to_a_json_file(old_rejected, tmp_path):
    target = tmp_path / "du-lieu.json"
    run("export_applicant_data", "--code", old_rejected.code, "--output", str(target))
    document = json.loads(target.read_text(encoding="utf-8"))
    assert document["applications"][0]["applicant_name"] == NAME


@pytest.mark.django_db
def test_an_anonymised_application_exports_what_is_left(old_rejected):
    run("anonymise_applications")
    (data,) = json.loads(run("export_applicant_data", "--code", old_rejected.code))["applications"]
    assert data["applicant_name"] == "Đã ẩn danh"
    assert data["members"] == [] and data["files"] == []
    assert data["anonymised_at"]


@pytest.mark.django_db
def test_unknown_applicants_are_an_error(make_application, capsys, monkeypatch):
    make_application()
    with pytest.raises(CommandError, match="GDHT-2020-999999"):
        run("export_applicant_data", "--code", "GDHT-2020-999999")
    with pytest.raises(CommandError, match="0911222333"):
        run("export_applicant_data", "--phone", "0911 222 333")
    with pytest.raises(CommandError, match="12345"):
        run("export_applicant_data", "--phone", "12345")
    # From the shell: a message and a non-zero exit code. (The command closes the database
    # connections as it ends, which would end this test's transaction.)
    monkeypatch.setattr(connections, "close_all", lambda: None)
    with pytest.raises(SystemExit) as exit_info:
        execute_from_command_line(
            ["manage.py", "export_applicant_data", "--code", "GDHT-2020-999999"]
        )
    assert exit_info.value.code != 0
    assert "GDHT-2020-999999" in capsys.readouterr().err
    assert not registry.get_logs_for_instance(Application.objects.get()).exists()
