"""Who sees what: every role against every URL that shows an application, its files, exports,
certificate, log entries, choosers and bulk actions, for an application in each of three areas
(A and B, two communes of one province; C, in another province); and the choosers and bulk
actions of the other models that hold personal data.

Each cell is one request, asserted on its status (and, for a redirect, where it leads) and on
its body: the names and codes of applications the role may not see never appear in it. The URL
tables are checked against the URLs Django really resolves and the bulk actions Wagtail really
registers, so a view added by an upgrade or by us, without its row here, fails the suite.
"""

import datetime
import io
import json
import zipfile
from dataclasses import dataclass

import openpyxl
import pytest
from django.contrib.auth import get_user_model
from django.urls import URLPattern, URLResolver, get_resolver
from wagtail.admin.views.bulk_action.registry import bulk_action_registry
from wagtail.log_actions import log
from wagtail.snippets.models import get_snippet_models

from campaigns.models import CampaignPage, Pledge
from forms_app.models import ReviewAssignment
from khuyenhoc.roles import CONTRIBUTORS, EDITORS
from news.models import Comment, CommentStatus, NewsArticlePage
from tests.forms_app import conftest as forms_app_fixtures
from tests.forms_app.conftest import DONG_HUNG, TIEN_HAI

# An application as the form stores it, in any commune (the forms_app tests' fixture).
make_application = forms_app_fixtures.make_application

ROLES = [
    "anonymous",
    "contributor",
    "editor",
    "reviewer_a",
    "reviewer_b",
    "approver",
    "area_no_group",
    "editor_with_area",
    "superuser",
]
# The areas whose applications each role may see.
SEES = {
    "anonymous": set(),
    "contributor": set(),
    "editor": set(),
    "reviewer_a": {"A"},
    "reviewer_b": {"B"},
    "approver": {"A", "B"},  # the province (Hưng Yên) holds both communes, not C's
    "area_no_group": set(),  # assigned commune A, but in no review group
    "editor_with_area": set(),  # an editor assigned commune A, without the review group
    "superuser": {"A", "B", "C"},
}
AREAS = ("A", "B", "C")
HA_NOI = "00004"  # Phường Ba Đình, in another province

# Outcomes: a status code, or a redirect to the login page / to the admin's dashboard (how the
# admin answers a PermissionDenied to a browser).
LOGIN, HOME = "login", "home"


@dataclass(frozen=True)
class Cell:
    """One URL: what a role gets according to its relation to the application(s) shown."""

    name: str  # the URL name (namespace:name) or bulk action it covers
    path: object  # callable(world, area) for one application; callable(world) for a listing
    sees: object = 200  # the role may see the application (or, for a listing, some)
    elsewhere: object = 404  # a reviewer or approver, but the application is in another area
    denied: object = HOME  # in the admin, without the permission to see applications
    outside: object = LOGIN  # a staff user with an area but no group (no admin access)
    anonymous: object = LOGIN
    shows_names: bool = True  # a 200 lists the visible applications by name or code
    searched: object = None  # callable(world): the term a search sends (the page repeats it)
    narrows: bool = True  # the search leaves out what does not match


def _admin(area_path):
    return lambda world, area: area_path(world.applications[area])


def _chooser(suffix):
    return lambda world, *area: (
        "/admin/snippets/choose/forms_app/application/" + suffix(world, *area)
    )


def _bulk(action, *areas):
    def path(world, area=None):
        chosen = [area] if area else areas
        ids = "&".join(f"id={world.applications[a].pk}" for a in chosen)
        return f"/admin/bulk/forms_app/application/{action}/?{ids}"

    return path


