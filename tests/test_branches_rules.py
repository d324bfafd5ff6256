"""Rules of party organisations without a browser: names and renaming (R1), posts (R2), terms, dissolving,
personnel composition and the archive checklist (R8)."""

import datetime

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from branches.archive import archive_checklist, completeness, current_term, leadership
from branches.choices import BranchKind, OtherBranchKind, PostKind, ReserveStatus
from branches.composition import age_band_condition, composition
from branches.models import Branch, Post, ReserveCadre, Term, add_years
from branches.services import dissolve_branch, rename_branch
from members.choices import AGE_BANDS, Education, Standing, Status
from members.models import ArchiveEntry, Member
from tests.conftest import make_member

TODAY = datetime.date(2026, 6, 15)


def make_post(branch, person, kind=PostKind.SECRETARY, **fields):
    post = Post(branch=branch, person=person, kind=kind, started_on=datetime.date(2023, 7, 1), **fields)
    post.full_clean()
    post.save()
    return post


# --- Organisations ------------------------------------------------------------------------------------


def test_it_rejects_a_sub_kind_on_a_branch_that_is_not_other(world, party):
    branch = Branch(office=world.office, kind=BranchKind.VOLUNTEER_TEAM, other_kind=OtherBranchKind.MOBILE)
    branch.name = "志愿者队伍党支部"
    with pytest.raises(ValidationError) as error:
        branch.full_clean()
    assert "other_kind" in error.value.message_dict


def test_it_rejects_an_other_branch_without_its_sub_kind(world, party):
    branch = Branch(office=world.office, kind=BranchKind.OTHER, name="流动党员党支部", parent=party.general)
    with pytest.raises(ValidationError) as error:
        branch.full_clean()
    assert "other_kind" in error.value.message_dict


def test_it_rejects_a_village_branch_without_its_village(world, party):
    branch = Branch(office=world.office, kind=BranchKind.VILLAGE, name="无村党支部", parent=party.general)
    with pytest.raises(ValidationError) as error:
        branch.full_clean()
    assert "village" in error.value.message_dict


def test_it_rejects_a_parent_that_is_not_a_general_branch_of_the_same_office(world, party):
    under_branch = Branch(
        office=world.office, kind=BranchKind.OTHER, other_kind="mobile", name="甲", parent=party.branch
    )
    other_office = Branch(
        office=world.office, kind=BranchKind.OTHER, other_kind="mobile", name="乙", parent=party.other_general
    )
    for branch in (under_branch, other_office):
        with pytest.raises(ValidationError) as error:
            branch.full_clean()
        assert "parent" in error.value.message_dict


def test_it_rejects_a_second_active_organisation_with_the_same_name_in_the_township(world, party):
    twin = Branch(office=world.other_office, kind=BranchKind.OFFICE_GENERAL, name="东关社区党总支")
    with pytest.raises(ValidationError) as error:
        twin.full_clean()
    assert "name" in error.value.message_dict
    # The other township may use the name.
    Branch(office=world.far_office, kind=BranchKind.OFFICE_GENERAL, name="东关社区党总支").full_clean()


def test_kind_label_includes_the_sub_kind(world, party):
    branch = Branch(kind=BranchKind.OTHER, other_kind=OtherBranchKind.MOBILE)
    assert branch.kind_label.startswith(str(branch.get_kind_display()))
    assert str(branch.get_other_kind_display()) in branch.kind_label
    assert party.branch.kind_label == str(party.branch.get_kind_display())


# --- Renaming (R1) ------------------------------------------------------------------------------------


