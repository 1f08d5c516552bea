"""The address a sign-in comes from, and the page shown when it is locked out."""

import ipaddress

from axes.helpers import get_cool_off
from django.conf import settings
from django.shortcuts import render
from django.utils.module_loading import import_string


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


def lockout_response(request, original_response=None, credentials=None):
    """Too many failed sign-ins for this username from this address: HTTP 429, in Vietnamese,
    in the look of the admin's sign-in page."""
    cool_off = get_cool_off(request)
    minutes = int(cool_off.total_seconds() // 60) if cool_off else None
    return render(
        request,
        "khuyenhoc/accounts/locked_out.html",
        {"failure_limit": settings.AXES_FAILURE_LIMIT, "cool_off_minutes": minutes},
        status=settings.AXES_HTTP_RESPONSE_CODE,
    )