# URLs about one application (asked for A and for B).
OBJECT_CELLS = [
    # Another area's application is not found, by anyone, before any permission is asked.
    Cell(
        "forms_app_applications:inspect",
        _admin(lambda a: f"/admin/applications/inspect/{a.pk}/"),
        denied=404,
    ),
    Cell(
        "forms_app_applications:history",
        _admin(lambda a: f"/admin/applications/history/{a.pk}/"),
        denied=404,
    ),
    Cell(
        "forms_app_applications:history_results",
        _admin(lambda a: f"/admin/applications/history-results/{a.pk}/"),
        denied=404,
        shows_names=False,  # the entries only
    ),
    # Usage asks for a permission to change, which nobody has on applications.
    Cell(
        "forms_app_applications:usage",
        _admin(lambda a: f"/admin/applications/usage/{a.pk}/"),
        sees=HOME,
        denied=404,
        shows_names=False,
    ),
    # Nobody edits or deletes an application: not found, whoever asks.
    Cell(
        "forms_app_applications:edit",
        _admin(lambda a: f"/admin/applications/edit/{a.pk}/"),
        sees=404,
        denied=404,
    ),
    Cell(
        "forms_app_applications:delete",
        _admin(lambda a: f"/admin/applications/delete/{a.pk}/"),
        sees=404,
        denied=404,
    ),
    Cell(
        "forms_app_applications:certificate",
        _admin(lambda a: f"/admin/applications/{a.pk}/certificate/"),
        denied=404,
        shows_names=False,  # a PDF
    ),
    Cell(
        "wagtailsnippetchoosers_forms_app_application:chosen",
        _chooser(lambda world, area: f"chosen/{world.applications[area].pk}/"),
    ),
    Cell("bulk:start_review", _bulk("start_review"), denied=404),
    Cell("bulk:recognise", _bulk("recognise"), denied=404),
    Cell("bulk:delete", _bulk("delete"), sees=404, denied=404),
    Cell(
        "forms_app:evidence_file",
        lambda world, area: f"/ho-so/tep/{world.applications[area].files.get().pk}/",
        denied=404,
        outside=404,
        shows_names=False,  # the file itself
    ),
]

# URLs that list applications (of every area the role may see).
LIST_CELLS = [
    Cell("forms_app_applications:list", lambda world: "/admin/applications/"),
    Cell("forms_app_applications:list_results", lambda world: "/admin/applications/results/"),
    Cell(
        "list: search by name",
        lambda world: f"/admin/applications/?q={world.names['B']}",
        searched=lambda world: world.names["B"],
    ),
    Cell("list: ?export=csv", lambda world: "/admin/applications/?export=csv", shows_names=False),
    Cell("list: ?export=xlsx", lambda world: "/admin/applications/?export=xlsx", shows_names=False),
    Cell("forms_app_applications:export", lambda world: "/admin/applications/export/csv/"),
    Cell("export: xlsx", lambda world: "/admin/applications/export/xlsx/"),
    Cell(
        "export: search",
        lambda world: f"/admin/applications/export/csv/?q={world.codes['B']}",
        searched=lambda world: world.codes["B"],
    ),
    Cell(
        "forms_app_applications:add", lambda world: "/admin/applications/add/", sees=404, denied=404
    ),
    Cell("wagtailsnippetchoosers_forms_app_application:choose", _chooser(lambda world: "")),
    Cell(
        "wagtailsnippetchoosers_forms_app_application:choose_results",
        _chooser(lambda world: "results/"),
    ),
    # Applications are not in the search index: the chooser lists the user's areas whatever q.
    Cell(
        "chooser: search",
        _chooser(lambda world: f"results/?q={world.codes['B']}"),
        searched=lambda world: world.codes["B"],
        narrows=False,
    ),
    Cell("chooser: page 2", _chooser(lambda world: "results/?p=2"), sees=404, shows_names=False),
    Cell(
        "wagtailsnippetchoosers_forms_app_application:chosen_multiple",
        _chooser(
            lambda world: (
                "chosen-multiple/?" + "&".join(f"id={a.pk}" for a in world.applications.values())
            )
        ),
    ),
    # Nobody adds an application, so nobody creates one from the chooser.
    Cell(
        "wagtailsnippetchoosers_forms_app_application:create",
        _chooser(lambda world: "create/"),
        sees=HOME,
        shows_names=False,
    ),
    Cell("bulk: start_review of all", _bulk("start_review", *AREAS), denied=404),
    Cell("bulk: recognise of all", _bulk("recognise", *AREAS), denied=404),
    Cell("bulk: delete of all", _bulk("delete", *AREAS), sees=404, denied=404),
]

