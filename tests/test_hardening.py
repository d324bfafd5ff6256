"""Hardening: the Content-Security-Policy, the production settings, and the Chinese error pages (403, 404,
500, and 503 while the database is down)."""

import os
import re
import secrets
import subprocess
import sys
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.contrib.staticfiles import finders
from django.db import connections
from django.test import Client, RequestFactory
from django.urls import reverse

from config.views import server_error

BASE_DIR = Path(settings.BASE_DIR)


def stylesheet(path: str) -> str:
    """A page's own CSS, linked from its {% block styles %} since the policy forbids inline <style>."""
    return Path(finders.find(path)).read_text()


def login(user) -> Client:
    client = Client(raise_request_exception=False)
    client.force_login(user)
    return client


def test_every_response_carries_the_content_security_policy(world):
    for response in (Client().get(reverse("login")), login(world.users["township"]).get(reverse("home"))):
        assert response.status_code == 200
        policy = dict(
            directive.strip().split(" ", 1) for directive in response["Content-Security-Policy"].split(";")
        )
        assert policy["script-src"] == "'self'"
        assert policy["style-src"] == "'self'"
        assert policy["frame-ancestors"] == "'none'"
        assert policy["object-src"] == "'none'"
        assert "unsafe-inline" not in policy["default-src"] + policy["script-src"] + policy["style-src"]
        assert response["X-Frame-Options"] == "DENY"
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["Referrer-Policy"] == "same-origin"


INLINE_CODE = [
    (re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>", re.I), "inline <script>"),
    (re.compile(r"<style\b", re.I), "<style> block"),
    (
        re.compile(
            r"(?<![\w-])on(?:click|change|submit|load|input|focus|blur|key\w+|mouse\w+|error)\s*=", re.I
        ),
        "on* handler",
    ),
    (re.compile(r"javascript:", re.I), "javascript: URL"),
]


def project_templates():
    for directory in [BASE_DIR / "templates", *BASE_DIR.glob("*/templates")]:
        if ".venv" in directory.parts or "node_modules" in directory.parts:
            continue
        yield from directory.rglob("*.html")


def test_no_template_has_inline_script_style_or_event_handlers():
    """The policy would block them: behaviour lives in static/js, looks in static/css."""
    found = [
        f"{path.relative_to(BASE_DIR)}:{text[: match.start()].count(chr(10)) + 1}: {what}"
        for path in project_templates()
        for text in [path.read_text()]
        for pattern, what in INLINE_CODE
        for match in pattern.finditer(text)
    ]
    assert len(list(project_templates())) > 100
    assert found == []


def test_the_production_settings_pass_the_deploy_check():
    env = {key: value for key, value in os.environ.items() if not key.startswith("DJANGO_")}
    env |= {
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "DJANGO_DEBUG": "0",
        "DJANGO_SECRET_KEY": secrets.token_urlsafe(64),
        "DJANGO_ALLOWED_HOSTS": "dangjian.example.gov.cn",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_a_page_outside_the_scope_is_a_chinese_404(world):
    response = login(world.users["township"]).get("/no-such-page/")
    assert response.status_code == 404
    assert "未找到" in response.content.decode()


def test_a_change_the_role_may_not_make_is_a_chinese_403(party, world):
    response = login(world.users["county"]).get(reverse("members:member_update", args=[party.member.pk]))
    assert response.status_code == 403
    assert "无权操作" in response.content.decode()


def test_a_server_error_is_a_chinese_500(db):
    try:
        raise ValueError("a bug")
    except ValueError:
        response = server_error(RequestFactory().get("/"))
    assert response.status_code == 500
    assert "系统错误" in response.content.decode()


@contextmanager
def database_down(tmp_path):
    """The default database really cannot be reached: its connection is put aside and the next connect
    goes to a SQLite file in a missing folder, or to a PostgreSQL port nothing listens on."""
    connection = connections["default"]
    saved_settings, saved_connection = dict(connection.settings_dict), connection.connection
    connection.connection = None
    if connection.vendor == "sqlite":
        connection.settings_dict["NAME"] = str(tmp_path / "missing" / "db.sqlite3")
    else:
        connection.settings_dict.update(HOST="127.0.0.1", PORT="1")
    try:
        yield
    finally:
        connection.settings_dict.update(saved_settings)
        connection.connection = saved_connection


def test_a_database_outage_is_a_chinese_503_page(transactional_db, world, tmp_path):
    client = login(world.users["township"])
    with database_down(tmp_path):
        response = client.get(reverse("home"))
    assert response.status_code == 503
    assert "系统暂时无法使用" in response.content.decode()
    assert response["Content-Security-Policy"]
    assert client.get(reverse("home")).status_code == 200  # and back when the database is


def test_logging_in_during_an_outage_is_a_chinese_503_page(transactional_db, world, tmp_path):
    client = Client(raise_request_exception=False)
    assert client.get(reverse("login")).status_code == 200
    with database_down(tmp_path):
        # The login page itself needs no database; checking the password does.
        assert client.get(reverse("login")).status_code == 200
        response = client.post(reverse("login"), {"username": "township", "password": "whatever-2026"})
    assert response.status_code == 503
    assert "系统暂时无法使用" in response.content.decode()


def test_healthz_says_when_the_database_is_down(transactional_db, tmp_path):
    with database_down(tmp_path):
        response = Client().get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "error", "database": "error"}
    assert Client().get("/healthz").status_code == 200
