"""The demo township's village-secretary duty posts (R6, R7): one per office, offices without a community
included, with the rota of the past three months (published) and the current one, leave that the rotation
skips and gives back, a swap and a cover, and the sign-ins of the days gone by — mostly on time, some
late, some missed, a few entered by hand (补签).

The story, office by office:
- 东关: a secretary away at the county party school in the second month; two secretaries swap days in the
  third month.
- 西营: a secretary caring for a parent in hospital in the third month.
- 南湖: a secretary busy with the harvest has a colleague cover his day in the second month.
- 北岭: the secretary its request leaves out (in hospital, establishment/demo.py) is on sick leave for the
  first six weeks; the rotation gives his turns back after.
- 柳河: a secretary on leave this week (the current month, days to come included).
- 杨庄, 马集: no community (R7), the post is at the office; 马集 has a study trip in the current month.

The months are counted back from today; everything else is deterministic (each day's sign-ins come from
a generator seeded with the post and the date).
"""

import datetime
import random

from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from accounts.choices import Role
from accounts.models import User
from communities.models import Office, Township
from duty_roster import services
from duty_roster.calendar import CalendarUnknown
from duty_roster.choices import ChangeKind, ChangeState, DayKind
from duty_roster.models import DutyChange, DutyDay, DutyMember, DutyMonth, DutyPost, Leave, SignIn

SEED = 2026
MONTHS = 4  # the past three months and the current one

# office index → (member index, (month index, first day), (month index, last day), reason)
LEAVES: dict[int, list[tuple[int, tuple[int, int], tuple[int, int], str]]] = {
    0: [(2, (1, 14), (1, 18), "参加县委党校村党组织书记培训班")],
    1: [(3, (2, 19), (2, 23), "家中老人住院，请假陪护")],
    3: [(-1, (0, 1), (1, 15), "因病住院治疗")],
    4: [(5, (3, 23), (3, 27), "村里冬季农田水利工程开工，现场值守")],
    6: [(1, (3, 2), (3, 6), "参加县农业农村局组织的外出考察学习")],
}
MANUAL_REASONS = [
    "手机没电，无法扫码，到岗后由办事处书记核实补签",
    "签到屏故障，办事处书记现场核实补签",
    "网络信号差扫码失败，现场核实补签",
    "到岗前先到村里处理群众纠纷，返回后核实补签",
]
# How a rotation day ends (on time, late, absent, signed in by hand); the concentrated Monday's shares.
ROTATION_SHARES = (0.78, 0.10, 0.06)
CONCENTRATED_SHARES = (0.86, 0.07, 0.04)


def month_back(year: int, month: int, back: int) -> tuple[int, int]:
    index = year * 12 + month - 1 - back
    return index // 12, index % 12 + 1


