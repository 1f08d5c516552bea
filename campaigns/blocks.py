"""Blocks for a campaign's goals and content; the rest are the news blocks, reused."""

from django.utils.translation import gettext_lazy as _
from wagtail import blocks

from home.blocks import CallToActionBlock
from news.blocks import ArticleStreamBlock


class GoalsBlock(blocks.StructBlock):
    """The campaign's goals as a numbered list, the way plans and directives state them."""

    heading = blocks.CharBlock(label=_("Heading"), required=False, max_length=255)
    goals = blocks.ListBlock(blocks.TextBlock(label=_("Goal")), label=_("Goals"), min_num=1)

    class Meta:
        icon = "list-ol"
        label = _("Goals")
        template = "campaigns/blocks/goals.html"


class CampaignStreamBlock(ArticleStreamBlock):
    goals = GoalsBlock()
    call_to_action = CallToActionBlock()
