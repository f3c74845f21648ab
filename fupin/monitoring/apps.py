from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MonitoringConfig(AppConfig):
    name = "fupin.monitoring"
    label = "monitoring"
    verbose_name = _("Return-to-poverty monitoring")

    def ready(self) -> None:
        # `fupin check` (and `fupin serve`) refuse a holiday file typed in wrongly.
        from fupin.monitoring import checks  # noqa: F401

        # The household's history (registry) shows the case's audited steps by their names.
        from fupin.monitoring.models import Case
        from fupin.monitoring.transitions import Step
        from fupin.registry import display

        display.MODELS_BY_LABEL[Case._meta.label_lower] = Case
        display.ACTION_LABELS.update(
            {
                "case.open": _("Opened a monitoring case"),
                "case.clue": _("Received a clue"),
                "case.objection": _("Recorded an objection to the posting"),
                "case.objection_answer": _("Answered an objection"),
                "case.attachment": _("Attached a file to the case"),
                "case.attachment_remove": _("Removed a file from the case"),
                **{f"case.{step.value}": step.label for step in Step},
            }
        )
