"""An editor translates a page to English through wagtail-localize, all in the admin."""

import polib
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from wagtail.models import Locale, Page
from wagtail_localize.models import Translation

ENGLISH = {
    "Liên hệ": "Contact",
    "lien-he": "contact",
    "Văn phòng Hội tiếp nhận ý kiến, câu hỏi và đề nghị hỗ trợ trong giờ hành chính.": (
        "The Association's office takes comments, questions and requests for help "
        "during office hours."
    ),
}


@pytest.mark.django_db
def test_editor_translates_a_page_to_english(
    admin_client, demo, client, django_capture_on_commit_callbacks
):
    contact = Page.objects.get(slug="lien-he", locale__language_code="vi")
    en = Locale.objects.get(language_code="en")
    assert client.get("/en/contact/").status_code == 404

    # 1. Submit the page for translation into English.
    submit_url = f"/admin/localize/submit/page/{contact.pk}/"
    assert admin_client.get(submit_url).status_code == 200
    response = admin_client.post(submit_url, {"locales": [en.pk]})
    assert response.status_code == 302
    translated = contact.get_translation(en)
    translation = Translation.objects.get(
        source__object_id=contact.translation_key, target_locale=en
    )

    # 2. Download the strings as a PO file, translate them, upload it back.
    download = admin_client.get(f"/admin/localize/translate/{translation.pk}/pofile/download/")
    assert download.status_code == 200
    po = polib.pofile(download.content.decode())
    assert "Liên hệ" in [entry.msgid for entry in po]
    for entry in po:
        entry.msgstr = ENGLISH.get(entry.msgid, entry.msgid)
    upload = SimpleUploadedFile("contact-en.po", str(po).encode(), content_type="text/x-gettext")
    response = admin_client.post(
        f"/admin/localize/translate/{translation.pk}/pofile/upload/",
        {"file": upload, "next": f"/admin/pages/{translated.pk}/edit/"},
    )
    assert response.status_code == 302

    # 3. Publish from the translation editor.
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(f"/admin/pages/{translated.pk}/edit/", {"action": "publish"})
    assert response.status_code == 302

    # 4. Readers find it under /en/.
    response = client.get("/en/contact/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="en">' in html
    assert "<h1>Contact</h1>" in html
    assert "takes comments, questions and requests for help" in html
    # And the Vietnamese page now offers its English translation.
    assert 'href="/en/contact/"' in client.get("/lien-he/").content.decode()
