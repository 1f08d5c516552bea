"""One application for its reviewers: what the applicant sent, scores, history, actions.

The page and its forms post back to the same URL. Every action goes through
``forms_app.workflow``, which re-checks the role, the status and the revision the user saw, so
the buttons shown here are a convenience, never the rule. A refused or conflicting post is
answered with the page itself (400, 403 or 409), the current state and what the user typed.
"""

from decimal import Decimal

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from wagtail.admin.widgets import AdminDateInput
from wagtail.log_actions import registry as log_registry
from wagtail.snippets.views.snippets import InspectView

from forms_app import workflow
from forms_app.forms import applicant_fields
from forms_app.models import Application, ApplicationStatus

DATE_FORMATS = ["%d/%m/%Y", "%Y-%m-%d"]
NOTE_ACTION, SCORES_ACTION = "note", "scores"


def _points(value):
    """``30.0`` → ``30``, ``7.5`` stays, for inputs and tables."""
    if value is None:
        return ""
    value = Decimal(value)
    return str(value.quantize(Decimal(1)) if value == value.to_integral() else value.normalize())


def _date_field(label):
    return forms.DateField(
        label=label,
        required=False,
        input_formats=DATE_FORMATS,
        widget=AdminDateInput(attrs={"required": True, "placeholder": "dd/mm/yyyy"}),
        error_messages={"invalid": gettext_lazy("Enter a date as dd/mm/yyyy.")},
    )


def _text(label, help_text="", rows=3, required=False):
    attrs = {"rows": rows, **({"required": True} if required else {})}
    return forms.CharField(
        label=label, required=False, help_text=help_text, widget=forms.Textarea(attrs=attrs)
    )


class ActionForm(forms.Form):
    """What one transition asks for. Fields are optional here: ``workflow.perform`` checks
    what is required, so the rule and its message live in one place."""

    def __init__(self, transition, *args, **kwargs):
        kwargs.setdefault("auto_id", f"id_{transition.name}_%s")
        super().__init__(*args, **kwargs)
        self.transition = transition
        requires = transition.requires
        if "message" in requires:
            self.fields["message"] = _text(
                _("Message to the applicant"),
                _("Shown on the tracking page and sent by e-mail."),
                required=True,
            )
        if "reason" in requires:
            self.fields["reason"] = _text(
                _("Reason"),
                _("Sent to the applicant with the decision.")
                if transition.notify
                else _("For the approver; the applicant does not see it."),
                required=True,
            )
        if "decision" in requires:
            self.fields["decision_number"] = forms.CharField(
                label=_("Decision number"),
                required=False,
                max_length=50,
                widget=forms.TextInput(attrs={"required": True, "placeholder": "125/QĐ-HKH"}),
            )
            self.fields["decision_date"] = _date_field(_("Decision date"))
            self.fields["decision_signer"] = forms.CharField(
                label=_("Signed by"),
                required=False,
                max_length=255,
                widget=forms.TextInput(attrs={"required": True}),
            )
            self.fields["valid_until"] = _date_field(_("Valid until"))
            today = workflow.today()
            self.initial.setdefault("decision_date", today)
            self.initial.setdefault("valid_until", workflow.default_valid_until(today))
        if "note" in requires:
            self.fields["note"] = _text(
                _("What should be reviewed again"),
                _("For the reviewers; the applicant does not see it."),
                required=True,
            )
        else:
            self.fields["note"] = _text(
                _("Internal note (optional)"),
                _("For reviewers and approvers only; never shown to the applicant."),
                rows=2,
            )

    def perform_kwargs(self):
        data = self.cleaned_data
        kwargs = {
            name: data.get(name) or "" for name in ("message", "reason", "note") if name in data
        }
        if "decision_number" in data:
            kwargs["decision"] = None
            if data.get("decision_date") and data.get("valid_until"):
                kwargs["decision"] = workflow.Decision(
                    number=data.get("decision_number") or "",
                    date=data["decision_date"],
                    signer=data.get("decision_signer") or "",
                    valid_until=data["valid_until"],
                )
        return kwargs


class ScoresForm(forms.Form):
    """The reviewer's points and note per criterion, as text: Vietnamese write ``7,5`` and
    ``workflow.save_scores`` reads both, and says which criterion is out of range."""

    def __init__(self, criteria, scores, *args, **kwargs):
        kwargs.setdefault("auto_id", "id_scores_%s")
        super().__init__(*args, **kwargs)
        self.criteria = criteria
        for criterion in criteria:
            score = scores.get(criterion.pk)
            self.fields[f"points_{criterion.pk}"] = forms.CharField(
                label=_("Reviewer's points for %(code)s") % {"code": criterion.code},
                required=False,
                widget=forms.TextInput(
                    attrs={"inputmode": "decimal", "size": 5, "autocomplete": "off"}
                ),
            )
            self.fields[f"note_{criterion.pk}"] = _text(
                _("Reviewer's note for %(code)s") % {"code": criterion.code}, rows=2
            )
            if score is not None:
                self.initial[f"points_{criterion.pk}"] = _points(score.points)
                self.initial[f"note_{criterion.pk}"] = score.note

    def entries(self):
        return {
            c.pk: (self.data.get(f"points_{c.pk}", ""), self.data.get(f"note_{c.pk}", ""))
            for c in self.criteria
        }


