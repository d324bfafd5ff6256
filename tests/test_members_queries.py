"""The member list costs the same number of queries for 20 members as for 2,000 (no N+1)."""

import datetime
import itertools

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from members.idnumbers import compose
from members.models import Member

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰涛明超秀霞平刚"


def add_members(branch, count: int, start: int = 0) -> None:
    """`count` members in one bulk insert, their search keys computed as Member.save would."""
    people = []
    names = itertools.islice(("".join(p) for p in itertools.product(SURNAMES, GIVEN, GIVEN)), start, None)
    for index, name in zip(range(start, start + count), names, strict=False):
        birth = datetime.date(1950, 1, 1) + datetime.timedelta(days=index // 400)
        gender = "male" if index % 2 else "female"
        person = Member(
            branch=branch,
            township_id=branch.office.township_id,
            village=branch.village,
            name=name,
            id_number=compose("341321", birth, (index % 400) * 2, gender),
            birth_date=birth,
            gender=gender,
            phone="13800000000",
            is_mobile=index % 3 == 0,
            is_veteran=index % 5 == 0,
        )
        person.fill_search_keys()
        people.append(person)
    Member.objects.bulk_create(people)


def list_queries(world, **params) -> int:
    client = Client()
    client.force_login(world.users["township"])
    url = reverse("members:member_list")
    client.get(url, params)  # the session and the like are warm
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url, params)
    assert response.status_code == 200
    return len(captured)


@pytest.mark.parametrize("params", [{}, {"order": "pinyin", "per_page": "100"}, {"q": "wang"}])
def test_the_list_costs_the_same_for_20_members_as_for_2000(world, party, params):
    add_members(party.branch, 20)
    few = list_queries(world, **params)
    add_members(party.other_branch, 1980, start=20)
    assert Member.objects.filter(township=world.township).count() == 2003
    assert list_queries(world, **params) == few


def test_the_export_costs_the_same_for_20_members_as_for_2000(world, party):
    add_members(party.branch, 20)
    few = list_queries(world, export="xlsx")
    add_members(party.other_branch, 1980, start=20)
    assert list_queries(world, export="xlsx") == few
