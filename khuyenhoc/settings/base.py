"""Settings shared by every environment.

Everything that differs between a laptop and production comes from environment
variables read here, so the embedded defaults (SQLite, database search, local
media, local-memory cache, console e-mail) need no configuration at all.
"""

from datetime import timedelta
from pathlib import Path

import environ

PROJECT_DIR = Path(__file__).resolve().parent.parent
BASE_DIR = PROJECT_DIR.parent

env = environ.Env()

# Which settings module is in force; code asks this instead of parsing module names.
ENVIRONMENT = "base"
DEBUG = env.bool("DEBUG", default=False)
SECRET_KEY = env.str("SECRET_KEY", default="")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=[])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "khuyenhoc",
    "home",
    "news",
    "campaigns",
    "forms_app",
    "wagtail_localize",
    "wagtail_localize.locales",
    "wagtail.contrib.forms",
    "wagtail.contrib.routable_page",
    "wagtail.contrib.table_block",
    "wagtail.contrib.redirects",
    "wagtail.contrib.settings",
    "wagtail.contrib.sitemaps",
    "wagtail.embeds",
    "wagtail.sites",
    "wagtail.users",
    "wagtail.snippets",
    "wagtail.documents",
    "wagtail.images",
    "wagtail.search",
    "wagtail.admin",
    "wagtail",
    "modelcluster",
    "taggit",
    "django_filters",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "crispy_forms",
    "crispy_bootstrap5",
    # The tasks' table (production's queue; listed for administrators in every environment).
    "django_tasks_db",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.humanize",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.sitemaps",
    "django.contrib.staticfiles",
]

MIDDLEWARE = [
    "khuyenhoc.middleware.PermissionsPolicyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "khuyenhoc.cleaning.HostileInputMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "khuyenhoc.accounts.middleware.StaffSessionMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "wagtail.contrib.redirects.middleware.RedirectMiddleware",
    "khuyenhoc.routing.RememberedSiteMiddleware",
    # Last, as django-axes asks: turns a refused sign-in into the lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "khuyenhoc.urls"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PROJECT_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.debug",
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "wagtail.contrib.settings.context_processors.settings",
            ],
        },
    },
]

WSGI_APPLICATION = "khuyenhoc.wsgi.application"
ASGI_APPLICATION = "khuyenhoc.asgi.application"

# Database: SQLite next to the code unless DATABASE_URL names another one.
DATABASES = {"default": env.db_url("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    INSTALLED_APPS.append("django.contrib.postgres")
# SQLite with several server threads: a transaction takes the write lock when it begins and
# a writer waits up to 20 s for another instead of failing with "database is locked"; WAL
# lets pages be read while an application is written (bench/applications.py).
SQLITE_OPTIONS = {
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL",
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {}).update(SQLITE_OPTIONS)

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Language: Vietnamese first, English second. Pages in Vietnamese live at /,
# English ones under /en/.
LANGUAGE_CODE = "vi"
LANGUAGES = [
    ("vi", "Tiếng Việt"),
    ("en", "English"),
]
# Our own strings first; then our Vietnamese catalogue of Wagtail's and wagtail-localize's
# strings (`manage.py refresh_admin_catalogue` after an upgrade), which completes theirs.
ADMIN_CATALOGUE_DIR = PROJECT_DIR / "locale_admin"
ADMIN_CATALOGUE_PACKAGES = ["wagtail", "wagtail_localize"]
LOCALE_PATHS = [PROJECT_DIR / "locale", ADMIN_CATALOGUE_DIR]
FORMAT_MODULE_PATH = ["khuyenhoc.formats"]
TIME_ZONE = "Asia/Ho_Chi_Minh"
USE_I18N = True
USE_TZ = True

WAGTAIL_I18N_ENABLED = True
WAGTAIL_CONTENT_LANGUAGES = LANGUAGES
WAGTAILADMIN_PERMITTED_LANGUAGES = LANGUAGES
WAGTAIL_USER_TIME_ZONES = ["Asia/Ho_Chi_Minh", "UTC"]

# Static files are committed under static/ (Bootstrap included: the site must work
# on a closed network) and served by WhiteNoise when no proxy does it.
STATICFILES_FINDERS = [
    "django.contrib.staticfiles.finders.FileSystemFinder",
    "django.contrib.staticfiles.finders.AppDirectoriesFinder",
]
STATICFILES_DIRS = [BASE_DIR / "static"]
STATIC_ROOT = env.path("STATIC_ROOT", default=BASE_DIR / "staticfiles")
STATIC_URL = "/static/"

MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
MEDIA_URL = "/media/"
# Applicants' files never go under MEDIA_ROOT: they are served only by views that
# check permissions.
PRIVATE_MEDIA_ROOT = env.path("PRIVATE_MEDIA_ROOT", default=BASE_DIR / "private_media")

STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": PRIVATE_MEDIA_ROOT, "base_url": None},
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}

# S3-compatible object storage when a bucket is named: public media in one bucket,
# applicants' files in a private one reached only through signed URLs.
if env.str("MEDIA_S3_BUCKET", default=""):
    _s3 = {
        "access_key": env.str("MEDIA_S3_ACCESS_KEY", default=None),
        "secret_key": env.str("MEDIA_S3_SECRET_KEY", default=None),
        "endpoint_url": env.str("MEDIA_S3_ENDPOINT_URL", default=None),
        "region_name": env.str("MEDIA_S3_REGION", default=None),
        "file_overwrite": False,
    }
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            **_s3,
            "bucket_name": env.str("MEDIA_S3_BUCKET"),
            "custom_domain": env.str("MEDIA_S3_CUSTOM_DOMAIN", default=None),
            "querystring_auth": False,
        },
    }
    STORAGES["private"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            **_s3,
            "bucket_name": env.str("MEDIA_S3_PRIVATE_BUCKET"),
            "default_acl": "private",
            "querystring_auth": True,
            "querystring_expire": 300,
        },
    }

