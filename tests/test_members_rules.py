"""The rules through the forms: resident ID numbers on the member form (GB 11643) and the party's rules for
development steps, each message shown next to its field. The clients speak English, so the messages are
the msgids whatever the compiled catalogue holds."""

import datetime

import pytest
from django.conf import settings
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from branches.models import add_years
from members import services
from members.choices import DevelopmentStage, Standing, Status
from members.models import DevelopmentStep, Member
from tests.conftest import make_member

VALID_ID = "11010519491231002X"  # GB 11643's own example: a woman born 1949-12-31


def english_client(world, role: str = "village") -> Client:
    client = Client()
    client.force_login(world.users[role])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def today() -> datetime.date:
    return timezone.localdate()


def days_ago(days: int) -> datetime.date:
    return today() - datetime.timedelta(days=days)


# --- Resident ID numbers through the member form ---------------------------------------------------------


def add_member(world, party, **fields):
    data = {"branch": party.branch.pk, "name": "王七", "ethnicity": "汉族", "standing": Standing.FULL}
    data.update(fields)
    return english_client(world).post(reverse("members:member_create"), data)


def test_it_accepts_a_valid_id_and_fills_gender_and_birth_date(world, party):
    response = add_member(world, party, id_number=VALID_ID)
    assert response.status_code == 302
    member = Member.objects.get(name="王七")
    assert (member.id_number, member.gender, member.birth_date) == (
        VALID_ID,
        "female",
        datetime.date(1949, 12, 31),
    )


def test_it_stores_a_lowercase_x_as_uppercase(world, party):
    response = add_member(world, party, id_number=" " + VALID_ID.lower() + " ")
    assert response.status_code == 302
    assert Member.objects.get(name="王七").id_number == VALID_ID


def test_it_rejects_a_wrong_check_character(world, party):
    response = add_member(world, party, id_number=VALID_ID[:-1] + "1")
    assert response.status_code == 200
    assert response.context["form"].errors["id_number"] == ["The check character of the ID number is wrong."]
    assert not Member.objects.filter(name="王七").exists()


def test_it_rejects_an_impossible_birth_date(world, party):
    response = add_member(world, party, id_number="11010519490231002X")
    assert response.status_code == 200
    assert response.context["form"].errors["id_number"] == [
        "The birth date in the ID number (1949-02-31) does not exist."
    ]


def test_it_rejects_a_gender_that_disagrees_with_the_id(world, party):
    response = add_member(world, party, id_number=VALID_ID, gender="male")
    assert response.status_code == 200
    assert response.context["form"].errors["gender"] == ["The gender does not agree with the ID number."]


def test_it_rejects_a_birth_date_that_disagrees_with_the_id(world, party):
    response = add_member(world, party, id_number=VALID_ID, birth_date="1950-01-01")
    assert response.context["form"].errors["birth_date"] == [
        "The birth date does not agree with the ID number (1949-12-31)."
    ]


def test_it_rejects_duplicate_id_number(world, party):
    response = add_member(world, party, id_number=party.sibling_member.id_number.lower())
    assert response.status_code == 200
    assert response.context["form"].errors["id_number"] == [
        "An active person of the township with this ID number is already on record."
    ]
    assert Member.objects.filter(id_number=party.sibling_member.id_number).count() == 1


def test_the_same_id_may_be_used_in_another_township(world, party):
    response = add_member(world, party, id_number=party.far_member.id_number)
    assert response.status_code == 302


# --- Development steps: the allowed stages, and one test per rule ------------------------------------------


def record(world, member: Member, stage: str, on: datetime.date, **fields):
    data = {"stage": stage, "on": on.isoformat(), **fields}
    url = reverse("members:development_create", args=[member.pk])
    return english_client(world).post(url, data)


def step(member: Member, stage: str, on: datetime.date) -> None:
    DevelopmentStep.objects.create(member=member, stage=stage, on=on)


def test_the_form_offers_only_the_allowed_next_stages(world, party):
    member = make_member(party.branch, "王七", standing=Standing.PROBATIONARY, admitted_on=days_ago(400))
    form = english_client(world).get(reverse("members:development_create", args=[member.pk])).context["form"]
    assert [value for value, _label in form.fields["stage"].choices] == [
        DevelopmentStage.FULL,
        DevelopmentStage.EXTENDED,
        DevelopmentStage.CANCELLED,
    ]


def test_a_development_runs_from_application_to_full_membership(world, party):
    member = make_member(party.branch, "王七", standing=Standing.NONE)
    start = add_years(today(), -3)
    for stage, on in [
        (DevelopmentStage.APPLIED, start),
        (DevelopmentStage.ACTIVIST, start + datetime.timedelta(days=30)),
        (DevelopmentStage.DEVELOPMENT_OBJECT, add_years(start, 1) + datetime.timedelta(days=40)),
        (DevelopmentStage.ADMITTED, add_years(start, 1) + datetime.timedelta(days=200)),
        (DevelopmentStage.FULL, add_years(start, 2) + datetime.timedelta(days=200)),
    ]:
        response = record(world, member, stage, on, decision_number="党委〔2024〕1号")
        assert response.status_code == 302, response.context["form"].errors
    member.refresh_from_db()
    assert member.standing == Standing.FULL
    assert member.admitted_on == add_years(start, 1) + datetime.timedelta(days=200)
    assert member.development_steps.count() == 5


