"""Login, language, and the admin's scope."""

from django.test import Client
from django.urls import reverse

from accounts.models import User
from tests.conftest import PASSWORD


def test_anonymous_visitor_is_sent_to_the_login_page(db):
    response = Client().get("/offices/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/offices/"


def test_login_page_is_chinese_even_for_an_english_browser(db):
    response = Client().get("/accounts/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9")
    page = response.content.decode()
    assert response.status_code == 200
    assert "登录" in page and "用户名" in page


def test_a_user_logs_in_and_lands_on_home(world):
    client = Client()
    response = client.post("/accounts/login/", {"username": "township", "password": PASSWORD}, follow=True)
    assert response.redirect_chain[-1][0] == "/"
    assert "您好，township" in response.content.decode()


def test_wrong_password_is_explained_in_chinese(world):
    response = Client().post("/accounts/login/", {"username": "township", "password": "wrong"})
    assert "请输入一个正确的" in response.content.decode()


def test_english_can_be_chosen(world):
    client = Client()
    client.force_login(world.users["township"])
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    page = client.get("/").content.decode()
    assert "Welcome, township" in page
    assert 'lang="en"' in page


def test_logout_ends_the_session(world):
    client = Client()
    client.force_login(world.users["office"])
    client.post(reverse("logout"))
    assert client.get("/").status_code == 302


def test_password_change_page_is_in_chinese(world):
    client = Client()
    client.force_login(world.users["office"])
    page = client.get(reverse("password_change")).content.decode()
    assert "修改密码" in page


def test_admin_is_for_township_staff_only(world):
    for role, status in [("township", 200), ("office", 302), ("village", 302), ("county", 302)]:
        client = Client()
        client.force_login(world.users[role])
        assert client.get("/admin/").status_code == status, role


def test_admin_honours_the_scope(world):
    client = Client()
    client.force_login(world.users["township"])
    page = client.get("/admin/communities/village/").content.decode()
    assert "张庄村" in page and "孙庄村" in page
    assert "杨桥村" not in page  # the other township's village
    far_village = world.far_office.villages.get()
    assert client.get(f"/admin/communities/village/{far_village.pk}/change/").status_code == 302
    page = client.get("/admin/accounts/user/").content.decode()
    assert "other_township" not in page


def test_township_staff_cannot_make_an_administrator(world):
    client = Client()
    client.force_login(world.users["township"])
    user = world.users["office"]
    response = client.get(f"/admin/accounts/user/{user.pk}/change/")
    assert response.status_code == 200
    assert 'name="is_superuser"' not in response.content.decode()
    assert not User.objects.filter(is_superuser=True).exists()
