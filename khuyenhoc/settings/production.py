"""Production: everything from the environment, HTTPS everywhere.

Refuses to start without the variables a public deployment cannot guess.
"""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import DATABASES, STORAGES, TASK_BACKENDS, env

ENVIRONMENT = "production"
DEBUG = False


def _required(name: str, value):
    if not value:
        raise ImproperlyConfigured(
            f"Thiếu biến môi trường {name}: production cần {name} để khởi động. "
            f"(Missing environment variable {name}.)"
        )
    return value


SECRET_KEY = _required("SECRET_KEY", env.str("SECRET_KEY", default=""))
ALLOWED_HOSTS = _required("ALLOWED_HOSTS", env.list("ALLOWED_HOSTS", default=[]))

WAGTAILADMIN_BASE_URL = env.str("WAGTAILADMIN_BASE_URL", default=f"https://{ALLOWED_HOSTS[0]}")

# --- Several processes: a shared cache, a task worker, connections kept and checked ---
# Every web worker reads and moves the same cache versions and rate limits: local memory
# would let one process serve a page another has just made private.
_required("REDIS_URL", env.str("REDIS_URL", default=""))
# E-mails wait in the database for `manage.py db_worker` and are retried while SMTP is down.
TASKS_BACKEND = env.str("TASKS_BACKEND", default="database")
TASKS = {"default": {"BACKEND": TASK_BACKENDS.get(TASKS_BACKEND, TASKS_BACKEND)}}
# A connection lives across requests and is checked before reuse, so one broken by a
# database restart is replaced instead of failing the next request.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = env.bool("CONN_HEALTH_CHECKS", default=True)

STORAGES["staticfiles"] = {
    "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage",
}

# Behind a reverse proxy that terminates TLS and sets X-Forwarded-Proto.
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
# /healthz is probed by load balancers over plain HTTP inside the network.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env.bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", default=True)
SECURE_HSTS_PRELOAD = env.bool("SECURE_HSTS_PRELOAD", default=True)
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SECURE = True

# Staff who can see applications sign in with a second factor (khuyenhoc/accounts/).
TWO_FACTOR_REQUIRED = env.bool("TWO_FACTOR_REQUIRED", default=True)

if env.str("ADMINS", default=""):
    ADMINS = [("Admin", address) for address in env.list("ADMINS")]

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
}
