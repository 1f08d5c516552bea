from django.urls import path

from forms_app import tracking, views

app_name = "forms_app"

urlpatterns = [
    path("ho-so/xa/<str:province>.json", views.communes, name="communes"),
    path("ho-so/tep/<int:pk>/", views.evidence_file, name="evidence_file"),
    # "Tra cứu hồ sơ": by code and phone, or by the private link (code + secret).
    path("ho-so/tra-cuu/", tracking.track, name="track"),
    path("ho-so/tra-cuu/<str:code>/<str:secret>/", tracking.track_detail, name="track_detail"),
]