# Cache: local memory unless REDIS_URL points at a Redis server.
if env.str("REDIS_URL", default=""):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": env.str("REDIS_URL"),
            "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="khuyenhoc"),
        }
    }
else:
    # Menus, counts, pictures and rate limits share it: room for more than Django's 300.
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
            "OPTIONS": {"MAX_ENTRIES": 10_000},
        }
    }

# Public forms: requests per address (django-ratelimit syntax). Behind a proxy, set
# RATELIMIT_IP_META_KEY to the header that carries the visitor's address.
PUBLIC_FORM_RATES = {
    "comments": env.str("RATE_COMMENTS", default="5/10m"),
    "applications": env.str("RATE_APPLICATIONS", default="10/h"),
    # New application drafts (any first step: "Tiếp tục", adding a member, saving, sending).
    "drafts": env.str("RATE_DRAFTS", default="30/h"),
    "pledges": env.str("RATE_PLEDGES", default="10/h"),
    # Contact, event registration and other forms editors build with Wagtail's form builder.
    "simple_forms": env.str("RATE_SIMPLE_FORMS", default="10/h"),
    # Looking an application up by code and phone: enough for a family, too few to guess codes.
    "tracking": env.str("RATE_TRACKING", default="20/h"),
    # Checking a certificate's verification code (public, read only).
    "verify": env.str("RATE_VERIFY", default="60/h"),
}
# Drafts nobody has touched for this many days are deleted with their files by
# `manage.py clear_stale_drafts` (run it daily from cron or a timer).
DRAFT_RETENTION_DAYS = env.int("DRAFT_RETENTION_DAYS", default=90)
# Rejected and withdrawn applications keep their personal data this long, then
# ``anonymise_applications`` removes it (the figures stay).
PERSONAL_DATA_RETENTION_YEARS = env.int("PERSONAL_DATA_RETENTION_YEARS", default=5)

RATELIMIT_USE_CACHE = "default"
RATELIMIT_IP_META_KEY = env.str("RATELIMIT_IP_META_KEY", default=None) or None

