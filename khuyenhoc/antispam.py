"""Spam defences for public forms, with no third-party service.

Three layers, as the issues ask: a honeypot field people never see, a minimum time between
showing a form and sending it, and a per-address rate limit (django-ratelimit over the
default cache, so Redis in production and local memory in development). The signed start
time is single-use: a form accepted once cannot be replayed with the same one.
"""

import hashlib
import ipaddress
import secrets
import time

from django import forms
from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.shortcuts import render
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _
from django_ratelimit.core import is_ratelimited

HONEYPOT_FIELD = "website"
STARTED_FIELD = "form_started"
_SALT = "khuyenhoc.antispam.started"


def _started_token():
    # The random part keeps two forms shown at the same instant apart: each token is used once.
    return signing.dumps([time.time(), secrets.token_hex(8)], salt=_SALT)


def _started_at(value):
    """The time in a start token (``[time, random]``, or a bare time in older ones)."""
    return float(value[0] if isinstance(value, list) else value)


class SpamProtectionMixin:
    """Adds the honeypot and the signed start time to any form or model form.

    Render both with ``{% include "includes/antispam_fields.html" %}`` (and leave them out of
    crispy layouts): the honeypot is moved off screen and hidden from assistive technology.
    """

    min_fill_seconds = 3
    max_age_seconds = 24 * 60 * 60

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields[HONEYPOT_FIELD] = forms.CharField(
            required=False,
            label=_("Leave this field empty"),
            widget=forms.TextInput(attrs={"autocomplete": "off", "tabindex": "-1"}),
        )
        self.fields[STARTED_FIELD] = forms.CharField(required=False, widget=forms.HiddenInput)
        self.initial[STARTED_FIELD] = _started_token()

    def antispam_field_names(self):
        return [HONEYPOT_FIELD, STARTED_FIELD]

    def clean(self):
        cleaned_data = super().clean()
        if cleaned_data.get(HONEYPOT_FIELD):
            raise forms.ValidationError(
                _("Your entry could not be accepted. Please try again."), code="spam"
            )
        try:
            started = signing.loads(
                cleaned_data.get(STARTED_FIELD) or "", salt=_SALT, max_age=self.max_age_seconds
            )
        except signing.BadSignature:
            self._restart_clock()
            raise forms.ValidationError(
                _("This form was open too long. Please check your entries and send again."),
                code="expired",
            ) from None
        if time.time() - _started_at(started) < self.min_fill_seconds:
            raise forms.ValidationError(
                _("The form was sent too quickly. Please check your entries and send again."),
                code="too_fast",
            )
        if not self.errors:
            # Accepted: the start time is used up. Should the page come back all the same
            # (an error found after this check), it carries a fresh one.
            first_use = self._use_started(cleaned_data[STARTED_FIELD])
            self._restart_clock()
            if not first_use:
                raise forms.ValidationError(
                    _(
                        "This form has already been sent. To send it again, please check your "
                        "entries and send again."
                    ),
                    code="replayed",
                )
        return cleaned_data

    def _use_started(self, token):
        """True the first time ``token`` is used: ``cache.add`` is atomic, so of two requests
        with the same token at the same moment only one wins."""
        key = "khuyenhoc.antispam.used." + hashlib.sha256(token.encode()).hexdigest()
        return cache.add(key, 1, timeout=self.max_age_seconds)

    def _restart_clock(self):
        # The page comes back with the reader's entries; give it a fresh start time.
        self.data = self.data.copy()
        self.data[self.add_prefix(STARTED_FIELD)] = _started_token()


def client_address(request):
    """The visitor's address as the rate limits see it.

    Behind a proxy ``RATELIMIT_IP_META_KEY`` names the header (or a function) that carries it;
    a header holding a list gives its right-most entry, the one the nearest proxy wrote (the
    left-most ones are whatever the client sent). Anything unreadable falls back to the
    connection's address.
    """
    key = getattr(settings, "RATELIMIT_IP_META_KEY", None)
    value = None
    if callable(key):
        value = key(request)
    elif isinstance(key, str) and "." in key:
        value = import_string(key)(request)
    elif key:
        value = request.META.get(key)
    candidate = (value or "").split(",")[-1].strip()
    try:
        return str(ipaddress.ip_address(candidate))
    except ValueError:
        return request.META.get("REMOTE_ADDR")


def rate_limited(request, group, rate=None, method="POST", increment=True):
    """Count this POST (or, with ``method=ALL``, any request) against the sender's address;
    True once over the group's rate. With ``increment=False`` only ask, counting nothing (a
    lookup that counts its misses only).

    Rates live in ``settings.PUBLIC_FORM_RATES`` (e.g. ``"5/10m"``) so deployments can tune
    them; addresses come from ``RATELIMIT_IP_META_KEY`` behind a proxy.
    """
    rate = rate or settings.PUBLIC_FORM_RATES[group]
    return is_ratelimited(
        request, group=f"khuyenhoc.{group}", key="ip", rate=rate, method=method, increment=increment
    )


def too_many_requests(request, message=None):
    """A readable HTTP 429 page in the visitor's language."""
    return render(
        request,
        "429.html",
        {
            "message": message
            or _("You have sent this form too many times. Please wait a while and try again.")
        },
        status=429,
    )
