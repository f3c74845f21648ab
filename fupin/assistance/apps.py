from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssistanceConfig(AppConfig):
    name = "fupin.assistance"
    label = "assistance"
    verbose_name = _("Assistance")

    def ready(self) -> None:
        # The household's history (registry) shows recorded measures by name.
        from fupin.assistance.models import Measure
        from fupin.registry import display

        display.MODELS_BY_LABEL[Measure._meta.label_lower] = Measure
        display.ACTION_LABELS["measure.add"] = _("Recorded an assistance measure")