def test_renaming_keeps_the_old_name_with_its_dates(party):
    general = party.general
    general.founded_on = datetime.date(2010, 3, 1)
    general.save()
    rename_branch(
        general, "东关社区党总支委员会", datetime.date(2023, 6, 25), decision_number="镇党发〔2023〕12号"
    )
    rename_branch(general, "东关社区党委", datetime.date(2025, 1, 10))
    general.refresh_from_db()
    assert general.name == "东关社区党委"
    names = list(general.former_names.order_by("used_until").values_list("name", "used_from", "used_until"))
    assert names == [
        ("东关社区党总支", datetime.date(2010, 3, 1), datetime.date(2023, 6, 25)),
        ("东关社区党总支委员会", datetime.date(2023, 6, 25), datetime.date(2025, 1, 10)),
    ]
    assert general.former_names.get(name="东关社区党总支").decision_number == "镇党发〔2023〕12号"


def test_it_rejects_renaming_to_the_same_name_or_before_the_current_name(party):
    party.general.founded_on = datetime.date(2020, 1, 1)
    party.general.save()
    with pytest.raises(ValidationError) as error:
        rename_branch(party.general, " 东关社区党总支 ", TODAY)
    assert "name" in error.value.message_dict
    with pytest.raises(ValidationError) as error:
        rename_branch(party.general, "新名称", datetime.date(2019, 12, 31))
    assert "on" in error.value.message_dict
    assert not party.general.former_names.exists()


def test_it_rejects_renaming_to_a_name_taken_in_the_township_and_writes_nothing(party):
    with pytest.raises(ValidationError):
        rename_branch(party.general, "西营办事处党总支", TODAY)
    party.general.refresh_from_db()
    assert party.general.name == "东关社区党总支"
    assert not party.general.former_names.exists()


# --- Dissolving ---------------------------------------------------------------------------------------


def test_it_rejects_dissolving_an_organisation_with_active_members(party):
    with pytest.raises(ValidationError):
        dissolve_branch(party.branch, TODAY)
    party.branch.refresh_from_db()
    assert party.branch.dissolved_on is None


def test_it_rejects_dissolving_a_general_branch_with_active_branches_under_it(party):
    with pytest.raises(ValidationError):
        dissolve_branch(party.general, TODAY)


def test_dissolving_keeps_the_record_and_ends_its_posts(world, party):
    association = Branch.objects.create(
        office=world.office,
        parent=party.general,
        kind=BranchKind.OTHER,
        other_kind="association",
        name="协会党支部",
    )
    person = party.member
    post = make_post(association, person, kind=PostKind.COMMITTEE_MEMBER)
    dissolve_branch(association, TODAY)
    association.refresh_from_db()
    post.refresh_from_db()
    assert association.dissolved_on == TODAY
    assert post.ended_on == TODAY
    assert Branch.objects.filter(pk=association.pk).exists()
    with pytest.raises(ValidationError):
        dissolve_branch(association, TODAY)


# --- Posts (R2) ---------------------------------------------------------------------------------------


def test_it_rejects_a_second_current_secretary(party):
    make_post(party.branch, party.member)
    second = make_member(party.branch, "王二")
    with pytest.raises(ValidationError) as error:
        make_post(party.branch, second)
    assert "kind" in error.value.message_dict
    # After the first one's post ends, the second may be appointed.
    Post.objects.filter(branch=party.branch).update(ended_on=datetime.date(2025, 1, 1))
    make_post(party.branch, second)


def test_it_rejects_two_current_posts_for_one_person_in_one_organisation(party):
    make_post(party.branch, party.member)
    with pytest.raises(ValidationError) as error:
        make_post(party.branch, party.member, kind=PostKind.COMMITTEE_MEMBER)
    assert "person" in error.value.message_dict


def test_it_rejects_an_elected_deputy_who_is_not_a_village_secretary_under_the_general_branch(party):
    # R2: the extra deputy secretary is elected from the village branch secretaries.
    with pytest.raises(ValidationError) as error:
        make_post(party.general, party.member, kind=PostKind.ELECTED_DEPUTY)
    assert "person" in error.value.message_dict
    make_post(party.other_branch, party.other_member)  # a secretary, but under another general branch
    with pytest.raises(ValidationError):
        make_post(party.general, party.other_member, kind=PostKind.ELECTED_DEPUTY)
    make_post(party.branch, party.member)
    make_post(party.general, party.member, kind=PostKind.ELECTED_DEPUTY)


