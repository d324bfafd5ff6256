"""The access matrix, proven exhaustively (issue 9): every URL pattern of the project, taken from the URL
resolver, is tried by every role (tests/access.py ROLES) with GET and with an empty POST, on a record IN
the `office` user's scope (world.office of world.township) and on one OUT of it (world.far_office of the
other township), and each answer is compared with the status written down here. A URL without a written
expectation fails the build; so does any answer that differs, all of a URL's differences listed at once.
Every request runs in a savepoint that is rolled back, so each role meets the same records.

Also here: Django's admin (township staff are `is_staff`; the others go to the admin login) and the edit
forms' dropdowns, which offer nothing out of scope. The exports' rows are proven in tests/test_exports.py.
"""

import dataclasses
from collections.abc import Callable

import pytest
from django.db import transaction
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from tests.access import ROLES
from tests.matrix_data import DUTY_MONTH, DUTY_YEAR, Data, Side

# --- The URLs, from the resolver ----------------------------------------------------------------------------

SKIPPED_NAMESPACES = {"admin"}  # Django's own admin: test_the_admin below
SKIPPED_NAMES = {"set_language"}  # Django's language switch (i18n); static and media are not in urlpatterns


def walk(resolver: URLResolver, prefix: str = "", namespace: str = ""):
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            inner = ":".join(part for part in (namespace, pattern.namespace or "") if part)
            yield from walk(pattern, prefix + str(pattern.pattern), inner)
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}:{pattern.name}" if namespace and pattern.name else pattern.name
            yield name, prefix + str(pattern.pattern), dict(pattern.pattern.converters)


def project_urls() -> tuple[dict[str, tuple[str, dict]], list[str]]:
    """Named URLs (name -> route, converters), and the routes of unnamed ones outside the admin."""
    found, unnamed = {}, []
    for name, route, converters in walk(get_resolver()):
        if name is None:
            # Unnamed patterns are the admin's (per-object redirects, its catch-all); nothing else may hide.
            if not route.startswith("admin/"):
                unnamed.append(route)
            continue
        if name.split(":")[0] in SKIPPED_NAMESPACES or name in SKIPPED_NAMES:
            continue
        found[name] = (route, converters)
    return found, unnamed


URLS, UNNAMED = project_urls()


# --- The expectations ---------------------------------------------------------------------------------------
#
# A status row lists the statuses of ROLES in their order:
#   anonymous  township  other_township  office  other_office  village  other_village  county
# `get`/`post` are (in scope, out of scope); a URL without a record has only the first.
# 302 for anonymous is always to the login page (checked).


@dataclasses.dataclass
class Expect:
    kwargs: Callable[[Side], dict] | None
    get: tuple[str, ...]
    post: tuple[str, ...]
    setup: Callable[[Data], object] | None = None  # records a URL without a record still needs


def statuses(row: str) -> dict[str, int]:
    values = [int(value) for value in row.split()]
    assert len(values) == len(ROLES), f"a status row needs {len(ROLES)} statuses: {row!r}"
    return dict(zip(ROLES, values, strict=True))


def pk(attribute: str) -> Callable[[Side], dict]:
    def build(side: Side) -> dict:
        obj = side
        for part in attribute.split("."):
            obj = getattr(obj, part)
        return {"pk": obj.pk}

    return build


def duty_month(side: Side) -> dict:
    return {"pk": side.duty_post.pk, "year": DUTY_YEAR, "month": DUTY_MONTH}


def duty_member(side: Side) -> dict:
    return {"pk": side.duty_post.pk, "member_pk": side.duty_member.pk}


def post_pk(side: Side) -> dict:
    return {"post_pk": side.duty_post.pk}


def log_day(side: Side) -> dict:
    return {"pk": side.duty_post.pk, "day": side.log_entry.on}


def ledger_month(side: Side) -> dict:
    side.ledger  # noqa: B018
    return {"office_id": side.office.pk, "month": side.ledger_month}


def round_action(side: Side) -> dict:
    return {"pk": side.round.pk, "action": "refresh"}


def first_day(side: Side) -> dict:
    return {"pk": side.duty_days[0].pk}


def feed(side: Side) -> dict:
    return {"token": side.duty_member.feed_token}


def sign_in(side: Side) -> dict:
    return {"token": side.sign_in_token}


