"""The scope mechanism (accounts.scope) for each role and model, without views."""

import pytest

from accounts.models import User
from communities.models import Community, Office, Township, Village


def names(queryset) -> set[str]:
    return {str(obj) for obj in queryset}


def test_township_staff_see_their_township_only(world):
    user = world.users["township"]
    assert names(Office.objects.for_user(user)) == {"东关办事处", "西营办事处"}
    assert names(Village.objects.for_user(user)) == {"张庄村", "李楼村", "孙庄村"}
    assert names(Township.objects.for_user(user)) == {"甲镇"}


def test_office_secretary_sees_his_office_and_below(world):
    user = world.users["office"]
    assert names(Office.objects.for_user(user)) == {"东关办事处"}
    assert names(Village.objects.for_user(user)) == {"张庄村", "李楼村"}
    assert names(Community.objects.for_user(user)) == {"东关社区"}
    assert not Township.objects.for_user(user).exists()


def test_office_secretary_changes_villages_but_not_the_office_record(world):
    user = world.users["office"]
    assert names(Village.objects.for_user(user, "change")) == {"张庄村", "李楼村"}
    assert not Office.objects.for_user(user, "change").exists()


def test_village_secretary_sees_only_his_village(world):
    user = world.users["village"]
    assert names(Village.objects.for_user(user)) == {"张庄村"}
    assert names(Community.objects.for_user(user)) == {"东关社区"}
    assert not Office.objects.for_user(user).exists()
    assert not Village.objects.for_user(user, "change").exists()


def test_county_viewer_reads_every_township_and_changes_nothing(world):
    user = world.users["county"]
    assert names(Township.objects.for_user(user)) == {"甲镇", "乙镇"}
    assert Village.objects.for_user(user).count() == 4
    for model in (Township, Office, Village, Community, User):
        assert not model.objects.for_user(user, "change").exists()


def test_anonymous_and_disabled_users_see_nothing(world):
    from django.contrib.auth.models import AnonymousUser

    assert not Village.objects.for_user(AnonymousUser()).exists()
    user = world.users["township"]
    user.is_active = False
    user.save()
    assert not Village.objects.for_user(user).exists()


def test_superuser_sees_everything(world):
    admin = User.objects.create_superuser("root", password="x" * 12)
    assert Village.objects.for_user(admin, "change").count() == 4


def test_it_rejects_unknown_actions(world):
    with pytest.raises(ValueError):
        Village.objects.for_user(world.users["township"], "delete")


def test_user_units_are_filled_from_the_smallest_unit(world):
    user = world.users["village"]
    assert user.office == world.office
    assert user.township == world.township
    assert user.county == world.county
    assert not user.is_staff
    assert world.users["township"].is_staff


def test_a_role_without_its_unit_is_invalid(db):
    from django.core.exceptions import ValidationError

    user = User(username="x", role="village_secretary")
    with pytest.raises(ValidationError) as error:
        user.full_clean()
    assert "village" in error.value.message_dict


def test_secretaries_see_the_accounts_of_their_office_or_village(world):
    assert {u.username for u in User.objects.for_user(world.users["office"])} == {
        "office",
        "village",
        "other_village",
    }
    assert {u.username for u in User.objects.for_user(world.users["village"])} == {"village"}
    assert not User.objects.for_user(world.users["office"], "change").exists()


def test_scope_paths_through_a_relation_prefix_every_path_and_keep_or_replace_the_change_roles():
    from accounts.choices import Role
    from accounts.scope import ScopePaths

    parent = ScopePaths(county="township__county", township="township", office="pk", village=None)
    child = parent.through("office")
    assert (child.county, child.township, child.office, child.village) == (
        "office__township__county",
        "office__township",
        "office",
        None,
    )
    assert child.change_roles == parent.change_roles
    assert parent.through("office", change_roles=frozenset({Role.TOWNSHIP_STAFF})).change_roles == {
        Role.TOWNSHIP_STAFF
    }
