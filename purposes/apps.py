from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PurposesConfig(AppConfig):
    name = "purposes"
    verbose_name = _("Purposes")
