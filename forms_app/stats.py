"""Public figures counted from recognised applications ("đã công nhận").

Campaign targets, the campaign's results by commune and the home page's key figures all
read from here. Each function runs one aggregate query, however many targets or rows it
serves, and keeps its answer in the cache under a version that moves whenever a recognised
application changes (its status, title, area or date), so 100,000 applications cost one
query per page only after such a change. The cached home page is dropped at the same time.

Updates made with ``QuerySet.update()`` send no signal: call ``invalidate()`` after them.
"""

import datetime
import hashlib

from django.db import connection, transaction
from django.db.models import Count, Q
from django.db.models.signals import post_delete, post_init, post_save
from django.utils.translation import gettext_lazy as _

from forms_app.models import Application, ApplicationStatus, LearningTitle
from khuyenhoc.cache import CacheVersion

TIMEOUT = 60 * 60
COMMUNE_ROWS = 10

# What the home page's key figures call each count.
RECOGNISED_LABELS = {
    LearningTitle.CITIZEN: _("Learning citizens recognised"),
    LearningTitle.FAMILY: _("Learning families recognised"),
    LearningTitle.CLAN: _("Learning clans recognised"),
    LearningTitle.COMMUNITY: _("Learning communities recognised"),
    LearningTitle.UNIT: _("Learning units recognised"),
}


# --- Cache ----------------------------------------------------------------------------------


_version = CacheVersion("stats")
version = _version.get


def _bump():
    _version.bump()
    from home import cache as home_cache

    home_cache.invalidate()


def invalidate():
    """Drop every cached count and the cached home pages, now and again at commit (so a
    reader counting between the two cannot keep a figure from before the change)."""
    _bump()
    if connection.in_atomic_block:
        transaction.on_commit(_bump)


def _cached(name, signature, compute):
    digest = hashlib.sha1(repr(signature).encode()).hexdigest()[:16]
    return _version.cached((name, digest), compute, TIMEOUT)


# --- Queries --------------------------------------------------------------------------------


def recognised():
    return Application.objects.filter(status=ApplicationStatus.APPROVED)


def _spec_tuple(spec):
    return (
        spec["title"],
        spec.get("year_from"),
        spec.get("year_to"),
        spec.get("province") or None,
        spec.get("commune") or None,
    )


def _condition(spec_tuple):
    """Recognised in the title, years and area of a target (a commune, else a province,
    else everywhere); years by the recognition date, as ranges the index can use."""
    title, year_from, year_to, province, commune = spec_tuple
    condition = Q(learning_title=title)
    if year_from:
        condition &= Q(recognised_on__gte=datetime.date(year_from, 1, 1))
    if year_to:
        condition &= Q(recognised_on__lte=datetime.date(year_to, 12, 31))
    if commune:
        condition &= Q(commune_id=commune)
    elif province:
        condition &= Q(province_id=province)
    return condition


def _any_of(conditions):
    combined = Q(pk__in=[])
    for condition in conditions:
        combined |= condition
    return combined


def recognised_counts(specs):
    """``{key: count}`` for ``specs`` (``{key: {"title", "year_from", "year_to", "province",
    "commune"}}``), in one query with a conditional count per distinct spec."""
    if not specs:
        return {}
    unique = sorted({_spec_tuple(spec) for spec in specs.values()}, key=repr)

    def compute():
        conditions = [_condition(spec) for spec in unique]
        totals = (
            recognised()
            .filter(_any_of(conditions))
            .aggregate(
                **{f"n{i}": Count("pk", filter=condition) for i, condition in enumerate(conditions)}
            )
        )
        return {spec: totals[f"n{i}"] for i, spec in enumerate(unique)}

    counts = _cached("counts", unique, compute)
    return {key: counts[_spec_tuple(spec)] for key, spec in specs.items()}


def results_by_commune(specs, limit=None):
    """The communes with the most recognised applications counted by ``specs`` (a list),
    in one grouped query: ``{"rows": [{"commune", "province", "counts": [...]}], "more": bool}``,
    counts in the order of ``specs``, rows by the number of applications counted."""
    if not specs:
        return {"rows": [], "more": False}
    limit = limit or COMMUNE_ROWS
    tuples = [_spec_tuple(spec) for spec in specs]

    def compute():
        conditions = [_condition(spec) for spec in tuples]
        rows = list(
            recognised()
            .filter(_any_of(conditions))
            .values("commune_id", "commune__name", "commune__province__name")
            .annotate(
                total=Count("pk"),
                **{
                    f"n{i}": Count("pk", filter=condition) for i, condition in enumerate(conditions)
                },
            )
            .order_by("-total", "commune__name", "commune_id")[: limit + 1]
        )
        return {
            "rows": [
                {
                    "commune": row["commune__name"],
                    "province": row["commune__province__name"],
                    "counts": [row[f"n{i}"] for i in range(len(tuples))],
                }
                for row in rows[:limit]
            ],
            "more": len(rows) > limit,
        }

    return _cached("communes", (tuples, limit), compute)


def recognised_by_title():
    """``[(title, label, count)]`` for the titles with recognised applications, in one
    grouped query, in the order of ``LearningTitle``."""

    def compute():
        rows = recognised().values("learning_title").annotate(n=Count("pk")).order_by()
        return {row["learning_title"]: row["n"] for row in rows}

    counts = _cached("titles", (), compute)
    return [
        (title.value, RECOGNISED_LABELS[title], counts[title.value])
        for title in LearningTitle
        if counts.get(title.value)
    ]


# --- Invalidation ---------------------------------------------------------------------------

COUNTED_FIELDS = ("status", "learning_title", "recognised_on", "province_id", "commune_id")


def _counted_state(instance):
    """What the figures see of an application: nothing unless it is recognised. Reads
    ``__dict__`` so deferred fields are never loaded for it."""
    values = instance.__dict__
    if values.get("status") != ApplicationStatus.APPROVED:
        return None
    return tuple(values.get(name) for name in COUNTED_FIELDS)


def _remember(sender, instance, **kwargs):
    instance._counted_state = _counted_state(instance)


def _saved(sender, instance, created, raw=False, **kwargs):
    before = None if created else getattr(instance, "_counted_state", None)
    after = _counted_state(instance)
    instance._counted_state = after
    if before != after:
        invalidate()


def _deleted(sender, instance, **kwargs):
    if _counted_state(instance) is not None:
        invalidate()


def connect():
    post_init.connect(_remember, sender=Application, dispatch_uid="stats_remember")
    post_save.connect(_saved, sender=Application, dispatch_uid="stats_saved")
    post_delete.connect(_deleted, sender=Application, dispatch_uid="stats_deleted")
