import io

from django.contrib.auth import authenticate
from django.core.management import call_command

from accounts.models import User
from communities.demo import DEMO_PASSWORD
from communities.models import Community, Office, Village


def test_demo_township_is_shaped_like_the_guidance_and_idempotent(db):
    call_command("load_demo", stdout=io.StringIO())
    call_command("load_demo", stdout=io.StringIO())
    assert Office.objects.count() == 7
    assert Community.objects.count() == 5
    for office in Office.objects.all():
        assert 6 <= office.villages.count() <= 9
    for username in ["township", "office1", "office2", "village1", "county"]:
        assert authenticate(username=username, password=DEMO_PASSWORD) is not None, username
    assert User.objects.get(username="village1").office == User.objects.get(username="office1").office
    assert User.objects.get(username="office2").office.community is not None


def test_demo_reset_rebuilds(db):
    call_command("load_demo", stdout=io.StringIO())
    Village.objects.filter(name="张庄村").update(name="改过的名字")
    call_command("load_demo", "--reset", stdout=io.StringIO())
    assert Village.objects.filter(name="张庄村").exists()
    assert not Village.objects.filter(name="改过的名字").exists()


def test_demo_accounts_see_what_their_roles_allow(db):
    """The issue's 'done when', on the demo township with its real usernames."""
    from django.test import Client
    from django.urls import reverse

    call_command("load_demo", stdout=io.StringIO())
    office1 = User.objects.get(username="office1").office
    village = office1.villages.first()
    community = office1.community

    client = Client()
    client.force_login(User.objects.get(username="office2"))
    assert client.get(office1.get_absolute_url()).status_code == 404

    client.force_login(User.objects.get(username="county"))
    edit_urls = [
        reverse("communities:office_update", args=[office1.pk]),
        reverse("communities:village_update", args=[village.pk]),
        reverse("communities:village_create"),
        reverse("communities:community_update", args=[community.pk]),
        reverse("communities:community_create"),
    ]
    for url in edit_urls:
        assert client.get(url).status_code == 403, url
        assert client.post(url, {"name": "x"}).status_code == 403, url
    for page in [office1.get_absolute_url(), village.get_absolute_url(), reverse("communities:village_list")]:
        html = client.get(page).content.decode()
        assert not any(url in html for url in edit_urls), page

    assert Client().get(office1.get_absolute_url()).status_code == 302
