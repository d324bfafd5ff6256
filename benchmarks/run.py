"""The county-scale benchmark (issue 10): `make bench`, or by hand on a database seeded by benchmarks/seed.py:

    .venv/bin/python benchmarks/run.py --db postgres --database-url postgres://postgres@127.0.0.1:5432/zdj_bench
    .venv/bin/python benchmarks/run.py --db sqlite --database-url sqlite:////tmp/zdj-bench.sqlite3

One run, for one database:
1. in-process (`measure`, a subprocess with DEBUG off): the queries of every page for every role
   (CaptureQueriesContext); the member list against the admin's changelist on the same filter; the member
   export against django-import-export's xlsx export and against the floor (xlsxwriter writing the same
   rows already fetched as tuples), each in its own process for its peak memory; the county workbook; a
   10,000-row roster import with full validation; a township's duty rota for a year.
2. served: gunicorn with 4 workers (and Redis for PostgreSQL); 8 users (two per role) log in once and go
   round their pages, from a load-generator process of its own (threads + requests):
   - for 60 s as people use the app, each waiting a think time between two pages (`--think`, uniformly
     1–3 s by default, locust's `between(1, 3)`): p50/p95/p99 per page, the latency people see (`served`);
   - then for 30 s with no think time (`--saturation-seconds`), a closed loop that keeps the server busy:
     its throughput is the capacity, its latencies are queueing (`saturation`).
   Each run reports the server's CPU time a request (gunicorn's master and workers, logins excluded) and
   the load generator's own CPU time.
The results go to benchmarks/results/<date>-<db>.json; README.md has the table.
"""

import argparse
import datetime
import io
import json
import os
import platform
import random
import re
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
RESULTS = ROOT / "benchmarks" / "results"
PASSWORD = "Dangjian@2026"  # the demo password (README)
ROLES = ["township", "office1", "village1", "county"]
PORT = 8765

SERVE_ENV = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "benchmark-only-not-a-secret-0123456789abcdefghijklmnopqrstuvwxyz",
    "DJANGO_ALLOWED_HOSTS": "127.0.0.1,localhost,testserver",
    "DJANGO_SSL_REDIRECT": "0",
    "DJANGO_SECURE_COOKIES": "0",
    "DJANGO_HSTS_SECONDS": "0",
}


def setup_django() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()


# --- in-process measurements ---------------------------------------------------------------------------


def role_pages(user) -> dict[str, str]:
    """The main pages for `user`, on rows in his scope."""
    from django.urls import reverse

    from accounts.choices import Role
    from assessments.models import AssessmentRound
    from branches.models import Branch
    from duty_roster.models import DutyPost
    from establishment.models import Campaign
    from members.models import Member

    pages = {
        "home (cached)": "/",
        "home (?refresh=1)": "/?refresh=1",
        "member list, filtered": "/members/?status=active&standing=full&gender=female",
        "member list, searched": "/members/?q=wang",
    }
    member = Member.objects.for_user(user).filter(status="active").order_by("pk").first()
    if member:
        pages["member archive"] = member.get_absolute_url()
    branch = Branch.objects.for_user(user).filter(village__isnull=False).order_by("pk").first()
    if branch:
        pages["branch archive"] = branch.get_absolute_url()
    post = DutyPost.objects.for_user(user).order_by("pk").first()
    if post:
        pages["duty month"] = post.get_absolute_url()
    campaign = Campaign.objects.for_user(user).order_by("-year", "pk").first()
    if campaign:
        pages["campaign board"] = campaign.get_absolute_url()
    rounds = AssessmentRound.objects.for_user(user).order_by("-year", "pk")
    if user.role == Role.COUNTY_VIEWER:  # the county sees a round's results once they are published
        rounds = rounds.filter(state__in=["notice", "locked"])
    assessment = rounds.first()
    if assessment:
        pages["assessment results"] = reverse("assessments:round_detail", args=[assessment.pk])
    return pages


def timed(call, rounds: int) -> dict:
    call()  # warm
    times = []
    for _ in range(rounds):
        start = time.perf_counter()
        call()
        times.append((time.perf_counter() - start) * 1000)
    return {"median_ms": round(statistics.median(times), 1), "max_ms": round(max(times), 1)}