EXPECTED: dict[str, Expect] = {
    "accounts:session_end": Expect(
        pk("user_session"),
        get=("302 200 404 403 403 403 403 403", "302 404 200 403 403 403 403 403"),
        post=("302 302 404 403 403 403 403 403", "302 404 302 403 403 403 403 403"),
    ),
    "accounts:session_list": Expect(
        None, get=("302 200 200 403 403 403 403 403",), post=("302 200 200 403 403 403 403 403",)
    ),
    "accounts:totp_enrol": Expect(
        None, get=("302 200 200 200 200 200 200 200",), post=("302 200 200 200 200 200 200 200",)
    ),
    "accounts:totp_remove": Expect(
        None, get=("302 405 405 405 405 405 405 405",), post=("302 302 302 302 302 302 302 302",)
    ),
    "accounts:totp_verify": Expect(
        None, get=("302 302 302 302 302 302 302 302",), post=("302 302 302 302 302 302 302 302",)
    ),
    "assessments:entry_attachment": Expect(
        pk("entry_attachment"),
        get=("302 200 404 200 404 404 404 404", "302 404 200 404 404 404 404 404"),
        post=("302 200 404 200 404 404 404 404", "302 404 200 404 404 404 404 404"),
    ),
    "assessments:inspection_create": Expect(
        None, get=("302 200 200 403 403 403 403 403",), post=("302 200 200 403 403 403 403 403",)
    ),
    "assessments:inspection_delete": Expect(
        pk("inspection"),
        get=("302 200 404 403 404 404 404 403", "302 404 200 404 404 404 404 403"),
        post=("302 302 404 403 404 404 404 403", "302 404 302 404 404 404 404 403"),
    ),
    "assessments:inspection_detail": Expect(
        pk("inspection"),
        get=("302 200 404 200 404 404 404 200", "302 404 200 404 404 404 404 200"),
        post=("302 405 405 405 405 405 405 405", "302 405 405 405 405 405 405 405"),
    ),
    "assessments:inspection_list": Expect(
        None, get=("302 200 200 200 200 200 200 200",), post=("302 405 405 405 405 405 405 405",)
    ),
    "assessments:inspection_print": Expect(
        pk("inspection"),
        get=("302 200 404 200 404 404 404 200", "302 404 200 404 404 404 404 200"),
        post=("302 405 405 405 405 405 405 405", "302 405 405 405 405 405 405 405"),
    ),
    "assessments:inspection_update": Expect(
        pk("inspection"),
        get=("302 200 404 403 404 404 404 403", "302 404 200 404 404 404 404 403"),
        post=("302 200 404 403 404 404 404 403", "302 404 200 404 404 404 404 403"),
    ),
    "assessments:objection_answer": Expect(
        pk("objection"),
        get=("302 405 405 405 405 405 405 405", "302 405 405 405 405 405 405 405"),
        post=("302 302 404 403 404 404 404 404", "302 404 302 404 404 404 404 404"),
    ),
    "assessments:rectification_create": Expect(
        pk("inspection"),
        get=("302 200 404 403 404 404 404 403", "302 404 200 404 404 404 404 403"),
        post=("302 200 404 403 404 404 404 403", "302 404 200 404 404 404 404 403"),
    ),
    "assessments:rectification_evidence": Expect(
        pk("rectification"),
        get=("302 200 404 200 404 404 404 200", "302 404 200 404 404 404 404 200"),
        post=("302 200 404 200 404 404 404 200", "302 404 200 404 404 404 404 200"),
    ),
    "assessments:rectification_list": Expect(
        None, get=("302 200 200 200 200 200 200 200",), post=("302 405 405 405 405 405 405 405",)
    ),
    "assessments:rectification_update": Expect(
        pk("rectification"),
        get=("302 200 404 200 404 404 404 403", "302 404 200 404 404 404 404 403"),
        post=("302 200 404 200 404 404 404 403", "302 404 200 404 404 404 404 403"),
    ),
    "assessments:round_action": Expect(
        round_action,
        get=("302 200 404 403 403 404 404 404", "302 404 200 404 404 404 404 404"),
        post=("302 302 404 403 403 404 404 404", "302 404 302 404 404 404 404 404"),
    ),
    "assessments:round_compare": Expect(
        None, get=("302 200 200 200 200 404 404 200",), post=("302 405 405 405 405 404 404 405",)
    ),
    "assessments:round_detail": Expect(
        pk("round"),
        get=("302 200 404 200 200 404 404 404", "302 404 200 404 404 404 404 404"),
        post=("302 405 404 405 405 404 404 404", "302 404 405 404 404 404 404 404"),
    ),
    "assessments:round_list": Expect(
        None, get=("302 200 200 200 200 404 404 200",), post=("302 200 200 403 403 404 404 403",)
    ),
    "assessments:sheet_detail": Expect(
        pk("sheet"),
        get=("302 200 404 200 404 404 404 404", "302 404 200 404 404 404 404 404"),
        post=("302 200 404 200 404 404 404 404", "302 404 200 404 404 404 404 404"),
    ),
    "assessments:sheet_objection": Expect(
        pk("sheet"),
        get=("302 405 405 405 405 405 405 405", "302 405 405 405 405 405 405 405"),
        post=("302 403 404 302 404 404 404 404", "302 404 403 404 404 404 404 404"),
    ),
    "assessments:sheet_print": Expect(
        pk("sheet"),
        get=("302 200 404 200 404 404 404 404", "302 404 200 404 404 404 404 404"),
        post=("302 200 404 200 404 404 404 404", "302 404 200 404 404 404 404 404"),
    ),
    "assessments:sheet_score": Expect(
        pk("sheet"),
        get=("302 200 404 403 404 404 404 404", "302 404 200 404 404 404 404 404"),
        post=("302 200 404 403 404 404 404 404", "302 404 200 404 404 404 404 404"),
    ),
    "assessments:sheet_self": Expect(
        pk("sheet"),
        get=("302 200 404 200 404 404 404 404", "302 404 200 404 404 404 404 404"),
        post=("302 200 404 200 404 404 404 404", "302 404 200 404 404 404 404 404"),
    ),
    "assessments:sheet_submit_self": Expect(
        pk("sheet"),
        get=("302 200 404 200 404 404 404 404", "302 404 200 404 404 404 404 404"),
        post=("302 302 404 302 404 404 404 404", "302 404 302 404 404 404 404 404"),
    ),
    "assessments:template_create": Expect(
        None, get=("302 302 302 403 403 404 404 403",), post=("302 302 302 403 403 404 404 403",)
    ),
    "assessments:template_detail": Expect(
        pk("template"),
        get=("302 200 404 200 200 404 404 200", "302 404 200 404 404 404 404 200"),
        post=("302 405 405 405 405 405 405 405", "302 405 405 405 405 405 405 405"),
    ),
    "assessments:template_item_create": Expect(
        pk("template"),
        get=("302 200 404 403 403 404 404 403", "302 404 200 404 404 404 404 403"),
        post=("302 200 404 403 403 404 404 403", "302 404 200 404 404 404 404 403"),
    ),
    "assessments:template_item_delete": Expect(
        pk("template_item"),
        get=("302 200 404 403 403 404 404 403", "302 404 200 404 404 404 404 403"),
        post=("302 302 404 403 403 404 404 403", "302 404 302 404 404 404 404 403"),
    ),
    "assessments:template_item_move": Expect(
        pk("template_item"),
        get=("302 405 404 403 403 404 404 403", "302 404 405 404 404 404 404 403"),
        post=("302 302 404 403 403 404 404 403", "302 404 302 404 404 404 404 403"),
    ),
    "assessments:template_item_update": Expect(
        pk("template_item"),
        get=("302 200 404 403 403 404 404 403", "302 404 200 404 404 404 404 403"),
        post=("302 200 404 403 403 404 404 403", "302 404 200 404 404 404 404 403"),
    ),
    "assessments:template_list": Expect(
        None, get=("302 200 200 200 200 404 404 200",), post=("302 405 405 405 405 404 404 405",)
    ),
    "assessments:template_update": Expect(
        pk("template"),
        get=("302 200 404 403 403 404 404 403", "302 404 200 404 404 404 404 403"),
        post=("302 200 404 403 403 404 404 403", "302 404 200 404 404 404 404 403"),
    ),
    "audit:entry_detail": Expect(
        pk("audit_entry"),
        get=("302 200 404 403 403 403 403 403", "302 404 200 403 403 403 403 403"),
        post=("302 405 405 403 403 403 403 403", "302 405 405 403 403 403 403 403"),
    ),
    "audit:entry_list": Expect(
        None, get=("302 200 200 403 403 403 403 403",), post=("302 405 405 403 403 403 403 403",)
    ),
    "branches:branch_create": Expect(
        None, get=("302 200 200 200 200 403 403 403",), post=("302 200 200 200 200 403 403 403",)
    ),
    "branches:branch_detail": Expect(
        pk("branch"),
        get=("302 200 404 200 404 200 404 200", "302 404 200 404 404 404 404 200"),
        post=("302 405 405 405 405 405 405 405", "302 405 405 405 405 405 405 405"),
    ),
    "branches:branch_dissolve": Expect(
        pk("branch"),
        get=("302 200 404 200 404 403 404 403", "302 404 200 404 404 404 404 403"),
        post=("302 200 404 200 404 403 404 403", "302 404 200 404 404 404 404 403"),
    ),
    "branches:branch_list": Expect(
        None, get=("302 200 200 200 200 200 200 200",), post=("302 405 405 405 405 405 405 405",)
    ),
    "branches:branch_rename": Expect(
        pk("branch"),
        get=("302 200 404 200 404 403 404 403", "302 404 200 404 404 404 404 403"),
        post=("302 200 404 200 404 403 404 403", "302 404 200 404 404 404 404 403"),
    ),
    "branches:branch_update": Expect(
        pk("branch"),
        get=("302 200 404 200 404 403 404 403", "302 404 200 404 404 404 404 403"),
        post=("302 200 404 200 404 403 404 403", "302 404 200 404 404 404 404 403"),
    ),
    "branches:post_create": Expect(
        None, get=("302 200 200 200 200 403 403 403",), post=("302 200 200 200 200 403 403 403",)
    ),
    "branches:post_update": Expect(
        pk("post"),
        get=("302 200 404 200 404 403 404 403", "302 404 200 404 404 404 404 403"),
        post=("302 200 404 200 404 403 404 403", "302 404 200 404 404 404 404 403"),
    ),
    "branches:reserve_create": Expect(
        None, get=("302 200 200 200 200 403 403 403",), post=("302 200 200 200 200 403 403 403",)
    ),
    "branches:reserve_update": Expect(
        pk("reserve"),
        get=("302 200 404 200 404 403 404 403", "302 404 200 404 404 404 404 403"),
        post=("302 200 404 200 404 403 404 403", "302 404 200 404 404 404 404 403"),
    ),
    "branches:term_create": Expect(
        None, get=("302 200 200 200 200 403 403 403",), post=("302 200 200 200 200 403 403 403",)
    ),
    "branches:term_update": Expect(
        pk("term"),
        get=("302 200 404 200 404 403 404 403", "302 404 200 404 404 404 404 403"),
        post=("302 200 404 200 404 403 404 403", "302 404 200 404 404 404 404 403"),
    ),
    "communities:community_create": Expect(
        None, get=("302 200 200 200 200 403 403 403",), post=("302 200 200 200 200 403 403 403",)
    ),
    "communities:community_update": Expect(
        pk("community"),
        get=("302 200 404 200 404 403 403 403", "302 404 200 404 404 404 404 403"),
        post=("302 200 404 200 404 403 403 403", "302 404 200 404 404 404 404 403"),
    ),
    "communities:office_detail": Expect(
        pk("office"),
        get=("302 200 404 200 404 404 404 200", "302 404 200 404 404 404 404 200"),
        post=("302 405 405 405 405 405 405 405", "302 405 405 405 405 405 405 405"),
    ),
    "communities:office_list": Expect(
        None, get=("302 200 200 200 200 200 200 200",), post=("302 405 405 405 405 405 405 405",)
    ),
    "communities:office_update": Expect(
        pk("office"),
        get=("302 200 404 403 404 404 404 403", "302 404 200 404 404 404 404 403"),
        post=("302 200 404 403 404 404 404 403", "302 404 200 404 404 404 404 403"),
    ),
    "communities:township_detail": Expect(
        pk("township"),
        get=("302 200 404 404 404 404 404 200", "302 404 200 404 404 404 404 200"),
        post=("302 405 405 405 405 405 405 405", "302 405 405 405 405 405 405 405"),
    ),
    "communities:township_list": Expect(
        None, get=("302 200 200 200 200 200 200 200",), post=("302 405 405 405 405 405 405 405",)
    ),
    "communities:village_create": Expect(
        None, get=("302 200 200 200 200 403 403 403",), post=("302 200 200 200 200 403 403 403",)
    ),
    "communities:village_detail": Expect(
        pk("village"),
        get=("302 200 404 200 404 200 404 200", "302 404 200 404 404 404 404 200"),
        post=("302 405 405 405 405 405 405 405", "302 405 405 405 405 405 405 405"),
    ),
    "communities:village_list": Expect(
        None, get=("302 200 200 200 200 200 200 200",), post=("302 405 405 405 405 405 405 405",)
    ),
    "communities:village_update": Expect(
        pk("village"),
        get=("302 200 404 200 404 403 404 403", "302 404 200 404 404 404 404 403"),
        post=("302 200 404 200 404 403 404 403", "302 404 200 404 404 404 404 403"),
    ),
    "duty_roster:calendar_create": Expect(
        None, get=("302 200 200 403 403 403 403 403",), post=("302 200 200 403 403 403 403 403",)
    ),
    "duty_roster:calendar_list": Expect(
        None, get=("302 200 200 200 200 200 200 200",), post=("302 405 405 405 405 405 405 405",)
    ),
    "duty_roster:calendar_update": Expect(
        pk("calendar_entry"),
        get=("302 200 404 403 403 403 403 403", "302 404 200 404 404 404 404 403"),
        post=("302 200 404 403 403 403 403 403", "302 404 200 404 404 404 404 403"),
    ),
    "duty_roster:change_accept": Expect(
        pk("duty_change"),
        get=("302 405 405 405 405 405 405 405", "302 405 405 405 405 405 405 405"),
        post=("302 403 404 403 404 403 302 403", "302 404 403 404 404 404 404 403"),
    ),
    "duty_roster:change_decline": Expect(
        pk("duty_change"),
        get=("302 405 405 405 405 405 405 405", "302 405 405 405 405 405 405 405"),
        post=("302 403 404 403 404 403 302 403", "302 404 403 404 404 404 404 403"),
    ),
    "duty_roster:change_list": Expect(
        post_pk,
        get=("302 200 404 200 404 200 200 200", "302 404 200 404 404 404 404 200"),
        post=("302 405 404 405 404 405 405 405", "302 404 405 404 404 404 404 405"),
    ),
    "duty_roster:change_request": Expect(
        first_day,
        get=("302 403 404 403 404 200 403 403", "302 404 403 404 404 404 404 403"),
        post=("302 403 404 403 404 200 403 403", "302 404 403 404 404 404 404 403"),
    ),
    "duty_roster:day_reassign": Expect(
        first_day,
        get=("302 200 404 200 404 403 403 403", "302 404 200 404 404 404 404 403"),
        post=("302 200 404 200 404 403 403 403", "302 404 200 404 404 404 404 403"),
    ),
    "duty_roster:day_update": Expect(
        first_day,
        get=("302 200 404 200 404 403 403 403", "302 404 200 404 404 404 404 403"),
        post=("302 200 404 200 404 403 403 403", "302 404 200 404 404 404 404 403"),
    ),
    "duty_roster:feed_reset": Expect(
        None,
        get=("302 403 403 403 403 200 200 403",),
        post=("302 403 403 403 403 302 302 403",),
        setup=lambda data: data.inside.duty_member,
    ),
    "duty_roster:ical_feed": Expect(
        feed,
        get=("200 200 200 200 200 200 200 200", "200 200 200 200 200 200 200 200"),
        post=("405 405 405 405 405 405 405 405", "405 405 405 405 405 405 405 405"),
    ),
    "duty_roster:leave_create": Expect(
        post_pk,
        get=("302 200 404 200 404 200 200 403", "302 404 200 404 404 404 404 403"),
        post=("302 200 404 200 404 200 200 403", "302 404 200 404 404 404 404 403"),
    ),
    "duty_roster:leave_list": Expect(
        post_pk,
        get=("302 200 404 200 404 200 200 200", "302 404 200 404 404 404 404 200"),
        post=("302 405 404 405 404 405 405 405", "302 404 405 404 404 404 404 405"),
    ),
    "duty_roster:log_day": Expect(
        log_day,
        get=("302 200 404 200 404 200 200 200", "302 404 200 404 404 404 404 200"),
        post=("302 200 404 200 404 403 403 403", "302 404 200 404 404 404 404 403"),
    ),
    "duty_roster:log_entry_delete": Expect(
        pk("log_entry"),
        get=("302 200 404 200 404 200 403 403", "302 404 200 404 404 404 404 403"),
        post=("302 302 404 302 404 302 403 403", "302 404 302 404 404 404 404 403"),
    ),
    "duty_roster:log_entry_to_ledger": Expect(
        pk("log_entry"),
        get=("302 405 404 405 404 405 405 405", "302 404 405 404 404 404 404 405"),
        post=("302 302 404 302 404 302 403 403", "302 404 302 404 404 404 404 403"),
    ),
    "duty_roster:log_entry_update": Expect(
        pk("log_entry"),
        get=("302 200 404 200 404 200 403 403", "302 404 200 404 404 404 404 403"),
        post=("302 200 404 200 404 200 403 403", "302 404 200 404 404 404 404 403"),
    ),
    "duty_roster:log_list": Expect(
        pk("duty_post"),
        get=("302 200 404 200 404 200 200 200", "302 404 200 404 404 404 404 200"),
        post=("302 405 404 405 404 405 405 405", "302 404 405 404 404 404 404 405"),
    ),
    "duty_roster:member_active": Expect(
        duty_member,
        get=("302 405 404 405 404 403 403 403", "302 404 405 404 404 404 404 403"),
        post=("302 302 404 302 404 403 403 403", "302 404 302 404 404 404 404 403"),
    ),
    "duty_roster:member_move": Expect(
        duty_member,
        get=("302 405 404 405 404 403 403 403", "302 404 405 404 404 404 404 403"),
        post=("302 302 404 302 404 403 403 403", "302 404 302 404 404 404 404 403"),
    ),
    "duty_roster:member_sync": Expect(
        pk("duty_post"),
        get=("302 405 404 405 404 403 403 403", "302 404 405 404 404 404 404 403"),
        post=("302 302 404 302 404 403 403 403", "302 404 302 404 404 404 404 403"),
    ),
    "duty_roster:month_export": Expect(
        duty_month,
        get=("302 200 404 200 404 200 200 200", "302 404 200 404 404 404 404 200"),
        post=("302 405 405 405 405 405 405 405", "302 405 405 405 405 405 405 405"),
    ),
    "duty_roster:month_generate": Expect(
        duty_month,
        get=("302 405 404 405 404 403 403 403", "302 404 405 404 404 404 404 403"),
        post=("302 302 404 302 404 403 403 403", "302 404 302 404 404 404 404 403"),
    ),
    "duty_roster:month_print": Expect(
        duty_month,
        get=("302 200 404 200 404 200 200 200", "302 404 200 404 404 404 404 200"),
        post=("302 405 405 405 405 405 405 405", "302 405 405 405 405 405 405 405"),
    ),
    "duty_roster:month_publish": Expect(
        duty_month,
        get=("302 200 404 200 404 403 403 403", "302 404 200 404 404 404 404 403"),
        post=("302 302 404 302 404 403 403 403", "302 404 302 404 404 404 404 403"),
    ),
    "duty_roster:my_record": Expect(
        None, get=("302 403 403 403 403 200 200 403",), post=("302 405 405 405 405 405 405 405",)
    ),
    "duty_roster:post_create": Expect(
        None, get=("302 200 200 200 200 403 403 403",), post=("302 200 200 200 200 403 403 403",)
    ),
    "duty_roster:post_detail": Expect(
        pk("duty_post"),
        get=("302 200 404 200 404 200 200 200", "302 404 200 404 404 404 404 200"),
        post=("302 405 405 405 405 405 405 405", "302 405 405 405 405 405 405 405"),
    ),
    "duty_roster:post_list": Expect(
        None, get=("302 200 200 200 200 200 200 200",), post=("302 405 405 405 405 405 405 405",)
    ),
    "duty_roster:post_update": Expect(
        pk("duty_post"),
        get=("302 200 404 200 404 403 403 403", "302 404 200 404 404 404 404 403"),
        post=("302 200 404 200 404 403 403 403", "302 404 200 404 404 404 404 403"),
    ),
    "duty_roster:signin": Expect(
        sign_in,
        get=("302 403 403 403 403 200 200 403", "302 403 403 403 403 403 403 403"),
        post=("302 403 403 403 403 302 302 403", "302 403 403 403 403 403 403 403"),
    ),
    "duty_roster:signin_manual": Expect(
        pk("duty_post"),
        get=("302 200 404 200 404 403 403 403", "302 404 200 404 404 404 404 403"),
        post=("302 200 404 200 404 403 403 403", "302 404 200 404 404 404 404 403"),
    ),
    "duty_roster:signin_qr": Expect(
        pk("duty_post"),
        get=("302 200 404 200 404 403 403 403", "302 404 200 404 404 404 404 403"),
        post=("302 405 405 405 405 405 405 405", "302 405 405 405 405 405 405 405"),
    ),
    "duty_roster:stats_month": Expect(
        pk("duty_post"),
        get=("302 200 404 200 404 200 200 200", "302 404 200 404 404 404 404 200"),
        post=("302 405 405 405 405 405 405 405", "302 405 405 405 405 405 405 405"),
    ),
    "duty_roster:today": Expect(
        None, get=("302 200 200 200 200 200 200 200",), post=("302 405 405 405 405 405 405 405",)
    ),
    "duty_roster:upcoming": Expect(
        None, get=("302 200 200 200 200 200 200 200",), post=("302 405 405 405 405 405 405 405",)
    ),
    "establishment:approval_print": Expect(
        pk("reported_request"),
        get=("302 200 404 200 404 404 404 200", "302 404 200 404 404 404 404 200"),
        post=("302 405 405 405 405 405 405 405", "302 405 405 405 405 405 405 405"),
    ),
    "establishment:attachment_download": Expect(
        pk("request_attachment"),
        get=("302 200 404 200 404 404 404 200", "302 404 200 404 404 404 404 200"),
        post=("302 200 404 200 404 404 404 200", "302 404 200 404 404 404 404 200"),
    ),
    "establishment:campaign_board": Expect(
        pk("campaign"),
        get=("302 200 404 200 200 404 404 200", "302 404 200 404 404 404 404 200"),
        post=("302 405 405 405 405 405 405 405", "302 405 405 405 405 405 405 405"),
    ),
    "establishment:campaign_create": Expect(
        None, get=("302 200 200 403 403 403 403 403",), post=("302 200 200 403 403 403 403 403",)
    ),
    "establishment:campaign_list": Expect(
        None, get=("302 200 200 200 200 200 200 200",), post=("302 405 405 405 405 405 405 405",)
    ),
    "establishment:campaign_update": Expect(
        pk("campaign"),
        get=("302 200 404 403 403 404 404 403", "302 404 200 404 404 404 404 403"),
        post=("302 200 404 403 403 404 404 403", "302 404 200 404 404 404 404 403"),
    ),
    "establishment:opinion_create": Expect(
        None, get=("302 200 200 200 200 403 403 403",), post=("302 200 200 200 200 403 403 403",)
    ),
    "establishment:opinion_detail": Expect(
        pk("opinion"),
        get=("302 200 404 200 404 404 404 200", "302 404 200 404 404 404 404 200"),
        post=("302 405 405 405 405 405 405 405", "302 405 405 405 405 405 405 405"),
    ),
    "establishment:opinion_list": Expect(
        None, get=("302 200 200 200 200 200 200 200",), post=("302 405 405 405 405 405 405 405",)
    ),
    "establishment:opinion_update": Expect(
        pk("opinion"),
        get=("302 200 404 200 404 404 404 403", "302 404 200 404 404 404 404 403"),
        post=("302 200 404 200 404 404 404 403", "302 404 200 404 404 404 404 403"),
    ),
    "establishment:practice_create": Expect(
        None, get=("302 200 200 200 200 403 403 403",), post=("302 200 200 200 200 403 403 403",)
    ),
    "establishment:practice_detail": Expect(
        pk("practice"),
        get=("302 200 404 200 404 404 404 200", "302 404 200 404 404 404 404 200"),
        post=("302 405 405 405 405 405 405 405", "302 405 405 405 405 405 405 405"),
    ),
    "establishment:practice_list": Expect(
        None, get=("302 200 200 200 200 200 200 200",), post=("302 405 405 405 405 405 405 405",)
    ),
    "establishment:practice_publish": Expect(
        pk("practice"),
        get=("302 200 404 403 404 404 404 403", "302 404 200 404 404 404 404 403"),
        post=("302 302 404 403 404 404 404 403", "302 404 302 404 404 404 404 403"),
    ),
    "establishment:practice_unpublish": Expect(
        pk("practice"),
        get=("302 200 404 403 404 404 404 403", "302 404 200 404 404 404 404 403"),
        post=("302 302 404 403 404 404 404 403", "302 404 302 404 404 404 404 403"),
    ),
    "establishment:practice_update": Expect(
        pk("practice"),
        get=("302 200 404 200 404 404 404 403", "302 404 200 404 404 404 404 403"),
        post=("302 200 404 200 404 404 404 403", "302 404 200 404 404 404 404 403"),
    ),
    "establishment:report_print": Expect(
        pk("reported_request"),
        get=("302 200 404 200 404 404 404 200", "302 404 200 404 404 404 404 200"),
        post=("302 405 405 405 405 405 405 405", "302 405 405 405 405 405 405 405"),
    ),
    "establishment:request_approve": Expect(
        pk("request"),
        get=("302 302 404 403 404 404 404 403", "302 404 302 404 404 404 404 403"),
        post=("302 302 404 403 404 404 404 403", "302 404 302 404 404 404 404 403"),
    ),
    "establishment:request_consent": Expect(
        pk("request"),
        get=("302 302 404 403 404 404 404 302", "302 404 302 404 404 404 404 302"),
        post=("302 302 404 403 404 404 404 302", "302 404 302 404 404 404 404 302"),
    ),
    "establishment:request_create": Expect(
        None, get=("302 403 403 200 200 403 403 403",), post=("302 403 403 200 200 403 403 403",)
    ),
    "establishment:request_detail": Expect(
        pk("request"),
        get=("302 200 404 200 404 404 404 200", "302 404 200 404 404 404 404 200"),
        post=("302 405 405 405 405 405 405 405", "302 405 405 405 405 405 405 405"),
    ),
    "establishment:request_list": Expect(
        None, get=("302 200 200 200 200 200 200 200",), post=("302 405 405 405 405 405 405 405",)
    ),
    "establishment:request_print": Expect(
        pk("request"),
        get=("302 200 404 200 404 404 404 200", "302 404 200 404 404 404 404 200"),
        post=("302 405 405 405 405 405 405 405", "302 405 405 405 405 405 405 405"),
    ),
    "establishment:request_report": Expect(
        pk("request"),
        get=("302 302 404 403 404 404 404 403", "302 404 302 404 404 404 404 403"),
        post=("302 302 404 403 404 404 404 403", "302 404 302 404 404 404 404 403"),
    ),
    "establishment:request_return": Expect(
        pk("request"),
        get=("302 302 404 403 404 404 404 403", "302 404 302 404 404 404 404 403"),
        post=("302 302 404 403 404 404 404 403", "302 404 302 404 404 404 404 403"),
    ),
    "establishment:request_submit": Expect(
        pk("request"),
        get=("302 403 404 200 404 404 404 403", "302 404 403 404 404 404 404 403"),
        post=("302 403 404 302 404 404 404 403", "302 404 403 404 404 404 404 403"),
    ),
    "establishment:request_update": Expect(
        pk("request"),
        get=("302 403 404 200 404 404 404 403", "302 404 403 404 404 404 404 403"),
        post=("302 403 404 200 404 404 404 403", "302 404 403 404 404 404 404 403"),
    ),
    "establishment:survey_create": Expect(
        None, get=("302 200 200 200 200 403 403 403",), post=("302 200 200 200 200 403 403 403",)
    ),
    "establishment:survey_detail": Expect(
        pk("survey"),
        get=("302 200 404 200 404 404 404 200", "302 404 200 404 404 404 404 200"),
        post=("302 405 405 405 405 405 405 405", "302 405 405 405 405 405 405 405"),
    ),
    "establishment:survey_list": Expect(
        None, get=("302 200 200 200 200 200 200 200",), post=("302 405 405 405 405 405 405 405",)
    ),
    "healthz": Expect(
        None, get=("200 200 200 200 200 200 200 200",), post=("200 200 200 200 200 200 200 200",)
    ),
    "home": Expect(None, get=("302 200 200 200 200 200 200 200",), post=("302 200 200 200 200 200 200 200",)),
    "jobs:job_detail": Expect(
        pk("job"),
        get=("302 404 404 200 404 404 404 404", "302 404 404 404 404 404 404 404"),
        post=("302 405 405 405 405 405 405 405", "302 405 405 405 405 405 405 405"),
    ),
    "jobs:job_download": Expect(
        pk("job"),
        get=("302 404 404 200 404 404 404 404", "302 404 404 404 404 404 404 404"),
        post=("302 404 404 200 404 404 404 404", "302 404 404 404 404 404 404 404"),
    ),
    "jobs:job_list": Expect(
        None, get=("302 200 200 200 200 200 200 200",), post=("302 405 405 405 405 405 405 405",)
    ),
    "jobs:job_status": Expect(
        pk("job"),
        get=("302 404 404 200 404 404 404 404", "302 404 404 404 404 404 404 404"),
        post=("302 404 404 200 404 404 404 404", "302 404 404 404 404 404 404 404"),
    ),
    "ledger:item_create": Expect(
        ledger_month,
        get=("302 200 404 200 404 403 403 403", "302 404 200 404 404 404 404 403"),
        post=("302 200 404 200 404 403 403 403", "302 404 200 404 404 404 404 403"),
    ),
    "ledger:item_status": Expect(
        pk("ledger_item"),
        get=("302 405 404 405 404 403 403 403", "302 404 405 404 404 404 404 403"),
        post=("302 302 404 302 404 403 403 403", "302 404 302 404 404 404 404 403"),
    ),
    "ledger:item_update": Expect(
        pk("ledger_item"),
        get=("302 200 404 200 404 403 403 403", "302 404 200 404 404 404 404 403"),
        post=("302 200 404 200 404 403 403 403", "302 404 200 404 404 404 404 403"),
    ),
    "ledger:month_close": Expect(
        ledger_month,
        get=("302 200 404 200 404 403 403 403", "302 404 200 404 404 404 404 403"),
        post=("302 302 404 302 404 403 403 403", "302 404 302 404 404 404 404 403"),
    ),
    "ledger:month_detail": Expect(
        ledger_month,
        get=("302 200 404 200 404 200 200 200", "302 404 200 404 404 404 404 200"),
        post=("302 405 404 405 404 405 405 405", "302 404 405 404 404 404 404 405"),
    ),
    "ledger:month_list": Expect(
        None, get=("302 200 200 200 200 200 200 200",), post=("302 405 405 405 405 405 405 405",)
    ),
    "ledger:month_open": Expect(
        ledger_month,
        get=("302 405 404 405 404 403 403 403", "302 404 405 404 404 404 404 403"),
        post=("302 302 404 302 404 403 403 403", "302 404 302 404 404 404 404 403"),
    ),
    "ledger:month_print": Expect(
        ledger_month,
        get=("302 200 404 200 404 200 200 200", "302 404 200 404 404 404 404 200"),
        post=("302 405 404 405 404 405 405 405", "302 404 405 404 404 404 404 405"),
    ),
    "ledger:month_reopen": Expect(
        ledger_month,
        get=("302 302 404 403 404 403 403 403", "302 404 302 404 404 404 404 403"),
        post=("302 200 404 403 404 403 403 403", "302 404 200 404 404 404 404 403"),
    ),
    "login": Expect(
        None, get=("200 302 302 302 302 302 302 302",), post=("200 302 302 302 302 302 302 302",)
    ),
    "logout": Expect(
        None, get=("302 405 405 405 405 405 405 405",), post=("302 302 302 302 302 302 302 302",)
    ),
    "meetings:attachment_download": Expect(
        pk("meeting_attachment"),
        get=("302 200 404 200 404 200 404 200", "302 404 200 404 404 404 404 200"),
        post=("302 200 404 200 404 200 404 200", "302 404 200 404 404 404 404 200"),
    ),
    "meetings:cadence": Expect(
        None, get=("302 200 200 200 200 200 200 200",), post=("302 405 405 405 405 405 405 405",)
    ),
    "meetings:cadence_rules": Expect(
        None, get=("302 200 200 200 200 200 200 200",), post=("302 200 200 403 403 403 403 403",)
    ),
    "meetings:meeting_attendance": Expect(
        pk("meeting"),
        get=("302 200 404 200 404 200 404 403", "302 404 200 404 404 404 404 403"),
        post=("302 302 404 302 404 302 404 403", "302 404 302 404 404 404 404 403"),
    ),
    "meetings:meeting_create": Expect(
        None, get=("302 200 200 200 200 200 200 403",), post=("302 200 200 200 200 200 200 403",)
    ),
    "meetings:meeting_delete": Expect(
        pk("meeting"),
        get=("302 200 404 200 404 200 404 403", "302 404 200 404 404 404 404 403"),
        post=("302 302 404 302 404 302 404 403", "302 404 302 404 404 404 404 403"),
    ),
    "meetings:meeting_detail": Expect(
        pk("meeting"),
        get=("302 200 404 200 404 200 404 200", "302 404 200 404 404 404 404 200"),
        post=("302 405 405 405 405 405 405 405", "302 405 405 405 405 405 405 405"),
    ),
    "meetings:meeting_list": Expect(
        None, get=("302 200 200 200 200 200 200 200",), post=("302 405 405 405 405 405 405 405",)
    ),
    "meetings:meeting_print": Expect(
        pk("meeting"),
        get=("302 200 404 200 404 200 404 200", "302 404 200 404 404 404 404 200"),
        post=("302 405 405 405 405 405 405 405", "302 405 405 405 405 405 405 405"),
    ),
    "meetings:meeting_review": Expect(
        pk("review_meeting"),
        get=("302 200 404 200 404 200 404 403", "302 404 200 404 404 404 404 403"),
        post=("302 302 404 302 404 302 404 403", "302 404 302 404 404 404 404 403"),
    ),
    "meetings:meeting_update": Expect(
        pk("meeting"),
        get=("302 200 404 200 404 200 404 403", "302 404 200 404 404 404 404 403"),
        post=("302 200 404 200 404 200 404 403", "302 404 200 404 404 404 404 403"),
    ),
    "members:completeness": Expect(
        None, get=("302 200 200 200 200 200 200 200",), post=("302 405 405 405 405 405 405 405",)
    ),
    "members:contact_create": Expect(
        pk("mobile_member"),
        get=("302 200 404 200 404 200 404 403", "302 404 200 404 404 404 404 403"),
        post=("302 200 404 200 404 200 404 403", "302 404 200 404 404 404 404 403"),
    ),
    "members:development_create": Expect(
        pk("member"),
        get=("302 200 404 200 404 200 404 403", "302 404 200 404 404 404 404 403"),
        post=("302 200 404 200 404 200 404 403", "302 404 200 404 404 404 404 403"),
    ),
    "members:entry_create": Expect(
        pk("member"),
        get=("302 200 404 200 404 200 404 403", "302 404 200 404 404 404 404 403"),
        post=("302 200 404 200 404 200 404 403", "302 404 200 404 404 404 404 403"),
    ),
    "members:entry_update": Expect(
        pk("archive_entry"),
        get=("302 200 404 200 404 200 404 403", "302 404 200 404 404 404 404 403"),
        post=("302 200 404 200 404 200 404 403", "302 404 200 404 404 404 404 403"),
    ),
    "members:import": Expect(
        None, get=("302 200 200 200 200 200 200 403",), post=("302 200 200 200 200 200 200 403",)
    ),
    "members:import_checked": Expect(
        pk("check_job"),
        get=("302 404 404 200 404 404 404 403", "302 404 404 404 404 404 404 403"),
        post=("302 405 405 405 405 405 405 403", "302 405 405 405 405 405 405 403"),
    ),
    "members:import_confirm": Expect(
        None, get=("302 405 405 405 405 405 405 403",), post=("302 302 302 302 302 302 302 403",)
    ),
    "members:import_template": Expect(
        None, get=("302 200 200 200 200 200 200 403",), post=("302 405 405 405 405 405 405 403",)
    ),
    "members:member_create": Expect(
        None, get=("302 200 200 200 200 200 200 403",), post=("302 200 200 200 200 200 200 403",)
    ),
    "members:member_detail": Expect(
        pk("member"),
        get=("302 200 404 200 404 200 404 200", "302 404 200 404 404 404 404 200"),
        post=("302 405 405 405 405 405 405 405", "302 405 405 405 405 405 405 405"),
    ),
    "members:member_list": Expect(
        None, get=("302 200 200 200 200 200 200 200",), post=("302 405 405 405 405 405 405 405",)
    ),
    "members:member_unmask": Expect(
        pk("member"),
        get=("302 405 405 405 405 405 405 405", "302 405 405 405 405 405 405 405"),
        post=("302 403 404 403 404 403 404 403", "302 404 403 404 404 404 404 403"),
    ),
    "members:member_update": Expect(
        pk("member"),
        get=("302 200 404 200 404 200 404 403", "302 404 200 404 404 404 404 403"),
        post=("302 200 404 200 404 200 404 403", "302 404 200 404 404 404 404 403"),
    ),
    "members:required_kinds": Expect(
        None, get=("302 200 200 403 403 403 403 403",), post=("302 200 200 403 403 403 403 403",)
    ),
    "members:status_update": Expect(
        pk("member"),
        get=("302 200 404 200 404 403 404 403", "302 404 200 404 404 404 404 403"),
        post=("302 200 404 200 404 403 404 403", "302 404 200 404 404 404 404 403"),
    ),
    "members:transfer_create": Expect(
        pk("member"),
        get=("302 200 404 200 404 403 404 403", "302 404 200 404 404 404 404 403"),
        post=("302 200 404 200 404 403 404 403", "302 404 200 404 404 404 404 403"),
    ),
    "password_change": Expect(
        None, get=("302 200 200 200 200 200 200 200",), post=("302 200 200 200 200 200 200 200",)
    ),
    "password_change_done": Expect(
        None, get=("302 200 200 200 200 200 200 200",), post=("302 405 405 405 405 405 405 405",)
    ),
    "reports:index": Expect(
        None, get=("302 200 200 200 200 403 403 200",), post=("302 200 200 200 200 403 403 200",)
    ),
}


