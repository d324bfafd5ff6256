"""The campaign board's pages: access for every role on every URL (GET and POST), the campaign form and
its dates, the board's workbook, survey snapshots, opinion collections with their opinions, good practices
and publishing them to the home page, and the sidebar."""

import datetime
import io

import openpyxl
import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from establishment.choices import OpinionMeeting
from establishment.models import Campaign, GoodPractice, Opinion, OpinionSession, SurveySnapshot
from tests.access import check_access

ANONYMOUS = {"anonymous": 302}
EVERYONE = {
    **ANONYMOUS,
    "township": 200,
    "other_township": 200,
    "office": 200,
    "other_office": 200,
    "village": 200,
    "other_village": 200,
    "county": 200,
}
# Campaigns: township staff only.
CREATE_CAMPAIGN = {**EVERYONE, "office": 403, "other_office": 403, "village": 403, "other_village": 403}
CREATE_CAMPAIGN["county"] = 403
# The campaign of world.township: its offices and the county read it; village secretaries never see it.
VIEW_CAMPAIGN = {**EVERYONE, "other_township": 404, "village": 404, "other_village": 404}
CHANGE_CAMPAIGN = {**VIEW_CAMPAIGN, "office": 403, "other_office": 403, "county": 403}
# Snapshots, opinion collections, good practices: township staff and office secretaries record them.
CREATE_RECORD = {**EVERYONE, "village": 403, "other_village": 403, "county": 403}
# A record of world.office.
VIEW_RECORD = {**VIEW_CAMPAIGN, "other_office": 404}
CHANGE_RECORD = {**VIEW_RECORD, "county": 403}
PUBLISH = {**CHANGE_RECORD, "office": 403}
TODAY = timezone.localdate()


def login(world, role: str) -> Client:
    """A client of `role` whose pages speak English, so that tests read the msgids."""
    client = Client()
    client.force_login(world.users[role])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def records(world):
    campaign = Campaign.objects.create(township=world.township, year=2026, **Campaign.defaults_for(2026))
    snapshot = SurveySnapshot.objects.create(office=world.office, taken_on=datetime.date(2026, 6, 18))
    session = OpinionSession.objects.create(
        office=world.office,
        kind=OpinionMeeting.SYMPOSIUM,
        held_on=datetime.date(2026, 6, 19),
        place="东关社区会议室",
        participants="老党员12人",
    )
    Opinion.objects.create(session=session, content="希望社区办公时间延长")
    practice = GoodPractice.objects.create(
        office=world.office,
        title="老党员结对帮扶",
        content="每名老党员联系三户群众。",
        recorded_on=datetime.date(2026, 6, 25),
    )
    return {"campaign": campaign, "snapshot": snapshot, "session": session, "practice": practice}


def url(name: str, obj=None) -> str:
    return reverse(f"establishment:{name}", args=[obj.pk] if obj is not None else [])


# --- Access ----------------------------------------------------------------------------------------------


def test_campaign_pages_access(world, records):
    campaign = records["campaign"]
    check_access(world, url("campaign_list"), EVERYONE)
    check_access(world, url("campaign_list") + "?export=xlsx", EVERYONE)
    check_access(world, url("campaign_create"), CREATE_CAMPAIGN)
    check_access(world, url("campaign_create"), CREATE_CAMPAIGN, method="post")
    check_access(world, url("campaign_board", campaign), VIEW_CAMPAIGN)
    check_access(world, url("campaign_board", campaign) + "?export=xlsx", VIEW_CAMPAIGN)
    check_access(world, url("campaign_update", campaign), CHANGE_CAMPAIGN)
    check_access(world, url("campaign_update", campaign), CHANGE_CAMPAIGN, method="post")


def test_survey_pages_access(world, records):
    check_access(world, url("survey_list"), EVERYONE)
    check_access(world, url("survey_list") + "?export=xlsx", EVERYONE)
    check_access(world, url("survey_create"), CREATE_RECORD)
    check_access(world, url("survey_create"), CREATE_RECORD, method="post")
    check_access(world, url("survey_detail", records["snapshot"]), VIEW_RECORD)