def measure_pages(out: dict) -> None:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from accounts.models import User

    out["pages"] = {}
    for username in ROLES:
        user = User.objects.get(username=username)
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(user)
        available = {}
        for name, url in role_pages(user).items():
            client.get(url)  # the dashboard's cache and the like
            with CaptureQueriesContext(connection) as queries:
                response = client.get(url)
            if response.status_code != 200:
                out["pages"].setdefault(username, {})[name] = {"url": url, "status": response.status_code}
                continue
            entry = {"url": url, "queries": len(queries)}
            entry.update(timed(lambda url=url, client=client: client.get(url), 5))
            out["pages"].setdefault(username, {})[name] = entry
            available[name] = url
        if username == "county":
            # Recomputing the county's figures takes longer than gunicorn's 30 s worker timeout under
            # load (README): measured here, in-process, and left out of the served run.
            available.pop("home (?refresh=1)", None)
        out.setdefault("load_pages", {})[username] = available
        print(f"  pages measured for {username}", flush=True)


def measure_admin(out: dict) -> None:
    """The member list against the admin's changelist, same user, same filter (active full members)."""
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from accounts.models import User

    user = User.objects.get(username="township")
    client = Client(HTTP_HOST="127.0.0.1")
    client.force_login(user)
    pairs = {
        "member list": "/members/?status=active&standing=full",
        "admin changelist": "/admin/members/member/?status__exact=active&standing__exact=full",
        "member list, searched": "/members/?status=active&standing=full&q=wang",
        "admin changelist, searched": (
            "/admin/members/member/?status__exact=active&standing__exact=full&q=wang"
        ),
    }
    result = {}
    for name, url in pairs.items():
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        entry = {"url": url, "status": response.status_code, "queries": len(queries)}
        if response.status_code == 200:
            entry.update(timed(lambda url=url: client.get(url), 10))
        result[name] = entry
    out["list_vs_admin"] = result
    print("  list vs admin measured", flush=True)


def export_queryset():
    from accounts.models import User
    from members.models import Member

    user = User.objects.get(username="county")
    return user, Member.objects.for_user(user)


def app_table(user):
    """The member list's table for the export of every member `user` sees, built as the view builds it."""
    from django.test import RequestFactory

    from members.views import MemberListView

    request = RequestFactory().get("/members/", {"export": "xlsx", "status": ""})
    request.user = user
    view = MemberListView()
    view.setup(request)
    filterset = view.get_filterset(view.get_filterset_class())
    return view.get_table_class()(filterset.qs, request=request)


def export_columns(table) -> list[tuple[str, str]]:
    """(header, accessor) of the columns the app exports: the same columns for the other two."""
    return [
        (str(c.header), str(c.accessor))
        for c in table.columns
        if c.column.exclude_from_export is False and c.name != "actions"
    ]


def reset_peak_rss() -> int:
    """Start the peak-memory count afresh (Linux: a child's ru_maxrss starts at its parent's size, so
    /proc/self/clear_refs resets VmHWM instead); the resident size now, in kB."""
    Path("/proc/self/clear_refs").write_text("5")
    return _status_kb("VmRSS")


def peak_rss() -> int:
    return _status_kb("VmHWM")


def _status_kb(field: str) -> int:
    return int(re.search(rf"{field}:\s+(\d+)", Path("/proc/self/status").read_text()).group(1))


