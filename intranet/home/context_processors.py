from django.conf import settings


def site(request):
    return {"intranet_name": settings.WAGTAIL_SITE_NAME}
