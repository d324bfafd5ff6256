"""The demo township's party organisations and people (青石镇) as they were before this year's campaign:
each office's general branch and its village branches, their secretaries, about 1,500 people with
development, transfers, contacts and archive entries (R8), terms and reserve cadres. The community general
branches (R1, R2) and the branches under them (R3) are the campaign's work: establishment/demo.py takes
two communities down the establishment path, and the people marked here for those branches (wealth
experts, mobile members, graduates back home, members living elsewhere, association members, the office
staff) move into them when they are established.

Everything is deterministic (one seeded random generator) except the dates that must stay fresh, which
are counted back from today: a probation that started months ago, an overdue contact, a term that ends
within three months. People are bulk-created; a person's history starts with that record.
"""

import datetime
import random
from collections import defaultdict

from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone
from simple_history.utils import bulk_create_with_history

from branches.choices import BranchKind, ElectionMethod, PostKind, ReserveStatus
from branches.models import TERM_YEARS, Branch, Post, ReserveCadre, Term, add_years
from communities.demo import OFFICE_SECRETARIES, VILLAGE_SECRETARIES
from communities.models import Township, Village
from members import idnumbers, services
from members.choices import (
    ContactMeans,
    DevelopmentStage,
    Education,
    EntryKind,
    Gender,
    Standing,
    Status,
)
from members.models import ArchiveEntry, ContactLog, DevelopmentStep, Member, RequiredArchiveKind, Transfer

SEED = 2023
REGION = "341321"
OFFICE_DECISION = "青石党发〔2021〕8号"
OFFICE_TERM_STARTS = datetime.date(2021, 5, 10)
FEMALE_NAMES = {"李红梅", "赵玉兰", "张秀英"}
REQUIRED_KINDS = [EntryKind.MEETING, EntryKind.STUDY, EntryKind.ATTENDANCE, EntryKind.IDEOLOGY]
# The share of active people whose archive for the year is complete; the rest show gaps.
COMPLETE_SHARE = 0.75
# Written by the meetings demo from real attendance (meetings/demo.py), not made up here.
FROM_MEETINGS = {EntryKind.MEETING, EntryKind.ATTENDANCE}


def words(*lines: str) -> list[str]:
    return " ".join(lines).split()


SURNAMES = (
    "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶"
    "阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺"
)
MALE_GIVEN = words(
    "建国 建军 国强 志强 永福 长顺 金生 宝山 德明 光辉 卫东 国庆 海涛 文斌 俊 伟 强 磊 军 勇 杰",
    "涛 斌 超 明 刚 平 辉 鹏 华 飞 鑫 波 宁 浩 凯 健 峰 振华 红军 新民 保国 庆丰 春生 秋实",
    "立新 玉林 守义 先锋 兴旺 成林 广才 传福 家明",
)
FEMALE_GIVEN = words(
    "秀英 红梅 玉兰 桂英 秀兰 凤英 桂兰 丽 娟 敏 静 艳 芳 霞 燕 婷 雪 倩 晶 慧 玲 红 萍 欣 颖",
    "春燕 海燕 晓丽 丽娟 美玲 玉芬 淑珍 金凤 翠花 小红",
)
MINORITIES = ["回族", "回族", "回族", "满族", "蒙古族", "壮族"]
PHONE_PREFIXES = ["138", "139", "137", "135", "136", "158", "159", "150", "180", "182", "187", "199"]
OCCUPATIONS = ["务农"] * 8 + [
    "个体经营",
    "外出务工",
    "村干部",
    "教师",
    "退休",
    "养殖",
    "乡村医生",
    "企业职工",
]
EDUCATION_BY_ERA = {
    # Born before 1960, 1960–1979, from 1980: weights of the levels, lowest to highest.
    "old": [45, 35, 15, 4, 1, 0],
    "middle": [10, 40, 32, 12, 6, 0],
    "young": [2, 14, 28, 28, 24, 4],
}
# The planting and breeding association's members (种养殖协会) are known by their occupation: the other
# branch a community sets up for them (establishment/demo.py) finds them by it.
ASSOCIATION_OCCUPATIONS = ["种植协会会员", "养殖协会会员", "农产品经纪人"]
ENTRY_TEXTS = {
    EntryKind.PUBLIC_AFFAIRS: ["列席村民代表会议，就道路硬化提出建议", "参与村务监督，查看{m}月村务公开"],
    EntryKind.STUDY: ["集中学习党章和党内法规", "参加镇党校{m}月党员培训", "“学习强国”月度学习达标"],
    EntryKind.IDEOLOGY: ["思想稳定，支持村两委工作", "谈心谈话：关心产业发展，愿意带头"],
    EntryKind.AWARD: ["被评为年度优秀共产党员", "获镇“致富带头人”表彰"],
    EntryKind.CONTRIBUTION: ["义务参加村内环境整治", "为村集体修路捐工捐料", "参加防汛值守"],
}


