from crispy_forms.helper import FormHelper
from crispy_forms.layout import Layout
from django import forms
from django.utils.translation import gettext_lazy as _

from campaigns.models import Pledge, normalise_contact
from khuyenhoc.antispam import SpamProtectionMixin

DUPLICATE_MESSAGE = _(
    "This phone number or e-mail address has already pledged to this campaign. "
    "Thank you: there is no need to pledge again."
)


class PledgeForm(SpamProtectionMixin, forms.ModelForm):
    """ "Đăng ký hưởng ứng": who pledges, for which organisation, where, and how to reach them."""

    class Meta:
        model = Pledge
        fields = ["name", "organisation", "commune", "contact"]
        widgets = {
            "name": forms.TextInput(attrs={"autocomplete": "name"}),
            "organisation": forms.TextInput(attrs={"autocomplete": "organization"}),
        }

    def __init__(self, *args, campaign, **kwargs):
        super().__init__(*args, **kwargs)
        self.instance.campaign = campaign
        self.helper = FormHelper()
        self.helper.form_tag = False
        self.helper.layout = Layout("name", "organisation", "commune", "contact")

    def clean_contact(self):
        contact = self.cleaned_data["contact"].strip()
        normalised = normalise_contact(contact)
        if "@" in normalised:
            forms.EmailField().clean(normalised)
        elif not 9 <= len(normalised.lstrip("+")) <= 15:
            raise forms.ValidationError(
                _("Enter a phone number (e.g. 0912 345 678) or an e-mail address."),
                code="invalid",
            )
        if Pledge.objects.filter(
            campaign=self.instance.campaign, contact_normalised=normalised
        ).exists():
            raise forms.ValidationError(DUPLICATE_MESSAGE, code="duplicate")
        return contact

    def add_duplicate_error(self):
        """Two identical pledges sent at the same moment: the database refused the second."""
        self.add_error("contact", forms.ValidationError(DUPLICATE_MESSAGE, code="duplicate"))
