"""The applicant's tracking page ("Tra cứu hồ sơ"): the timeline, the reply to a request for
information, and withdrawing before a decision.

Two ways in: the private link (code + secret, shown after sending and e-mailed), or the code and
the phone number used, which leads to the same link. A wrong code and a wrong phone get the same
answer, so the page never tells which codes exist; lookups are rate limited per address. Only
public events are shown, with their message to the applicant, never the reviewers' notes. Every
answer is ``Cache-Control: private, no-store``: the page holds personal data.
"""

import re
import secrets

from django import forms
from django.core.exceptions import ValidationError
from django.db import transaction
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import cache_control
from django_ratelimit import ALL
from wagtail.log_actions import log

from forms_app.files import check_upload
from forms_app.forms import EvidenceField, PhoneField
from forms_app.models import Application, ApplicationEvent, ApplicationStatus, EvidenceFile
from khuyenhoc.antispam import rate_limited, too_many_requests

TEMPLATE = "forms_app/tracking.html"
CODE_RE = re.compile(r"^[A-Z]{4,5}-\d{4}-\d{6}$")


class TrackingForm(forms.Form):
    code = forms.CharField(
        label=gettext_lazy("Tracking code"),
        max_length=30,
        help_text=gettext_lazy("e.g. GDHT-2026-000042"),
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )
    phone = PhoneField(
        label=gettext_lazy("Phone number"),
        help_text=gettext_lazy("The number given in the application"),
    )

    def clean_code(self):
        return re.sub(r"\s+", "", self.cleaned_data["code"]).upper()


