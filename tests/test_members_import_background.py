"""A large roster goes to the background worker: checked with a progress bar, previewed, confirmed, and
saved in one transaction by the worker; a failure half-way leaves nothing behind."""

import datetime

import pytest
from django.core.management import call_command
from django.urls import reverse

from jobs.models import Job
from members import tasks
from members.import_views import SESSION_KEY
from members.models import Member
from tests.access import check_access
from tests.test_members_import import CONFIRM, idn, login, messy_file, upload, xlsx


@pytest.fixture(autouse=True)
def background(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.IMPORT_BACKGROUND_ROWS = 3


def run_worker() -> None:
    call_command("run_jobs", "--once", verbosity=0)


def test_a_large_roster_is_checked_previewed_and_saved_by_the_worker(world, party):
    client = login(world, "office")
    before = Member.objects.count()
    response = upload(client, messy_file())
    check = Job.objects.get(kind=tasks.CHECK)
    assert response.status_code == 302 and response["Location"] == check.get_absolute_url()
    assert check.owner == world.users["office"] and "党员名册.xlsx" in check.title
    assert "排队中" in client.get(check.get_absolute_url()).content.decode()

    run_worker()
    check.refresh_from_db()
    assert check.state == Job.State.DONE and check.total == 5
    checked = reverse("members:import_checked", args=[check.pk])
    assert check.result_url == checked
    assert f'href="{checked}"' in client.get(check.get_absolute_url()).content.decode()

    response = client.get(checked)
    assert response.status_code == 200
    assert response.context["row_count"] == 5 and not response.context["problems"]
    assert [number for number, _ in response.context["rows"]] == [4, 5, 7, 8, 9]
    assert 'id="import-confirm"' in response.content.decode()
    assert Member.objects.count() == before

    pending = client.session[SESSION_KEY]
    response = client.post(CONFIRM, {"token": pending["token"], "digest": pending["digest"]})
    save = Job.objects.get(kind=tasks.SAVE)
    assert response["Location"] == save.get_absolute_url()
    assert Member.objects.count() == before  # the worker saves, not the request
    run_worker()
    save.refresh_from_db()
    assert save.state == Job.State.DONE and save.result_url == reverse("members:member_list")
    assert save.note == "已导入 5 名党员。"
    assert Member.objects.count() == before + 5
    assert Member.objects.get(name="王明").branch == party.branch


def test_a_large_roster_with_problems_shows_every_problem_and_no_confirmation(world, party):
    rows = [["姓名", "性别", "出生日期", "公民身份号码", "所在党组织", "所在村"]]
    rows += [[f"人{n}", "", "", idn(datetime.date(1980, 1, n + 1)), "张庄村党支部", ""] for n in range(4)]
    rows.append(["错", "", "", "123", "张庄村党支部", ""])
    client = login(world, "office")
    upload(client, xlsx(*rows))
    run_worker()
    check = Job.objects.get(kind=tasks.CHECK)
    response = client.get(reverse("members:import_checked", args=[check.pk]))
    assert [(p.row, p.column) for p in response.context["problems"]] == [(6, "公民身份号码")]
    assert 'id="import-confirm"' not in response.content.decode()
    assert SESSION_KEY not in client.session


def test_a_roster_that_stopped_passing_between_check_and_save_writes_nothing(world, party):
    client = login(world, "office")
    before = Member.objects.count()
    upload(client, messy_file())
    run_worker()
    check = Job.objects.get(kind=tasks.CHECK)
    client.get(reverse("members:import_checked", args=[check.pk]))
    pending = client.session[SESSION_KEY]
    client.post(CONFIRM, {"token": pending["token"], "digest": pending["digest"]})
    # Meanwhile someone enters one of the roster's people by hand.
    Member.objects.create(
        name="王明",
        id_number="34132119900304039X",
        birth_date=datetime.date(1990, 3, 4),
        branch=party.branch,
        township=world.township,
        village=world.village,
    )
    run_worker()
    save = Job.objects.get(kind=tasks.SAVE)
    assert save.state == Job.State.FAILED and "没有导入任何数据" in save.error
    assert Member.objects.count() == before + 1  # only the hand-entered one


def test_a_small_roster_stays_on_the_page(world, party, settings):
    settings.IMPORT_BACKGROUND_ROWS = 500
    response = upload(login(world, "office"), messy_file())
    assert response.status_code == 200 and not Job.objects.exists()


def test_only_the_uploader_sees_the_checked_roster(world, party):
    upload(login(world, "office"), messy_file())
    run_worker()
    check = Job.objects.get(kind=tasks.CHECK)
    mine = {r: 404 for r in ("township", "other_township", "other_office", "village", "other_village")}
    check_access(
        world,
        reverse("members:import_checked", args=[check.pk]),
        {"anonymous": 302, "office": 200, "county": 403, **mine},
    )
