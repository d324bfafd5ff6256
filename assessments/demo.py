"""The demo township's inspections (调度、指导和检查, R10): a dozen visits of the township party-building
office to its offices over the last months, with rectification items in every state — done with evidence
(on time and late), in progress, open, and overdue (open or in progress past the deadline).

Dates are counted back from today, so what is overdue stays overdue whenever the demo is built.

Then the July assessment (考核验收) of the last two years, run through assessments.rounds as the people
would: last year's round opened, self-assessed by each office's secretary, scored, published, objected to
once (and answered) and locked; this year's round opened in July, most sheets self-assessed and handed in,
and the inspectors part-way through scoring. "This year" is the last July that has begun.
"""

import datetime
from decimal import Decimal

from django.db import transaction
from django.test.utils import override_settings
from django.utils import timezone

from accounts.choices import Role
from accounts.models import User
from assessments import rounds
from assessments.choices import InspectionKind, RectificationStatus
from assessments.models import (
    AssessmentRound,
    Inspection,
    Method,
    Objection,
    Rectification,
    RoundEvent,
    ScoringTemplate,
    Sheet,
    SheetEntry,
    TemplateItem,
)
from assessments.scoring import ItemKind
from assessments.templating import copy_template, default_template
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


# --- The July assessment --------------------------------------------------------------------------------

# How well each office (in sheet order) does on the items the inspectors score by hand: the share of the
# maximum points. The self-assessment is a little kinder.
SHARES = [Decimal("0.95"), Decimal("0.85"), Decimal("0.9"), Decimal("0.75"), Decimal("0.8"), Decimal("0.7")]
SELF_BONUS = Decimal("0.05")
FIELD_REASON = "按实地检查情况评分"
# Last year most records were still on paper: the inspectors scored from the paper ledgers.
PAPER_REASON = "系统启用前记录未录入，按纸质台账和实地检查情况评分"
ADJUST_REASON = "实地查看佐证材料后核减"
SELF_NOTE = "佐证材料已整理归档，详见社区档案室。"
BONUS_NOTE = "经验做法被县委组织部简报刊发。"
OBJECTION = "我社区“年度重点工作完成情况”一项已按要求完成并报送材料，请复核评分。"
ANSWER = "经复核，该项材料报送时间晚于考核截止日，维持原评分。"


def assessment_year(today: datetime.date) -> int:
    """This year's assessment once its July has begun, else last year's."""
    return today.year if today >= datetime.date(today.year, 7, 1) else today.year - 1


def _points(item: TemplateItem, share: Decimal) -> Decimal:
    """`share` of the item's maximum, to the half point."""
    return min(item.max_points, (item.max_points * share * 2).quantize(Decimal("1")) / 2)


