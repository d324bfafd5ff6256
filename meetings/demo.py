"""The demo township's meetings (三会一课 and the community party-building meeting, R5) of the twelve months
up to today, with attendance written to the member archive (R8), and last December's organisational life
meeting and democratic review of members.

Every active organisation meets on the township's default cadence: each branch its committee, theme party
day and party group every month, its general meeting and party lecture every quarter; each general branch
its committee every month and its general meeting and lecture every quarter, and where the office has set
up a community, the community party-building meeting every month. A branch founded this year (the
campaign's, establishment/demo.py) meets from its founding, starting with the general meeting that
elects its committee. Who is expected is worked out as
meetings.services.expected_attendees does, but as of the meeting's day: people moved by the campaign in
the summer sat in their village branch's meetings before.

Some are behind (the story, by branch):
- 北岭 萧庄村: its secretary was in hospital (duty_roster/demo.py): the first month's committee, theme day
  and party group were missed, the theme day made up the month after;
- 柳河 袁集村: no general meeting and no lecture last quarter, in the harvest;
- 柳河 潘湾村: no theme day and no party group last month;
- 马集 沈楼村: no party group meeting for four months;
- 南湖 杨桥村: the lecture of two quarters ago was made up in the quarter after (on cadence, late);
- 杨庄 叶楼村: more than a third of its members graded excellent in the review, so the warning shows.

The dates are counted back from today; everything else is deterministic (each meeting's attendance and
grades come from a generator seeded with its organisation's name, kind and date, so a rebuilt demo is the
same demo). The archive entries are the ones meetings.services.archive_entries_for writes, made for all
meetings at once and bulk-created.
"""

import datetime
import random
from collections import defaultdict
from dataclasses import dataclass, field
from functools import partial

from django.db import transaction
from django.db.models import QuerySet
from django.test.utils import override_settings
from django.utils import timezone, translation

from accounts.choices import Role
from accounts.models import User
from branches.choices import GENERAL_KINDS, POST_ORDER, BranchKind, OtherBranchKind
from branches.models import Branch, Post
from communities.models import Township
from duty_roster.demo import moment, month_back
from duty_roster.models import Leave
from meetings.choices import AttendanceStatus, MeetingKind, ReviewGrade
from meetings.models import Attendance, Meeting, ReviewResult
from meetings.services import archive_entries_for
from members.choices import PARTY_MEMBER_STANDINGS, Status, TransferKind
from members.models import ArchiveEntry, Member, Transfer

SEED = 2026
MONTHS = 12
BEGINNING, END = datetime.date.min, datetime.date.max

# Branch (by name) → what went wrong; months are counted back from the current one.
HOSPITAL_BRANCH = "萧庄村党支部"  # its secretary's sick leave: duty_roster/demo.py LEAVES[3]
HOSPITAL_MISSED = 3  # the month he was away all of: nothing held
HOSPITAL_BACK = 2  # the month he came back in (after the 15th): meetings late in the month, a make-up
HARVEST_BRANCH = "袁集村党支部"  # last quarter: no general meeting, no lecture
LAST_MONTH_BRANCH = "潘湾村党支部"  # last month: no theme day, no party group
NO_GROUP_BRANCH = "沈楼村党支部"  # no party group meeting for four months
NO_GROUP_MONTHS = (4, 3, 2, 1)
MAKEUP_LECTURE_BRANCH = "杨桥村党支部"  # the lecture of two quarters ago made up in the next quarter
EXCELLENT_BRANCH = "叶楼村党支部"  # more than a third excellent: the review warning

# The kinds a branch holds every month, and every quarter; (hour, minute, minutes long) of each kind.
MONTHLY_BRANCH = [MeetingKind.COMMITTEE, MeetingKind.THEME_DAY, MeetingKind.PARTY_GROUP]
QUARTERLY = [MeetingKind.GENERAL_MEETING, MeetingKind.LECTURE]
START_TIMES = {
    MeetingKind.COMMITTEE: (9, 0, 60),
    MeetingKind.THEME_DAY: (9, 0, 120),
    MeetingKind.PARTY_GROUP: (19, 30, 60),
    MeetingKind.GENERAL_MEETING: (9, 0, 90),
    MeetingKind.LECTURE: (14, 30, 90),
    MeetingKind.COMMUNITY_MEETING: (8, 30, 90),
    MeetingKind.LIFE_MEETING: (8, 30, 150),
    MeetingKind.DEMOCRATIC_REVIEW: (14, 30, 120),
}

