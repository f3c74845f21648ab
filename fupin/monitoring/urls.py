"""Monitoring pages under /monitoring/."""

from django.urls import path

from fupin.monitoring import views
from fupin.monitoring.forms import CASEWORK_FORMS, STEP_FORMS

app_name = "monitoring"
urlpatterns = [
    path("cases/", views.case_list, name="case_list"),
    path("cases/new/", views.clue_new, name="clue_new"),
    path("cases/<int:case_id>/", views.case_detail, name="case_detail"),
    *[
        path(f"cases/<int:case_id>/{slug}/", views.case_step, {"step": step}, name=f"case_{step}")
        for step, (slug, _form) in STEP_FORMS.items()
    ],
    *[
        path(
            f"cases/<int:case_id>/{slug}/", views.case_casework, {"work": work}, name=f"case_{work}"
        )
        for work, (slug, _form) in CASEWORK_FORMS.items()
    ],
    path("objections/<int:objection_id>/answer/", views.objection_answer, name="objection_answer"),
    path("attachments/<int:attachment_id>/", views.attachment_download, name="attachment_download"),
    path(
        "attachments/<int:attachment_id>/remove/",
        views.attachment_remove,
        name="attachment_remove",
    ),
    path("notice/", views.notice, name="notice"),
    path("notice.pdf", views.notice_pdf, name="notice_pdf"),
    path("ledger/", views.ledger, name="ledger"),
    path("ledger.xlsx", views.ledger_export, name="ledger_export"),
    path("dashboard/", views.dashboard, name="dashboard"),
]
