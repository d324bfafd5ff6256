"""Establishment request pages (书面请示, R4): access for every role on every URL, the list, the form and
its messages, the whole path through the views, the actions that are refused, attachments and the printed
documents."""

import datetime
import io

import openpyxl
import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from branches.choices import BranchKind, ElectionMethod, OtherBranchKind, PostKind
from branches.models import Branch, BranchName, Post
from establishment import services
from establishment.choices import RequestState
from establishment.models import (
    EstablishmentRequest,
    ProposedBranch,
    ProposedPost,
    RequestAttachment,
    RequestEvent,
)
from establishment.views import RequestEditView
from members.models import Member
from tests.access import check_access
from tests.conftest import make_member

TODAY = timezone.localdate()
DAY = TODAY - datetime.timedelta(days=10)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"

ANONYMOUS = {"anonymous": 302}
# A request of world.office: its office, its township's staff and its county see it; no village secretary.
VIEW = {
    **ANONYMOUS,
    "township": 200,
    "other_township": 404,
    "office": 200,
    "other_office": 404,
    "village": 404,
    "other_village": 404,
    "county": 200,
}
OFFICE_ONLY = {**VIEW, "township": 403, "county": 403}
TOWNSHIP_ONLY = {**VIEW, "office": 403, "county": 403}
TOWNSHIP_OR_COUNTY = {**VIEW, "office": 403}
EVERYONE = {role: 200 for role in VIEW} | ANONYMOUS
CREATE = {
    **ANONYMOUS,
    "township": 403,
    "other_township": 403,
    "office": 200,
    "other_office": 200,
    "village": 403,
    "other_village": 403,
    "county": 403,
}


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


def login(world, role: str) -> Client:
    """A signed-in client that reads the pages in English: the tests assert on the msgids."""
    client = Client()
    client.force_login(world.users[role])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def pdf(name: str = "选举会议记录.pdf", content: bytes = PDF) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


@pytest.fixture
def draft(world, r2_office):
    """A complete draft, as the office would file it: leadership by R2, two sub-branches, an attachment."""
    request = EstablishmentRequest.objects.create(
        office=r2_office.office,
        title="关于成立东关社区党总支的请示",
        office_number="东关办发〔2026〕3号",
        general_branch_name="东关社区党总支",
        justification="按照镇党委指导意见，东关办事处已建立农村社区。",
        election_date=DAY,
        election_method=ElectionMethod.DEMOCRATIC,
        members_expected=40,
        members_present=36,
        votes=30,
        created_by=world.users["office"],
    )
    services.fill_posts_by_r2(request, r2_office.village_secretaries[0])
    volunteers = ProposedBranch.objects.create(
        request=request, kind=BranchKind.VOLUNTEER_TEAM, name="东关社区志愿者队伍党支部"
    )
    volunteers.members.set(r2_office.people[:2])
    RequestAttachment.objects.create(
        request=request, file=pdf(), description="选举会议记录", uploaded_by=world.users["office"]
    )
    return request


@pytest.fixture
def bare(world, r2_office):
    """A draft with nothing but a title: it cannot be submitted."""
    return EstablishmentRequest.objects.create(
        office=r2_office.office, title="请示（草稿）", justification="-", created_by=world.users["office"]
    )


def advance(request, world, to: str):
    users = world.users
    steps = [
        (RequestState.SUBMITTED, lambda: services.submit(request, users["office"])),
        (
            RequestState.APPROVED,
            lambda: services.approve(request, users["township"], DAY, "甲党发〔2026〕12号"),
        ),
        (
            RequestState.REPORTED,
            lambda: services.report(request, users["township"], DAY, "甲党报〔2026〕3号"),
        ),
        (RequestState.ESTABLISHED, lambda: services.consent(request, users["county"], TODAY, "同意")),
    ]
    done = [state for state, _step in steps].index(request.state) + 1 if request.state != "draft" else 0
    for state, step in steps[done:]:
        step()
        if state == to:
            break
    request.refresh_from_db()
    return request


def url(name: str, request) -> str:
    return reverse(f"establishment:{name}", args=[request.pk])


# --- Access: every URL, every role, GET and POST ------------------------------------------------------


def test_list_access(world, draft):
    # Village secretaries get an empty list: requests are the offices' and the township's business.
    check_access(world, reverse("establishment:request_list"), EVERYONE)
    response = login(world, "village").get(reverse("establishment:request_list"))
    assert list(response.context["table"].data) == []


