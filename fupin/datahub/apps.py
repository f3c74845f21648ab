from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DatahubConfig(AppConfig):
    name = "fupin.datahub"
    label = "datahub"
    verbose_name = _("Department data")

    def ready(self) -> None:
        from fupin.core import startup
        from fupin.datahub.actions import sweep_stale_batches

        startup.register(sweep_stale_batches)
