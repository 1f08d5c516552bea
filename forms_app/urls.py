from django.conf import settings
from django.urls import path
from django.utils.functional import lazy
from django.utils.translation import get_language

from forms_app import public, stats_views, tracking, views

app_name = "forms_app"


def _by_language(**routes):
    """A route that follows the active language, as ``_("search/")`` does, but fixed here
    rather than in the catalogue: the Vietnamese addresses were e-mailed to applicants and must
    never change. ``LocaleMiddleware`` turns English on for ``/en/...``, so each language's
    address resolves, ``reverse`` gives the reader's one and the language switcher
    (``translate_url``) links the same page in the other language."""

    def route():
        return routes.get(get_language(), routes[settings.LANGUAGE_CODE])

    return lazy(route, str)()


TRACK = _by_language(vi="ho-so/tra-cuu/", en="en/application/track/")

urlpatterns = [
    path("ho-so/xa/<str:province>.json", views.communes, name="communes"),
    path("ho-so/tep/<int:pk>/", views.evidence_file, name="evidence_file"),
    # "Tra cứu hồ sơ": by code and phone, or by the private link (code + secret);
    # in English at /en/application/track/.
    path(TRACK, tracking.track, name="track"),
    path(
        _by_language(
            vi="ho-so/tra-cuu/<str:code>/<str:secret>/",
            en="en/application/track/<str:code>/<str:secret>/",
        ),
        tracking.track_detail,
        name="track_detail",
    ),
    # After recognition: checking a certificate's code, the public list (with the applicant's
    # agreement) and the public statistics.
    path(_by_language(vi="xac-minh/", en="en/verify/"), public.verify, name="verify"),
    path(
        _by_language(vi="xac-minh/<str:code>/", en="en/verify/<str:code>/"),
        public.verify_code,
        name="verify_code",
    ),
    path(
        _by_language(vi="danh-sach-cong-nhan/", en="en/recognised-titles/"),
        public.recognised_list,
        name="recognised_list",
    ),
    path(
        _by_language(vi="thong-ke/", en="en/statistics/"),
        stats_views.statistics,
        name="statistics",
    ),
    path(
        _by_language(vi="thong-ke.csv", en="en/statistics.csv"),
        stats_views.statistics_csv,
        name="statistics_csv",
    ),
]
