"""The applicant's side: the form (with drafts and files kept across round trips), the page
after sending, the communes endpoint for the address fields, and the private file view."""

import json
import re

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import FileResponse, Http404, HttpResponseBadRequest, JsonResponse, QueryDict
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.html import strip_tags
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from forms_app import workflow
from forms_app.files import EXTENSIONS, check_upload, detected_name
from forms_app.forms import (
    MEMBERS_PREFIX,
    ApplicationForm,
    MemberFormSet,
    quiet,
)
from forms_app.models import (
    Application,
    ApplicationDraft,
    ApplicationEvent,
    ApplicationMember,
    ApplicationStatus,
    Commune,
    CriteriaSet,
    EvidenceFile,
    LearningTitle,
    Province,
    SelfAssessment,
    new_token,
)
from forms_app.tasks import notify_reviewers, send_confirmation, send_draft_link
from khuyenhoc.antispam import HONEYPOT_FIELD, STARTED_FIELD, rate_limited
from khuyenhoc.tasks import enqueue_on_commit

TEMPLATE = "forms_app/application_form_page.html"
TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{32}$")
NOT_STORED = {"csrfmiddlewaretoken", HONEYPOT_FIELD, STARTED_FIELD, "draft_token", "action"}
NOT_STORED.add("remove_files")
ACTIONS = {"submit", "save", "refresh", "add_member"}
# The largest id a database column holds: a longer number in an address is simply not found.
MAX_ID = 2**63 - 1
# Far more than the longest real application (thirty members, notes on every criterion).
MAX_DRAFT_BYTES = 200 * 1024


def _criteria_set(page):
    if not page.needs_self_assessment:
        return None
    return (
        CriteriaSet.objects.prefetch_related("criteria", "thresholds")
        .filter(pk=page.criteria_set_id)
        .first()
    )


def _draft_url(request, page, token):
    return request.build_absolute_uri(
        page.get_url(request) + page.reverse_subpage("draft", args=[token])
    )


def _sent_url(page, request, token):
    return page.get_url(request) + page.reverse_subpage("sent", args=[token])


@never_cache
def application_form(request, page, draft_token=None):
    state = page.state()
    if state != "open":
        return render(
            request,
            TEMPLATE,
            {"page": page, "self": page, "state": state},
            status=200 if request.method == "GET" else 403,
        )
    if request.method not in ("GET", "POST"):
        return HttpResponseBadRequest()

    draft = None
    if draft_token is not None:
        if Application.objects.filter(submission_token=draft_token, page=page).exists():
            return redirect(_sent_url(page, request, draft_token))
        draft = ApplicationDraft.objects.filter(token=draft_token, page=page).first()
        if draft is None:
            raise Http404

    criteria_set, criteria, provinces = _form_inputs(page)

    if request.method == "GET":
        data = None
        if draft is not None:
            data = QueryDict(mutable=True)
            for key, values in draft.data.items():
                data.setlist(key, values)
        forms = _build_forms(page, criteria, provinces, data, draft)
        if data is not None:
            quiet(*forms)
        token = draft.token if draft else new_token()
        return _render(request, page, criteria_set, forms, token, draft)

    # POST
    token = draft.token if draft else request.POST.get("draft_token", "")
    if not TOKEN_RE.match(token):
        return HttpResponseBadRequest(_("This form is out of date. Please open it again."))
    if Application.objects.filter(submission_token=token).exists():
        # Sent twice (double click, reload): the first one stands.
        return redirect(_sent_url(page, request, token), permanent=False)
    action = request.POST.get("action", "submit")
    if action not in ACTIONS:
        action = "submit"
    data = request.POST.copy()
    if action == "add_member":
        total_key = f"{MEMBERS_PREFIX}-TOTAL_FORMS"
        try:
            data[total_key] = str(min(int(data.get(total_key, "0")) + 1, 30))
        except ValueError:
            data[total_key] = "1"
    stored = {key: data.getlist(key) for key in data if key not in NOT_STORED}
    if draft is None:
        draft = ApplicationDraft.objects.filter(token=token).first()
    if draft is not None and draft.page_id != page.pk:
        return HttpResponseBadRequest(_("This form is out of date. Please open it again."))
    # Limits answer with the entries kept on the page, unsaved; only new drafts are counted,
    # so saving one already made is never refused for it.
    refusal = None
    if len(json.dumps(stored, ensure_ascii=False).encode()) > MAX_DRAFT_BYTES:
        refusal = _("Your entries are too long to be kept. Please shorten the longest notes.")
        status = 413
    elif (
        (action in ("submit", "save") or request.FILES) and rate_limited(request, "applications")
    ) or (draft is None and rate_limited(request, "drafts")):
        refusal = _(
            "You have sent this form too many times. Your entries are still here but were not "
            "saved; please wait a while and send again."
        )
        status = 429
    if refusal is not None:
        if request.FILES:
            refusal += " " + _("The files you chose were not kept: choose them again.")
        forms = _build_forms(page, criteria, provinces, data, draft)
        quiet(*forms)
        return _render(request, page, criteria_set, forms, token, draft, status, notice=refusal)

    if draft is None:
        draft, _created = ApplicationDraft.objects.get_or_create(
            token=token, defaults={"page": page}
        )
        if draft.page_id != page.pk:  # made at the same moment for another page
            return HttpResponseBadRequest(_("This form is out of date. Please open it again."))
    draft.data = stored
    draft.email = ""
    draft.save()
    _remove_files(draft, request.POST.getlist("remove_files"))
    file_errors = attach_uploads(draft, request.FILES, criteria)

    forms = _build_forms(page, criteria, provinces, data, draft)
    form, members = forms
    context = {}
    if action in ("refresh", "add_member"):
        quiet(*forms)
        if file_errors:
            _add_file_errors(form, file_errors)
        return _render(request, page, criteria_set, forms, token, draft, status=200)
    if action == "save":
        quiet(*forms)
        email = form.fields["email"].widget.value_from_datadict(data, {}, "email")
        context["saved"] = True
        context["draft_url"] = _draft_url(request, page, token)
        try:
            email = form.fields["email"].clean(email)
        except ValidationError:
            email = ""
        if email:
            draft.email = email
            draft.save(update_fields=["email"])
            context["draft_emailed_to"] = email
            url = context["draft_url"]
            enqueue_on_commit(send_draft_link, draft.pk, url)
        if file_errors:
            _add_file_errors(form, file_errors)
        status = 400 if file_errors else 200
        return _render(request, page, criteria_set, forms, token, draft, status, **context)

    valid = form.is_valid()
    if members is not None:
        valid = members.is_valid() and valid
    if file_errors:
        _add_file_errors(form, file_errors)
        valid = False
    if not valid:
        return _render(request, page, criteria_set, forms, token, draft, status=400)
    try:
        application = _create_application(page, criteria_set, form, members, draft)
    except IntegrityError:
        # The same token was submitted at the same moment by another request.
        if Application.objects.filter(submission_token=token).exists():
            return redirect(_sent_url(page, request, token))
        raise
    if application.email:
        url = request.build_absolute_uri(application.tracking_path())
        enqueue_on_commit(send_confirmation, application.pk, url)
    enqueue_on_commit(notify_reviewers, application.pk)
    return redirect(_sent_url(page, request, token))


