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
