from crispy_forms.helper import FormHelper
from crispy_forms.layout import Layout
from django import forms
from django.utils.translation import gettext_lazy as _

from campaigns.models import Pledge, normalise_contact
from khuyenhoc.antispam import SpamProtectionMixin


class PledgeForm(SpamProtectionMixin, forms.ModelForm):
    """ "Đăng ký hưởng ứng": who pledges, for which organisation, where, and how to reach them."""

    is_duplicate = False

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
        # A contact that has already pledged is thanked like any other and nothing is stored
        # twice: a different answer would tell anyone whether a number or address has pledged.
        self.is_duplicate = Pledge.objects.filter(
            campaign=self.instance.campaign, contact_normalised=normalised
        ).exists()
        return contact