def export_one(kind: str) -> dict:
    """One export, in this (fresh) process: wall time and the peak resident memory it added."""
    setup_django()
    from django.test import Client

    user, queryset = export_queryset()
    rows = queryset.count()
    baseline = reset_peak_rss()
    fetch_s = None
    start = time.perf_counter()
    if kind == "app":
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(user)
        start = time.perf_counter()
        response = client.get("/members/?export=xlsx&status=")
        assert response.status_code == 200, response.status_code
        size = len(response.content)
    elif kind == "import-export":
        from import_export import fields, resources
        from import_export.formats.base_formats import XLSX

        from members.models import Member

        table = app_table(user)
        declared = {
            f"c{i}": fields.Field(attribute=accessor, column_name=header)
            for i, (header, accessor) in enumerate(export_columns(table))
        }
        meta = type("Meta", (), {"model": Member, "fields": list(declared), "export_order": list(declared)})
        resource_class = type(resources.ModelResource)(
            "MemberResource", (resources.ModelResource,), {**declared, "Meta": meta}
        )
        dataset = resource_class().export(queryset=table.data.data)
        size = len(XLSX().export_data(dataset))
    elif kind == "floor":
        import xlsxwriter

        from records.tables import export_rows

        headers, values = export_rows(app_table(user))
        from django.utils.functional import Promise

        # The same values as plain tuples (labels as str), fetched before the clock starts.
        tuples = [tuple(str(v) if isinstance(v, Promise) else v for v in row) for row in values]
        fetch_s = time.perf_counter() - start
        start = time.perf_counter()
        buffer = io.BytesIO()
        workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
        sheet = workbook.add_worksheet()
        date_format = workbook.add_format({"num_format": "yyyy-mm-dd"})
        sheet.write_row(0, 0, headers)
        for number, row in enumerate(tuples, start=1):
            for column, value in enumerate(row):
                if isinstance(value, datetime.date):
                    sheet.write_datetime(number, column, value, date_format)
                else:
                    sheet.write(number, column, value)
        workbook.close()
        size = len(buffer.getvalue())
    else:
        raise SystemExit(f"unknown export {kind}")
    took = time.perf_counter() - start
    peak = peak_rss()
    return {
        "rows": rows,
        "seconds": round(took, 2),
        "fetch_seconds_not_counted": round(fetch_s, 2) if fetch_s is not None else None,
        "bytes": size,
        "peak_rss_mb": round(peak / 1024, 1),  # the whole process: Django and the rows too
        "baseline_rss_mb": round(baseline / 1024, 1),
        "peak_added_mb": round((peak - baseline) / 1024, 1),
    }


def measure_exports(out: dict, env: dict) -> None:
    result = {}
    for kind in ["floor", "app", "import-export"]:
        done = subprocess.run(
            [sys.executable, __file__, "export", kind], env=env, capture_output=True, text=True, check=False
        )
        if done.returncode != 0:
            result[kind] = {"error": done.stderr.strip().splitlines()[-1:]}
        else:
            result[kind] = json.loads(done.stdout.strip().splitlines()[-1])
        print(f"  export {kind}: {result[kind]}", flush=True)
    if all("seconds" in result.get(k, {}) for k in ["floor", "app", "import-export"]):
        result["app_over_floor"] = round(result["app"]["seconds"] / result["floor"]["seconds"], 2)
        with_fetch = result["floor"]["seconds"] + result["floor"]["fetch_seconds_not_counted"]
        result["app_over_floor_with_fetch"] = round(result["app"]["seconds"] / with_fetch, 2)
        result["import_export_over_app"] = round(
            result["import-export"]["seconds"] / result["app"]["seconds"], 2
        )
    out["member_export"] = result


def measure_county_workbook(out: dict) -> None:
    from accounts.models import User
    from reports.county import county_workbook, report_townships

    user = User.objects.get(username="county")
    townships = list(report_townships(user))
    start = time.perf_counter()
    content = county_workbook(user, townships, datetime.date.today().year)
    out["county_workbook"] = {
        "townships": len(townships),
        "seconds": round(time.perf_counter() - start, 2),
        "bytes": len(content),
    }
    print(f"  county workbook: {out['county_workbook']}", flush=True)


