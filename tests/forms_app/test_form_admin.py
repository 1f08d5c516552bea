"""Editors build a simple form and embed forms in pages through the admin, as they would."""

import pytest
from wagtail.test.utils.form_data import inline_formset, nested_form_data, rich_text, streamfield

from forms_app.models import SimpleFormPage
from home.models import StandardPage


def field(label, field_type="singleline", required=True, choices=""):
    return {
        "label": label,
        "field_type": field_type,
        "required": "on" if required else "",
        "choices": choices,
        "default_value": "",
        "help_text": "",
    }


def simple_form_data(title, fields):
    return nested_form_data(
        {
            "title": title,
            "slug": "",
            "intro": rich_text("<p>Cho chúng tôi biết ý kiến của bạn về lớp học.</p>"),
            "thank_you_text": rich_text("<p>Cảm ơn góp ý của bạn.</p>"),
            "submit_label": "Gửi góp ý",
            "to_address": "",
            "from_address": "",
            "subject": "",
            "form_fields": inline_formset(fields),
            "action-publish": "publish",
        }
    )


@pytest.mark.django_db
def test_editor_builds_a_feedback_form(admin_client, demo):
    home = demo["home"]
    url = f"/admin/pages/add/forms_app/simpleformpage/{home.pk}/"
    assert admin_client.get(url).status_code == 200
    data = simple_form_data(
        "Góp ý về lớp học",
        [
            field("Họ và tên"),
            field("Mức độ hài lòng", "radio", choices="Rất hài lòng\nHài lòng\nChưa hài lòng"),
            field("Ý kiến khác", "multiline", required=False),
        ],
    )
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    page = SimpleFormPage.objects.get(title="Góp ý về lớp học")
    assert page.slug == "gop-y-ve-lop-hoc" and page.live
    assert [f.clean_name for f in page.form_fields.all()] == [
        "ho_va_ten",
        "muc_do_hai_long",
        "y_kien_khac",
    ]
    html = admin_client.get(page.url).content.decode()
    assert "Mức độ hài lòng" in html and "Chưa hài lòng" in html and "Gửi góp ý" in html

    # Two fields with one label would share a column: Wagtail refuses them.
    data = simple_form_data("Góp ý lần hai", [field("Họ và tên"), field("Họ và tên")])
    response = admin_client.post(url, data)
    assert response.status_code == 200
    assert not SimpleFormPage.objects.filter(title="Góp ý lần hai").exists()


@pytest.mark.django_db
def test_editor_embeds_a_form_in_a_page(admin_client, demo):
    home = demo["home"]
    contact = SimpleFormPage.objects.get(slug="gui-loi-nhan", locale__language_code="vi")
    url = f"/admin/pages/add/home/standardpage/{home.pk}/"
    data = nested_form_data(
        {
            "title": "Hỏi đáp",
            "slug": "",
            "intro": "",
            "body": streamfield(
                [
                    ("paragraph", rich_text("<p>Bạn có câu hỏi về khuyến học?</p>")),
                    (
                        "embedded_form",
                        {
                            "page": contact.pk,
                            "display": "inline",
                            "heading": "Gửi câu hỏi",
                            "text": "",
                        },
                    ),
                ]
            ),
            "action-publish": "publish",
        }
    )
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    page = StandardPage.objects.get(title="Hỏi đáp")
    html = admin_client.get(page.url).content.decode()
    assert "Gửi câu hỏi" in html
    assert f'action="{contact.url}"' in html
