from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.coreutils import find_available_slug

from khuyenhoc.text import slugify_vi


class PageForm(WagtailAdminPageForm):
    """Editors may leave the slug blank: the server folds the title as the admin's JS does."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "slug" in self.fields:
            self.fields["slug"].required = False

    def clean_slug(self):
        slug = self.cleaned_data.get("slug")
        if slug:
            return slug
        base = slugify_vi(self.cleaned_data.get("title", ""))
        if not base or self.parent_page is None:
            return slug
        return find_available_slug(self.parent_page, base, ignore_page_id=self.instance.pk)
