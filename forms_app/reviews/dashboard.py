"""The admin home panel of the review workflow: what waits for me, and my area by status.

Shown to users with review assignments and to administrators; everything is counted in one
aggregate query over the user's area.
"""

from django.db.models import Count, Q
from django.urls import reverse
from django.utils.http import urlencode
from wagtail.admin.ui.components import Component

from forms_app import workflow
from forms_app.models import Application, ApplicationStatus

S = ApplicationStatus
# What each role is expected to act on, in its own communes or province.
WAITING = [
    (S.SUBMITTED, workflow.REVIEWER),
    (S.IN_REVIEW, workflow.REVIEWER),
    (S.PROPOSED_APPROVAL, workflow.APPROVER),
    (S.PROPOSED_REJECTION, workflow.APPROVER),
]


class ReviewPanel(Component):
    name = "review_work"
    template_name = "forms_app/admin/dashboard_panel.html"
    order = 50

    def __init__(self, user):
        self.user = user

    def roles(self):
        if workflow.is_admin(self.user):
            return {workflow.REVIEWER, workflow.APPROVER}
        return {role for role, _commune, _province in workflow.assignments(self.user)}

    def counts(self, waiting):
        aggregates = {f"status_{value}": Count("pk", filter=Q(status=value)) for value in S.values}
        for status, role in waiting:
            aggregates[f"waiting_{status}"] = Count(
                "pk", filter=Q(status=status) & workflow.area_filter(self.user, role=role)
            )
        return workflow.visible(Application.objects.all(), self.user).aggregate(**aggregates)

    def get_context_data(self, parent_context):
        roles = self.roles()
        waiting = [(status, role) for status, role in WAITING if role in roles]
        counts = self.counts(waiting)
        list_url = reverse("forms_app_applications:list")

        def row(status, count):
            return {
                "value": status,
                "label": S(status).label,
                "count": count,
                "url": f"{list_url}?{urlencode({'status': status})}",
            }

        return {
            "waiting": [row(status, counts[f"waiting_{status}"]) for status, _role in waiting],
            "by_status": [row(value, counts[f"status_{value}"]) for value in S.values],
            "total": sum(counts[f"status_{value}"] for value in S.values),
            "list_url": list_url,
        }


def panel_for(user):
    """The panel, or None for users outside the review workflow (editors, contributors)."""
    if not workflow.has_area(user):
        return None
    return ReviewPanel(user)
