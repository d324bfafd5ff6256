"""Shared fixtures: two townships, each role in and out of scope, and Chromium for browser tests."""

import datetime
import os
from dataclasses import dataclass

import pytest

from accounts.choices import Role
from accounts.models import User
from branches.choices import BranchKind
from branches.models import Branch
from communities.models import Community, County, Office, Township, Village
from members.idnumbers import compose
from members.models import Member

# Playwright's sync API runs an event loop in the test thread; Django must still allow ORM calls there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

PASSWORD = "Test-pass-2026"


@dataclass
class World:
    county: County
    township: Township
    other_township: Township
    office: Office  # has a community
    other_office: Office  # same township, no community
    far_office: Office  # the other township
    village: Village
    sibling_village: Village  # same office as `village`
    other_village: Village  # under other_office
    community: Community
    users: dict[str, User]


def make_user(username: str, role: str, **units) -> User:
    user = User(username=username, display_name=username, role=role, **units)
    user.set_password(PASSWORD)
    user.save()
    return user


@pytest.fixture
def world(db) -> World:
    county = County.objects.create(name="测试县")
    township = Township.objects.create(county=county, name="甲镇")
    other_township = Township.objects.create(county=county, name="乙镇")
    office = Office.objects.create(township=township, name="东关办事处", sort_order=1)
    other_office = Office.objects.create(township=township, name="西营办事处", sort_order=2)
    far_office = Office.objects.create(township=other_township, name="南湖办事处", sort_order=1)
    village = Village.objects.create(office=office, name="张庄村", sort_order=1)
    sibling_village = Village.objects.create(office=office, name="李楼村", sort_order=2)
    other_village = Village.objects.create(office=other_office, name="孙庄村", sort_order=1)
    Village.objects.create(office=far_office, name="杨桥村", sort_order=1)
    community = Community.objects.create(office=office, name="东关社区")
    users = {
        "township": make_user("township", Role.TOWNSHIP_STAFF, township=township),
        "other_township": make_user("other_township", Role.TOWNSHIP_STAFF, township=other_township),
        "office": make_user("office", Role.OFFICE_SECRETARY, office=office),
        "other_office": make_user("other_office", Role.OFFICE_SECRETARY, office=other_office),
        "village": make_user("village", Role.VILLAGE_SECRETARY, village=village),
        "other_village": make_user("other_village", Role.VILLAGE_SECRETARY, village=sibling_village),
        "county": make_user("county", Role.COUNTY_VIEWER, county=county),
    }
    return World(
        county,
        township,
        other_township,
        office,
        other_office,
        far_office,
        village,
        sibling_village,
        other_village,
        community,
        users,
    )


@dataclass
class Party:
    """Organisations and people of the `world`: each office's general branch and a branch per village."""

    general: Branch  # 东关社区党总支, the community general branch of world.office
    branch: Branch  # 张庄村党支部 (world.village)
    sibling_branch: Branch  # 李楼村党支部 (world.sibling_village)
    other_general: Branch  # 西营办事处党总支 (world.other_office)
    other_branch: Branch  # 孙庄村党支部 (world.other_village)
    far_branch: Branch  # 杨桥村党支部, in the other township
    member: Member  # in `branch`
    sibling_member: Member  # in `sibling_branch`
    other_member: Member  # in `other_branch`
    far_member: Member  # in `far_branch`


_id_sequence = iter(range(1, 10**6))


def make_member(branch, name: str, gender: str = "male", birth=datetime.date(1980, 5, 1), **fields):
    number = compose("341321", birth, next(_id_sequence) * 2, gender)
    member = Member(branch=branch, name=name, id_number=number, village=branch.village, **fields)
    member.full_clean()
    member.save()
    return member


@pytest.fixture
def party(world) -> Party:
    general = Branch.objects.create(
        office=world.office,
        community=world.community,
        kind=BranchKind.COMMUNITY_GENERAL,
        name="东关社区党总支",
    )
    other_general = Branch.objects.create(
        office=world.other_office, kind=BranchKind.OFFICE_GENERAL, name="西营办事处党总支"
    )

    def village_branch(village, parent):
        return Branch.objects.create(
            office=village.office,
            village=village,
            parent=parent,
            kind=BranchKind.VILLAGE,
            name=f"{village}党支部",
        )

    branch = village_branch(world.village, general)
    sibling_branch = village_branch(world.sibling_village, general)
    other_branch = village_branch(world.other_village, other_general)
    far_branch = village_branch(Village.objects.get(office=world.far_office), None)
    return Party(
        general,
        branch,
        sibling_branch,
        other_general,
        other_branch,
        far_branch,
        make_member(branch, "张三"),
        make_member(sibling_branch, "李四", gender="female"),
        make_member(other_branch, "孙五"),
        make_member(far_branch, "杨六"),
    )