def _build_forms(page, criteria, provinces, data, draft):
    pending = list(draft.files.all()) if draft is not None else []
    form = ApplicationForm(
        data, page=page, criteria=criteria, provinces=provinces, pending_files=pending
    )
    members = None
    if page.learning_title == LearningTitle.FAMILY:
        initial = None if data is not None else [{}]
        members = MemberFormSet(data, prefix=MEMBERS_PREFIX, initial=initial)
    return form, members


def _add_file_errors(form, file_errors):
    for field, messages in file_errors.items():
        for message in messages:
            form.add_error(field, message)


def _render(request, page, criteria_set, forms, token, draft, status=200, **extra):
    context = _form_context(page, criteria_set, forms, token, draft, status)
    context.update(extra)
    return render(request, TEMPLATE, context, status=status)


def embedded_form_context(page):
    """An empty form of ``page`` for the embedded-form block (forms_app/blocks.py): it posts
    to the page itself, so errors, drafts and files are handled there."""
    criteria_set, criteria, provinces = _form_inputs(page)
    forms = _build_forms(page, criteria, provinces, None, None)
    return _form_context(page, criteria_set, forms, new_token(), None)


def _form_inputs(page):
    """The criteria set, its criteria and the provinces a form of ``page`` is built from."""
    criteria_set = _criteria_set(page)
    criteria = list(criteria_set.criteria.all()) if criteria_set else []
    return criteria_set, criteria, list(Province.objects.all())


def _form_context(page, criteria_set, forms, token, draft, status=200):
    form, members = forms
    files_by_field = {"evidence": []}
    for item in form.pending_files:
        key = f"files_{item.criterion_id}" if item.criterion_id else "evidence"
        files_by_field.setdefault(key, []).append(item)
    points = form.raw_points() if form.is_bound else {}
    total = sum(points.values()) if points else 0
    lines = [
        {
            "criterion": criterion,
            "points": form[points_name],
            "note": form[note_name],
            "files": form[files_name],
            "attached": files_by_field.get(files_name, []),
        }
        for criterion, points_name, note_name, files_name in form.criterion_fields
    ]
    context = {
        "page": page,
        "self": page,
        "state": "open",
        "form": form,
        "members": members,
        "criteria_set": criteria_set,
        "lines": lines,
        "total": total,
        "rating": criteria_set.rating_for(total) if criteria_set else None,
        "thresholds": list(criteria_set.thresholds.all()) if criteria_set else [],
        "max_total": criteria_set.max_total() if criteria_set else 0,
        "attached": files_by_field["evidence"],
        "draft_token": token,
        "draft": draft,
        "has_errors": status == 400,
    }
    return context


