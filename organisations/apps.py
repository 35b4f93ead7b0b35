from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrganisationsConfig(AppConfig):
    name = "organisations"
    verbose_name = _("Organisations")

    def ready(self) -> None:
        from django.contrib.auth.signals import user_logged_in

        from organisations import audit
        from organisations.auth import record_sign_in

        audit.register_models()
        user_logged_in.connect(record_sign_in, dispatch_uid="organisations.record_sign_in")
