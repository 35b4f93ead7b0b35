import logging

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Reports")

    def ready(self) -> None:
        # WeasyPrint narrates every step of every render at INFO (from the
        # moment it is imported): too chatty for a worker's log.
        logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

        from organisations.workshop import register
        from purposes.scoring import uses
        from reports import round_uses, workshop

        register("reports", workshop.steps)
        # A round a brief was made from cannot be deleted.
        uses.register("reports", round_uses.briefs_using)
