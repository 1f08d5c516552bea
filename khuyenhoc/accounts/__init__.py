"""Staff accounts that resist attack: login lockout (django-axes), two-factor sign-in
(django-otp) and sessions that end when left idle.

The admin views are registered by ``khuyenhoc/wagtail_hooks.py``; the settings are in their
own block of ``khuyenhoc/settings/base.py``.
"""
