"""Export everything held about an applicant, for a request under Decree 13/2023/NĐ-CP.

``--code GDHT-2026-000042`` finds one application; ``--phone`` finds every application sent with
that number (written in any of the ways the form accepts). The JSON (UTF-8, Vietnamese as is)
holds, per application, the fields of the form, the household members, the self-assessment, the
reviewers' points and notes, the timeline with its public messages **and the reviewers'
internal notes**, the audit log's entries, and the files' names, sizes and types. The internal
notes are included on purpose: they are data about the applicant, which the decree lets them
see; staff who think a note must be withheld remove it from the file before handing it over.

Left out: the staff's identities (their own personal data: only "applicant" or "staff" is said),
and the secret of the private tracking link and the submission token, which are keys to the
data, not data about the applicant.

``--output FILE`` writes the JSON to a file, or, when FILE ends in ``.zip``, a ZIP holding
``data.json`` and the evidence files under ``files/``; without it the JSON goes to the standard
output. Each application exported gets an entry ``forms_app.export_personal_data`` in its history.
"""

import json
import zipfile
from decimal import Decimal

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.log_actions import log, registry

from forms_app.models import Application
from khuyenhoc.text import normalize_phone

APPLICATION_FIELDS = (
    "code",
    "learning_title",
    "kind",
    "status",
    "applicant_name",
    "applicant_details",
    "phone",
    "email",
    "hamlet",
    "self_total",
    "self_rating",
    "consent_at",
    "privacy_notice_text",
    "submitted_at",
    "public_listing",
    "review_total",
    "review_rating",
    "decision_number",
    "decision_date",
    "decision_signer",
    "valid_until",
    "decision_reason",
    "recognised_on",
    "certificate_code",
    "anonymised_at",
    "updated_at",
)


def plain(value):
    """JSON for dates, times and points."""
    if isinstance(value, Decimal):
        return str(value)
    if hasattr(value, "isoformat"):
        return value.isoformat()
    return value


def _files(application, archive_names):
    rows = []
    for number, item in enumerate(application.files.all(), start=1):
        row = {
            "name": item.original_name,
            "size": item.size,
            "content_type": item.content_type,
            "uploaded_at": plain(item.uploaded_at),
            "criterion": item.criterion.code if item.criterion_id else None,
        }
        if archive_names is not None:
            safe_name = item.original_name.replace("/", "_").replace("\\", "_")
            row["in_archive"] = f"files/{application.code}/{number:02d}-{safe_name}"
            archive_names.append((row["in_archive"], item))
        rows.append(row)
    return rows


def application_data(application, archive_names=None):
    """Everything held about one application, as plain JSON values."""
    data = {name: plain(getattr(application, name)) for name in APPLICATION_FIELDS}
    data["learning_title_label"] = str(application.get_learning_title_display())
    data["kind_label"] = str(application.get_kind_display())
    data["status_label"] = str(application.get_status_display())
    data["province"] = {"code": application.province_id, "name": application.province.name}
    data["commune"] = {"code": application.commune_id, "name": application.commune.name}
    data["form_page"] = application.page.title if application.page_id else None
    data["members"] = [
        {
            "name": member.name,
            "birth_year": member.birth_year,
            "relation": member.relation,
            "occupation": member.occupation,
            "learning": member.learning,
        }
        for member in application.members.all()
    ]
    data["self_assessment"] = [
        {
            "criterion": row.criterion.code,
            "criterion_description": row.criterion.description,
            "points": plain(row.points),
            "note": row.note,
        }
        for row in application.self_assessments.select_related("criterion")
    ]
    data["review_scores"] = [
        {
            "criterion": row.criterion.code,
            "points": plain(row.points),
            "note": row.note,
            "updated_at": plain(row.updated_at),
        }
        for row in application.review_scores.select_related("criterion")
    ]
    data["events"] = [
        {
            "status": event.status,
            "created_at": plain(event.created_at),
            "by": "applicant" if event.by_applicant else "staff",
            "shown_to_applicant": event.public,
            "message": event.message,
            "internal_note": event.note,
        }
        for event in application.events.all()
    ]
    data["history"] = [
        {"action": entry.action, "timestamp": plain(entry.timestamp), "data": entry.data}
        for entry in registry.get_logs_for_instance(application).order_by("timestamp", "pk")
    ]
    data["files"] = _files(application, archive_names)
    return data


class Command(BaseCommand):
    help = "Export everything held about an applicant (by tracking code or phone) as JSON."

    def add_arguments(self, parser):
        which = parser.add_mutually_exclusive_group(required=True)
        which.add_argument("--code", help="tracking code, e.g. GDHT-2026-000042")
        which.add_argument("--phone", help="the phone number given in the applications")
        parser.add_argument(
            "--output", help="write to this file; a name ending in .zip adds the evidence files"
        )

    def handle(self, *args, code=None, phone=None, output=None, **options):
        applications = Application.objects.select_related("province", "commune", "page")
        if code:
            code = "".join(code.split()).upper()
            applications = applications.filter(code=code)
            asked = {"code": code}
        else:
            number = normalize_phone(phone)
            if number is None:
                raise CommandError(
                    _("%(phone)s is not a Vietnamese phone number.") % {"phone": phone}
                )
            applications = applications.filter(phone=number)
            asked = {"phone": number}
        applications = list(applications.order_by("submitted_at", "pk"))
        if not applications:
            raise CommandError(
                _("No application matches %(value)s.") % {"value": code or asked["phone"]}
            )
        zipped = bool(output) and output.lower().endswith(".zip")
        archive_names = [] if zipped else None
        document = {
            "exported_at": plain(timezone.now()),
            "asked_for": asked,
            "applications": [application_data(a, archive_names) for a in applications],
        }
        text = json.dumps(document, ensure_ascii=False, indent=2)
        if zipped:
            self._write_zip(output, text, archive_names)
        elif output:
            with open(output, "w", encoding="utf-8") as handle:
                handle.write(text)
        else:
            self.stdout.write(text)
        for application, data in zip(applications, document["applications"], strict=True):
            log(
                application,
                "forms_app.export_personal_data",
                user=None,
                data={
                    "by": "code" if code else "phone",
                    "output": "zip" if zipped else "file" if output else "stdout",
                    "files": len(data["files"]),
                },
            )
        if output:
            self.stdout.write(
                self.style.SUCCESS(
                    _("%(count)s applications exported to %(file)s.")
                    % {"count": len(applications), "file": output}
                )
            )

    def _write_zip(self, output, text, archive_names):
        with zipfile.ZipFile(output, "w", compression=zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("data.json", text.encode("utf-8"))
            for name, item in archive_names:
                try:
                    with item.file.open("rb") as source:
                        archive.writestr(name, source.read())
                except OSError:
                    self.stderr.write(
                        _("The file %(name)s could not be read; it is listed only.")
                        % {"name": item.original_name}
                    )
