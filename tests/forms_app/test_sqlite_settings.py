"""A SQLite database file is opened so that several server threads can send applications at
once (bench/applications.py shows 20 at once; without these options half failed with
"database is locked")."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

CODE = """
import sqlite3
from django.db import connection, transaction
with transaction.atomic():
    cursor = connection.cursor()
    cursor.execute("PRAGMA journal_mode")
    print(cursor.fetchone()[0])
    cursor.execute("PRAGMA synchronous")
    print(cursor.fetchone()[0])
    # Another writer cannot start now: this transaction holds the write lock from BEGIN.
    other = sqlite3.connect(connection.settings_dict["NAME"], timeout=0, isolation_level=None)
    try:
        other.execute("BEGIN IMMEDIATE")
        print("unlocked")
    except sqlite3.OperationalError as error:
        print(str(error).replace(" ", "-"))
    other.close()
print(connection.settings_dict["OPTIONS"]["timeout"])
"""


def test_sqlite_file_uses_wal_and_immediate_transactions(tmp_path):
    env = {key: value for key, value in os.environ.items() if key != "DATABASE_URL"}
    env.update(
        DJANGO_SETTINGS_MODULE="khuyenhoc.settings.dev",
        DATABASE_URL=f"sqlite:///{tmp_path / 'site.sqlite3'}",
    )
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "--verbosity", "0", "-c", CODE],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    # WAL; synchronous NORMAL (1); BEGIN IMMEDIATE took the lock before any write (a deferred
    # transaction takes it at its first write, and fails there if another writer holds it);
    # writers wait up to 20 s for each other.
    assert result.stdout.split() == ["wal", "1", "database-is-locked", "20"]
