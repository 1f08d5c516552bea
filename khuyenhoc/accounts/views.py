"""Admin pages of the second factor (the user's own) and of account security (administrators:
unlock a locked sign-in, reset a lost second factor)."""

import django_otp
from axes.models import AccessAttempt
from axes.utils import reset as axes_reset
from django import forms
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import get_user_model
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import pgettext, pgettext_lazy
from django.views.decorators.http import require_POST
from django.views.generic import TemplateView
from django_otp.plugins.otp_totp.models import TOTPDevice
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from khuyenhoc.accounts import two_factor


class TokenForm(forms.Form):
    token = forms.CharField(
        label=pgettext_lazy("accounts", "Code"),
        max_length=32,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "autofocus": True, "spellcheck": "false"}
        ),
    )


def _next_url(request):
    url = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(
        url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return url
    return reverse("wagtailadmin_home")


def verify(request):
    """After the password: the authenticator's six digits, or one recovery code."""
    user = request.user
    if user.is_verified():
        return redirect(_next_url(request))
    if not two_factor.has_device(user):
        # Reset by an administrator since this session began.
        request.session[two_factor.HAS_DEVICE_KEY] = False
        if two_factor.is_required(user):
            return redirect("khuyenhoc_two_factor_setup")
        return redirect(_next_url(request))
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device, throttled = two_factor.verify(user, form.cleaned_data["token"])
        if device is not None:
            django_otp.login(request, device)
            if not two_factor.is_totp_token(two_factor.normalise(form.cleaned_data["token"])):
                messages.warning(
                    request,
                    pgettext(
                        "accounts",
                        "You signed in with a recovery code; %(count)d remain. "
                        "Make new ones from your account when few are left.",
                    )
                    % {"count": two_factor.remaining_recovery_codes(user)},
                )
            return redirect(_next_url(request))
        if throttled:
            form.add_error(
                None,
                pgettext(
                    "accounts",
                    "Too many wrong codes in a row: wait a few seconds and try again.",
                ),
            )
        else:
            form.add_error(None, pgettext("accounts", "This code is not valid. Try again."))
    return render(
        request,
        "khuyenhoc/accounts/verify.html",
        {"form": form, "next": _next_url(request)},
    )


def setup(request):
    """Set up the authenticator: scan (or type) the key, confirm one code, then receive the
    recovery codes, shown this once."""
    user = request.user
    if two_factor.has_device(user):
        if not user.is_verified():
            # Replacing an authenticator needs the current one (or an administrator's reset).
            return redirect("khuyenhoc_two_factor_verify")
        return render(
            request,
            "khuyenhoc/accounts/two_factor_status.html",
            {
                "remaining": two_factor.remaining_recovery_codes(user),
                "required": two_factor.is_required(user),
            },
        )
    device = two_factor.pending_device(user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(two_factor.normalise(form.cleaned_data["token"])):
            codes = two_factor.confirm(user, device)
            django_otp.login(request, device)
            return render(
                request,
                "khuyenhoc/accounts/recovery_codes.html",
                {"codes": codes, "next": _next_url(request)},
            )
        form.add_error(
            None,
            pgettext(
                "accounts",
                "This code does not match. Check the phone's clock and type the code shown now.",
            ),
        )
    return render(
        request,
        "khuyenhoc/accounts/setup.html",
        {
            "form": form,
            "qr_svg": two_factor.qr_svg(device),
            "secret": two_factor.secret(device),
            "required": two_factor.is_required(user),
            "next": _next_url(request),
        },
    )


@require_POST
def recovery_codes(request):
    """New recovery codes (the old ones stop working), for a user signed in with a code."""
    if not (request.user.is_verified() and two_factor.has_device(request.user)):
        raise PermissionDenied
    codes = two_factor.new_recovery_codes(request.user)
    return render(
        request,
        "khuyenhoc/accounts/recovery_codes.html",
        {"codes": codes, "next": reverse("wagtailadmin_account")},
    )


def _require_superuser(request):
    if not request.user.is_superuser:
        raise PermissionDenied


class AccountSecurityView(WagtailAdminTemplateMixin, TemplateView):
    """Locked sign-ins and users with a second factor, for administrators."""

    template_name = "khuyenhoc/accounts/security.html"
    page_title = pgettext_lazy("accounts", "Account security")
    header_icon = "lock"

    def dispatch(self, request, *args, **kwargs):
        _require_superuser(request)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        since = timezone.now() - settings.AXES_COOLOFF_TIME
        context["locked"] = AccessAttempt.objects.filter(
            failures_since_start__gte=settings.AXES_FAILURE_LIMIT, attempt_time__gte=since
        ).order_by("-attempt_time")
        user_ids = set(TOTPDevice.objects.filter(confirmed=True).values_list("user_id", flat=True))
        context["two_factor_users"] = (
            get_user_model()
            .objects.filter(pk__in=user_ids)
            .order_by(get_user_model().USERNAME_FIELD)
        )
        return context


@require_POST
def unlock(request, pk):
    _require_superuser(request)
    attempt = get_object_or_404(AccessAttempt, pk=pk)
    axes_reset(ip=attempt.ip_address, username=attempt.username)
    messages.success(
        request,
        pgettext("accounts", "Sign-in unlocked for %(username)s from %(address)s.")
        % {"username": attempt.username, "address": attempt.ip_address},
    )
    return redirect("khuyenhoc_account_security")


@require_POST
def reset_two_factor(request, pk):
    _require_superuser(request)
    user = get_object_or_404(get_user_model(), pk=pk)
    two_factor.reset(user)
    messages.success(
        request,
        pgettext(
            "accounts",
            "Two-factor sign-in reset for %(username)s: they set it up again when they next "
            "sign in.",
        )
        % {"username": user.get_username()},
    )
    return redirect("khuyenhoc_account_security")
