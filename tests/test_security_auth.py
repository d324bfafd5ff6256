"""Identity and sessions: login lockout, password rules, first-login change and expiry, session timeouts,
signed-in sessions that staff can end, and the authenticator app (TOTP) as a second factor."""

import datetime
import time

import pytest
from axes.models import AccessAttempt
from django.contrib.auth.password_validation import validate_password
from django.contrib.sessions.models import Session
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.choices import Role
from accounts.models import User, UserSession
from accounts.sessions import LOGIN_AT, SEEN_AT
from communities.demo import DEMO_PASSWORD
from tests.access import check_access
from tests.conftest import PASSWORD, make_user

LOCKED = "登录失败次数过多，账户已锁定 15 分钟"
TIMED_OUT = "长时间未操作，已自动退出，请重新登录"


def attempt(username: str, password: str, address: str = "10.0.0.1", client: Client | None = None):
    client = client or Client()
    return client.post(reverse("login"), {"username": username, "password": password}, REMOTE_ADDR=address)


def logged_in(username: str, address: str = "10.0.0.1", password: str = PASSWORD) -> Client:
    client = Client()
    response = attempt(username, password, address, client)
    assert response.status_code == 302, response.content.decode()[:3000]
    return client


def is_signed_in(client: Client) -> bool:
    response = client.get(reverse("home"))
    return response.status_code == 200


def current_code(device: TOTPDevice, offset: int = 0) -> str:
    code = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits, drift=offset)
    return str(code).zfill(device.digits)


# --- Lockout ----------------------------------------------------------------------------------------------


def test_five_failures_for_a_username_lock_it_even_against_the_right_password_from_elsewhere(world):
    for number in range(4):
        response = attempt("village", "Wrong-pass-1", address=f"10.0.1.{number}")
        assert response.status_code == 200 and LOCKED not in response.content.decode()
    response = attempt("village", "Wrong-pass-1", address="10.0.1.9")
    assert response.status_code == 429
    # The sixth try, right password, a fresh address: still refused, with the reason in Chinese.
    response = attempt("village", PASSWORD, address="10.0.2.1")
    page = response.content.decode()
    assert response.status_code == 429 and LOCKED in page
    assert 'id="id_username"' in page  # the login page itself, not a bare error page
    assert "_auth_user_id" not in Client().session
    # Another account from that address is not affected.
    assert attempt("office", PASSWORD, address="10.0.2.1").status_code == 302


def test_five_failures_from_an_address_lock_the_address_for_every_account(world):
    for username in ["a1", "a2", "a3", "a4", "a5"]:
        attempt(username, "Wrong-pass-1", address="10.9.9.9")
    response = attempt("township", PASSWORD, address="10.9.9.9")
    assert response.status_code == 429 and LOCKED in response.content.decode()
    # The same account from another address logs in: the username was never the problem.
    assert attempt("township", PASSWORD, address="10.9.9.10").status_code == 302


def test_the_lockout_ends_after_the_cool_off(world):
    for _number in range(5):
        attempt("village", "Wrong-pass-1")
    assert attempt("village", PASSWORD).status_code == 429
    AccessAttempt.objects.update(attempt_time=timezone.now() - datetime.timedelta(minutes=16))
    assert attempt("village", PASSWORD).status_code == 302


def test_a_successful_login_does_not_reset_the_count_of_an_address(world):
    # Else someone with one account could try four passwords, log in with his own, and go on.
    for _number in range(4):
        attempt("village", "Wrong-pass-1", address="10.5.5.5")
    assert attempt("office", PASSWORD, address="10.5.5.5").status_code == 302
    assert attempt("other_office", "Wrong-pass-1", address="10.5.5.5").status_code == 429
    assert attempt("office", PASSWORD, address="10.5.5.5").status_code == 429


def test_township_staff_unlock_a_user_from_the_admin(world):
    for number in range(5):
        attempt("village", "Wrong-pass-1", address=f"10.0.3.{number}")
    assert attempt("village", PASSWORD, address="10.0.4.1").status_code == 429
    staff = Client()
    staff.force_login(world.users["township"])
    response = staff.post(
        "/admin/accounts/user/",
        {"action": "unlock_login", "_selected_action": [world.users["village"].pk]},
        follow=True,
    )
    assert "已为 1 个用户解除登录锁定" in response.content.decode()
    assert attempt("village", PASSWORD, address="10.0.4.1").status_code == 302


