"""The review workflow: who may see an application, who may move it where, and the record of it.

Everything the admin screens, bulk actions and commands do to an application goes through here,
so the rules are checked on the server in one place:

- **Areas.** ``visible(queryset, user)`` keeps the applications of the user's communes (and, for
  approvers, whole provinces); superusers see all. Every admin view starts from it, so another
  area's application, file or export is simply not found (404).
- **Transitions.** ``TRANSITIONS`` lists each action with the statuses it starts from, the role it
  needs and what it asks for (a message to the applicant, a reason, the decision). ``perform``
  checks all of it, and the revision the user saw: of two people acting on the same application
  at once, the second is told it changed and nothing is overwritten.
- **Record.** Each transition and score change is a Wagtail log entry (who, when, from, to,
  note) and, when it concerns the applicant, an ``ApplicationEvent`` for the tracking page and an
  e-mail (background task).
"""

import datetime
import secrets
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from wagtail.log_actions import log

from forms_app.models import (
    Application,
    ApplicationEvent,
    ApplicationStatus,
    Commune,
    ReviewAssignment,
    ReviewRole,
    ReviewScore,
)
from khuyenhoc.cleaning import parse_number

S = ApplicationStatus
REVIEWER, APPROVER = ReviewRole.REVIEWER, ReviewRole.APPROVER

# Letters and digits that cannot be mistaken for one another when read off paper.
CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"


class WorkflowError(Exception):
    """Refused, with a message for the user (Vietnamese through gettext)."""

    def __init__(self, message, field=None):
        super().__init__(str(message))
        self.message = str(message)
        self.field = field


class NotAllowed(WorkflowError):
    pass


class Conflict(WorkflowError):
    pass


# --- Areas ----------------------------------------------------------------------------------


def assignments(user):
    """The user's ``(role, commune code, province code)`` rows, read once per request.

    An area counts only with the permission to see applications (the review groups give it):
    an assignment left to someone moved out of those groups opens nothing."""
    cached = getattr(user, "_review_assignments", None)
    if cached is None:
        cached = []
        if user.is_authenticated and user.has_perm("forms_app.view_application"):
            cached = list(
                ReviewAssignment.objects.filter(user=user).values_list(
                    "role", "commune_id", "province_id"
                )
            )
        user._review_assignments = cached
    return cached


def is_admin(user):
    return user.is_active and user.is_superuser


def area_filter(user, role=None, commune_field="commune_id", province_field="province_id"):
    """A Q for the user's areas, on ``Application`` by default (``commune_field="code"`` for
    ``Commune`` itself)."""
    if is_admin(user):
        return Q()
    communes, provinces = set(), set()
    for assigned_role, commune_id, province_id in assignments(user):
        if role is not None and assigned_role != role:
            continue
        if commune_id:
            communes.add(commune_id)
        if province_id:
            provinces.add(province_id)
    if not communes and not provinces:
        return Q(pk__in=[])
    condition = Q(**{f"{commune_field}__in": sorted(communes)}) if communes else Q(pk__in=[])
    if provinces:
        condition |= Q(**{f"{province_field}__in": sorted(provinces)})
    return condition


def visible(queryset, user):
    """The applications this user may see; everything else answers 404."""
    if not user.is_authenticated:
        return queryset.none()
    return queryset.filter(area_filter(user))


def has_area(user):
    return user.is_authenticated and (is_admin(user) or bool(assignments(user)))


def roles_for(user, application):
    """The roles the user holds over this application's commune."""
    if is_admin(user):
        return {REVIEWER, APPROVER}
    roles = set()
    for role, commune_id, province_id in assignments(user):
        if commune_id == application.commune_id or (
            province_id and province_id == application.province_id
        ):
            roles.add(role)
    return roles


def reviewers_of(commune_id):
    """Active users who review this commune, to be told of a new application."""
    from django.contrib.auth import get_user_model

    return (
        get_user_model()
        .objects.filter(
            is_active=True,
            review_assignments__role=REVIEWER,
            review_assignments__commune_id=commune_id,
        )
        .distinct()
    )


# --- Transitions ----------------------------------------------------------------------------


@dataclass(frozen=True)
class Transition:
    name: str
    label: Promise
    sources: frozenset
    target: str
    role: str
    # What the form asks for: "message" (to the applicant), "reason", "decision".
    requires: tuple = ()
    # Shown on the tracking page and e-mailed to the applicant.
    notify: bool = True
    # "primary" for the usual next step, "warning" for a step back, "danger" for a refusal.
    style: str = "primary"

    @property
    def log_action(self):
        return f"forms_app.{self.name}"


