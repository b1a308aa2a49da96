from django.conf import settings


def site(request):
    """The district's name is configuration, so templates never hard-code it."""
    return {"district_name": settings.DISTRICT_NAME}