def roster(user, rows: int) -> bytes:
    """A valid roster of `rows` new people for `user`'s village branches, in the import's own headers."""
    import xlsxwriter

    from members import idnumbers
    from members.import_views import member_branches

    branches = [b for b in member_branches(user) if b.village_id]
    rng = random.Random(10)
    buffer = io.BytesIO()
    workbook = xlsxwriter.Workbook(buffer, {"in_memory": True})
    sheet = workbook.add_worksheet()
    sheet.write_row(
        0, 0, ["姓名", "性别", "公民身份号码", "联系电话", "学历", "所在党组织", "党员类别", "入党时间"]
    )
    used = set()
    for number in range(1, rows + 1):
        while True:
            birth = datetime.date(1950, 1, 1) + datetime.timedelta(days=rng.randrange(18000))
            gender = rng.choice(["男", "女"])
            id_number = idnumbers.compose(
                "349901", birth, rng.randrange(1, 999), "male" if gender == "男" else "female"
            )
            if id_number not in used:
                used.add(id_number)
                break
        sheet.write_row(
            number,
            0,
            [
                "王" + rng.choice("建国志强秀英红梅玉兰永福"),
                gender,
                id_number,
                f"139{rng.randrange(10**8):08d}",
                "高中/中专",
                rng.choice(branches).name,
                "正式党员",
                (birth + datetime.timedelta(days=365 * 25)).isoformat(),
            ],
        )
    workbook.close()
    return buffer.getvalue()


def measure_import(out: dict, rows: int = 10_000) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.db import transaction

    from accounts.models import User
    from audit.context import acting_as
    from members.import_views import MemberImporter
    from records import imports

    user = User.objects.get(username="township")
    content = roster(user, rows)
    importer = MemberImporter(user)
    importer.max_rows = max(rows, imports.MAX_ROWS)  # MAX_ROWS is 10,000 (records/imports.py)
    start = time.perf_counter()
    result = importer.run(SimpleUploadedFile("roster.xlsx", content))
    validated = time.perf_counter() - start
    problems = [str(p) for p in result.problems[:5]]
    saved = None
    if result.is_valid:
        start = time.perf_counter()
        # As the page and the worker save it: as the township user, so every person gets an audit entry.
        with transaction.atomic(), acting_as(user):
            importer.save(result)
            saved = time.perf_counter() - start
            transaction.set_rollback(True)  # measured, not kept
    out["import"] = {
        "rows": rows,
        "max_rows_setting": imports.MAX_ROWS,
        "valid": result.is_valid,
        "problems": len(result.problems),
        "first_problems": problems,
        "read_and_validate_seconds": round(validated, 2),
        "save_seconds": round(saved, 2) if saved is not None else None,
        "seconds": round(validated + (saved or 0), 2),
    }
    print(f"  import: {out['import']}", flush=True)


def measure_rota(out: dict) -> None:
    """Every duty post of the demo township, every month of next year, generated (and rolled back)."""
    from django.db import transaction

    from communities.models import Township
    from duty_roster import services
    from duty_roster.models import CalendarEntry, DutyPost

    year = datetime.date.today().year + 1
    township = Township.objects.get(name="青石镇")
    posts = list(DutyPost.objects.filter(office__township=township))
    with transaction.atomic():
        # Next year's holidays as township staff enter them (chinesecalendar knows a year only once the
        # State Council has published it); the rota is generated from January on, with no past days.
        CalendarEntry.objects.bulk_create(
            CalendarEntry(township=township, day=datetime.date(year, 1, d), working=False, name="元旦")
            for d in (1, 2, 3)
        )
        start = time.perf_counter()
        for post in posts:
            for month in range(1, 13):
                services.generate_month(post, year, month, today=datetime.date(year, 1, 1))
        took = time.perf_counter() - start
        transaction.set_rollback(True)
    out["rota_year"] = {"posts": len(posts), "year": year, "seconds": round(took, 2)}
    print(f"  rota: {out['rota_year']}", flush=True)


def measure(path: str) -> None:
    setup_django()
    from django.conf import settings

    from branches.models import Branch
    from communities.models import Township, Village
    from members.models import ArchiveEntry, Member

    out = {
        "debug": settings.DEBUG,
        "data": {
            "townships": Township.objects.count(),
            "villages": Village.objects.count(),
            "organisations": Branch.objects.count(),
            "people": Member.objects.count(),
            "archive_entries": ArchiveEntry.objects.count(),
        },
    }
    print(f"  data: {out['data']}", flush=True)
    measure_pages(out)
    measure_admin(out)
    measure_exports(out, dict(os.environ))
    measure_county_workbook(out)
    measure_import(out)
    measure_rota(out)
    Path(path).write_text(json.dumps(out, ensure_ascii=False, indent=1))


