"""Response headers the site sets itself (Django's SecurityMiddleware has no Permissions-Policy)."""

from django.conf import settings


def permissions_policy_header(policy):
    """``{"camera": [], "fullscreen": ["self"]}`` as ``camera=(), fullscreen=(self)``."""
    return ", ".join(f"{feature}=({' '.join(allowed)})" for feature, allowed in policy.items())


class PermissionsPolicyMiddleware:
    """Say on every response (pages, admin, static files, errors) which browser features the
    site never uses, so no script or frame on it can ask the visitor for them."""

    def __init__(self, get_response):
        self.get_response = get_response
        self.header = permissions_policy_header(settings.PERMISSIONS_POLICY)

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", self.header)
        return response
