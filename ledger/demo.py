"""The demo township's duty logs (值班日志) and monthly ledgers (月清月结, R5).

Duty logs: on most past duty days of the duty posts' months (duty_roster/demo.py), the secretary on duty
recorded who came and what for; matters that need follow-up became ledger items in one click
(ledger.services.item_from_duty_log), the rest were settled on the spot.

Ledgers: every office, the last six months up to today. Each month receives residents' requests, township
tasks, meeting resolutions (of its general branch's meetings, meetings/demo.py) and other matters besides
the duty log's; most are done within the month, some a month or two later, and the office secretary closes
each past month a day or two after its end, carrying what is unsettled. The current month stays open.
Some matters stay stuck: carried three times or more, they stand out on the township's view.
- 东关: a village road waiting for the county's approval, carried every month since the first;
- 南湖: a homestead boundary dispute settled after being carried three times;
- 柳河: an old water main carried three times, still open;
- 马集: a drainage ditch dredged after three carries;
- 西营: last month reopened by the township (a township task done but never entered), entered, closed again.

The months are counted back from today; everything else is deterministic (one seeded generator).
"""

import datetime
import random
from dataclasses import dataclass

from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from accounts.choices import Role
from accounts.models import User
from branches.choices import GENERAL_KINDS, PostKind
from branches.models import Post
from communities.models import Office, Township
from duty_roster.demo import moment, month_back
from duty_roster.models import DutyDay, DutyLogEntry, DutyPost
from ledger import services
from ledger.choices import ItemSource, ItemStatus, LedgerAction
from ledger.models import LedgerEvent, LedgerItem, LedgerMonth
from meetings.choices import MeetingKind
from meetings.models import Meeting
from members.demo import FEMALE_GIVEN, MALE_GIVEN, SURNAMES

SEED = 2025
MONTHS = 6  # the five months gone by and the current one

# A duty-log matter: what the visitor came for, what the secretary did, and, when it needs follow-up,
# how it was settled in the ledger.
DUTY_MATTERS = [
    ("咨询城乡居民医保缴费", "讲解缴费标准和缴费渠道，当场协助用手机完成缴费", ""),
    (
        "反映村组道路积水，雨天出行困难",
        "登记积水位置，联系村里安排人员查看",
        "疏通排水沟、铺设涵管，积水已排除",
    ),
    ("办理党组织关系转接证明", "核对党员信息，出具党组织关系介绍信", ""),
    (
        "邻里宅基地边界纠纷，请求调解",
        "初步了解情况，约双方到社区调解",
        "村调解委员会现场丈量，双方签订调解协议",
    ),
    ("咨询养老保险待遇资格认证", "指导通过手机APP完成认证", ""),
    ("反映路灯损坏，夜间出行不便", "记录损坏位置，报供电所维修", "供电所更换灯泡，已恢复照明"),
    ("咨询耕地地力保护补贴发放情况", "查询补贴发放明细，告知到账时间", ""),
    ("反映垃圾清运不及时", "联系保洁公司督促清运", "协调保洁公司增加清运频次，已清运完毕"),
    ("流动党员返乡报到", "登记联系方式，告知支部近期活动安排", ""),
    ("咨询入党申请程序", "讲解入党程序，提供入党申请书格式", ""),
    ("反映自来水水压低，用水困难", "登记情况，报水厂查看", "水厂更换减压阀，水压恢复正常"),
    ("申请残疾人两项补贴", "指导准备材料，登记申请", "材料已报县残联，审核通过"),
    ("反映邻居占用公共通道堆放杂物", "登记诉求，通知村里上门劝导", "村干部上门劝导，杂物已清理"),
    ("申请开具居住证明", "核实情况后出具证明", ""),
    ("对低保评定结果有疑问", "讲解低保评定条件和程序，登记诉求", "民政所复核后答复，当事人表示理解"),
    ("咨询宅基地建房审批手续", "讲解审批流程和所需材料", ""),
    ("反映养殖场异味扰民", "登记情况，联系村里和养殖户沟通", "养殖户清理粪污，加装除臭设施"),
    ("反映农田灌溉机井损坏", "登记机井位置，报水利站", "水利站更换水泵，机井恢复使用"),
    ("咨询退役军人优待证办理", "讲解办理条件，协助线上申请", ""),
    ("反映独居老人无人照料", "登记老人情况，安排网格员上门查看", "安排党员结对联系，每周上门探望"),
    ("咨询新农合报销比例", "讲解住院和门诊报销政策", ""),
    ("反映村内排水沟堵塞", "登记位置，通知保洁员清理", "组织人员清淤，排水通畅"),
]
FOLLOW_UPS = [matter for matter in DUTY_MATTERS if matter[2]]
ON_THE_SPOT = [matter for matter in DUTY_MATTERS if not matter[2]]
FOLLOW_UP_SHARE = 0.15
# (content, result) of the other sources; {village} and {month} filled in.
PETITIONS = [
    ("{village}群众反映生产路坑洼不平，农用车通行困难", "组织机械平整生产路，铺垫碎石"),
    ("{village}群众反映村内坑塘无护栏，存在安全隐患", "设置警示牌，加装防护栏"),
    ("{village}群众反映文化广场健身器材损坏", "联系厂家维修，更换损坏器材"),
    ("{village}群众反映村卫生室常用药品不全", "协调镇卫生院定期配送常用药品"),
    ("{village}群众反映夜间大货车超速行驶", "联系交警中队设置减速带和警示牌"),
    ("{village}群众反映有线电视和宽带信号差", "联系广电和通信公司检修线路"),
    ("{village}群众反映雨污管网堵塞外溢", "组织疏通管网，更换破损井盖"),
    ("{village}群众反映小麦种子出苗率低", "联系农技站现场查看，协助与经销商协商赔偿"),
]
TOWNSHIP_TASKS = [
    ("完成{month}月党费收缴并报镇党委", "各支部党费已收缴，报表已报镇党委组织委员"),
    ("报送{month}月“三会一课”落实情况", "已汇总各支部会议记录并报送镇党建办"),
    ("开展森林防火和秸秆禁烧巡查", "各村落实网格巡查，未发生火情"),
    ("完成流动党员信息核查更新", "已逐人电话核实，信息更新完毕"),
    ("开展防范电信网络诈骗入户宣传", "各村党员入户宣传，发放宣传资料"),
    ("排查独居老人和农村危房安全隐患", "排查完毕，隐患已登记并落实整改"),
    ("完成退役军人信息采集", "已采集录入并报镇退役军人服务站"),
    ("上报农村社区党组织建设工作进展", "已报镇党建办"),
]
OTHER_MATTERS = [
    ("整理村书记值班岗签到和值班日志台账", "已整理归档"),
    ("更新党务公开栏", "已更新本月党务公开内容"),
    ("检查服务中心消防器材", "已更换过期灭火器2具"),
]
PROGRESS = ["已联系相关部门，正在办理", "已现场查看，正在协调", "已安排专人跟进"]