def test_opinion_pages_access(world, records):
    session = records["session"]
    check_access(world, url("opinion_list"), EVERYONE)
    check_access(world, url("opinion_list") + "?export=xlsx", EVERYONE)
    check_access(world, url("opinion_create"), CREATE_RECORD)
    check_access(world, url("opinion_create"), CREATE_RECORD, method="post")
    check_access(world, url("opinion_detail", session), VIEW_RECORD)
    check_access(world, url("opinion_update", session), CHANGE_RECORD)
    check_access(world, url("opinion_update", session), CHANGE_RECORD, method="post")


def test_good_practice_pages_access(world, records):
    practice = records["practice"]
    check_access(world, url("practice_list"), EVERYONE)
    check_access(world, url("practice_list") + "?export=xlsx", EVERYONE)
    check_access(world, url("practice_create"), CREATE_RECORD)
    check_access(world, url("practice_create"), CREATE_RECORD, method="post")
    check_access(world, url("practice_detail", practice), VIEW_RECORD)
    check_access(world, url("practice_update", practice), CHANGE_RECORD)
    check_access(world, url("practice_update", practice), CHANGE_RECORD, method="post")
    check_access(world, url("practice_publish", practice), PUBLISH)
    check_access(world, url("practice_unpublish", practice), PUBLISH)
    check_access(world, url("practice_publish", practice), {**PUBLISH, "township": 302}, method="post")
    check_access(world, url("practice_unpublish", practice), {**PUBLISH, "township": 302}, method="post")


def test_lists_show_only_what_is_in_scope(world, records):
    SurveySnapshot.objects.create(office=world.far_office, taken_on=TODAY)
    SurveySnapshot.objects.create(office=world.other_office, taken_on=TODAY)
    for role, expected in [
        ("township", 2),
        ("office", 1),
        ("other_office", 1),
        ("county", 3),
        ("village", 0),
    ]:
        response = login(world, role).get(url("survey_list"))
        assert len(response.context["table"].rows) == expected, role


# --- Campaigns ---------------------------------------------------------------------------------------------


def campaign_data(world, year=2027, **dates) -> dict:
    data = {"year": year, **{k: v.isoformat() for k, v in Campaign.defaults_for(year).items()}}
    data.update({k: v.isoformat() for k, v in dates.items()})
    return data


def test_a_new_campaign_starts_from_the_guidance_dates(world):
    form = login(world, "township").get(url("campaign_create") + "?year=2027").context["form"]
    assert form.initial["year"] == 2027
    assert form.initial["survey_starts"] == datetime.date(2027, 6, 15)
    assert form.initial["survey_ends"] == datetime.date(2027, 6, 20)
    assert form.initial["implementation_starts"] == datetime.date(2027, 6, 21)
    assert form.initial["implementation_ends"] == datetime.date(2027, 6, 30)
    assert form.initial["assessment_starts"] == datetime.date(2027, 7, 1)
    assert form.initial["assessment_ends"] == datetime.date(2027, 7, 31)
    assert form.fields["township"].disabled  # township staff have one township


def test_township_staff_create_a_campaign_with_a_later_assessment_end(world):
    client = login(world, "township")
    response = client.post(
        url("campaign_create"), campaign_data(world, assessment_ends=datetime.date(2027, 8, 15))
    )
    campaign = Campaign.objects.get()
    assert response.status_code == 302
    assert response["Location"] == url("campaign_board", campaign)
    assert (campaign.township, campaign.year, campaign.assessment_ends) == (
        world.township,
        2027,
        datetime.date(2027, 8, 15),
    )
    page = client.get(response["Location"])
    assert [str(m) for m in page.context["messages"]]


