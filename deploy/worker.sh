#!/usr/bin/env bash
# The task worker, started again when it stops: db_worker exits when the database goes away
# (a restart, a failover). systemd's Restart=always does the same for khuyenhoc-worker.service;
# this is for deploy/run.sh and the Procfile. SIGTERM stops it for good.
set -uo pipefail
cd "$(dirname "$0")/.."
BIN="${BIN:-.venv/bin}"
delay="${WORKER_RESTART_DELAY:-5}"
child=0
trap 'kill -TERM "$child" 2>/dev/null; wait "$child"; exit 0' INT TERM
while true; do
    "$BIN/python" manage.py db_worker --queue-name "*" --interval "${WORKER_INTERVAL:-1}" \
        --no-reload "$@" &
    child=$!
    wait "$child"
    echo "worker.sh: db_worker stopped (exit $?); starting it again in $delay s" >&2
    sleep "$delay" &
    child=$!
    wait "$child"
done
