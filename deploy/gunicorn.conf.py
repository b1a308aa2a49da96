"""gunicorn's settings in the Docker image (`gunicorn --config deploy/gunicorn.conf.py`).

Read from the environment; every variable is listed in `.env.example`, a blank one counts as
unset. docs/OPERATIONS.md explains them.
"""

import os


def _number(name: str, default: int) -> int:
    value = os.environ.get(name, "").strip()
    return int(value) if value else default


# Inside the container; docker-compose.yml publishes the port on the host's loopback only.
bind = "0.0.0.0:8000"
workers = _number("GUNICORN_WORKERS", 3)
timeout = _number("GUNICORN_TIMEOUT", 120)
# A worker is replaced after this many requests, each after a different number (jitter) so
# they do not restart together: the memory a large export or import took is given back
# (issue #28: workers grew to 420–760 MB and kept it). 0 switches it off.
max_requests = _number("GUNICORN_MAX_REQUESTS", 1000)
max_requests_jitter = _number("GUNICORN_MAX_REQUESTS_JITTER", 100)
accesslog = "-"
# Password-reset tokens never reach the access log (praevention/core/accesslog.py, issue #28).
logger_class = "praevention.core.accesslog.MaskingLogger"
errorlog = "-"
