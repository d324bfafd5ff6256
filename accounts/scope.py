"""The one scope mechanism: every queryset a view, form or export touches goes through `for_user`.

Each scoped model names, in `scope_paths`, the lookup from itself to the unit that each role's scope is
defined by (county, township, office, village). `None` means users of that level never see the model.
"""

from dataclasses import dataclass, field
from typing import Literal

from django.db import models

from accounts.choices import ROLE_LEVEL, Role

Action = Literal["view", "change"]

EDITING_ROLES = frozenset({Role.TOWNSHIP_STAFF, Role.OFFICE_SECRETARY, Role.VILLAGE_SECRETARY})


@dataclass(frozen=True)
class ScopePaths:
    county: str | None
    township: str | None
    office: str | None = None
    village: str | None = None
    # Roles that may change what they can view. County viewers only ever read.
    change_roles: frozenset[str] = field(default=EDITING_ROLES)

    def through(self, relation: str, change_roles: frozenset[str] | None = None) -> "ScopePaths":
        """The paths of a record that belongs to a scoped record through `relation` (e.g. a branch's
        posts: `Branch.scope_paths.through("branch")`); its own change roles if given."""

        def prefixed(path: str | None) -> str | None:
            return None if path is None else (relation if path == "pk" else f"{relation}__{path}")

        return ScopePaths(
            county=prefixed(self.county),
            township=prefixed(self.township),
            office=prefixed(self.office),
            village=prefixed(self.village),
            change_roles=self.change_roles if change_roles is None else change_roles,
        )


class ScopedQuerySet(models.QuerySet):
    def for_user(self, user, action: Action = "view") -> "ScopedQuerySet":
        """The rows `user` may see (`view`) or edit (`change`); anything else does not exist for him."""
        if action not in ("view", "change"):
            raise ValueError(f"unknown action {action!r}")
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        if user.is_superuser:
            return self.all()
        paths: ScopePaths = self.model.scope_paths
        if user.role not in ROLE_LEVEL:
            return self.none()
        if action == "change" and user.role not in paths.change_roles:
            return self.none()
        level = ROLE_LEVEL[user.role]
        lookup = getattr(paths, level)
        unit_id = getattr(user, f"{level}_id")
        if lookup is None or unit_id is None:
            return self.none()
        return self.filter(**{lookup: unit_id})


ScopedManager = models.Manager.from_queryset(ScopedQuerySet)


def can_change(user, obj: models.Model) -> bool:
    return type(obj).objects.for_user(user, "change").filter(pk=obj.pk).exists()


def can_create(user, model: type[models.Model]) -> bool:
    """Whether `user` may add rows of `model` somewhere in his scope; the row is re-checked on save."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return user.is_superuser or user.role in model.scope_paths.change_roles


def scope_choices(field, user) -> bool:
    """Limit a form field's related-record choices to what `user` may view; True if it has such choices."""
    queryset = getattr(field, "queryset", None)
    if queryset is None or not hasattr(queryset, "for_user"):
        return False
    field.queryset = queryset.for_user(user, "view")
    return True
