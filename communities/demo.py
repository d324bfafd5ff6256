"""The demo township's organisation tree and accounts, shaped like the 2023 guidance (DOMAIN.md)."""

import datetime

from accounts.choices import Role
from accounts.models import User
from communities.models import Community, County, Office, Township, Village

COUNTY = "清源县"
TOWNSHIP = "青石镇"
DEMO_PASSWORD = "Dangjian@2026"

# (office, community or None, villages). Five offices have set up rural communities (R1).
OFFICES = [
    ("东关办事处", "东关社区", ["东关村", "张庄村", "李楼村", "王屯村", "刘集村", "陈洼村", "赵岗村"]),
    ("西营办事处", "西营社区", ["西营村", "孙庄村", "周楼村", "吴寨村", "郑湾村", "冯庄村"]),
    (
        "南湖办事处",
        "南湖社区",
        ["南湖村", "杨桥村", "黄庄村", "何营村", "高楼村", "罗集村", "梁庄村", "宋岗村"],
    ),
    ("北岭办事处", "北岭社区", ["北岭村", "唐庄村", "韩屯村", "曹楼村", "许寨村", "邓洼村", "萧庄村"]),
    (
        "柳河办事处",
        "柳河社区",
        ["柳河村", "田庄村", "董楼村", "袁集村", "潘湾村", "蒋庄村", "蔡营村", "余岗村", "杜庄村"],
    ),
    ("杨庄办事处", None, ["杨庄村", "叶楼村", "程寨村", "魏庄村", "吕屯村", "苏集村"]),
    ("马集办事处", None, ["马集村", "丁庄村", "沈楼村", "任营村", "姚湾村", "卢庄村", "姜寨村"]),
]
OFFICE_SECRETARIES = ["王建国", "李志强", "张秀英", "刘德明", "陈光辉", "杨卫东", "赵国庆"]
VILLAGE_SECRETARIES = ["张建军", "李红梅", "王永福", "刘长顺", "陈金生", "赵玉兰", "孙宝山"]


def build(stdout=None) -> Township:
    """Create (or complete) the demo township; running it again changes nothing."""
    county, _ = County.objects.get_or_create(name=COUNTY)
    township, _ = Township.objects.get_or_create(county=county, name=TOWNSHIP)
    first_office_villages = []
    for order, (office_name, community_name, village_names) in enumerate(OFFICES, start=1):
        office, _ = Office.objects.get_or_create(
            township=township,
            name=office_name,
            defaults={
                "sort_order": order,
                "address": f"{TOWNSHIP}{office_name}院内",
                "phone": f"0558-66{order:02d}1234",
            },
        )
        if community_name:
            Community.objects.get_or_create(
                office=office,
                defaults={
                    "name": community_name,
                    "founded_on": datetime.date(2023, 6, 28),
                    "address": f"{office_name}社区服务中心",
                },
            )
        for v_order, village_name in enumerate(village_names, start=1):
            village, _ = Village.objects.get_or_create(
                office=office,
                name=village_name,
                defaults={
                    "sort_order": v_order,
                    "households": 280 + 37 * v_order,
                    "population": 950 + 121 * v_order,
                },
            )
            if order == 1:
                first_office_villages.append(village)
        _user(f"office{order}", OFFICE_SECRETARIES[order - 1], Role.OFFICE_SECRETARY, office=office)
    _user("township", "刘建华", Role.TOWNSHIP_STAFF, township=township)
    _user("county", "周文斌", Role.COUNTY_VIEWER, county=county)
    for index, village in enumerate(first_office_villages, start=1):
        _user(f"village{index}", VILLAGE_SECRETARIES[index - 1], Role.VILLAGE_SECRETARY, village=village)
    return township


def _user(username: str, display_name: str, role: str, **units) -> User:
    user = User.objects.filter(username=username).first()
    if user is None:
        # Demo accounts share a published password and keep it: no first-login password change.
        user = User(
            username=username, display_name=display_name, role=role, must_change_password=False, **units
        )
        user.set_password(DEMO_PASSWORD)
        user.save()
    return user


def reset() -> None:
    """Remove the demo township and its accounts (history rows stay, as history should)."""
    township = Township.objects.filter(county__name=COUNTY, name=TOWNSHIP).first()
    # The demo's audit entries go with its accounts (they protect them); nowhere else is one deleted but
    # by the retention purge.
    from audit.models import AuditEntry

    AuditEntry.objects.filter(user__county__name=COUNTY)._purge()
    if township is not None:
        AuditEntry.objects.filter(township=township)._purge()
    User.objects.filter(county__name=COUNTY).delete()
    if township is None:
        return
    Community.objects.filter(office__township=township).delete()
    Village.objects.filter(office__township=township).delete()
    Office.objects.filter(township=township).delete()
    township.delete()
