"""URL map: pages, login, and the API."""

from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import RedirectView

from fupin.api import api

urlpatterns = [
    path("", RedirectView.as_view(pattern_name="registry:household_list"), name="home"),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", api.urls),
    path("accounts/", include("fupin.accounts.urls")),
    path("registry/", include("fupin.registry.urls")),
    path("monitoring/", include("fupin.monitoring.urls")),
    path("datahub/", include("fupin.datahub.urls")),
    path("screening/", include("fupin.screening.urls")),
    path("parameters/", include("fupin.parameters.urls")),
]
