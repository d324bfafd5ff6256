"""The audit log: every hook writes its entry, nobody changes or deletes one, retention and purge, and who
reads it."""

import datetime
import io

import pytest
from django.core.checks import Error
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone

from audit.checks import check_retention
from audit.choices import AuditAction
from audit.context import acting_as
from audit.middleware import AuditMiddleware
from audit.models import AuditEntry, AuditLogIsAppendOnly
from audit.services import record
from communities.models import Office
from tests.access import check_access
from tests.conftest import PASSWORD


def entries(action: str):
    return AuditEntry.objects.filter(action=action)


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


# --- Hooks ------------------------------------------------------------------------------------------------


def test_it_records_a_sign_in_and_a_sign_out(world):
    client = Client(REMOTE_ADDR="10.1.2.3")
    response = client.post(reverse("login"), {"username": "township", "password": PASSWORD})
    assert response.status_code == 302
    entry = entries(AuditAction.LOGIN).get()
    assert entry.user == world.users["township"]
    assert entry.username == "township"
    assert entry.ip_address == "10.1.2.3"
    assert entry.township == world.township
    client.post(reverse("logout"))
    assert entries(AuditAction.LOGOUT).get().user == world.users["township"]
    # Saving last_login at the sign-in is not a change of the account.
    assert not entries(AuditAction.UPDATE).exists()


def test_it_records_a_failed_sign_in_under_the_account_named(world):
    Client().post(reverse("login"), {"username": "office", "password": "wrong-password-1A"})
    entry = entries(AuditAction.LOGIN_FAILED).get()
    assert entry.username == "office"
    assert entry.user == world.users["office"]
    assert entry.township == world.township


def test_it_records_a_failed_sign_in_of_an_unknown_name(world):
    Client().post(reverse("login"), {"username": "nobody", "password": "wrong-password-1A"})
    entry = entries(AuditAction.LOGIN_FAILED).get()
    assert (entry.username, entry.user, entry.township) == ("nobody", None, None)


def test_it_records_a_lockout(world):
    from audit.signals import on_locked_out

    request = RequestFactory().post("/accounts/login/", REMOTE_ADDR="10.9.9.9")
    on_locked_out("axes", request=request, username="village", ip_address="10.9.9.9")
    entry = entries(AuditAction.LOCKOUT).get()
    assert entry.user == world.users["village"]
    assert entry.ip_address == "10.9.9.9"
    assert entry.township == world.township


def test_axes_lockout_signal_reaches_the_log(world):
    axes_signals = pytest.importorskip("axes.signals")
    request = RequestFactory().post("/accounts/login/")
    axes_signals.user_locked_out.send("axes", request=request, username="township", ip_address="127.0.0.1")
    assert entries(AuditAction.LOCKOUT).filter(username="township").exists()


def test_it_records_an_export_with_its_row_count_and_file_name(party, world):
    response = login(world.users["township"]).get(reverse("members:member_list"), {"export": "xlsx"})
    assert response.status_code == 200
    entry = entries(AuditAction.EXPORT).get()
    assert entry.user == world.users["township"]
    assert entry.count == 3  # the township's three people; the other township's one is not its to export
    assert entry.detail["filename"].endswith(".xlsx")
    assert entry.path == "/members/?export=xlsx"
    assert entry.township == world.township


def test_a_page_is_not_an_export(party, world):
    login(world.users["township"]).get(reverse("members:member_list"))
    assert not entries(AuditAction.EXPORT).exists()


def test_a_background_workbook_download_is_recorded_without_a_count(world, settings, tmp_path):
    from django.core.files.base import ContentFile

    from jobs.models import Job

    settings.MEDIA_ROOT = tmp_path
    job = Job.objects.create(owner=world.users["township"], kind="reports.county", title="报表", state="done")
    job.result_file.save("报表.xlsx", ContentFile(b"PK"), save=False)
    job.result_name = "报表.xlsx"
    job.save()
    response = login(world.users["township"]).get(reverse("jobs:job_download", args=[job.pk]))
    assert response.status_code == 200
    b"".join(response.streaming_content)
    entry = entries(AuditAction.EXPORT).get()
    assert entry.count is None
    assert entry.detail["filename"] == "报表.xlsx"


