"""The association's editorial roles, as Wagtail groups, and the contributors' workflow.

Ensured after every ``migrate`` (permissions of our own models only exist then). Page and
collection permissions and the workflow are set only when missing, so administrators may
change them; model permissions are added each time so that a new model's permissions
reach the roles that need them.
"""

from django.contrib.auth.models import Group, Permission
from django.db import transaction

EDITORS = "Biên tập viên"
CONTRIBUTORS = "Cộng tác viên"
WORKFLOW = "Duyệt bài của cộng tác viên"
REVIEW_TASK = "Biên tập viên duyệt"

PAGE_PERMISSIONS = {
    EDITORS: ["add_page", "change_page", "publish_page", "lock_page", "unlock_page"],
    # "add" alone: contributors create pages and edit their own, but cannot publish.
    CONTRIBUTORS: ["add_page"],
}
COLLECTION_PERMISSIONS = {
    EDITORS: [
        "add_image",
        "change_image",
        "choose_image",
        "add_document",
        "change_document",
        "choose_document",
    ],
    CONTRIBUTORS: ["add_image", "choose_image", "add_document", "choose_document"],
}
MODEL_PERMISSIONS = {
    EDITORS: [
        ("wagtailadmin", "access_admin"),
        ("news", "add_newscategory"),
        ("news", "change_newscategory"),
        ("news", "add_issuingbody"),
        ("news", "change_issuingbody"),
        ("news", "change_comment"),
        ("news", "view_comment"),
        # "Translate" in a page's menu (wagtail-localize): editors publish the English site.
        ("wagtail_localize", "submit_translation"),
    ],
    CONTRIBUTORS: [("wagtailadmin", "access_admin")],
}


def _permissions(pairs):
    found = []
    for app_label, codename in pairs:
        permission = Permission.objects.filter(
            content_type__app_label=app_label, codename=codename
        ).first()
        if permission is not None:
            found.append(permission)
    return found


@transaction.atomic
def ensure_roles(**kwargs):
    from wagtail.models import (
        Collection,
        GroupApprovalTask,
        GroupCollectionPermission,
        GroupPagePermission,
        Page,
        Workflow,
        WorkflowPage,
        WorkflowTask,
    )

    root_page = Page.get_first_root_node()
    root_collection = Collection.get_first_root_node()
    if root_page is None or root_collection is None:
        return
    for name in (EDITORS, CONTRIBUTORS):
        group, created = Group.objects.get_or_create(name=name)
        group.permissions.add(*_permissions(MODEL_PERMISSIONS[name]))
        if not created:
            continue
        for codename in PAGE_PERMISSIONS[name]:
            GroupPagePermission.objects.create(
                group=group,
                page=root_page,
                permission=Permission.objects.get(
                    content_type__app_label="wagtailcore", codename=codename
                ),
            )
        for codename in COLLECTION_PERMISSIONS[name]:
            app_label = "wagtailimages" if codename.endswith("image") else "wagtaildocs"
            GroupCollectionPermission.objects.create(
                group=group,
                collection=root_collection,
                permission=Permission.objects.get(
                    content_type__app_label=app_label, codename=codename
                ),
            )

    if not Workflow.objects.filter(name=WORKFLOW).exists():
        task = GroupApprovalTask.objects.create(name=REVIEW_TASK)
        task.groups.set(Group.objects.filter(name=EDITORS))
        workflow = Workflow.objects.create(name=WORKFLOW)
        WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
        # Every page of the site goes through it when submitted for moderation.
        WorkflowPage.objects.update_or_create(page=root_page, defaults={"workflow": workflow})
