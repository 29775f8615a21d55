from django.urls import path

from tandem.budget import views

app_name = "budget"

urlpatterns = [
    path("budget/", views.home, name="home"),
    path("budget/periods/<id:pk>/", views.overview, name="overview"),
    path("budget/periods/<id:pk>/lines/new/", views.new_line, name="new_line"),
    path("budget/periods/<id:pk>/return/", views.return_page, name="return"),
    path("budget/periods/<id:pk>/export.xlsx", views.export, name="export"),
    path("budget/lines/<id:pk>/", views.line, name="line"),
    path("budget/lines/<id:pk>/plan/", views.plan, name="plan"),
    path("budget/lines/<id:pk>/spend/", views.spend, name="spend"),
    path("budget/lines/<id:pk>/commitments/", views.commit, name="commit"),
    path("budget/lines/<id:pk>/propose/", views.propose, name="propose"),
    path("budget/lines/<id:pk>/post-costs/", views.post_costs, name="post_costs"),
    path("budget/commitments/<id:pk>/close/", views.close_commitment, name="close_commitment"),
    path("budget/spend/<id:pk>/attachment/", views.attachment, name="attachment"),
]
