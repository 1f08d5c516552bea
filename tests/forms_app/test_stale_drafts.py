"""`manage.py clear_stale_drafts`: abandoned drafts go with their files, applications stay."""

import datetime
import io
import os

import pytest
from django.core.files.base import ContentFile
from django.core.management import CommandError, call_command
from django.utils import timezone

from forms_app.models import Application, ApplicationDraft, EvidenceFile

from .conftest import PDF, TOKEN, form_data, pdf, png

OLD_TOKEN = "O" * 32
FRESH_TOKEN = "F" * 32


def save_draft(client, page, commune, token, files):
    data = form_data(page, commune, token=token, action="save", evidence=files)
    response = client.post(page.url, data)
    assert response.status_code == 200
    return ApplicationDraft.objects.get(token=token)


def age(draft, days):
    then = timezone.now() - datetime.timedelta(days=days)
    ApplicationDraft.objects.filter(pk=draft.pk).update(updated_at=then, created_at=then)


def run(*args):
    out = io.StringIO()
    call_command("clear_stale_drafts", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def drafts(client, pages, commune):
    """An abandoned draft with two files, a recent one with a file, and an old application."""
    page = pages["gia-dinh-hoc-tap"]
    old = save_draft(client, page, commune, OLD_TOKEN, [pdf(), png()])
    fresh = save_draft(client, page, commune, FRESH_TOKEN, [pdf("moi.pdf")])
    response = client.post(page.url, form_data(page, commune, evidence=[png("da-gui.png")]))
    assert response.status_code == 302
    application = Application.objects.get(submission_token=TOKEN)
    age(old, 91)
    age(fresh, 89)
    EvidenceFile.objects.update(uploaded_at=timezone.now() - datetime.timedelta(days=200))
    return {"old": old, "fresh": fresh, "application": application}


def paths(queryset):
    return [item.file.path for item in queryset]


def test_abandoned_draft_and_its_files_are_deleted(drafts, caplog):
    old_files = paths(drafts["old"].files.all())
    kept_files = paths(drafts["fresh"].files.all()) + paths(drafts["application"].files.all())
    assert len(old_files) == 2 and len(kept_files) == 2
    assert all(os.path.exists(path) for path in old_files + kept_files)

    with caplog.at_level("INFO", logger="forms_app"):
        output = run()

    assert "1 drafts not updated for 90 days deleted, with 2 files." in output
    assert "Deleted 1 drafts older than 90 days and 2 evidence files." in caplog.text
    assert not ApplicationDraft.objects.filter(token=OLD_TOKEN).exists()
    assert ApplicationDraft.objects.filter(token=FRESH_TOKEN).exists()
    assert not any(os.path.exists(path) for path in old_files)
    assert all(os.path.exists(path) for path in kept_files)
    assert EvidenceFile.objects.count() == 2
    application = Application.objects.get()
    assert [f.original_name for f in application.files.all()] == ["da-gui.png"]
    assert application.files.get().file.read().startswith(b"\x89PNG")

    # Nothing left to do the second time.
    assert "0 drafts not updated for 90 days deleted, with 0 files." in run()


def test_days_option_and_setting(drafts, settings):
    assert run("--days", "100").startswith("0 drafts")
    settings.DRAFT_RETENTION_DAYS = 80
    assert run().startswith("2 drafts not updated for 80 days deleted, with 3 files.")
    assert Application.objects.get().files.count() == 1
    assert not ApplicationDraft.objects.exists()
    with pytest.raises(CommandError):
        run("--days", "0")


def test_a_draft_whose_token_was_sent_is_left_alone(drafts):
    """Should a draft outlive its application, the application's files are never touched."""
    application = drafts["application"]
    leftover = ApplicationDraft.objects.create(token=TOKEN, page=application.page)
    age(leftover, 400)
    item = application.files.get()
    item.draft = leftover
    item.save()

    assert run().startswith("1 drafts")
    assert ApplicationDraft.objects.filter(token=TOKEN).exists()
    assert os.path.exists(item.file.path)
    assert application.files.count() == 1


def test_files_of_a_draft_deleted_otherwise_go_too(drafts):
    """Deleting a draft (or its page) leaves its files without owner: old ones are removed."""
    fresh = drafts["fresh"]
    [orphan] = fresh.files.all()
    fresh.delete()
    orphan.refresh_from_db()
    assert orphan.draft is None and orphan.application is None
    # One uploaded just now may still be in use.
    recent = EvidenceFile.objects.create(
        file=ContentFile(PDF, name="moi-tai.pdf"),
        original_name="moi-tai.pdf",
        content_type="application/pdf",
        size=len(PDF),
    )
    path = orphan.file.path

    assert run().startswith("1 drafts not updated for 90 days deleted, with 3 files.")
    assert not os.path.exists(path)
    assert not EvidenceFile.objects.filter(pk=orphan.pk).exists()
    assert EvidenceFile.objects.filter(pk=recent.pk).exists()
    assert os.path.exists(recent.file.path)
    assert Application.objects.get().files.count() == 1
