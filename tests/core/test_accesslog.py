"""The access log holds no password-reset token (issue #28, fault 8): gunicorn's logger
class from deploy/gunicorn.conf.py masks it in the request line, path and referrer."""

import datetime
import logging
import runpy
from pathlib import Path
from types import SimpleNamespace

import pytest
from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode
from gunicorn.config import Config

from praevention.core.accesslog import MaskingLogger

pytestmark = pytest.mark.django_db

CONF = Path(__file__).resolve().parents[2] / "deploy" / "gunicorn.conf.py"


def test_the_deployment_uses_the_masking_logger():
    assert runpy.run_path(str(CONF))["logger_class"] == "praevention.core.accesslog.MaskingLogger"


def test_a_reset_link_is_logged_without_its_token(kernteam_jug, caplog):
    token = default_token_generator.make_token(kernteam_jug)
    uid = urlsafe_base64_encode(force_bytes(kernteam_jug.pk))
    path = reverse("accounts:password_reset_confirm", args=[uid, token])
    config = Config()
    config.set("accesslog", "-")
    logger = MaskingLogger(config)
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": path,
        "PATH_INFO": path,
        "QUERY_STRING": "",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "192.0.2.1",
        "HTTP_REFERER": "https://praevention.example" + path,
    }
    request = SimpleNamespace(headers=[("REFERER", "https://praevention.example" + path)])
    response = SimpleNamespace(status="302 Found", sent=0, headers=[])
    with caplog.at_level(logging.INFO, logger="gunicorn.access"):
        logger.access_log.propagate = True
        logger.access(response, request, environ, datetime.timedelta(milliseconds=5))
    logged = caplog.text
    assert "/konto/passwort/neu/" in logged
    assert token not in logged
    assert "/konto/passwort/neu/" + uid + "/…/" in logged
    # The page after the redirect keeps its path.
    set_password = reverse("accounts:password_reset_confirm", args=[uid, "set-password"])
    assert (
        MaskingLogger.atoms(
            logger,
            response,
            request,
            {**environ, "RAW_URI": set_password, "PATH_INFO": set_password},
            datetime.timedelta(milliseconds=5),
        )["U"]
        == set_password
    )
