"""The records the access matrix (tests/test_access_matrix.py) reaches its URLs with: one of every kind IN the
`office` user's scope (world.office, world.township) and one OUT of it (world.far_office, in the other
township). Each record is built on first use, so a URL's test builds only what its URL needs."""

import datetime
from functools import cached_property

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone

from accounts.choices import Role
from branches.choices import BranchKind, PostKind
from branches.models import Branch, Post, ReserveCadre, Term
from communities.models import Community, Village
from tests.conftest import make_member, make_user

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
YEAR = 2026
DUTY_YEAR, DUTY_MONTH = 2026, 12  # a month generated (not published) for the month URLs


def pdf(name: str = "附件.pdf") -> ContentFile:
    return ContentFile(PDF, name=name)


class Side:
    """Everything of one office: `inside` is world.office (its staff `township`, its secretary `office`,
    its village secretary `village`); `outside` is world.far_office of the other township, acted for by
    `other_township` and by a far office secretary and village secretary that are not in ROLES."""

    def __init__(self, world, inside: bool):
        self.world, self.inside = world, inside
        if inside:
            self.office, self.township = world.office, world.township
            self.village = world.village
            self.staff = world.users["township"]
            self.secretary = world.users["office"]
            self.village_user = world.users["village"]
        else:
            self.office, self.township = world.far_office, world.other_township
            self.village = Village.objects.get(office=world.far_office)
            self.staff = world.users["other_township"]
            self.secretary = make_user("far_office", Role.OFFICE_SECRETARY, office=self.office)
            self.village_user = make_user("far_village", Role.VILLAGE_SECRETARY, village=self.village)

    def names(self, *names: str) -> list[str]:
        """People's names; the far office's all start with 杨, so a page that shows one is easy to catch."""
        return list(names) if self.inside else ["杨" + name[1:] for name in names]

    @property
    def today(self) -> datetime.date:
        return timezone.localdate()

    # --- Communities and branches (as the r2_office fixture: office general branch, village branches) -------

    @cached_property
    def community(self) -> Community:
        if self.inside:
            return self.world.community
        return Community.objects.create(office=self.office, name="南湖社区")

    @cached_property
    def general(self) -> Branch:
        self.community  # noqa: B018 - the office may file requests and gets a score sheet
        return Branch.objects.create(
            office=self.office, kind=BranchKind.OFFICE_GENERAL, name=f"{self.office}党总支"
        )

    @cached_property
    def branches(self) -> list[Branch]:
        second = (
            self.world.sibling_village
            if self.inside
            else Village.objects.create(office=self.office, name="湖西村", sort_order=2)
        )
        return [
            Branch.objects.create(
                office=self.office,
                village=village,
                parent=self.general,
                kind=BranchKind.VILLAGE,
                name=f"{village}党支部",
            )
            for village in (self.village, second)
        ]

    @property
    def branch(self) -> Branch:
        return self.branches[0]

    @cached_property
    def secretaries(self):
        """The secretaries of the village branches (the first is the `village` user's) and of the general."""
        day = datetime.date(2021, 1, 10)
        people = []
        for branch, name in zip(self.branches, self.names("张建军", "李红梅"), strict=True):
            person = make_member(branch, name)
            Post.objects.create(branch=branch, kind=PostKind.SECRETARY, person=person, started_on=day)
            people.append(person)
        head_name, deputy_name = self.names("王建国", "刘文")
        head = make_member(self.general, head_name)
        Post.objects.create(branch=self.general, kind=PostKind.SECRETARY, person=head, started_on=day)
        deputy = make_member(self.general, deputy_name, gender="female")
        Post.objects.create(
            branch=self.general, kind=PostKind.DEPUTY_SECRETARY, person=deputy, started_on=day
        )
        return people

    @cached_property
    def member(self):
        self.secretaries  # noqa: B018
        return make_member(self.branch, self.names("赵大勇")[0])

    @cached_property
    def mobile_member(self):
        """A mobile member (流动党员): the only kind with a contact log."""
        self.secretaries  # noqa: B018
        return make_member(self.branch, self.names("钱富贵")[0], is_mobile=True)

    @cached_property
    def post(self) -> Post:
        return Post.objects.get(branch=self.branch, person=self.secretaries[0])

    @cached_property
    def term(self) -> Term:
        return Term.objects.create(branch=self.branch, number=1, started_on=datetime.date(2021, 1, 10))

    @cached_property
    def reserve(self) -> ReserveCadre:
        return ReserveCadre.objects.create(
            branch=self.branch, person=self.member, since=datetime.date(2024, 1, 1)
        )

    @cached_property
    def archive_entry(self):
        from members.choices import EntryKind
        from members.models import ArchiveEntry

        kind = next(iter(EntryKind.values))
        return ArchiveEntry.objects.create(member=self.member, kind=kind, on=self.today, content="入党志愿书")

    # --- Establishment --------------------------------------------------------------------------------------

    @cached_property
    def request(self):
        from branches.choices import ElectionMethod
        from establishment import services
        from establishment.models import EstablishmentRequest

        self.secretaries  # noqa: B018
        request = EstablishmentRequest.objects.create(
            office=self.office,
            title=f"关于成立{self.community}党总支的请示",
            office_number="办发〔2026〕3号",
            general_branch_name=f"{self.community}党总支",
            justification="已建立农村社区。",
            election_date=self.today - datetime.timedelta(days=10),
            election_method=ElectionMethod.DEMOCRATIC,
            members_expected=40,
            members_present=36,
            votes=30,
            created_by=self.secretary,
        )
        services.fill_posts_by_r2(request, self.secretaries[0])
        return request

    @cached_property
    def reported_request(self):
        """The request submitted, approved and reported to the county: its documents print."""
        from establishment import services

        request, day = self.request, self.today - datetime.timedelta(days=5)
        services.submit(request, self.secretary)
        services.approve(request, self.staff, day, "党发〔2026〕12号")
        services.report(request, self.staff, day, "党报〔2026〕3号")
        request.refresh_from_db()
        return request

    @cached_property
    def request_attachment(self):
        from establishment.models import RequestAttachment

        return RequestAttachment.objects.create(
            request=self.request, file=pdf(), description="选举会议记录", uploaded_by=self.secretary
        )

    @cached_property
    def campaign(self):
        from establishment.models import Campaign

        return Campaign.objects.create(township=self.township, year=YEAR, **Campaign.defaults_for(YEAR))

    @cached_property
    def survey(self):
        from establishment.models import SurveySnapshot

        return SurveySnapshot.objects.create(office=self.office, taken_on=self.today)

    @cached_property
    def opinion(self):
        from establishment.choices import OpinionMeeting
        from establishment.models import Opinion, OpinionSession

        session = OpinionSession.objects.create(
            office=self.office,
            kind=OpinionMeeting.SYMPOSIUM,
            held_on=self.today,
            place="社区会议室",
            participants="老党员12人",
        )
        Opinion.objects.create(session=session, content="希望社区办公时间延长")
        return session

    @cached_property
    def practice(self):
        from establishment.models import GoodPractice

        return GoodPractice.objects.create(
            office=self.office,
            title="老党员结对帮扶",
            content="每名老党员联系三户群众。",
            recorded_on=self.today,
        )

    # --- Duty roster ----------------------------------------------------------------------------------------

    @cached_property
    def duty_post(self):
        from duty_roster.models import DutyPost
        from duty_roster.services import generate_month, sync_members

        self.secretaries  # noqa: B018
        post = DutyPost.objects.create(
            office=self.office,
            name=f"{self.office}书记值班岗",
            place="服务中心",
            starts_on=datetime.date(2026, 1, 1),
        )
        sync_members(post)
        generate_month(post, DUTY_YEAR, DUTY_MONTH)
        return post

    @cached_property
    def duty_member(self):
        return self.duty_post.members.order_by("order").first()

    @cached_property
    def duty_days(self):
        """Two coming rotation days: the `village` user's secretary's in three days, the other's in four."""
        from duty_roster.choices import DayKind
        from duty_roster.models import DutyDay

        # update_or_create: from late November (Beijing time) these days fall in the generated DUTY_MONTH.
        return [
            DutyDay.objects.update_or_create(
                post=self.duty_post,
                day=self.today + datetime.timedelta(days=offset),
                defaults={"kind": DayKind.ROTATION, "person": person},
            )[0]
            for offset, person in ((3, self.secretaries[0]), (4, self.secretaries[1]))
        ]

    @cached_property
    def duty_change(self):
        from duty_roster import changes
        from duty_roster.choices import ChangeKind

        people = self.secretaries
        return changes.request_change(self.duty_days[0], people[0], people[1], ChangeKind.COVER, "有事")

    @cached_property
    def calendar_entry(self):
        from duty_roster.models import CalendarEntry

        return CalendarEntry.objects.create(
            township=self.township, day=datetime.date(2027, 1, 1), working=False, name="元旦"
        )

    @cached_property
    def log_entry(self):
        from duty_roster.models import DutyLogEntry

        return DutyLogEntry.objects.create(
            post=self.duty_post,
            on=self.today - datetime.timedelta(days=2),
            visitor="孙大爷",
            purpose="宅基地纠纷",
            recorded_by=self.village_user,
        )

    @property
    def sign_in_token(self) -> str:
        from duty_roster.signin import make_token

        return make_token(self.duty_post, self.today)

    # --- Meetings -------------------------------------------------------------------------------------------

    @cached_property
    def meeting(self):
        from meetings.choices import MeetingKind
        from meetings.models import Meeting

        self.member  # noqa: B018
        return Meeting.objects.create(
            branch=self.branch,
            kind=MeetingKind.GENERAL_MEETING,
            on=self.today - datetime.timedelta(days=5),
            topic="学习全会精神",
            host="张建军",
            created_by=self.village_user,
        )

    @cached_property
    def review_meeting(self):
        """A democratic review (民主评议): the only meeting that grades its members."""
        from meetings.choices import MeetingKind
        from meetings.models import Meeting

        self.member  # noqa: B018
        return Meeting.objects.create(
            branch=self.branch,
            kind=MeetingKind.DEMOCRATIC_REVIEW,
            on=self.today - datetime.timedelta(days=5),
            topic="民主评议党员",
            created_by=self.village_user,
        )

    @cached_property
    def meeting_attachment(self):
        from meetings.models import MeetingAttachment

        return MeetingAttachment.objects.create(
            meeting=self.meeting, file=pdf(), description="会议照片", uploaded_by=self.village_user
        )

    # --- Ledger ---------------------------------------------------------------------------------------------

    @property
    def ledger_month(self) -> datetime.date:
        return self.today.replace(day=1)

    @cached_property
    def ledger(self):
        from ledger import services

        return services.ledger_for(self.office, self.ledger_month)

    @cached_property
    def ledger_item(self):
        from ledger import services
        from ledger.choices import ItemSource

        return services.add_item(self.ledger, source=ItemSource.PETITION, content="修路灯", owner="王建国")

    # --- Inspections and the assessment ---------------------------------------------------------------------

    @cached_property
    def inspection(self):
        from assessments.choices import InspectionKind
        from assessments.models import Inspection

        return Inspection.objects.create(
            office=self.office,
            on=self.today - datetime.timedelta(days=30),
            kind=InspectionKind.INSPECTION,
            inspectors="刘建华、孙丽",
            checked="村书记值班岗运行情况",
            findings="值班日志记录简单",
        )

    @cached_property
    def rectification(self):
        from assessments.models import Rectification

        return Rectification.objects.create(
            inspection=self.inspection,
            content="规范值班日志记录",
            owner="王建国",
            deadline=self.today + datetime.timedelta(days=5),
            evidence_file=pdf("整改.pdf"),
        )

    @cached_property
    def template(self):
        from assessments import templating

        return templating.default_template(self.township, YEAR)

    @cached_property
    def template_item(self):
        return self.template.items.order_by("pk").first()

    @cached_property
    def round(self):
        from assessments import rounds

        self.general  # noqa: B018
        return rounds.open_round(
            self.township, YEAR, self.template, self.staff, self.today, include_offices_without_community=True
        )

    @cached_property
    def sheet(self):
        return self.round.sheets.get(office=self.office)

    @cached_property
    def objection(self):
        from assessments.models import Objection

        return Objection.objects.create(sheet=self.sheet, reason="分数有误", lodged_by=self.secretary)

    @cached_property
    def entry_attachment(self):
        from assessments.models import EntryAttachment

        entry = self.sheet.entries.order_by("pk").first()
        return EntryAttachment.objects.create(
            entry=entry, file=pdf(), description="佐证材料", uploaded_by=self.secretary
        )

    # --- Jobs: owned by the office secretary ----------------------------------------------------------------

    @cached_property
    def job(self):
        from jobs.models import Job
        from jobs.services import enqueue
        from reports.tasks import KIND

        job = enqueue(self.secretary, KIND, "汇总表", {"townships": [self.township.pk], "year": YEAR})
        job.state = Job.State.DONE
        job.result_file.save("result.xlsx", ContentFile(b"PK\x03\x04"), save=False)
        job.result_name = "汇总表.xlsx"
        job.save()
        return job

    @cached_property
    def check_job(self):
        """A roster the worker has checked, as the member import leaves it for its preview page."""
        from jobs.models import Job
        from members import tasks

        path = default_storage.save("imports/matrix.json", ContentFile(b""))
        empty = {"headers": [], "rows": []}
        stored = {"filename": "花名册.xlsx", "sheet": "", "warnings": [], "problems": [], "data": empty}
        tasks.write(path, {**stored, "digest": "", "valid": False})
        job = Job.objects.create(
            owner=self.secretary, kind=tasks.CHECK, title="检查花名册", params={"path": path}
        )
        Job.objects.filter(pk=job.pk).update(state=Job.State.DONE)
        return job

    # --- Accounts and the audit log (issue 9) ---------------------------------------------------------------

    @cached_property
    def user_session(self):
        """A signed-in session of the office's village secretary."""
        from accounts.models import UserSession

        return UserSession.objects.create(user=self.village_user, session_key=f"matrix-{self.office.pk}")

    @cached_property
    def audit_entry(self):
        from audit import services

        return services.record("login", user=self.village_user, township_id=self.township.pk)


class Data:
    def __init__(self, world):
        self.world = world
        self.inside = Side(world, inside=True)

    @cached_property
    def outside(self) -> Side:
        return Side(self.world, inside=False)
