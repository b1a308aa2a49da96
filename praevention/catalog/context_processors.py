from django.utils.functional import SimpleLazyObject

from praevention.catalog import districts


def site(request):
    """The district's name is data (catalog.districts), so templates never hard-code it; read
    only when a template shows it."""
    return {"district_name": SimpleLazyObject(districts.current_name)}