# Listings of log entries, and the dashboard: open to every admin user, each seeing only the
# entries of applications in their areas.
LOG_CELLS = [
    Cell(
        "wagtailadmin_reports:site_history",
        lambda world: "/admin/reports/site-history/",
        denied=200,
    ),
    Cell(
        "wagtailadmin_reports:site_history_results",
        lambda world: "/admin/reports/site-history/results/",
        denied=200,
    ),
    Cell("site history: csv", lambda world: "/admin/reports/site-history/?export=csv", denied=200),
    Cell(
        "site history: xlsx", lambda world: "/admin/reports/site-history/?export=xlsx", denied=200
    ),
    Cell(
        "site history: by name",
        lambda world: f"/admin/reports/site-history/?label={world.codes['B']}",
        denied=200,
        searched=lambda world: world.codes["B"],
    ),
    Cell("wagtailadmin_home", lambda world: "/admin/", denied=200, shows_names=False),
]


# --- The world: two applications, log entries, a pledge, a pending comment, the roles --------


@dataclass
class World:
    applications: dict
    names: dict
    codes: dict
    users: dict
    pledge: Pledge
    comment: Comment
    assignment: ReviewAssignment


RECOGNISED = {
    "status": "approved",
    "decision_number": "125/QĐ-HKH",
    "decision_signer": "Chủ tịch Hội Khuyến học tỉnh",
    "recognised_on": datetime.date(2026, 11, 20),
    "decision_date": datetime.date(2026, 11, 20),
    "valid_until": datetime.date(2029, 11, 20),
}


@pytest.fixture
def world(demo, make_application, django_user_model):
    User = get_user_model()
    names = {
        "A": "Gia đình ông Lưu Văn Miền Đông",
        "B": "Gia đình bà Lạc Thị Miền Tây",
        "C": "Gia đình ông Tạ Văn Thủ Đô",
    }
    applications = {
        "A": make_application(
            commune=DONG_HUNG,
            applicant_name=names["A"],
            certificate_code="AAAA-BBBB-CCCC",
            **RECOGNISED,
        ),
        "B": make_application(
            commune=TIEN_HAI,
            applicant_name=names["B"],
            certificate_code="DDDD-EEEE-FFFF",
            **RECOGNISED,
        ),
        "C": make_application(
            commune=HA_NOI,
            applicant_name=names["C"],
            certificate_code="GGGG-HHHH-JJJJ",
            **RECOGNISED,
        ),
    }
    users = {
        "superuser": User.objects.get(username="admin"),
        "editor": User.objects.get(username="bientap"),
        "contributor": User.objects.get(username="congtacvien"),
        "reviewer_a": User.objects.get(username="xetduyet.donghung"),
        "reviewer_b": User.objects.get(username="xetduyet.tienhai"),
        "approver": User.objects.get(username="pheduyet.hungyen"),
    }
    assert users["editor"].groups.filter(name=EDITORS).exists()
    assert users["contributor"].groups.filter(name=CONTRIBUTORS).exists()
    loner = django_user_model.objects.create_user("xetduyet.khongnhom", password="x", is_staff=True)
    ReviewAssignment.objects.create(user=loner, role="reviewer", commune_id=DONG_HUNG)
    assert not loner.groups.exists()
    users["area_no_group"] = loner
    editor = django_user_model.objects.create_user("bientap.coxa", password="x", is_staff=True)
    editor.groups.add(*users["editor"].groups.all())
    ReviewAssignment.objects.create(user=editor, role="reviewer", commune_id=DONG_HUNG)
    users["editor_with_area"] = editor
    for area, application in applications.items():
        log(
            application, "forms_app.note", user=users["superuser"], data={"note": f"Ghi chú {area}"}
        )
    campaign = CampaignPage.objects.filter(locale__language_code="vi").first()
    pledge = Pledge.objects.create(
        campaign=campaign,
        name="Đinh Thị Cam Kết",
        organisation="Gia đình bà Cam Kết",
        commune="xã Vũ Thư",
        contact="0977111222",
    )
    article = NewsArticlePage.objects.live().filter(locale__language_code="vi").first()
    comment = Comment.objects.create(
        article=article,
        name="Ông Bình Luận Chờ Duyệt",
        email="cho.duyet@example.org",
        text="Một bình luận chưa duyệt",
        status=CommentStatus.PENDING,
    )
    assignment = ReviewAssignment.objects.get(user=users["reviewer_b"])
    return World(
        applications=applications,
        names=names,
        codes={area: a.code for area, a in applications.items()},
        users=users,
        pledge=pledge,
        comment=comment,
        assignment=assignment,
    )


