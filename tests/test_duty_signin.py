"""Fixed-point sign-in: the day's token (today's, yesterday's, another post's, a tampered one), members
only, once a day; manual sign-in (补签) marked as such; the statistics page, the export, one's own record;
and the access matrix of every URL."""

import datetime
import io
import zoneinfo

import pytest
from django.core import signing
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from openpyxl import load_workbook

from communities.models import Village
from duty_roster.choices import DayKind
from duty_roster.models import DutyDay, DutyMember, DutyPost, SignIn
from duty_roster.signin import TOKEN_SALT, make_token
from tests.access import check_access

TZ = zoneinfo.ZoneInfo("Asia/Shanghai")
NOW = datetime.datetime(2026, 3, 10, 8, 12, tzinfo=TZ)  # Tuesday 10 March 2026, 08:12
TODAY = NOW.date()


@pytest.fixture
def clock(monkeypatch):
    """Django's clock stopped at NOW (views, tokens and outcomes all read timezone.now)."""
    monkeypatch.setattr(timezone, "now", lambda: NOW.astimezone(datetime.UTC))
    return NOW


@pytest.fixture
def today_duty(duty_post, r2_office, clock):
    """Today is 张建军's rotation day; yesterday was the concentrated office."""
    DutyDay.objects.create(post=duty_post, day=TODAY - datetime.timedelta(days=1), kind=DayKind.CONCENTRATED)
    return DutyDay.objects.create(
        post=duty_post, day=TODAY, kind=DayKind.ROTATION, person=r2_office.village_secretaries[0]
    )


def client_for(world, role: str) -> Client:
    client = Client()
    client.force_login(world.users[role])
    return client


def signin_url(post, day=TODAY) -> str:
    return reverse("duty_roster:signin", args=[make_token(post, day)])


def test_a_member_signs_in_with_todays_token(world, duty_post, r2_office, today_duty):
    client = client_for(world, "village")
    page = client.get(signin_url(duty_post))
    assert page.status_code == 200
    assert page.context["person"] == r2_office.village_secretaries[0]
    assert page.context["duty_row"].kind == DayKind.ROTATION
    assert b'data-duty="rotation"' in page.content
    assert b'id="signin-button"' in page.content
    response = client.post(signin_url(duty_post), follow=True)
    record = SignIn.objects.get()
    assert (record.post, record.person, record.day, record.at, record.manual) == (
        duty_post,
        r2_office.village_secretaries[0],
        TODAY,
        NOW,
        False,
    )
    assert record.recorded_by == world.users["village"]
    assert b'id="signin-done"' in response.content
    assert b'id="signin-button"' not in response.content


def test_a_second_scan_says_when_he_signed_in(world, duty_post, today_duty, monkeypatch):
    client = client_for(world, "village")
    client.post(signin_url(duty_post))
    later = NOW + datetime.timedelta(hours=2)
    monkeypatch.setattr(timezone, "now", lambda: later)
    with translation.override("en"):
        response = client.post(signin_url(duty_post), follow=True)
    assert SignIn.objects.count() == 1
    assert SignIn.objects.get().at == NOW
    shown = [str(m) for m in response.context["messages"]]
    assert (
        any("08:12" in m for m in shown) and len(shown) == 2
    )  # the first scan's thanks, then when he signed in


def test_a_member_not_on_duty_may_sign_in_and_it_is_recorded(world, duty_post, r2_office, today_duty):
    client = client_for(world, "other_village")  # 李红梅: not on duty today
    page = client.get(signin_url(duty_post))
    assert page.status_code == 200
    assert page.context["duty_row"] is None
    assert b'data-duty="none"' in page.content
    client.post(signin_url(duty_post))
    assert SignIn.objects.get().person == r2_office.village_secretaries[1]


def tampered_payload(post) -> str:
    """Today's signature on a payload naming another post."""
    token = make_token(post, TODAY)
    forged = signing.b64_encode(b'{"p":999,"d":"%s"}' % TODAY.isoformat().encode()).decode()
    return reverse("duty_roster:signin", args=[forged + token[token.index(":") :]])


