import pytest

from campaigns.models import CampaignIndexPage, CampaignPage


@pytest.fixture
def campaign_index(demo):
    return CampaignIndexPage.objects.get(locale__language_code="vi")


@pytest.fixture
def ongoing(campaign_index):
    return CampaignPage.objects.get(slug="xay-dung-xa-hoi-hoc-tap-2023-2030")


@pytest.fixture
def past(campaign_index):
    return CampaignPage.objects.get(slug="gia-dinh-hieu-hoc-dong-ho-khuyen-hoc-2016-2020")


def add_campaign(index, title, start_year, end_year, *, targets=(), **fields):
    from campaigns.models import Target

    campaign = CampaignPage(title=title, start_year=start_year, end_year=end_year, **fields)
    campaign.targets = [Target(**target) for target in targets]
    index.add_child(instance=campaign)
    campaign.save_revision().publish()
    return CampaignPage.objects.get(pk=campaign.pk)
