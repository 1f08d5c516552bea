"""Staff make a new version of a criteria set from the admin, in a real browser: the button
must send a POST with the CSRF token (a plain link could not), then open the copy."""

import re

import pytest
from playwright.sync_api import expect

from forms_app.models import CriteriaSet
from tests.e2e.conftest import DESKTOP, settled
from tests.e2e.test_journeys import log_in

pytestmark = pytest.mark.e2e


@pytest.mark.parametrize("where", ["edit", "listing"])
def test_new_version_from_the_admin(site, new_page, where):
    page = new_page(DESKTOP)
    log_in(page, site["url"])
    criteria_set = CriteriaSet.objects.get(title="family")
    index = f"{site['url']}/admin/snippets/forms_app/criteriaset/"
    page.goto(f"{index}edit/{criteria_set.pk}/" if where == "edit" else index)
    button = page.locator(
        f"button[data-w-action-url-value='/admin/criteria-sets/{criteria_set.pk}/new-version/']"
    )
    # It sits in a "more" menu: the header's "Actions" or the set's row's "More options".
    if where == "edit":
        menu = page.locator("#w-slim-header-buttons [data-w-dropdown-target=toggle]")
    else:
        row = page.locator("tr", has=page.locator(f"a[href$='/edit/{criteria_set.pk}/']"))
        menu = row.locator("[data-w-dropdown-target=toggle]")
    menu.click()
    expect(button).to_be_visible()
    button.click()

    # The copy's edit view, not the one the edit variant started on.
    edit_url = re.compile(r"/admin/snippets/forms_app/criteriaset/edit/(\d+)/$")
    page.wait_for_url(
        lambda url: (found := edit_url.search(url)) and found[1] != str(criteria_set.pk)
    )
    settled(page)
    copy = CriteriaSet.objects.get(previous_version=criteria_set)
    assert page.url.endswith(f"/edit/{copy.pk}/")
    assert copy.version == 2 and copy.criteria.count() == criteria_set.criteria.count()
    expect(page.locator("input[name=name]")).to_have_value(criteria_set.name)
