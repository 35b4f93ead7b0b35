from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class RoadmapConfig(AppConfig):
    name = "roadmap"
    verbose_name = _("Roadmaps")

    def ready(self) -> None:
        from organisations.workshop import register
        from roadmap import audit, workshop

        audit.register()
        register("roadmap", workshop.steps)
