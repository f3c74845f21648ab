"""Screening pages under /screening/."""

from django.urls import path

from fupin.screening import views

app_name = "screening"
urlpatterns = [
    path("rules/", views.rule_list, name="rule_list"),
    path("rules/edit/", views.rule_edit, name="rule_edit"),
    path("runs/", views.run_list, name="run_list"),
    path("runs/<int:run_id>/", views.run_detail, name="run_detail"),
    path("runs/<int:run_id>/progress/", views.run_progress, name="run_progress"),
    path("findings/", views.finding_list, name="finding_list"),
    path("findings/<int:finding_id>/", views.finding_detail, name="finding_detail"),
    path("findings/<int:finding_id>/dismiss/", views.finding_dismiss, name="finding_dismiss"),
    path("findings/<int:finding_id>/send/", views.finding_send, name="finding_send"),
]
