"""Translating form pages with wagtail-localize: the texts are offered to translators, what
decides who may apply, under which criteria and when stays the same in every language."""

import datetime

import pytest
from django.utils import timezone
from wagtail.models import Locale
from wagtail_localize.models import Translation
from wagtail_localize.operations import TranslationCreator

from forms_app.models import ApplicationFormPage, SimpleFormPage


def translate(page, user):
    """Submit ``page`` for English, translate every string with a marker, save the target."""
    en = Locale.objects.get(language_code="en")
    TranslationCreator(user, [en]).create_translations(page)
    translation = Translation.objects.get(source__object_id=page.translation_key, target_locale=en)
    po = translation.export_po()
    offered = [entry.msgid for entry in po]
    for entry in po:
        entry.msgstr = entry.msgid if entry.msgctxt == "slug" else f"[en] {entry.msgid}"
    translation.import_po(po, user=user)
    translation.save_target(user=user, publish=True)
    return offered, translation.get_target_instance()


@pytest.mark.django_db
def test_application_form_page_translates_texts_and_keeps_its_rules(pages, admin_user):
    page = pages["gia-dinh-hoc-tap"]
    opens = (timezone.now() - datetime.timedelta(days=1)).replace(microsecond=0)
    page.opens_at = opens
    page.save_revision().publish()
    page = ApplicationFormPage.objects.get(pk=page.pk)

    offered, target = translate(page, admin_user)
    text = "\n".join(offered)
    assert "lưu bản nháp" in text  # introduction
    assert "Nghị định 13/2023/NĐ-CP" in text  # privacy notice
    assert "Hội Khuyến học xã sẽ xem xét" in text  # text after sending
    assert page.learning_title not in offered and page.kind not in offered

    assert target.locale.language_code == "en"
    assert "[en]" in target.intro and "[en]" in target.privacy_notice
    assert (target.learning_title, target.kind) == (page.learning_title, page.kind)
    assert target.criteria_set_id == page.criteria_set_id
    assert target.opens_at == opens and target.closes_at is None


@pytest.mark.django_db
def test_simple_form_page_translates_its_fields(demo, admin_user):
    page = SimpleFormPage.objects.get(slug="gui-loi-nhan", locale__language_code="vi")
    offered, target = translate(page, admin_user)
    assert "Họ và tên" in offered and "Gửi lời nhắn" in offered
    assert "lienhe@khuyenhoc-anbinh.example" not in offered
    labels = list(target.form_fields.values_list("label", flat=True))
    assert labels[0] == "[en] Họ và tên"
    assert [f.field_type for f in target.form_fields.all()] == [
        f.field_type for f in page.form_fields.all()
    ]
    # Answers in either language land under the same names.
    assert [f.clean_name for f in target.form_fields.all()] == [
        f.clean_name for f in page.form_fields.all()
    ]
    assert target.to_address == page.to_address