def other_salt(post) -> str:
    token = signing.dumps({"p": post.pk, "d": TODAY.isoformat()}, salt="another.purpose")
    return reverse("duty_roster:signin", args=[token])


@pytest.mark.parametrize(
    "make_url",
    [
        pytest.param(lambda post: signin_url(post, TODAY - datetime.timedelta(days=1)), id="yesterday"),
        pytest.param(lambda post: signin_url(post, TODAY + datetime.timedelta(days=1)), id="tomorrow"),
        pytest.param(lambda post: signin_url(post)[:-3] + "xx/", id="tampered-signature"),
        pytest.param(lambda post: tampered_payload(post), id="tampered-payload"),
        pytest.param(lambda post: other_salt(post), id="other-salt"),
        pytest.param(lambda post: "/duty/sign-in/not-a-token/", id="garbage"),
    ],
)
def test_a_token_that_is_not_todays_is_refused(world, duty_post, today_duty, make_url):
    client = client_for(world, "village")
    url = make_url(duty_post)
    for method in ("get", "post"):
        response = getattr(client, method)(url)
        assert response.status_code == 400
        assert response.context["error"]
    assert not SignIn.objects.exists()


def test_yesterdays_token_names_its_day(world, duty_post, today_duty):
    with translation.override("en"):
        response = client_for(world, "village").get(signin_url(duty_post, TODAY - datetime.timedelta(days=1)))
    assert "2026-03-09" in response.context["error"]


def test_another_posts_token_is_refused(world, duty_post, today_duty):
    other = DutyPost.objects.create(
        office=world.other_office, name="西营书记值班岗", place="西营办事处", starts_on=TODAY
    )
    client = client_for(world, "village")
    for method in ("get", "post"):
        response = getattr(client, method)(signin_url(other))
        assert response.status_code == 403
        assert response.context["error"]
        assert "西营" not in response.content.decode()  # a post outside his scope is not named
    assert not SignIn.objects.exists()


def test_a_former_member_cannot_sign_in(world, duty_post, r2_office, today_duty):
    DutyMember.objects.filter(person=r2_office.village_secretaries[0]).update(active=False)
    response = client_for(world, "village").post(signin_url(duty_post))
    assert response.status_code == 403
    assert not SignIn.objects.exists()


def test_a_village_secretary_of_a_village_without_secretary_cannot_sign_in(world, duty_post, today_duty):
    from tests.conftest import make_user

    village = Village.objects.create(office=world.office, name="赵寨村", sort_order=9)
    user = make_user("zhao", "village_secretary", village=village)
    client = Client()
    client.force_login(user)
    response = client.post(signin_url(duty_post))
    assert response.status_code == 403
    assert not SignIn.objects.exists()


def test_only_village_secretaries_sign_in_for_themselves(world, duty_post, today_duty):
    for role in ("township", "office", "county"):
        response = client_for(world, role).post(signin_url(duty_post))
        assert response.status_code == 403
        assert response.context["error"]
    assert not SignIn.objects.exists()


def test_the_login_comes_back_to_the_sign_in_page(world, duty_post, today_duty):
    url = signin_url(duty_post)
    response = Client().get(url)
    assert response.status_code == 302
    login = response["Location"]
    assert login.startswith("/accounts/login/")
    from tests.conftest import PASSWORD

    client = Client()
    back = client.post(login, {"username": "village", "password": PASSWORD})
    assert back["Location"] == url


def token_in(url: str) -> dict:
    """What a sign-in URL's token says (a token carries its signing second, so compare contents)."""
    prefix = reverse("duty_roster:signin", args=["x"]).removesuffix("x/")
    path = url.split("://", 1)[-1].split("/", 1)[1]
    return signing.loads(("/" + path).removeprefix(prefix).removesuffix("/"), salt=TOKEN_SALT)