# --- The test -----------------------------------------------------------------------------------------------


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def attempt(world, role: str, url: str, method: str) -> tuple[int | str, str]:
    client = Client()
    if role != "anonymous":
        client.force_login(world.users[role])
    try:
        with transaction.atomic():
            response = getattr(client, method)(url, {})
            transaction.set_rollback(True)
    except Exception as error:  # a crash is a finding, reported with the others
        return f"crash {type(error).__name__}: {error}"[:200], ""
    return response.status_code, response.get("Location", "")


def observe(world, url: str, method: str) -> dict[str, int | str]:
    found = {}
    for role in ROLES:
        status, location = attempt(world, role, url, method)
        if role == "anonymous" and status == 302 and not location.startswith("/accounts/login/"):
            status = f"302 to {location}"
        found[role] = status
    return found


def test_every_url_has_an_expectation():
    assert not UNNAMED, "URL patterns without a name cannot be given an expectation: " + ", ".join(UNNAMED)
    missing = sorted(set(URLS) - set(EXPECTED))
    assert not missing, "no access expectation written down for: " + ", ".join(
        f"{name} ({URLS[name][0]})" for name in missing
    )
    gone = sorted(set(EXPECTED) - set(URLS))
    assert not gone, "expectations for URLs that no longer exist: " + ", ".join(gone)


