"""A campaign's status follows its years, in the association's time zone."""

import datetime

import pytest
from freezegun import freeze_time

from campaigns.models import CampaignStatus, status_for

UPCOMING, ONGOING, ENDED = CampaignStatus.UPCOMING, CampaignStatus.ONGOING, CampaignStatus.ENDED


@pytest.mark.parametrize(
    ("today", "expected"),
    [
        (datetime.date(2022, 6, 1), UPCOMING),  # before
        (datetime.date(2022, 12, 31), UPCOMING),  # the day before it starts
        (datetime.date(2023, 1, 1), ONGOING),  # first day
        (datetime.date(2026, 7, 15), ONGOING),  # during
        (datetime.date(2030, 12, 31), ONGOING),  # last day
        (datetime.date(2031, 1, 1), ENDED),  # the day after
        (datetime.date(2035, 1, 1), ENDED),  # after
    ],
)
def test_status_from_the_period(today, expected):
    assert status_for(2023, 2030, today) == expected


def test_a_one_year_campaign():
    assert status_for(2026, 2026, datetime.date(2026, 1, 1)) == ONGOING
    assert status_for(2026, 2026, datetime.date(2026, 12, 31)) == ONGOING
    assert status_for(2026, 2026, datetime.date(2027, 1, 1)) == ENDED


@pytest.mark.django_db
def test_the_new_year_begins_at_midnight_in_vietnam(ongoing):
    ongoing.start_year = ongoing.end_year = 2027
    ongoing.save_revision().publish()
    # 16:59 UTC on 31/12/2026 is 23:59 in Hà Nội; 17:00 UTC is midnight.
    with freeze_time("2026-12-31 16:59:00"):
        assert ongoing.status == UPCOMING
    with freeze_time("2026-12-31 17:00:00"):
        assert ongoing.status == ONGOING