def test_the_qr_page_carries_todays_token(world, duty_post, today_duty):
    qr = reverse("duty_roster:signin_qr", args=[duty_post.pk])
    response = client_for(world, "office").get(qr)
    assert response.status_code == 200
    assert response.context["url"].startswith("http://testserver/duty/sign-in/")
    assert token_in(response.context["url"]) == {"p": duty_post.pk, "d": "2026-03-10"}
    assert "<svg" in response.context["svg"]
    assert response.context["duty"] == today_duty
    ahead = client_for(world, "office").get(qr + "?day=2026-03-12")
    assert token_in(ahead.context["url"]) == {"p": duty_post.pk, "d": "2026-03-12"}
    too_far = client_for(world, "office").get(qr + "?day=2026-04-30")
    assert too_far.context["day"] == TODAY
    assert token_in(too_far.context["url"])["d"] == "2026-03-10"


def test_the_post_page_links_the_sign_in_pages(world, duty_post, today_duty):
    page = client_for(world, "office").get(reverse("duty_roster:post_detail", args=[duty_post.pk]))
    for link in ("link-stats", "link-signin-qr", "link-signin-manual"):
        assert f'id="{link}"'.encode() in page.content
    page = client_for(world, "village").get(reverse("duty_roster:post_detail", args=[duty_post.pk]))
    assert b'id="link-stats"' in page.content
    assert b'id="link-signin-qr"' not in page.content


def test_the_token_changes_every_day(duty_post):
    assert make_token(duty_post, TODAY) != make_token(duty_post, TODAY + datetime.timedelta(days=1))


# --- Manual sign-in (补签) ------------------------------------------------------------------------


def manual_url(post) -> str:
    return reverse("duty_roster:signin_manual", args=[post.pk])


def test_the_office_records_a_manual_sign_in(world, duty_post, r2_office, today_duty):
    person = r2_office.village_secretaries[1]
    response = client_for(world, "office").post(
        manual_url(duty_post),
        {"person": person.pk, "day": "2026-03-09", "time": "08:40", "reason": "手机没电，电话确认到岗"},
    )
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("duty_roster:stats_month", args=[duty_post.pk]))
    record = SignIn.objects.get()
    assert (record.person, record.day, record.manual, record.reason, record.recorded_by) == (
        person,
        datetime.date(2026, 3, 9),
        True,
        "手机没电，电话确认到岗",
        world.users["office"],
    )
    assert timezone.localtime(record.at).time() == datetime.time(8, 40)
    stats = client_for(world, "township").get(
        reverse("duty_roster:stats_month", args=[duty_post.pk]) + "?month=2026-03"
    )
    row = f'data-day="2026-03-09" data-person="{person.pk}" data-outcome="late"'
    assert row in stats.content.decode()
    assert b'data-manual="1"' in stats.content
    mine = client_for(world, "other_village").get(reverse("duty_roster:my_record"))
    assert b'data-manual="1"' in mine.content
    assert "手机没电" in mine.content.decode()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"day": "2026-03-09", "time": "08:40", "reason": ""}, "reason"),
        ({"day": "2026-03-11", "time": "08:40", "reason": "补"}, "day"),  # tomorrow
        ({"day": "2026-03-10", "time": "09:40", "reason": "补"}, "time"),  # later today
        ({"day": "2026-03-10", "time": "08:00", "reason": "补"}, "day"),  # he already signed in today
    ],
)
def test_a_manual_sign_in_that_cannot_be_is_refused_next_to_its_field(
    world, duty_post, r2_office, today_duty, data, field
):
    person = r2_office.village_secretaries[0]
    SignIn.objects.create(post=duty_post, person=person, day=TODAY, at=NOW)
    response = client_for(world, "township").post(manual_url(duty_post), {"person": person.pk, **data})
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert SignIn.objects.count() == 1