class NoteForm(forms.Form):
    note = forms.CharField(
        label=gettext_lazy("Note"),
        required=False,
        help_text=gettext_lazy("Kept in the history for reviewers and approvers only."),
        widget=forms.Textarea(attrs={"rows": 2, "required": True}),
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "id_addnote_%s")
        super().__init__(*args, **kwargs)


class ApplicationDetailView(InspectView):
    template_name = "forms_app/admin/detail.html"
    page_title = pgettext_lazy("title application", "Application")

    def get_object(self, queryset=None):
        # Another area's application is not found, whatever its number.
        if not str(self.pk).isdigit():
            raise Http404
        queryset = Application.objects.select_related("criteria_set", "province", "commune")
        return get_object_or_404(workflow.visible(queryset, self.request.user), pk=self.pk)

    def get_fields_context(self):
        # The template lays out every field itself; the generic list would load the page.
        return []

    def get_page_subtitle(self):
        return f"{self.object.code} – {self.object.applicant_name}"

    # --- Reading -----------------------------------------------------------------------

    def get(self, request, *args, **kwargs):
        self.bound, self.status, self.revision, self.unsaved = {}, 200, None, []
        return super().get(request, *args, **kwargs)

    def applicant_rows(self):
        details = self.object.applicant_details or {}
        rows, known = [], set()
        for name, field in applicant_fields(self.object.learning_title):
            known.add(name)
            value = details.get(name)
            if value in (None, ""):
                continue
            choices = dict(getattr(field, "choices", None) or [])
            rows.append((field.label, choices.get(value, value)))
        rows += [(name, value) for name, value in details.items() if name not in known and value]
        return rows

    def criteria_rows(self):
        application = self.object
        if not application.criteria_set_id:
            return [], None
        criteria = list(application.criteria_set.criteria.all())
        own = {s.criterion_id: s for s in application.self_assessments.all()}
        scores = {s.criterion_id: s for s in application.review_scores.select_related("scored_by")}
        codes = {c.pk: c.code for c in criteria}
        files = {}
        for item in self.files:
            item.criterion_code = codes.get(item.criterion_id, "")
            files.setdefault(item.criterion_id, []).append(item)
        form = self.bound.get(SCORES_ACTION) or ScoresForm(criteria, scores)
        rows = [
            {
                "criterion": c,
                "max": _points(c.max_points),
                "own": own.get(c.pk),
                "own_points": _points(own[c.pk].points) if c.pk in own else "",
                "score_points": _points(scores[c.pk].points) if c.pk in scores else "",
                "score": scores.get(c.pk),
                "files": files.get(c.pk, []),
                "points_field": form[f"points_{c.pk}"],
                "note_field": form[f"note_{c.pk}"],
            }
            for c in criteria
        ]
        return rows, form

    def action_forms(self, transitions):
        return [
            {
                "transition": t,
                "form": self.bound.get(t.name) or ActionForm(t),
                "button_class": {"danger": "button no", "warning": "button warning"}.get(
                    t.style, "button"
                ),
            }
            for t in transitions
        ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        application, user = self.object, self.request.user
        self.files = list(application.files.all())
        rows, scores_form = self.criteria_rows()
        actions = self.action_forms(workflow.available(user, application))
        roles = workflow.roles_for(user, application)
        thresholds = (
            list(application.criteria_set.thresholds.all()) if application.criteria_set_id else []
        )
        context.update(
            {
                "application": application,
                "applicant_rows": self.applicant_rows(),
                "members": list(application.members.all()),
                "criteria_rows": rows,
                "max_total": _points(sum((r["criterion"].max_points for r in rows), Decimal(0))),
                "self_total": _points(application.self_total),
                "review_total": _points(application.review_total),
                "thresholds": [
                    (t.label, _points(t.min_points))
                    for t in sorted(thresholds, key=lambda t: -t.min_points)
                ],
                "scores_form": scores_form,
                "can_score": bool(rows) and workflow.can_score(user, application),
                "general_files": [f for f in self.files if f.criterion_id is None],
                "files": self.files,
                "actions": actions,
                "note_form": (self.bound.get(NOTE_ACTION) or NoteForm()) if roles else None,
                "revision": application.revision if self.revision is None else self.revision,
                "events": list(application.events.select_related("by_user")),
                "history": self.history(),
                "certificate_url": reverse(
                    "forms_app_applications:certificate", args=[application.pk]
                )
                if application.status == ApplicationStatus.APPROVED
                else "",
                "unsaved": self.unsaved,
                "conflict": self.status == 409,
                "media": sum((a["form"].media for a in actions), forms.Media()),
            }
        )
        return context

    def history(self):
        """The audit log of this application, newest first, in one query."""
        entries = log_registry.get_logs_for_instance(self.object).select_related("user")
        return [
            {
                "timestamp": entry.timestamp,
                "user": entry.user_display_name,
                "action": entry.message,
                "from": _status_label((entry.data or {}).get("from")),
                "to": _status_label((entry.data or {}).get("to")),
                "details": _details(entry.data or {}),
            }
            for entry in entries.order_by("-timestamp", "-pk")
        ]

    # --- Acting ------------------------------------------------------------------------

    def post(self, request, *args, **kwargs):
        self.bound, self.status, self.unsaved = {}, 200, []
        action = request.POST.get("action", "")
        try:
            self.revision = int(request.POST.get("revision", ""))
        except ValueError:
            self.revision = None
        if action == SCORES_ACTION:
            form, handler = self.scores_form(), self.save_scores
        elif action == NOTE_ACTION:
            form, handler = NoteForm(request.POST), self.add_note
        elif action in workflow.TRANSITIONS:
            form = ActionForm(workflow.TRANSITIONS[action], request.POST)
            handler = self.perform
        else:
            return self.refuse(400, _("This action does not exist."))
        self.bound[action] = form
        if self.revision is None and action != NOTE_ACTION:
            return self.refuse(400, _("The form was incomplete. Reload the page and try again."))
        try:
            done = handler(form)
        except workflow.Conflict as error:
            self.object = self.get_object()
            self.revision = None  # the page now shows the current state: act on that one
            self.unsaved = _typed_entries(form)
            return self.refuse(409, error.message)
        except workflow.NotAllowed as error:
            self.object = self.get_object()
            self.unsaved = _typed_entries(form)
            return self.refuse(403, error.message)
        except workflow.WorkflowError as error:
            for criterion_id, message in getattr(error, "errors", {}).items():
                form.add_error(f"points_{criterion_id}", message)
            if error.field and not getattr(error, "errors", None):
                form.add_error(error.field if error.field in form.fields else None, error.message)
            self.object = self.get_object()
            return self.refuse(400, error.message)
        level, text = done
        messages.add_message(request, level, text)
        return redirect(request.path)

    def refuse(self, status, message):
        self.status = status
        messages.error(self.request, message)
        response = self.render_to_response(self.get_context_data())
        response.status_code = status
        return response

    def scores_form(self):
        criteria = (
            list(self.object.criteria_set.criteria.all()) if self.object.criteria_set_id else []
        )
        return ScoresForm(criteria, {}, self.request.POST)

    def save_scores(self, form):
        changed = workflow.save_scores(
            self.object, self.request.user, form.entries(), revision=self.revision
        )
        if not changed:
            return messages.INFO, _("No score changed.")
        application = self.object
        return messages.SUCCESS, _("Scores saved: total %(total)s, rating %(rating)s.") % {
            "total": _points(application.review_total),
            "rating": application.review_rating or "—",
        }

    def add_note(self, form):
        form.is_valid()
        workflow.add_note(self.object, self.request.user, form.cleaned_data.get("note", ""))
        return messages.SUCCESS, _("Note added to the history.")

    def perform(self, form):
        transition = form.transition
        if not form.is_valid():
            raise workflow.WorkflowError(_("Correct the entries marked below."))
        workflow.perform(
            self.object,
            transition.name,
            self.request.user,
            revision=self.revision,
            **form.perform_kwargs(),
        )
        return messages.SUCCESS, _('"%(action)s" done: the application is now "%(status)s".') % {
            "action": transition.label,
            "status": self.object.get_status_display(),
        }


def _status_label(value):
    if not value:
        return ""
    try:
        return ApplicationStatus(value).label
    except ValueError:
        return value


def _details(data):
    """The note, the message to the applicant and score changes of one log entry, as lines."""
    lines = []
    if data.get("note"):
        lines.append(data["note"])
    if data.get("message"):
        lines.append(_("To the applicant: %(message)s") % {"message": data["message"]})
    for code, (before, after) in sorted((data.get("scores") or {}).items()):
        lines.append(f"{code}: {_points(before) or '—'} → {_points(after)}")
    if data.get("total"):
        lines.append(
            _("Total %(total)s, rating %(rating)s")
            % {"total": _points(data["total"]), "rating": data.get("rating") or "—"}
        )
    return lines


def _typed_entries(form):
    """What the user typed in a post that could not be saved, to show it back in full."""
    rows = []
    for name, field in form.fields.items():
        value = form.data.get(name, "")
        if value and str(value).strip():
            rows.append((field.label, value))
    return rows