def test_an_applicant_must_be_at_least_18(world, party):
    young = make_member(party.branch, "王小七", birth=add_years(today(), -17), standing=Standing.NONE)
    response = record(world, young, DevelopmentStage.APPLIED, today())
    assert response.status_code == 200
    errors = response.context["form"].errors["on"]
    assert len(errors) == 1 and errors[0].startswith(
        "An applicant must be at least 18 years old; 王小七 was 17"
    )
    young.refresh_from_db()
    assert young.standing == Standing.NONE and not young.development_steps.exists()


def test_a_development_object_must_have_been_an_activist_for_a_year(world, party):
    member = make_member(party.branch, "王七", standing=Standing.ACTIVIST)
    step(member, DevelopmentStage.ACTIVIST, days_ago(200))
    response = record(world, member, DevelopmentStage.DEVELOPMENT_OBJECT, today())
    assert (
        response.context["form"]
        .errors["on"][0]
        .startswith("A development object must have been an activist for at least one year")
    )
    assert Member.objects.get(pk=member.pk).standing == Standing.ACTIVIST


def test_full_membership_waits_for_the_end_of_probation(world, party):
    member = make_member(party.branch, "王七", standing=Standing.PROBATIONARY, admitted_on=days_ago(100))
    response = record(world, member, DevelopmentStage.FULL, today())
    assert (
        response.context["form"].errors["on"][0].startswith("Full membership comes when the probation ends")
    )
    assert Member.objects.get(pk=member.pk).standing == Standing.PROBATIONARY


def test_an_extension_is_six_months_to_a_year(world, party):
    admitted = days_ago(300)
    member = make_member(party.branch, "王七", standing=Standing.PROBATIONARY, admitted_on=admitted)
    too_short = add_years(admitted, 1) + datetime.timedelta(days=30)
    response = record(world, member, DevelopmentStage.EXTENDED, today(), until=too_short.isoformat())
    assert (
        response.context["form"]
        .errors["until"][0]
        .startswith("A probation is extended by at least six months and at most one year")
    )
    response = record(world, member, DevelopmentStage.EXTENDED, today())
    assert response.context["form"].errors["until"] == ["Say until when the probation is extended."]
    until = add_years(admitted, 1) + datetime.timedelta(days=200)
    assert (
        record(world, member, DevelopmentStage.EXTENDED, today(), until=until.isoformat()).status_code == 302
    )
    assert services.probation_end(Member.objects.get(pk=member.pk)) == until


def test_stages_follow_their_order(world, party):
    member = make_member(party.branch, "王七", standing=Standing.NONE)
    response = record(world, member, DevelopmentStage.ADMITTED, today())
    assert "stage" in response.context["form"].errors  # not offered on the form
    with translation.override("en"), pytest.raises(ValidationError) as raised:
        services.record_development_step(member, DevelopmentStage.ADMITTED, today())
    assert raised.value.message_dict["stage"] == [
        "王七 is now not a party member; the next step can only be: applied to join."
    ]


def test_a_step_cannot_be_dated_before_the_previous_one(world, party):
    member = make_member(party.branch, "王七", standing=Standing.APPLICANT)
    step(member, DevelopmentStage.APPLIED, days_ago(10))
    response = record(world, member, DevelopmentStage.ACTIVIST, days_ago(20))
    assert response.context["form"].errors["on"][0].startswith("The date is before the previous step")
    assert not member.development_steps.filter(stage=DevelopmentStage.ACTIVIST).exists()


def test_a_step_cannot_be_dated_in_the_future(world, party):
    member = make_member(party.branch, "王七", standing=Standing.NONE)
    response = record(world, member, DevelopmentStage.APPLIED, today() + datetime.timedelta(days=1))
    assert response.context["form"].errors["on"] == ["The date is in the future."]


def test_leaving_the_books_ends_posts_and_reserve_roles(world, party):
    from branches.choices import PostKind, ReserveStatus
    from branches.models import Post, ReserveCadre
    from members.services import change_status

    day = datetime.date(2025, 3, 1)
    post = Post.objects.create(
        branch=party.branch, kind=PostKind.SECRETARY, person=party.member, started_on=day
    )
    role = ReserveCadre.objects.create(branch=party.branch, person=party.member, since=day)
    change_status(party.member, Status.DECEASED, datetime.date(2025, 9, 1))
    post.refresh_from_db()
    role.refresh_from_db()
    assert post.ended_on == datetime.date(2025, 9, 1)
    assert role.status == ReserveStatus.WITHDRAWN