class Demo:
    """One run of the builder: the generator, today, and what has been made so far."""

    def __init__(self, township: Township, stdout=None):
        self.township = township
        self.stdout = stdout
        self.rng = random.Random(SEED)
        self.today = timezone.localdate()
        self.used_ids: set[str] = set()
        self.used_names: set[str] = set(OFFICE_SECRETARIES) | set(VILLAGE_SECRETARIES)
        self.people: list[Member] = []
        self.people_by_branch: dict[int, list[Member]] = defaultdict(list)
        self.generals: dict[int, Branch] = {}  # office id → general branch
        self.village_branches: dict[int, list[Branch]] = defaultdict(list)  # office id → village branches
        self.community_offices: list[int] = []  # ids of the offices that have set up a rural community
        self.fixed: dict[str, Member] = {}  # post holders and reserve cadres: left alone by transfers

    # --- people ---------------------------------------------------------------------------------------

    def name(self, gender: str, surname: str | None = None) -> str:
        """A name nobody else in the demo has, when a few tries find one (namesakes do happen)."""
        given = MALE_GIVEN if gender == Gender.MALE else FEMALE_GIVEN
        for _ in range(6):
            name = (surname or self.rng.choice(SURNAMES)) + self.rng.choice(given)
            if name not in self.used_names:
                break
        self.used_names.add(name)
        return name

    def birth_date(self, earliest: int, latest: int) -> datetime.date:
        start = datetime.date(earliest, 1, 1)
        return start + datetime.timedelta(
            days=self.rng.randrange((datetime.date(latest, 12, 31) - start).days)
        )

    def id_number(self, birth: datetime.date, gender: str) -> str:
        while True:
            number = idnumbers.compose(REGION, birth, self.rng.randrange(1, 999), gender)
            if number not in self.used_ids:
                self.used_ids.add(number)
                return number

    def person(
        self,
        branch: Branch,
        *,
        name: str | None = None,
        gender: str | None = None,
        born: tuple[int, int] = (1945, 2000),
        standing: str = Standing.FULL,
        village: Village | None = None,
        **fields,
    ) -> Member:
        """A person of `branch`, not yet saved; admitted and full-member dates fit the birth date."""
        rng = self.rng
        gender = gender or (Gender.FEMALE if rng.random() < 0.27 else Gender.MALE)
        village = village or branch.village or rng.choice(self.villages[branch.office_id])
        if name is None:
            # Villages are named after their families: many people carry the village's surname.
            local = village.name[0] if village.name[0] in SURNAMES and rng.random() < 0.35 else None
            name = self.name(gender, local)
        birth = self.birth_date(*born)
        era = "old" if birth.year < 1960 else "middle" if birth.year < 1980 else "young"
        education = rng.choices(Education.values, weights=EDUCATION_BY_ERA[era])[0]
        member = Member(
            township=self.township,
            branch=branch,
            village=village,
            name=name,
            gender=gender,
            ethnicity=rng.choice(MINORITIES) if rng.random() < 0.03 else "汉族",
            birth_date=birth,
            id_number=self.id_number(birth, gender),
            phone=rng.choice(PHONE_PREFIXES) + f"{rng.randrange(10**8):08d}" if rng.random() > 0.04 else "",
            address=f"{village.name}{rng.randint(1, 9)}组{rng.randint(1, 120)}号"
            if rng.random() > 0.03
            else "",
            education=education if rng.random() > 0.03 else "",
            occupation=rng.choice(OCCUPATIONS) if rng.random() > 0.04 else "",
            standing=standing,
            is_veteran=gender == Gender.MALE and rng.random() < 0.07,
        )
        if standing == Standing.FULL:
            joined_at = min(rng.randint(20, 45), max(self.today.year - birth.year - 2, 19))
            member.admitted_on = min(
                self.birth_date(birth.year + joined_at, birth.year + joined_at),
                self.today - datetime.timedelta(days=400),
            )
            member.full_member_on = add_years(member.admitted_on, 1)
            if rng.random() < 0.02:
                member.admitted_on = None  # an archive still missing the joining date: a gap to fill
        elif standing == Standing.PROBATIONARY:
            member.admitted_on = self.today - datetime.timedelta(days=rng.randint(30, 330))
        for key, value in fields.items():
            setattr(member, key, value)
        member.fill_search_keys()
        self.people.append(member)
        self.people_by_branch[branch.pk].append(member)
        return member

    # --- organisations --------------------------------------------------------------------------------

    def branch(self, office, kind: str, name: str, **fields) -> Branch:
        return Branch.objects.create(office=office, kind=kind, name=name, **fields)

    def build_organisations(self) -> None:
        offices = list(self.township.offices.select_related("community").order_by("sort_order", "name"))
        self.villages = {o.pk: list(o.villages.order_by("sort_order", "name")) for o in offices}
        for order, office in enumerate(offices):
            # The community is set up; its party organisation is what the campaign establishes (R1).
            community = getattr(office, "community", None)
            general = self.branch(
                office,
                BranchKind.OFFICE_GENERAL,
                f"{office.name}党总支",
                founded_on=datetime.date(2012, 5, 4) + datetime.timedelta(days=31 * order),
            )
            self.generals[office.pk] = general
            if community is not None:
                self.community_offices.append(office.pk)
            for village in self.villages[office.pk]:
                self.village_branches[office.pk].append(
                    self.branch(
                        office,
                        BranchKind.VILLAGE,
                        f"{village.name}党支部",
                        village=village,
                        parent=general,
                        community=community,
                        founded_on=datetime.date(1978 + village.sort_order * 2, 7, 1),
                    )
                )

    # --- the people of each organisation --------------------------------------------------------------

    def build_people(self) -> None:
        rng = self.rng
        for office_index, (office_id, general) in enumerate(self.generals.items()):
            community = office_id in self.community_offices
            # The office's staff belong to its general branch until a community office branch exists.
            staff_branch = general
            secretary_name = (
                OFFICE_SECRETARIES[office_index] if office_index < len(OFFICE_SECRETARIES) else None
            )
            self.fixed[f"secretary-{office_id}"] = self.person(
                staff_branch,
                name=secretary_name,
                gender=Gender.FEMALE if secretary_name in FEMALE_NAMES else Gender.MALE,
                born=(1966, 1980),
                occupation="办事处干部",
                education=Education.BACHELOR,
            )
            self.fixed[f"deputy-{office_id}"] = self.person(
                staff_branch, born=(1972, 1988), occupation="办事处干部", education=Education.COLLEGE
            )
            for _ in range(rng.randint(3, 5) if community else 2):
                self.person(
                    staff_branch, born=(1970, 1996), occupation="社区工作人员" if community else "办事处干部"
                )
            for index, branch in enumerate(self.village_branches[office_id]):
                name = (
                    VILLAGE_SECRETARIES[index]
                    if office_index == 0 and index < len(VILLAGE_SECRETARIES)
                    else None
                )
                self.fixed[f"village-secretary-{branch.pk}"] = self.person(
                    branch,
                    name=name,
                    gender=Gender.FEMALE if name in FEMALE_NAMES else Gender.MALE,
                    born=(1962, 1982),
                    occupation="村干部",
                )
                for _ in range(rng.randint(18, 29)):
                    probationary = rng.random() < 0.04
                    self.person(
                        branch,
                        standing=Standing.PROBATIONARY if probationary else Standing.FULL,
                        born=(1985, 2001) if probationary else (1938, 2000),
                        # A community's mobile members are made below, for its mobile-members branch.
                        is_mobile=not community and rng.random() < 0.06,
                    )
            if community:
                self.build_community_people(office_id)

    def build_community_people(self, office_id: int) -> None:
        """The people a community's branches (R3) are for, still in their village branches: the campaign
        moves them when it establishes the branches."""
        rng = self.rng

        def home() -> Branch:
            return rng.choice(self.village_branches[office_id])

        for _ in range(rng.randint(5, 7)):
            wealth = rng.random() < 0.6
            self.person(
                home(),
                born=(1965, 1990),
                is_wealth_expert=wealth,
                is_enterprise_head=not wealth or rng.random() < 0.5,
                occupation=rng.choice(
                    ["种植大户", "养殖大户", "农资经营", "建材厂负责人", "农机合作社理事长"]
                ),
            )
        for _ in range(rng.randint(10, 14)):
            self.person(home(), born=(1972, 1998), is_mobile=True, occupation="外出务工")
        for _ in range(rng.randint(6, 9)):
            self.person(
                home(),
                born=(1994, 2002),
                is_returned_graduate=True,
                education=rng.choice([Education.COLLEGE, Education.BACHELOR, Education.BACHELOR]),
                occupation=rng.choice(["电商创业", "农技推广", "待业", "村级后备干部"]),
            )
        for _ in range(rng.randint(6, 9)):
            self.person(home(), born=(1940, 1975), lives_elsewhere=True, occupation="退休")
        for _ in range(rng.randint(8, 12)):
            self.person(home(), born=(1960, 1990), occupation=rng.choice(ASSOCIATION_OCCUPATIONS))

    def save_people(self) -> None:
        bulk_create_with_history(self.people, Member, batch_size=500)

    # --- development (R3: the volunteer team is where new members are developed) ----------------------

    def build_development(self) -> None:
        """Wealth experts and small-enterprise heads at every stage, each step recorded by the service
        that checks the party's rules."""
        days = datetime.timedelta
        today = self.today
        plans = {
            # stage reached → the steps and their dates, counted back from today
            "applicant": lambda r: [(DevelopmentStage.APPLIED, today - days(r.randint(20, 200)))],
            "activist": lambda r: [
                (DevelopmentStage.APPLIED, today - days(r.randint(420, 600))),
                (DevelopmentStage.ACTIVIST, today - days(r.randint(60, 300))),
            ],
            "object": lambda r: [
                (DevelopmentStage.APPLIED, today - days(900)),
                (DevelopmentStage.ACTIVIST, today - days(r.randint(700, 800))),
                (DevelopmentStage.DEVELOPMENT_OBJECT, today - days(r.randint(30, 200))),
            ],
            "probationary": lambda r: [
                (DevelopmentStage.APPLIED, today - days(1300)),
                (DevelopmentStage.ACTIVIST, today - days(1200)),
                (DevelopmentStage.DEVELOPMENT_OBJECT, today - days(r.randint(500, 700))),
                (DevelopmentStage.ADMITTED, today - days(r.randint(40, 300))),
            ],
            "full": lambda r: [
                (DevelopmentStage.APPLIED, today - days(1800)),
                (DevelopmentStage.ACTIVIST, today - days(1700)),
                (DevelopmentStage.DEVELOPMENT_OBJECT, today - days(1200)),
                (DevelopmentStage.ADMITTED, today - days(900)),
                (DevelopmentStage.FULL, add_years(today - days(900), 1)),
            ],
            "extended": lambda r: [
                (DevelopmentStage.APPLIED, today - days(1500)),
                (DevelopmentStage.ACTIVIST, today - days(1400)),
                (DevelopmentStage.DEVELOPMENT_OBJECT, today - days(950)),
                (DevelopmentStage.ADMITTED, today - days(420)),
                (DevelopmentStage.EXTENDED, today - days(40)),
            ],
        }
        stages = ["applicant", "activist", "object", "probationary", "applicant", "activist", "object"]
        # Developed in their village branches until a volunteer-team branch takes them over.
        for number, office_id in enumerate(self.community_offices):
            chosen = stages + (["full"] if number % 2 == 0 else ["extended"])
            for stage in chosen:
                wealth = self.rng.random() < 0.6
                person = self.person(
                    self.rng.choice(self.village_branches[office_id]),
                    standing=Standing.NONE,
                    born=(1978, 1998),
                    is_wealth_expert=wealth,
                    is_enterprise_head=not wealth or self.rng.random() < 0.5,
                    occupation=self.rng.choice(["种植大户", "电商", "小型加工厂负责人", "物流配送点负责人"]),
                )
                person.save()  # one at a time: the service reads and writes each person
                for step, on in plans[stage](self.rng):
                    extra = {}
                    if step == DevelopmentStage.EXTENDED:
                        extra["until"] = add_years(person.admitted_on, 1) + datetime.timedelta(days=200)
                    services.record_development_step(person, step, on, decision_number="", **extra)
                    person.refresh_from_db()
        # Probationary members recorded before the system: their admission is the step on file.
        DevelopmentStep.objects.bulk_create(
            DevelopmentStep(member=p, stage=DevelopmentStage.ADMITTED, on=p.admitted_on, note="党员名册录入")
            for p in self.people
            if p.pk and p.standing == Standing.PROBATIONARY and not p.development_steps.exists()
        )

    # --- leadership (R2), terms and reserve cadres (R8) -----------------------------------------------

    def build_posts(self) -> None:
        """The office general branches' secretaries and deputies and the village secretaries; a community
        general branch's leadership (R2) comes from its establishment (establishment/demo.py)."""
        posts = []
        for office_id, general in self.generals.items():

            def post(branch, kind, person, started=OFFICE_TERM_STARTS, decision=OFFICE_DECISION):
                posts.append(
                    Post(branch=branch, kind=kind, person=person, started_on=started,
                         decision_number=decision, decision_date=started)
                )  # fmt: skip

            post(general, PostKind.SECRETARY, self.fixed[f"secretary-{office_id}"])
            post(general, PostKind.DEPUTY_SECRETARY, self.fixed[f"deputy-{office_id}"])
            for branch in self.village_branches[office_id]:
                person = self.fixed[f"village-secretary-{branch.pk}"]
                post(branch, PostKind.SECRETARY, person, started=self.current_term_start(branch), decision="")
        bulk_create_with_history(posts, Post)

    def term_starts(self, first: datetime.date) -> list[datetime.date]:
        """Five-year terms from `first` until one covers today (re-elected on time)."""
        starts = [first]
        while add_years(starts[-1], TERM_YEARS) <= self.today:
            starts.append(add_years(starts[-1], TERM_YEARS))
        return starts

    def current_term_start(self, branch: Branch) -> datetime.date:
        return self.term_starts(self.village_term_first(branch))[-1]

    def village_term_first(self, branch: Branch) -> datetime.date:
        if branch.pk == self.due_branch_pk:
            # One term ends within three months, so the warning shows.
            return add_years(self.today + datetime.timedelta(days=60), -TERM_YEARS)
        return datetime.date(2021, 3, 10) + datetime.timedelta(days=branch.village.sort_order)

    def build_terms(self) -> None:
        terms = []
        for office_id, general in self.generals.items():
            for number, start in enumerate(self.term_starts(OFFICE_TERM_STARTS), start=1):
                terms.append(self.term(general, number, start, ElectionMethod.COMPETITIVE))
            for branch in self.village_branches[office_id]:
                starts = self.term_starts(self.village_term_first(branch))
                for number, start in enumerate(starts, start=11):
                    terms.append(self.term(branch, number, start, ElectionMethod.COMPETITIVE))
        bulk_create_with_history(terms, Term)

    def term(self, branch: Branch, number: int, start: datetime.date, method: str) -> Term:
        members = len(self.people_by_branch[branch.pk]) or 5
        return Term(
            branch=branch,
            number=number,
            started_on=start,
            ends_on=add_years(start, TERM_YEARS),
            election_date=start,
            election_method=method,
            members_expected=members,
            members_present=members - self.rng.randint(0, min(3, members - 1)),
        )

    def build_reserve_cadres(self) -> None:
        cadres = []
        for office_id in self.community_offices:
            young = [
                p
                for b in self.village_branches[office_id]
                for p in self.people_by_branch[b.pk]
                if p.birth_date.year >= 1986 and p.standing == Standing.FULL and p not in self.fixed.values()
            ]
            for person in self.rng.sample(young, min(3, len(young))):
                self.fixed[f"reserve-{person.pk}"] = person
                cadres.append(
                    ReserveCadre(
                        branch=self.generals[office_id],
                        person=person,
                        since=datetime.date(2023, 7, 15),
                        recommended_by=f"{person.branch.name}推荐",
                        training="参加镇党校村级后备干部培训班",
                        assessment="工作积极，群众认可度高",
                        status=ReserveStatus.TRAINING,
                    )
                )
        bulk_create_with_history(cadres, ReserveCadre)

    # --- what happens to people: transfers, deaths, contacts ------------------------------------------

    def build_changes(self) -> None:
        rng = self.rng
        fixed = {p.pk for p in self.fixed.values()}
        candidates = [
            p
            for office_id in self.generals
            for b in self.village_branches[office_id]
            for p in self.people_by_branch[b.pk]
            if p.pk not in fixed and p.standing == Standing.FULL and not self.bound_for_a_branch(p)
        ]
        rng.shuffle(candidates)
        for person in candidates[:6]:
            services.transfer_out(
                person,
                self.past_day(400, 30),
                rng.choice(
                    ["合肥市蜀山区南七街道党工委", "上海市嘉定区马陆镇党委", "苏州工业园区娄葑街道党工委"]
                ),
                letter_number=f"皖组转〔{self.today.year}〕{rng.randint(10, 99)}号",
            )
        elderly = sorted(candidates[6:], key=lambda p: p.birth_date)[:5]
        for person in elderly:
            services.change_status(person, Status.DECEASED, self.past_day(500, 20), note="病故")
        rest = [p for p in candidates[6:] if p not in elderly]
        # Offices without a community: the campaign moves nobody there, so these moves stay in order.
        moving = [p for p in rest if p.branch.office_id not in self.community_offices][:2]
        for person in moving:
            services.transfer_within(
                person,
                self.generals[person.branch.office_id],
                self.past_day(300, 30),
                note="到办事处工作，组织关系转入办事处党总支",
            )
            Member.objects.filter(pk=person.pk).update(occupation="办事处干部")
        for person in [p for p in rest if p not in moving][:2]:
            services.transfer_in(
                person,
                self.past_day(700, 400),
                "阜阳市颍州区西湖镇党委",
                letter_number=f"阜组转〔{self.today.year - 1}〕{rng.randint(10, 99)}号",
                note="返乡创业，组织关系转回",
            )

    @staticmethod
    def bound_for_a_branch(person: Member) -> bool:
        """Whether a community's branches (R3) are meant for him: the campaign moves him, so nothing else
        happens to him here."""
        return (
            person.is_wealth_expert
            or person.is_enterprise_head
            or person.is_mobile
            or person.is_returned_graduate
            or person.lives_elsewhere
            or person.occupation in ASSOCIATION_OCCUPATIONS
        )

    def past_day(self, most: int, least: int) -> datetime.date:
        return self.today - datetime.timedelta(days=self.rng.randint(least, most))

    def build_contacts(self) -> None:
        rng = self.rng
        logs = []
        last = {}
        for person in Member.objects.filter(township=self.township, is_mobile=True, status=Status.ACTIVE):
            roll = rng.random()
            if roll < 0.05:
                continue  # nobody has contacted him yet
            # Most were contacted within the last three months; about one in five is overdue.
            latest = self.past_day(300, 100) if roll < 0.25 else self.past_day(80, 3)
            earlier = [
                latest - datetime.timedelta(days=rng.randint(25, 70) * n) for n in range(rng.randint(0, 3))
            ]
            dates = sorted({latest, *earlier})
            for on in dates:
                logs.append(
                    ContactLog(
                        member=person,
                        on=on,
                        means=rng.choice(ContactMeans.values),
                        whereabouts=rng.choice(
                            ["江苏苏州", "浙江宁波", "上海嘉定", "广东东莞", "合肥经开区"]
                        ),
                        content=rng.choice(
                            ["了解务工近况，传达支部学习要求", "提醒按时交纳党费", "通报村里近期工作"]
                        ),
                    )
                )
            last[person.pk] = dates[-1]
        ContactLog.objects.bulk_create(logs)
        for pk, on in last.items():
            Member.objects.filter(pk=pk).update(last_contact_on=on)

    # --- archives (R8) --------------------------------------------------------------------------------

    def build_archives(self) -> None:
        rng = self.rng
        for kind in REQUIRED_KINDS:
            RequiredArchiveKind.objects.get_or_create(township=self.township, kind=kind)
        first = datetime.date(self.today.year, 1, 1)
        span = (self.today - first).days
        entries = []
        for pk in Member.objects.filter(township=self.township, status=Status.ACTIVE).values_list(
            "pk", flat=True
        ):
            kinds = [k for k in REQUIRED_KINDS if k not in FROM_MEETINGS]
            if rng.random() > COMPLETE_SHARE:
                for kind in rng.sample(kinds, rng.randint(1, len(kinds))):
                    kinds.remove(kind)
            kinds += [
                k
                for k in EntryKind.values
                if k not in REQUIRED_KINDS and k not in FROM_MEETINGS and rng.random() < 0.35
            ]
            for kind in kinds:
                on = first + datetime.timedelta(days=rng.randint(0, span))
                text = rng.choice(ENTRY_TEXTS[kind]).format(m=on.month)
                entries.append(ArchiveEntry(member_id=pk, kind=kind, on=on, content=text))
        ArchiveEntry.objects.bulk_create(entries, batch_size=2000)

    # --- all of it ------------------------------------------------------------------------------------

    def build(self) -> None:
        self.build_organisations()
        self.due_branch_pk = self.village_branches[list(self.generals)[-1]][-1].pk
        self.build_people()
        self.save_people()
        self.build_development()
        self.build_posts()
        self.build_terms()
        self.build_reserve_cadres()
        self.build_changes()
        self.build_contacts()
        self.build_archives()


