#!/usr/bin/env bash
# Restore a backup made by deploy/backup.sh into the database DATABASE_URL names (which must
# exist and be empty: `createdb`), and its media folders into MEDIA_ROOT and
# PRIVATE_MEDIA_ROOT (as the settings resolve them; they must be empty or absent):
#   deploy/restore.sh BACKUP_DIR
# Stop the web and worker processes first; start them again after (they migrate nothing new).
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-.venv/bin/python}"
backup="${1:?usage: deploy/restore.sh BACKUP_DIR}"

: "${DATABASE_URL:?DATABASE_URL must name the (empty) PostgreSQL database to restore into}"
[ -f "$backup/database.dump" ] || { echo "restore.sh: no database.dump in $backup" >&2; exit 2; }
(cd "$backup" && sha256sum --check --quiet SHA256SUMS)

tables="$(psql "$DATABASE_URL" -Atc "select count(*) from pg_tables where schemaname = 'public'")"
if [ "$tables" != "0" ]; then
    echo "restore.sh: the database already has $tables tables; restore into an empty one" >&2
    exit 3
fi

mapfile -t folders < <("$PYTHON" manage.py shell --no-imports -v 0 -c '
from django.conf import settings as s
print(s.MEDIA_ROOT)
print(s.PRIVATE_MEDIA_ROOT)')
for pair in "media:${folders[0]}" "private_media:${folders[1]}"; do
    name="${pair%%:*}"
    folder="${pair#*:}"
    [ -f "$backup/$name.tar.gz" ] || continue
    if [ -d "$folder" ] && [ -n "$(ls -A "$folder")" ]; then
        echo "restore.sh: $folder is not empty; restore into an empty folder" >&2
        exit 3
    fi
done

pg_restore --no-owner --no-privileges --exit-on-error --dbname="$DATABASE_URL" \
    "$backup/database.dump"
for pair in "media:${folders[0]}" "private_media:${folders[1]}"; do
    name="${pair%%:*}"
    folder="${pair#*:}"
    [ -f "$backup/$name.tar.gz" ] || continue
    mkdir -p "$folder"
    tar -xzf "$backup/$name.tar.gz" -C "$folder"
done
chmod 700 "${folders[1]}" 2>/dev/null || true
echo "Restored $backup"
