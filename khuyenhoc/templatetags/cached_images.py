"""Wagtail's {% picture %} and {% srcset_image %}, with each tag's filters built once.

Wagtail builds the Filter objects of a multi-rendition tag again at every render, and each
new Filter works out its operations and cache keys afresh: about 0.6 ms per picture, most
of a news listing's twelve cards. A tag's filter specs never change once the template is
parsed, so these nodes keep their filters (cached templates keep their nodes). Load this
library after ``wagtailimages_tags``: ``{% load wagtailimages_tags cached_images %}``.
"""

from django import template
from wagtail.images.templatetags import wagtailimages_tags as wagtail_images

register = template.Library()


class KeepFiltersMixin:
    _filters = None

    def get_filters(self):
        if self._filters is None:
            self._filters = tuple(super().get_filters())
        return list(self._filters)


class PictureNode(KeepFiltersMixin, wagtail_images.PictureNode):
    pass


class SrcsetImageNode(KeepFiltersMixin, wagtail_images.SrcsetImageNode):
    pass


NODES = {
    wagtail_images.PictureNode: PictureNode,
    wagtail_images.SrcsetImageNode: SrcsetImageNode,
}


def image_with_kept_filters(parser, token):
    """Wagtail's own parsing (same syntax, same errors), then our node class."""
    node = wagtail_images.image(parser, token)
    node.__class__ = NODES[type(node)]
    return node


register.tag("picture", image_with_kept_filters)
register.tag("srcset_image", image_with_kept_filters)