# (topic, what was done, resolutions) by calendar month.
THEME_DAYS = {
    1: [
        ("主题党日：走访慰问困难党员和老党员",
         "党员分成三组走访慰问困难党员、老党员，送去米面油和慰问金，听取对村里工作的意见建议。",
         "1. 建立困难党员帮扶台账，支委分片联系；2. 春节前再组织一次走访。"),
        ("主题党日：学习贯彻党的二十届四中全会精神",
         "集中学习党的二十届四中全会公报，书记结合本村实际作辅导，党员交流学习体会。",
         "1. 每名党员撰写一篇学习体会；2. 党员联系户宣讲全会精神。"),
    ],
    2: [
        ("主题党日：春节安全生产和森林防火宣传",
         "党员分组入户发放防火宣传单，检查烟花爆竹燃放点，提醒群众文明祭祀。",
         "1. 春节期间党员轮流值守；2. 发现火情隐患立即报告。"),
        ("主题党日：移风易俗，倡导文明新风",
         "学习村规民约中红白事办理标准，党员签订移风易俗承诺书。",
         "1. 党员带头婚事新办、丧事简办；2. 红白理事会加强监督。"),
    ],
    3: [
        ("主题党日：学雷锋志愿服务，清洁家园",
         "党员志愿者清理村内主干道和沟渠垃圾，为孤寡老人打扫庭院。",
         "1. 每月开展一次志愿服务；2. 党员包片负责环境卫生。"),
        ("主题党日：义务植树，绿化村庄",
         "党员在村道两侧补植苗木，划定党员责任林。",
         "1. 党员分段管护苗木；2. 月底前完成补植。"),
    ],
    4: [
        ("主题党日：清明祭扫烈士墓，缅怀革命先烈",
         "组织党员到烈士陵园敬献花篮，重温入党誓词，讲述革命先烈事迹。",
         "1. 开展一次红色故事分享；2. 组织青少年参观烈士陵园。"),
        ("主题党日：学习《中国共产党纪律处分条例》",
         "逐章学习纪律处分条例，结合典型案例开展警示教育。",
         "1. 党员对照检查，查摆问题；2. 支委开展一次谈心谈话。"),
    ],
    5: [
        ("主题党日：志愿清洁家园，整治人居环境",
         "党员分组清理房前屋后杂物和乱堆乱放，拆除废弃旱厕。",
         "1. 建立党员包户环境卫生责任制；2. 每周检查一次。"),
        ("主题党日：三夏生产秸秆禁烧宣传",
         "学习秸秆禁烧和综合利用政策，党员分片入户宣传，签订禁烧承诺书。",
         "1. 三夏期间党员分田块巡查；2. 协调农机开展秸秆还田。"),
    ],
    6: [
        ("主题党日：防汛应急演练和隐患排查",
         "开展防汛应急演练，排查沟渠、塘坝和危旧房屋隐患。",
         "1. 组建党员防汛突击队；2. 汛期实行24小时值班。"),
        ("主题党日：防溺水安全宣传",
         "党员到坑塘边设置警示牌，入户提醒家长看护好孩子。",
         "1. 暑期党员轮流巡查坑塘；2. 学校放假前再宣传一次。"),
    ],
    7: [
        ("主题党日：庆祝建党{party_age}周年，重温入党誓词",
         "全体党员面向党旗重温入党誓词，为党龄50年以上的老党员颁发纪念章，书记讲专题党课。",
         "1. 表彰一批优秀共产党员；2. 走访慰问生活困难老党员。"),
        ("主题党日：七一表彰和党员政治生日",
         "为七月入党的党员过政治生日，表彰优秀共产党员，党员代表发言。",
         "1. 优秀党员事迹在村务公开栏展示；2. 作为年底评先树优的参考。"),
    ],
    8: [
        ("主题党日：八一走访慰问退役军人",
         "走访慰问村内退役军人和军属，了解生活困难，宣传优待政策。",
         "1. 建立退役军人联系台账；2. 困难户纳入帮扶。"),
        ("主题党日：高温天气关爱独居老人",
         "党员入户查看独居老人防暑降温情况，送去防暑药品。",
         "1. 党员结对联系独居老人；2. 高温期间每周上门一次。"),
    ],
    9: [
        ("主题党日：秋收防火安全宣传",
         "学习秋季防火和秸秆禁烧要求，党员分组到田间地头宣传，排查火灾隐患。",
         "1. 秋收期间党员分片巡查；2. 发现焚烧立即劝阻并报告。"),
        ("主题党日：金秋助学走访",
         "走访本村考上大学的困难家庭学生，宣传生源地助学贷款政策。",
         "1. 为困难学生申请助学金；2. 联系爱心企业结对帮扶。"),
    ],
    10: [
        ("主题党日：重阳节敬老志愿服务",
         "为村内80岁以上老人理发、量血压、打扫卫生，陪老人拉家常。",
         "1. 建立党员联系高龄老人制度；2. 每季度开展一次敬老服务。"),
        ("主题党日：国庆升国旗和爱国主义教育",
         "组织党员群众举行升国旗仪式，观看爱国主义教育影片。",
         "1. 开展一次“我为家乡做贡献”讨论；2. 整理影像资料归档。"),
    ],
    11: [
        ("主题党日：学习贯彻党的二十届四中全会精神",
         "集中学习全会精神，结合本村“十五五”发展思路开展讨论。",
         "1. 收集党员对村发展的意见建议；2. 形成本村“十五五”发展初步思路。"),
        ("主题党日：冬季消防安全检查",
         "党员分组入户检查取暖用电用火安全，讲解一氧化碳中毒预防知识。",
         "1. 对独居老人家庭重点检查；2. 发现的隐患登记销号。"),
    ],
    12: [
        ("主题党日：国家宪法日法治宣传",
         "学习宪法和民法典有关条文，党员入户发放法治宣传资料。",
         "1. 开展一次“法律明白人”培训；2. 矛盾纠纷逐件登记调解。"),
        ("主题党日：冬日送温暖",
         "为困难群众和孤寡老人送去棉被、米面，帮助检查取暖设施。",
         "1. 春节前完成困难户走访全覆盖；2. 登记群众急难愁盼问题。"),
    ],
}  # fmt: skip
PARTY_GROUPS = {
    1: ("党小组学习：党的二十届四中全会公报", "党小组长领学全会公报，党员逐一发言谈体会。",
        "每名党员向联系户宣讲全会精神。"),
    2: ("党小组学习：《中国共产党章程》总纲", "逐段学习党章总纲，党员对照党员标准查找差距。",
        "党员对照党章写出个人查摆清单。"),
    3: ("党小组学习：全国两会精神", "学习政府工作报告中有关“三农”的内容，讨论本村春耕生产。",
        "党员带头落实春耕备耕措施。"),
    4: ("党小组学习：中央一号文件和乡村全面振兴政策", "学习中央一号文件要点，讨论本村产业发展。",
        "收集发展特色种养殖的意见建议，报支委会研究。"),
    5: ("党小组学习：《中国共产党农村基层组织工作条例》", "学习条例中党员教育管理有关章节。",
        "规范党员积分管理，每月公示。"),
    6: ("党小组学习：纪律处分条例典型案例", "通报近期农村基层违纪典型案例，开展警示教育。",
        "党员签订廉洁自律承诺书。"),
    7: ("党小组讨论：党员联系户走访情况交流", "党员逐一汇报联系户走访情况和群众反映的问题。",
        "群众反映的问题汇总报支委会，逐件落实。"),
    8: ("党小组讨论：人居环境整治分工", "讨论本组负责路段和沟渠的环境整治分工。",
        "按户划分责任区，每周检查一次。"),
    9: ("党小组学习：农村土地承包和宅基地政策", "学习土地承包延包和宅基地管理政策，解答党员疑问。",
        "党员向群众宣传政策，不传不实信息。"),
    10: ("党小组学习：防范电信网络诈骗", "观看反诈宣传片，交流身边的诈骗案例。",
         "党员帮助家中老人安装反诈APP。"),
    11: ("党小组学习：“十五五”规划建议", "学习全会关于制定“十五五”规划的建议，讨论村里的发展。",
         "每名党员为村“十五五”发展提一条建议。"),
    12: ("党小组学习：冬季安全生产和消防知识", "学习冬季用火用电安全知识，讨论冬季农机和大棚安全。",
         "党员对联系户开展一次安全提醒。"),
}  # fmt: skip
COMMITTEES = {
    1: ("研究春节前走访慰问和安全稳定工作", "确定春节前走访慰问对象名单，安排节日期间值班和安全检查。",
        "1. 慰问名单在村务公开栏公示；2. 节日期间支委轮流值班。"),
    2: ("研究年度党建工作计划和党员积分管理", "讨论本年度党建工作计划和党员积分管理细则。",
        "1. 工作计划提交党员大会审议；2. 积分每季度公示一次。"),
    3: ("研究春耕生产服务和年度发展党员计划", "研究春耕农资供应服务，讨论年度发展党员计划。",
        "1. 组织党员服务队帮助缺劳力户春耕；2. 年度发展党员计划报上级党组织。"),
    4: ("发展党员工作讨论：确定入党积极分子", "听取入党申请人培养情况汇报，讨论确定入党积极分子。",
        "1. 确定入党积极分子，指定培养联系人；2. 报上级党组织备案。"),
    5: ("研究三夏生产和秸秆禁烧工作", "部署三夏生产服务和秸秆禁烧巡查，划分党员责任田块。",
        "1. 支委分片包干禁烧巡查；2. 协调农机开展秸秆还田。"),
    6: ("研究防汛工作部署和七一表彰名单", "部署汛期值班和隐患排查，讨论七一优秀共产党员推荐名单。",
        "1. 汛期支委带班值守；2. 优秀共产党员推荐名单公示。"),
    7: ("研究上半年党费收缴和使用情况", "通报上半年党费收缴情况，研究困难党员慰问经费使用。",
        "1. 党费收缴情况在党员大会通报；2. 补缴党费逐人提醒。"),
    8: ("研究困难党员帮扶和退役军人走访", "讨论困难党员帮扶措施和八一走访慰问安排。",
        "1. 困难党员一人一策帮扶；2. 走访情况登记入台账。"),
    9: ("秋收防火安全部署", "部署秋收期间防火和秸秆禁烧工作，安排党员分片巡查。",
        "1. 支委分片包干，责任到人；2. 每日巡查情况微信群报告。"),
    10: ("发展党员工作讨论：确定发展对象", "听取入党积极分子培养考察情况，讨论确定发展对象。",
         "1. 确定发展对象，开展政治审查；2. 安排发展对象参加集中培训。"),
    11: ("研究冬季征兵和冬季防火工作", "研究冬季征兵宣传和适龄青年摸底，部署冬季防火检查。",
         "1. 入户宣传征兵政策；2. 冬季防火检查覆盖全部农户。"),
    12: ("研究年度民主评议党员和组织生活会方案", "讨论年度组织生活会和民主评议党员工作方案，安排谈心谈话。",
         "1. 支委之间、支委和党员之间开展谈心谈话；2. 方案报上级党组织审核。"),
}  # fmt: skip
GENERAL_MEETINGS = {
    1: ("通报上年度支部工作，部署全年党建任务",
        "书记通报上年度支部工作和党费收缴情况，党员讨论全年党建任务。",
        "1. 审议通过年度党建工作计划；2. 党员分组认领年度任务。"),
    2: ("学习党纪党规，通报上半年重点工作", "集中学习党纪党规，通报上半年村级重点工作推进情况。",
        "1. 党员对照党纪党规自查；2. 重点工作按进度推进。"),
    3: ("半年工作总结，讨论村集体经济发展项目", "总结上半年支部工作，讨论村集体经济发展项目实施方案。",
        "1. 原则通过村集体经济项目实施方案，按“四议两公开”程序办理；2. 项目进展每月公开。"),
    4: ("学习贯彻党的二十届四中全会精神，讨论村“十五五”发展思路",
        "学习全会精神，讨论本村“十五五”发展思路，收集党员意见建议。",
        "1. 形成本村“十五五”发展思路初稿；2. 征求群众意见后再次讨论。"),
}  # fmt: skip
LECTURES = {
    1: ("党课：推进乡村全面振兴，党员要走在前、作表率",
        "书记结合中央一号文件和本村产业发展讲党课，党员交流发言。",
        "党员带头发展特色种养殖，结对帮带困难户。"),
    2: ("党课：学党章、守党纪、讲规矩", "书记围绕党章党纪讲党课，结合身边案例谈认识。",
        "党员对照党章党纪开展自查。"),
    3: ("党课：弘扬伟大建党精神，践行初心使命", "书记讲述建党精神和本村老党员事迹，党员交流体会。",
        "开展“党员身边无违纪”承诺活动。"),
    4: ("党课：深入学习贯彻党的二十届四中全会精神", "书记结合全会精神和本村实际讲党课，党员讨论发言。",
        "把全会精神落实到村“十五五”发展谋划中。"),
}  # fmt: skip
COMMUNITY_FOCUS = {
    1: "春节前安全稳定和走访慰问",
    2: "年度党建工作要点和村书记值班安排",
    3: "春耕生产服务和年度发展党员计划",
    4: "清明森林防火和人居环境整治",
    5: "三夏生产和秸秆禁烧",
    6: "农村社区党组织建设推进",
    7: "七一表彰和防汛工作",
    8: "“三会一课”落实情况督查",
    9: "秋收防火和月清月结台账检查",
    10: "秋收秸秆禁烧和冬季征兵",
    11: "冬季防火和党员冬训",
    12: "年度考核和民主评议党员工作",
}
COMMUNITY_RESOLUTIONS = {
    1: "1. 各村完成困难党员和困难群众走访；2. 节日期间村书记值班岗照常运行。",
    2: "1. 各村上报年度党建工作计划；2. 村书记值班表在服务中心公示。",
    3: "1. 各村做好春耕农资服务；2. 月底前上报年度发展党员计划。",
    4: "1. 各村落实清明期间护林防火值守；2. 开展人居环境整治月活动。",
    5: "1. 各村落实秸秆禁烧网格责任；2. 三夏期间村书记值班延长到晚8点。",
    6: "1. 各村支部按要求完成党员摸底；2. 汛期各村落实24小时值班。",
    7: "1. 推荐优秀共产党员和优秀党务工作者；2. 各村排查防汛隐患。",
    8: "1. 各支部补齐“三会一课”记录；2. 下月开展交叉检查。",
    9: "1. 各村落实秋收防火巡查；2. 各村月清月结台账当月销号。",
    10: "1. 各村落实秸秆禁烧责任；2. 做好冬季征兵宣传和适龄青年摸底。",
    11: "1. 各村完成冬季防火入户检查；2. 制定党员冬训计划。",
    12: "1. 各支部年底前召开组织生活会、开展民主评议党员；2. 准备年度考核材料。",
}