def test_the_lockout_settings_are_configurable(world, settings):
    settings.AXES_FAILURE_LIMIT = 2
    attempt("village", "Wrong-pass-1")
    assert attempt("village", "Wrong-pass-1").status_code == 429


def test_code_that_authenticates_without_a_request_still_works(world):
    assert Client().login(username="village", password=PASSWORD)


# --- Password rules --------------------------------------------------------------------------------------


def messages_for(password: str, user=None) -> list[str]:
    try:
        with translation.override("zh-hans"):
            validate_password(password, user)
    except ValidationError as error:
        return error.messages
    return []


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("Ab1!xyz", "密码太短，至少需要 10 个字符。"),
        ("abcdefgh12", "密码须至少包含大写字母、小写字母、数字、符号中的 3 类。"),
        ("ABCDEFGHIJKL", "密码须至少包含大写字母、小写字母、数字、符号中的 3 类。"),
        ("Password1234", "这个密码太常见了。"),
    ],
)
def test_each_password_rule_says_what_is_wrong_in_chinese(db, password, message):
    assert message in messages_for(password)


def test_the_password_may_not_be_the_username(db):
    user = User(username="Zhang.San2026")
    assert "密码不能与用户名相同。" in messages_for("zhang.san2026", user)
    assert "密码不能与用户名相同。" in messages_for("6202naS.gnahZ", user)


def test_the_test_and_demo_passwords_satisfy_the_policy(world):
    assert messages_for(PASSWORD, world.users["township"]) == []
    assert messages_for(DEMO_PASSWORD, User(username="village1", display_name="张建军")) == []


# --- First login and expiry ------------------------------------------------------------------------------


def test_an_account_created_in_the_admin_must_change_its_password_at_first_login(world):
    staff = Client()
    staff.force_login(world.users["township"])
    response = staff.post(
        "/admin/accounts/user/add/",
        {
            "username": "newsec",
            "password1": "Initial-pass-2026",
            "password2": "Initial-pass-2026",
            "display_name": "新书记",
            "role": Role.VILLAGE_SECRETARY,
            "village": world.village.pk,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert User.objects.get(username="newsec").must_change_password

    client = logged_in("newsec", password="Initial-pass-2026")
    response = client.get("/members/", follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("password_change"))
    assert "首次登录或密码被重置后，请先修改密码再继续使用。" in response.content.decode()
    # Logging out still works.
    assert client.post(reverse("logout")).status_code == 302

    client = logged_in("newsec", password="Initial-pass-2026")
    response = client.post(
        reverse("password_change"),
        {
            "old_password": "Initial-pass-2026",
            "new_password1": "My-own-pass-77",
            "new_password2": "My-own-pass-77",
        },
    )
    assert response.status_code == 302
    assert not User.objects.get(username="newsec").must_change_password
    assert client.get("/members/").status_code == 200


def test_the_new_password_must_follow_the_rules_on_the_change_page(world):
    user = world.users["village"]
    User.objects.filter(pk=user.pk).update(must_change_password=True)
    client = logged_in("village")
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "village", "new_password2": "village"},
    )
    page = response.content.decode()
    assert response.status_code == 200 and "密码不能与用户名相同。" in page
    assert User.objects.get(pk=user.pk).must_change_password


