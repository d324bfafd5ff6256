"""What every signed-in request costs before its page does anything (issue 10): a bounded number of queries,
no write within the minute, and with Redis the session read from the cache, while timing out, ending a
session and logging out still work. And the list filters' dropdowns, written without a template per
option, give the same HTML as Django's."""

import pytest
from django import forms
from django.db import connection
from django.test import Client, RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from accounts.models import UserSession
from branches.choices import BranchKind
from branches.models import Branch
from members.filters import MemberFilterSet
from members.models import Member
from records.filters import Select
from tests.test_security_auth import TIMED_OUT, is_signed_in, logged_in, shift

CACHED_SESSIONS = {
    "SESSION_ENGINE": "django.contrib.sessions.backends.cached_db",
    "CACHES": {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}},
}


def queries_of(client: Client, url: str) -> list[str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return [query["sql"] for query in queries.captured_queries]


def writes(sql: list[str]) -> list[str]:
    return [s for s in sql if s.split(None, 1)[0].upper() in {"INSERT", "UPDATE", "DELETE"}]


@pytest.mark.parametrize("username", ["township", "village", "county"])
def test_a_signed_in_request_reads_the_session_and_the_user_once_and_writes_nothing(world, username):
    client = logged_in(username)
    client.get(reverse("healthz"))
    sql = queries_of(client, reverse("healthz"))
    # The session, the user, and the health check's own SELECT 1.
    assert len(sql) == 3, sql
    assert sum("django_session" in s for s in sql) == 1
    assert sum('FROM "accounts_user"' in s for s in sql) == 1
    assert not writes(sql)


def test_a_light_page_costs_a_few_queries_whatever_the_number_of_sessions(world):
    staff = logged_in("township")
    few = queries_of(staff, reverse("accounts:session_list"))
    for number in range(5):
        logged_in("village", f"10.0.2.{number}")
    many = queries_of(staff, reverse("accounts:session_list"))
    assert len(many) == len(few) <= 6, many
    assert not writes(many)


def test_with_a_cache_the_session_is_not_read_from_the_database(world, settings):
    for name, value in CACHED_SESSIONS.items():
        setattr(settings, name, value)
    client = logged_in("township")
    client.get(reverse("healthz"))
    sql = queries_of(client, reverse("healthz"))
    assert len(sql) == 2 and not any("django_session" in s for s in sql), sql
    assert not writes(sql)


def test_with_a_cache_staff_still_end_a_session_and_it_is_gone_from_both(world, settings):
    for name, value in CACHED_SESSIONS.items():
        setattr(settings, name, value)
    village = logged_in("village", "10.0.0.7")
    assert is_signed_in(village)
    staff = logged_in("township", "10.0.0.8")
    row = UserSession.objects.get(user__username="village")
    staff.post(reverse("accounts:session_end", args=[row.pk]))
    assert not is_signed_in(village)
    assert not UserSession.objects.filter(user__username="village").exists()
    from django.contrib.sessions.backends.cached_db import SessionStore
    from django.contrib.sessions.models import Session

    assert not Session.objects.filter(session_key=row.session_key).exists()
    assert not SessionStore().exists(row.session_key)


def test_with_a_cache_an_idle_session_still_times_out_and_logout_still_ends_it(world, settings):
    for name, value in CACHED_SESSIONS.items():
        setattr(settings, name, value)
    client = logged_in("village")
    shift(client, seen=31 * 60)
    response = client.get("/members/", follow=True)
    assert TIMED_OUT in response.content.decode()
    assert not is_signed_in(client)

    client = logged_in("village")
    key = client.session.session_key
    client.post(reverse("logout"))
    assert not is_signed_in(client)
    from django.contrib.sessions.backends.cached_db import SessionStore

    assert not SessionStore().exists(key)


# --- the list filters' dropdowns ----------------------------------------------------------------------


@pytest.mark.parametrize("username", ["township", "county", "village"])
def test_the_member_filters_render_the_same_html_as_djangos_select(world, username):
    # A name that must be escaped, and a chosen value: the selected option and the escaping both count.
    branch = Branch.objects.create(
        office=world.office, kind=BranchKind.OFFICE_GENERAL, name="<b>\"甲&乙'</b>"
    )
    request = RequestFactory().get("/members/", {"branch": str(branch.pk), "gender": "female", "q": '<"'})
    request.user = world.users[username]
    filterset = MemberFilterSet(request.GET, Member.objects.for_user(request.user), request=request)
    compared = 0
    for field in filterset.form:
        widget = field.field.widget
        if type(widget) is not Select:
            continue
        ours = str(field)
        widget.__class__ = forms.Select
        assert ours == str(field), field.name
        compared += 1
    assert compared >= 8
    if username != "village":
        assert "&lt;b&gt;&quot;甲&amp;乙&#x27;&lt;/b&gt;" in str(filterset.form["branch"])


def test_a_select_with_option_groups_renders_as_djangos(db):
    choices = [("", "全部"), ("组一", [("1", "甲"), ("2", "乙 & 丙")]), ("3", "丁")]
    attrs = {"class": "form-select", "required": True, "disabled": False, "data-x": '"'}
    ours = Select(attrs=attrs, choices=choices).render("kind", "2")
    assert ours == forms.Select(attrs=attrs, choices=choices).render("kind", "2")
    assert "<optgroup" in ours and " required" in ours and "disabled" not in ours
