"""Background jobs: queued by a page, run by `run_jobs`, followed on a page that survives a reload."""

import datetime
import threading

import pytest
from django.core.management import call_command
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from jobs.models import Job
from jobs.registry import JobError, JobResult, task
from jobs.services import claim_next, enqueue, fail_stale, run, work
from tests.access import check_access


@task("tests.echo")
def echo(job, progress):
    total = job.params.get("total", 3)
    for done in range(1, total + 1):
        progress(done, total, f"第 {done} 步")
    return JobResult(filename="回声.xlsx", content=b"PK-echo " + str(job.owner).encode())


@task("tests.refuse")
def refuse(job, progress):
    raise JobError("没有可导出的数据。")


@task("tests.crash")
def crash(job, progress):
    raise ZeroDivisionError


@task("tests.page")
def page_result(job, progress):
    return JobResult(url="/members/")


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def test_a_queued_job_runs_reports_progress_and_leaves_a_download_for_its_owner(world):
    owner = world.users["township"]
    job = enqueue(owner, "tests.echo", "回声测试", {"total": 4})
    assert job.state == Job.State.QUEUED and job.percent == 0
    call_command("run_jobs", "--once", verbosity=0)
    job.refresh_from_db()
    assert job.state == Job.State.DONE
    assert (job.done, job.total, job.percent) == (4, 4, 100)
    assert job.note == "第 4 步"
    assert job.started_at <= job.finished_at

    client = Client()
    client.force_login(owner)
    page = client.get(job.get_absolute_url())
    assert "下载 回声.xlsx" in page.content.decode()
    download = client.get(reverse("jobs:job_download", args=[job.pk]))
    assert b"".join(download.streaming_content) == b"PK-echo " + str(owner).encode()
    assert "filename*=UTF-8''%E5%9B%9E%E5%A3%B0.xlsx" in download["Content-Disposition"]
    status = client.get(reverse("jobs:job_status", args=[job.pk])).json()
    assert status["finished"] is True and status["percent"] == 100 and status["state_label"] == "已完成"


def test_a_job_page_before_the_worker_says_it_is_waiting_and_the_download_is_not_there_yet(world):
    owner = world.users["office"]
    job = enqueue(owner, "tests.echo", "回声测试")
    client = Client()
    client.force_login(owner)
    page = client.get(job.get_absolute_url()).content.decode()
    assert "排队中" in page and "job-progress" in page
    assert client.get(reverse("jobs:job_download", args=[job.pk])).status_code == 404


def test_a_refusal_shows_its_message_and_a_crash_a_plain_one_and_the_worker_goes_on(world):
    owner = world.users["township"]
    refused = enqueue(owner, "tests.refuse", "拒绝")
    crashed = enqueue(owner, "tests.crash", "崩溃")
    after = enqueue(owner, "tests.echo", "之后")
    assert work(once=True) == 3
    for job in (refused, crashed, after):
        job.refresh_from_db()
    assert (refused.state, refused.error) == (Job.State.FAILED, "没有可导出的数据。")
    assert crashed.state == Job.State.FAILED and "程序出错" in crashed.error
    assert after.state == Job.State.DONE
    client = Client()
    client.force_login(owner)
    assert "没有可导出的数据。" in client.get(refused.get_absolute_url()).content.decode()


def test_a_job_ending_in_a_page_links_to_it(world):
    job = enqueue(world.users["township"], "tests.page", "跳转")
    run(claim_next())
    client = Client()
    client.force_login(world.users["township"])
    assert 'href="/members/"' in client.get(job.get_absolute_url()).content.decode()


def test_an_unknown_kind_is_refused_when_queued_not_later():
    with pytest.raises(KeyError):
        enqueue(None, "tests.nothing", "无")


def test_a_job_is_claimed_once_and_in_order(world):
    first = enqueue(world.users["township"], "tests.echo", "一")
    second = enqueue(world.users["township"], "tests.echo", "二")
    assert claim_next().pk == first.pk
    assert claim_next().pk == second.pk
    assert claim_next() is None


def test_a_job_whose_worker_died_ends_as_failed_instead_of_running_forever(world):
    job = enqueue(world.users["township"], "tests.echo", "中断")
    claim_next()
    assert fail_stale(timezone.now() + datetime.timedelta(minutes=5)) == 0
    assert fail_stale(timezone.now() + datetime.timedelta(minutes=11)) == 1
    job.refresh_from_db()
    assert job.state == Job.State.FAILED and "中断" in job.error


def test_the_worker_loop_stops_when_told(transactional_db):
    stop = threading.Event()
    thread = threading.Thread(target=work, kwargs={"poll": 0.05, "stop": stop})
    thread.start()
    stop.set()
    thread.join(timeout=5)
    assert not thread.is_alive()


def test_only_the_owner_sees_a_job(world):
    job = enqueue(world.users["office"], "tests.echo", "回声测试")
    run(claim_next())
    mine = {role: 404 for role in ("township", "other_township", "other_office", "village", "other_village")}
    expected = {"anonymous": 302, "office": 200, "county": 404, **mine}
    for name in ("job_detail", "job_status"):
        check_access(world, reverse(f"jobs:{name}", args=[job.pk]), expected)
    check_access(world, reverse("jobs:job_download", args=[job.pk]), expected)
    everyone = {role: 200 for role in expected} | {"anonymous": 302}
    check_access(world, reverse("jobs:job_list"), everyone)


def test_the_job_list_shows_only_my_jobs(world):
    enqueue(world.users["office"], "tests.echo", "我的任务")
    enqueue(world.users["other_office"], "tests.echo", "别人的任务")
    client = Client()
    client.force_login(world.users["office"])
    page = client.get(reverse("jobs:job_list")).content.decode()
    assert "我的任务" in page and "别人的任务" not in page
