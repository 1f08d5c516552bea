"""Remove the personal data of applications that were not recognised or were withdrawn, once
nothing has happened to them for ``--years`` years.

Decree 13/2023/NĐ-CP asks that personal data be kept no longer than needed. A recognised title is
kept (its certificate can be verified for years); a rejected or withdrawn application has no
such use once the time to complain about it has long passed. What identifies the applicant goes:
the name (replaced by ``ANONYMISED_NAME``), phone, e-mail, thôn/tổ, the details typed in the
form, the household members, the notes of the self-assessment and of the reviewers' scores, the
messages and notes of the timeline and of the audit log, the reason given, and the evidence
files (rows and stored files). What the statistics count stays: code, title, kind, status,
commune and province, dates and points. The secret of the private link is replaced, so old
links open nothing.

An application counts as untouched when its ``updated_at`` and its latest timeline event are
both older than the cut-off. ``--years`` defaults to ``PERSONAL_DATA_RETENTION_YEARS`` (5). Each
application is anonymised in its own transaction, logged in its history
(``forms_app.anonymise``); running the command again finds nothing more to do. ``--dry-run``
only counts. Run it monthly, e.g. from cron:
``0 4 1 * * cd /srv/khuyenhoc && .venv/bin/python manage.py anonymise_applications``.
"""

import logging

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Max, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.log_actions import log, registry

from forms_app.models import Application, ApplicationStatus, new_token

logger = logging.getLogger(__name__)

# Stored, not interface text: what the admin shows instead of the applicant's name.
ANONYMISED_NAME = "Đã ẩn danh"
STATUSES = (ApplicationStatus.REJECTED, ApplicationStatus.WITHDRAWN)
# Free text in the audit log's entries that may name or describe the applicant.
LOG_TEXT_KEYS = ("note", "message", "reason")
CLEARED = {
    "applicant_name": ANONYMISED_NAME,
    "phone": "",
    "email": "",
    "hamlet": "",
    "decision_reason": "",
}


def years_before(moment, years):
    try:
        return moment.replace(year=moment.year - years)
    except ValueError:  # 29 February
        return moment.replace(year=moment.year - years, day=28)


def due(cutoff):
    """Rejected or withdrawn, not anonymised yet, nothing changed or logged since ``cutoff``."""
    return (
        Application.objects.filter(
            status__in=STATUSES, anonymised_at__isnull=True, updated_at__lt=cutoff
        )
        .annotate(last_event=Max("events__created_at"))
        .filter(Q(last_event__isnull=True) | Q(last_event__lt=cutoff))
        .order_by("pk")
    )


def anonymise(pk, cutoff, years, now):
    """Anonymise one application if it is still due; return its numbers, or None. The stored
    files go after the commit: a failed delete leaves a stray file, never a row without one."""
    with transaction.atomic():
        application = Application.objects.select_for_update().filter(pk=pk).first()
        # Checked again under the lock: the applicant or a reviewer may have acted since.
        if application is None or not due(cutoff).filter(pk=pk).exists():
            return None
        files = list(application.files.all())
        stored = [(item.file.storage, item.file.name) for item in files if item.file]
        counts = {
            "members": application.members.all().delete()[0],
            "files": application.files.all().delete()[0],
            "events": application.events.update(note="", message=""),
            "self_assessment": application.self_assessments.update(note=""),
            "review_scores": application.review_scores.update(note=""),
        }
        for name, value in CLEARED.items():
            setattr(application, name, value)
        application.applicant_details = {}
        application.secret = new_token()
        application.anonymised_at = now
        application.save(update_fields=[*CLEARED, "applicant_details", "secret", "anonymised_at"])
        for entry in registry.get_logs_for_instance(application):
            entry.label = str(application)
            entry.data = {
                key: "" if key in LOG_TEXT_KEYS else value
                for key, value in (entry.data or {}).items()
            }
            entry.save(update_fields=["label", "data"])
        log(
            application,
            "forms_app.anonymise",
            user=None,
            data={"years": years, "status": application.status, **counts},
        )
    for storage, name in stored:
        try:
            storage.delete(name)
        except OSError:
            logger.exception("Could not delete the evidence file %s", name)
    return counts


class Command(BaseCommand):
    help = (
        "Remove the personal data of rejected and withdrawn applications untouched for YEARS "
        "years (their figures stay in the statistics)."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--years",
            type=int,
            default=None,
            help="age in years (default: the PERSONAL_DATA_RETENTION_YEARS setting, 5)",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="only count what would be anonymised"
        )

    def handle(self, *args, years=None, dry_run=False, **options):
        years = settings.PERSONAL_DATA_RETENTION_YEARS if years is None else years
        if years < 1:
            raise CommandError(_("--years must be at least 1."))
        now = timezone.now()
        cutoff = years_before(now, years)
        if dry_run:
            by_status = dict.fromkeys(STATUSES, 0)
            for status in due(cutoff).values_list("status", flat=True):
                by_status[status] += 1
            self.stdout.write(
                _(
                    "Dry run: %(count)s applications untouched for %(years)s years would be "
                    "anonymised (%(rejected)s not recognised, %(withdrawn)s withdrawn). "
                    "Nothing was changed."
                )
                % {
                    "count": sum(by_status.values()),
                    "years": years,
                    "rejected": by_status[ApplicationStatus.REJECTED],
                    "withdrawn": by_status[ApplicationStatus.WITHDRAWN],
                }
            )
            return
        done, files = 0, 0
        for pk in list(due(cutoff).values_list("pk", flat=True)):
            counts = anonymise(pk, cutoff, years, now)
            if counts is not None:
                done += 1
                files += counts["files"]
        logger.info(
            "Anonymised %d applications untouched for %d years; %d files deleted.",
            done,
            years,
            files,
        )
        self.stdout.write(
            self.style.SUCCESS(
                _(
                    "%(count)s applications untouched for %(years)s years anonymised; "
                    "%(files)s evidence files deleted."
                )
                % {"count": done, "years": years, "files": files}
            )
        )