@pytest.mark.parametrize("name", sorted(URLS))
def test_access(name, world):
    expect = EXPECTED.get(name)
    if expect is None:
        pytest.fail(f"no access expectation written down for {name} ({URLS[name][0]})")
    data = Data(world)
    if expect.setup:
        expect.setup(data)
    sides = [data.inside, data.outside] if expect.kwargs else [None]
    failures = []
    for index, side in enumerate(sides):
        url = reverse(name, kwargs=expect.kwargs(side) if side else None)
        where = ("in scope", "out of scope")[index]
        for method, rows in (("get", expect.get), ("post", expect.post)):
            wanted = statuses(rows[index])
            got = observe(world, url, method)
            for role in ROLES:
                if got[role] != wanted[role]:
                    failures.append(
                        f"{method.upper()} {url} ({where}) as {role}: "
                        f"expected {wanted[role]}, got {got[role]}"
                    )
    assert not failures, f"{name}:\n" + "\n".join(failures)


# --- Pages without a record show nothing of the other township ---------------------------------------------

# The far office (南湖办事处), its community (南湖社区), villages (杨桥村, 湖西村), people (杨…),
# township (乙镇).
OUT_OF_SCOPE_MARKS = ("南湖", "乙镇", "杨", "湖西村")
EVERY_RECORD = (
    "member",
    "mobile_member",
    "post",
    "term",
    "reserve",
    "archive_entry",
    "request_attachment",
    "campaign",
    "survey",
    "opinion",
    "practice",
    "duty_change",
    "calendar_entry",
    "log_entry",
    "meeting_attachment",
    "ledger_item",
    "rectification",
    "template_item",
    "objection",
    "entry_attachment",
    "job",
    "user_session",
    "audit_entry",
)