def test_phases_out_of_order_are_refused_next_to_the_date(world):
    response = login(world, "township").post(
        url("campaign_create"), campaign_data(world, implementation_starts=datetime.date(2027, 6, 18))
    )
    form = response.context["form"]
    assert response.status_code == 200
    assert "implementation_starts" in form.errors
    assert (
        "The phases must follow one another: each date on or after the one before." in form.non_field_errors()
    )
    assert not Campaign.objects.exists()


def test_a_second_campaign_for_the_same_year_is_refused(world, records):
    response = login(world, "township").post(url("campaign_create"), campaign_data(world, year=2026))
    assert response.context["form"].errors["year"] == ["This township already has a campaign for this year."]
    assert Campaign.objects.count() == 1


def test_township_staff_edit_the_dates(world, records):
    campaign = records["campaign"]
    data = campaign_data(world, year=2026, assessment_ends=datetime.date(2026, 8, 10))
    response = login(world, "township").post(url("campaign_update", campaign), data)
    assert response.status_code == 302
    campaign.refresh_from_db()
    assert campaign.assessment_ends == datetime.date(2026, 8, 10)
    assert campaign.township == world.township


def test_the_board_page_and_its_workbook(world, records, r2_office):
    client = login(world, "township")
    campaign = records["campaign"]
    page = client.get(url("campaign_board", campaign))
    html = page.content.decode()
    assert page.status_code == 200
    assert [row.office for row in page.context["board"].rows] == [world.office, world.other_office]
    assert f'data-office="{world.office.pk}"' in html
    assert 'data-column="survey" data-state="done"' in html
    assert 'id="legend"' in html and 'id="board-summary"' in html
    response = client.get(url("campaign_board", campaign) + "?export=xlsx")
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).active
    assert sheet["A1"].value == "Campaign progress 2026"
    assert sheet["A2"].value.endswith("甲镇")
    headers = [c.value for c in sheet[3]]
    assert headers[:3] == ["office", "rural community", "survey done (by Jun 20)"]
    first = [c.value for c in sheet[4]]
    assert first[:3] == ["东关办事处", "东关社区", "done Jun 18"]
    second = [c.value for c in sheet[5]]
    assert second[0] == "西营办事处"
    assert second[4] == "no rural community"
    assert sheet.page_setup.orientation == "landscape"


def test_the_campaign_list_points_to_this_years_board(world):
    campaign = Campaign.objects.create(
        township=world.township, year=TODAY.year, **Campaign.defaults_for(TODAY.year)
    )
    html = login(world, "office").get(url("campaign_list")).content.decode()
    assert f'href="{url("campaign_board", campaign)}"' in html
    assert 'id="campaign-add"' not in html


# --- Survey snapshots ------------------------------------------------------------------------------------


def test_an_office_secretary_takes_a_snapshot_of_his_office(world, party):
    client = login(world, "office")
    form = client.get(url("survey_create")).context["form"]
    assert form.initial["office"] == world.office.pk  # his only office, preselected
    assert form.initial["taken_on"] == TODAY
    response = client.post(url("survey_create"), {"office": world.office.pk, "taken_on": TODAY.isoformat()})
    snapshot = SurveySnapshot.objects.get()
    assert response["Location"] == url("survey_detail", snapshot)
    assert snapshot.counts["party_members"] == 2
    assert snapshot.counts["organisations"]["community_general"] == 1
    page = client.get(response["Location"])
    assert [str(m) for m in page.context["messages"]] == [
        f"Survey of 东关办事处 taken on {TODAY.isoformat()}; its counts are frozen."
    ]


def test_a_snapshot_cannot_be_dated_in_the_future_or_for_another_office(world):
    client = login(world, "office")
    tomorrow = TODAY + datetime.timedelta(days=1)
    response = client.post(
        url("survey_create"), {"office": world.office.pk, "taken_on": tomorrow.isoformat()}
    )
    assert response.context["form"].errors["taken_on"] == ["The date is in the future."]
    response = client.post(
        url("survey_create"), {"office": world.other_office.pk, "taken_on": TODAY.isoformat()}
    )
    assert "office" in response.context["form"].errors
    assert not SurveySnapshot.objects.exists()


