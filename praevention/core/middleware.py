from django.conf import settings
from django.middleware.locale import LocaleMiddleware
from django.utils import translation
from django.utils.cache import add_never_cache_headers


class ChosenLanguageMiddleware(LocaleMiddleware):
    """German unless the user chose another language in the footer (the cookie).

    Django's LocaleMiddleware would follow the browser's Accept-Language; a district
    office's software speaks German first, whatever the browser is set to.
    """

    def process_request(self, request):
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in dict(settings.LANGUAGES):
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()


class HealthzMiddleware:
    """Answers GET /healthz before anything reads the Host header.

    The container's health check asks http://localhost:8000/healthz, and `localhost` is
    rightly not among a production ALLOWED_HOSTS (issue #12, fault 9): host validation would
    answer 400 and the container would count as unhealthy. The answer depends on nothing in
    the request (no host, no cookies, no redirect), so skipping host validation for this one
    path is safe; every other path is validated as before. First in MIDDLEWARE.
    """

    PATH = "/healthz"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path_info == self.PATH and request.method == "GET":
            from praevention.core.views import healthz

            return healthz(request)
        return self.get_response(request)


class PrivatePagesMiddleware:
    """`Cache-Control: no-store, private` on every response to a logged-in user.

    Pages and exports show the network's internal data (budgets, contacts): a shared
    computer's browser cache or a caching proxy must not keep them (issue #12, fault 13).
    Static files are served before this (whitenoise) and keep their long cache lifetimes.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if response.status_code >= 500:
            # Not kept either; and asking who is logged in could wait once more for a
            # database that just failed (issue #12, fault 8: fail fast).
            add_never_cache_headers(response)
            return response
        user = getattr(request, "user", None)
        if user is not None and user.is_authenticated:
            add_never_cache_headers(response)
        return response
