"""Tests: the embedded defaults, made fast and kept apart from developer data."""

import tempfile
from pathlib import Path

from .base import *  # noqa: F403
from .base import STORAGES, env

ENVIRONMENT = "test"
DEBUG = False
SECRET_KEY = "test-only-key"
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

_tmp = Path(tempfile.mkdtemp(prefix="khuyenhoc-test-"))
MEDIA_ROOT = _tmp / "media"
PRIVATE_MEDIA_ROOT = _tmp / "private"
STORAGES["private"]["OPTIONS"]["location"] = PRIVATE_MEDIA_ROOT

# Tests create their own SQLite database in memory unless DATABASE_URL says otherwise.
if not env.str("DATABASE_URL", default=""):
    DATABASES = {"default": {"ENGINE": "django.db.backends.sqlite3", "NAME": ":memory:"}}  # noqa: F811

EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
WAGTAILADMIN_BASE_URL = "http://testserver"

STATIC_ROOT = _tmp / "static"
STATIC_ROOT.mkdir()
WHITENOISE_USE_FINDERS = True

# Tests start from an empty table of applications; tests/campaigns loads the demo's
# recognised applications itself (forms_app.demo.load_recognised_applications).
DEMO_RECOGNISED_APPLICATIONS = False
