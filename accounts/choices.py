from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    TOWNSHIP_STAFF = "township_staff", _("township party-building office")
    OFFICE_SECRETARY = "office_secretary", _("sub-district office secretary")
    VILLAGE_SECRETARY = "village_secretary", _("village branch secretary")
    COUNTY_VIEWER = "county_viewer", _("county organisation department")


# The organisational unit each role's scope is defined by.
ROLE_LEVEL = {
    Role.COUNTY_VIEWER: "county",
    Role.TOWNSHIP_STAFF: "township",
    Role.OFFICE_SECRETARY: "office",
    Role.VILLAGE_SECRETARY: "village",
}