@pytest.mark.parametrize("role", ["township", "office", "other_office", "village"])
def test_pages_without_a_record_show_nothing_of_the_other_township(world, role):
    data = Data(world)
    for side in (data.inside, data.outside):
        for attribute in EVERY_RECORD:
            getattr(side, attribute)
    client = Client()
    client.force_login(world.users[role])
    shown = []
    for name, expect in sorted(EXPECTED.items()):
        if expect.kwargs or statuses(expect.get[0])[role] != 200:
            continue
        response = client.get(reverse(name))
        assert response.status_code == 200, name
        if response.get("Content-Type", "").startswith("text/html"):
            page = response.content.decode()
            shown += [f"{name} shows {mark!r}" for mark in OUT_OF_SCOPE_MARKS if mark in page]
    assert not shown, f"pages show the other township to {role}: " + "; ".join(shown)


# --- Django's admin -----------------------------------------------------------------------------------------

ADMIN = {"anonymous": 302, "township": 200, "other_township": 200}  # township staff are is_staff


@pytest.mark.parametrize("url", ["/admin/", "/admin/members/member/"])
def test_the_admin(world, url):
    failures = []
    for role in ROLES:
        status, location = attempt(world, role, url, "get")
        wanted = ADMIN.get(role, 302)
        to_login = location.startswith(("/admin/login/", "/accounts/login/"))
        if status != wanted or (status == 302 and not to_login):
            failures.append(f"{role}: expected {wanted}, got {status} {location}")
    assert not failures, f"GET {url}: " + "; ".join(failures)