FOUNDING_MEETING = (
    "支部成立暨第一次党员大会，选举产生支部委员会",
    "宣读上级党组织批准成立的批复，介绍支部党员组成，差额推选支部委员会委员，新任书记表态发言。",
    "1. 支部委员会分工：书记、组织委员、宣传委员；2. 本月内建立“三会一课”记录和党员档案。",
)
LEAVE_REASONS = ["家中有事", "生病住院", "照顾生病家人", "在外地照看孙辈", "走亲戚", "参加县里培训"]
AWAY_REASONS = ["外出务工", "在外地务工，会后线上学习会议精神"]
ELSEWHERE_REASONS = ["随子女在外地居住", "在外居住，会后电话传达会议精神"]
OLD_AGE_REASONS = ["年老体弱，行动不便", "年事已高，会后送学上门"]
HARVEST_REASONS = ["农忙抢收", "地里收庄稼"]
LATE_REASONS = ["地里干活来晚了", "接送孩子来晚了", "路远来晚了", ""]
BASIC_NOTES = ["长期外出，参加组织生活较少", "党费交纳不够及时", "参加集体活动不够积极"]
EXCELLENT_NOTES = ["带头参加村庄环境整治", "帮带困难户发展生产", "热心调解邻里纠纷", ""]


@dataclass
class Plan:
    """A meeting to write: its kind and day, and for a make-up the day of the period it makes up for."""

    kind: str
    on: datetime.date
    makeup_for: datetime.date | None = None
    note: str = ""
    topic: tuple[str, str, str] | None = None  # (topic, what was done, resolutions) when not the usual


