"""Wagtail's {% picture %} and {% srcset_image %}, with their filters built once and their
HTML kept.

Wagtail builds the Filter objects of a multi-rendition tag again at every render, and each
new Filter works out its operations and cache keys afresh; then it builds a ``<picture>`` of
six ``srcset`` URLs. A tag's filter specs never change once the template is parsed, so these
nodes keep their filters (cached templates keep their nodes), and the HTML of an image with
given filters and attributes is kept in the cache: about 0.5 ms a picture, a sixth of the home
page. The key holds the image's file and focal point, so a new file or focal point makes new
HTML; deleting renditions drops every kept picture. Load this library after
``wagtailimages_tags``: ``{% load wagtailimages_tags cached_images %}``.
"""

import hashlib

from django import template
from django.utils.safestring import mark_safe
from wagtail.images.templatetags import wagtailimages_tags as wagtail_images

from khuyenhoc.cache import CacheVersion

register = template.Library()

pictures = CacheVersion("pictures")
TIMEOUT = 24 * 60 * 60


class KeepFiltersMixin:
    _filters = None

    def get_filters(self):
        if self._filters is None:
            self._filters = tuple(super().get_filters())
        return list(self._filters)

    def render(self, context):
        if self.output_var_name:
            return super().render(context)
        image = self.validate_image(context)
        if not image:
            return ""
        attrs = sorted((key, str(value.resolve(context))) for key, value in self.attrs.items())
        focal = (
            image.focal_point_x,
            image.focal_point_y,
            image.focal_point_width,
            image.focal_point_height,
        )
        spec = repr((type(self).__name__, self.filter_specs, image.file.name, focal, attrs))
        render = super().render
        digest = hashlib.sha256(spec.encode()).hexdigest()[:32]
        html = pictures.cached((image.pk, digest), lambda: str(render(context)), TIMEOUT)
        return mark_safe(html)  # noqa: S308 - Wagtail's own escaped output


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


def connect():
    """Renditions deleted (an image's file replaced, or a clean-up) drop the kept pictures."""
    from django.db.models.signals import post_delete, post_save
    from wagtail.images import get_image_model

    image_model = get_image_model()
    post_delete.connect(
        pictures.bump,
        sender=image_model.get_rendition_model(),
        dispatch_uid="khuyenhoc_pictures_rendition_deleted",
    )
    post_save.connect(pictures.bump, sender=image_model, dispatch_uid="khuyenhoc_pictures_image")