# --- Staff accounts: login lockout, two-factor sign-in, idle sessions (khuyenhoc/accounts/) ---
# django-axes counts failed sign-ins in the database (every process sees the same counts) for
# one username from one address together: a commune office behind one address cannot lock
# out its colleagues, and an attacker elsewhere cannot lock a user out of the office.
# Axes' backend comes first so that it refuses a locked pair before the password is checked.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_FAILURE_LIMIT = env.int("AXES_FAILURE_LIMIT", default=5)
AXES_COOLOFF_TIME = timedelta(minutes=env.int("AXES_COOLOFF_MINUTES", default=15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
# The address the rate limits count (RATELIMIT_IP_META_KEY behind a proxy).
AXES_CLIENT_IP_CALLABLE = "khuyenhoc.antispam.client_address"
AXES_LOCKOUT_CALLABLE = "khuyenhoc.accounts.lockout.lockout_response"
# Two-factor sign-in (django-otp: an authenticator app and recovery codes). Required, when
# on, for superusers and whoever can see applications (forms_app's "requires_two_factor"
# hook); anyone who has set it up is asked for a code either way. Production turns it on.
TWO_FACTOR_REQUIRED = env.bool("TWO_FACTOR_REQUIRED", default=False)
OTP_TOTP_ISSUER = "Hội Khuyến học"
# A signed-in session ends after this many minutes without a request (0: never), and in
# any case this many seconds after signing in with "Remember me".
SESSION_IDLE_MINUTES = env.int("SESSION_IDLE_MINUTES", default=30)
SESSION_COOKIE_AGE = env.int("SESSION_COOKIE_AGE", default=12 * 60 * 60)
# Every account is staff: whoever must sign in (an applicant's file, a page for signed-in users)
# does it on the admin's page, which has the lockout and the second factor. Wagtail's own
# /_util/login/ is taken by the page routes (khuyenhoc/urls.py).
LOGIN_URL = "wagtailadmin_login"
WAGTAIL_FRONTEND_LOGIN_URL = "/admin/login/"

# E-mail: printed on the console unless EMAIL_URL names an SMTP server
# (smtp+tls://user:password@host:587).
_email = env.email_url("EMAIL_URL", default="consolemail://")
EMAIL_BACKEND = _email["EMAIL_BACKEND"]
EMAIL_HOST = _email.get("EMAIL_HOST", "localhost")
EMAIL_PORT = _email.get("EMAIL_PORT") or 25
EMAIL_HOST_USER = _email.get("EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = _email.get("EMAIL_HOST_PASSWORD", "")
EMAIL_USE_TLS = _email.get("EMAIL_USE_TLS", False)
EMAIL_USE_SSL = _email.get("EMAIL_USE_SSL", False)
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Hội Khuyến học <no-reply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Search: Wagtail's database backend unless ELASTICSEARCH_URL names a server. Pages
# also index a folded copy of their text (khuyenhoc/search.py); the analyzers and the
# PostgreSQL configuration below fold Vietnamese on the backend's side as well.
# Elasticsearch: "đ" is mapped before the standard folding, which some versions miss.
ELASTICSEARCH_INDEX_SETTINGS = {
    "settings": {
        "analysis": {
            "char_filter": {
                "vietnamese_d": {"type": "mapping", "mappings": ["đ => d", "Đ => D"]},
            },
            "analyzer": {
                "default": {
                    "type": "custom",
                    "tokenizer": "standard",
                    "char_filter": ["vietnamese_d"],
                    "filter": ["lowercase", "asciifolding"],
                },
                "edgengram_analyzer": {
                    "type": "custom",
                    "tokenizer": "standard",
                    "char_filter": ["vietnamese_d"],
                    "filter": ["asciifolding", "lowercase", "edgengram"],
                },
                "ngram_analyzer": {
                    "type": "custom",
                    "tokenizer": "standard",
                    "char_filter": ["vietnamese_d"],
                    "filter": ["asciifolding", "lowercase", "ngram"],
                },
            },
        }
    }
}
# PostgreSQL: a text search configuration made by home/migrations/0004 ("simple" with
# unaccent); SQLite: the database backend with titles weighted (khuyenhoc/search_backend.py).
POSTGRES_SEARCH_CONFIG = "khuyenhoc_vi"
if env.str("ELASTICSEARCH_URL", default=""):
    WAGTAILSEARCH_BACKENDS = {
        "default": {
            "BACKEND": "wagtail.search.backends.elasticsearch9",
            "URLS": env.list("ELASTICSEARCH_URL"),
            "INDEX_PREFIX": env.str("ELASTICSEARCH_INDEX_PREFIX", default="khuyenhoc_"),
            "TIMEOUT": env.int("ELASTICSEARCH_TIMEOUT", default=5),
            "INDEX_SETTINGS": ELASTICSEARCH_INDEX_SETTINGS,
        }
    }
else:
    WAGTAILSEARCH_BACKENDS = {"default": {"BACKEND": "khuyenhoc.search_backend"}}
    if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
        WAGTAILSEARCH_BACKENDS["default"]["SEARCH_CONFIG"] = POSTGRES_SEARCH_CONFIG

# Background tasks run at once unless TASKS_BACKEND=database (production's default; or a
# backend's dotted path), where they wait in a table for `manage.py db_worker`. A task that
# cannot reach the mail server is tried again after TASK_RETRY_BACKOFF seconds, doubled each
# time, TASK_RETRY_ATTEMPTS times in all (khuyenhoc/tasks.py): 30 s, 1 min, 2 min ... about
# 4 hours with the defaults.
TASK_BACKENDS = {
    "immediate": "django_tasks.backends.immediate.ImmediateBackend",
    "database": "django_tasks_db.DatabaseBackend",
}
TASKS_BACKEND = env.str("TASKS_BACKEND", default="immediate")
TASKS = {"default": {"BACKEND": TASK_BACKENDS.get(TASKS_BACKEND, TASKS_BACKEND)}}
TASK_RETRY_ATTEMPTS = env.int("TASK_RETRY_ATTEMPTS", default=10)
TASK_RETRY_BACKOFF = env.float("TASK_RETRY_BACKOFF", default=30)

WAGTAIL_SITE_NAME = "Hội Khuyến học"
WAGTAILADMIN_BASE_URL = env.str("WAGTAILADMIN_BASE_URL", default="http://127.0.0.1:8000")
WAGTAIL_ALLOW_UNICODE_SLUGS = False
WAGTAILDOCS_EXTENSIONS = [
    "csv",
    "docx",
    "doc",
    "odt",
    "pdf",
    "pptx",
    "rtf",
    "txt",
    "xlsx",
    "xls",
    "zip",
]
WAGTAILDOCS_MAX_UPLOAD_SIZE = 20 * 1024 * 1024
WAGTAILIMAGES_MAX_UPLOAD_SIZE = 10 * 1024 * 1024
WAGTAILIMAGES_EXTENSIONS = ["avif", "gif", "jpg", "jpeg", "png", "webp"]
WAGTAILADMIN_RICH_TEXT_EDITORS = {
    "default": {"WIDGET": "wagtail.admin.rich_text.DraftailRichTextArea"},
}
DATA_UPLOAD_MAX_NUMBER_FIELDS = 10_000

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# Security headers that hold in every environment; production adds HTTPS ones.
# Wagtail's preview views opt back in to same-origin framing themselves.
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "strict-origin-when-cross-origin"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Browser features no page of the site uses, refused to it and to every frame in it
# (khuyenhoc/middleware.py). Reading aloud (speech synthesis) and video fullscreen need none.
PERMISSIONS_POLICY = {
    feature: []
    for feature in (
        "accelerometer",
        "bluetooth",
        "browsing-topics",
        "camera",
        "display-capture",
        "geolocation",
        "gyroscope",
        "hid",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
}

# Content Security Policy for the public site. The Wagtail admin still needs inline
# scripts and styles in places, so it is left out; it is behind a login.
CONTENT_SECURITY_POLICY = {
    "EXCLUDE_URL_PREFIXES": ["/admin/", "/django-admin/"],
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"] + env.list("CSP_IMG_SRC", default=[]),
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "frame-src": ["'self'", "https://www.youtube-nocookie.com", "https://www.youtube.com"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'self'"],
        "object-src": ["'none'"],
    },
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="WARNING")},
}

# The admin's date pickers write dates the Vietnamese way; both are also input formats.
WAGTAIL_DATE_FORMAT = "%d/%m/%Y"
WAGTAIL_DATETIME_FORMAT = "%d/%m/%Y %H:%M"
