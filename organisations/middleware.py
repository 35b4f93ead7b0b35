from django.urls import reverse
from django_scopes import scopes_disabled


class AdminScopesDisabledMiddleware:
    """Platform staff see every organisation in Django admin.

    Outside the admin, views under ``/o/<slug>/`` open their own scope and the
    few views outside it (sign-in, accepting an invitation) disable scopes
    explicitly where they must.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.admin_prefix = reverse("admin:index")

    def __call__(self, request):
        if request.path.startswith(self.admin_prefix):
            with scopes_disabled():
                return self.get_response(request)
        return self.get_response(request)
