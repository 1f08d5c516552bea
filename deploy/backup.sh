#!/usr/bin/env bash
# Back up the database (pg_dump, custom format) and both media folders (public media, and the
# applicants' private files), with the environment the site runs with:
#   deploy/backup.sh [DEST_DIR]          (default: ./backups)
# Writes DEST_DIR/khuyenhoc-YYYYmmdd-HHMMSS/{database.dump,media.tar.gz,private_media.tar.gz}
# and prints that folder. Media in S3 buckets (MEDIA_S3_BUCKET) are the buckets' own business:
# the folders are then skipped. Restore with deploy/restore.sh.
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON="${PYTHON:-.venv/bin/python}"
dest_root="${1:-backups}"

: "${DATABASE_URL:?DATABASE_URL must name the PostgreSQL database to back up}"
case "$DATABASE_URL" in
    postgres://* | postgresql://*) ;;
    *) echo "backup.sh: DATABASE_URL is not PostgreSQL" >&2; exit 2 ;;
esac

# The folders as the settings resolve them (MEDIA_ROOT, PRIVATE_MEDIA_ROOT or their defaults).
mapfile -t folders < <("$PYTHON" manage.py shell --no-imports -v 0 -c '
from django.conf import settings as s
print(s.MEDIA_ROOT)
print(s.PRIVATE_MEDIA_ROOT)
print("s3" if s.STORAGES["default"]["BACKEND"].startswith("storages.") else "files")')
media="${folders[0]}"
private="${folders[1]}"
storage="${folders[2]}"

target="$dest_root/khuyenhoc-$(date -u +%Y%m%d-%H%M%S)"
mkdir -p "$target"
chmod 700 "$target"  # applicants' personal data

pg_dump --format=custom --no-owner --no-privileges --file="$target/database.dump" "$DATABASE_URL"
if [ "$storage" = "files" ]; then
    for pair in "media:$media" "private_media:$private"; do
        name="${pair%%:*}"
        folder="${pair#*:}"
        mkdir -p "$folder"
        tar -czf "$target/$name.tar.gz" -C "$folder" .
    done
fi
(cd "$target" && sha256sum -- * >SHA256SUMS)
echo "$target"
