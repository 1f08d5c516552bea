import logging
import sys

from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import HttpResponse, HttpResponseServerError, JsonResponse
from django.template import loader
from django.views.decorators.cache import never_cache
from django.views.defaults import page_not_found as django_page_not_found

logger = logging.getLogger(__name__)


@never_cache
def healthz(request):
    """For load balancers: 200 while the database answers, 503 when it does not."""
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        logger.exception("Health check: the database does not answer")
        return JsonResponse({"status": "error", "database": "unavailable"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


def page_not_found(request, exception):
    return django_page_not_found(request, exception, template_name="404.html")


# Seconds a browser or a proxy is told to wait while the database is unreachable.
RETRY_AFTER = 30


def server_error(request):
    """Render 500.html without a request context: the database may be what failed.

    Django calls this while it handles the exception, from a view or from any middleware: a
    database that cannot be reached (refused, restarting, a connection dropped) is a pause,
    not a fault of the site, so the answer is 503 with a page that says to try again.
    """
    if isinstance(sys.exc_info()[1], OperationalError | InterfaceError):
        return service_unavailable(request)
    template = loader.get_template("500.html")
    return HttpResponseServerError(template.render({"LANGUAGE_CODE": _language(request)}))


def service_unavailable(request):
    template = loader.get_template("503.html")
    response = HttpResponse(template.render({"LANGUAGE_CODE": _language(request)}), status=503)
    response["Retry-After"] = str(RETRY_AFTER)
    response["Cache-Control"] = "no-store"
    return response


def _language(request):
    return getattr(request, "LANGUAGE_CODE", None) or "vi"
