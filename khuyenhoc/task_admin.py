"""Background tasks for administrators: the ones given up on, those waiting to be tried again,
and a button to send one again once the mail server is back (Reports > Failed tasks)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _
from django.utils.translation import pgettext_lazy
from django.views.generic import TemplateView
from django_tasks import TaskResultStatus
from django_tasks_db.models import DBTaskResult, get_date_max
from wagtail.admin.views.generic.base import WagtailAdminTemplateMixin

from khuyenhoc.tasks import ATTEMPT_KWARG

SHOWN = 200


def _require_superuser(request):
    if not request.user.is_superuser:
        raise PermissionDenied


def failed_and_waiting():
    """The failed tasks (newest first) and the count of those waiting for a later attempt."""
    failed = DBTaskResult.objects.failed().order_by("-finished_at")
    waiting = DBTaskResult.objects.filter(
        status=TaskResultStatus.READY, run_after__gt=timezone.now(), run_after__lt=get_date_max()
    )
    return failed, waiting.count()


class FailedTasksView(WagtailAdminTemplateMixin, TemplateView):
    page_title = pgettext_lazy("tasks", "Failed tasks")
    header_icon = "warning"
    template_name = "khuyenhoc/admin/failed_tasks.html"

    def dispatch(self, request, *args, **kwargs):
        _require_superuser(request)
        return super().dispatch(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        failed, waiting = failed_and_waiting()
        context["failed_count"] = failed.count()
        context["results"] = [
            {
                "result": result,
                "error": (result.traceback.strip().splitlines() or [""])[-1],
            }
            for result in failed[:SHOWN]
        ]
        context["waiting_count"] = waiting
        return context

    def post(self, request):
        """Enqueue the task again with its arguments, as a first attempt."""
        result = get_object_or_404(DBTaskResult.objects.failed(), pk=request.POST.get("id"))
        kwargs = {k: v for k, v in result.args_kwargs["kwargs"].items() if k != ATTEMPT_KWARG}
        try:
            # The task as defined (to run now), on the queue the failed one was on.
            task = import_string(result.task_path)
        except ImportError:
            messages.error(request, _("This task no longer exists."))
            return redirect("khuyenhoc_failed_tasks")
        task = task.using(queue_name=result.queue_name, backend=result.backend_name)
        task.enqueue(*result.args_kwargs["args"], **kwargs)
        # Once sent again it is no longer a failure to act on.
        result.delete()
        messages.success(request, _("The task will be run again."))
        return redirect("khuyenhoc_failed_tasks")