def test_the_admin_changelist_keeps_to_the_township(world):
    data = Data(world)
    mine, theirs = data.inside.member, data.outside.member
    theirs.name = "杨六斤"
    theirs.save()
    client = Client()
    client.force_login(world.users["township"])
    page = client.get("/admin/members/member/").content.decode()
    assert mine.name in page
    assert theirs.name not in page, "the admin's member list shows the other township's member"


# --- Form dropdowns: the office secretary's edit forms offer nothing out of scope ---------------------------

FORMS = {
    "members:member_create": None,
    "members:member_update": "member",
    "branches:branch_create": None,
    "branches:branch_update": "branch",
    "meetings:meeting_create": None,
    "meetings:meeting_update": "meeting",
    "establishment:request_create": None,
    "establishment:request_update": "request",
    "ledger:item_update": "ledger_item",
    "assessments:rectification_update": "rectification",
}


def records_everywhere(data: Data) -> None:
    """Every kind a dropdown could offer, on both sides, so an unscoped queryset would show."""
    for side in (data.inside, data.outside):
        for attribute in (
            "member",
            "post",
            "meeting",
            "request",
            "ledger_item",
            "rectification",
            "duty_post",
        ):
            getattr(side, attribute)


@pytest.mark.parametrize("name", sorted(FORMS))
def test_dropdowns_offer_nothing_out_of_scope(world, name):
    data = Data(world)
    records_everywhere(data)
    user = world.users["office"]
    attribute = FORMS[name]
    url = reverse(name, kwargs={"pk": getattr(data.inside, attribute).pk} if attribute else None)
    client = Client()
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200, url
    checked, leaks = 0, []
    for field_name, field in response.context["form"].fields.items():
        queryset = getattr(field, "queryset", None)
        if queryset is None or not hasattr(queryset.model, "scope_paths"):
            continue
        checked += 1
        allowed = queryset.model.objects.for_user(user)
        offered = {value for value, _label in field.choices if value != ""}
        offered = {getattr(value, "value", value) for value in offered}
        outside = set(queryset.exclude(pk__in=allowed).values_list("pk", flat=True))
        if outside or offered - set(allowed.values_list("pk", flat=True)):
            leaks.append(f"{field_name} ({queryset.model.__name__}): out-of-scope pks {sorted(outside)}")
    # The rectification form has no dropdown (its inspection is the URL's); the others must have one.
    assert checked or name == "assessments:rectification_update", f"{name}: no dropdown of scoped records"
    assert not leaks, f"{name} offers records out of the office's scope: " + "; ".join(leaks)
    page = response.content.decode()
    for text in OUT_OF_SCOPE_MARKS:
        assert text not in page, f"{name} shows {text!r}, of the other township"