def grant_personal_data(township: Township) -> None:
    """The demo's `township` account may show full ID and phone numbers (each showing is audited)."""
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Permission

    permission = Permission.objects.get(content_type__app_label="members", codename="view_personal_data")
    for user in get_user_model().objects.filter(username="township", township=township):
        user.user_permissions.add(permission)


def build(township: Township, stdout=None) -> None:
    """Add the organisations and people to the demo township; when they are there, change nothing."""
    grant_personal_data(township)
    if Branch.objects.filter(office__township=township).exists():
        return
    with transaction.atomic():
        demo = Demo(township, stdout)
        demo.build()
    if stdout is not None:
        stdout.write(
            f"党组织 {Branch.objects.filter(office__township=township).count()} 个，"
            f"人员 {Member.objects.filter(township=township).count()} 名 / organisations and people ready."
        )


def reset(township: Township) -> None:
    """Remove the demo township's organisations and people, in the order their protected links allow.
    (The demo is the one place where people's records are deleted.)"""
    # Their history stays; a deletion marker for each of thousands of demo rows would only be noise, and
    # writing them one by one is most of the time a reset takes.
    with override_settings(SIMPLE_HISTORY_ENABLED=False):
        _delete(township)


def _delete(township: Township) -> None:
    branches = Branch.objects.filter(office__township=township)
    people = Member.objects.filter(township=township)
    Post.objects.filter(branch__in=branches).delete()
    Post.objects.filter(person__in=people).delete()
    ReserveCadre.objects.filter(branch__in=branches).delete()
    ReserveCadre.objects.filter(person__in=people).delete()
    Term.objects.filter(branch__in=branches).delete()
    Transfer.objects.filter(member__in=people).delete()
    people.delete()
    RequiredArchiveKind.objects.filter(township=township).delete()
    # A branch protects the branches under it: the leaves go first.
    while branches.exists():
        branches.filter(children__isnull=True).delete()