def moment(day: datetime.date, minutes: int, seconds: int = 0) -> datetime.datetime:
    """`day` at `minutes` past midnight, in the township's time zone."""
    at = datetime.datetime.combine(day, datetime.time(minutes // 60, minutes % 60, seconds))
    return timezone.make_aware(at)


class DutyDemo:
    """One run of the builder: the township, today, its months and its office secretaries."""

    def __init__(self, township: Township, stdout=None):
        self.township = township
        self.stdout = stdout
        self.now = timezone.localtime()
        self.today = self.now.date()
        self.months = [
            month_back(self.today.year, self.today.month, back) for back in range(MONTHS - 1, -1, -1)
        ]
        self.starts_on = datetime.date(*self.months[0], 1)
        self.offices = list(township.offices.select_related("community").order_by("sort_order", "name"))
        self.secretaries: dict[int, User] = {}
        for user in User.objects.filter(role=Role.OFFICE_SECRETARY, office__township=township).order_by("pk"):
            self.secretaries.setdefault(user.office_id, user)
        # Village secretaries with an account sign in as themselves (the QR code); by their village.
        self.village_users = {
            user.village_id: user
            for user in User.objects.filter(role=Role.VILLAGE_SECRETARY, village__office__township=township)
        }

    def day(self, month_index: int, day: int) -> datetime.date:
        return datetime.date(*self.months[month_index], day)

    # --- the post, its members and leave ----------------------------------------------------------------

    def make_post(self, index: int, office: Office) -> DutyPost | None:
        community = getattr(office, "community", None)
        if community is not None:
            post = DutyPost.objects.create(
                office=office,
                name=f"{community.name}书记值班岗",
                place=f"{community.name}服务中心",
                starts_on=self.starts_on,
            )
        else:  # R7: the office runs the rotation itself
            post = DutyPost.objects.create(
                office=office, name=f"{office.name}书记值班岗", place=office.name, starts_on=self.starts_on
            )
        services.sync_members(post)
        members = self.members(post)
        for member_index, (first_month, first), (last_month, last), reason in LEAVES.get(index, []):
            if not members or first_month >= MONTHS or last_month >= MONTHS:
                continue
            Leave.objects.create(
                post=post,
                person_id=members[member_index],
                starts_on=self.day(first_month, first),
                ends_on=self.day(last_month, last),
                reason=reason,
            )
        return post

    @staticmethod
    def members(post: DutyPost) -> list[int]:
        return list(
            DutyMember.objects.filter(post=post, active=True)
            .order_by("order", "pk")
            .values_list("person_id", flat=True)
        )

    # --- the months ------------------------------------------------------------------------------------

    def generate(self, post: DutyPost) -> None:
        """Each month through the services; the months gone by are published, dated before they began."""
        secretary = self.secretaries.get(post.office_id)
        for year, month in self.months:
            try:
                rota = services.generate_month(post, year, month, today=self.today)
            except CalendarUnknown:
                # A year nobody has entered the holidays of: the demo stops at its edge rather than guess.
                if self.stdout is not None:
                    self.stdout.write(
                        f"{year} 年节假日未知，值班表生成到此为止 / holidays of {year} unknown."
                    )
                return
            first = datetime.date(year, month, 1)
            fields = {"generated_at": moment(first - datetime.timedelta(days=6), 9 * 60 + 30)}
            if (year, month) != self.months[-1]:
                services.publish_month(rota, secretary)
                fields["published_at"] = moment(first - datetime.timedelta(days=5), 10 * 60)
            DutyMonth.objects.filter(pk=rota.pk).update(**fields)

    # --- swaps and covers ------------------------------------------------------------------------------

    def rotation_days(self, post: DutyPost, month_index: int, from_day: int) -> list[DutyDay]:
        return list(
            DutyDay.objects.filter(
                post=post,
                kind=DayKind.ROTATION,
                person__isnull=False,
                day__gte=self.day(month_index, from_day),
                day__lt=self.today,
            )
            .select_related("person")
            .order_by("day")
        )

    def record_change(
        self, day: DutyDay, other: DutyDay | None, kind: str, from_person, to_person, reason: str, by
    ) -> None:
        change = DutyChange.objects.create(
            post=day.post,
            day=day,
            other_day=other,
            kind=kind,
            from_person=from_person,
            to_person=to_person,
            reason=reason,
            state=ChangeState.ACCEPTED,
            requested_by=by,
            decided_at=moment(day.day - datetime.timedelta(days=2), 20 * 60 + 15),
        )
        DutyChange.objects.filter(pk=change.pk).update(
            requested_at=moment(day.day - datetime.timedelta(days=3), 19 * 60 + 40)
        )

    def swap(self, post: DutyPost, month_index: int, from_day: int, reason: str) -> None:
        """Two secretaries exchange days: a day and the one three turns later (never next to his own)."""
        days = self.rotation_days(post, month_index, from_day)
        if len(days) < 4 or days[0].person_id == days[3].person_id:
            return
        first, second = days[0], days[3]
        asker, other = first.person, second.person
        first.person, second.person = other, asker
        first.note = f"{asker.name}与{other.name}换班：{reason}"
        second.note = first.note
        for day in (first, second):
            day.manual = True
            day.save()
        by = self.village_users.get(asker.branch.village_id) or self.secretaries.get(post.office_id)
        self.record_change(first, second, ChangeKind.SWAP, asker, other, reason, by)

    def cover(self, post: DutyPost, month_index: int, from_day: int, reason: str) -> None:
        """A colleague takes the day: the one on duty three turns later, never next to his own days."""
        days = self.rotation_days(post, month_index, from_day)
        if len(days) < 4 or days[0].person_id == days[3].person_id:
            return
        day, asker, colleague = days[0], days[0].person, days[3].person
        day.person = colleague
        day.manual = True
        day.note = f"{colleague.name}代{asker.name}值班：{reason}"
        day.save()
        self.record_change(
            day, None, ChangeKind.COVER, asker, colleague, reason, self.secretaries.get(post.office_id)
        )

    # --- sign-ins --------------------------------------------------------------------------------------

    def sign_ins(self, post: DutyPost) -> list[SignIn]:
        """The sign-ins of the days gone by (and of today's, up to now)."""
        members = self.members(post)
        villages = dict(
            DutyMember.objects.filter(post=post).values_list("person_id", "person__branch__village_id")
        )
        on_leave = services.leave_days(post, self.starts_on, self.today)
        secretary = self.secretaries.get(post.office_id)
        rows: list[SignIn] = []
        days = DutyDay.objects.filter(post=post, day__lte=self.today).order_by("day")
        for duty in days:
            rng = random.Random(f"{SEED}:{post.office.name}:{duty.day.isoformat()}")
            if duty.kind == DayKind.CONCENTRATED:
                people = [m for m in members if duty.day not in on_leave.get(m, set())]
                shares = CONCENTRATED_SHARES
            else:
                people = [duty.person_id] if duty.person_id else []
                shares = ROTATION_SHARES
            for person in people:
                on_time, late, absent = shares
                draw = rng.random()
                manual = False
                if draw < on_time:
                    minutes = rng.randint(7 * 60 + 50, 8 * 60 + 30)
                elif draw < on_time + late:
                    minutes = rng.randint(8 * 60 + 31, 9 * 60 + 40)
                elif draw < on_time + late + absent:
                    continue
                else:
                    manual = True
                    minutes = rng.randint(7 * 60 + 55, 8 * 60 + 25)
                # By hand, the minute is what the secretary writes down; 08:30 itself is still on time.
                seconds = 0 if manual or minutes == 8 * 60 + 30 else rng.randint(0, 59)
                at = moment(duty.day, minutes, seconds)
                if at > self.now:
                    continue  # today's sign-ins still to come
                rows.append(
                    SignIn(
                        post=post,
                        person_id=person,
                        day=duty.day,
                        at=at,
                        manual=manual,
                        reason=rng.choice(MANUAL_REASONS) if manual else "",
                        recorded_by=secretary if manual else self.village_users.get(villages.get(person)),
                    )
                )
        return rows

    def build(self) -> None:
        posts = []
        for index, office in enumerate(self.offices):
            post = self.make_post(index, office)
            self.generate(post)
            posts.append(post)
        if len(posts) > 2 and len(self.months) > 2:
            self.swap(posts[0], 2, 12, "孩子开学，需要送到县城学校报到")
            self.cover(posts[2], 1, 8, "家里玉米收获，人手不够")
        SignIn.objects.bulk_create(row for post in posts for row in self.sign_ins(post))


def build(township: Township, stdout=None) -> None:
    """Add the duty posts, their rota and sign-ins to the demo township; when they are there, change
    nothing."""
    if DutyPost.objects.filter(office__township=township).exists():
        return
    with transaction.atomic():
        DutyDemo(township, stdout).build()
    if stdout is not None:
        posts = DutyPost.objects.filter(office__township=township)
        days = DutyDay.objects.filter(post__in=posts).count()
        sign_ins = SignIn.objects.filter(post__in=posts).count()
        stdout.write(f"值班岗 {posts.count()} 个，值班日 {days} 天，签到 {sign_ins} 条 / duty posts ready.")


def reset(township: Township) -> None:
    """Remove the demo's duty posts with everything on them (members, months, days, leave, changes,
    sign-ins); it runs before the people they name are removed."""
    with override_settings(SIMPLE_HISTORY_ENABLED=False):
        DutyPost.objects.filter(office__township=township).delete()