# office index → (first month index of MONTHS, months until done or None, source, content, progress, result)
STUCK = {
    0: (0, None, ItemSource.PETITION, "张庄村至李楼村道路破损严重，群众要求修复（需县交通局立项）",
        "已报县交通局，列入明年农村公路改造计划待批复", ""),
    2: (1, 3, ItemSource.PETITION, "黄庄村两户因宅基地边界多次发生争执，请求调解",
        "已组织两次调解，双方分歧较大", "镇司法所、村调解委员会联合调解，双方签订调解协议"),
    4: (2, None, ItemSource.PETITION, "柳河村自来水管网老化，经常爆管停水，群众要求改造",
        "已报镇水利站，等待县水务局改造资金", ""),
    6: (0, 3, ItemSource.TOWNSHIP_TASK, "丁庄村排涝沟淤积严重，汛前完成清淤",
        "已联系挖掘机，因连续降雨推迟施工", "排涝沟清淤1.2公里，已验收"),
}  # fmt: skip
REOPENED_OFFICE = 1  # 西营
REOPEN_REASON = (
    "镇党建办检查发现，{month}月镇党委交办的“流动党员信息核查”任务已完成但未登记台账，退回补录后重新月结。"
)
# How many months after its month an ordinary item is done (0: in its month).
FATES = [0] * 18 + [1] * 5 + [2] * 2


@dataclass
class Plan:
    """An item as the story has it: when it came in, when it is done (months after), how it ended."""

    created: datetime.date
    fate: int | None
    result: str
    progress: str


