"""gunicorn for khuyenhoc: `gunicorn -c deploy/gunicorn.conf.py khuyenhoc.wsgi`.

Sized from the machine; every value can be set from the environment (GUNICORN_*), e.g.
GUNICORN_WORKERS=2 for a small box that also runs PostgreSQL.
"""

import multiprocessing
import os


def _env_int(name, default):
    return int(os.environ.get(name, default))


# Synchronous workers: 2 per core + 1, at most 12 (each holds a database connection).
workers = _env_int("GUNICORN_WORKERS", min(2 * multiprocessing.cpu_count() + 1, 12))
threads = _env_int("GUNICORN_THREADS", 1)
bind = os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")
# An application with three files of 10 MB over a slow line: well under a minute.
timeout = _env_int("GUNICORN_TIMEOUT", 60)
graceful_timeout = _env_int("GUNICORN_GRACEFUL_TIMEOUT", 30)
# Behind a reverse proxy that keeps connections open.
keepalive = _env_int("GUNICORN_KEEPALIVE", 5)
# Workers are replaced now and then so a slow leak cannot grow for ever.
max_requests = _env_int("GUNICORN_MAX_REQUESTS", 2000)
max_requests_jitter = _env_int("GUNICORN_MAX_REQUESTS_JITTER", 200)
# Django loaded once in the master, then forked: less memory, and a broken configuration
# stops the start instead of every worker. No connection is opened at import time.
preload_app = os.environ.get("GUNICORN_PRELOAD", "true").lower() in ("1", "true", "yes")
# Only the proxy in front speaks to gunicorn; it sets X-Forwarded-Proto.
forwarded_allow_ips = os.environ.get("GUNICORN_FORWARDED_ALLOW_IPS", "127.0.0.1,::1")
accesslog = os.environ.get("GUNICORN_ACCESSLOG", "-")
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOGLEVEL", "info")
# The workers' heartbeat files on memory-backed /dev/shm when it exists, not on a slow disk.
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
# gunicorn's control socket only at a path given: by default every instance on the host
# would share $HOME/.gunicorn/gunicorn.ctl.
if os.environ.get("GUNICORN_CONTROL_SOCKET"):
    control_socket = os.environ["GUNICORN_CONTROL_SOCKET"]
else:
    control_socket_disable = True