def attach_uploads(draft, files, criteria):
    """Check and keep every uploaded file with the draft; errors by field name."""
    criteria_by_field = {f"files_{c.pk}": c for c in criteria}
    attached = sum(f.size for f in draft.files.all())
    errors = {}
    for field in files:
        if field != "evidence" and field not in criteria_by_field:
            continue
        for upload in files.getlist(field):
            try:
                content_type = check_upload(upload, already_attached=attached)
            except ValidationError as error:
                errors.setdefault(field, []).extend(error.messages)
                continue
            EvidenceFile.objects.create(
                draft=draft,
                criterion=criteria_by_field.get(field),
                file=upload,
                original_name=upload.name[:255],
                content_type=content_type,
                size=upload.size,
            )
            attached += upload.size
    return errors


def _remove_files(draft, ids):
    ids = [int(i) for i in ids if str(i).isdigit()]
    for item in draft.files.filter(pk__in=ids):
        item.file.delete(save=False)
        item.delete()


@transaction.atomic
def _create_application(page, criteria_set, form, members, draft):
    data = form.cleaned_data
    now = timezone.now()
    lines = []
    total = None
    if criteria_set is not None:
        for criterion, points_name, note_name, _files in form.criterion_fields:
            lines.append((criterion, data[points_name], data[note_name]))
        total = sum((points for _c, points, _n in lines), 0)
    application = Application.objects.create(
        submission_token=draft.token,
        page=page,
        learning_title=page.learning_title,
        kind=page.kind,
        criteria_set=criteria_set,
        applicant_name=form.applicant_name(),
        applicant_details=form.applicant_details(),
        phone=data["phone"],
        email=data["email"],
        province=data["province"],
        commune=data["commune"],
        hamlet=data["hamlet"],
        self_total=total,
        self_rating=(criteria_set.rating_for(total) or "") if criteria_set else "",
        consent_at=now,
        privacy_notice_text=strip_tags(page.privacy_notice),
        public_listing=data.get("public_listing", False),
        submitted_at=now,
    )
    if members is not None:
        ApplicationMember.objects.bulk_create(
            [
                ApplicationMember(
                    application=application,
                    sort_order=index,
                    **{k: member.cleaned_data[k] for k in ("name", "birth_year", "relation")},
                    occupation=member.cleaned_data.get("occupation", ""),
                    learning=member.cleaned_data.get("learning", ""),
                )
                for index, member in enumerate(
                    f
                    for f in members.forms
                    if f.has_changed() and not members._should_delete_form(f)
                )
            ]
        )
    SelfAssessment.objects.bulk_create(
        [
            SelfAssessment(application=application, criterion=c, points=p, note=n)
            for c, p, n in lines
        ]
    )
    draft.files.update(application=application, draft=None)
    ApplicationEvent.objects.create(
        application=application,
        status=ApplicationStatus.SUBMITTED,
        by_applicant=True,
        created_at=now,
    )
    draft.delete()
    return application


@never_cache
def application_sent(request, page, token):
    application = get_object_or_404(
        Application.objects.select_related("commune", "province"),
        submission_token=token,
        page=page,
    )
    return render(
        request,
        "forms_app/application_sent.html",
        {
            "page": page,
            "self": page,
            "application": application,
            "tracking_url": request.build_absolute_uri(application.tracking_path()),
        },
    )


@require_GET
def communes(request, province):
    """The communes of a province, for the address fields' script."""
    if not re.fullmatch(r"\d{2}", province):
        raise Http404
    rows = list(
        Commune.objects.filter(province_id=province).order_by("name").values_list("code", "name")
    )
    if not rows:
        raise Http404
    response = JsonResponse({"province": province, "communes": rows})
    response["Cache-Control"] = "public, max-age=86400"
    return response


@never_cache
def evidence_file(request, pk):
    """An applicant's file, to the draft's or application's holder (by its token) or to staff
    whose area holds the application (``workflow.visible``): another area's file is not found."""

    # An unknown id answers as a known one with the wrong token: ids are not revealed.
    item = None
    if pk <= MAX_ID:
        item = EvidenceFile.objects.select_related("draft", "application").filter(pk=pk).first()
    token = request.GET.get("t", "")
    allowed = False
    if item is None:
        pass
    elif item.draft is not None and token and item.draft.token == token:
        allowed = True
    elif item.application is not None and token and item.application.secret == token:
        allowed = True
    elif (
        item.application_id is not None
        and request.user.is_authenticated
        and request.user.has_perm("forms_app.view_application")
    ):
        allowed = workflow.visible(
            Application.objects.filter(pk=item.application_id), request.user
        ).exists()
    if not allowed:
        if not request.user.is_authenticated and not token:
            from django.contrib.auth.views import redirect_to_login

            return redirect_to_login(request.get_full_path())
        raise Http404
    # Served as the type found in it when it was checked, under that type's extension (rows
    # kept from before the name was corrected on upload too), never as anything a browser runs.
    content_type = item.content_type if item.content_type in EXTENSIONS else None
    response = FileResponse(
        item.file.open("rb"),
        as_attachment=True,
        filename=detected_name(item.original_name, content_type),
        content_type=content_type or "application/octet-stream",
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
