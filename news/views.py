"""Readers' comments, posted to the article's own URL (``NewsArticlePage.serve``)."""

from django.contrib import messages
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext as _

from khuyenhoc.antispam import rate_limited, too_many_requests
from news.forms import CommentForm

COMMENTS_ANCHOR = "binh-luan"


def post_comment(request, article):
    """Hold a reader's comment for moderation, then POST/redirect/GET back to the article.

    Refused with 403 when the editor closed comments, 429 over the per-address rate, and 400
    (the page again, with the errors next to the fields and the reader's entries kept) when
    the form is invalid or caught by the honeypot or the minimum fill time.
    """
    if not article.comments_enabled:
        return render_article(request, article, status=403)
    if rate_limited(request, "comments"):
        return too_many_requests(
            request,
            _("You have sent too many comments. Please wait a while and try again."),
        )
    form = CommentForm(request.POST)
    if not form.is_valid():
        return render_article(request, article, comment_form=form, status=400)
    form.save_for(article, request)
    messages.success(
        request, _("Thank you. Your comment will appear once an editor has approved it.")
    )
    return redirect(f"{article.get_url(request)}#{COMMENTS_ANCHOR}")


def render_article(request, article, status, **context):
    return TemplateResponse(
        request,
        article.get_template(request),
        {**article.get_context(request), **context},
        status=status,
    )