def login(client, world, role):
    if role != "anonymous":
        client.force_login(world.users[role])


def body_text(response):
    """What a reader of the response could read: HTML, JSON (with the letters as they are),
    CSV, the cells of an XLSX."""
    if response.streaming:
        content = b"".join(response.streaming_content)
    else:
        content = response.content
    kind = response.get("Content-Type", "")
    if "spreadsheetml" in kind and content[:2] == b"PK":
        workbook = openpyxl.load_workbook(io.BytesIO(content), read_only=True)
        return "\n".join(
            str(value)
            for sheet in workbook.worksheets
            for row in sheet.iter_rows(values_only=True)
            for value in row
            if value is not None
        )
    if content[:2] == b"PK":
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            content = b"".join(archive.read(name) for name in archive.namelist())
    text = content.decode("utf-8", errors="replace")
    if "json" in kind:
        text = json.dumps(json.loads(text), ensure_ascii=False)
    return text


def expected_outcome(cell, role, visible):
    """``visible``: the role may see the application (object cells) or some (listings)."""
    if role == "anonymous":
        return cell.anonymous
    if role == "area_no_group":
        return cell.outside
    if role in ("contributor", "editor", "editor_with_area"):
        return cell.denied
    return cell.sees if visible else cell.elsewhere


def check(client, cell, path, expected, hidden, shown):
    """One cell: the failure message says which, or None when it holds."""
    response = client.get(path)
    status = response.status_code
    if expected in (LOGIN, HOME):
        location = response.get("Location", "")
        lands = "login" in location if expected == LOGIN else location.startswith("/admin/")
        if status != 302 or not lands or "login" in location and expected == HOME:
            return f"{cell.name} {path}: expected a redirect to {expected}, got {status} {location}"
    elif status != expected:
        return f"{cell.name} {path}: expected {expected}, got {status}"
    text = body_text(response)
    for secret in hidden:
        if secret in text:
            return f"{cell.name} {path}: shows {secret!r}"
    if status == 200 and cell.shows_names:
        missing = [secret for secret in shown if secret not in text]
        if missing:
            return f"{cell.name} {path}: should show {missing}"
    return None


def secrets_of(world, areas):
    return [world.codes[area] for area in areas] + [world.names[area] for area in areas]


# --- The matrix ---------------------------------------------------------------------------


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_each_application_url_by_area(client, world, role):
    login(client, world, role)
    failures, cells = [], 0
    for cell in OBJECT_CELLS:
        for area in AREAS:
            visible = area in SEES[role]
            expected = expected_outcome(cell, role, visible)
            # Never another area's application; this one only where it may be seen.
            hidden = secrets_of(world, [a for a in AREAS if a not in SEES[role]])
            shown = secrets_of(world, [area]) if visible else []
            failure = check(client, cell, cell.path(world, area), expected, hidden, shown)
            cells += 1
            if failure:
                failures.append(f"{role}: {failure}")
    assert cells == len(OBJECT_CELLS) * len(AREAS)
    assert not failures, "\n".join(failures)


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_each_listing_of_applications(client, world, role):
    login(client, world, role)
    failures = []
    for cell in LIST_CELLS + LOG_CELLS:
        visible = bool(SEES[role])
        expected = expected_outcome(cell, role, visible)
        hidden = secrets_of(world, [a for a in AREAS if a not in SEES[role]])
        path = cell.path(world)
        shown = secrets_of(world, sorted(SEES[role]))
        if cell.searched:
            # A search for B shows B to those who see B, and nothing else; the page repeats
            # the term searched, so only B's other secret (code or name) tells.
            term = cell.searched(world)
            hidden = [secret for secret in hidden if secret != term]
            if cell.narrows:
                shown = [s for s in secrets_of(world, ["B"]) if s != term and "B" in SEES[role]]
                hidden += [s for s in secrets_of(world, ["A"]) if s not in hidden]
            else:
                shown = [s for s in shown if s != term]
        if "export=" in path and "site-history" not in path:
            shown = []  # Wagtail's own list export has no columns here: nothing to show
        failure = check(client, cell, path, expected, hidden, shown)
        if failure:
            failures.append(f"{role}: {failure}")
    assert not failures, "\n".join(failures)


