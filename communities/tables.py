import django_tables2 as tables
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from communities.models import Office, Township, Village


class TownshipTable(tables.Table):
    name = tables.Column(linkify=True)
    county = tables.Column()
    office_count = tables.Column(verbose_name=pgettext_lazy("number of", "offices"))
    community_count = tables.Column(verbose_name=pgettext_lazy("number of", "communities"))
    village_count = tables.Column(verbose_name=pgettext_lazy("number of", "villages"))

    class Meta:
        model = Township
        fields = ["name", "county", "office_count", "community_count", "village_count"]


class OfficeTable(tables.Table):
    name = tables.Column(linkify=True)
    township = tables.Column()
    community = tables.Column(verbose_name=_("rural community"), default="—", accessor="community__name")
    village_count = tables.Column(verbose_name=pgettext_lazy("number of", "villages"))
    user_count = tables.Column(verbose_name=pgettext_lazy("number of", "users"))

    class Meta:
        model = Office
        fields = ["name", "township", "community", "village_count", "user_count", "phone"]


class VillageTable(tables.Table):
    name = tables.Column(linkify=True)
    office = tables.Column(linkify=True)
    township = tables.Column(verbose_name=_("township"), accessor="office__township")
    community = tables.Column(
        verbose_name=_("rural community"), default="—", accessor="office__community__name"
    )

    class Meta:
        model = Village
        fields = ["name", "office", "township", "community", "households", "population"]
