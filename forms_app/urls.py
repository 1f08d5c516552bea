from django.urls import path

from forms_app import views

app_name = "forms_app"

urlpatterns = [
    path("ho-so/xa/<str:province>.json", views.communes, name="communes"),
    path("ho-so/tep/<int:pk>/", views.evidence_file, name="evidence_file"),
]