@dataclass
class Leader:
    person_id: int
    name: str
    kind: str  # post kind, or "" for a leading member of a branch without posts


@dataclass
class Written:
    meeting: Meeting
    attendances: list[Attendance] = field(default_factory=list)
    reviews: list[ReviewResult] = field(default_factory=list)


def clamp(year: int, month: int, day: int) -> datetime.date:
    last = (datetime.date(year + month // 12, month % 12 + 1, 1) - datetime.timedelta(days=1)).day
    return datetime.date(year, month, min(day, last))


def quarter_of(day: datetime.date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3 + 1


def quarter_back(today: datetime.date, back: int) -> tuple[int, int]:
    year, quarter = quarter_of(today)
    index = year * 4 + quarter - 1 - back
    return index // 4, index % 4 + 1


class MeetingsDemo:
    """One run of the builder: the township's organisations, people, posts and transfers, loaded once."""

    def __init__(self, township: Township):
        self.township = township
        self.today = timezone.localdate()
        self.months = [
            month_back(self.today.year, self.today.month, back) for back in range(MONTHS - 1, -1, -1)
        ]
        self.review_year = self.today.year - 1  # last December's life meeting and review
        self.branches = list(
            Branch.objects.filter(office__township=township, dissolved_on__isnull=True)
            .select_related("office__community", "village", "community")
            .order_by("office__sort_order", "office__name", "pk")
        )
        self.children: dict[int | None, list[int]] = defaultdict(list)
        for branch in self.branches:
            self.children[branch.parent_id].append(branch.pk)
        self.posts: dict[int, list[Post]] = defaultdict(list)
        for post in Post.objects.filter(branch__in=self.branches).select_related("person").order_by("pk"):
            self.posts[post.branch_id].append(post)
        self.load_people()
        self.leave = defaultdict(list)  # person → his duty leave (the duty demo's), as (first, last, reason)
        for leave in Leave.objects.filter(post__office__township=township):
            self.leave[leave.person_id].append((leave.starts_on, leave.ends_on, leave.reason))
        self.users = self.recording_users()

    # --- who belonged where, when ------------------------------------------------------------------------

    def load_people(self) -> None:
        """Each party member's spans in organisations: [start, end) from admission or transfer in to
        leaving, split at the transfers within the township."""
        people = Member.objects.filter(township=self.township, standing__in=PARTY_MEMBER_STANDINGS).only(
            "pk",
            "name",
            "branch_id",
            "status",
            "status_changed_on",
            "admitted_on",
            "birth_date",
            "is_mobile",
            "lives_elsewhere",
            "stroke_key",
        )
        transfers: dict[int, list[Transfer]] = defaultdict(list)
        for transfer in Transfer.objects.filter(member__township=self.township).order_by("on", "pk"):
            transfers[transfer.member_id].append(transfer)
        self.people: dict[int, Member] = {}
        self.spans: dict[int, list[tuple[Member, datetime.date, datetime.date]]] = defaultdict(list)
        for person in people:
            self.people[person.pk] = person
            start = person.admitted_on or BEGINNING
            moves = transfers.get(person.pk, [])
            came = [t.on for t in moves if t.kind == TransferKind.IN]
            if came:
                start = max(start, came[-1])
            end = END
            if person.status != Status.ACTIVE:
                end = person.status_changed_on or BEGINNING
            branch, until = person.branch_id, end
            for move in reversed([t for t in moves if t.kind == TransferKind.WITHIN]):
                if max(start, move.on) < until:
                    self.spans[branch].append((person, max(start, move.on), until))
                branch, until = move.from_branch_id, min(until, move.on)
            if start < until:
                self.spans[branch].append((person, start, until))
        for spans in self.spans.values():
            spans.sort(key=lambda span: (span[0].stroke_key, span[0].pk))

    def subtree(self, branch_id: int) -> list[int]:
        ids, frontier = [branch_id], [branch_id]
        while frontier:
            frontier = [child for pk in frontier for child in self.children.get(pk, [])]
            ids.extend(frontier)
        return ids

    def members_on(self, branch_ids: list[int], day: datetime.date) -> list[Member]:
        return [person for pk in branch_ids for person, start, end in self.spans[pk] if start <= day < end]

    def leaders_on(self, branch_ids: list[int], day: datetime.date) -> list[Leader]:
        """The post holders on `day`. A branch's posts on record may begin at its last election: before
        it, the holders in post now led it (re-elected)."""
        leaders: dict[int, Leader] = {}
        for pk in branch_ids:
            posts = self.posts.get(pk, [])
            held = [p for p in posts if p.started_on <= day and (p.ended_on is None or p.ended_on >= day)]
            if not held:
                held = [p for p in posts if p.ended_on is None]
            for post in sorted(held, key=lambda p: POST_ORDER.get(p.kind, 99)):
                if post.person.status == Status.ACTIVE or (post.person.status_changed_on or END) > day:
                    leaders.setdefault(post.person_id, Leader(post.person_id, post.person.name, post.kind))
        return list(leaders.values())

    def committee(self, branch: Branch, day: datetime.date) -> list[Leader]:
        """Who sits on the committee: the post holders; a new branch that has no posts on record yet is
        led by three of its members (its secretary-to-be first)."""
        leaders = self.leaders_on([branch.pk], day)
        if leaders:
            return leaders
        members = sorted(self.members_on([branch.pk], day), key=lambda p: (p.birth_date, p.pk))[:3]
        return [Leader(p.pk, p.name, "") for p in members]

    def recorder_for(self, branch: Branch, host: str, day: datetime.date) -> str:
        """A deputy where there is one; else a younger member of the branch keeps the record."""
        for leader in self.committee(branch, day)[1:]:
            if leader.name != host:
                return leader.name
        members = [p for p in self.members_on(self.subtree(branch.pk), day) if p.name != host]
        if not members:
            return ""
        young = [p for p in members if p.birth_date.year >= 1975] or members
        return young[(branch.office.sort_order * 7 + len(branch.name)) % len(young)].name

    def recording_users(self) -> dict[int, User]:
        """Who records a branch's meetings: the village secretary with an account, else the office's."""
        users: dict[int, User] = {}
        offices = {}
        for user in User.objects.filter(role=Role.OFFICE_SECRETARY, office__township=self.township).order_by(
            "pk"
        ):
            offices.setdefault(user.office_id, user)
        villages = {
            user.village_id: user
            for user in User.objects.filter(
                role=Role.VILLAGE_SECRETARY, village__office__township=self.township
            )
        }
        for branch in self.branches:
            user = villages.get(branch.village_id) if branch.kind == BranchKind.VILLAGE else None
            users[branch.pk] = user or offices.get(branch.office_id)
        return users

    # --- the plan of meetings ----------------------------------------------------------------------------

    def plans(self, branch: Branch, index: int) -> list[Plan]:
        general = branch.kind in GENERAL_KINDS
        plans: list[Plan] = []
        for year, month in self.months:
            if general:
                plans.append(Plan(MeetingKind.COMMITTEE, clamp(year, month, 3 + index % 4)))
                if getattr(branch.office, "community", None) is not None:
                    # On the first Monday, when the village secretaries all work at the community (R6).
                    first = datetime.date(year, month, 1)
                    monday = first + datetime.timedelta(days=(7 - first.weekday()) % 7)
                    plans.append(Plan(MeetingKind.COMMUNITY_MEETING, monday))
            else:
                plans.append(Plan(MeetingKind.COMMITTEE, clamp(year, month, 3 + index % 5)))
                plans.append(Plan(MeetingKind.THEME_DAY, clamp(year, month, 10 + index % 5)))
                plans.append(Plan(MeetingKind.PARTY_GROUP, clamp(year, month, 18 + index % 6)))
        first_quarter = quarter_of(datetime.date(*self.months[0], 1))
        last_quarter = quarter_of(self.today)
        year, quarter = first_quarter
        while (year, quarter) <= last_quarter:
            first_month = (quarter - 1) * 3 + 1
            plans.append(Plan(MeetingKind.GENERAL_MEETING, clamp(year, first_month + 1, 15 + index % 8)))
            plans.append(Plan(MeetingKind.LECTURE, clamp(year, first_month + 2, 6 + index % 10)))
            year, quarter = (year + 1, 1) if quarter == 4 else (year, quarter + 1)
        review_day = datetime.date(self.review_year, 12, 16 + index % 12)
        plans.append(Plan(MeetingKind.LIFE_MEETING, review_day))
        plans.append(Plan(MeetingKind.DEMOCRATIC_REVIEW, review_day))
        plans = self.story(branch, plans)
        return [plan for plan in (self.after_founding(branch, plan) for plan in plans) if plan]

    def after_founding(self, branch: Branch, plan: Plan) -> Plan | None:
        """A branch founded in a period meets in it after its founding; none before, none from today."""
        founded = branch.founded_on
        if founded and plan.on < founded:
            if plan.kind in QUARTERLY and quarter_of(plan.on) == quarter_of(founded):
                # The founding general meeting elects the committee; the first lecture follows.
                if plan.kind == MeetingKind.GENERAL_MEETING:
                    plan.on, plan.topic = founded, FOUNDING_MEETING
                else:
                    year, quarter = quarter_of(founded)
                    plan.on = min(founded + datetime.timedelta(days=7), clamp(year, quarter * 3, 31))
            elif (plan.on.year, plan.on.month) == (founded.year, founded.month) and plan.kind not in (
                MeetingKind.LIFE_MEETING,
                MeetingKind.DEMOCRATIC_REVIEW,
            ):
                plan.on = min(founded + datetime.timedelta(days=3), clamp(founded.year, founded.month, 31))
            else:
                return None
        if plan.kind in QUARTERLY and plan.on < datetime.date(*self.months[0], 1):
            return None  # the year is the twelve months up to today
        return plan if plan.on < self.today else None

    def month(self, back: int) -> tuple[int, int]:
        return month_back(self.today.year, self.today.month, back)

    def story(self, branch: Branch, plans: list[Plan]) -> list[Plan]:
        """The branches behind on cadence (the module's docstring)."""

        def in_month(plan: Plan, back: int) -> bool:
            return (plan.on.year, plan.on.month) == self.month(back)

        if branch.name == HOSPITAL_BRANCH:
            missed = [MeetingKind.COMMITTEE, MeetingKind.THEME_DAY, MeetingKind.PARTY_GROUP]
            plans = [p for p in plans if not (in_month(p, HOSPITAL_MISSED) and p.kind in missed)]
            year, month = self.month(HOSPITAL_BACK)
            for plan in plans:
                moved = in_month(plan, HOSPITAL_BACK) and plan.kind in MONTHLY_BRANCH + QUARTERLY
                quarterly = in_month(plan, HOSPITAL_MISSED) and plan.kind in QUARTERLY
                if quarterly and quarter_of(plan.on) == quarter_of(datetime.date(year, month, 1)):
                    moved = True
                if moved:
                    plan.on = datetime.date(
                        year, month, max(plan.on.day, 18) + (plan.kind == MeetingKind.LECTURE)
                    )
            missed_year, missed_month = self.month(HOSPITAL_MISSED)
            plans.append(
                Plan(
                    MeetingKind.THEME_DAY,
                    datetime.date(year, month, 27),
                    makeup_for=datetime.date(missed_year, missed_month, 10),
                    note=f"书记因病住院治疗，{missed_month}月主题党日未按时开展，本月补开。",
                )
            )
        elif branch.name == HARVEST_BRANCH:
            last = quarter_back(self.today, 1)
            plans = [p for p in plans if not (p.kind in QUARTERLY and quarter_of(p.on) == last)]
        elif branch.name == LAST_MONTH_BRANCH:
            skipped = (MeetingKind.THEME_DAY, MeetingKind.PARTY_GROUP)
            plans = [p for p in plans if not (in_month(p, 1) and p.kind in skipped)]
        elif branch.name == NO_GROUP_BRANCH:
            plans = [
                p
                for p in plans
                if not (p.kind == MeetingKind.PARTY_GROUP and any(in_month(p, b) for b in NO_GROUP_MONTHS))
            ]
        elif branch.name == MAKEUP_LECTURE_BRANCH:
            missed = quarter_back(self.today, 2)
            lecture = next(
                (p for p in plans if p.kind == MeetingKind.LECTURE and quarter_of(p.on) == missed), None
            )
            if lecture is not None:
                plans.remove(lecture)
                year, quarter = quarter_back(self.today, 1)
                plans.append(
                    Plan(
                        MeetingKind.LECTURE,
                        datetime.date(year, (quarter - 1) * 3 + 1, 9),
                        makeup_for=lecture.on,
                        note=f"第{missed[1]}季度党课因夏收夏种未按时开展，本次补开。",
                    )
                )
        return plans

    # --- one meeting ------------------------------------------------------------------------------------

    def expected(self, branch: Branch, plan: Plan) -> list[tuple[int, str]]:
        """(person id, post kind or '') of who the meeting is for, as expected_attendees, on its day."""
        if plan.kind == MeetingKind.COMMITTEE:
            return [(leader.person_id, leader.kind) for leader in self.committee(branch, plan.on)]
        if plan.kind == MeetingKind.COMMUNITY_MEETING:
            return [
                (leader.person_id, leader.kind)
                for leader in self.leaders_on(self.subtree(branch.pk), plan.on)
            ]
        if branch.kind in GENERAL_KINDS and plan.kind in (
            MeetingKind.LIFE_MEETING,
            MeetingKind.DEMOCRATIC_REVIEW,
        ):
            # The general branch reviews its own members; those of the branches under it, their branches.
            return [(person.pk, "") for person in self.members_on([branch.pk], plan.on)]
        return [(person.pk, "") for person in self.members_on(self.subtree(branch.pk), plan.on)]

    def attendance(
        self, rng: random.Random, branch: Branch, plan: Plan, person_id: int, leader: bool
    ) -> tuple[str, str]:
        day = plan.on
        for first, last, reason in self.leave.get(person_id, []):
            if first <= day <= last:
                return AttendanceStatus.LEAVE, reason[:120]
        person = self.people.get(person_id)
        late, leave, absent = (0.03, 0.02, 0.0) if leader else (0.04, 0.045, 0.012)
        reasons = LEAVE_REASONS
        if person is not None and not leader:
            online = branch.other_kind in (OtherBranchKind.MOBILE, OtherBranchKind.ELSEWHERE)
            if person.is_mobile:
                leave, reasons = (0.25 if online else 0.6), AWAY_REASONS
            elif person.lives_elsewhere:
                leave, reasons = (0.25 if online else 0.55), ELSEWHERE_REASONS
            elif day.year - person.birth_date.year >= 80:
                leave, reasons = 0.3, OLD_AGE_REASONS
            elif day.month in (6, 9, 10) and branch.kind == BranchKind.VILLAGE:
                leave, reasons = 0.1, HARVEST_REASONS + LEAVE_REASONS
        draw = rng.random()
        if draw < leave:
            return AttendanceStatus.LEAVE, rng.choice(reasons)
        if draw < leave + absent:
            return AttendanceStatus.ABSENT, ""
        if draw < leave + absent + late:
            return AttendanceStatus.LATE, rng.choice(LATE_REASONS)
        return AttendanceStatus.PRESENT, ""

    def content(self, branch: Branch, plan: Plan, variant: int) -> tuple[str, str, str]:
        """(topic, what was done, resolutions) of a meeting."""
        month = (plan.makeup_for or plan.on).month
        quarter = (month - 1) // 3 + 1
        if plan.topic:
            topic, body, resolutions = plan.topic
        elif plan.kind == MeetingKind.THEME_DAY:
            options = THEME_DAYS[month]
            topic, body, resolutions = options[variant % len(options)]
            topic = topic.format(party_age=plan.on.year - 1921)
        elif plan.kind == MeetingKind.PARTY_GROUP:
            topic, body, resolutions = PARTY_GROUPS[month]
        elif plan.kind == MeetingKind.COMMITTEE:
            topic, body, resolutions = COMMITTEES[month]
            if branch.kind in GENERAL_KINDS:
                topic, body = f"总支委员会：{topic}", body.replace("本村", "各村")
        elif plan.kind == MeetingKind.GENERAL_MEETING:
            topic, body, resolutions = GENERAL_MEETINGS[quarter]
        elif plan.kind == MeetingKind.LECTURE:
            topic, body, resolutions = LECTURES[quarter]
        elif plan.kind == MeetingKind.COMMUNITY_MEETING:
            community = branch.community or getattr(branch.office, "community", None)
            kind = "社区" if branch.kind == BranchKind.COMMUNITY_GENERAL else "办事处"
            topic = f"{kind}党建工作例会：{month}月重点工作（{COMMUNITY_FOCUS[month]}）"
            focus = COMMUNITY_FOCUS[month].removesuffix("工作")
            body = (
                f"各村党支部书记汇报上月工作和村书记值班岗运行情况，通报{community.name if community else ''}"
                f"月清月结台账清理情况，部署{focus}等工作。"
            )
            resolutions = COMMUNITY_RESOLUTIONS[month]
        elif plan.kind == MeetingKind.LIFE_MEETING:
            topic = f"{plan.on.year}年度组织生活会：对照检查，开展批评和自我批评"
            body = (
                "会前开展谈心谈话、征求意见；会上书记代表支部委员会作对照检查，"
                "党员逐一发言，开展批评和自我批评。"
            )
            resolutions = "1. 梳理问题清单，明确整改措施和时限；2. 整改情况在下次党员大会上通报。"
        else:
            topic = f"{plan.on.year}年度民主评议党员"
            body = "党员个人自评，党员互评，民主测评，支部委员会综合评定等次。"
            resolutions = "1. 评议结果在党务公开栏公示7天；2. 对基本合格的党员由支委谈心谈话，限期改进。"
        if plan.makeup_for:
            period = f"{month}月" if plan.kind in MONTHLY_BRANCH else f"第{quarter}季度"
            topic = f"补开{period}{topic}"
        return topic[:200], body, resolutions

    def place(self, branch: Branch, plan: Plan) -> str:
        community = branch.community or getattr(branch.office, "community", None)
        if branch.other_kind == OtherBranchKind.MOBILE:
            return "线上（微信视频会议）"
        if branch.kind == BranchKind.VILLAGE:
            if plan.kind == MeetingKind.THEME_DAY and plan.on.month == 4:
                return "县烈士陵园"
            if plan.kind == MeetingKind.THEME_DAY and plan.on.month in (3, 5):
                return f"{branch.village.name}文化广场"
            return f"{branch.village.name}党群服务中心会议室"
        if community is not None:
            return f"{community.name}党群服务中心会议室"
        return f"{branch.office.name}会议室"

    def write(self, branch: Branch, index: int, plan: Plan) -> Written:
        # Seeded by names, not ids: a rebuilt demo (load_demo --reset) is the same demo.
        rng = random.Random(f"{SEED}:{branch.name}:{plan.kind}:{plan.on.isoformat()}")
        committee = self.committee(branch, plan.on)
        host = committee[0].name if committee else ""
        if plan.kind == MeetingKind.COMMUNITY_MEETING:
            leaders = self.leaders_on([branch.pk], plan.on)
            host = leaders[0].name if leaders else host
        recorder = self.recorder_for(branch, host, plan.on)
        hour, minute, length = START_TIMES[plan.kind]
        starts = datetime.datetime.combine(plan.on, datetime.time(hour, minute))
        ends = starts + datetime.timedelta(minutes=length)
        topic, body, resolutions = self.content(branch, plan, index + plan.on.year)
        meeting = Meeting(
            branch=branch,
            kind=plan.kind,
            on=plan.on,
            starts_at=starts.time(),
            ends_at=ends.time(),
            place=self.place(branch, plan),
            host=host,
            recorder=recorder,
            topic=topic,
            resolutions=resolutions,
            makeup_for=plan.makeup_for,
            created_by=self.users.get(branch.pk),
        )
        written = Written(meeting)
        leadership = plan.kind in (MeetingKind.COMMITTEE, MeetingKind.COMMUNITY_MEETING)
        for person_id, post_kind in self.expected(branch, plan):
            status, reason = self.attendance(rng, branch, plan, person_id, leadership or bool(post_kind))
            # Tied to the meeting once it is saved (by id: much cheaper for tens of thousands of rows).
            written.attendances.append(Attendance(member_id=person_id, status=status, reason=reason))
        counts = defaultdict(int)
        for row in written.attendances:
            counts[row.status] += 1
        present = counts[AttendanceStatus.PRESENT] + counts[AttendanceStatus.LATE]
        summary = (
            f"会议由{host}主持，{recorder or host}记录。应到{len(written.attendances)}人，实到{present}人"
        )
        if counts[AttendanceStatus.LEAVE]:
            summary += f"，请假{counts[AttendanceStatus.LEAVE]}人"
        if counts[AttendanceStatus.ABSENT]:
            summary += f"，缺席{counts[AttendanceStatus.ABSENT]}人"
        if counts[AttendanceStatus.LATE]:
            summary += f"（迟到{counts[AttendanceStatus.LATE]}人）"
        summary += "。"
        if plan.kind == MeetingKind.DEMOCRATIC_REVIEW:
            written.reviews = self.grades(rng, branch, meeting, written.attendances)
            tally = defaultdict(int)
            for result in written.reviews:
                tally[result.grade] += 1
            body += (
                f"评定结果：优秀{tally[ReviewGrade.EXCELLENT]}名，合格{tally[ReviewGrade.QUALIFIED]}名，"
                f"基本合格{tally[ReviewGrade.BASICALLY_QUALIFIED]}名。"
            )
        meeting.minutes = f"{summary}{plan.note}{body}"
        return written

    def grades(
        self, rng: random.Random, branch: Branch, meeting: Meeting, rows: list[Attendance]
    ) -> list[ReviewResult]:
        """Every member graded: mostly 合格, under a third 优秀 (over a third in one branch), a few 基本合格
        (those often away first)."""
        ids = [row.member_id for row in rows]
        if not ids:
            return []
        count = len(ids)
        if branch.name == EXCELLENT_BRANCH:
            excellent = count // 3 + 2
        else:
            excellent = min(count // 3, max(1, round(count * rng.uniform(0.12, 0.28))))
        away = [pk for pk in ids if self.people[pk].is_mobile or self.people[pk].lives_elsewhere]
        basic = rng.sample(away, min(len(away), rng.randint(0, 2))) if count >= 8 else []
        if count >= 15 and not basic:
            basic = [rng.choice(ids)]
        rest = [pk for pk in ids if pk not in basic]
        best = set(rng.sample(rest, min(excellent, len(rest))))
        results = []
        for pk in ids:
            if pk in best:
                grade, note = ReviewGrade.EXCELLENT, rng.choice(EXCELLENT_NOTES)
            elif pk in basic:
                grade, note = ReviewGrade.BASICALLY_QUALIFIED, rng.choice(BASIC_NOTES)
            else:
                grade, note = ReviewGrade.QUALIFIED, ""
            # bulk_create skips ReviewResult.save, which sets the year.
            results.append(ReviewResult(member_id=pk, year=meeting.on.year, grade=grade, note=note))
        return results

    # --- all of it --------------------------------------------------------------------------------------

    def build(self) -> None:
        written: list[Written] = []
        for index, branch in enumerate(self.branches):
            for plan in sorted(self.plans(branch, index), key=lambda p: (p.on, p.kind)):
                written.append(self.write(branch, index, plan))
        Meeting.objects.bulk_create([w.meeting for w in written], batch_size=1000)
        for w in written:
            for row in (*w.attendances, *w.reviews):
                row.meeting_id = w.meeting.pk
        Attendance.objects.bulk_create([row for w in written for row in w.attendances], batch_size=2000)
        ReviewResult.objects.bulk_create([row for w in written for row in w.reviews], batch_size=2000)
        # Recorded the evening of the meeting (the clock stamped them now).
        by_day = defaultdict(list)
        for w in written:
            by_day[w.meeting.on].append(w.meeting.pk)
        for day, pks in by_day.items():
            Meeting.objects.filter(pk__in=pks).update(created_at=moment(day, 21 * 60))
        ArchiveEntry.objects.bulk_create(self.archive_entries(written), batch_size=2000)

    @staticmethod
    def archive_entries(written: list[Written]) -> list[ArchiveEntry]:
        """The archive entries, as meetings.services.sync_archive writes them, for all meetings at once.

        Two shortcuts keep this from being most of the demo's time: each meeting's attendance and grades
        are handed to it as they are in memory (as prefetch_related would, without reading them back), and
        each attendance row gets its label from a table made once (Django's get_status_display rebuilds
        the choices on every call; there are tens of thousands of rows)."""
        with translation.override("zh-hans"):
            labels = {value: str(label) for value, label in AttendanceStatus.choices}
        meeting_field = ArchiveEntry._meta.get_field("meeting")
        entries = []
        for w in written:
            for row in w.attendances:
                row.get_status_display = partial(labels.__getitem__, row.status)
            w.meeting._prefetched_objects_cache = {
                "attendances": in_memory(Attendance, w.attendances),
                "review_results": in_memory(ReviewResult, w.reviews),
            }
            for entry in archive_entries_for(w.meeting):
                entry.recorded_by_id = w.meeting.created_by_id
                # Saved by the meeting's id: bulk_create checks every cached meeting it is handed.
                meeting_field.delete_cached_value(entry)
                entries.append(entry)
            del w.meeting._prefetched_objects_cache
        return entries


def in_memory(model, rows: list) -> QuerySet:
    """A queryset already holding `rows`, as prefetch_related leaves it in an object's cache."""
    queryset = QuerySet(model)
    queryset._result_cache = rows
    queryset._prefetch_done = True
    return queryset


def build(township: Township, stdout=None) -> None:
    """Add a year of meetings with attendance to the demo township; when they are there, change nothing."""
    if Meeting.objects.filter(branch__office__township=township).exists():
        return
    with transaction.atomic():
        MeetingsDemo(township).build()
    if stdout is not None:
        meetings = Meeting.objects.filter(branch__office__township=township)
        attendance = Attendance.objects.filter(meeting__in=meetings).count()
        stdout.write(f"会议 {meetings.count()} 次，考勤 {attendance} 人次 / meetings ready.")


def reset(township: Township) -> None:
    """Remove the demo's meetings with their attendance, review grades and the archive entries they
    wrote; it runs before the people and organisations they name are removed."""
    meetings = Meeting.objects.filter(branch__office__township=township)
    with override_settings(SIMPLE_HISTORY_ENABLED=False):
        # Straight to the database: the collector would load each of the many entries to signal it.
        entries = ArchiveEntry.objects.filter(meeting__in=meetings)
        entries._raw_delete(entries.db)
        ReviewResult.objects.filter(meeting__in=meetings).delete()
        Attendance.objects.filter(meeting__in=meetings).delete()
        meetings.delete()
