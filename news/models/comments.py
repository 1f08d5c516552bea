from django.conf import settings
from django.contrib import admin
from django.db import models
from django.utils import timezone
from django.utils.text import Truncator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

COMMENT_MAX_LENGTH = 3000
USER_AGENT_MAX_LENGTH = 255


class CommentStatus(models.TextChoices):
    PENDING = "pending", _("Awaiting moderation")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")


class CommentQuerySet(models.QuerySet):
    def approved(self):
        return self.filter(status=CommentStatus.APPROVED)

    def pending(self):
        return self.filter(status=CommentStatus.PENDING)


class Comment(models.Model):
    """A reader's comment on an article, hidden until an editor approves it.

    The sender's address and browser are kept only to deal with abuse (spotting a flood from
    one address); they are never shown on the site.
    """

    article = models.ForeignKey(
        "news.NewsArticlePage",
        verbose_name=_("article"),
        on_delete=models.CASCADE,
        related_name="comments",
    )
    name = models.CharField(_("name"), max_length=100)
    email = models.EmailField(
        _("e-mail"), blank=True, help_text=_("Not published; only the editors see it")
    )
    text = models.TextField(
        pgettext_lazy("reader comment", "comment"), max_length=COMMENT_MAX_LENGTH
    )
    created_at = models.DateTimeField(_("sent at"), default=timezone.now, db_index=True)
    status = models.CharField(
        _("status"),
        max_length=10,
        choices=CommentStatus.choices,
        default=CommentStatus.PENDING,
        db_index=True,
    )
    moderated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("moderated by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    moderated_at = models.DateTimeField(_("moderated at"), null=True, blank=True)
    ip_address = models.GenericIPAddressField(
        _("sender's IP address"),
        null=True,
        blank=True,
        help_text=_("Kept only to deal with abuse"),
    )
    user_agent = models.CharField(_("browser"), max_length=USER_AGENT_MAX_LENGTH, blank=True)

    objects = CommentQuerySet.as_manager()

    class Meta:
        verbose_name = pgettext_lazy("reader comment", "comment")
        verbose_name_plural = pgettext_lazy("reader comment", "comments")
        ordering = ["-created_at", "-pk"]
        indexes = [models.Index(fields=["article", "status", "created_at"])]

    def __str__(self):
        return f"{self.name}: {Truncator(self.text).chars(60)}"

    @admin.display(description=pgettext_lazy("reader comment", "comment"))
    def excerpt(self):
        return Truncator(self.text).chars(120)

    @property
    def is_approved(self):
        return self.status == CommentStatus.APPROVED

    def moderate(self, status, user):
        """Approve or reject; the caller records the log entry."""
        self.status = status
        self.moderated_by = user
        self.moderated_at = timezone.now()
        self.save(update_fields=["status", "moderated_by", "moderated_at"])