class AssessmentDemo:
    def __init__(self, township: Township, staff: User):
        self.township = township
        self.staff = staff
        self.year = assessment_year(timezone.localdate())
        self.secretaries = {
            user.office_id: user
            for user in User.objects.filter(role=Role.OFFICE_SECRETARY, office__township=township)
        }

    def day(self, year: int, month: int, day: int) -> datetime.date:
        return datetime.date(year, month, day)

    def share(self, index: int) -> Decimal:
        return SHARES[index % len(SHARES)]

    def sheets(self, round_: AssessmentRound) -> list[Sheet]:
        return list(
            round_.sheets.select_related("round", "office").order_by("office__sort_order", "office__name")
        )

    def entries(self, sheet: Sheet) -> list[SheetEntry]:
        return list(
            sheet.entries.select_related("item", "sheet__round").order_by("item__kind", "item__order")
        )

    def self_assess(self, sheet: Sheet, index: int, submit: bool = True, upto: int | None = None) -> None:
        user = self.secretaries.get(sheet.office_id, self.staff)
        manual = [
            e for e in self.entries(sheet) if e.item.method == Method.MANUAL and e.item.kind != ItemKind.VETO
        ]
        for number, entry in enumerate(manual):
            if upto is not None and number >= upto:
                break
            if entry.item.kind == ItemKind.BONUS:
                if index == 0 and entry.item.order == 1:
                    rounds.self_assess(entry, user, Decimal("1.5"), BONUS_NOTE)
                continue
            rounds.self_assess(entry, user, _points(entry.item, self.share(index) + SELF_BONUS), SELF_NOTE)
        if submit:
            rounds.submit_self(sheet, user)

    def score(self, sheet: Sheet, index: int, upto: int | None = None, paper: bool = False) -> None:
        """The inspectors score the sheet: manual items at the office's share (a point or so below what it
        claimed, with the reason), automatic items the records could not compute by what they saw (and, for
        a year whose records were still on paper, those the records undercount), the veto items cleared."""
        scored = 0
        for entry in self.entries(sheet):
            if upto is not None and scored >= upto:
                return
            item = entry.item
            if item.kind == ItemKind.VETO:
                rounds.score(entry, self.staff, vetoed=False)
            elif item.method == Method.AUTOMATIC:
                target = _points(item, self.share(index))
                if entry.computed_points is None:
                    rounds.score(entry, self.staff, target, FIELD_REASON)
                elif paper and entry.computed_points < target:
                    rounds.score(entry, self.staff, target, PAPER_REASON)
                else:
                    continue
            elif item.kind == ItemKind.BONUS:
                if entry.self_points is None:
                    continue
                rounds.score(entry, self.staff, entry.self_points)
            else:
                points = _points(item, self.share(index))
                reason = ADJUST_REASON if entry.self_points is not None and points < entry.self_points else ""
                rounds.score(entry, self.staff, points, reason)
            scored += 1

    def stamp(self, sheet: Sheet, submitted: datetime.date | None, scored: datetime.date | None) -> None:
        minutes = sheet.office.sort_order * 7
        if submitted:
            Sheet.objects.filter(pk=sheet.pk, self_submitted_at__isnull=False).update(
                self_submitted_at=moment(submitted, 16 * 60 + minutes)
            )
        if scored:
            Sheet.objects.filter(pk=sheet.pk, scored_at__isnull=False).update(
                scored_at=moment(scored, 10 * 60 + minutes)
            )

    def stamp_events(self, round_: AssessmentRound, days: list[datetime.date]) -> None:
        for event, day in zip(round_.events.order_by("pk"), days, strict=False):
            RoundEvent.objects.filter(pk=event.pk).update(at=moment(day, 9 * 60 + 30))

    def last_year(self, template: ScoringTemplate) -> AssessmentRound:
        year = self.year - 1
        opened, submitted, scoring = self.day(year, 7, 1), self.day(year, 7, 12), self.day(year, 7, 16)
        published, objected, locked = self.day(year, 7, 25), self.day(year, 7, 27), self.day(year, 8, 1)
        round_ = rounds.open_round(self.township, year, template, self.staff, today=opened)
        sheets = self.sheets(round_)
        for index, sheet in enumerate(sheets):
            self.self_assess(sheet, index)
        rounds.start_scoring(round_, self.staff)
        for index, sheet in enumerate(sheets):
            self.score(sheet, index, paper=True)
            self.stamp(sheet, submitted, scoring + datetime.timedelta(days=index % 3))
        round_ = rounds.publish(round_, self.staff, today=published)
        # The office ranked last objects; the township checks and answers within the notice period.
        sheet = round_.sheets.select_related("round").order_by("-rank", "pk").first()
        user = self.secretaries.get(sheet.office_id)
        if user is not None:
            objection = rounds.lodge_objection(sheet, user, OBJECTION, today=objected)
            rounds.answer_objection(objection, self.staff, ANSWER)
            Objection.objects.filter(pk=objection.pk).update(
                lodged_at=moment(objected, 10 * 60),
                answered_at=moment(objected + datetime.timedelta(days=1), 15 * 60),
            )
        round_ = rounds.lock(round_, self.staff, today=locked)
        AssessmentRound.objects.filter(pk=round_.pk).update(locked_at=moment(locked, 9 * 60 + 30))
        self.stamp_events(round_, [opened, scoring, published, locked])
        return round_

    def this_year(self, template: ScoringTemplate) -> AssessmentRound:
        year = self.year
        opened, submitted, scoring = self.day(year, 7, 1), self.day(year, 7, 10), self.day(year, 7, 14)
        round_ = rounds.open_round(self.township, year, template, self.staff, today=opened)
        sheets = self.sheets(round_)
        # All but the last office hand in their self-assessment; the last filled in half of it.
        for index, sheet in enumerate(sheets):
            last = index == len(sheets) - 1
            self.self_assess(sheet, index, submit=not last, upto=3 if last else None)
        rounds.start_scoring(round_, self.staff)
        # The inspectors have scored the first two sheets and started on the third.
        for index, sheet in enumerate(sheets[:3]):
            self.score(sheet, index, upto=4 if index == 2 else None)
        for index, sheet in enumerate(sheets):
            self.stamp(sheet, submitted, scoring + datetime.timedelta(days=index) if index < 3 else None)
        self.stamp_events(round_, [opened, scoring])
        return round_

    def build(self) -> tuple[AssessmentRound, AssessmentRound]:
        township = self.township
        last = ScoringTemplate.objects.filter(township=township, year=self.year - 1).first()
        last = last or default_template(township, self.year - 1)
        current = ScoringTemplate.objects.filter(township=township, year=self.year).first()
        current = current or copy_template(last, self.year)
        return self.last_year(last), self.this_year(current)


def build(township: Township, stdout=None) -> None:
    """Add the inspections and their rectification items, then the last two years' assessment rounds, to
    the demo township; what is there already is left as it is."""
    if not Inspection.objects.filter(office__township=township).exists():
        with transaction.atomic():
            InspectionDemo(township).build()
        if stdout is not None:
            items = Rectification.objects.filter(inspection__office__township=township)
            stdout.write(
                f"督查 {Inspection.objects.filter(office__township=township).count()} 次，"
                f"整改事项 {items.count()} 件（逾期 {items.overdue().count()} 件） / inspections ready."
            )
    if not AssessmentRound.objects.filter(township=township).exists():
        staff = User.objects.filter(township=township, role=Role.TOWNSHIP_STAFF).order_by("pk").first()
        with transaction.atomic():
            last, current = AssessmentDemo(township, staff).build()
        if stdout is not None:
            stdout.write(
                f"考核验收：{last.year} 年已锁定（{last.sheets.count()} 个办事处），"
                f"{current.year} 年评分中 / assessment rounds ready."
            )


def reset(township: Township) -> None:
    """Remove the demo's assessment rounds (sheets, entries, objections, events), its scoring templates,
    then its inspections and rectification items; it runs before the offices are removed."""
    with override_settings(SIMPLE_HISTORY_ENABLED=False):
        Objection.objects.filter(sheet__round__township=township).delete()
        RoundEvent.objects.filter(round__township=township).delete()
        SheetEntry.objects.filter(sheet__round__township=township).delete()
        Sheet.objects.filter(round__township=township).delete()
        AssessmentRound.objects.filter(township=township).delete()
        TemplateItem.objects.filter(template__township=township).delete()
        ScoringTemplate.objects.filter(township=township).delete()
        Rectification.objects.filter(inspection__office__township=township).delete()
        Inspection.objects.filter(office__township=township).delete()