@pytest.mark.parametrize("method", ["get", "post"])
def test_create_access(world, r2_office, method):
    # An empty POST is shown again with its errors: nothing is written.
    check_access(world, reverse("establishment:request_create"), CREATE, method=method)
    assert not EstablishmentRequest.objects.exists()


@pytest.mark.parametrize("name", ["request_detail", "request_print"])
def test_pages_of_a_request_access(world, draft, name):
    check_access(world, url(name, draft), VIEW)


@pytest.mark.parametrize("method", ["get", "post"])
def test_edit_and_submit_access(world, bare, method):
    # The bare draft cannot be submitted, so the office's POST is shown again with the problems.
    check_access(world, url("request_update", bare), OFFICE_ONLY, method=method)
    check_access(world, url("request_submit", bare), OFFICE_ONLY, method=method)
    bare.refresh_from_db()
    assert bare.state == RequestState.DRAFT


@pytest.mark.parametrize("method", ["get", "post"])
@pytest.mark.parametrize("name", ["request_return", "request_approve"])
def test_township_decides_on_a_submitted_request(world, draft, method, name):
    advance(draft, world, RequestState.SUBMITTED)
    check_access(world, url(name, draft), TOWNSHIP_ONLY, method=method)
    draft.refresh_from_db()
    assert draft.state == RequestState.SUBMITTED


@pytest.mark.parametrize("method", ["get", "post"])
def test_township_reports_an_approved_request(world, draft, method):
    advance(draft, world, RequestState.APPROVED)
    check_access(world, url("request_report", draft), TOWNSHIP_ONLY, method=method)
    check_access(world, url("approval_print", draft), VIEW)
    draft.refresh_from_db()
    assert draft.state == RequestState.APPROVED


@pytest.mark.parametrize("method", ["get", "post"])
def test_county_or_township_consents_to_a_reported_request(world, draft, method):
    advance(draft, world, RequestState.REPORTED)
    check_access(world, url("request_consent", draft), TOWNSHIP_OR_COUNTY, method=method)
    check_access(world, url("report_print", draft), VIEW)
    draft.refresh_from_db()
    assert draft.state == RequestState.REPORTED


def test_attachment_download_access(world, draft):
    attachment = draft.attachments.get()
    check_access(world, reverse("establishment:attachment_download", args=[attachment.pk]), VIEW)


def test_documents_of_steps_not_taken_do_not_exist(world, draft):
    client = login(world, "township")
    assert client.get(url("approval_print", draft)).status_code == 404
    assert client.get(url("report_print", draft)).status_code == 404
    advance(draft, world, RequestState.APPROVED)
    assert client.get(url("approval_print", draft)).status_code == 200
    assert client.get(url("report_print", draft)).status_code == 404


# --- The list, the home page and the sidebar -----------------------------------------------------------


def test_list_is_scoped_filtered_and_searched(world, draft):
    other = EstablishmentRequest.objects.create(
        office=world.other_office, title="关于成立西营社区党总支的请示", justification="-"
    )
    far = EstablishmentRequest.objects.create(office=world.far_office, title="南湖的请示", justification="-")
    advance(draft, world, RequestState.SUBMITTED)

    def titles(role, **query):
        response = login(world, role).get(reverse("establishment:request_list"), query)
        return sorted(row.title for row in response.context["table"].data)

    assert titles("office") == [draft.title]
    assert titles("other_office") == [other.title]
    assert titles("township") == sorted([draft.title, other.title])
    assert titles("county") == sorted([draft.title, other.title, far.title])
    assert titles("township", waiting="true") == [draft.title]  # submitted: the township's turn
    assert titles("township", waiting="false") == [other.title]
    assert titles("office", waiting="true") == []  # submitted: no longer the office's
    assert titles("township", state=RequestState.DRAFT) == [other.title]
    assert titles("township", office=world.office.pk) == [draft.title]
    assert titles("township", q="西营") == [other.title]
    assert titles("township", q="东关办发") == [draft.title]  # the office's document number


def test_list_shows_the_new_request_button_to_office_secretaries_only(world, r2_office):
    create = reverse("establishment:request_create")
    assert create in login(world, "office").get(reverse("establishment:request_list")).content.decode()
    assert create not in login(world, "township").get(reverse("establishment:request_list")).content.decode()


