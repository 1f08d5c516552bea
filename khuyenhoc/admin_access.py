"""Wagtail's generic admin views around a model, held to the same borders as its own screens.

Wagtail registers a chooser for every snippet and a bulk delete for every snippet model, and
both are open to any user who may enter the admin: the chooser lists every object by name, the
delete confirmation names those the user may not delete. Here:

- ``RestrictedChooserViewSet``: a snippet chooser that answers only users who may read the
  model (``user_may_choose``), and shows and returns only the objects ``scope`` leaves them.
- ``DeleteBulkAction``: Wagtail's bulk delete, refused before the confirmation page is built to
  a user who may not delete objects of that model at all.
"""

from django.core.exceptions import ObjectDoesNotExist, PermissionDenied, ValidationError
from django.http import Http404
from wagtail.permissions import policy_registry
from wagtail.snippets.bulk_actions.delete import DeleteBulkAction as WagtailDeleteBulkAction
from wagtail.snippets.views import chooser


class RestrictedChooserMixin:
    """Set on each view by ``RestrictedChooserViewSet``: who may open it, and what they see."""

    user_may_choose = None
    scope = None

    def dispatch(self, request, *args, **kwargs):
        if not self.user_may_choose(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def scoped(self, queryset):
        return self.scope(queryset, self.request.user)


class ChooseView(RestrictedChooserMixin, chooser.ChooseView):
    def get_object_list(self):
        return self.scoped(super().get_object_list())


class ChooseResultsView(RestrictedChooserMixin, chooser.ChooseResultsView):
    def get_object_list(self):
        return self.scoped(super().get_object_list())


class ChosenView(RestrictedChooserMixin, chooser.SnippetChosenView):
    def get_object(self, pk):
        try:
            return self.scoped(self.model_class.objects.all()).get(pk=pk)
        except (ValueError, ValidationError) as error:  # not a key of this model at all
            raise ObjectDoesNotExist from error


class ChosenMultipleView(RestrictedChooserMixin, chooser.SnippetChosenMultipleView):
    def get_objects(self, pks):
        queryset = self.scoped(self.model_class.objects.all())
        try:
            return list(queryset.filter(pk__in=pks))
        except (ValueError, ValidationError) as error:
            raise Http404 from error


class CreateView(RestrictedChooserMixin, chooser.SnippetCreateView):
    pass


class RestrictedChooserViewSet(chooser.SnippetChooserViewSet):
    """The snippet chooser for a model holding personal data: set it as the snippet viewset's
    ``chooser_viewset_class``. By default it opens to users who may view or change the model;
    override ``user_may_choose`` and ``scope`` for narrower rules."""

    choose_view_class = ChooseView
    choose_results_view_class = ChooseResultsView
    chosen_view_class = ChosenView
    chosen_multiple_view_class = ChosenMultipleView
    create_view_class = CreateView

    permissions = ("view", "change")

    def user_may_choose(self, user):
        policy = policy_registry.get_by_type(self.model)
        return policy.user_has_any_permission(user, self.permissions)

    def scope(self, queryset, user):
        return queryset

    def get_common_view_kwargs(self, **kwargs):
        return super().get_common_view_kwargs(
            user_may_choose=self.user_may_choose, scope=self.scope, **kwargs
        )


class DeleteBulkAction(WagtailDeleteBulkAction):
    """Wagtail's bulk delete of snippets, but its confirmation page ("You don't have permission
    to delete these …: <names>") is only built for users who may delete some of them."""

    def dispatch(self, request, *args, **kwargs):
        if not self.permission_policy.user_has_permission(request.user, "delete"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)
