"""Public figures counted from applications.

Campaign targets, the campaign's results by commune and the home page's key figures count
recognised applications ("đã công nhận"); the public statistics page (``statistics``) also
counts registrations and requests for recognition sent. Each function runs one aggregate
query, however many targets or rows it serves, and keeps its answer in the cache under a
version that moves whenever an application is created, deleted or changes status,
kind, title, area or dates, so 100,000 applications cost a query per page only after such a
change. The cached home page, which shows recognised figures only, is dropped only when a
recognised application changes.

Updates made with ``QuerySet.update()`` send no signal: call ``invalidate()`` after them.
"""

import datetime
import hashlib

from django.db.models import Count, Q, Subquery
from django.db.models.signals import post_delete, post_init, post_save
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from forms_app.models import (
    Application,
    ApplicationKind,
    ApplicationStatus,
    Commune,
    LearningTitle,
    Province,
)
from khuyenhoc.cache import CacheVersion
from khuyenhoc.text import fold

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


# --- The statistics page --------------------------------------------------------------------

# The figures of the statistics page, in the order of its columns: registrations, requests for
# recognition sent (whatever became of them) and recognitions.
FIGURES = ("registered", "submitted", "recognised")


def _year_bounds(year):
    """The first instant of ``year`` and of the next in the site's time zone, the one the
    tracking codes' years follow: ranges an index can use, unlike extracting the year."""
    zone = timezone.get_default_timezone()
    return datetime.datetime(year, 1, 1, tzinfo=zone), datetime.datetime(
        year + 1, 1, 1, tzinfo=zone
    )


def _sent_in(year):
    start, end = _year_bounds(year)
    return Q(submitted_at__gte=start, submitted_at__lt=end)


def _recognised_in(year):
    return Q(
        status=ApplicationStatus.APPROVED,
        recognised_on__gte=datetime.date(year, 1, 1),
        recognised_on__lte=datetime.date(year, 12, 31),
    )


def _ends(queryset, field):
    """The first and the last value of ``field``, as subqueries an index answers at once."""
    return [
        Subquery(queryset.filter(**{f"{field}__isnull": False}).order_by(order).values(field)[:1])
        for order in (field, f"-{field}")
    ]


def statistics_years():
    """The years in which an application was sent or recognised, newest first.

    One query of index look-ups rather than a scan: the first and last sending (the index on
    ``submitted_at``), and the first and last recognition of each title (the index on
    status, title and recognition date)."""

    def compute():
        zone = timezone.get_default_timezone()
        ends = _ends(Application.objects.all(), "submitted_at")
        for title in LearningTitle:
            ends += _ends(recognised().filter(learning_title=title), "recognised_on")
        row = (
            Application.objects.order_by()
            .annotate(**{f"e{i}": end for i, end in enumerate(ends)})
            .values_list(*(f"e{i}" for i in range(len(ends))))
            .first()
        )
        years = {
            (
                timezone.localtime(value, zone) if isinstance(value, datetime.datetime) else value
            ).year
            for value in row or ()
            if value is not None
        }
        return list(range(max(years), min(years) - 1, -1)) if years else []

    return _cached("statistics-years", (), compute)


def statistics_provinces():
    """``[(code, name)]`` of every province, for the page's filter and its rows, in the order
    of their short names (Hưng Yên, not Tỉnh Hưng Yên)."""

    def compute():
        provinces = Province.objects.values_list("code", "name", "short_name")
        return [(code, name) for code, name, _short in sorted(provinces, key=_by_short_name)]

    return _cached("statistics-provinces", (), compute)


def _communes(province):
    def compute():
        communes = Commune.objects.filter(province_id=province).values_list(
            "code", "name", "short_name"
        )
        return [(code, name) for code, name, _short in sorted(communes, key=_by_short_name)]

    return _cached("statistics-communes", (province,), compute)


def _by_short_name(unit):
    """Provinces and communes by their short names, folded (``Đ`` with ``D``), then code."""
    code, _name, short_name = unit
    return (fold(short_name), code)


