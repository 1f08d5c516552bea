"""E-mails sent as background tasks (immediately in development, by the worker in production,
again later while the mail server is down: ``khuyenhoc.tasks``): to applicants, and to the
association about an answer to a simple form."""

from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext as _

from khuyenhoc.tasks import retrying_task


@retrying_task()
def send_confirmation(application_id, tracking_url=""):
    from django.conf import settings

    from forms_app.models import Application

    application = Application.objects.select_related("page", "commune").get(pk=application_id)
    if not application.email:
        return
    # The view passes the link as the visitor saw the site; without it, the configured base.
    tracking_url = tracking_url or settings.WAGTAILADMIN_BASE_URL + application.tracking_path()
    with translation.override("vi"):
        send_mail(
            _("Your application %(code)s has been received") % {"code": application.code},
            render_to_string(
                "forms_app/email/confirmation.txt",
                {"application": application, "tracking_url": tracking_url},
            ),
            None,
            [application.email],
        )


@retrying_task()
def send_draft_link(draft_id, url):
    from forms_app.models import ApplicationDraft

    draft = ApplicationDraft.objects.select_related("page").filter(pk=draft_id).first()
    if draft is None or not draft.email:
        return
    with translation.override("vi"):
        send_mail(
            _("Your draft application: the link to continue"),
            render_to_string("forms_app/email/draft_link.txt", {"draft": draft, "url": url}),
            None,
            [draft.email],
        )


@retrying_task()
def send_submission_mail(subject, body, addresses, sender=None):
    """Tell the association about a new answer without making the visitor wait for SMTP."""
    send_mail(subject, body, sender, addresses)


@retrying_task()
def send_status_mail(event_id):
    """Tell the applicant that their application moved, with the message and the link."""
    from django.conf import settings

    from forms_app.models import ApplicationEvent

    event = ApplicationEvent.objects.select_related("application").filter(pk=event_id).first()
    if event is None or not event.public or not event.application.email:
        return
    application = event.application
    with translation.override("vi"):
        send_mail(
            _("Your application %(code)s: %(status)s")
            % {"code": application.code, "status": event.get_status_display()},
            render_to_string(
                "forms_app/email/status_changed.txt",
                {
                    "application": application,
                    "event": event,
                    "tracking_url": settings.WAGTAILADMIN_BASE_URL + application.tracking_path(),
                },
            ),
            None,
            [application.email],
        )


@retrying_task()
def notify_reviewers(application_id):
    """Tell the reviewers of the application's commune that it arrived."""
    from django.conf import settings
    from django.urls import reverse

    from forms_app.models import Application
    from forms_app.workflow import reviewers_of

    application = (
        Application.objects.select_related("commune", "province").filter(pk=application_id).first()
    )
    if application is None:
        return
    addresses = sorted({u.email for u in reviewers_of(application.commune_id) if u.email})
    if not addresses:
        return
    with translation.override("vi"):
        send_mail(
            _("New application %(code)s in %(commune)s")
            % {"code": application.code, "commune": application.commune.name},
            render_to_string(
                "forms_app/email/new_application.txt",
                {
                    "application": application,
                    "admin_url": settings.WAGTAILADMIN_BASE_URL
                    + reverse("forms_app_applications:inspect", args=[application.pk]),
                },
            ),
            None,
            addresses,
        )
