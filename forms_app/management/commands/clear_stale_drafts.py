"""Delete abandoned drafts and their evidence files.

Drafts hold personal data and files that nobody sent: keeping them for ever would go against
Decree 13/2023/NĐ-CP's "no longer than needed". A draft counts as abandoned when nobody has
saved it for ``--days`` days (``DRAFT_RETENTION_DAYS``, 90 by default). Files left without a draft
(one deleted another way) go after as long. Files that belong to an application, and drafts
whose token an application already used, are never touched.
"""

import datetime
import logging

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone

from forms_app.models import Application, ApplicationDraft, EvidenceFile

logger = logging.getLogger(__name__)


def clear_stale_drafts(days, now=None):
    """Delete the drafts not updated for ``days`` days; return (drafts, files) deleted."""
    cutoff = (now or timezone.now()) - datetime.timedelta(days=days)
    stale = ApplicationDraft.objects.filter(updated_at__lt=cutoff).exclude(
        token__in=Application.objects.values("submission_token")
    )
    with transaction.atomic():
        # Locked, so that an applicant saving the draft right now waits for this to end.
        draft_ids = list(stale.select_for_update().values_list("pk", flat=True))
        # With them, files left by a draft deleted some other way (its page deleted, say).
        files = EvidenceFile.objects.filter(application__isnull=True).filter(
            Q(draft_id__in=draft_ids) | Q(draft__isnull=True, uploaded_at__lt=cutoff)
        )
        stored = [(item.file.storage, item.file.name) for item in files if item.file]
        files.delete()
        ApplicationDraft.objects.filter(pk__in=draft_ids).delete()
    # Files go once the rows are gone for good: a failed delete leaves a stray file, never a
    # row pointing at nothing.
    for storage, name in stored:
        try:
            storage.delete(name)
        except OSError:
            logger.exception("Could not delete the stale draft file %s", name)
    return len(draft_ids), len(stored)


class Command(BaseCommand):
    help = "Delete drafts not updated for DAYS days, with their evidence files."

    def add_arguments(self, parser):
        parser.add_argument(
            "--days",
            type=int,
            default=None,
            help=f"age in days (default DRAFT_RETENTION_DAYS, {settings.DRAFT_RETENTION_DAYS})",
        )

    def handle(self, *args, days=None, **options):
        days = settings.DRAFT_RETENTION_DAYS if days is None else days
        if days < 1:
            raise CommandError("--days must be at least 1.")
        drafts, files = clear_stale_drafts(days)
        logger.info(
            "Deleted %d drafts older than %d days and %d evidence files.", drafts, days, files
        )
        self.stdout.write(
            self.style.SUCCESS(
                f"{drafts} drafts not updated for {days} days deleted, with {files} files."
            )
        )