# --- Opinion collections ---------------------------------------------------------------------------------


def opinion_data(office, rows, *, initial=0, **fields) -> dict:
    data = {
        "office": office.pk,
        "kind": OpinionMeeting.VISIT,
        "held_on": "2026-06-17",
        "place": "李楼村",
        "participants": "走访老党员5人",
        "opinions-TOTAL_FORMS": len(rows),
        "opinions-INITIAL_FORMS": initial,
        "opinions-MIN_NUM_FORMS": 0,
        "opinions-MAX_NUM_FORMS": 1000,
        **fields,
    }
    for index, row in enumerate(rows):
        for key, value in row.items():
            data[f"opinions-{index}-{key}"] = value
    return data


def test_an_opinion_collection_is_saved_with_its_opinions(world):
    client = login(world, "office")
    rows = [
        {"content": "村里路灯不亮", "response": "已报镇里维修", "answered_on": "2026-06-20"},
        {"content": "希望多组织学习"},
        {},  # an empty box is left out
    ]
    response = client.post(url("opinion_create"), opinion_data(world.office, rows))
    session = OpinionSession.objects.get()
    assert response["Location"] == url("opinion_detail", session)
    assert [(o.content, o.answered_on) for o in session.opinions.all()] == [
        ("村里路灯不亮", datetime.date(2026, 6, 20)),
        ("希望多组织学习", None),
    ]
    page = client.get(response["Location"])
    assert [str(m) for m in page.context["messages"]] == [
        "visit to veteran members 2026-06-17 of 东关办事处 saved with 2 opinions."
    ]


@pytest.mark.parametrize(
    ("rows", "where", "message"),
    [
        ([{}], None, "Record at least one opinion or suggestion."),
        (
            [{"content": "意见", "answered_on": "2026-06-20"}],
            "response",
            "Say what was done before giving the date it was answered.",
        ),
        (
            [{"content": "意见", "response": "已办", "answered_on": "2026-06-10"}],
            "answered_on",
            "Answered before it was collected (2026-06-17).",
        ),
    ],
)
def test_bad_opinions_are_refused_and_nothing_is_saved(world, rows, where, message):
    response = login(world, "office").post(url("opinion_create"), opinion_data(world.office, rows))
    formset = response.context["form"].formset
    assert response.status_code == 200
    if where is None:
        assert formset.non_form_errors() == [message]
    else:
        assert formset.forms[0].errors[where] == [message]
    assert not OpinionSession.objects.exists()
    assert not Opinion.objects.exists()


def test_editing_answers_one_opinion_and_deletes_another(world, records):
    session = records["session"]
    kept = session.opinions.get()
    extra = Opinion.objects.create(session=session, content="重复的意见")
    rows = [
        {
            "id": kept.pk,
            "content": kept.content,
            "response": "已调整为8点到18点",
            "answered_on": "2026-06-21",
        },
        {"id": extra.pk, "content": extra.content, "DELETE": "on"},
    ]
    data = opinion_data(world.office, rows, initial=2, held_on="2026-06-19")
    response = login(world, "township").post(url("opinion_update", session), data)
    assert response.status_code == 302
    assert list(session.opinions.values_list("content", "answered_on")) == [
        ("希望社区办公时间延长", datetime.date(2026, 6, 21))
    ]


