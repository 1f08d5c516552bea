from django import forms
from django.utils.translation import gettext_lazy as _

from khuyenhoc.antispam import SpamProtectionMixin, client_address
from khuyenhoc.cleaning import strip_controls
from news.models import Comment
from news.models.comments import COMMENT_MAX_LENGTH, USER_AGENT_MAX_LENGTH


class CommentForm(SpamProtectionMixin, forms.ModelForm):
    """What a reader sends under an article; the rest (article, address) is set by the view."""

    class Meta:
        model = Comment
        fields = ["name", "email", "text"]
        labels = {"name": _("Your name"), "email": _("E-mail (optional)")}
        widgets = {
            "name": forms.TextInput(attrs={"autocomplete": "name"}),
            "email": forms.EmailInput(attrs={"autocomplete": "email"}),
            "text": forms.Textarea(attrs={"rows": 5, "maxlength": COMMENT_MAX_LENGTH}),
        }

    def save_for(self, article, request):
        comment = self.save(commit=False)
        comment.article = article
        comment.ip_address = client_address(request)
        agent = strip_controls(request.META.get("HTTP_USER_AGENT", ""))
        comment.user_agent = agent[:USER_AGENT_MAX_LENGTH]
        comment.save()
        return comment
