"""政策参数 pages under /parameters/."""

from django.urls import path

from fupin.parameters import views

app_name = "parameters"
urlpatterns = [
    path("", views.parameter_list, name="parameter_list"),
    path("<slug:name>/", views.parameter_detail, name="parameter_detail"),
]
