"""The demo township's campaign (R9) caught mid-way: survey snapshots and opinions, a request in every
state, two community general branches established through the real path (R1–R4), good practices.

The story, office by office (sort order):
1. 东关: the model. Every step inside its phase; established on 29 June with its community office,
   volunteer-team, mobile-members and graduates branches; a further request (members living elsewhere)
   is still a draft.
2. 西营: late. Approved on time but reported and established in July (amber on the board), consent
   recorded by the township on the county's behalf; a mobile-members branch request waits for the township.
3. 南湖: returned by the town party committee with an opinion; not yet filed again.
4. 北岭: surveyed late; its leadership leaves one village secretary out, with the reason in writing; approved
   and reported, it waits for the county.
5. 柳河: no survey; filed and approved in July; the township has still to report it to the county.
6. 杨庄 and 7. 马集: no community, so no request (R7); 杨庄 surveyed, discussed and wrote up its duty
   rotation as a good practice.

The steps go through establishment/services.py as the demo accounts (office secretaries, township,
county); the services stamp their times with the clock, so each step's time is set back afterwards to the
day the story gives it.
"""

import datetime
from collections.abc import Callable

from django.db import transaction
from django.db.models import Q, QuerySet
from django.test.utils import override_settings
from django.utils import timezone, translation

from accounts.choices import Role
from accounts.models import User
from branches.choices import BranchKind, ElectionMethod, OtherBranchKind
from branches.models import Post, Term
from communities.models import Office, Township
from establishment import services
from establishment.board import survey_counts
from establishment.choices import OpinionMeeting, RequestAction, RequestState
from establishment.models import (
    Campaign,
    EstablishmentRequest,
    GoodPractice,
    Opinion,
    OpinionSession,
    ProposedBranch,
    RequestEvent,
    SurveySnapshot,
)
from members.choices import PARTY_MEMBER_STANDINGS, Standing, Status
from members.demo import ASSOCIATION_OCCUPATIONS
from members.models import Member


def campaign_year(today: datetime.date) -> int:
    """This year's campaign once its July steps are past (the demo dates them), else last year's."""
    return today.year if today >= datetime.date(today.year, 8, 1) else today.year - 1


def villagers(office: Office) -> QuerySet:
    """The office's active people in its village branches who hold no post: whom a sub-branch may take."""
    return (
        Member.objects.filter(branch__office=office, branch__kind=BranchKind.VILLAGE, status=Status.ACTIVE)
        .exclude(pk__in=Post.objects.filter(ended_on__isnull=True).values("person"))
        .order_by("pk")
    )


# What a community sets up under its general branch (R3): kind, sub-kind, name after the community's
# name, and whom it takes (the people members/demo.py made for it).
SUB_BRANCHES: dict[str, tuple[str, str, str, Callable[[Office], QuerySet]]] = {
    "office": (
        BranchKind.COMMUNITY_OFFICE,
        "",
        "机关党支部",
        lambda office: Member.objects.filter(
            branch__office=office, branch__kind=BranchKind.OFFICE_GENERAL, status=Status.ACTIVE
        ).order_by("pk"),
    ),
    "volunteers": (
        BranchKind.VOLUNTEER_TEAM,
        "",
        "志愿者队伍党支部",
        lambda office: (
            villagers(office)
            .filter(Q(is_wealth_expert=True) | Q(is_enterprise_head=True))
            .exclude(occupation__in=ASSOCIATION_OCCUPATIONS)
        ),
    ),
    OtherBranchKind.MOBILE: (
        BranchKind.OTHER,
        OtherBranchKind.MOBILE,
        "流动党员党支部",
        lambda office: villagers(office).filter(is_mobile=True, standing__in=PARTY_MEMBER_STANDINGS),
    ),
    OtherBranchKind.GRADUATES: (
        BranchKind.OTHER,
        OtherBranchKind.GRADUATES,
        "大学生回村党员党支部",
        lambda office: villagers(office).filter(
            is_returned_graduate=True, standing__in=PARTY_MEMBER_STANDINGS
        ),
    ),
    OtherBranchKind.ELSEWHERE: (
        BranchKind.OTHER,
        OtherBranchKind.ELSEWHERE,
        "在外居住党员党支部",
        lambda office: villagers(office).filter(lives_elsewhere=True, standing__in=PARTY_MEMBER_STANDINGS),
    ),
    OtherBranchKind.ASSOCIATION: (
        BranchKind.OTHER,
        OtherBranchKind.ASSOCIATION,
        "种养殖协会党支部",
        lambda office: villagers(office).filter(
            occupation__in=ASSOCIATION_OCCUPATIONS, standing__in=PARTY_MEMBER_STANDINGS
        ),
    ),
}
SUB_BRANCH_WORDS = {
    "office": "社区机关党支部",
    "volunteers": "志愿者队伍党支部",
    OtherBranchKind.MOBILE: "流动党员党支部",
    OtherBranchKind.GRADUATES: "大学生回村党员党支部",
    OtherBranchKind.ELSEWHERE: "在外居住党员党支部",
    OtherBranchKind.ASSOCIATION: "种养殖协会党支部",
}
GUIDANCE = "镇党委《关于加强农村社区党组织建设的指导意见》"
RETURN_OPINION = "民主推选记录不完整，请补充参会人数和得票情况，并附推选会议记录扫描件后重新报送。"


