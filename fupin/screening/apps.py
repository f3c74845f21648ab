from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ScreeningConfig(AppConfig):
    name = "fupin.screening"
    label = "screening"
    verbose_name = _("Screening")

    def ready(self) -> None:
        from fupin.core import startup
        from fupin.screening.runs import fail_abandoned_runs

        startup.register(fail_abandoned_runs)
