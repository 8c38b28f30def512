"""The site's URLs plus ``/bench/bare/``: login required, nothing else (the floor every page is compared with)."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.urls import path

from imrsite.urls import urlpatterns as site_urlpatterns


@login_required
def bare(request):
    return HttpResponse("ok", content_type="text/plain")


urlpatterns = [path("bench/bare/", bare), *site_urlpatterns]
