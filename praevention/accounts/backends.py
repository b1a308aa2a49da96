"""Django's permission backend, with each role's permissions read once per data version."""

from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache

from praevention.core.dataversion import FRAGMENT_TIMEOUT, current_token


class RoleBackend(ModelBackend):
    """ModelBackend whose group permissions come from the cache while the roles are unchanged.

    Roles are groups, and every request already reads the user's role names (`role_names`).
    The permissions of a set of roles are cached under the data version, which every write to
    the auth tables (group permissions, groups, permissions) replaces (`core.dataversion`);
    a changed membership changes the role names and so the key. Permissions given to a single
    user are read from the database as before.
    """

    def get_group_permissions(self, user_obj, obj=None):
        simple = user_obj.is_anonymous or not user_obj.is_active or user_obj.is_superuser
        if simple or obj is not None or hasattr(user_obj, "_group_perm_cache"):
            return super().get_group_permissions(user_obj, obj)
        token = current_token()
        if token is None:
            return super().get_group_permissions(user_obj, obj)
        key = f"role-permissions:{token}:{sorted(user_obj.role_names)!r}"
        permissions = cache.get(key)
        if permissions is None:
            permissions = super().get_group_permissions(user_obj, obj)
            cache.set(key, permissions, FRAGMENT_TIMEOUT)
        user_obj._group_perm_cache = permissions
        return permissions
