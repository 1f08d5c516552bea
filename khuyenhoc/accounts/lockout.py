"""The page shown when sign-ins are locked out (the address is ``antispam.client_address``)."""

from axes.helpers import get_cool_off
from django.conf import settings
from django.shortcuts import render


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
