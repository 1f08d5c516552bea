"""Production is configured by the environment only, and refuses to guess."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


def manage(*args, **env):
    clean_env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"SECRET_KEY", "ALLOWED_HOSTS", "DATABASE_URL", "DEBUG", "REDIS_URL"}
        and not key.startswith("TASK")
    }
    clean_env.update(env, DJANGO_SETTINGS_MODULE="khuyenhoc.settings.production")
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=clean_env,
        capture_output=True,
        text=True,
        timeout=120,
    )


PRODUCTION_ENV = {
    "SECRET_KEY": secrets.token_urlsafe(60),
    "ALLOWED_HOSTS": "khuyenhoc.example.org",
    "DATABASE_URL": "sqlite:////tmp/khuyenhoc-check.sqlite3",
    # Only named: `check` does not connect to it.
    "REDIS_URL": "redis://127.0.0.1:6379/15",
}


@pytest.mark.parametrize("missing", ["SECRET_KEY", "ALLOWED_HOSTS", "REDIS_URL"])
def test_production_refuses_to_start_without(missing):
    env = {key: value for key, value in PRODUCTION_ENV.items() if key != missing}
    result = manage("check", **env)
    assert result.returncode != 0
    assert f"Thiếu biến môi trường {missing}" in result.stderr
    assert "ImproperlyConfigured" in result.stderr


def test_production_passes_check_deploy_without_warnings():
    result = manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION_ENV)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_production_reads_services_from_the_environment():
    code = (
        "from django.conf import settings as s;"
        "print(s.DATABASES['default']['ENGINE']);"
        "print(s.CACHES['default']['BACKEND']);"
        "print(s.WAGTAILSEARCH_BACKENDS['default']['BACKEND']);"
        "print(s.WAGTAILSEARCH_BACKENDS['default']['INDEX_PREFIX']);"
        "print(s.EMAIL_BACKEND, s.EMAIL_HOST, s.EMAIL_PORT, s.EMAIL_USE_TLS);"
        "print(s.STORAGES['default']['BACKEND'], s.STORAGES['private']['OPTIONS']['default_acl']);"
        "print(s.SECURE_HSTS_SECONDS, s.SESSION_COOKIE_SECURE, s.DEBUG);"
        "print(s.TASKS['default']['BACKEND']);"
        "d = s.DATABASES['default']; print(d['CONN_MAX_AGE'], d['CONN_HEALTH_CHECKS'])"
    )
    result = manage(
        "shell",
        "-c",
        code,
        **{
            **PRODUCTION_ENV,
            "DATABASE_URL": "postgres://kh:secret@db.internal:5432/khuyenhoc",
            "REDIS_URL": "redis://cache.internal:6379/1",
        },
        ELASTICSEARCH_URL="https://search.internal:9200",
        ELASTICSEARCH_INDEX_PREFIX="kh_prod_",
        EMAIL_URL="smtp+tls://mailer:pw@smtp.internal:587",
        MEDIA_S3_BUCKET="kh-media",
        MEDIA_S3_PRIVATE_BUCKET="kh-private",
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.strip().splitlines()[-9:]
    assert lines == [
        "django.db.backends.postgresql",
        "django.core.cache.backends.redis.RedisCache",
        "wagtail.search.backends.elasticsearch9",
        "kh_prod_",
        "django.core.mail.backends.smtp.EmailBackend smtp.internal 587 True",
        "storages.backends.s3.S3Storage private",
        "31536000 True False",
        "django_tasks_db.DatabaseBackend",
        "60 True",
    ]


def test_embedded_defaults_need_no_configuration():
    code = (
        "from django.conf import settings as s;"
        "print(s.DATABASES['default']['ENGINE']);"
        "print(s.CACHES['default']['BACKEND']);"
        "print(s.WAGTAILSEARCH_BACKENDS['default']['BACKEND']);"
        "print(s.EMAIL_BACKEND);"
        "print(s.STORAGES['default']['BACKEND']);"
        "print(s.TASKS['default']['BACKEND'])"
    )
    env = {k: v for k, v in os.environ.items() if not k.endswith("_URL") and k != "SECRET_KEY"}
    env["DJANGO_SETTINGS_MODULE"] = "khuyenhoc.settings.dev"
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", code],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip().splitlines()[-6:] == [
        "django.db.backends.sqlite3",
        "django.core.cache.backends.locmem.LocMemCache",
        "khuyenhoc.search_backend",
        "django.core.mail.backends.console.EmailBackend",
        "django.core.files.storage.FileSystemStorage",
        "django_tasks.backends.immediate.ImmediateBackend",
    ]


@pytest.mark.django_db
def test_security_headers_on_public_pages(client, demo):
    response = client.get("/")
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert response["X-Content-Type-Options"] == "nosniff"
    csp = response["Content-Security-Policy"]
    assert "default-src 'self'" in csp
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
