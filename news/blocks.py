from django.utils.translation import gettext_lazy as _
from wagtail import blocks
from wagtail.contrib.table_block.blocks import TableBlock

from khuyenhoc.blocks import BaseStreamBlock, CaptionedImageBlock


class GalleryBlock(blocks.StructBlock):
    title = blocks.CharBlock(label=_("Title"), required=False, max_length=255)
    images = blocks.ListBlock(CaptionedImageBlock(), label=_("Photos"), min_num=2)

    class Meta:
        icon = "image"
        label = _("Photo gallery")
        template = "news/blocks/gallery.html"


class ArticleStreamBlock(BaseStreamBlock):
    gallery = GalleryBlock()
    table = TableBlock(
        label=_("Table"),
        template="news/blocks/table.html",
        table_options={
            "contextMenu": [
                "row_above",
                "row_below",
                "col_left",
                "col_right",
                "remove_row",
                "remove_col",
                "undo",
                "redo",
            ]
        },
    )
