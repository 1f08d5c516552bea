"""Background tasks that survive a mail server being down, and enqueueing them after commit.

django-tasks has no retries of its own. A task made with ``retrying_task`` that cannot reach
a service (``OSError``: SMTP refused or timed out; ``smtplib.SMTPException`` is one) enqueues
itself again to run after a growing delay (``TASK_RETRY_BACKOFF`` seconds, doubled each time),
up to ``TASK_RETRY_ATTEMPTS`` attempts in all; the attempt that handed over ends successful
with a note of it, so the failed tasks administrators see (``khuyenhoc.task_admin``) are the
ones given up on. Backends that run tasks at once (the embedded default) cannot defer: there
the first failure stands, as before.
"""

import functools
import logging
from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.utils import timezone
from django_tasks import task

logger = logging.getLogger(__name__)

ATTEMPT_KWARG = "retry_attempt"
# E-mails someone is waiting for go before Wagtail's own tasks (reference and search index
# updates), which an import or a large publication enqueues by the thousand.
PRIORITY = 10


def retry_delay(attempt):
    """Seconds to wait after failed attempt number ``attempt`` (1, 2, ...)."""
    return settings.TASK_RETRY_BACKOFF * 2 ** (attempt - 1)


def retrying_task(**task_options):
    """``django_tasks.task()`` for a function that talks to another service (at ``PRIORITY``
    unless told otherwise)."""
    task_options.setdefault("priority", PRIORITY)

    def decorate(func):
        @functools.wraps(func)
        def run(context, *args, **kwargs):
            attempt = kwargs.pop(ATTEMPT_KWARG, 1)
            try:
                return func(*args, **kwargs)
            except OSError as error:
                this = context.task_result.task
                if not this.get_backend().supports_defer or attempt >= settings.TASK_RETRY_ATTEMPTS:
                    raise
                delay = retry_delay(attempt)
                retry = this.using(run_after=timezone.now() + timedelta(seconds=delay))
                result = retry.enqueue(*args, **kwargs, **{ATTEMPT_KWARG: attempt + 1})
                logger.warning(
                    "Task %s failed (attempt %d of %d: %r); retrying in %s s as %s",
                    this.name,
                    attempt,
                    settings.TASK_RETRY_ATTEMPTS,
                    error,
                    delay,
                    result.id,
                )
                return {"attempt": attempt, "error": repr(error), "retry": str(result.id)}

        # Named as the function it runs (the queue finds the task by this path), without the
        # link to it that would make its signature look like the function's.
        del run.__wrapped__
        return task(takes_context=True, **task_options)(run)

    return decorate


def enqueue_on_commit(task_, *args, **kwargs):
    """Enqueue once the transaction commits (at once outside one), passing only keys.

    ``robust``: what was committed stands even if the queue cannot be reached just then
    (the database going away between the two); the error is logged, the visitor is not
    shown one for data that was stored.
    """
    transaction.on_commit(lambda: task_.enqueue(*args, **kwargs), robust=True)