def test_changes_record_the_acting_user(world):
    staff = world.users["township"]
    with acting_as(staff):
        office = Office.objects.create(township=world.township, name="新区办事处", sort_order=9)
        office.phone = "0558-1234567"
        office.save()
        office.delete()
    rows = list(AuditEntry.objects.filter(object_repr="新区办事处").order_by("pk"))
    assert [e.action for e in rows] == [AuditAction.CREATE, AuditAction.UPDATE, AuditAction.DELETE]
    assert {e.user for e in rows} == {staff}
    assert {e.township_id for e in rows} == {world.township.pk}
    assert rows[0].object_type.model_class() is Office


def test_a_change_through_a_page_names_the_user_and_what_changed(world):
    staff = world.users["township"]
    client = login(staff)
    url = reverse("communities:office_update", args=[world.office.pk])
    response = client.post(
        url, {"name": world.office.name, "sort_order": 1, "address": "", "phone": "0558-7654321"}
    )
    assert response.status_code == 302
    entry = entries(AuditAction.UPDATE).get(object_id=str(world.office.pk))
    assert entry.user == staff
    assert entry.path == url
    page = client.get(reverse("audit:entry_detail", args=[entry.pk]))
    assert "0558-7654321" in page.content.decode()  # the office's phone is not personal data


def test_changes_without_an_actor_are_not_recorded(world):
    Office.objects.create(township=world.township, name="无人办事处", sort_order=8)
    assert not AuditEntry.objects.filter(object_repr="无人办事处").exists()


def test_a_superusers_change_is_filed_under_the_records_township(world):
    from accounts.models import User

    admin = User.objects.create_superuser("root", password=PASSWORD)
    with acting_as(admin):
        world.far_office.address = "南湖街 1 号"
        world.far_office.save()
    assert entries(AuditAction.UPDATE).get().township == world.other_township


# --- Nobody edits or deletes ------------------------------------------------------------------------------


def test_entries_cannot_be_changed_or_deleted(world):
    entry = record(AuditAction.LOGIN, user=world.users["township"])
    entry.username = "someone-else"
    with pytest.raises(AuditLogIsAppendOnly):
        entry.save()
    with pytest.raises(AuditLogIsAppendOnly):
        entry.delete()
    with pytest.raises(AuditLogIsAppendOnly):
        AuditEntry.objects.all().delete()
    with pytest.raises(AuditLogIsAppendOnly):
        AuditEntry.objects.filter(pk=entry.pk).update(username="x")
    assert AuditEntry.objects.get(pk=entry.pk).username == "township"


def test_the_admin_shows_the_log_read_only(world):
    entry = record(AuditAction.LOGIN, user=world.users["township"])
    client = login(world.users["township"])
    assert client.get(reverse("admin:audit_auditentry_changelist")).status_code == 200
    assert client.get(reverse("admin:audit_auditentry_change", args=[entry.pk])).status_code == 200
    assert client.get(reverse("admin:audit_auditentry_add")).status_code == 403
    assert client.get(reverse("admin:audit_auditentry_delete", args=[entry.pk])).status_code == 403
    assert (
        client.post(reverse("admin:audit_auditentry_delete", args=[entry.pk]), {"post": "yes"}).status_code
        == 403
    )
    client.post(reverse("admin:audit_auditentry_change", args=[entry.pk]), {"username": "x"})
    assert AuditEntry.objects.filter(pk=entry.pk, username="township").exists()


# --- Retention --------------------------------------------------------------------------------------------


def test_a_retention_below_184_days_is_refused(settings):
    settings.AUDIT_RETENTION_DAYS = 183
    errors = check_retention()
    assert [e.id for e in errors] == ["audit.E001"] and isinstance(errors[0], Error)
    assert "184" in errors[0].msg and "审计日志" in errors[0].msg
    with pytest.raises(ImproperlyConfigured):
        AuditMiddleware(lambda request: None)
    settings.AUDIT_RETENTION_DAYS = 184
    assert check_retention() == []