class ReplyForm(forms.Form):
    """The answer to a request for more information: a message, corrected contact details and
    more files. Sending it returns the application to review."""

    message = forms.CharField(
        label=gettext_lazy("Your answer"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    email = forms.EmailField(
        label=gettext_lazy("E-mail (optional)"),
        required=False,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    hamlet = forms.CharField(label=gettext_lazy("Village or residential group"), max_length=255)
    evidence = EvidenceField(
        label=gettext_lazy("More evidence files"),
        help_text=gettext_lazy(
            "PDF, JPEG, PNG, HEIC or DOCX; at most 10 MB each and 30 MB in all."
        ),
    )

    def __init__(self, *args, application, **kwargs):
        kwargs.setdefault("initial", {"email": application.email, "hamlet": application.hamlet})
        super().__init__(*args, **kwargs)
        self.application = application
        self.checked_files = []

    def check_files(self, uploads, already_attached):
        """Check every upload by its content; keep the good ones for ``save``."""
        for upload in uploads:
            try:
                content_type = check_upload(upload, already_attached=already_attached)
            except ValidationError as error:
                self.add_error("evidence", error)
                continue
            self.checked_files.append((upload, content_type))
            already_attached += upload.size

    def changes(self):
        """What the applicant corrected, for the reviewers' note."""
        lines = []
        for name in ("email", "hamlet"):
            old, new = getattr(self.application, name), self.cleaned_data[name]
            if old != new:
                lines.append(f"{self.fields[name].label}: {old or '—'} → {new or '—'}")
        return lines


class WithdrawForm(forms.Form):
    """Withdrawing is final, so it asks for a tick rather than trusting a single click."""

    confirm = forms.BooleanField(
        label=gettext_lazy("Yes, I withdraw this application"),
        error_messages={"required": gettext_lazy("Tick the box to confirm.")},
    )
    reason = forms.CharField(
        label=gettext_lazy("Reason (optional)"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


def _not_found(request, form=None, status=404):
    """One answer for every unknown code, wrong phone or wrong link."""
    message = _(
        "No application matches this code and phone number. Check both and try again, "
        "or open the link we gave you after sending."
    )
    return _render(request, {"form": form or TrackingForm(), "not_found": message}, status=status)


def _render(request, context, status=200):
    return render(request, TEMPLATE, context, status=status)


@cache_control(private=True, no_store=True)
def track(request):
    """The lookup form; a match leads to the private link."""
    if request.method == "GET":
        return _render(request, {"form": TrackingForm()})
    if request.method != "POST":
        return _render(request, {"form": TrackingForm()}, status=405)
    if rate_limited(request, "tracking"):
        return _too_many_lookups(request)
    form = TrackingForm(request.POST)
    if not form.is_valid():
        return _render(request, {"form": form}, status=400)
    code, phone = form.cleaned_data["code"], form.cleaned_data["phone"]
    application = None
    if CODE_RE.match(code):
        application = (
            Application.objects.filter(code=code, phone=phone).only("code", "secret").first()
        )
    if application is None:
        return _not_found(request, TrackingForm(request.POST))
    return redirect(application.tracking_path())


def _too_many_lookups(request):
    return too_many_requests(
        request,
        _("You have looked up applications too many times. Please wait a while and try again."),
    )


def _by_link(code, secret):
    """The application of a private link, or None for any miss: an unknown, malformed or
    non-ASCII code or secret all take the same path (``compare_digest`` takes only ASCII
    text, so both sides are compared as UTF-8 bytes)."""
    if not CODE_RE.match(code or ""):
        return None
    application = Application.objects.filter(code=code).first()
    stored = application.secret if application is not None else secrets.token_urlsafe(32)
    if not secrets.compare_digest(stored.encode(), (secret or "").encode()):
        return None
    return application


@cache_control(private=True, no_store=True)
def track_detail(request, code, secret):
    """The status, the public timeline, the files sent, the reply form when information was
    asked for, and the way to withdraw before a decision.

    Wrong links count against the same rate as lookups by code and phone (``tracking``):
    guessing secrets is throttled as guessing phones is, and a visitor over the limit gets
    the same "too many" page whatever the link, so it tells nothing either."""
    if rate_limited(request, "tracking", method=ALL, increment=False):
        return _too_many_lookups(request)
    application = _by_link(code, secret)
    if application is None:
        if rate_limited(request, "tracking", method=ALL):
            return _too_many_lookups(request)
        return _not_found(request)
    if request.method not in ("GET", "POST"):
        return _render(request, {"form": TrackingForm()}, status=405)
    reply = None
    withdraw = WithdrawForm(prefix="withdraw") if application.can_withdraw else None
    if request.method == "POST" and request.POST.get("action") == "withdraw":
        if not application.can_withdraw:
            return _redirect(application)
        if rate_limited(request, "applications"):
            return too_many_requests(request)
        withdraw = WithdrawForm(request.POST, prefix="withdraw")
        if withdraw.is_valid():
            _withdraw(application, withdraw.cleaned_data["reason"])
            return _redirect(application)
        if application.awaits_reply:
            reply = ReplyForm(application=application)
    elif application.awaits_reply:
        if request.method == "POST":
            if rate_limited(request, "applications"):
                return too_many_requests(request)
            reply = ReplyForm(request.POST, application=application)
            valid = reply.is_valid()
            attached = sum(f.size for f in application.files.all())
            reply.check_files(request.FILES.getlist("evidence"), attached)
            if valid and not reply.errors:
                _save_reply(application, reply)
                return _redirect(application)
        else:
            reply = ReplyForm(application=application)
    elif request.method == "POST":
        # Sent twice, or after the reviewers moved on: nothing to answer any more.
        return _redirect(application)
    events = list(application.events.filter(public=True).order_by("created_at", "pk"))
    request_event = None
    if application.awaits_reply:
        asked = [e for e in events if e.status == ApplicationStatus.INFO_REQUESTED]
        request_event = asked[-1] if asked else None
    context = {
        "application": application,
        "events": events,
        "request_event": request_event,
        "reply": reply,
        "withdraw": withdraw,
        "files": list(application.files.all()),
    }
    failed = any(f is not None and f.is_bound and f.errors for f in (reply, withdraw))
    return _render(request, context, status=400 if failed else 200)


def _redirect(application):
    return redirect(application.tracking_path() + "#timeline")


@transaction.atomic
def _withdraw(application, reason):
    locked = Application.objects.select_for_update().filter(pk=application.pk).first()
    if locked is None or not locked.can_withdraw:
        return
    previous = locked.status
    locked.status = ApplicationStatus.WITHDRAWN
    locked.revision += 1
    locked.save(update_fields=["status", "revision", "updated_at"])
    log(locked, "forms_app.withdraw", data={"from": previous, "to": locked.status, "note": reason})
    ApplicationEvent.objects.create(
        application=locked,
        status=ApplicationStatus.WITHDRAWN,
        message=reason,
        by_applicant=True,
        public=True,
    )


@transaction.atomic
def _save_reply(application, reply):
    """Store the answer once: a second, simultaneous send finds the status already moved on."""
    locked = Application.objects.select_for_update().filter(pk=application.pk).first()
    if locked is None or locked.status != ApplicationStatus.INFO_REQUESTED:
        return
    data = reply.cleaned_data
    changes = reply.changes()
    now = timezone.now()
    for upload, content_type in reply.checked_files:
        EvidenceFile.objects.create(
            application=locked,
            file=upload,
            original_name=upload.name[:255],
            content_type=content_type,
            size=upload.size,
        )
    if reply.checked_files:
        changes.append(
            _("Files added: %(names)s")
            % {"names": ", ".join(u.name for u, _type in reply.checked_files)}
        )
    locked.email = data["email"]
    locked.hamlet = data["hamlet"]
    locked.status = ApplicationStatus.IN_REVIEW
    locked.revision += 1
    locked.save(update_fields=["email", "hamlet", "status", "revision", "updated_at"])
    log(
        locked,
        "forms_app.applicant_reply",
        data={
            "from": ApplicationStatus.INFO_REQUESTED,
            "to": locked.status,
            "note": "\n".join(changes),
        },
    )
    ApplicationEvent.objects.create(
        application=locked,
        status=ApplicationStatus.IN_REVIEW,
        message=data["message"],
        note="\n".join(changes),
        by_applicant=True,
        public=True,
        created_at=now,
    )
    application.status = locked.status