def test_a_manual_sign_in_is_only_for_the_posts_members(world, duty_post, r2_office, today_duty):
    outsider = r2_office.people[0]
    response = client_for(world, "office").post(
        manual_url(duty_post),
        {"person": outsider.pk, "day": "2026-03-09", "time": "08:00", "reason": "补签"},
    )
    assert "person" in response.context["form"].errors
    assert not SignIn.objects.exists()


# --- The statistics page and one's own record -----------------------------------------------------


def test_the_statistics_export_is_a_workbook(world, duty_post, r2_office, today_duty):
    SignIn.objects.create(post=duty_post, person=r2_office.village_secretaries[0], day=TODAY, at=NOW)
    response = client_for(world, "county").get(
        reverse("duty_roster:stats_month", args=[duty_post.pk]) + "?month=2026-03&export=xlsx"
    )
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    book = load_workbook(io.BytesIO(response.content))
    summary, days = book.worksheets
    names = [row[0] for row in summary.iter_rows(min_row=4, values_only=True)]
    assert names == [p.name for p in r2_office.village_secretaries]
    scores = [row[-1] for row in summary.iter_rows(min_row=4, values_only=True)]
    assert scores == [100 - 10] * 3  # all three missed yesterday's concentrated office
    assert days.max_row == 3 + 4  # three at yesterday's concentrated office, 张建军 today


def test_a_bad_month_falls_back_to_this_month(world, duty_post, today_duty):
    response = client_for(world, "office").get(
        reverse("duty_roster:stats_month", args=[duty_post.pk]) + "?month=2026-13"
    )
    assert response.status_code == 200
    assert response.context["month_value"] == "2026-03"
    assert list(response.context["messages"])


def test_my_record_shows_my_month(world, duty_post, r2_office, today_duty):
    response = client_for(world, "village").get(reverse("duty_roster:my_record"))
    assert response.status_code == 200
    assert response.context["person"] == r2_office.village_secretaries[0]
    (item,) = response.context["posts"]
    this_month = item["months"][0]
    assert this_month["value"] == "2026-03"
    assert [row.day for row in this_month["rows"]] == [TODAY - datetime.timedelta(days=1), TODAY]
    assert this_month["score"].concentrated_missed == 1


# --- Who may open what ---------------------------------------------------------------------------

ANONYMOUS = {"anonymous": 302}
MANAGE = {
    **ANONYMOUS,
    "township": 200,
    "other_township": 404,
    "office": 200,
    "other_office": 404,
    "village": 403,
    "other_village": 403,
    "county": 403,
}
VIEW = {**MANAGE, "village": 200, "other_village": 200, "county": 200}
GET_ONLY = {role: 405 for role in MANAGE} | ANONYMOUS
MEMBERS_ONLY = {role: 403 for role in MANAGE} | ANONYMOUS | {"village": 200, "other_village": 200}


def test_access_to_the_qr_code(world, duty_post, today_duty):
    url = reverse("duty_roster:signin_qr", args=[duty_post.pk])
    check_access(world, url, MANAGE)
    check_access(world, url, GET_ONLY, method="post")


def test_access_to_signing_in(world, duty_post, today_duty):
    url = signin_url(duty_post)
    check_access(world, url, MEMBERS_ONLY)
    check_access(world, url, MEMBERS_ONLY | {"village": 302, "other_village": 302}, method="post")
    assert SignIn.objects.count() == 2


def test_access_to_manual_sign_in(world, duty_post, today_duty):
    url = manual_url(duty_post)
    check_access(world, url, MANAGE)
    check_access(world, url, MANAGE, method="post")
    assert not SignIn.objects.exists()


def test_access_to_the_statistics(world, duty_post, today_duty):
    url = reverse("duty_roster:stats_month", args=[duty_post.pk]) + "?month=2026-03"
    check_access(world, url, VIEW)
    check_access(world, url + "&export=xlsx", VIEW)
    check_access(world, url, GET_ONLY, method="post")


def test_access_to_my_record(world, duty_post, today_duty):
    url = reverse("duty_roster:my_record")
    check_access(world, url, MEMBERS_ONLY)
    check_access(world, url, GET_ONLY, method="post")