def test_the_default_retention_is_a_year():
    from django.conf import settings

    assert settings.AUDIT_RETENTION_DAYS == 365


def test_purge_deletes_only_entries_older_than_the_retention(world, settings):
    settings.AUDIT_RETENTION_DAYS = 200
    now = timezone.now()
    old = AuditEntry.objects.create(
        action=AuditAction.LOGIN, username="a", at=now - datetime.timedelta(days=201)
    )
    kept = AuditEntry.objects.create(
        action=AuditAction.LOGIN, username="b", at=now - datetime.timedelta(days=199)
    )
    out = io.StringIO()
    call_command("purge_audit", stdout=out)
    assert "1" in out.getvalue()
    assert not AuditEntry.objects.filter(pk=old.pk).exists()
    assert AuditEntry.objects.filter(pk=kept.pk).exists()
    assert entries(AuditAction.PURGE).get().count == 1


# --- Reading the log --------------------------------------------------------------------------------------


def test_township_staff_read_their_townships_entries_only(world):
    ours = record(AuditAction.LOGIN, user=world.users["office"])
    theirs = record(AuditAction.LOGIN, user=world.users["other_township"])
    page = login(world.users["township"]).get(reverse("audit:entry_list"))
    seen = set(page.context["table"].data)
    assert ours in seen and theirs not in seen
    assert {e.township_id for e in seen} == {world.township.pk}
    other = login(world.users["other_township"]).get(reverse("audit:entry_list"))
    assert set(other.context["table"].data) == set(AuditEntry.objects.filter(township=world.other_township))
    assert ours not in set(other.context["table"].data)
    assert (
        login(world.users["other_township"]).get(reverse("audit:entry_detail", args=[ours.pk])).status_code
        == 404
    )


def test_the_list_filters_and_exports(world):
    staff = world.users["township"]
    record(AuditAction.LOGIN_FAILED, user=world.users["office"], detail={}, path="/x")
    record(AuditAction.UNMASK, user=world.users["village"], path="/members/1/unmask/")
    client = login(staff)
    page = client.get(reverse("audit:entry_list"), {"action": AuditAction.LOGIN_FAILED})
    assert [e.username for e in page.context["table"].data] == ["office"]
    page = client.get(reverse("audit:entry_list"), {"user": world.users["office"].pk})
    assert [e.action for e in page.context["table"].data] == [AuditAction.LOGIN_FAILED]
    page = client.get(reverse("audit:entry_list"), {"q": "unmask"})
    assert [e.username for e in page.context["table"].data] == ["village"]
    tomorrow = (timezone.localdate() + datetime.timedelta(days=1)).isoformat()
    assert not list(client.get(reverse("audit:entry_list"), {"date_from": tomorrow}).context["table"].data)
    assert "审计日志" in client.get(reverse("audit:entry_list")).content.decode()
    response = client.get(reverse("audit:entry_list"), {"export": "xlsx"})
    assert response.status_code == 200
    assert entries(AuditAction.EXPORT).get().count >= 2


def test_access_to_the_audit_pages(world):
    entry = record(AuditAction.LOGIN, user=world.users["office"])
    others = {r: 403 for r in ("office", "other_office", "village", "other_village", "county")}
    check_access(
        world,
        reverse("audit:entry_list"),
        {"anonymous": 302, "township": 200, "other_township": 200, **others},
    )
    check_access(
        world,
        reverse("audit:entry_detail", args=[entry.pk]),
        {"anonymous": 302, "township": 200, "other_township": 404, **others},
    )


def test_the_nav_shows_the_log_to_township_staff_only(world):
    assert reverse("audit:entry_list") in login(world.users["township"]).get("/").content.decode()
    assert reverse("audit:entry_list") not in login(world.users["office"]).get("/").content.decode()
