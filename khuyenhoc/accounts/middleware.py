"""Signed-in sessions: ended when left idle, and held at the second factor until it is given.

Installed after django-otp's ``OTPMiddleware`` (which sets ``request.user.is_verified()``).
Visitors who are not signed in are left alone: nothing is stored in their session.
"""

import time
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.models import AnonymousUser
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.translation import pgettext

from khuyenhoc.accounts import two_factor

LAST_SEEN_KEY = "khuyenhoc_last_seen"
# The last-seen time is written at most this often, not on every request.
LAST_SEEN_RESOLUTION = 60

# Admin views a signed-in user reaches before giving the second factor.
OPEN_VIEWS = frozenset(
    {
        "wagtailadmin_login",
        "wagtailadmin_logout",
        "wagtailadmin_javascript_catalog",
        "wagtailadmin_sprite",
        "wagtailadmin_password_reset",
        "wagtailadmin_password_reset_done",
        "wagtailadmin_password_reset_confirm",
        "wagtailadmin_password_reset_complete",
        "khuyenhoc_two_factor_verify",
        "khuyenhoc_two_factor_setup",
    }
)


def _admin_prefix():
    return reverse("wagtailadmin_home")


class StaffSessionMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        user = request.user
        if user.is_authenticated and self._idle_too_long(request):
            logout(request)
            if request.path.startswith(_admin_prefix()):
                messages.info(
                    request,
                    pgettext(
                        "accounts",
                        "You were signed out after %(minutes)d minutes without activity. "
                        "Please sign in again.",
                    )
                    % {"minutes": settings.SESSION_IDLE_MINUTES},
                )
                query = urlencode({"next": request.get_full_path()})
                return redirect(f"{reverse('wagtailadmin_login')}?{query}")
        return self.get_response(request)

    def _idle_too_long(self, request):
        """Whether the session was left unused too long; else note this request as activity.

        The admin's editing-session pings (sent every few seconds while an editor is open)
        are not activity: a tab left open must not keep a session alive.
        """
        limit = getattr(settings, "SESSION_IDLE_MINUTES", 0) * 60
        if not limit:
            return False
        now = int(time.time())
        last_seen = request.session.get(LAST_SEEN_KEY)
        if last_seen is not None and now - last_seen > limit:
            return True
        if request.path.startswith(_admin_prefix() + "editing-sessions/"):
            return False
        if last_seen is None or now - last_seen >= LAST_SEEN_RESOLUTION:
            request.session[LAST_SEEN_KEY] = now
        return False

    def process_view(self, request, view_func, view_args, view_kwargs):
        """A user who signed in with a password only is sent to the second factor in the
        admin (to set one up when required and missing) and is nobody elsewhere: applicants'
        files and private pages are not served on a password alone."""
        user = request.user
        if not user.is_authenticated or user.is_verified():
            return None
        has_device = two_factor.session_has_device(request)
        if not has_device and not two_factor.is_required(user):
            return None
        if not request.path.startswith(_admin_prefix()):
            request.user = AnonymousUser()
            return None
        view_name = getattr(request.resolver_match, "view_name", None)
        if view_name == "wagtailadmin_login" and request.method == "GET":
            # Sent to sign in from the site (a file, a private page): the code is what is
            # missing. Wagtail's login page would send a signed-in user straight back.
            next_url = request.GET.get("next", "")
        elif view_name in OPEN_VIEWS:
            return None
        else:
            next_url = request.get_full_path()
        target = "khuyenhoc_two_factor_verify" if has_device else "khuyenhoc_two_factor_setup"
        return redirect(f"{reverse(target)}?{urlencode({'next': next_url})}")