def test_a_post_is_flagged_when_the_holder_transferred_away(party):
    make_post(party.branch, party.member)
    post = make_post(party.general, party.member, kind=PostKind.ELECTED_DEPUTY)
    subtree = party.general.subtree_ids()
    assert not post.holder_has_left(subtree)  # a village branch under the general branch
    Member.objects.filter(pk=party.member.pk).update(branch=party.other_branch)
    post.refresh_from_db()
    assert post.holder_has_left(subtree)


def test_a_post_is_flagged_when_the_holder_died(party):
    post = make_post(party.branch, party.member)
    Member.objects.filter(pk=party.member.pk).update(status=Status.DECEASED)
    post.refresh_from_db()
    assert post.holder_has_left()


def test_leadership_orders_by_post_then_by_stroke_order(party):
    # 王 (4 strokes) comes before 张 (7 strokes) among committee members.
    zhang = party.member
    wang = make_member(party.branch, "王五")
    ma = make_member(party.branch, "马六")
    make_post(party.branch, zhang, kind=PostKind.COMMITTEE_MEMBER)
    make_post(party.branch, wang, kind=PostKind.COMMITTEE_MEMBER)
    make_post(party.branch, ma, kind=PostKind.SECRETARY)
    ended = make_member(party.branch, "丁一")
    make_post(party.branch, ended, kind=PostKind.DEPUTY_SECRETARY, ended_on=datetime.date(2024, 1, 1))
    posts = list(Post.objects.filter(branch=party.branch).select_related("person"))
    current, past = leadership(posts, party.branch.subtree_ids())
    assert [p.person.name for p in current] == ["马六", "王五", "张三"]
    assert [p.person.name for p in past] == ["丁一"]
    assert not any(p.has_left for p in current)


# --- Terms --------------------------------------------------------------------------------------------


def test_a_term_ends_five_years_after_it_starts_unless_told(party):
    term = Term.objects.create(branch=party.branch, number=1, started_on=datetime.date(2024, 2, 29))
    assert term.ends_on == datetime.date(2029, 2, 28)
    told = Term.objects.create(
        branch=party.branch, number=2, started_on=datetime.date(2025, 1, 1), ends_on=datetime.date(2028, 1, 1)
    )
    assert told.ends_on == datetime.date(2028, 1, 1)


def test_term_expiry_is_due_within_three_months_and_expired_after(party):
    term = Term(branch=party.branch, number=1, started_on=datetime.date(2021, 9, 1))
    term.save()
    assert term.ends_on == datetime.date(2026, 9, 1)
    assert term.expiry_state(datetime.date(2026, 5, 1)) == "ok"
    assert term.expiry_state(datetime.date(2026, 6, 15)) == "due"
    assert term.expiry_state(datetime.date(2026, 9, 2)) == "expired"


def test_the_current_term_is_the_latest_that_has_started(party):
    old = Term.objects.create(branch=party.branch, number=1, started_on=datetime.date(2016, 1, 1))
    now = Term.objects.create(branch=party.branch, number=2, started_on=datetime.date(2021, 1, 1))
    Term.objects.create(branch=party.branch, number=3, started_on=datetime.date(2027, 1, 1))
    terms = list(Term.objects.filter(branch=party.branch))
    assert current_term(terms, TODAY) == now
    assert current_term(terms, datetime.date(2018, 1, 1)) == old
    assert current_term([], TODAY) is None


# --- Personnel composition (R8) -----------------------------------------------------------------------


def birth_for_age(age: int, today: datetime.date = TODAY) -> datetime.date:
    return add_years(today, -age)


