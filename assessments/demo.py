"""The demo township's inspections (调度、指导和检查, R10): a dozen visits of the township party-building
office to its offices over the last months, with rectification items in every state — done with evidence
(on time and late), in progress, open, and overdue (open or in progress past the deadline).

Dates are counted back from today, so what is overdue stays overdue whenever the demo is built.
"""

import datetime

from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from accounts.models import User
from assessments.choices import InspectionKind, RectificationStatus
from assessments.models import Inspection, Rectification
from communities.demo import OFFICE_SECRETARIES
from communities.models import Office, Township
from duty_roster.demo import moment

INSPECTORS = ["刘建华、孙丽", "刘建华、周强", "孙丽、周强", "刘建华"]
SCHED, GUIDE, CHECK = InspectionKind.SCHEDULING, InspectionKind.GUIDANCE, InspectionKind.INSPECTION
# A rectification item: (content, days from the visit to the deadline, state). The state is "done" (on
# time), "late" (done after the deadline), "in_progress" or "open"; past its deadline and not done, an item
# is overdue.
# A visit: (office index, days back from today, kind, what was checked, findings, items).
VISITS = [
    (
        0,
        200,
        SCHED,
        "社区党建工作推进情况：社区党总支成立请示、班子配备",
        "成立请示已报镇党委，班子配备符合要求。",
        [],
    ),
    (
        1,
        185,
        GUIDE,
        "指导西营社区建立党员档案、支部档案",
        "档案盒已配备，部分党员档案缺参会记录。",
        [
            ("补齐党员参会记录和会议考勤", 20, "done"),
        ],
    ),
    (
        2,
        170,
        CHECK,
        "检查南湖社区村书记值班岗运行：签到、值班日志",
        "周一集中办公签到齐全，轮流值班日志记录简单。",
        [
            ("规范值班日志记录，写明来访事项和办理结果", 15, "done"),
            ("在社区办公室公示值班表和联系电话", 10, "late"),
        ],
    ),
    (
        5,
        150,
        GUIDE,
        "指导杨庄办事处筹备村书记轮流值班",
        "值班表已排出，值班制度尚未上墙。",
        [
            ("值班制度、考核奖惩办法上墙公示", 15, "done"),
        ],
    ),
    (
        3,
        130,
        CHECK,
        "检查北岭社区“三会一课”落实和会议记录",
        "个别村支部党员大会未按季度召开。",
        [
            ("唐庄村、韩屯村党支部补开党员大会并完善记录", 30, "late"),
        ],
    ),
    (
        4,
        110,
        CHECK,
        "检查柳河社区月清月结台账",
        "台账事项办结及时，个别事项结转未写明原因。",
        [
            ("结转事项逐项写明未办结原因和下一步措施", 20, "done"),
            ("建立群众诉求办理回访制度", 45, "open"),
        ],
    ),
    (
        6,
        95,
        SCHED,
        "调度马集办事处流动党员联系情况",
        "部分流动党员超过三个月未联系。",
        [
            ("逐一联系流动党员，更新联系记录", 20, "in_progress"),
        ],
    ),
    (
        0,
        75,
        CHECK,
        "检查东关社区党员档案建立情况",
        "档案基本齐全，个别党员学习、参政议政记录为空。",
        [
            ("补充党员学习记录和参政议政记录", 30, "done"),
            ("完善后备干部名单及培养记录", 40, "in_progress"),
        ],
    ),
    (
        1,
        60,
        CHECK,
        "检查西营社区志愿者队伍党支部建设",
        "志愿者队伍党支部已成立，发展党员工作未启动。",
        [
            ("制定发展党员计划，确定入党积极分子", 30, "open"),
        ],
    ),
    (
        2,
        40,
        GUIDE,
        "指导南湖社区整理支部历届发展情况",
        "历届发展情况资料收集不全。",
        [
            ("收集整理历届支部委员会名单和换届资料", 60, "in_progress"),
            ("补充支部人员构成统计表", 30, "done"),
        ],
    ),
    (
        3,
        20,
        CHECK,
        "检查北岭社区整改落实情况",
        "上次检查问题已整改到位。",
        [
            ("党务公开栏按月更新", 30, "open"),
        ],
    ),
    (
        5,
        7,
        SCHED,
        "调度杨庄办事处迎接考核验收准备工作",
        "准备工作正在推进。",
        [
            ("按考核细则整理佐证材料", 21, "open"),
            ("完善村书记值班考核记录", 14, "in_progress"),
        ],
    ),
]
EVIDENCE = "已按要求整改完毕，相关记录已归档，可在社区档案室查阅。"
PROGRESS = "正在整改，已完成大部分工作。"


class InspectionDemo:
    def __init__(self, township: Township):
        self.township = township
        self.today = timezone.localdate()
        self.offices = list(Office.objects.filter(township=township).order_by("sort_order", "name"))
        self.staff = User.objects.filter(township=township, role="township_staff").order_by("pk").first()

    def item(self, inspection: Inspection, content: str, days: int, state: str, owner: str) -> Rectification:
        deadline = inspection.on + datetime.timedelta(days=days)
        item = Rectification(inspection=inspection, content=content, owner=owner, deadline=deadline)
        if state in ("done", "late"):
            done_on = (
                deadline + datetime.timedelta(days=7)
                if state == "late"
                else deadline - datetime.timedelta(days=3)
            )
            item.status = RectificationStatus.DONE
            item.done_on = min(max(done_on, inspection.on), self.today)
            item.evidence = EVIDENCE
        elif state == "in_progress":
            item.status = RectificationStatus.IN_PROGRESS
            item.evidence = PROGRESS
        item.full_clean()
        item.save()
        return item

    def build(self) -> None:
        for number, (index, days_back, kind, checked, findings, items) in enumerate(VISITS):
            office = self.offices[index % len(self.offices)]
            on = self.today - datetime.timedelta(days=days_back)
            inspection = Inspection.objects.create(
                office=office,
                on=on,
                kind=kind,
                inspectors=INSPECTORS[number % len(INSPECTORS)],
                checked=checked,
                findings=findings,
                created_by=self.staff,
            )
            Inspection.objects.filter(pk=inspection.pk).update(created_at=moment(on, 17 * 60))
            owner = OFFICE_SECRETARIES[index % len(OFFICE_SECRETARIES)]
            for content, days, state in items:
                self.item(inspection, content, days, state, owner)


def build(township: Township, stdout=None) -> None:
    """Add the inspections and their rectification items to the demo township; when they are there,
    change nothing."""
    if Inspection.objects.filter(office__township=township).exists():
        return
    with transaction.atomic():
        InspectionDemo(township).build()
    if stdout is not None:
        items = Rectification.objects.filter(inspection__office__township=township)
        stdout.write(
            f"督查 {Inspection.objects.filter(office__township=township).count()} 次，"
            f"整改事项 {items.count()} 件（逾期 {items.overdue().count()} 件） / inspections ready."
        )


def reset(township: Township) -> None:
    """Remove the demo's inspections and rectification items; it runs before the offices are removed."""
    with override_settings(SIMPLE_HISTORY_ENABLED=False):
        Rectification.objects.filter(inspection__office__township=township).delete()
        Inspection.objects.filter(office__township=township).delete()
