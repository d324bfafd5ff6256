"""Real Chromium: a job's page moves its progress bar while the worker runs, survives a reload, and ends
in a download link."""

import time
from pathlib import Path

import pytest
from django.conf import settings
from playwright.sync_api import Page, expect

from jobs.registry import JobResult, task
from jobs.services import enqueue
from tests.conftest import PASSWORD

pytestmark = pytest.mark.browser
SHOTS = Path(settings.BASE_DIR) / "test-artifacts" / "screenshots"


@task("tests.slow")
def slow(job, progress):
    steps = job.params["steps"]
    for done in range(1, steps + 1):
        time.sleep(0.25)
        progress(done, steps, f"第 {done} 个乡镇")
    return JobResult(filename="县委组织部报表.xlsx", content=b"PK")


def test_the_progress_bar_moves_survives_a_reload_and_ends_in_a_download(
    page: Page, live_server, world, job_worker
):
    SHOTS.mkdir(parents=True, exist_ok=True)
    job = enqueue(world.users["township"], "tests.slow", "县委组织部报表（测试）", {"steps": 16})
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/accounts/login/?next={job.get_absolute_url()}")
    page.locator("#id_username").fill("township")
    page.locator("#id_password").fill(PASSWORD)
    page.locator("form button[type=submit]").click()
    expect(page.locator("#job-progress")).to_be_visible()
    expect(page.locator("#job-note")).to_contain_text("个乡镇", timeout=5000)
    page.screenshot(path=str(SHOTS / "job-progress-phone.png"), full_page=True)
    bar = page.locator("#job-progress")
    first = int(bar.get_attribute("aria-valuenow"))
    page.reload()  # the page shows the state the database holds, and goes on polling
    expect(page.locator("#job-progress")).to_be_visible()
    link = page.locator("#job-download")
    expect(link).to_be_visible(timeout=15000)
    expect(link).to_contain_text("县委组织部报表.xlsx")
    assert first < 100
    with page.expect_download() as download:
        link.click()
    assert download.value.suggested_filename == "县委组织部报表.xlsx"
    page.screenshot(path=str(SHOTS / "job-done-phone.png"), full_page=True)