@pytest.fixture
def people(party):
    """Six active people of different kinds in the village branch, and two who do not count."""
    branch = party.branch
    Member.objects.filter(pk=party.member.pk).update(
        birth_date=birth_for_age(44), education=Education.SENIOR, is_veteran=True
    )
    make_member(branch, "李梅", gender="female", birth=birth_for_age(35), education=Education.BACHELOR)
    make_member(
        branch,
        "马丽",
        gender="female",
        birth=birth_for_age(36),
        ethnicity="回族",
        standing=Standing.PROBATIONARY,
    )
    make_member(branch, "王强", birth=birth_for_age(60), is_mobile=True, is_wealth_expert=True)
    make_member(
        branch, "赵刚", birth=birth_for_age(61) - datetime.timedelta(days=1), standing=Standing.ACTIVIST
    )
    make_member(branch, "周敏", gender="female", birth=birth_for_age(25), is_returned_graduate=True)
    make_member(branch, "钱老", birth=birth_for_age(80), status=Status.DECEASED)
    make_member(party.sibling_branch, "孙邻", birth=birth_for_age(50))
    return Member.objects.filter(branch=branch, status=Status.ACTIVE)


def test_composition_counts_in_one_query(people, django_assert_num_queries):
    with django_assert_num_queries(1):
        result = composition(people, TODAY)
    assert result.total == 6
    assert result.count("gender", "male") == 3
    assert result.count("gender", "female") == 3
    assert result.count("ethnicity", "han") == 5
    assert result.count("ethnicity", "minority") == 1
    assert result.count("age", "35") == 2  # 35 exactly and 25
    assert result.count("age", "36-45") == 2  # 36 and 44
    assert result.count("age", "46-55") == 0
    assert result.count("age", "56-60") == 1
    assert result.count("age", "61") == 1  # 61 and a day
    assert result.count("education", Education.SENIOR) == 1
    assert result.count("education", Education.BACHELOR) == 1
    assert result.count("education", "") == 4
    assert result.count("standing", Standing.FULL) == 4
    assert result.count("standing", Standing.PROBATIONARY) == 1
    assert result.count("standing", Standing.ACTIVIST) == 1
    assert result.count("categories", "is_veteran") == 1
    assert result.count("categories", "is_mobile") == 1
    assert result.count("categories", "is_wealth_expert") == 1
    assert result.count("categories", "is_returned_graduate") == 1
    assert result.count("categories", "is_enterprise_head") == 0
    # Every band of every dimension adds up to the total.
    for dimension in ("gender", "ethnicity", "age", "education", "standing"):
        assert sum(row.count for row in getattr(result, dimension)) == 6, dimension
    assert [row.key for row in result.education][:2] == [Education.PRIMARY, Education.JUNIOR]


def test_composition_of_nobody_is_all_zero(party):
    result = composition(Member.objects.none(), TODAY)
    assert result.total == 0
    assert all(row.count == 0 and row.percent == 0 for row in result.gender)


def test_age_bands_follow_birthdays_and_do_not_overlap(party):
    today = datetime.date(2028, 2, 29)
    member = party.member
    births = [datetime.date(1990, 3, 10), datetime.date(1992, 2, 29), datetime.date(1993, 2, 28)]
    births += [datetime.date(1993, 3, 1), datetime.date(1967, 2, 28), datetime.date(1967, 3, 1)]
    births += [datetime.date(1984, 2, 29), datetime.date(1972, 2, 28), datetime.date(1972, 3, 1)]
    for birth in births:
        Member.objects.filter(pk=member.pk).update(birth_date=birth)
        age = Member.objects.get(pk=member.pk).age(today)
        matches = [
            key
            for key, _label, low, high in AGE_BANDS
            if Member.objects.filter(age_band_condition(low, high, today), pk=member.pk).exists()
        ]
        expected = [key for key, _label, low, high in AGE_BANDS if low <= age <= high]
        assert matches == expected, (birth, age)


# --- Archive checklist (R8) ---------------------------------------------------------------------------


