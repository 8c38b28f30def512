from django.urls import path

from . import views

app_name = "precedents"

urlpatterns = [
    path("", views.search, name="search"),
    path("<int:pk>/", views.detail, name="detail"),
    path("similar/<str:case_number>/items/<int:item_pk>/", views.similar_for_item, name="similar_for_item"),
]