# The other models holding personal data: who may open their choosers and bulk actions, and
# the string that must not leak to anyone else.
PERSONAL_MODELS = {
    "campaigns.pledge": {"may": {"superuser"}, "secret": lambda world: world.pledge.name},
    "news.comment": {
        "may": {"superuser", "editor", "editor_with_area"},
        "secret": lambda world: world.comment.name,
    },
    "forms_app.reviewassignment": {
        "may": {"superuser"},
        "secret": lambda world: world.assignment.user.username,
    },
}
# Snippets whose choosers show nothing personal (names of categories, issuing bodies, criteria
# sets): any admin user may open them.
PUBLIC_SNIPPETS = {"news.newscategory", "news.issuingbody", "forms_app.criteriaset"}


def _personal_cells(world, label):
    app_label, model_name = label.split(".")
    obj = {
        "campaigns.pledge": world.pledge,
        "news.comment": world.comment,
        "forms_app.reviewassignment": world.assignment,
    }[label]
    chooser = f"/admin/snippets/choose/{app_label}/{model_name}/"
    bulk = f"/admin/bulk/{app_label}/{model_name}"
    cells = [
        ("choose", chooser, True),
        ("choose_results", chooser + "results/", True),
        ("search", chooser + f"results/?q={obj.pk}", False),
        ("chosen", chooser + f"chosen/{obj.pk}/", True),
        ("chosen_multiple", chooser + f"chosen-multiple/?id={obj.pk}", True),
        ("chosen: not a key", chooser + "chosen/abc/", False),
    ]
    for action in bulk_action_registry.get_bulk_actions_for_model(app_label, model_name):
        cells.append(
            (f"bulk:{action.action_type}", f"{bulk}/{action.action_type}/?id={obj.pk}", True)
        )
    return cells


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
def test_choosers_and_bulk_actions_of_personal_data(client, world, role):
    login(client, world, role)
    failures = []
    for label, rule in PERSONAL_MODELS.items():
        secret = rule["secret"](world)
        for name, path, names_it in _personal_cells(world, label):
            response = client.get(path)
            text = body_text(response)
            if role in rule["may"]:
                if name == "chosen: not a key":
                    ok = response.status_code == 404
                elif name == "bulk:delete" and role != "superuser":
                    ok = response.status_code == 302  # editors moderate comments, not delete
                else:
                    ok = response.status_code == 200 and (not names_it or secret in text)
            else:
                ok = response.status_code in (302, 403, 404) and secret not in text
                if role == "reviewer_b" and label == "forms_app.reviewassignment":
                    ok = response.status_code in (302, 403, 404)  # his own name in the header
            if not ok:
                failures.append(f"{role}: {label} {name} {path}: {response.status_code}")
    assert not failures, "\n".join(failures)


# --- Nothing registered escapes the tables ----------------------------------------------


def _url_names():
    def walk(patterns, namespace=""):
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                yield from walk(pattern.url_patterns, inner)
            elif isinstance(pattern, URLPattern) and pattern.name:
                yield namespace + pattern.name

    return set(walk(get_resolver().url_patterns))


def test_every_application_url_and_bulk_action_has_its_cells():
    covered = {cell.name for cell in OBJECT_CELLS + LIST_CELLS + LOG_CELLS}
    registered = {
        name
        for name in _url_names()
        if name.startswith(
            ("forms_app_applications:", "wagtailsnippetchoosers_forms_app_application:")
        )
        or "application" in name.split(":")[-1]
    }
    registered.add("forms_app:evidence_file")
    registered |= {
        f"bulk:{action.action_type}"
        for action in bulk_action_registry.get_bulk_actions_for_model("forms_app", "application")
    }
    assert registered - covered == set()
    assert "bulk:delete" in registered and "bulk:start_review" in registered


def test_every_snippet_chooser_is_in_the_matrix_or_shows_nothing_personal():
    labels = {model._meta.label_lower for model in get_snippet_models()} - {"forms_app.application"}
    assert labels - set(PERSONAL_MODELS) - PUBLIC_SNIPPETS == set()