TRANSITIONS = {
    t.name: t
    for t in [
        Transition(
            "start_review",
            gettext_lazy("Start review"),
            frozenset({S.SUBMITTED}),
            S.IN_REVIEW,
            REVIEWER,
        ),
        Transition(
            "request_info",
            gettext_lazy("Request more information"),
            frozenset({S.IN_REVIEW}),
            S.INFO_REQUESTED,
            REVIEWER,
            requires=("message",),
            style="warning",
        ),
        Transition(
            "propose_approval",
            gettext_lazy("Propose recognition"),
            frozenset({S.IN_REVIEW}),
            S.PROPOSED_APPROVAL,
            REVIEWER,
            notify=False,
        ),
        Transition(
            "propose_rejection",
            gettext_lazy("Propose not to recognise"),
            frozenset({S.IN_REVIEW}),
            S.PROPOSED_REJECTION,
            REVIEWER,
            requires=("reason",),
            notify=False,
            style="danger",
        ),
        Transition(
            "return_to_review",
            gettext_lazy("Return to review"),
            frozenset({S.PROPOSED_APPROVAL, S.PROPOSED_REJECTION}),
            S.IN_REVIEW,
            APPROVER,
            requires=("note",),
            notify=False,
            style="warning",
        ),
        Transition(
            "recognise",
            gettext_lazy("Recognise"),
            frozenset({S.PROPOSED_APPROVAL}),
            S.APPROVED,
            APPROVER,
            requires=("decision",),
        ),
        Transition(
            "reject",
            gettext_lazy("Do not recognise"),
            frozenset({S.PROPOSED_APPROVAL, S.PROPOSED_REJECTION}),
            S.REJECTED,
            APPROVER,
            requires=("reason",),
            style="danger",
        ),
    ]
}


def allowed(user, application, transition):
    return application.status in transition.sources and transition.role in roles_for(
        user, application
    )


def available(user, application):
    """The actions this user may take on this application now, for its buttons."""
    return [t for t in TRANSITIONS.values() if allowed(user, application, t)]


def can_score(user, application):
    return application.status == S.IN_REVIEW and REVIEWER in roles_for(user, application)


@dataclass
class Decision:
    number: str
    date: datetime.date
    signer: str
    valid_until: datetime.date


def new_certificate_code():
    raw = "".join(secrets.choice(CODE_ALPHABET) for _ in range(12))
    return f"{raw[:4]}-{raw[4:8]}-{raw[8:]}"


def _lock(application, revision):
    locked = Application.objects.select_for_update().get(pk=application.pk)
    if revision is not None and locked.revision != int(revision):
        raise Conflict(
            _(
                "Someone else changed this application while you were looking at it. "
                "Nothing of yours was saved: read it again, then repeat your action."
            )
        )
    return locked


def _check_requirements(transition, application, message, reason, note, decision):
    if "message" in transition.requires and not message.strip():
        raise WorkflowError(_("Write what the applicant should add or correct."), field="message")
    if "reason" in transition.requires and not reason.strip():
        raise WorkflowError(_("Give the reason."), field="reason")
    if "note" in transition.requires and not note.strip():
        raise WorkflowError(_("Say what should be reviewed again."), field="note")
    if "decision" in transition.requires:
        if decision is None or not (decision.number.strip() and decision.signer.strip()):
            raise WorkflowError(
                _("Give the decision number, its date, who signed it and how long it is valid."),
                field="decision",
            )
        if decision.valid_until <= decision.date:
            raise WorkflowError(
                _("The end of validity must come after the decision date."), field="valid_until"
            )
    if transition.name == "propose_approval" and application.criteria_set_id:
        scored = application.review_scores.count()
        expected = application.criteria_set.criteria.count()
        if scored < expected:
            raise WorkflowError(
                _("Score every criterion before proposing recognition (%(done)s of %(all)s).")
                % {"done": scored, "all": expected},
                field="scores",
            )


def perform(
    application,
    name,
    user,
    *,
    revision=None,
    message="",
    reason="",
    note="",
    decision=None,
):
    """Move the application along ``TRANSITIONS[name]`` or raise a ``WorkflowError``.

    ``revision`` is the one the user saw; None skips the check (bulk actions, which re-check
    each application's status instead).
    """
    transition = TRANSITIONS.get(name)
    if transition is None:
        raise NotAllowed(_("This action does not exist."))
    with transaction.atomic():
        locked = _lock(application, revision)
        if transition.role not in roles_for(user, locked):
            raise NotAllowed(_("Your role does not allow this action on this application."))
        if locked.status not in transition.sources:
            raise NotAllowed(
                _('This action is not possible while the application is "%(status)s".')
                % {"status": locked.get_status_display()}
            )
        _check_requirements(transition, locked, message, reason, note, decision)
        previous = locked.status
        locked.status = transition.target
        locked.revision += 1
        fields = ["status", "revision", "updated_at"]
        if reason:
            locked.decision_reason = reason.strip()
            fields.append("decision_reason")
        if transition.name == "recognise":
            locked.decision_number = decision.number.strip()
            locked.decision_date = decision.date
            locked.decision_signer = decision.signer.strip()
            locked.valid_until = decision.valid_until
            locked.recognised_on = decision.date
            locked.certificate_code = locked.certificate_code or new_certificate_code()
            fields += [
                "decision_number",
                "decision_date",
                "decision_signer",
                "valid_until",
                "recognised_on",
                "certificate_code",
            ]
        locked.save(update_fields=fields)
        public_message = message.strip()
        if transition.name in {"reject", "recognise"}:
            public_message = public_message or _reason_or_decision_text(locked)
        event = ApplicationEvent.objects.create(
            application=locked,
            status=transition.target,
            note="\n".join(part for part in (note.strip(), reason.strip()) if part),
            message=public_message if transition.notify else "",
            public=transition.notify,
            by_user=user,
        )
        log(
            locked,
            transition.log_action,
            user=user,
            data={
                "from": previous,
                "to": transition.target,
                "note": event.note,
                "message": event.message,
            },
        )
        if transition.notify and locked.email:
            from forms_app.tasks import send_status_mail
            from khuyenhoc.tasks import enqueue_on_commit

            enqueue_on_commit(send_status_mail, event.pk)
    application.__dict__.update(locked.__dict__)
    return application