def warm() -> None:
    """Fill the dashboard cache of every role (Redis: shared with the workers) as a user's first visit
    would, so the served run measures the cached home page."""
    setup_django()
    from django.test import Client

    from accounts.models import User

    for username in ROLES:
        client = Client(HTTP_HOST="127.0.0.1")
        client.force_login(User.objects.get(username=username))
        client.get("/?refresh=1")


# --- the served run -------------------------------------------------------------------------------------


def login(session, base: str, username: str) -> None:
    page = session.get(f"{base}/accounts/login/", timeout=30)
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
    response = session.post(
        f"{base}/accounts/login/",
        data={"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token},
        headers={"Referer": f"{base}/accounts/login/"},
        timeout=30,
        allow_redirects=False,
    )
    assert response.status_code == 302, (username, response.status_code)


def load(
    base: str,
    pages: dict[str, dict[str, str]],
    users: int,
    seconds: float,
    think: tuple[float, float] | None = (1.0, 3.0),
    ready=None,
) -> dict:
    """`users` people (a role each, in turn) log in once, then go round their pages for `seconds`.

    With `think` (min, max seconds), each waits a uniformly random time between two pages, as a person
    reading the page does (locust's `between(1, 3)`); the first page comes after one such wait, so the
    users do not start in step. Without it (None), each fires its next request as soon as the last one
    answered: a closed loop that measures the server's capacity (saturation), not its latency for people.
    Run by `load_subprocess` in a process of its own; its own CPU time is in the result. `ready` is
    called once everyone has logged in and opened each page once, before the clock starts."""
    import requests

    cpu_start = time.process_time()
    samples: dict[str, list[float]] = {}
    errors: dict[str, int] = {}
    lock = threading.Lock()
    roles = [ROLES[i % len(ROLES)] for i in range(users)]
    sessions = []
    for username in roles:
        session = requests.Session()
        login(session, base, username)
        sessions.append(session)
    # Each user opens each of his pages once, untimed: fresh workers compile templates and fill their
    # caches on their first requests, which is not what the run measures.
    for username, session in zip(roles, sessions, strict=True):
        for url in pages[username].values():
            session.get(base + url, timeout=120)
    if ready is not None:
        ready()
    deadline = time.perf_counter() + seconds

    def user_loop(index: int) -> None:
        username = roles[index]
        session = sessions[index]
        rng = random.Random(index)
        items = list(pages[username].items())
        rng.shuffle(items)
        i = 0
        while True:
            if think:
                time.sleep(min(rng.uniform(*think), max(0.0, deadline - time.perf_counter())))
            if time.perf_counter() >= deadline:
                break
            name, url = items[i % len(items)]
            i += 1
            start = time.perf_counter()
            try:
                status = session.get(base + url, timeout=60).status_code
            except requests.RequestException as error:  # a worker killed for its timeout, say
                status = type(error).__name__
            took = (time.perf_counter() - start) * 1000
            with lock:
                samples.setdefault(name, []).append(took)
                samples.setdefault(f"{username}: {name}", []).append(took)
                if status != 200:
                    key = f"{username}: {name} {status}"
                    errors[key] = errors.get(key, 0) + 1

    threads = [threading.Thread(target=user_loop, args=(i,)) for i in range(users)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    everything = [t for name, times in samples.items() if ":" not in name for t in times]
    return {
        "mode": "think time" if think else "saturation",
        "think_s": list(think) if think else None,
        "users": users,
        "seconds": round(elapsed, 1),
        "requests": len(everything),
        "throughput_rps": round(len(everything) / elapsed, 1),
        "all": percentiles(everything),
        "by_page": {name: percentiles(times) for name, times in sorted(samples.items())},
        "errors": errors,
        "load_cpu_s": round(time.process_time() - cpu_start, 2),  # the load generator's own CPU
    }


def load_subprocess(
    base: str, pages: dict, users: int, seconds: float, think: tuple[float, float] | None, server_pid: int
) -> dict:
    """`load` in a process of its own (its CPU is not this process's, and is reported apart), with the
    CPU time the server (gunicorn's master and workers) used meanwhile."""
    with tempfile.NamedTemporaryFile("w", suffix=".json", delete=False) as handle:
        json.dump({"base": base, "pages": pages, "users": users, "seconds": seconds, "think": think}, handle)
    try:
        with subprocess.Popen(
            [sys.executable, __file__, "load", handle.name], stdout=subprocess.PIPE, text=True
        ) as generator:
            # The logins (a password hash each, a large share of a short run's CPU) and the warm-up are
            # not counted.
            server_before = process_tree_cpu(server_pid) if generator.stdout.readline() else 0.0
            output = generator.stdout.read()
        server_after = process_tree_cpu(server_pid)
    finally:
        os.unlink(handle.name)
    if generator.returncode != 0:
        raise SystemExit("the load generator failed (its error is above)")
    result = json.loads(output.strip().splitlines()[-1])
    result["server_cpu_s"] = round(server_after - server_before, 2)
    result["server_cpu_per_request_ms"] = (
        round(1000 * result["server_cpu_s"] / result["requests"], 1) if result["requests"] else None
    )
    return result


def process_tree_cpu(pid: int) -> float:
    """User + system CPU seconds of `pid` and its children now alive (gunicorn's master and workers)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:  # the process ended meanwhile
            continue
        this, parent = int(stat.parent.name), int(fields[1])
        if this == pid or parent == pid:
            total += (int(fields[11]) + int(fields[12])) / tick  # utime, stime
    return total


def parse_think(value: str) -> tuple[float, float] | None:
    """`--think 1,3` (seconds, uniformly between), `--think 2` (always 2 s), or `--think 0` (none)."""
    low, _, high = value.partition(",")
    think = (float(low), float(high or low))
    if think[0] < 0 or think[1] < think[0]:
        raise argparse.ArgumentTypeError("think time: MIN,MAX seconds with 0 <= MIN <= MAX")
    return think if think[1] > 0 else None


def percentiles(times: list[float]) -> dict:
    if not times:
        return {}
    ordered = sorted(times)

    def at(q: float) -> float:
        return round(ordered[min(len(ordered) - 1, int(q * len(ordered)))], 1)

    return {"n": len(ordered), "p50_ms": at(0.50), "p95_ms": at(0.95), "p99_ms": at(0.99)}


def serve(env: dict, workers: int):
    command = [
        str(ROOT / ".venv" / "bin" / "gunicorn"),
        "config.wsgi",
        "--workers",
        str(workers),
        "--bind",
        f"127.0.0.1:{PORT}",
        "--log-level",
        "warning",
    ]
    process = subprocess.Popen(command, env=env, cwd=ROOT, start_new_session=True)
    import requests

    for _ in range(60):
        try:
            requests.get(f"http://127.0.0.1:{PORT}/accounts/login/", timeout=10)
            return process
        except requests.RequestException:
            time.sleep(0.5)
    os.killpg(process.pid, signal.SIGTERM)
    raise SystemExit("gunicorn did not start")


def machine() -> dict:
    cpu = ""
    for line in Path("/proc/cpuinfo").read_text().splitlines():
        if line.startswith("model name"):
            cpu = line.split(":", 1)[1].strip()
            break
    memory_kb = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
    return {
        "nproc": os.cpu_count(),
        "cpu": cpu,
        "ram_gb": round(memory_kb / 1024 / 1024, 1),
        "python": platform.python_version(),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description="the county-scale benchmark")
    parser.add_argument("--db", required=True, help="a label: postgres or sqlite")
    parser.add_argument("--database-url", required=True)
    parser.add_argument("--redis-url", default="")
    parser.add_argument("--users", type=int, default=8)
    parser.add_argument("--seconds", type=float, default=60, help="the served run with think time")
    parser.add_argument(
        "--think",
        type=parse_think,
        default=(1.0, 3.0),
        metavar="MIN,MAX",
        help="seconds each user waits between two pages, uniformly (default 1,3; 0: none)",
    )
    parser.add_argument(
        "--saturation-seconds",
        type=float,
        default=30,
        help="then the same users with no think time, for the capacity in requests/s (0: skip)",
    )
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--skip-measure", action="store_true", help="only the served run")
    args = parser.parse_args()

    env = dict(os.environ, **SERVE_ENV, DATABASE_URL=args.database_url)
    if args.redis_url:
        env["REDIS_URL"] = args.redis_url
    else:
        env.pop("REDIS_URL", None)
    RESULTS.mkdir(parents=True, exist_ok=True)
    today = datetime.date.today().isoformat()
    target = RESULTS / f"{today}-{args.db}.json"
    measured = Path(tempfile.gettempdir()) / f"zdj-bench-{args.db}-measure.json"  # --skip-measure reuses it
    python = str(ROOT / ".venv" / "bin" / "python")
    subprocess.run(
        [python, "manage.py", "collectstatic", "--no-input", "-v", "0"], env=env, cwd=ROOT, check=True
    )
    if not args.skip_measure:
        print(f"measuring in-process on {args.db}", flush=True)
        subprocess.run([python, __file__, "measure", str(measured)], env=env, cwd=ROOT, check=True)
    result = json.loads(measured.read_text())
    subprocess.run([python, __file__, "warm"], env=env, cwd=ROOT, check=True)
    print(f"serving with gunicorn ({args.workers} workers) on {args.db}", flush=True)
    process = serve(env, args.workers)
    base = f"http://127.0.0.1:{PORT}"
    saturation = None
    try:
        label = f"think {args.think[0]:g}–{args.think[1]:g} s" if args.think else "no think time"
        print(f"  {args.users} users, {label}, {args.seconds:g} s", flush=True)
        pages = result["load_pages"]
        served = load_subprocess(base, pages, args.users, args.seconds, args.think, process.pid)
        if args.saturation_seconds:
            print(f"  saturation: no think time, {args.saturation_seconds:g} s", flush=True)
            saturation = load_subprocess(base, pages, args.users, args.saturation_seconds, None, process.pid)
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=30)
    result.update(
        {
            "database": args.db,
            "redis": bool(args.redis_url),
            "date": today,
            "machine": machine(),
            "command": " ".join(sys.argv),
            "served": served,  # people: with think time (before 2026-11-27: the closed loop)
            "saturation": saturation,  # capacity: the closed loop, no think time
        }
    )
    target.write_text(json.dumps(result, ensure_ascii=False, indent=1))
    print(f"wrote {target.relative_to(ROOT)}")
    for title, run in [("served (" + served["mode"] + ")", served), ("saturation", saturation)]:
        if not run:
            continue
        print(f"\n{title}: {run['users']} users, {run['seconds']} s")
        print(f"{'page':32} {'p50':>7} {'p95':>7} {'p99':>7} {'n':>6}")
        for name, stats in run["by_page"].items():
            if ":" not in name:
                print(
                    f"{name:32} {stats['p50_ms']:7.0f} {stats['p95_ms']:7.0f} {stats['p99_ms']:7.0f}"
                    f" {stats['n']:6d}"
                )
        print(
            f"throughput {run['throughput_rps']} requests/s, server CPU {run['server_cpu_s']} s"
            f" ({run['server_cpu_per_request_ms']} ms a request), load generator CPU {run['load_cpu_s']} s,"
            f" errors {run['errors']}"
        )


if __name__ == "__main__":
    if len(sys.argv) > 1 and sys.argv[1] == "measure":
        measure(sys.argv[2])
    elif len(sys.argv) > 1 and sys.argv[1] == "warm":
        warm()
    elif len(sys.argv) > 1 and sys.argv[1] == "load":
        spec = json.loads(Path(sys.argv[2]).read_text())
        think = tuple(spec["think"]) if spec["think"] else None
        result = load(
            spec["base"],
            spec["pages"],
            spec["users"],
            spec["seconds"],
            think,
            ready=lambda: print("ready", flush=True),
        )
        print(json.dumps(result))
    elif len(sys.argv) > 1 and sys.argv[1] == "export":
        print(json.dumps(export_one(sys.argv[2])))
    else:
        main()
