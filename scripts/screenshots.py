"""Regenerates the README's pictures (docs/screenshots/) from the demo township: `make screenshots`.

A scratch SQLite database in a temporary directory is migrated and filled by `load_demo`; `runserver` serves
it on a free port and Debian's Chromium, driven by Playwright, logs in as the demo accounts and takes
1280-wide screenshots of the office screen and a 390-wide one of the phone sign-in. The developer's
db.sqlite3 and media are never touched.

    .venv/bin/python scripts/screenshots.py [--out docs/screenshots]
"""

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path
from urllib.parse import quote

from playwright.sync_api import Page, expect, sync_playwright

BASE_DIR = Path(__file__).resolve().parent.parent
PASSWORD = "Dangjian@2026"  # every demo account's (README: Demo accounts)
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}

# What the pages need that a user would find by clicking: read from the demo data once it is loaded.
LOOKUP = """
import json
from django.urls import reverse
from django.utils import timezone
from assessments.models import AssessmentRound as Round
from communities.models import Office
from accounts.choices import Role
from accounts.models import User
from duty_roster.models import DutyDay, DutyPost, SignIn
from duty_roster.signin import make_token, person_for_user
from establishment.models import Campaign
from members.models import Member
from django.db.models import Count

today = timezone.localdate()
office = Office.objects.get(name__startswith="东关")
post = DutyPost.objects.filter(office=office).order_by("pk").first()
campaign = Campaign.objects.filter(township=office.township).order_by("-year").first()
round_ = Round.objects.filter(township=office.township).order_by("-year").first()
sheet = round_.sheets.get(office=office)
# The phone picture: a demo village secretary on duty today (else village1 at 东关's post). The demo has him
# signed in already at 07:51; this scratch copy forgets today's sign-in so the page shows its one button.
signer, signin_post = "village1", post
village_users = User.objects.filter(role=Role.VILLAGE_SECRETARY, username__startswith="village")
for user in village_users.order_by("username"):
    person = person_for_user(user, today)
    duty = DutyDay.objects.filter(day=today, person=person).select_related("post").first() if person else None
    if duty:
        signer, signin_post = user.username, duty.post
        SignIn.objects.filter(post=duty.post, person=person, day=today).delete()
        break
member = (
    Member.objects.filter(branch__office=office, standing="full")
    .annotate(entries=Count("archive_entries"))
    .order_by("-entries", "pk")
    .first()
)
print(json.dumps({
    "campaign": campaign.get_absolute_url(),
    "member": member.get_absolute_url(),
    "post": post.get_absolute_url() + "?month=" + today.strftime("%Y-%m"),
    "sheet": reverse("assessments:sheet_detail", args=[sheet.pk]),
    "signin": reverse("duty_roster:signin", args=[make_token(signin_post, today)]),
    "signer": signer,
}))
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def manage(env: dict, *args: str, capture: bool = False) -> str:
    result = subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=env,
        check=True,
        text=True,
        stdout=subprocess.PIPE if capture else None,
    )
    return result.stdout or ""


def wait_for(url: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2):
                return
        except OSError:
            if time.monotonic() > deadline:
                raise RuntimeError(f"the server did not answer at {url}") from None
            time.sleep(0.3)


def log_in(page: Page, base: str, username: str, path: str) -> None:
    page.goto(f"{base}/accounts/login/?next={quote(path)}")
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("form button[type=submit]").click()
    page.wait_for_url(f"{base}{path}")


def take(browser, base: str, out: Path, name: str, username: str, path: str, viewport=DESKTOP, ready=None):
    """Logs `username` in (a fresh browser context), opens `path`, waits for `ready`, saves `name`.png."""
    context = browser.new_context(locale="zh-CN", timezone_id="Asia/Shanghai", viewport=viewport)
    page = context.new_page()
    log_in(page, base, username, path)
    if ready:
        expect(page.locator(ready).first).to_be_visible(timeout=30_000)
    page.wait_for_load_state("networkidle")
    page.wait_for_timeout(300)  # transitions and fonts
    page.screenshot(path=str(out / f"{name}.png"))
    context.close()
    print(f"  {out / name}.png  ({(out / f'{name}.png').stat().st_size // 1024} KB)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(BASE_DIR / "docs" / "screenshots"))
    out = Path(parser.parse_args().out)
    out.mkdir(parents=True, exist_ok=True)

    with tempfile.TemporaryDirectory(prefix="zdj-screenshots-") as scratch:
        env = {
            **os.environ,
            "DATABASE_URL": f"sqlite:///{Path(scratch) / 'demo.sqlite3'}",
            "ZDJ_MEDIA_ROOT": str(Path(scratch) / "media"),
            "DJANGO_DEBUG": "1",
            "DJANGO_SECURE_COOKIES": "0",
        }
        env.pop("REDIS_URL", None)  # the local-memory cache of the scratch server, not a shared Redis
        print("migrating a scratch database and loading the demo township …")
        manage(env, "migrate", "--no-input", "-v", "0")
        manage(env, "load_demo")
        urls = json.loads(manage(env, "shell", "-c", LOOKUP, capture=True).strip().splitlines()[-1])
        print(f"the phone sign-in as {urls['signer']}")

        port = free_port()
        base = f"http://127.0.0.1:{port}"
        server = subprocess.Popen(
            [sys.executable, "manage.py", "runserver", "--noreload", f"127.0.0.1:{port}"],
            cwd=BASE_DIR,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            wait_for(f"{base}/accounts/login/")
            with sync_playwright() as playwright:
                browser = playwright.chromium.launch(
                    executable_path=os.environ.get("CHROMIUM", "/usr/bin/chromium"),
                    headless=True,
                    args=["--no-sandbox", "--disable-gpu", "--no-first-run"],
                )
                take(browser, base, out, "home", "township", "/", ready="main h1, main .card")
                take(browser, base, out, "campaign-board", "township", urls["campaign"], ready="#board")
                take(browser, base, out, "member-archive", "township", urls["member"], ready="main h1")
                take(browser, base, out, "duty-month", "office1", urls["post"], ready="#duty-calendar")
                take(browser, base, out, "assessment-sheet", "township", urls["sheet"], ready="#sheet-total")
                take(
                    browser,
                    base,
                    out,
                    "phone-signin",
                    urls["signer"],
                    urls["signin"],
                    viewport=PHONE,
                    ready="#signin-button",
                )
                browser.close()
        finally:
            server.terminate()
            server.wait(timeout=10)
    print(f"screenshots written to {out}")


if __name__ == "__main__":
    main()
