#!/usr/bin/env bash
# Production's processes in the foreground, for `make prod` or a container: the task worker
# and gunicorn; when either stops, the other is stopped too. The variables come from the
# environment (see the README's Deploy section); migrate and collectstatic run first.
set -euo pipefail
cd "$(dirname "$0")/.."
BIN="${BIN:-.venv/bin}"
export DJANGO_SETTINGS_MODULE="${DJANGO_SETTINGS_MODULE:-khuyenhoc.settings.production}"

"$BIN/python" manage.py migrate --noinput
"$BIN/python" manage.py collectstatic --noinput -v 0

BIN="$BIN" deploy/worker.sh &
worker=$!
"$BIN/gunicorn" -c deploy/gunicorn.conf.py khuyenhoc.wsgi &
web=$!
trap 'kill -TERM "$worker" "$web" 2>/dev/null || true' INT TERM EXIT
wait -n "$worker" "$web"