def test_the_opinion_list_filters_and_exports_every_opinion(world, records):
    answered = OpinionSession.objects.create(
        office=world.other_office,
        kind=OpinionMeeting.DISCUSSION,
        held_on=datetime.date(2026, 6, 16),
        participants="甲",
    )
    Opinion.objects.create(
        session=answered, content="已答复的意见", response="已办", answered_on=datetime.date(2026, 6, 18)
    )
    client = login(world, "township")
    rows = client.get(url("opinion_list"), {"answered": "false"}).context["table"].rows
    assert [row.record for row in rows] == [records["session"]]
    rows = client.get(url("opinion_list"), {"answered": "true", "kind": "discussion"}).context["table"].rows
    assert [row.record for row in rows] == [answered]
    rows = client.get(url("opinion_list"), {"office": world.office.pk}).context["table"].rows
    assert [row.record for row in rows] == [records["session"]]
    response = client.get(url("opinion_list"), {"export": "xlsx"})
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    sessions, opinions = workbook.worksheets
    assert sessions.max_row == 5  # title, unit and date, headers, two collections
    contents = sorted(row[4] for row in opinions.iter_rows(min_row=4, values_only=True))
    assert contents == ["已答复的意见", "希望社区办公时间延长"]


# --- Good practices --------------------------------------------------------------------------------------


def test_township_staff_publish_a_practice_to_the_home_page(world, records):
    practice = records["practice"]
    client = login(world, "township")
    confirm = client.get(url("practice_publish", practice))
    assert 'id="confirm-form"' in confirm.content.decode()
    assert GoodPractice.objects.get().published_at is None  # asking changes nothing
    response = client.post(url("practice_publish", practice))
    assert response["Location"] == url("practice_detail", practice)
    practice.refresh_from_db()
    assert practice.published_at is not None
    page = client.get(response["Location"])
    assert [str(m) for m in page.context["messages"]] == ["老党员结对帮扶 is published on the home page."]
    for role in ("township", "other_office", "village"):
        home = login(world, role).get(reverse("home")).content.decode()
        assert f'data-practice="{practice.pk}"' in home, role
    assert 'data-practice="' not in login(world, "other_township").get(reverse("home")).content.decode()
    client.post(url("practice_unpublish", practice))
    practice.refresh_from_db()
    assert practice.published_at is None
    assert (
        f'data-practice="{practice.pk}"' not in login(world, "village").get(reverse("home")).content.decode()
    )


def test_an_office_edit_takes_a_published_practice_off_the_home_page(world, records):
    practice = records["practice"]
    practice.published_at = timezone.now()
    practice.save()
    client = login(world, "office")
    assert 'id="unpublish-warning"' in client.get(url("practice_update", practice)).content.decode()
    data = {
        "title": "老党员结对帮扶（修订）",
        "recorded_on": "2026-06-25",
        "content": "每名老党员联系五户群众。",
    }
    response = client.post(url("practice_update", practice), data)
    assert response.status_code == 302
    practice.refresh_from_db()
    assert (practice.title, practice.published_at) == ("老党员结对帮扶（修订）", None)
    # Township staff's own edits keep it published.
    practice.published_at = timezone.now()
    practice.save()
    login(world, "township").post(url("practice_update", practice), data)
    practice.refresh_from_db()
    assert practice.published_at is not None


def test_an_office_secretary_records_a_practice(world):
    client = login(world, "office")
    data = {
        "office": world.office.pk,
        "title": "村书记轮流值班",
        "recorded_on": TODAY.isoformat(),
        "content": "周一集中办公",
    }
    response = client.post(url("practice_create"), data)
    practice = GoodPractice.objects.get()
    assert response["Location"] == url("practice_detail", practice)
    assert (practice.office, practice.published_at) == (world.office, None)
    response = client.post(url("practice_create"), {**data, "title": ""})
    assert "title" in response.context["form"].errors


# --- The sidebar -------------------------------------------------------------------------------------------


@pytest.mark.parametrize("path_name", ["campaign_list", "survey_list", "opinion_list", "practice_list"])
def test_the_sidebar_item_is_active_on_every_campaign_page(world, path_name):
    nav = login(world, "township").get(url(path_name)).context["nav"]
    (item,) = [i for i in nav["items"] if i["url"] == url("campaign_list")]
    assert item["active"]
    assert item["label"] == "Campaign board"


def test_village_secretaries_have_no_campaign_item(world):
    nav = login(world, "village").get(reverse("home")).context["nav"]
    assert url("campaign_list") not in [i["url"] for i in nav["items"]]