def _reason_or_decision_text(application):
    if application.status == S.APPROVED:
        return _("Recognised by decision %(number)s of %(date)s, valid until %(until)s.") % {
            "number": application.decision_number,
            "date": application.decision_date.strftime("%d/%m/%Y"),
            "until": application.valid_until.strftime("%d/%m/%Y"),
        }
    return application.decision_reason


def perform_many(queryset, name, user, **kwargs):
    """A bulk action over the user's selection: each application on its own, skipping those
    whose status or area does not allow it. Returns (done, skipped)."""
    done, skipped = [], []
    for application in visible(queryset, user).select_related("criteria_set").order_by("pk"):
        try:
            perform(application, name, user, **kwargs)
        except WorkflowError:
            skipped.append(application)
        else:
            done.append(application)
    return done, skipped


# --- Scores ---------------------------------------------------------------------------------


def save_scores(application, user, entries, *, revision=None):
    """Store the reviewer's points: ``entries`` maps a criterion id to (points, note).

    Points outside 0..maximum are refused as a whole, naming the criterion; the total and the
    rating follow the criteria set's thresholds. Returns the list of changed criterion codes.
    """
    criteria = (
        {c.pk: c for c in application.criteria_set.criteria.all()}
        if (application.criteria_set_id)
        else {}
    )
    cleaned, errors = {}, {}
    for criterion_id, (points, note) in entries.items():
        criterion = criteria.get(int(criterion_id))
        if criterion is None:
            continue
        if points in (None, ""):
            continue
        value = parse_number(points)
        if value is None:
            errors[criterion.pk] = _("Enter a number.")
            continue
        value = value.quantize(Decimal("0.1"))
        if value < 0 or value > criterion.max_points:
            errors[criterion.pk] = _("Between 0 and %(max)s points.") % {
                "max": f"{criterion.max_points.normalize():f}"
            }
            continue
        cleaned[criterion.pk] = (value, (note or "").strip())
    if errors:
        error = WorkflowError(_("Some points are not valid."), field="scores")
        error.errors = errors
        raise error
    with transaction.atomic():
        locked = _lock(application, revision)
        if not can_score(user, locked):
            raise NotAllowed(_("Scores can be entered only by a reviewer during the review."))
        existing = {s.criterion_id: s for s in locked.review_scores.all()}
        changed = {}
        for criterion_id, (value, note) in cleaned.items():
            score = existing.get(criterion_id)
            if score is None:
                existing[criterion_id] = ReviewScore.objects.create(
                    application=locked,
                    criterion_id=criterion_id,
                    points=value,
                    note=note,
                    scored_by=user,
                )
                changed[criteria[criterion_id].code] = [None, str(value)]
            elif score.points != value or score.note != note:
                changed[criteria[criterion_id].code] = [str(score.points), str(value)]
                score.points, score.note, score.scored_by = value, note, user
                score.save()
        if not changed:
            return []
        total = sum((s.points for s in existing.values()), Decimal(0))
        locked.review_total = total
        locked.review_rating = locked.criteria_set.rating_for(total) or ""
        locked.revision += 1
        locked.save(update_fields=["review_total", "review_rating", "revision", "updated_at"])
        log(
            locked,
            "forms_app.score",
            user=user,
            data={"scores": changed, "total": str(total), "rating": locked.review_rating},
        )
    application.__dict__.update(locked.__dict__)
    return sorted(changed)


def add_note(application, user, note):
    """A reviewers' note in the history, without changing anything else."""
    note = note.strip()
    if not note:
        raise WorkflowError(_("Write the note."), field="note")
    if not roles_for(user, application):
        raise NotAllowed(_("Your role does not allow this action on this application."))
    log(application, "forms_app.note", user=user, data={"note": note})


def communes_of(user):
    """The communes a user may filter the list by."""
    return Commune.objects.filter(area_filter(user, commune_field="code")).select_related(
        "province"
    )


def default_valid_until(date, years=3):
    """Recognitions are valid for three years unless the approver says otherwise."""
    try:
        return date.replace(year=date.year + years)
    except ValueError:
        return date.replace(year=date.year + years, day=28)


def today():
    return timezone.localdate()
