from django.conf import settings


def navigation(request):
    """Values every page template needs."""
    return {"LANGUAGE_CHOICES": settings.LANGUAGES}
