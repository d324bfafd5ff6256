from unittest import mock

from django.db import OperationalError
from django.test import Client


def test_healthz_answers_without_login(db):
    response = Client().get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "ok"}


def test_healthz_reports_a_database_it_cannot_reach(db):
    # Simulates the database going away; everything else is real.
    with mock.patch("config.views.connection.cursor", side_effect=OperationalError("down")):
        response = Client().get("/healthz")
    assert response.status_code == 503
    assert response.json()["database"] == "error"
