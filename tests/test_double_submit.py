"""Double submits are harmless (issue 9, "Nothing lost"): a button clicked twice, a form posted again with
the browser's back button or a flaky connection records a sign-in or moves a workflow once, and the second
answer is a message, never an error page or a second record."""

import datetime
import zoneinfo

import pytest
from django.contrib import messages
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from assessments.models import RoundAction, RoundState
from duty_roster import changes
from duty_roster.choices import ChangeKind, ChangeState
from duty_roster.models import DutyChange, DutyDay, SignIn
from establishment.choices import RequestAction, RequestState
from establishment.models import EstablishmentRequest, RequestEvent
from ledger import services as ledger_services
from ledger.models import LedgerEvent, LedgerItem
from tests.test_assessment_round_pages import action_url, published_round, score_everything
from tests.test_assessment_rounds import make_template
from tests.test_duty_changes import coming as coming
from tests.test_duty_changes import people as people
from tests.test_duty_signin import NOW, signin_url
from tests.test_duty_signin import clock as clock
from tests.test_duty_signin import today_duty as today_duty
from tests.test_establishment_views import DAY, TODAY, advance, form_data
from tests.test_establishment_views import draft as draft
from tests.test_ledger_views import JAN
from tests.test_ledger_views import january as january


def login(world, role: str) -> Client:
    client = Client()
    client.force_login(world.users[role])
    return client


def levels(response) -> list[str]:
    """The messages the answer showed: success, info or error."""
    names = {messages.SUCCESS: "success", messages.INFO: "info", messages.ERROR: "error"}
    return [names.get(message.level, "other") for message in response.context["messages"]]


def twice(client: Client, url: str, data=None) -> tuple:
    """The same POST twice, as a double click sends it; both answers, each followed to the page it leads to
    (a redirect: nothing refused with an error page)."""
    answers = client.post(url, data or {}, follow=True), client.post(url, data or {}, follow=True)
    for answer in answers:
        assert answer.status_code == 200
    return answers


def request_url(name: str, request) -> str:
    return reverse(f"establishment:{name}", args=[request.pk])


# --- The duty sign-in -------------------------------------------------------------------------------------


def test_signing_in_twice_records_one_sign_in_and_says_so_kindly(world, duty_post, today_duty):
    first, second = twice(login(world, "village"), signin_url(duty_post))
    assert first.redirect_chain and second.redirect_chain
    assert SignIn.objects.count() == 1 and SignIn.objects.get().at == NOW
    assert levels(second) == ["info"]  # "you already signed in today at 08:12", not an error
    assert "08:12" in str(next(iter(second.context["messages"])))


def test_a_manual_sign_in_posted_twice_is_one_sign_in(world, duty_post, r2_office, today_duty):
    url = reverse("duty_roster:signin_manual", args=[duty_post.pk])
    person = r2_office.village_secretaries[0]
    yesterday = today_duty.day - datetime.timedelta(days=1)
    data = {"person": person.pk, "day": yesterday.isoformat(), "time": "08:40", "reason": "手机没电"}
    first, second = twice(login(world, "office"), url, data)
    assert first.redirect_chain and levels(first) == ["success"]
    assert not second.redirect_chain and second.context["form"].errors  # "he already signed in that day"
    assert SignIn.objects.filter(person=person, day=yesterday).count() == 1


# --- The establishment request's path ---------------------------------------------------------------------


def events(request, action) -> int:
    return RequestEvent.objects.filter(request=request, action=action).count()


def test_submitting_twice_submits_once(world, draft):
    first, second = twice(login(world, "office"), request_url("request_submit", draft))
    assert first.redirect_chain and second.redirect_chain
    assert events(draft, RequestAction.SUBMIT) == 1
    assert EstablishmentRequest.objects.get(pk=draft.pk).state == RequestState.SUBMITTED
    assert levels(second) == ["error"]  # this cannot be done now: it is submitted


def test_approving_twice_approves_once(world, draft):
    advance(draft, world, RequestState.SUBMITTED)
    data = {"meeting_date": DAY.isoformat(), "decision_number": "甲党发〔2026〕12号", "opinion": "同意"}
    first, second = twice(login(world, "township"), request_url("request_approve", draft), data)
    assert first.redirect_chain and second.redirect_chain
    assert events(draft, RequestAction.APPROVE) == 1
    assert EstablishmentRequest.objects.get(pk=draft.pk).state == RequestState.APPROVED


