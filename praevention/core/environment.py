"""Reading settings from the environment as an operator writes them in a `.env` file.

django-environ, with two differences (issue #29):

- A blank value counts as unset. `CACHE_URL=` or `TRUSTED_PROXIES=` in a `.env` file means
  "use the default", not "parse the empty string" (django-environ crashes start-up on
  `CACHE_URL=` and `DATABASE_URL=`, and would read `DEBUG=` as a value).
- A value is taken literally. django-environ reads a value that starts with `$` as the name
  of another variable, so a generated `SECRET_KEY` or password starting with `$` would be
  replaced by whatever that variable holds (or stop start-up).

Imported by `praevention/settings.py` before Django is set up: no models, no settings here.
"""

from collections.abc import Callable
from typing import Any

import environ
from django.core.exceptions import ImproperlyConfigured


class Env(environ.Env):
    """`environ.Env` whose blank values are unset and whose values are never proxies.

    Casting is django-environ's (`env.bool`, `env.int`, `env.list`, `env.db`, `env.cache` …);
    without an explicit cast a value is cast to the type of its default, as django-environ
    does. A missing or blank variable without default raises ImproperlyConfigured naming it.
    """

    def get_value(
        self,
        var: str,
        cast: Callable[..., Any] | type | list | tuple | dict | None = None,
        default: Any = environ.Env.NOTSET,
        parse_default: bool = False,
    ) -> Any:
        value = self.ENVIRON.get(var, "")
        if not value.strip():
            if default is self.NOTSET:
                raise ImproperlyConfigured(f"Set the {var} environment variable")
            if parse_default and default is not None:
                return self.parse_value(default, cast)
            return default
        if cast is None and default is not None and default is not self.NOTSET:
            cast = type(default)
        return self.parse_value(value, cast)