def _tally(province):
    """The counts every view of the page is summed from, for one scope (all provinces, or
    the communes of ``province``): ``[(title, area, kind, {year: (sent, recognised)})]``.

    One grouped query by title, area and kind, with a conditional count per year of the
    applications sent then and of those recognised then; year ranges rather than extracting
    the year, so the database compares values and calls no function per row. The year and
    title filters are applied to this in Python, so they cost no query of their own.
    """
    years = statistics_years()
    area = "commune_id" if province else "province_id"

    def compute():
        if not years:
            return []
        queryset = Application.objects.order_by()
        if province:
            queryset = queryset.filter(province_id=province)
        counts = {}
        for year in years:
            counts[f"s{year}"] = Count("pk", filter=_sent_in(year))
            counts[f"c{year}"] = Count("pk", filter=_recognised_in(year))
        rows = queryset.values("learning_title", area, "kind").annotate(**counts)
        return [
            (
                row["learning_title"],
                row[area],
                row["kind"],
                {year: (row[f"s{year}"], row[f"c{year}"]) for year in years},
            )
            for row in rows
        ]

    return _cached("statistics-tally", (tuple(years), province), compute)


def statistics(year=None, province=None, title=None):
    """The statistics page's figures for its filters.

    Registrations and requests for recognition count in the year they were sent (whatever
    became of them), recognitions in the year of their decision; anonymised applications
    still count. Returns ``{"years", "total", "by_title", "by_year", "by_area", "area"}``,
    every count a list in the order of ``FIGURES``; ``by_area`` lists the provinces, or the
    communes of ``province``, that have an application, as ``{"code", "name", "counts"}`` in
    the order of their short names. Three queries while nothing is cached (the years, the
    areas, the tally), none after.
    """
    years = [year] if year else statistics_years()
    areas = _communes(province) if province else statistics_provinces()
    by_title = {choice.value: [0, 0, 0] for choice in LearningTitle}
    by_year = {y: [0, 0, 0] for y in years}
    by_area = {code: [0, 0, 0] for code, _name in areas}
    for row_title, area, kind, per_year in _tally(province):
        if title and row_title != title:
            continue
        column = 0 if kind == ApplicationKind.REGISTRATION else 1
        counts = (by_title.setdefault(row_title, [0, 0, 0]), by_area.setdefault(area, [0, 0, 0]))
        for y in years:
            sent, recognised = per_year.get(y, (0, 0))
            for totals in (*counts, by_year[y]):
                totals[column] += sent
                totals[2] += recognised
    return {
        "years": years,
        "area": "commune" if province else "province",
        "total": [sum(counts[i] for counts in by_title.values()) for i in range(3)],
        "by_title": by_title,
        "by_year": by_year,
        "by_area": [
            {"code": code, "name": name, "counts": by_area[code]}
            for code, name in areas
            if any(by_area[code])
        ],
    }


# --- Invalidation ---------------------------------------------------------------------------

COUNTED_FIELDS = ("status", "learning_title", "recognised_on", "province_id", "commune_id")
# What the statistics page counts of any application, recognised or not.
TALLIED_FIELDS = (
    "status",
    "kind",
    "learning_title",
    "submitted_at",
    "recognised_on",
    "province_id",
    "commune_id",
)


def _counted_state(instance):
    """What the figures see of an application: nothing unless it is recognised. Reads
    ``__dict__`` so deferred fields are never loaded for it."""
    values = instance.__dict__
    if values.get("status") != ApplicationStatus.APPROVED:
        return None
    return tuple(values.get(name) for name in COUNTED_FIELDS)


def _tallied_state(instance):
    values = instance.__dict__
    return tuple(values.get(name) for name in TALLIED_FIELDS)


def _recount():
    """Drop the cached counts, now and at commit, but keep the cached home pages: an
    application sent or moved along changes the statistics page, not the recognised figures."""
    _version.bump()


def _remember(sender, instance, **kwargs):
    instance._counted_state = _counted_state(instance)
    instance._tallied_state = _tallied_state(instance)


def _saved(sender, instance, created, raw=False, **kwargs):
    before = None if created else getattr(instance, "_counted_state", None)
    tallied_before = None if created else getattr(instance, "_tallied_state", None)
    after = _counted_state(instance)
    instance._counted_state = after
    instance._tallied_state = _tallied_state(instance)
    if before != after:
        invalidate()
    elif tallied_before != instance._tallied_state:
        _recount()


def _deleted(sender, instance, **kwargs):
    if _counted_state(instance) is not None:
        invalidate()
    else:
        _recount()


def connect():
    post_init.connect(_remember, sender=Application, dispatch_uid="stats_remember")
    post_save.connect(_saved, sender=Application, dispatch_uid="stats_saved")
    post_delete.connect(_deleted, sender=Application, dispatch_uid="stats_deleted")
