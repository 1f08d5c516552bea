import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from wagtail.models import Page, Revision

from home.demo import DEMO_USERS


def snapshot():
    """Row counts and newest ids of every model: equal snapshots mean nothing changed."""
    state = {}
    for model in apps.get_models():
        queryset = model._default_manager.all()
        state[model._meta.label] = (
            queryset.count(),
            queryset.order_by("-pk").values_list("pk", flat=True).first(),
        )
    return state


@pytest.mark.django_db
def test_load_demo_builds_both_languages(demo):
    # home, about, contact, privacy; news index and 30 articles; library and 12 documents;
    # campaign index and 2 campaigns
    # (forms_app's demo pages, under its own general page, are counted by its own tests)
    vi_pages = Page.objects.filter(locale__language_code="vi", depth__gte=2)
    vi_pages = vi_pages.exclude(content_type__app_label="forms_app").exclude(slug="ho-so-danh-hieu")
    assert vi_pages.count() == 4 + 31 + 13 + 3
    assert set(Page.objects.filter(locale__language_code="en").values_list("slug", flat=True)) == {
        "home",
        "about",
    }
    assert Page.find_problems() == ([], [], [], [], [])
    from django.contrib.auth import get_user_model

    usernames = set(get_user_model().objects.values_list("username", flat=True))
    assert {username for username, *_ in DEMO_USERS} <= usernames


@pytest.mark.django_db
def test_load_demo_twice_changes_nothing(demo):
    before = snapshot()
    revisions = Revision.objects.count()
    call_command("load_demo", stdout=open("/dev/null", "w"))
    assert snapshot() == before
    assert Revision.objects.count() == revisions


def test_load_demo_refuses_production_settings(settings):
    settings.ENVIRONMENT = "production"
    with pytest.raises(CommandError, match="production"):
        call_command("load_demo")
