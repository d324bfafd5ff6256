from django.conf import settings
from django.utils import translation


class DefaultLanguageMiddleware:
    """Simplified Chinese unless the user chose another language with the switch.

    Django's LocaleMiddleware would follow the browser's Accept-Language; a township office's
    computers often run English-language Windows, and the product should still speak Chinese there.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.supported = {code for code, _name in settings.LANGUAGES}

    def __call__(self, request):
        language = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME)
        if language not in self.supported:
            language = settings.LANGUAGE_CODE
        translation.activate(language)
        request.LANGUAGE_CODE = translation.get_language()
        response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response
