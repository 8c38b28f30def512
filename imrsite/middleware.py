"""Request checks that hold for every URL."""

from django.http import HttpResponseBadRequest
from django.utils.cache import add_never_cache_headers

NUL_IN_REQUEST = "The address contains a NUL character (%00), which no page of this site accepts."


class RejectNulMiddleware:
    """400 for a NUL character in the path or the query string. PostgreSQL cannot store or compare text holding NUL
    (psycopg raises), so such a value would otherwise reach a query as a case number, a filter or a search and end
    in a 500. Form fields refuse NUL by themselves (Django's ProhibitNullCharactersValidator)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if "\x00" in request.path or any("\x00" in key or "\x00" in value for key, value in _query_items(request)):
            return HttpResponseBadRequest(NUL_IN_REQUEST, content_type="text/plain; charset=utf-8")
        return self.get_response(request)


def _query_items(request):
    for key, values in request.GET.lists():
        for value in values:
            yield key, value


class NoStoreForUsersMiddleware:
    """Every page served to a signed-in user may show case content (PHI): no browser or proxy keeps a copy, unless
    the view set its own Cache-Control. Static files never get here (whitenoise answers them before the session)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if request.user.is_authenticated and "Cache-Control" not in response:
            add_never_cache_headers(response)
        return response