class LedgerDemo:
    """One run of the builder: the township, today, its months, offices, posts and accounts."""

    def __init__(self, township: Township):
        self.township = township
        self.today = timezone.localdate()
        self.rng = random.Random(SEED)
        self.months = [
            datetime.date(*month_back(self.today.year, self.today.month, back), 1)
            for back in range(MONTHS - 1, -1, -1)
        ]
        self.offices = list(township.offices.select_related("community").order_by("sort_order", "name"))
        self.posts = {post.office_id: post for post in DutyPost.objects.filter(office__township=township)}
        self.secretaries: dict[int, User] = {}
        for user in User.objects.filter(role=Role.OFFICE_SECRETARY, office__township=township).order_by("pk"):
            self.secretaries.setdefault(user.office_id, user)
        self.township_user = (
            User.objects.filter(role=Role.TOWNSHIP_STAFF, township=township).order_by("pk").first()
        )
        self.village_users = {
            user.village_id: user
            for user in User.objects.filter(role=Role.VILLAGE_SECRETARY, village__office__township=township)
        }
        self.deputies = {
            post.branch.office_id: post.person.name
            for post in Post.objects.filter(
                branch__office__township=township,
                branch__kind__in=GENERAL_KINDS,
                kind=PostKind.DEPUTY_SECRETARY,
                ended_on__isnull=True,
            ).select_related("branch", "person")
        }
        self.plans: dict[int, Plan] = {}  # item pk → its plan
        self.created: dict[int, datetime.datetime] = {}  # item pk → when it was entered

    def name(self, surname: str | None = None) -> str:
        female = self.rng.random() < 0.4
        given = self.rng.choice(FEMALE_GIVEN if female else MALE_GIVEN)
        return (surname or self.rng.choice(SURNAMES)) + given

    def last_day(self, month: datetime.date) -> datetime.date:
        """The month's last day gone by (yesterday, in the current month)."""
        return min(services.month_end(month), self.today - datetime.timedelta(days=1))

    def day_in(self, month: datetime.date, after: datetime.date | None = None) -> datetime.date:
        first = max(month, after or month)
        last = max(first, self.last_day(month))
        return first + datetime.timedelta(days=self.rng.randint(0, (last - first).days))

    # --- the duty log -----------------------------------------------------------------------------------

    def duty_log(self, post: DutyPost, month: datetime.date) -> list[DutyLogEntry]:
        """Visitors on most duty days of the month gone by; the entries needing follow-up come first."""
        days = DutyDay.objects.filter(
            post=post, day__gte=month, day__lte=self.last_day(month), person__isnull=False
        ).select_related("person__branch__village")
        concentrated = DutyDay.objects.filter(
            post=post, day__gte=month, day__lte=self.last_day(month), person__isnull=True
        )
        secretary = self.secretaries.get(post.office_id)
        entries = []
        for duty in [*days, *concentrated]:
            village = duty.person.branch.village if duty.person and duty.person.branch.village_id else None
            recorder = (self.village_users.get(village.pk) if village else None) or secretary
            for _ in range(self.rng.choice([0, 0, 1, 1, 1, 2, 2])):
                place = village or self.rng.choice(list(post.office.villages.all()))
                surname = place.name[0] if place.name[0] in SURNAMES and self.rng.random() < 0.4 else None
                # Most matters are settled on the spot; about one in seven needs follow-up.
                follow_up = self.rng.random() < FOLLOW_UP_SHARE
                purpose, handling, result = self.rng.choice(FOLLOW_UPS if follow_up else ON_THE_SPOT)
                entries.append(
                    DutyLogEntry(
                        post=post,
                        on=duty.day,
                        visitor=f"{self.name(surname)}（{place.name}村民）",
                        purpose=purpose,
                        handling=handling,
                        needs_follow_up=bool(result),
                        recorded_by=recorder,
                    )
                )
        bulk_create_with_history(entries, DutyLogEntry, batch_size=500)
        # Recorded as the visitors came (the clock stamped them now).
        for entry in entries:
            entry.recorded_at = moment(entry.on, self.rng.randint(8 * 60 + 40, 16 * 60 + 50))
        DutyLogEntry.objects.bulk_update(entries, ["recorded_at"], batch_size=500)
        return entries

    def convert(self, entries: list[DutyLogEntry]) -> None:
        """The matters that need follow-up become ledger items, as the one-click button does it."""
        results = {purpose: result for purpose, _handling, result in DUTY_MATTERS}
        items = []
        for entry in entries:
            if not entry.needs_follow_up:
                continue
            user = entry.recorded_by or self.secretaries.get(entry.post.office_id)
            item = services.item_from_duty_log(entry, user, today=entry.on)
            if item.owner == user.username:
                # On a concentrated-office day nobody in particular is on duty: the service names the
                # user by his username; the ledger shows people by name.
                item.owner = str(user)
            item.due_on = entry.on + datetime.timedelta(days=self.rng.randint(5, 15))
            items.append(item)
            plan = Plan(entry.on, self.rng.choice(FATES), results[entry.purpose], self.rng.choice(PROGRESS))
            self.plans[item.pk] = plan
            self.created[item.pk] = moment(entry.on, 11 * 60)
        LedgerItem.objects.bulk_update(items, ["owner", "due_on"])

    # --- the other items --------------------------------------------------------------------------------

    def new_items(self, office: Office, ledger: LedgerMonth) -> None:
        month = ledger.month
        villages = list(office.villages.order_by("sort_order"))
        secretary = self.secretaries.get(office.pk)
        boss = secretary.display_name if secretary else ""
        deputy = self.deputies.get(office.pk, boss)
        village_secretaries = {
            post.branch.village_id: post.person.name
            for post in Post.objects.filter(
                branch__office=office,
                kind=PostKind.SECRETARY,
                ended_on__isnull=True,
                branch__village__isnull=False,
            ).select_related("branch", "person")
        }
        rows: list[tuple[LedgerItem, Plan]] = []

        def add(source: str, content: str, owner: str, result: str, meeting=None, fate=None) -> None:
            created = self.day_in(month)
            item = LedgerItem(
                ledger=ledger,
                source=source,
                content=content[:300],
                owner=owner[:30],
                due_on=min(
                    created + datetime.timedelta(days=self.rng.randint(7, 20)), services.month_end(month)
                ),
                meeting=meeting,
                created_by=secretary,
            )
            fate = self.rng.choice(FATES) if fate is None else fate
            rows.append((item, Plan(created, fate, result, self.rng.choice(PROGRESS))))

        for _ in range(self.rng.randint(2, 4)):
            village = self.rng.choice(villages)
            content, result = self.rng.choice(PETITIONS)
            add(
                ItemSource.PETITION,
                content.format(village=village.name),
                village_secretaries.get(village.pk, deputy),
                result,
            )
        for content, result in self.rng.sample(TOWNSHIP_TASKS, self.rng.randint(2, 3)):
            add(
                ItemSource.TOWNSHIP_TASK,
                content.format(month=month.month),
                self.rng.choice([boss, deputy]),
                result,
            )
        meetings = Meeting.objects.filter(
            branch__office=office,
            branch__kind__in=GENERAL_KINDS,
            kind__in=[MeetingKind.COMMUNITY_MEETING, MeetingKind.COMMITTEE],
            on__gte=month,
            on__lte=self.last_day(month),
        ).order_by("on", "pk")
        for meeting in meetings[:2]:
            clause = meeting.resolutions.split("；")[0].removeprefix("1. ").rstrip("。")
            if clause:
                content = f"落实{meeting.on.month}月{meeting.on.day}日会议决定：{clause}"
                add(ItemSource.MEETING, content, deputy, "已落实，各村上报完成情况", meeting=meeting)
        if self.rng.random() < 0.5:
            content, result = self.rng.choice(OTHER_MATTERS)
            add(ItemSource.OTHER, content, deputy, result)
        index = self.offices.index(office)
        stuck = STUCK.get(index)
        if stuck and self.months.index(month) == stuck[0]:
            _first, fate, source, content, progress, result = stuck
            add(source, content, boss, result, fate=fate if fate is not None else MONTHS)
            rows[-1][1].progress = progress
        rows.sort(key=lambda row: row[1].created)
        items = [item for item, _plan in rows]
        bulk_create_with_history(items, LedgerItem, default_user=secretary)
        for item, plan in rows:
            self.plans[item.pk] = plan
            self.created[item.pk] = moment(plan.created, 10 * 60)

    # --- settling and closing ---------------------------------------------------------------------------

    def settle(self, ledger: LedgerMonth) -> None:
        """Each unsettled item of the month: done if its time has come, else in progress or still open."""
        changed = []
        for item in ledger.items.filter(
            status__in=[ItemStatus.OPEN, ItemStatus.IN_PROGRESS], carried_to__isnull=True
        ):
            plan = self.plans.get(item.pk)
            if plan is None:
                continue
            if plan.fate is not None and plan.fate <= 0:
                done_on = self.day_in(ledger.month, after=plan.created)
                if done_on < self.today:
                    item.status, item.result, item.done_on = ItemStatus.DONE, plan.result[:300], done_on
                    changed.append(item)
                    continue
            if plan.progress and (item.carried_times or self.rng.random() < 0.5):
                item.status, item.result = ItemStatus.IN_PROGRESS, plan.progress
                changed.append(item)
        LedgerItem.objects.bulk_update(changed, ["status", "result", "done_on"])

    def close(self, ledger: LedgerMonth, user: User | None, on: datetime.date, hour: int = 17) -> None:
        """The office closes the month (月结) on `on`; what is carried keeps its plan, a month nearer."""
        services.close_month(ledger, user, today=on)
        at = moment(on, hour * 60 + self.rng.randint(0, 50))
        LedgerMonth.objects.filter(pk=ledger.pk).update(closed_at=at)
        event = LedgerEvent.objects.filter(ledger=ledger, action=LedgerAction.CLOSE).order_by("-pk").first()
        LedgerEvent.objects.filter(pk=event.pk).update(at=at)
        carried = LedgerItem.objects.filter(carried_from__ledger=ledger).values_list("pk", "carried_from_id")
        for pk, origin in carried:
            plan = self.plans.get(origin)
            if plan is not None and pk not in self.plans:
                fate = None if plan.fate is None else plan.fate - 1
                self.plans[pk] = Plan(services.next_month(ledger.month), fate, plan.result, plan.progress)
        LedgerItem.objects.filter(carried_from__ledger=ledger).update(created_at=at)

    def close_day(self, month: datetime.date) -> datetime.date:
        return min(services.month_end(month) + datetime.timedelta(days=self.rng.randint(1, 2)), self.today)

    def build_office(self, office: Office) -> None:
        post = self.posts.get(office.pk)
        secretary = self.secretaries.get(office.pk)
        for month in self.months:
            ledger = services.ledger_for(office, month)
            if post is not None and month >= post.starts_on.replace(day=1):
                self.convert(self.duty_log(post, month))
            self.new_items(office, ledger)
            self.settle(ledger)
            if month < self.months[-1]:
                self.close(ledger, secretary, self.close_day(month))

    def reopen(self) -> None:
        """The township reopens an office's last month: a task done but never entered; entered, closed."""
        if len(self.offices) <= REOPENED_OFFICE or len(self.months) < 2:
            return
        office = self.offices[REOPENED_OFFICE]
        month = self.months[-2]
        ledger = LedgerMonth.objects.get(office=office, month=month)
        secretary = self.secretaries.get(office.pk)
        closed = ledger.closed_at.date()
        reopened_on = min(closed + datetime.timedelta(days=2), self.today)
        services.reopen_month(ledger, self.township_user, REOPEN_REASON.format(month=month.month))
        event = LedgerEvent.objects.filter(ledger=ledger, action=LedgerAction.REOPEN).order_by("-pk").first()
        LedgerEvent.objects.filter(pk=event.pk).update(at=moment(reopened_on, 9 * 60 + 40))
        ledger.refresh_from_db()
        done_on = self.day_in(month)
        item = services.add_item(
            ledger,
            secretary,
            source=ItemSource.TOWNSHIP_TASK,
            content="完成流动党员信息核查更新",
            owner=self.deputies.get(office.pk, secretary.display_name if secretary else ""),
            due_on=min(done_on + datetime.timedelta(days=5), services.month_end(month)),
            status=ItemStatus.DONE,
            result="已逐人电话核实，信息更新完毕，核查表已报镇党建办",
            done_on=done_on,
        )
        self.created[item.pk] = moment(reopened_on, 10 * 60)
        self.close(ledger, secretary, reopened_on, hour=15)

    def build(self) -> None:
        for office in self.offices:
            self.build_office(office)
        self.reopen()
        # Entered on their day (the clock stamped them now).
        items = [LedgerItem(pk=pk, created_at=at) for pk, at in self.created.items()]
        LedgerItem.objects.bulk_update(items, ["created_at"], batch_size=500)


def build(township: Township, stdout=None) -> None:
    """Add the duty logs and the monthly ledgers to the demo township; when they are there, change nothing."""
    if LedgerMonth.objects.filter(office__township=township).exists():
        return
    with transaction.atomic():
        LedgerDemo(township).build()
    if stdout is not None:
        months = LedgerMonth.objects.filter(office__township=township)
        items = LedgerItem.objects.filter(ledger__in=months).count()
        entries = DutyLogEntry.objects.filter(post__office__township=township).count()
        stdout.write(
            f"值班日志 {entries} 条，台账 {months.count()} 个月、事项 {items} 件"
            " / duty logs and ledgers ready."
        )


def reset(township: Township) -> None:
    """Remove the demo's ledgers (months, items, closes and reopens) and duty log entries; it runs before
    the duty posts and offices they hang on are removed."""
    months = LedgerMonth.objects.filter(office__township=township)
    items = LedgerItem.objects.filter(ledger__in=months)
    with override_settings(SIMPLE_HISTORY_ENABLED=False):
        DutyLogEntry.objects.filter(post__office__township=township).delete()
        # An item protects the one it was carried from: unlink them, then they all go.
        items.update(carried_from=None)
        items.delete()
        months.delete()