def test_export_is_an_xlsx(world, draft):
    advance(draft, world, RequestState.APPROVED)
    response = login(world, "township").get(reverse("establishment:request_list"), {"export": "xlsx"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    rows = [row for row in sheet.iter_rows(values_only=True) if row and draft.title in row]
    assert rows and "甲党发〔2026〕12号" in rows[0] and "东关办事处" in rows[0]


def test_home_shows_what_waits_for_each_user(world, draft):
    home = reverse("home")
    page = login(world, "office").get(home).content.decode()
    assert 'id="waiting-requests"' in page and url("request_detail", draft) in page
    assert url("request_detail", draft) not in login(world, "township").get(home).content.decode()
    advance(draft, world, RequestState.SUBMITTED)
    assert url("request_detail", draft) in login(world, "township").get(home).content.decode()
    assert url("request_detail", draft) not in login(world, "office").get(home).content.decode()
    advance(draft, world, RequestState.REPORTED)
    assert url("request_detail", draft) in login(world, "county").get(home).content.decode()
    assert 'id="waiting-requests"' not in login(world, "village").get(home).content.decode()


def test_sidebar_links_the_requests_except_for_village_secretaries(world):
    link = f'href="{reverse("establishment:request_list")}"'
    for role in ("township", "office", "county"):
        assert link in login(world, role).get(reverse("home")).content.decode(), role
    assert link not in login(world, "village").get(reverse("home")).content.decode()
    response = login(world, "office").get(reverse("establishment:request_list"))
    item = next(
        i for i in response.context["nav"]["items"] if i["url"] == reverse("establishment:request_list")
    )
    assert item["active"]


# --- The form ---------------------------------------------------------------------------------------------


def management(prefix: str, total: int, initial: int = 0) -> dict:
    return {
        f"{prefix}-TOTAL_FORMS": str(total),
        f"{prefix}-INITIAL_FORMS": str(initial),
        f"{prefix}-MIN_NUM_FORMS": "0",
        f"{prefix}-MAX_NUM_FORMS": "1000",
    }


def form_data(r2_office, **fields) -> dict:
    """What the office's browser sends for a new request: R2 leadership, a volunteer-team branch and a
    mobile members' branch, one attachment."""
    data = {
        "title": "关于成立东关社区党总支的请示",
        "office_number": "东关办发〔2026〕3号",
        "establish_general": "on",
        "general_branch_name": "东关社区党总支",
        "justification": "东关办事处已建立农村社区。",
        "election_date": DAY.isoformat(),
        "election_method": ElectionMethod.DEMOCRATIC,
        "members_expected": "40",
        "members_present": "36",
        "votes": "30",
        "fill_by_r2": "on",
        "elected_deputy": str(r2_office.village_secretaries[1].pk),
        **management("posts", 0),
        **management("branches", 2),
        "branches-0-kind": BranchKind.VOLUNTEER_TEAM,
        "branches-0-name": "东关社区志愿者队伍党支部",
        "branches-0-members": [str(p.pk) for p in r2_office.people[:2]],
        "branches-1-kind": BranchKind.OTHER,
        "branches-1-other_kind": OtherBranchKind.MOBILE,
        "branches-1-name": "东关社区流动党员党支部",
        **management("attachments", 1),
        "attachments-0-file": pdf(),
        "attachments-0-description": "选举会议记录",
    }
    data.update(fields)
    return data


def test_a_new_request_starts_from_the_guidance(world, r2_office):
    response = login(world, "office").get(reverse("establishment:request_create"))
    assert response.status_code == 200
    context = response.context
    assert context["form"]["fill_by_r2"].value() is True
    initial = [(f.initial.get("kind"), f.initial.get("person")) for f in context["posts"].forms]
    assert initial[:5] == [
        (PostKind.SECRETARY, r2_office.secretary.pk),
        (PostKind.DEPUTY_SECRETARY, r2_office.deputy.pk),
        *[(PostKind.COMMITTEE_MEMBER, p.pk) for p in r2_office.village_secretaries],
    ]
    choices = {choice.pk for choice in context["form"].fields["elected_deputy"].queryset}
    assert choices == {p.pk for p in r2_office.village_secretaries}


def test_the_office_files_a_request_in_one_go(world, r2_office):
    response = login(world, "office").post(reverse("establishment:request_create"), form_data(r2_office))
    request = EstablishmentRequest.objects.get()
    assert response.status_code == 302 and response["Location"] == request.get_absolute_url()
    assert request.office == r2_office.office and request.created_by == world.users["office"]
    first, second, third = r2_office.village_secretaries
    assert sorted((p.kind, p.person_id) for p in request.posts.all()) == sorted(
        [
            (PostKind.SECRETARY, r2_office.secretary.pk),
            (PostKind.DEPUTY_SECRETARY, r2_office.deputy.pk),
            (PostKind.ELECTED_DEPUTY, second.pk),
            (PostKind.COMMITTEE_MEMBER, first.pk),
            (PostKind.COMMITTEE_MEMBER, third.pk),
        ]
    )
    volunteers = request.branches.get(kind=BranchKind.VOLUNTEER_TEAM)
    assert set(volunteers.members.all()) == set(r2_office.people[:2])
    assert request.branches.get(kind=BranchKind.OTHER).other_kind == OtherBranchKind.MOBILE
    attachment = request.attachments.get()
    assert attachment.description == "选举会议记录" and attachment.uploaded_by == world.users["office"]
    assert attachment.file.name.startswith(f"requests/{request.pk}/")
    assert services.check_request(request) == {}
    assert list(request.events.values_list("action", flat=True)) == ["create"]


def test_saving_twice_in_one_sitting_is_one_entry_on_the_path(world, draft):
    client = login(world, "office")
    for _ in range(2):
        response = client.post(
            url("request_update", draft), edit_data(draft, title="关于成立社区党总支的请示")
        )
        assert response.status_code == 302
    draft.refresh_from_db()
    assert draft.title == "关于成立社区党总支的请示"
    assert list(draft.events.values_list("action", flat=True)) == ["edit"]


def test_a_draft_with_problems_is_saved_and_the_problems_listed(world, r2_office):
    data = form_data(r2_office, elected_deputy="", general_branch_name="", members_present="15")
    client = login(world, "office")
    response = client.post(reverse("establishment:request_create"), data, follow=True)
    request = EstablishmentRequest.objects.get()
    assert not request.posts.filter(kind=PostKind.ELECTED_DEPUTY).exists()
    problems = {p["key"] for p in response.context["problems"]}
    assert {"posts", "general_branch_name", "members_present"} <= problems
    page = response.content.decode()
    assert "The elected deputy secretary is missing." in page
    assert "must be fixed before the request can be submitted" in page
    # Submitting is refused with the same messages.
    response = client.post(url("request_submit", request))
    assert response.status_code == 200
    assert "The elected deputy secretary is missing." in response.content.decode()
    request.refresh_from_db()
    assert request.state == RequestState.DRAFT


def edit_data(request, **fields) -> dict:
    """The edit form as the browser sends it back, unchanged unless `fields` say otherwise."""
    posts = list(request.posts.order_by("pk"))
    branches = list(request.branches.order_by("pk"))
    data = {
        "title": request.title,
        "office_number": request.office_number,
        "establish_general": "on" if request.establish_general else "",
        "general_branch_name": request.general_branch_name,
        "justification": request.justification,
        "election_date": request.election_date.isoformat() if request.election_date else "",
        "election_method": request.election_method,
        "members_expected": request.members_expected or "",
        "members_present": request.members_present or "",
        "votes": request.votes or "",
        "deviation_reason": request.deviation_reason,
        **management("posts", len(posts), len(posts)),
        **management("branches", len(branches), len(branches)),
        **management("attachments", 0),
    }
    for index, post in enumerate(posts):
        data.update(
            {
                f"posts-{index}-id": post.pk,
                f"posts-{index}-kind": post.kind,
                f"posts-{index}-person": post.person_id,
            }
        )
    for index, branch in enumerate(branches):
        data.update(
            {
                f"branches-{index}-id": branch.pk,
                f"branches-{index}-kind": branch.kind,
                f"branches-{index}-other_kind": branch.other_kind,
                f"branches-{index}-name": branch.name,
                f"branches-{index}-members": [m.pk for m in branch.members.all()],
            }
        )
    data.update(fields)
    return {key: value for key, value in data.items() if value != ""}


def test_posts_edited_by_hand_are_deviations_that_need_a_reason(world, draft, r2_office):
    # Untick "fill by the guidance" and take 王永福 off the committee.
    left_out = draft.posts.get(person=r2_office.village_secretaries[2])
    index = list(draft.posts.order_by("pk")).index(left_out)
    data = edit_data(draft, **{f"posts-{index}-DELETE": "on"})
    client = login(world, "office")
    response = client.post(url("request_update", draft), data, follow=True)
    assert not draft.posts.filter(pk=left_out.pk).exists()
    assert response.context["deviations"] == ["Village secretaries left out of the committee: 王永福."]
    assert 'id="deviations"' in response.content.decode()
    assert "deviation_reason" in {p["key"] for p in response.context["problems"]}
    data = edit_data(draft, deviation_reason="王永福同志长期外出务工")
    client.post(url("request_update", draft), data)
    draft.refresh_from_db()
    assert services.check_request(draft) == {}
    # The township sees the deviation and the reason on the request page.
    page = login(world, "township").get(url("request_detail", draft)).content.decode()
    assert 'id="deviations"' in page and "王永福同志长期外出务工" in page


def test_the_edit_form_knows_whether_the_posts_follow_the_guidance(world, draft, r2_office):
    client = login(world, "office")
    form = client.get(url("request_update", draft)).context["form"]
    assert form["fill_by_r2"].value() is True
    assert form["elected_deputy"].value() == r2_office.village_secretaries[0].pk
    draft.posts.filter(kind=PostKind.COMMITTEE_MEMBER).first().delete()
    form = client.get(url("request_update", draft)).context["form"]
    assert form["fill_by_r2"].value() is False


def test_ticking_the_guidance_refills_the_posts(world, draft, r2_office):
    draft.posts.all().delete()
    data = edit_data(draft, fill_by_r2="on", elected_deputy=r2_office.village_secretaries[2].pk)
    login(world, "office").post(url("request_update", draft), data)
    elected = draft.posts.get(kind=PostKind.ELECTED_DEPUTY)
    assert elected.person == r2_office.village_secretaries[2]
    assert draft.posts.count() == 5


@pytest.mark.parametrize(
    ("upload", "message"),
    [
        (SimpleUploadedFile("setup.exe", b"MZ..."), "only PDF, JPG, PNG, DOC and DOCX files can be attached"),
        (SimpleUploadedFile("minutes.pdf", b"just text"), "is not a real PDF file"),
        (SimpleUploadedFile("photo.png", PDF), "is not a real PNG file"),
    ],
)
def test_it_refuses_attachments_of_other_kinds(world, r2_office, upload, message):
    data = form_data(r2_office, **{"attachments-0-file": upload})
    response = login(world, "office").post(reverse("establishment:request_create"), data)
    assert response.status_code == 200
    assert message in str(response.context["attachments"].forms[0].errors["file"])
    assert not EstablishmentRequest.objects.exists()  # nothing is half-written


def test_it_refuses_an_attachment_over_the_size_limit(world, r2_office, monkeypatch):
    monkeypatch.setattr("establishment.forms.MAX_ATTACHMENT_SIZE", 10)
    response = login(world, "office").post(reverse("establishment:request_create"), form_data(r2_office))
    errors = str(response.context["attachments"].forms[0].errors["file"])
    assert "an attachment may be at most 10\xa0bytes" in errors
    assert not EstablishmentRequest.objects.exists()


def test_an_attachment_without_description_is_named_after_its_file(world, draft):
    data = edit_data(draft, **management("attachments", 1))
    data["attachments-0-file"] = SimpleUploadedFile("scan.jpg", b"\xff\xd8\xff\xe0rest")
    login(world, "office").post(url("request_update", draft), data)
    assert draft.attachments.filter(description="scan").exists()


def test_attachments_are_removed_with_a_tick(world, draft, django_capture_on_commit_callbacks):
    attachment = draft.attachments.get()
    stored = attachment.file.name
    data = edit_data(draft, remove_attachments=[attachment.pk])
    with django_capture_on_commit_callbacks(execute=True):
        login(world, "office").post(url("request_update", draft), data)
    assert not draft.attachments.exists()
    assert not attachment.file.storage.exists(stored)


def test_other_branches_need_their_sub_kind(world, r2_office):
    data = form_data(r2_office, **{"branches-1-other_kind": ""})
    response = login(world, "office").post(reverse("establishment:request_create"), data)
    errors = response.context["branches"].forms[1].errors
    assert errors["other_kind"] == ["Choose the sub-kind of this other party branch."]


def test_the_election_cannot_be_in_the_future(world, r2_office):
    future = (TODAY + datetime.timedelta(days=3)).isoformat()
    response = login(world, "office").post(
        reverse("establishment:request_create"), form_data(r2_office, election_date=future)
    )
    assert response.context["form"].errors["election_date"] == ["The date is in the future."]


def test_people_of_other_offices_cannot_be_proposed(world, r2_office):
    elsewhere = Branch.objects.create(
        office=world.other_office, kind=BranchKind.OFFICE_GENERAL, name="西营办事处党总支"
    )
    stranger = make_member(elsewhere, "孙五")
    data = form_data(r2_office, **{"branches-0-members": [str(stranger.pk)]})
    response = login(world, "office").post(reverse("establishment:request_create"), data)
    assert "members" in response.context["branches"].forms[0].errors
    assert not EstablishmentRequest.objects.exists()


def test_a_returned_request_shows_the_opinion_on_the_form(world, draft):
    advance(draft, world, RequestState.SUBMITTED)
    services.return_request(draft, world.users["township"], "请补充选举记录")
    page = login(world, "office").get(url("request_update", draft)).content.decode()
    assert 'id="return-opinion"' in page and "请补充选举记录" in page


# --- The whole path through the views -----------------------------------------------------------------


def test_the_whole_path_through_the_pages(world, r2_office):
    office, township, county = (login(world, role) for role in ("office", "township", "county"))
    office.post(reverse("establishment:request_create"), form_data(r2_office))
    request = EstablishmentRequest.objects.get()

    response = office.post(url("request_submit", request), follow=True)
    assert "The request is submitted to the town party committee." in response.content.decode()
    request.refresh_from_db()
    assert request.state == RequestState.SUBMITTED

    response = township.post(url("request_return", request), {"opinion": "请补充志愿者名单"}, follow=True)
    assert "returned to 东关办事处 with your opinion" in response.content.decode()
    request.refresh_from_db()
    assert request.state == RequestState.RETURNED

    # The office adds 孙小梅 to the volunteers and submits again.
    volunteers = request.branches.get(kind=BranchKind.VOLUNTEER_TEAM)
    index = list(request.branches.order_by("pk")).index(volunteers)
    data = edit_data(request, fill_by_r2="on", elected_deputy=r2_office.village_secretaries[1].pk)
    data[f"branches-{index}-members"] = [p.pk for p in r2_office.people]
    response = office.post(url("request_update", request), {**data, "save_and_submit": ""})
    assert response["Location"] == url("request_submit", request)
    office.post(url("request_submit", request))
    request.refresh_from_db()
    assert request.state == RequestState.SUBMITTED

    # The approval form on the request page, then the approval.
    page = township.get(url("request_detail", request)).content.decode()
    assert 'id="form-approve"' in page and 'id="form-return"' in page
    data = {"meeting_date": DAY.isoformat(), "decision_number": "甲党发〔2026〕12号", "opinion": "同意"}
    response = township.post(url("request_approve", request), data, follow=True)
    assert "Approval recorded (甲党发〔2026〕12号)" in response.content.decode()

    data = {
        "reported_on": (DAY + datetime.timedelta(days=1)).isoformat(),
        "report_number": "甲党报〔2026〕3号",
    }
    township.post(url("request_report", request), data)
    request.refresh_from_db()
    assert request.state == RequestState.REPORTED

    page = county.get(url("request_detail", request)).content.decode()
    assert 'id="form-consent"' in page and 'id="form-approve"' not in page
    response = county.post(url("request_consent", request), {"consented_on": TODAY.isoformat()}, follow=True)
    request.refresh_from_db()
    assert request.state == RequestState.ESTABLISHED

    general = Branch.objects.get(pk=r2_office.general.pk)
    assert general.name == "东关社区党总支" and general.kind == BranchKind.COMMUNITY_GENERAL
    assert BranchName.objects.get(branch=general).name == "东关办事处党总支"
    current = {(p.kind, p.person_id) for p in Post.objects.filter(branch=general, ended_on__isnull=True)}
    first, second, third = r2_office.village_secretaries
    assert current == {
        (PostKind.SECRETARY, r2_office.secretary.pk),
        (PostKind.DEPUTY_SECRETARY, r2_office.deputy.pk),
        (PostKind.ELECTED_DEPUTY, second.pk),
        (PostKind.COMMITTEE_MEMBER, first.pk),
        (PostKind.COMMITTEE_MEMBER, third.pk),
    }
    volunteers = Branch.objects.get(name="东关社区志愿者队伍党支部")
    assert volunteers.parent == general and set(volunteers.members.all()) == set(r2_office.people)
    mobile = Branch.objects.get(name="东关社区流动党员党支部")
    assert mobile.parent == general and mobile.other_kind == OtherBranchKind.MOBILE
    # The request page links to the new organisations.
    page = response.content.decode()
    assert "The county has consented" in page
    assert reverse("branches:branch_detail", args=[general.pk]) in page
    events = list(request.events.values_list("action", "actor__username", "opinion"))
    assert [e[0] for e in events] == [
        "create",
        "submit",
        "return",
        "edit",
        "submit",
        "approve",
        "report",
        "consent",
    ]
    assert events[2] == ("return", "township", "请补充志愿者名单")


# --- What cannot be done --------------------------------------------------------------------------------


def test_approving_a_draft_is_refused(world, draft):
    client = login(world, "township")
    data = {"meeting_date": DAY.isoformat(), "decision_number": "1号"}
    response = client.post(url("request_approve", draft), data, follow=True)
    assert response.redirect_chain[-1][0] == url("request_detail", draft)
    assert "this cannot be done now" in response.content.decode()
    draft.refresh_from_db()
    assert draft.state == RequestState.DRAFT and draft.decision_number == ""


def test_editing_after_submission_is_refused(world, draft):
    advance(draft, world, RequestState.SUBMITTED)
    client = login(world, "office")
    response = client.post(url("request_update", draft), edit_data(draft, title="改过的标题"), follow=True)
    assert "it can no longer be edited" in response.content.decode()
    draft.refresh_from_db()
    assert draft.title != "改过的标题"
    page = client.get(url("request_detail", draft)).content.decode()
    assert 'id="edit-request"' not in page and 'id="submit-request"' not in page


def test_consenting_twice_is_refused(world, draft):
    advance(draft, world, RequestState.REPORTED)
    data = {"consented_on": TODAY.isoformat()}
    login(world, "county").post(url("request_consent", draft), data)
    response = login(world, "township").post(url("request_consent", draft), data, follow=True)
    assert "this cannot be done now" in response.content.decode()
    assert RequestEvent.objects.filter(request=draft, action="consent").count() == 1
    assert Branch.objects.filter(name="东关社区志愿者队伍党支部").count() == 1


def test_the_office_cannot_approve_its_own_request(world, draft):
    advance(draft, world, RequestState.SUBMITTED)
    response = login(world, "office").post(
        url("request_approve", draft), {"meeting_date": DAY.isoformat(), "decision_number": "1号"}
    )
    assert response.status_code == 403


def test_a_stale_page_cannot_edit_a_request_submitted_meanwhile(world, draft, monkeypatch):
    # The office's second tab: the page loaded while the request was a draft, the first tab submits.
    client = login(world, "office")
    real_get_forms = RequestEditView.get_forms

    def submit_first(view, *args, **kwargs):
        advance(draft, world, RequestState.SUBMITTED)
        return real_get_forms(view, *args, **kwargs)

    monkeypatch.setattr(RequestEditView, "get_forms", submit_first)
    response = client.post(url("request_update", draft), edit_data(draft, title="改过的标题"), follow=True)
    assert "submitted in the meantime" in response.content.decode()
    draft.refresh_from_db()
    assert draft.state == RequestState.SUBMITTED and draft.title != "改过的标题"


# --- The forms of the steps -------------------------------------------------------------------------------


def test_return_needs_an_opinion(world, draft):
    advance(draft, world, RequestState.SUBMITTED)
    response = login(world, "township").post(url("request_return", draft), {"opinion": "  "})
    assert response.context["form"].errors["opinion"] == ["Say what the office should change."]


def test_approval_needs_its_number_and_a_past_date(world, draft):
    advance(draft, world, RequestState.SUBMITTED)
    future = (TODAY + datetime.timedelta(days=1)).isoformat()
    response = login(world, "township").post(url("request_approve", draft), {"meeting_date": future})
    errors = response.context["form"].errors
    assert errors["decision_number"] == ["Record the decision number (文号)."]
    assert errors["meeting_date"] == ["The date is in the future."]


def test_the_report_comes_after_the_approval(world, draft):
    advance(draft, world, RequestState.APPROVED)
    earlier = (DAY - datetime.timedelta(days=1)).isoformat()
    data = {"reported_on": earlier, "report_number": "甲党报3号"}
    response = login(world, "township").post(url("request_report", draft), data)
    assert response.context["form"].errors["reported_on"] == ["The report comes after the approval."]
    response = login(world, "township").post(url("request_report", draft), {"reported_on": DAY.isoformat()})
    assert response.context["form"].errors["report_number"] == ["Record the number of the report."]


def test_the_consent_comes_after_the_report(world, draft):
    advance(draft, world, RequestState.REPORTED)
    earlier = (DAY - datetime.timedelta(days=1)).isoformat()
    response = login(world, "county").post(url("request_consent", draft), {"consented_on": earlier})
    assert response.context["form"].errors["consented_on"] == ["The consent comes after the report."]


def test_submit_asks_for_confirmation_first(world, draft):
    page = login(world, "office").get(url("request_submit", draft)).content.decode()
    assert 'id="submit-note"' in page and 'id="do-submit"' in page
    draft.refresh_from_db()
    assert draft.state == RequestState.DRAFT


# --- Attachments and documents --------------------------------------------------------------------------


def test_attachment_download_is_served_through_the_request(world, draft):
    attachment = draft.attachments.get()
    response = login(world, "county").get(reverse("establishment:attachment_download", args=[attachment.pk]))
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert response["Content-Disposition"].startswith("attachment;")
    assert "/media/" not in login(world, "township").get(url("request_detail", draft)).content.decode()


def test_the_request_page_shows_what_the_office_wrote(world, draft, r2_office):
    page = login(world, "township").get(url("request_detail", draft)).content.decode()
    for text in ("东关社区党总支", "东关社区志愿者队伍党支部", "王建国", "张建军", "选举会议记录", "赵大勇"):
        assert text in page
    assert 'data-post="elected_deputy" data-person="张建军"' in page
    assert 'id="deviations"' not in page


def test_the_printed_request(world, draft):
    page = login(world, "office").get(url("request_print", draft)).content.decode()
    assert 'id="doc-draft"' in page  # not yet submitted
    assert "东关办发〔2026〕3号" in page and "关于成立东关社区党总支的请示" in page
    assert "CPC 甲镇 Committee：" in page
    assert "renamed from 东关办事处党总支" in page
    assert 'id="doc-posts"' in page
    for text in ("secretary</span>：王建国", "committee member</span>：李红梅、王永福", "选举会议记录"):
        assert text in page
    assert "received 30 votes" in page


def test_the_printed_approval_and_report(world, draft):
    advance(draft, world, RequestState.ESTABLISHED)
    client = login(world, "township")
    page = client.get(url("approval_print", draft)).content.decode()
    assert (
        "甲党发〔2026〕12号" in page
        and "Reply approving the establishment of 东关社区党总支 and the branches under it" in page
    )
    # Written before the renaming: addressed to the office general branch by its name then.
    assert 'id="doc-addressee">东关办事处党总支：' in page
    page = client.get(url("report_print", draft)).content.decode()
    assert "甲党报〔2026〕3号" in page
    assert "Organisation Department of the CPC 测试县 Committee：" in page
    assert "东关社区志愿者队伍党支部" in page


def test_people_who_left_stay_on_a_request_that_names_them(world, draft, r2_office):
    Member.objects.filter(pk=r2_office.people[0].pk).update(status="deceased")
    response = login(world, "office").get(url("request_update", draft))
    members = response.context["branches"].forms[0].fields["members"].queryset
    assert r2_office.people[0] in members
    assert ProposedPost.objects.filter(request=draft).count() == 5


# --- The admin ------------------------------------------------------------------------------------------


def test_the_admin_shows_requests_in_scope_and_their_path_read_only(world, draft):
    far = EstablishmentRequest.objects.create(office=world.far_office, title="南湖的请示", justification="-")
    advance(draft, world, RequestState.SUBMITTED)
    user = world.users["township"]
    user.is_staff = True
    user.save()
    client = login(world, "township")
    page = client.get("/admin/establishment/establishmentrequest/").content.decode()
    assert draft.title in page and far.title not in page
    response = client.get(f"/admin/establishment/establishmentrequest/{draft.pk}/change/")
    assert response.status_code == 200 and not response.context["has_change_permission"]
    assert "/media/" not in response.content.decode()  # attachments are served by the request pages only
    event = draft.events.get(action="submit")
    response = client.get(f"/admin/establishment/requestevent/{event.pk}/change/")
    assert response.status_code == 200 and not response.context["has_change_permission"]
    assert client.get(f"/admin/establishment/establishmentrequest/{far.pk}/change/").status_code == 302


def test_a_description_without_a_file_asks_for_the_file(world, draft):
    data = edit_data(draft, **management("attachments", 1))
    data["attachments-0-description"] = "会议记录"
    response = login(world, "office").post(url("request_update", draft), data)
    assert response.context["attachments"].forms[0].errors["file"] == ["Choose the file to attach."]