def test_the_checklist_of_a_village_branch(party):
    branch = party.branch
    archives = completeness(Member.objects.filter(branch=branch), branch)
    items = {
        i.key: i
        for i in archive_checklist(
            branch,
            current_posts=[],
            term=None,
            reserve_count=0,
            archives=archives,
            former_name_count=0,
            today=TODAY,
        )
    }
    assert set(items) == {"secretary", "term", "reserve", "founded", "members"}
    assert not any(item.ok for item in items.values())

    branch.founded_on = datetime.date(2000, 7, 1)
    post = make_post(branch, party.member)
    current, _past = leadership([post], branch.subtree_ids())
    term = Term.objects.create(branch=branch, number=1, started_on=datetime.date(2023, 1, 1))
    ReserveCadre.objects.create(
        branch=branch, person=party.member, since=TODAY, status=ReserveStatus.TRAINING
    )
    items = {
        i.key: i
        for i in archive_checklist(
            branch,
            current_posts=current,
            term=term,
            reserve_count=1,
            archives=archives,
            former_name_count=0,
            today=TODAY,
        )
    }
    assert items["secretary"].ok and items["term"].ok and items["reserve"].ok and items["founded"].ok
    assert not items["members"].ok  # 张三's archive lacks phone, address, entries…

    Member.objects.filter(pk=party.member.pk).update(status=Status.TRANSFERRED_OUT)
    post.refresh_from_db()
    current, _past = leadership([post], branch.subtree_ids())
    items = archive_checklist(
        branch,
        current_posts=current,
        term=term,
        reserve_count=1,
        archives=archives,
        former_name_count=0,
        today=datetime.date(2029, 1, 1),
    )
    by_key = {i.key: i for i in items}
    assert not by_key["secretary"].ok
    assert not by_key["term"].ok  # expired on 2028-01-01


def test_the_checklist_of_a_community_general_branch_asks_for_the_renaming(party):
    archives = completeness(Member.objects.none(), party.general)
    items = archive_checklist(
        party.general,
        current_posts=[],
        term=None,
        reserve_count=0,
        archives=archives,
        former_name_count=1,
        today=TODAY,
    )
    keys = {i.key: i.ok for i in items}
    assert "reserve" not in keys
    assert keys["renaming"] is True
    assert keys["members"] is True  # nobody to complete


def test_completeness_counts_a_complete_archive(party, world):
    member = party.member
    Member.objects.filter(pk=member.pk).update(
        phone="13800000000",
        address="张庄村1号",
        education=Education.SENIOR,
        occupation="农民",
        admitted_on=datetime.date(2005, 7, 1),
    )
    year = timezone.localdate().year
    for kind in ("meeting", "study", "attendance"):
        ArchiveEntry.objects.create(member=member, kind=kind, on=datetime.date(year, 1, 2), content="记录")
    make_member(party.branch, "王五")
    result = completeness(Member.objects.filter(branch__in=party.general.subtree_ids()), party.general)
    assert (result.total, result.complete) == (3, 1)
    assert [person.name for person, _gaps in result.incomplete] == ["王五", "李四"]
    assert result.percent == 33


def test_it_refuses_a_kind_that_cannot_lead_while_organisations_are_under_it(world, party):
    party.general.kind = BranchKind.VILLAGE
    party.general.village = world.village
    with pytest.raises(ValidationError) as error:
        party.general.full_clean()
    assert "kind" in error.value.message_dict


def test_it_refuses_a_parent_under_the_organisation_itself(world, party):
    lower = Branch.objects.create(
        office=world.office, parent=party.general, kind=BranchKind.COMMUNITY_GENERAL, name="下级总支"
    )
    party.general.parent = lower
    with pytest.raises(ValidationError) as error:
        party.general.full_clean()
    assert "parent" in error.value.message_dict


def test_it_refuses_a_second_branch_for_one_village(world, party):
    second = Branch(
        office=world.office, village=world.village, kind=BranchKind.VILLAGE, name="张庄村第二党支部"
    )
    with pytest.raises(ValidationError) as error:
        second.full_clean()
    assert "village" in error.value.message_dict
