import logging

from django.db import DatabaseError, connection
from django.http import HttpResponseServerError, JsonResponse
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


def server_error(request):
    """Render 500.html without a request context: the database may be what failed."""
    template = loader.get_template("500.html")
    return HttpResponseServerError(template.render({"LANGUAGE_CODE": _language(request)}))


def _language(request):
    return getattr(request, "LANGUAGE_CODE", None) or "vi"
