"""Who signs in with a second factor, and the devices that provide it.

Apps say who must (the core knows no app): a function registered with Wagtail's hook
``requires_two_factor`` takes a user and answers True when that user must. Superusers always
must while ``TWO_FACTOR_REQUIRED`` is on.
"""

from base64 import b32encode

import django_otp
import segno
from django.conf import settings
from django.contrib.auth.signals import user_logged_in
from django.db import transaction
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice
from wagtail import hooks

RECOVERY_CODE_COUNT = 10


def is_required(user):
    """Whether this user may not use the admin without a second factor."""
    if not getattr(settings, "TWO_FACTOR_REQUIRED", False) or not user.is_authenticated:
        return False
    if user.is_superuser:
        return True
    return any(fn(user) for fn in hooks.get_hooks("requires_two_factor"))


def has_device(user):
    return django_otp.user_has_device(user, confirmed=True)


# Whether the signed-in user had a confirmed device when they signed in, kept in the session so
# that admin requests do not look it up each time. It only goes stale harmlessly: a device
# made later was made (and verified) in this session, and the verify page looks again.
HAS_DEVICE_KEY = "khuyenhoc_has_two_factor_device"


def session_has_device(request):
    value = request.session.get(HAS_DEVICE_KEY)
    if value is None:
        value = request.session[HAS_DEVICE_KEY] = has_device(request.user)
    return value


def _remember_device(sender, request, user, **kwargs):
    if request is not None and hasattr(request, "session"):
        request.session[HAS_DEVICE_KEY] = has_device(user)


def connect_login_signal():
    user_logged_in.connect(_remember_device, dispatch_uid="khuyenhoc.two_factor.device")


def pending_device(user):
    """The authenticator being set up (unconfirmed), made on first visit and kept until
    confirmed, so that reloading the page does not change the code to scan."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name="authenticator", confirmed=False)
    return device


def secret(device):
    """The key as authenticator apps accept it typed: base32 in groups of four."""
    text = b32encode(device.bin_key).decode()
    return " ".join(text[i : i + 4] for i in range(0, len(text), 4))


def qr_svg(device):
    # No fixed size: the page gives it its width, so it fits a phone.
    return segno.make(device.config_url, error="m").svg_inline(omitsize=True)


def normalise(token):
    return "".join((token or "").split()).replace("-", "").lower()


def is_totp_token(token):
    return token.isdigit() and len(token) == 6


@transaction.atomic
def confirm(user, device):
    """Make ``device`` the user's only authenticator, with fresh recovery codes (returned)."""
    device.confirmed = True
    device.save()
    for model in django_otp.device_classes():
        others = model.objects.filter(user=user)
        if isinstance(device, model):
            others = others.exclude(pk=device.pk)
        others.delete()
    return new_recovery_codes(user)


@transaction.atomic
def new_recovery_codes(user):
    """Replace the user's recovery codes; each works once."""
    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="recovery", confirmed=True)
    codes = [StaticToken.random_token() for _ in range(RECOVERY_CODE_COUNT)]
    StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def remaining_recovery_codes(user):
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def verify(user, token):
    """The device that accepts ``token`` (six digits: the authenticator; else a recovery
    code, used up) and whether a device refused to check because of recent failures.

    Each device slows down after failures (1, 2, 4, ... seconds), django-otp's throttling;
    only the kind of device the token looks like is tried, so a typo costs one device.
    """
    token = normalise(token)
    kind = TOTPDevice if is_totp_token(token) else StaticDevice
    throttled = False
    for device in django_otp.devices_for_user(user):
        if not isinstance(device, kind):
            continue
        if not device.verify_is_allowed()[0]:
            throttled = True
            continue
        verified = django_otp.verify_token(user, device.persistent_id, token)
        if verified is not None:
            return verified, False
    return None, throttled


@transaction.atomic
def reset(user):
    """Remove every device of the user (a lost phone): they set up again at next sign-in."""
    for model in django_otp.device_classes():
        model.objects.filter(user=user).delete()