def test_reporting_twice_reports_once(world, draft):
    advance(draft, world, RequestState.APPROVED)
    data = {"reported_on": TODAY.isoformat(), "report_number": "甲党报〔2026〕3号"}
    first, second = twice(login(world, "township"), request_url("request_report", draft), data)
    assert first.redirect_chain and second.redirect_chain
    assert events(draft, RequestAction.REPORT) == 1
    assert EstablishmentRequest.objects.get(pk=draft.pk).state == RequestState.REPORTED


def test_consenting_twice_establishes_once(world, draft):
    from branches.models import Branch

    advance(draft, world, RequestState.REPORTED)
    data = {"consented_on": TODAY.isoformat()}
    first, second = twice(login(world, "county"), request_url("request_consent", draft), data)
    assert first.redirect_chain and second.redirect_chain
    assert events(draft, RequestAction.CONSENT) == 1
    assert Branch.objects.filter(name="东关社区志愿者队伍党支部").count() == 1


def test_creating_a_request_twice_makes_two_drafts_the_office_can_see(world, r2_office):
    # Not refused: two drafts are two papers the office may want; both are on its list to delete or keep.
    # (Recorded here so that a change of mind is deliberate.)
    client = login(world, "office")
    client.post(reverse("establishment:request_create"), form_data(r2_office))
    client.post(reverse("establishment:request_create"), form_data(r2_office))
    assert EstablishmentRequest.objects.count() == 2


# --- The assessment round -----------------------------------------------------------------------------------


@pytest.fixture
def template(world, party, monkeypatch):
    """The round's scoring template, with the clock in the round's July (test_assessment_round_pages)."""
    now = datetime.datetime(2026, 7, 20, 10, 0, tzinfo=zoneinfo.ZoneInfo("Asia/Shanghai"))
    monkeypatch.setattr(timezone, "now", lambda: now.astimezone(datetime.UTC))
    return make_template(world.township, 2026)


def test_publishing_twice_publishes_once(world, template):
    from assessments import rounds

    round_ = published_round(world, template)
    rounds.reopen(round_, world.users["township"], "复核")
    score_everything(world, round_)
    first, second = twice(login(world, "township"), action_url(round_, "publish"))
    assert first.redirect_chain and second.redirect_chain
    round_.refresh_from_db()
    assert round_.state == RoundState.NOTICE
    assert round_.events.filter(action=RoundAction.PUBLISH).count() == 2  # the first publish, then this one
    assert levels(second) == ["error"]


def test_locking_twice_locks_once(world, template):
    from assessments.models import AssessmentRound

    round_ = published_round(world, template)
    AssessmentRound.objects.filter(pk=round_.pk).update(published_on=datetime.date(2026, 7, 1))
    first, second = twice(login(world, "township"), action_url(round_, "lock"))
    assert first.redirect_chain and second.redirect_chain
    round_.refresh_from_db()
    assert round_.state == RoundState.LOCKED
    assert round_.events.filter(action=RoundAction.LOCK).count() == 1
    assert levels(second) == ["error"]


# --- The ledger's month close ------------------------------------------------------------------------------


def test_closing_a_month_twice_closes_and_carries_once(world, january):
    url = reverse("ledger:month_close", args=[world.office.pk, f"{JAN:%Y-%m}"])
    first, second = twice(login(world, "office"), url)
    assert first.redirect_chain and second.redirect_chain
    january.refresh_from_db()
    assert january.is_closed
    assert LedgerItem.objects.filter(ledger__month=datetime.date(2025, 2, 1)).count() == 1  # carried once
    assert LedgerEvent.objects.filter(ledger=january, action="close").count() == 1
    assert levels(second) == ["error"]
    assert ledger_services.ledger_for(world.office, JAN).is_closed


# --- Duty swaps --------------------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", [ChangeKind.COVER, ChangeKind.SWAP])
def test_accepting_a_change_twice_changes_the_days_once(world, duty_post, people, coming, kind):
    mine, hers = coming
    other_day = hers if kind == ChangeKind.SWAP else None
    change = changes.request_change(mine, people[0], people[1], kind, "家中有事", other_day=other_day)
    url = reverse("duty_roster:change_accept", args=[change.pk])
    first, second = twice(login(world, "other_village"), url)
    assert first.redirect_chain and second.redirect_chain
    assert DutyChange.objects.get(pk=change.pk).state == ChangeState.ACCEPTED
    assert DutyDay.objects.get(pk=mine.pk).person == people[1]
    if kind == ChangeKind.SWAP:  # swapped once: not swapped back by the second click
        assert DutyDay.objects.get(pk=hers.pk).person == people[0]
    assert levels(first) == ["success"] and levels(second) == ["error"]