@dataclass
class R2Office:
    """An office before establishment (R2): its office general branch with secretary and deputy, and
    three village branches with their secretaries. The office has a community, so it may file a request."""

    office: Office
    general: Branch
    secretary: Member
    deputy: Member
    village_secretaries: list[Member]
    village_branches: list[Branch]
    people: list[Member]  # ordinary members of the first village branch, for proposed sub-branches


@pytest.fixture
def r2_office(world) -> R2Office:
    from branches.choices import PostKind
    from branches.models import Post

    office, day = world.office, datetime.date(2021, 1, 10)
    general = Branch.objects.create(office=office, kind=BranchKind.OFFICE_GENERAL, name="东关办事处党总支")
    secretary = make_member(general, "王建国")
    deputy = make_member(general, "刘文", gender="female")
    Post.objects.create(branch=general, kind=PostKind.SECRETARY, person=secretary, started_on=day)
    Post.objects.create(branch=general, kind=PostKind.DEPUTY_SECRETARY, person=deputy, started_on=day)
    third = Village.objects.create(office=office, name="王屯村", sort_order=3)
    branches, secretaries = [], []
    for village, name in [(world.village, "张建军"), (world.sibling_village, "李红梅"), (third, "王永福")]:
        branch = Branch.objects.create(
            office=office, village=village, parent=general, kind=BranchKind.VILLAGE, name=f"{village}党支部"
        )
        person = make_member(branch, name)
        Post.objects.create(branch=branch, kind=PostKind.SECRETARY, person=person, started_on=day)
        branches.append(branch)
        secretaries.append(person)
    people = [make_member(branches[0], name) for name in ("赵大勇", "钱富贵", "孙小梅")]
    return R2Office(office, general, secretary, deputy, secretaries, branches, people)


@pytest.fixture
def duty_post(r2_office):
    """The r2_office's duty post with its three village secretaries in rotation order, from 2026-01-01."""
    from duty_roster.models import DutyPost
    from duty_roster.services import sync_members

    post = DutyPost.objects.create(
        office=r2_office.office,
        name="东关社区书记值班岗",
        place="东关社区服务中心",
        starts_on=datetime.date(2026, 1, 1),
    )
    sync_members(post)
    return post


# --- Browser tests: Debian's Chromium, driven by pytest-playwright -----------------------------------


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args):
    return {
        **browser_type_launch_args,
        "executable_path": os.environ.get("CHROMIUM", "/usr/bin/chromium"),
        "args": [
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--no-first-run",
        ],
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args):
    return {
        **browser_context_args,
        "locale": "zh-CN",
        "timezone_id": "Asia/Shanghai",
        "viewport": {"width": 1366, "height": 768},
    }


def pytest_report_header(config):
    from django.conf import settings

    return f"database: {settings.DATABASES['default']['ENGINE']}"


@pytest.fixture(autouse=True)
def default_language():
    """Every test starts in the product's language, whatever a test before it activated."""
    from django.conf import settings
    from django.utils import translation

    translation.activate(settings.LANGUAGE_CODE)
    yield
    translation.activate(settings.LANGUAGE_CODE)


@pytest.fixture(autouse=True)
def empty_cache():
    """The cache (the dashboard's figures, lockout counts) starts empty: primary keys repeat between
    tests, so a figure kept from an earlier test would be another test's data."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def job_worker(transactional_db, settings, tmp_path):
    """The background worker, running in a thread beside the live server as `make run` runs it beside
    runserver; stopped (after the job at hand) when the test ends."""
    import threading

    from jobs.services import work

    settings.MEDIA_ROOT = tmp_path
    stop = threading.Event()
    thread = threading.Thread(target=work, kwargs={"poll": 0.1, "stop": stop}, daemon=True)
    thread.start()
    yield thread
    stop.set()
    thread.join(timeout=30)