class CampaignDemo:
    """One run of the builder: the township, its people who act, and the campaign's year."""

    def __init__(self, township: Township):
        self.township = township
        self.today = timezone.localdate()
        self.year = campaign_year(self.today)
        self.offices = list(township.offices.select_related("community").order_by("sort_order", "name"))
        self.township_user = (
            User.objects.filter(role=Role.TOWNSHIP_STAFF, township=township).order_by("pk").first()
        )
        self.county_user = (
            User.objects.filter(role=Role.COUNTY_VIEWER, county=township.county_id).order_by("pk").first()
        )
        self.secretaries: dict[int, User] = {}
        for user in User.objects.filter(role=Role.OFFICE_SECRETARY, office__township=township).order_by("pk"):
            self.secretaries.setdefault(user.office_id, user)

    def day(self, month: int, day: int) -> datetime.date:
        return datetime.date(self.year, month, day)

    def ago(self, days: int) -> datetime.date:
        return self.today - datetime.timedelta(days=days)

    @staticmethod
    def moment(day: datetime.date, hour: int, minute: int = 0) -> datetime.datetime:
        return timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour, minute)))

    # --- phase 1: survey and opinions -----------------------------------------------------------------

    def build_survey(self) -> None:
        """Snapshots frozen from the data on their day: one late (北岭), one missing (柳河)."""
        days = {0: (6, 17), 1: (6, 19), 2: (6, 20), 3: (6, 23), 5: (6, 18)}
        notes = {
            0: "各村党支部逐一核对党员名册，流动党员和在外居住党员已逐人联系。",
            3: "因村两委换届准备工作，摸底较计划推迟三天完成。",
            5: "本办事处暂未建立农村社区，摸底情况供村书记值班制度参考。",
        }
        for index, (month, day) in days.items():
            office = self.offices[index]
            taken_on = self.day(month, day)
            SurveySnapshot.objects.create(
                office=office,
                taken_on=taken_on,
                counts=survey_counts(office, taken_on),
                notes=notes.get(index, ""),
                taken_by=self.secretaries.get(office.pk),
            )

    def build_opinions(self) -> None:
        """Symposiums, discussions and visits to veteran members, with what was done (some not yet)."""
        sessions = [
            (0, OpinionMeeting.SYMPOSIUM, (6, 16), "东关社区服务中心会议室",
             "办事处党总支委员5名、7个村党支部书记、党员代表12名、群众代表6名", [
                 ("村书记集中办公要固定时间，方便群众找人办事。",
                  "已明确每周一在社区办公室集中办公，周二至周六轮流值班，值班表在社区公示栏公布。", (6, 25)),
                 ("外出务工党员多，平时参加组织生活难，建议成立流动党员党支部，定期联系。",
                  "已列入成立社区党总支的请示，拟成立东关社区流动党员党支部。", (6, 21)),
                 ("大学生回村党员长期不参加支部活动，建议单独编组管理。",
                  "已列入请示，拟成立大学生回村党员党支部。", (6, 21)),
             ]),
            (0, OpinionMeeting.VISIT, (6, 18), "张庄村、李楼村、王屯村",
             "王建国、张建军、李红梅走访老党员8名", [
                 ("年纪大了行动不便，希望组织生活能送学上门。",
                  "各村党支部每季度安排一次送学上门，已列入支部工作计划。", (7, 5)),
                 ("社区成立后要多为群众办实事，先把村里到镇上的路修好。", "", None),
             ]),
            (1, OpinionMeeting.DISCUSSION, (6, 19), "西营办事处二楼会议室",
             "办事处党总支委员、6个村党支部书记、致富能手代表5名、小型企业负责人3名", [
                 ("致富能手和小企业负责人有入党意愿，建议通过志愿者队伍党支部培养。",
                  "拟成立志愿者队伍党支部，把其中表现突出的列为入党积极分子培养。", (6, 27)),
                 ("种养殖协会会员分散在各村，建议成立协会党支部。",
                  "已列入请示，拟成立种养殖协会党支部。", (6, 27)),
                 ("社区党总支委员定点轮流办公的排班请提前一周公布。", "", None),
             ]),
            (2, OpinionMeeting.SYMPOSIUM, (6, 17), "南湖村村委会",
             "办事处党总支委员、8个村党支部书记、党员代表10名", [
                 ("推选副书记要公开透明，推选结果要当场公布。",
                  "推选大会当场唱票、计票并公布结果。", (6, 26)),
                 ("社区办公用房面积小，集中办公时座位不够。", "", None),
             ]),
            (3, OpinionMeeting.VISIT, (6, 18), "北岭村、唐庄村",
             "刘德明、北岭村党支部书记走访老党员6名", [
                 ("希望社区党总支成立时邀请老党员参加。", "成立大会将邀请老党员代表参加。", (6, 24)),
                 ("在外居住的老党员多年没人联系，建议纳入统一管理。", "", None),
             ]),
            (4, OpinionMeeting.SYMPOSIUM, (7, 2), "柳河社区服务中心",
             "办事处党总支委员、9个村党支部书记", [
                 ("村多人散，集中办公路远，建议按片区安排值班。", "", None),
             ]),
            (5, OpinionMeeting.DISCUSSION, (6, 19), "杨庄办事处会议室",
             "办事处党总支委员、6个村党支部书记", [
                 ("虽未建立社区，村书记值班制度也要同步推行。",
                  "已制定村书记轮流值班表，7月1日起执行。", (6, 30)),
             ]),
        ]  # fmt: skip
        for index, kind, (month, day), place, participants, opinions in sessions:
            session = OpinionSession.objects.create(
                office=self.offices[index],
                kind=kind,
                held_on=self.day(month, day),
                place=place,
                participants=participants,
            )
            Opinion.objects.bulk_create(
                Opinion(
                    session=session,
                    content=content,
                    response=response,
                    answered_on=self.day(*answered) if answered else None,
                )
                for content, response, answered in opinions
            )

    # --- phase 2 and 3: the requests ------------------------------------------------------------------

    def draft(
        self,
        office: Office,
        created: datetime.date,
        branches: list[str],
        *,
        general: bool = True,
        elected: int = 1,
        number: int = 0,
    ) -> EstablishmentRequest:
        """A request as the office files it: posts pre-filled by R2, the election record, the proposed
        sub-branches with their members."""
        community = office.community.name
        asked = "、".join(SUB_BRANCH_WORDS[key] for key in branches)
        if general:
            title = f"关于成立{community}党总支及所属党支部的请示"
            body = (
                f"根据{GUIDANCE}，{office.name}已建立{community}。经办事处党总支研究，并召开党员大会民主推选，"
                f"拟将{office.name}党总支更名为{community}党总支，同时成立{asked}。妥否，请批示。"
            )
        else:
            title = f"关于成立{community}{SUB_BRANCH_WORDS[branches[0]]}的请示"
            body = (
                f"根据{GUIDANCE}，为加强对有关党员的教育管理，{community}党总支拟成立{asked}。妥否，请批示。"
            )
        request = EstablishmentRequest(
            office=office,
            title=title,
            office_number=f"{office.name[:2]}办发〔{self.year}〕{number}号" if number else "",
            establish_general=general,
            general_branch_name=f"{community}党总支" if general else "",
            justification=body,
            created_by=self.secretaries[office.pk],
        )
        if general:
            full_members = Member.objects.filter(
                branch__office=office, status=Status.ACTIVE, standing=Standing.FULL
            ).count()
            request.election_date = created
            request.election_method = ElectionMethod.DEMOCRATIC
            request.members_expected = full_members
            request.members_present = full_members * 9 // 10
            request.votes = full_members * 9 // 10 * 4 // 5
        request.save()
        if general:
            lead = services.r2_leadership(office)
            services.fill_posts_by_r2(request, lead.village_secretaries[elected])
        for key in branches:
            kind, other_kind, suffix, members = SUB_BRANCHES[key]
            proposed = ProposedBranch.objects.create(
                request=request, kind=kind, other_kind=other_kind, name=f"{community}{suffix}"
            )
            proposed.members.set(members(office))
        RequestEvent.objects.create(
            request=request,
            action=RequestAction.CREATE,
            to_state=RequestState.DRAFT,
            actor=self.secretaries[office.pk],
        )
        self.stamp(request, created, 9, created_at=self.moment(created, 9))
        EstablishmentRequest.history.filter(id=request.pk).update(history_date=self.moment(created, 9))
        return request

    def stamp(self, request: EstablishmentRequest, on: datetime.date, hour: int, **fields) -> None:
        """Set the last step's time back to the day the story gives it (the services use the clock)."""
        event = RequestEvent.objects.filter(request=request).order_by("-pk").first()
        RequestEvent.objects.filter(pk=event.pk).update(at=self.moment(on, hour))
        if fields:
            EstablishmentRequest.objects.filter(pk=request.pk).update(**fields)
        request.refresh_from_db()

    def submit(self, request: EstablishmentRequest, on: datetime.date) -> None:
        first = request.first_submitted_at is None
        services.submit(request, self.secretaries[request.office_id])
        moment = self.moment(on, 10)
        self.stamp(request, on, 10, submitted_at=moment, **({"first_submitted_at": moment} if first else {}))

    def return_(self, request: EstablishmentRequest, on: datetime.date, opinion: str) -> None:
        services.return_request(request, self.township_user, opinion)
        self.stamp(request, on, 15)

    def approve(self, request: EstablishmentRequest, on: datetime.date, number: int) -> None:
        opinion = f"经{on.month}月{on.day}日镇党委会议研究，同意所请，报县委组织部审批。"
        services.approve(request, self.township_user, on, f"青石党发〔{self.year}〕{number}号", opinion)
        self.stamp(request, on, 16)

    def report(self, request: EstablishmentRequest, on: datetime.date, number: int) -> None:
        services.report(request, self.township_user, on, f"青石党报〔{self.year}〕{number}号")
        self.stamp(request, on, 11)

    def consent(self, request: EstablishmentRequest, on: datetime.date, *, by_township: bool = False) -> None:
        """The county's consent: the services rename the general branch, fill the posts, record the term
        and create the sub-branches. Each new branch then records the committee it elected that day."""
        if by_township:
            services.consent(request, self.township_user, on, "县委组织部已电话同意，书面批复另发。")
        else:
            services.consent(request, self.county_user, on, "同意。")
        self.stamp(request, on, 16, established_at=self.moment(on, 16))
        for proposed in request.branches.select_related("created_branch"):
            branch = proposed.created_branch
            members = branch.members.filter(status=Status.ACTIVE, standing__in=PARTY_MEMBER_STANDINGS).count()
            Term.objects.create(
                branch=branch,
                number=1,
                started_on=on,
                election_date=on,
                election_method=ElectionMethod.DEMOCRATIC,
                members_expected=members or None,
                members_present=members - min(members // 8, 3) if members else None,
            )

    def build_requests(self) -> None:
        east, west, south, north, willow = self.offices[:5]
        mobile, graduates = OtherBranchKind.MOBILE, OtherBranchKind.GRADUATES
        elsewhere, association = OtherBranchKind.ELSEWHERE, OtherBranchKind.ASSOCIATION

        request = self.draft(east, self.day(6, 21), ["office", "volunteers", mobile, graduates], number=5)
        self.submit(request, self.day(6, 22))
        self.approve(request, self.day(6, 25), 12)
        self.report(request, self.day(6, 26), 3)
        self.consent(request, self.day(6, 29))

        request = self.draft(
            west, self.day(6, 27), ["office", "volunteers", elsewhere, association], number=7
        )
        self.submit(request, self.day(6, 28))
        self.approve(request, self.day(6, 30), 15)
        self.report(request, self.day(7, 3), 5)
        self.consent(request, self.day(7, 8), by_township=True)

        request = self.draft(south, self.day(6, 26), ["office", "volunteers", mobile], elected=2, number=4)
        self.submit(request, self.day(6, 29))
        self.return_(request, self.day(6, 30), RETURN_OPINION)

        request = self.draft(north, self.day(6, 24), ["office", "volunteers", elsewhere], elected=0, number=6)
        left_out = services.r2_leadership(north).village_secretaries[-1]
        request.posts.filter(person=left_out).delete()
        request.deviation_reason = (
            f"{left_out.branch.name}书记{left_out.name}同志因病长期住院治疗，本人申请暂不担任社区党总支委员，"
            "待康复后按程序增补。"
        )
        request.save()
        EstablishmentRequest.history.filter(id=request.pk).update(history_date=request.created_at)
        self.submit(request, self.day(6, 26))
        self.approve(request, self.day(6, 30), 14)
        self.report(request, self.day(7, 3), 6)

        request = self.draft(willow, self.day(7, 6), ["office", "volunteers", graduates], elected=3, number=9)
        self.submit(request, self.day(7, 8))
        self.approve(request, self.day(7, 15), 18)

        # After their establishment, the two communities ask for more branches.
        request = self.draft(west, self.ago(16), [mobile], general=False, number=21)
        self.submit(request, self.ago(12))
        self.draft(east, self.ago(5), [elsewhere], general=False, number=26)

    # --- R10: good experiences and practices ----------------------------------------------------------

    def build_good_practices(self) -> None:
        east, west = self.offices[:2]
        practices = [
            (east, "东关社区村书记值班岗：周一集中办公，周二至周六轮流值班",
             "东关社区党总支成立后，7名村党支部书记每周一在社区办公室集中办公，周二至周六轮流值班，"
             "值班情况每日签到、每月通报，群众办事“只进一扇门”。", (7, 10), True),
            (west, "西营社区志愿者队伍党支部：把致富能手培养成党员",
             "西营社区志愿者队伍党支部吸收种养殖大户、小型企业负责人参加活动，结对帮带，"
             "已有3名致富能手递交入党申请书。", (7, 20), False),
            (self.offices[5], "杨庄办事处未建社区先建机制",
             "杨庄办事处虽未建立农村社区，参照社区做法同步推行村书记轮流值班和月清月结制度。",
             (7, 15), False),
        ]  # fmt: skip
        for office, title, content, (month, day), published in practices:
            recorded = self.day(month, day)
            GoodPractice.objects.create(
                office=office,
                title=title,
                content=content,
                recorded_on=recorded,
                published_at=self.moment(recorded + datetime.timedelta(days=2), 9) if published else None,
            )

    def build(self) -> None:
        Campaign.objects.create(township=self.township, year=self.year, **Campaign.defaults_for(self.year))
        # The survey comes first: it counts the organisations as they were before the establishments.
        self.build_survey()
        self.build_opinions()
        self.build_requests()
        self.build_good_practices()


def build(township: Township, stdout=None) -> None:
    """Add the campaign to the demo township; when it is there, change nothing."""
    if Campaign.objects.filter(township=township).exists():
        return
    # What the services write in words (the reason of a renaming) is written in the township's language.
    with transaction.atomic(), translation.override("zh-hans"):
        CampaignDemo(township).build()
    if stdout is not None:
        requests = EstablishmentRequest.objects.filter(office__township=township)
        established = requests.filter(state=RequestState.ESTABLISHED).count()
        stdout.write(f"建设活动：请示 {requests.count()} 件，已批准成立 {established} 件 / campaign ready.")


def reset(township: Township) -> None:
    """Remove the campaign's records (requests, survey, opinions, good practices). The organisations the
    requests established go with the members demo's reset, which runs after this one."""
    with override_settings(SIMPLE_HISTORY_ENABLED=False):
        EstablishmentRequest.objects.filter(office__township=township).delete()
        SurveySnapshot.objects.filter(office__township=township).delete()
        OpinionSession.objects.filter(office__township=township).delete()
        GoodPractice.objects.filter(office__township=township).delete()
        Campaign.objects.filter(township=township).delete()
