from django.contrib.auth import views as auth_views
from django.urls import include, path

from tandem.api import views as api_views
from tandem.api.api import api
from tandem.core import search_views
from tandem.core import views as core_views
from tandem.home import views as home_views
from tandem.people.forms import EmailLoginForm, ResetOrInviteForm
from tandem.people.password_views import ChangePasswordView, ChooseNewPasswordView

auth_patterns = [
    path(
        "login/",
        auth_views.LoginView.as_view(
            authentication_form=EmailLoginForm, redirect_authenticated_user=True
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password/change/", ChangePasswordView.as_view(), name="password_change"),
    path(
        "password/change/done/",
        auth_views.PasswordChangeDoneView.as_view(),
        name="password_change_done",
    ),
    path(
        "password/reset/",
        auth_views.PasswordResetView.as_view(form_class=ResetOrInviteForm),
        name="password_reset",
    ),
    path(
        "password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        ChooseNewPasswordView.as_view(),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
]

urlpatterns = [
    path("", home_views.home, name="home"),
    path("search/", search_views.search, name="search"),
    # Browsers ask for /favicon.ico whatever the page says.
    path("favicon.ico", core_views.favicon),
    path("", include(auth_patterns)),
    path("", include("tandem.people.urls")),
    path("", include("tandem.notifications.urls")),
    path("", include("tandem.approvals.urls")),
    path("", include("tandem.core.urls")),
    path("", include("tandem.crm.urls")),
    path("", include("tandem.campaigns.urls")),
    path("", include("tandem.handoff.urls")),
    path("", include("tandem.attribution.urls")),
    path("", include("tandem.calendar.urls")),
    path("", include("tandem.collateral.urls")),
    path("", include("tandem.planning.urls")),
    path("", include("tandem.budget.urls")),
    path("settings/tokens/", api_views.tokens, name="api_tokens"),
    path("settings/tokens/<id:pk>/revoke/", api_views.revoke, name="api_token_revoke"),
    path("settings/tokens/capture/", api_views.grant_capture, name="api_token_grant_capture"),
    path(
        "settings/tokens/<id:pk>/capture/withdraw/",
        api_views.withdraw_capture,
        name="api_token_withdraw_capture",
    ),
    path("api/v1/", api.urls),
]