def test_a_password_reset_by_staff_must_be_changed_again(world):
    staff = Client()
    staff.force_login(world.users["township"])
    user = world.users["village"]
    response = staff.post(
        f"/admin/accounts/user/{user.pk}/password/",
        {"password1": "Reset-pass-2026", "password2": "Reset-pass-2026", "usable_password": "true"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert User.objects.get(pk=user.pk).must_change_password


def test_an_expired_password_sends_the_user_to_change_it(world, settings):
    settings.ZDJ_PASSWORD_MAX_AGE_DAYS = 90
    user = world.users["village"]
    User.objects.filter(pk=user.pk).update(password_changed_at=timezone.now() - datetime.timedelta(days=91))
    client = Client()
    client.force_login(user)
    response = client.get("/members/", follow=True)
    assert response.redirect_chain[-1][0].startswith(reverse("password_change"))
    assert "密码已过期，请设置新密码。" in response.content.decode()
    client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": "Fresh-pass-2027", "new_password2": "Fresh-pass-2027"},
    )
    assert client.get("/members/").status_code == 200
    # With expiry off (the default), an old password is fine.
    settings.ZDJ_PASSWORD_MAX_AGE_DAYS = 0
    User.objects.filter(pk=user.pk).update(password_changed_at=timezone.now() - datetime.timedelta(days=900))
    assert client.get("/members/").status_code == 200


def test_set_password_records_when(db):
    user = make_user("someone", Role.TOWNSHIP_STAFF)
    assert user.password_changed_at is not None
    assert timezone.now() - user.password_changed_at < datetime.timedelta(minutes=1)
    assert not user.must_change_password


# --- Sessions --------------------------------------------------------------------------------------------


def shift(client: Client, **seconds_back) -> None:
    session = client.session
    for key, seconds in seconds_back.items():
        session[{"login": LOGIN_AT, "seen": SEEN_AT}[key]] -= seconds
    session.save()


def test_an_idle_session_ends_with_a_chinese_message(world):
    client = logged_in("village")
    assert is_signed_in(client)
    shift(client, seen=31 * 60)
    response = client.get("/members/", follow=True)
    assert response.redirect_chain[0][0] == "/accounts/login/?next=/members/"
    assert TIMED_OUT in response.content.decode()
    assert not is_signed_in(client)
    assert not UserSession.objects.filter(user=world.users["village"]).exists()


def test_a_session_ends_twelve_hours_after_login_however_busy(world):
    client = logged_in("village")
    shift(client, login=12 * 3600 + 5)
    assert not is_signed_in(client)


def test_an_active_session_lives_on_and_last_seen_is_written_at_most_once_a_minute(world):
    client = logged_in("village")
    client.get(reverse("home"))
    seen = client.session[SEEN_AT]
    client.get(reverse("home"))
    assert client.session[SEEN_AT] == seen  # no write for a request within the minute
    shift(client, seen=25 * 60)
    UserSession.objects.update(last_seen=timezone.now() - datetime.timedelta(minutes=25))
    assert is_signed_in(client)
    assert client.session[SEEN_AT] > seen - 25 * 60 + 60
    assert timezone.now() - UserSession.objects.get().last_seen < datetime.timedelta(minutes=1)


def test_the_session_key_changes_at_login(world):
    client = Client()
    session = client.session
    session["before"] = True
    session.save()
    before = client.session.session_key
    attempt("village", PASSWORD, client=client)
    after = client.session.session_key
    assert after and after != before
    assert not Session.objects.filter(session_key=before).exists()
    row = UserSession.objects.get()
    assert (row.session_key, row.user, row.ip) == (after, world.users["village"], "10.0.0.1")


def test_logout_removes_the_session_row(world):
    client = logged_in("village")
    assert UserSession.objects.count() == 1
    client.post(reverse("logout"))
    assert UserSession.objects.count() == 0


def test_disabling_a_user_ends_all_his_sessions(world):
    phone, office_pc = logged_in("village", "10.0.0.1"), logged_in("village", "10.0.0.2")
    keys = list(UserSession.objects.values_list("session_key", flat=True))
    assert len(keys) == 2
    user = User.objects.get(username="village")
    user.is_active = False
    user.save()
    assert not Session.objects.filter(session_key__in=keys).exists()
    assert not UserSession.objects.exists()
    assert not is_signed_in(phone) and not is_signed_in(office_pc)


def test_township_staff_see_and_end_the_sessions_of_their_users(world):
    village = logged_in("village", "10.0.0.7")
    far = make_user("far_village", Role.VILLAGE_SECRETARY, village=world.far_office.villages.get())
    logged_in(far.username, "10.0.0.8")
    staff = Client()
    staff.force_login(world.users["township"])
    page = staff.get(reverse("accounts:session_list")).content.decode()
    assert "10.0.0.7" in page and "10.0.0.8" not in page

    row = UserSession.objects.get(user__username="village")
    url = reverse("accounts:session_end", args=[row.pk])
    confirm = staff.get(url)
    assert confirm.status_code == 200 and "结束会话" in confirm.content.decode()
    assert is_signed_in(village)  # the confirmation page ends nothing
    response = staff.post(url, follow=True)
    assert f"已结束 {world.users['village']} 的登录会话。" in response.content.decode()
    assert not is_signed_in(village)

    far_row = UserSession.objects.get(user=far)
    assert staff.post(reverse("accounts:session_end", args=[far_row.pk])).status_code == 404
    assert UserSession.objects.filter(pk=far_row.pk).exists()


def test_an_administrator_sees_everyones_sessions(world):
    logged_in("village", "10.0.0.7")
    logged_in("other_township", "10.0.0.8")
    admin = User.objects.create_superuser("root", password="Root-pass-2026")
    client = Client()
    client.force_login(admin)
    page = client.get(reverse("accounts:session_list")).content.decode()
    assert "10.0.0.7" in page and "10.0.0.8" in page


def test_access_to_the_session_pages(world):
    logged_in("village", "10.0.0.7")
    row = UserSession.objects.get()
    staff_only = {
        "anonymous": 302,
        "township": 200,
        "other_township": 200,
        "office": 403,
        "other_office": 403,
        "village": 403,
        "other_village": 403,
        "county": 403,
    }
    check_access(world, reverse("accounts:session_list"), staff_only)
    check_access(world, reverse("accounts:session_end", args=[row.pk]), {**staff_only, "other_township": 404})


def test_access_to_the_authenticator_pages(world):
    everyone = {role: 200 for role in ("township", "other_township", "office", "other_office")}
    everyone |= {"village": 200, "other_village": 200, "county": 200, "anonymous": 302}
    check_access(world, reverse("accounts:totp_enrol"), everyone)
    # Without an authenticator there is nothing to verify or remove: back to where one came from.
    redirect = dict.fromkeys(everyone, 302)
    check_access(world, reverse("accounts:totp_verify"), redirect)
    check_access(world, reverse("accounts:totp_remove"), redirect, method="post")


# --- Authenticator app (TOTP) ----------------------------------------------------------------------------


def confirmed_device(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="手机", confirmed=True)


def test_a_user_enrols_an_authenticator_app(world):
    client = Client()
    client.force_login(world.users["office"])
    page = client.get(reverse("accounts:totp_enrol")).content.decode()
    device = TOTPDevice.objects.get(user=world.users["office"])
    assert not device.confirmed
    assert "<svg" in page and 'id="totp-secret"' in page and "身份验证器" in page

    response = client.post(reverse("accounts:totp_enrol"), {"code": "000000"})
    assert "验证码错误或已过期" in response.content.decode()
    TOTPDevice.objects.update(throttling_failure_count=0, throttling_failure_timestamp=None)

    response = client.post(reverse("accounts:totp_enrol"), {"code": current_code(device)}, follow=True)
    assert "身份验证器已绑定" in response.content.decode()
    assert TOTPDevice.objects.get(pk=device.pk).confirmed
    # The session that enrolled counts as verified.
    assert client.get("/members/").status_code == 200


def test_a_user_with_an_authenticator_gives_a_code_before_anything_else(world):
    device = confirmed_device(world.users["office"])
    client = logged_in("office")
    for path in ("/", "/members/", reverse("password_change"), reverse("accounts:session_list")):
        response = client.get(path)
        assert response.status_code == 302 and response["Location"].startswith(
            reverse("accounts:totp_verify")
        ), path
    page = client.get(reverse("accounts:totp_verify")).content.decode()
    assert "动态验证码" in page

    response = client.post(reverse("accounts:totp_verify"), {"code": "123456x"})
    assert "请输入身份验证器显示的数字。" in response.content.decode()
    wrong = str((int(current_code(device)) + 1) % 10**6).zfill(6)
    response = client.post(reverse("accounts:totp_verify"), {"code": wrong})
    assert "验证码错误或已过期" in response.content.decode()
    assert client.get("/members/").status_code == 302
    TOTPDevice.objects.update(throttling_failure_count=0, throttling_failure_timestamp=None)

    response = client.post(
        reverse("accounts:totp_verify") + "?next=/members/",
        {"code": current_code(device), "next": "/members/"},
    )
    assert response.status_code == 302 and response["Location"] == "/members/"
    assert client.get("/members/").status_code == 200


def test_a_user_removes_his_authenticator_with_a_code(world):
    user = world.users["office"]
    device = confirmed_device(user)
    client = logged_in("office")
    client.post(reverse("accounts:totp_verify"), {"code": current_code(device)})
    device.refresh_from_db()
    device.last_t = -1  # the same code once more, for the test
    device.save()
    client.post(reverse("accounts:totp_remove"), {"code": current_code(device)})
    assert not TOTPDevice.objects.filter(user=user).exists()
    assert logged_in("office").get("/members/").status_code == 200


def test_staff_must_enrol_when_the_setting_requires_it(world, settings):
    settings.ZDJ_REQUIRE_TOTP_FOR_STAFF = True
    staff = logged_in("township")
    response = staff.get("/members/", follow=True)
    assert response.redirect_chain[0][0].startswith(reverse("accounts:totp_enrol"))
    assert "镇党建办工作人员须先绑定身份验证器。" in response.content.decode()
    # Secretaries are not forced.
    assert logged_in("village").get("/members/").status_code == 200
    # Once enrolled, staff work normally.
    staff.get(reverse("accounts:totp_enrol"))
    device = TOTPDevice.objects.get(user=world.users["township"])
    staff.post(reverse("accounts:totp_enrol"), {"code": current_code(device)})
    assert staff.get("/members/").status_code == 200


def test_demo_accounts_are_not_asked_to_change_their_password(db):
    from communities import demo

    demo.build()
    assert not User.objects.filter(username="township").get().must_change_password
    client = Client()
    response = client.post(reverse("login"), {"username": "village1", "password": DEMO_PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == "/"


def test_timestamps_are_recorded_at_login(world):
    client = logged_in("village")
    assert abs(client.session[LOGIN_AT] - time.time()) < 60


def test_sessions_that_timed_out_unnoticed_leave_the_list(world):
    stale, fresh = logged_in("village", "10.0.0.7"), logged_in("office", "10.0.0.8")
    UserSession.objects.filter(user__username="village").update(
        last_seen=timezone.now() - datetime.timedelta(minutes=45)
    )
    staff = Client()
    staff.force_login(world.users["township"])
    page = staff.get(reverse("accounts:session_list")).content.decode()
    assert "10.0.0.8" in page and "10.0.0.7" not in page
    assert not is_signed_in(stale) and is_signed_in(fresh)


def test_the_must_change_state_does_not_end_by_typing_the_same_password_again(world):
    user = world.users["village"]
    User.objects.filter(pk=user.pk).update(must_change_password=True)
    client = logged_in("village")
    response = client.post(
        reverse("password_change"),
        {"old_password": PASSWORD, "new_password1": PASSWORD, "new_password2": PASSWORD},
    )
    assert response.status_code == 200
    assert "请设置一个新密码，不能与现在的密码相同。" in response.content.decode()
    assert User.objects.get(pk=user.pk).must_change_password


def test_behind_a_proxy_the_address_is_the_one_the_proxy_names_and_a_forged_header_is_ignored(
    world, settings
):
    from django.test import RequestFactory

    from accounts.sessions import client_address

    forged = RequestFactory().get("/", REMOTE_ADDR="127.0.0.1", HTTP_X_REAL_IP="10.9.9.9")
    assert client_address(forged) == "127.0.0.1"  # no proxy configured: the header is the client's word
    settings.CLIENT_IP_HEADER = "HTTP_X_REAL_IP"
    assert client_address(forged) == "10.9.9.9"
    # So five failures from one client behind nginx lock that client, not everyone behind the proxy.
    for _ in range(5):
        client = Client(HTTP_X_REAL_IP="10.9.9.9")
        client.post(reverse("login"), {"username": "nobody", "password": "wrong"}, REMOTE_ADDR="127.0.0.1")
    other = Client(HTTP_X_REAL_IP="10.1.1.1")
    response = other.post(
        reverse("login"), {"username": "village", "password": PASSWORD}, REMOTE_ADDR="127.0.0.1"
    )
    assert response.status_code == 302
    locked = Client(HTTP_X_REAL_IP="10.9.9.9")
    response = locked.post(
        reverse("login"), {"username": "village", "password": PASSWORD}, REMOTE_ADDR="127.0.0.1"
    )
    assert response.status_code == 429
