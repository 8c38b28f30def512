from django.conf import settings


def organization(request):
    """The IMRO's names, for page titles and headers."""
    return {
        "IMR_ORGANIZATION_NAME": settings.IMR_ORGANIZATION_NAME,
        "IMR_ORGANIZATION_SHORT_NAME": settings.IMR_ORGANIZATION_SHORT_NAME,
    }
