"""The assessment round's township-side pages (issue 7, "The round"): the rounds list and the form that
opens the year's round, one round's progress and results, the township's actions behind confirmation
pages (refresh, start scoring, publish, lock, reopen), objections answered, the results workbook, and the
year-on-year page; who sees which rows."""

import datetime
import io
import zoneinfo
from decimal import Decimal

import pytest
from django.contrib.messages import get_messages
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from assessments import rounds
from assessments.models import AssessmentRound, Method, Objection, RoundAction, RoundState
from assessments.scoring import ItemKind
from tests.access import check_access
from tests.test_assessment_rounds import make_template

TODAY = datetime.date(2026, 7, 20)


@pytest.fixture
def clock(monkeypatch):
    now = datetime.datetime(2026, 7, 20, 10, 0, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai"))
    monkeypatch.setattr(timezone, "now", lambda: now.astimezone(datetime.UTC))


@pytest.fixture
def template(world, party, clock):
    return make_template(world.township, 2026)


def login(world, role: str) -> Client:
    client = Client()
    client.force_login(world.users[role])
    return client


def open_round(world, template, **options) -> AssessmentRound:
    options.setdefault("include_offices_without_community", True)
    return rounds.open_round(
        world.township, template.year, template, world.users["township"], TODAY, **options
    )


def score_everything(world, round_) -> None:
    """Give points to every entry that has none yet, as the inspectors would."""
    staff = world.users["township"]
    for sheet in round_.sheets.all():
        for entry in sheet.entries.select_related("item", "sheet__round"):
            item = entry.item
            if item.kind == ItemKind.VETO or entry.effective_points is not None:
                continue
            if item.method == Method.DEDUCTION:
                rounds.score(entry, staff, missing=1)
            elif item.method == Method.AUTOMATIC:
                rounds.score(entry, staff, points=item.max_points, reason="现场核实")
            else:
                points = item.max_points if sheet.office == world.office else item.max_points / 2
                rounds.score(entry, staff, points=points)


def published_round(world, template) -> AssessmentRound:
    round_ = open_round(world, template)
    rounds.start_scoring(round_, world.users["township"])
    score_everything(world, round_)
    return rounds.publish(round_, world.users["township"], today=TODAY)


def action_url(round_, name):
    return reverse("assessments:round_action", args=[round_.pk, name])


def texts(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


# --- Access ----------------------------------------------------------------------------------------------

READERS = {
    "anonymous": 302,
    "township": 200,
    "other_township": 200,
    "office": 200,
    "other_office": 200,
    "village": 404,
    "other_village": 404,
    "county": 200,
}


def test_list_and_compare_access(world, template):
    check_access(world, reverse("assessments:round_list"), READERS)
    check_access(world, reverse("assessments:round_compare"), READERS)
    url = reverse("assessments:round_compare") + f"?office={world.office.pk}"
    check_access(world, url, {**READERS, "other_township": 404, "other_office": 404})


def test_open_access(world, template):
    data = {"year": 2026, "template": template.pk, "notice_days": 5}
    expected = {
        "anonymous": 302,
        "township": 302,  # opened
        "other_township": 200,  # the form refuses another township's template
        "office": 403,
        "other_office": 403,
        "village": 404,
        "other_village": 404,
        "county": 403,
    }
    check_access(world, reverse("assessments:round_list"), expected, "post", data)
    assert AssessmentRound.objects.get().township == world.township


def test_detail_access_before_and_after_publishing(world, template):
    round_ = open_round(world, template)
    url = reverse("assessments:round_detail", args=[round_.pk])
    before = {**READERS, "other_township": 404, "county": 404}
    check_access(world, url, before)
    check_access(world, url + "?export=xlsx", before)
    score_everything(world, round_)
    rounds.publish(round_, world.users["township"], today=TODAY)
    check_access(world, url, {**before, "county": 200})


@pytest.mark.parametrize("name", ["refresh", "start_scoring", "publish"])
def test_action_access(world, template, name):
    round_ = open_round(world, template)
    expected = {
        "anonymous": 302,
        "township": 200,
        "other_township": 404,
        "office": 403,
        "other_office": 403,
        "village": 404,
        "other_village": 404,
        "county": 404,
    }
    check_access(world, action_url(round_, name), expected)
    check_access(world, action_url(round_, name), {**expected, "township": 302}, "post")
    assert login(world, "township").get(action_url(round_, "nonsense")).status_code == 404


def test_published_action_and_objection_access(world, template):
    round_ = published_round(world, template)
    expected = {
        "anonymous": 302,
        "township": 200,
        "other_township": 404,
        "office": 403,
        "other_office": 403,
        "village": 404,
        "other_village": 404,
        "county": 403,
    }
    check_access(world, action_url(round_, "lock"), expected)
    check_access(world, action_url(round_, "reopen"), expected)
    sheet = round_.sheets.get(office=world.office)
    objection = rounds.lodge_objection(sheet, world.users["office"], "档案资料已补齐", today=TODAY)
    url = reverse("assessments:objection_answer", args=[objection.pk])
    check_access(
        world,
        url,
        {**expected, "township": 302, "other_office": 404},
        "post",
        {"answer": "经复核，维持原评分"},
    )


# --- Opening ---------------------------------------------------------------------------------------------


def test_open_form_defaults_to_july_and_opens_the_round(world, template):
    client = login(world, "township")
    response = client.get(reverse("assessments:round_list"))
    form = response.context["form"]
    assert form.initial["year"] == 2026
    assert form.initial["opens_on"] == datetime.date(2026, 7, 1)
    assert form.initial["closes_on"] == datetime.date(2026, 7, 31)
    assert form.initial["template"] == template.pk
    assert b'value="2026-07-01"' in response.content and b'value="2026-07-31"' in response.content
    assert b'id="no-template"' not in response.content

    data = {
        "year": 2026,
        "template": template.pk,
        "notice_days": 7,
        "include_offices_without_community": "on",
    }
    response = client.post(reverse("assessments:round_list"), data)
    round_ = AssessmentRound.objects.get()
    assert response.url == reverse("assessments:round_detail", args=[round_.pk])
    assert (round_.opens_on, round_.closes_on, round_.notice_days) == (
        datetime.date(2026, 7, 1),
        datetime.date(2026, 7, 31),
        7,
    )
    assert round_.sheets.count() == 2

    response = client.post(reverse("assessments:round_list"), data)
    assert response.status_code == 200
    assert "2026" in response.context["form"].errors["year"][0]
    assert texts(response)  # a message says it was not opened
    assert AssessmentRound.objects.count() == 1


def test_open_form_refuses_a_bad_window_and_a_template_of_another_year(world, template):
    other = make_template(world.township, 2025)
    client = login(world, "township")
    data = {"year": 2026, "template": other.pk, "notice_days": 5}
    response = client.post(reverse("assessments:round_list"), data)
    assert "template" in response.context["form"].errors
    data = {**data, "template": template.pk, "opens_on": "2026-07-31", "closes_on": "2026-07-01"}
    response = client.post(reverse("assessments:round_list"), data)
    assert "closes_on" in response.context["form"].errors
    assert not AssessmentRound.objects.exists()


def test_open_form_offers_making_the_template_when_none(world, party, clock):
    response = login(world, "township").get(reverse("assessments:round_list"))
    assert b'id="no-template"' in response.content
    assert reverse("assessments:template_list").encode() in response.content


def test_list_shows_rounds_with_state_and_county_only_published(world, template):
    round_ = open_round(world, template)
    response = login(world, "township").get(reverse("assessments:round_list"))
    assert list(response.context["rounds"]) == [round_]
    assert "自评中" in response.content.decode() or round_.get_state_display() in response.content.decode()
    assert list(login(world, "county").get(reverse("assessments:round_list")).context["rounds"]) == []
    assert list(login(world, "office").get(reverse("assessments:round_list")).context["rounds"]) == [round_]


# --- One round: progress, results, actions ---------------------------------------------------------------


def test_publish_is_refused_with_unscored_items_then_succeeds(world, template):
    round_ = open_round(world, template)
    client = login(world, "township")
    assert client.get(action_url(round_, "start_scoring")).status_code == 200
    client.post(action_url(round_, "start_scoring"))
    round_.refresh_from_db()
    assert round_.state == RoundState.SCORING

    detail = client.get(reverse("assessments:round_detail", args=[round_.pk]))
    assert detail.context["progress"]["unscored"] > 0
    assert b'id="provisional"' in detail.content

    response = client.post(action_url(round_, "publish"))
    refusal = " ".join(texts(response))
    assert str(world.office) in refusal and str(world.other_office) in refusal
    round_.refresh_from_db()
    assert round_.state == RoundState.SCORING

    score_everything(world, round_)
    response = client.post(action_url(round_, "publish"))
    round_.refresh_from_db()
    assert round_.state == RoundState.NOTICE and round_.published_on == TODAY

    detail = client.get(reverse("assessments:round_detail", args=[round_.pk]))
    rows = detail.context["rows"]
    assert [(row["office"], row["rank"]) for row in rows] == [(world.office, 1), (world.other_office, 2)]
    first = round_.sheets.get(office=world.office)
    assert rows[0]["total"] == first.total and rows[0]["bonus"] == first.bonus
    assert b'id="provisional"' not in detail.content
    assert [event.action for event in detail.context["events"]] == [
        RoundAction.OPEN,
        RoundAction.START_SCORING,
        RoundAction.PUBLISH,
    ]


def test_refresh_recomputes_and_says_so(world, template):
    round_ = open_round(world, template)
    response = login(world, "township").post(action_url(round_, "refresh"))
    assert response.status_code == 302
    assert any("2" in text for text in texts(response))  # two sheets, one automatic item each


def test_offices_see_only_their_row_until_published(world, template):
    round_ = open_round(world, template)
    url = reverse("assessments:round_detail", args=[round_.pk])
    response = login(world, "office").get(url)
    assert [row["office"] for row in response.context["rows"]] == [world.office]
    assert response.context["rows"][0]["own"] and not response.context["actions"]
    assert b"own-sheet" in response.content
    score_everything(world, round_)
    rounds.publish(round_, world.users["township"], today=TODAY)
    response = login(world, "office").get(url)
    rows = response.context["rows"]
    assert [row["office"] for row in rows] == [world.office, world.other_office]
    assert [row["own"] for row in rows] == [True, False]
    assert [row["linked"] for row in rows] == [True, False]  # his own sheet only


def test_lock_and_reopen_with_a_reason(world, template):
    round_ = published_round(world, template)
    client = login(world, "township")
    response = client.post(action_url(round_, "lock"))
    assert any("2026-07-24" in text for text in texts(response))  # five days' notice from the 20th
    round_.refresh_from_db()
    assert round_.state == RoundState.NOTICE

    AssessmentRound.objects.filter(pk=round_.pk).update(published_on=datetime.date(2026, 7, 1))
    client.post(action_url(round_, "lock"))
    round_.refresh_from_db()
    assert round_.state == RoundState.LOCKED and round_.locked_at is not None

    response = client.post(action_url(round_, "reopen"), {"reason": "  "})
    assert response.status_code == 200 and response.context["form"].errors["reason"]
    round_.refresh_from_db()
    assert round_.state == RoundState.LOCKED

    client.post(action_url(round_, "reopen"), {"reason": "东关办事处档案资料复核"})
    round_.refresh_from_db()
    assert round_.state == RoundState.SCORING
    assert round_.events.last().reason == "东关办事处档案资料复核"
    assert round_.sheets.filter(rank__isnull=False).count() == 0
    detail = client.get(reverse("assessments:round_detail", args=[round_.pk]))
    assert "东关办事处档案资料复核" in detail.content.decode()


def test_an_objection_is_answered(world, template):
    round_ = published_round(world, template)
    sheet = round_.sheets.get(office=world.office)
    objection = rounds.lodge_objection(sheet, world.users["office"], "档案资料已补齐", today=TODAY)
    client = login(world, "township")
    detail = client.get(reverse("assessments:round_detail", args=[round_.pk]))
    assert b"answer-form" in detail.content and "档案资料已补齐" in detail.content.decode()

    url = reverse("assessments:objection_answer", args=[objection.pk])
    client.post(url, {"answer": ""})
    objection.refresh_from_db()
    assert not objection.answered
    response = client.post(url, {"answer": "经复核，维持原评分"})
    assert response.url.endswith("#objections")
    objection.refresh_from_db()
    assert objection.answered and objection.answer == "经复核，维持原评分"

    office_view = login(world, "office").get(reverse("assessments:round_detail", args=[round_.pk]))
    assert list(office_view.context["objections"]) == [objection]
    assert b"answer-form" not in office_view.content
    assert list(login(world, "other_office").get(detail.wsgi_request.path).context["objections"]) == []
    assert Objection.objects.count() == 1


# --- Workbook and year on year -----------------------------------------------------------------------------


def test_results_workbook(world, template):
    round_ = published_round(world, template)
    response = login(world, "county").get(
        reverse("assessments:round_detail", args=[round_.pk]) + "?export=xlsx"
    )
    assert response.status_code == 200
    workbook = load_workbook(io.BytesIO(response.content))
    results, items = workbook.worksheets
    rows = [row for row in results.iter_rows(min_row=4, values_only=True)]
    first = round_.sheets.get(office=world.office)
    assert rows[0][0] == 1 and rows[0][1] == str(world.office) and rows[0][2] == str(world.community)
    assert Decimal(str(rows[0][-2])) == first.total
    assert rows[0][-1] == first.get_grade_display()
    assert [row[1] for row in rows] == [str(world.office), str(world.other_office)]
    details = [row for row in items.iter_rows(min_row=4, values_only=True)]
    assert len(details) == 2 * 5  # every item of both sheets
    adjusted = [row for row in details if row[-1] and "现场核实" in row[-1]]
    assert adjusted  # the reasons are there
    assert {row[3] for row in details} >= {"班子团结", "档案资料", "子支部设置"}


def test_office_workbook_before_publishing_holds_only_its_sheet(world, template):
    round_ = open_round(world, template)
    response = login(world, "office").get(
        reverse("assessments:round_detail", args=[round_.pk]) + "?export=xlsx"
    )
    results, _items = load_workbook(io.BytesIO(response.content)).worksheets
    rows = [row for row in results.iter_rows(min_row=4, values_only=True)]
    assert [row[1] for row in rows] == [str(world.office)]


def test_compare_year_on_year(world, template):
    last_year = make_template(world.township, 2025)
    old = rounds.open_round(
        world.township, 2025, last_year, world.users["township"], datetime.date(2025, 7, 20)
    )
    score_everything(world, old)
    rounds.publish(old, world.users["township"], today=datetime.date(2025, 7, 20))
    this = published_round(world, template)
    url = reverse("assessments:round_compare") + f"?office={world.office.pk}"
    response = login(world, "township").get(url)
    rows = response.context["rows"]
    assert [row["year"] for row in rows] == [2026, 2025]
    new_sheet, old_sheet = this.sheets.get(office=world.office), old.sheets.get(office=world.office)
    assert rows[0]["total"] == new_sheet.total and rows[1]["total"] == old_sheet.total
    assert rows[0]["rank"] == 1 and rows[0]["change"] == new_sheet.total - old_sheet.total
    assert rows[0]["groups"][0] is not None  # the group subtotals
    detail = login(world, "township").get(reverse("assessments:round_detail", args=[this.pk]))
    assert url.encode().replace(b"&", b"&amp;") in detail.content or url.encode() in detail.content
    # The office secretary sees his own office's years; another office is not his to compare.
    assert login(world, "office").get(url).status_code == 200
    assert login(world, "other_office").get(url).status_code == 404


def test_odd_input_in_the_address_is_a_clean_page_not_a_crash(world, template):
    client = login(world, "township")
    assert client.get(reverse("assessments:round_list") + "?q=²").status_code == 200
    assert client.get(reverse("assessments:template_list") + "?q=²").status_code == 200
    assert client.get(reverse("assessments:round_compare") + "?office=²").status_code == 404
    response = client.post(reverse("assessments:round_list"), {"year": "abc"})
    assert response.status_code == 200 and not AssessmentRound.objects.exists()
