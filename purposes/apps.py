from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PurposesConfig(AppConfig):
    name = "purposes"
    verbose_name = _("Purposes")

    def ready(self) -> None:
        from organisations.workshop import register
        from purposes import audit, workshop

        audit.register()
        register("purposes", workshop.steps)
