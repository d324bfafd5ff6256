"""ID and phone numbers: masked on every page, list, export and admin page by default; shown in full only
with the permission, and each showing (or full-ID export) is in the audit log."""

import io
from urllib.parse import unquote

import openpyxl
import pytest
from django.contrib.auth.models import Permission
from django.test import Client
from django.urls import reverse

from audit.choices import AuditAction
from audit.models import AuditEntry
from members.forms import MemberForm
from tests.access import check_access

PHONE = "13912345678"


def login(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def grant(user):
    user.user_permissions.add(Permission.objects.get(codename="view_personal_data"))
    return type(user).objects.get(pk=user.pk)  # a fresh copy: permissions are cached on the instance


def workbook_text(response) -> str:
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    return " ".join(str(cell) for sheet in book for row in sheet.iter_rows(values_only=True) for cell in row)


@pytest.fixture
def member(party):
    party.member.phone = PHONE
    party.member.save()
    return party.member


def test_full_numbers_appear_nowhere_without_the_permission(member, party, world):
    staff = world.users["township"]
    client = login(staff)
    pages = [
        reverse("members:member_list"),
        reverse("members:member_list") + f"?q={member.id_number[-4:]}",
        reverse("members:member_detail", args=[member.pk]),
        reverse("members:member_update", args=[member.pk]),
        reverse("branches:branch_detail", args=[party.branch.pk]),
        reverse("admin:members_member_changelist"),
        reverse("admin:members_member_change", args=[member.pk]),
        reverse("admin:members_member_history", args=[member.pk]),
    ]
    for url in pages:
        response = client.get(url)
        assert response.status_code == 200, url
        content = response.content.decode()
        assert member.id_number not in content, url
        assert PHONE not in content, url
        assert "显示完整号码" not in content, url
    assert member.masked_id_number in client.get(pages[2]).content.decode()
    exports = [
        client.get(reverse("members:member_list"), {"export": "xlsx"}),
        client.post(
            reverse("admin:members_member_changelist"),
            {"action": "export_xlsx", "_selected_action": [member.pk]},
        ),
    ]
    for response in exports:
        assert response.status_code == 200
        text = workbook_text(response)
        assert member.masked_id_number in text
        assert member.id_number not in text and PHONE not in text
    version = member.history.first().history_id
    url = reverse("admin:members_member_simple_history", args=[member.pk, version])
    assert client.get(url).status_code == 403


def test_the_edit_form_keeps_the_masked_numbers(member, world):
    form = MemberForm(instance=member, user=world.users["office"])
    assert form.initial["id_number"] == member.masked_id_number
    data = {name: form[name].value() for name in form.fields}
    data = {k: v for k, v in data.items() if v is not None}
    bound = MemberForm(data=data, instance=member, user=world.users["office"])
    assert bound.is_valid(), bound.errors
    assert bound.cleaned_data["id_number"] == member.id_number
    assert bound.cleaned_data["phone"] == PHONE


def test_unmasking_needs_the_permission_and_is_audited(member, world):
    url = reverse("members:member_unmask", args=[member.pk])
    staff = world.users["township"]
    assert login(staff).post(url, {"field": "id_number"}).status_code == 403
    assert not AuditEntry.objects.filter(action=AuditAction.UNMASK).exists()
    staff = grant(staff)
    client = login(staff)
    page = client.get(reverse("members:member_detail", args=[member.pk])).content.decode()
    assert "显示完整号码" in page and member.id_number not in page
    response = client.post(url, {"field": "id_number"})
    assert response.status_code == 302
    entry = AuditEntry.objects.get(action=AuditAction.UNMASK)
    assert (entry.user, entry.object_id, entry.detail["field"]) == (staff, str(member.pk), "id_number")
    assert entry.object_repr == member.name
    shown = client.get(response["Location"]).content.decode()
    assert member.id_number in shown and PHONE not in shown
    # Once: a reload masks it again.
    assert member.id_number not in client.get(response["Location"]).content.decode()
    client.post(url, {"field": "phone"})
    assert PHONE in client.get(reverse("members:member_detail", args=[member.pk])).content.decode()
    assert client.post(url, {"field": "address"}).status_code == 404


def test_unmasking_outside_the_scope_is_404(member, world):
    other = grant(world.users["other_township"])
    assert (
        login(other)
        .post(reverse("members:member_unmask", args=[member.pk]), {"field": "id_number"})
        .status_code
        == 404
    )


def test_access_to_unmask(member, world):
    check_access(
        world,
        reverse("members:member_unmask", args=[member.pk]),
        {
            "anonymous": 302,
            "township": 403,
            "other_township": 404,
            "office": 403,
            "other_office": 404,
            "village": 403,
            "other_village": 404,
            "county": 403,
        },
        method="post",
        data={"field": "id_number"},
    )
    assert (
        login(world.users["township"]).get(reverse("members:member_unmask", args=[member.pk])).status_code
        == 405
    )


def test_the_full_id_export_needs_the_permission_and_says_so(member, party, world):
    query = {"export": "xlsx", "full_ids": "1"}
    staff = world.users["township"]
    assert login(staff).get(reverse("members:member_list"), query).status_code == 403
    assert "导出（含完整身份证号）" not in login(staff).get(reverse("members:member_list")).content.decode()
    staff = grant(staff)
    client = login(staff)
    assert "导出（含完整身份证号）" in client.get(reverse("members:member_list")).content.decode()
    response = client.get(reverse("members:member_list"), query)
    assert response.status_code == 200
    filename = unquote(response["Content-Disposition"].split("''", 1)[1])
    assert filename.startswith("党员名册（含完整身份证号）-")
    text = workbook_text(response)
    assert member.id_number in text and PHONE not in text
    entry = AuditEntry.objects.get(action=AuditAction.EXPORT_FULL_IDS)
    assert entry.user == staff and entry.count == 3 and entry.detail["filename"] == filename
    assert entry.detail["full_id_numbers"] is True


def test_a_whole_id_number_finds_a_person_only_for_those_who_may_see_it(member, world):
    url = reverse("members:member_list") + f"?q={member.id_number}"
    staff = world.users["township"]
    admin_search = f"/admin/members/member/?q={member.id_number}"
    assert login(staff).get(url).context["table"].paginator.count == 0  # no oracle for the hidden digits
    assert login(staff).get(admin_search).context["cl"].result_count == 0
    staff = grant(staff)
    assert login(staff).get(url).context["table"].paginator.count == 1
    assert login(staff).get(admin_search).context["cl"].result_count == 1


def test_opening_the_edit_form_with_the_numbers_in_full_is_recorded(member, world):
    staff = grant(world.users["township"])
    login(staff).get(reverse("members:member_update", args=[member.pk]))
    entry = AuditEntry.objects.get(action=AuditAction.UNMASK)
    assert entry.user == staff and entry.object_id == str(member.pk)
    login(world.users["other_township"]).get(reverse("members:member_list"))
    assert AuditEntry.objects.filter(action=AuditAction.UNMASK).count() == 1
