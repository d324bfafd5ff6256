"""Scoring templates as data (issue 7): the default 100-point sheet, copying a sheet forward to a new year,
what is wrong with a sheet, the sheet laid out by the five goods, and each item's rule in words."""

from dataclasses import dataclass, field
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from assessments.indicators import INDICATORS, FiveGoods, Unit, validate_rule
from assessments.models import Method, ScoringTemplate, TemplateItem
from assessments.scoring import ItemKind

FULL_MARKS = Decimal("100")
THRESHOLDS = [[0.95, 1.0], [0.8, 0.7], [0.6, 0.4]]

# The default sheet (考核评分表): (group, title, max points, method, indicator, rule or per-missing points,
# guidance). Titles are data in Chinese, as they print on the paper form.
DEFAULT_SCORED = [
    (
        FiveGoods.LEADERSHIP,
        "社区党总支及其职务按要求设立",
        8,
        Method.AUTOMATIC,
        "org_setup",
        {"kind": "linear"},
        "社区党总支成立，书记、副书记、委员配齐；按配齐比例得分。",
    ),
    (
        FiveGoods.LEADERSHIP,
        "村党支部后备干部培养",
        5,
        Method.AUTOMATIC,
        "reserve_cadres",
        {"kind": "linear"},
        "每个村党支部至少有 1 名在培后备干部；按比例得分。",
    ),
    (
        FiveGoods.LEADERSHIP,
        "社区党总支书记履职尽责、班子团结",
        7,
        Method.MANUAL,
        "",
        None,
        "书记抓党建责任落实，班子分工明确、团结协作；查阅资料、个别谈话，酌情打分。",
    ),
    (
        FiveGoods.MEMBERS,
        "党员档案齐全规范",
        8,
        Method.AUTOMATIC,
        "archive_members",
        {"kind": "linear"},
        "党员档案按要求齐全；按齐全比例得分。",
    ),
    (
        FiveGoods.MEMBERS,
        "流动党员按时联系",
        5,
        Method.AUTOMATIC,
        "mobile_contact",
        {"kind": "threshold", "bands": THRESHOLDS},
        "流动党员按规定时限联系到位。",
    ),
    (
        FiveGoods.MEMBERS,
        "党员学习教育经常化",
        7,
        Method.MANUAL,
        "",
        None,
        "组织党员经常性学习，学习记录完整；查阅学习记录、抽查党员，酌情打分。",
    ),
    (
        FiveGoods.MECHANISMS,
        "“三会一课”等会议按期召开",
        6,
        Method.AUTOMATIC,
        "meeting_cadence",
        {"kind": "threshold", "bands": THRESHOLDS},
        "党员大会、支委会、党小组会、党课按规定频次召开。",
    ),
    (
        FiveGoods.MECHANISMS,
        "周一集中办公出勤",
        5,
        Method.AUTOMATIC,
        "duty_concentrated",
        {"kind": "threshold", "bands": THRESHOLDS},
        "每周一集中办公按时签到。",
    ),
    (
        FiveGoods.MECHANISMS,
        "村书记轮流值班签到",
        5,
        Method.AUTOMATIC,
        "duty_rotation",
        {"kind": "threshold", "bands": THRESHOLDS},
        "轮流值班按时到岗签到。",
    ),
    (
        FiveGoods.MECHANISMS,
        "民生台账按月办结",
        5,
        Method.AUTOMATIC,
        "ledger_clearance",
        {"kind": "threshold", "bands": THRESHOLDS},
        "群众诉求登记入账，按月清账办结。",
    ),
    (
        FiveGoods.MECHANISMS,
        "党组织档案资料规范",
        4,
        Method.AUTOMATIC,
        "archive_branches",
        {"kind": "per_missing", "points": 1},
        "对照档案清单检查，每缺一项扣 1 分，扣完为止。",
    ),
    (
        FiveGoods.RESULTS,
        "书记值班月度考评",
        12,
        Method.AUTOMATIC,
        "duty_score",
        {"kind": "linear", "full": 100},
        "按书记值班岗各月考评平均分折算。",
    ),
    (
        FiveGoods.RESULTS,
        "年度重点工作完成情况",
        8,
        Method.MANUAL,
        "",
        None,
        "完成镇党委部署的年度重点任务，有特色、有成效；查阅资料、实地察看，酌情打分。",
    ),
    (
        FiveGoods.PUBLIC,
        "群众意见建议按时答复",
        7,
        Method.AUTOMATIC,
        "opinions_answered",
        {"kind": "linear"},
        "征集的群众意见建议按时答复；按答复比例得分。",
    ),
    (
        FiveGoods.PUBLIC,
        "群众满意度测评",
        8,
        Method.MANUAL,
        "",
        None,
        "随机走访群众、发放测评表，按满意率酌情打分。",
    ),
]
DEFAULT_BONUS = [
    ("工作经验做法被县级以上推广", 3, "经验做法被县级以上党委、政府或主要媒体推广宣传，每项加 1.5 分。"),
    ("党组织或书记获县级以上表彰", 3, "党组织或书记获县级以上表彰，每项加 1.5 分。"),
]
DEFAULT_VETO = [
    ("发生严重违纪违法问题", "班子成员发生严重违纪违法问题并受到处理的，评定为“差”。"),
    ("党组织软弱涣散被通报", "被县级以上确定为软弱涣散党组织或被通报批评的，评定为“差”。"),
]


@transaction.atomic
def default_template(township, year: int, title: str = "") -> ScoringTemplate:
    """The township's sheet for `year` built from the default 100-point sheet; every row is validated."""
    template = ScoringTemplate(township=township, year=year)
    if title:
        template.title = title
    template.full_clean()
    template.save()
    items = []
    for order, (group, item_title, points, method, indicator, rule, guidance) in enumerate(DEFAULT_SCORED, 1):
        items.append(
            TemplateItem(
                template=template,
                kind=ItemKind.SCORED,
                group=group,
                order=order,
                title=item_title,
                guidance=guidance,
                max_points=Decimal(points),
                method=method,
                indicator=indicator,
                rule=rule or {},
            )
        )
    for order, (item_title, points, guidance) in enumerate(DEFAULT_BONUS, 1):
        items.append(
            TemplateItem(
                template=template,
                kind=ItemKind.BONUS,
                order=order,
                title=item_title,
                guidance=guidance,
                max_points=Decimal(points),
            )
        )
    for order, (item_title, guidance) in enumerate(DEFAULT_VETO, 1):
        items.append(
            TemplateItem(
                template=template, kind=ItemKind.VETO, order=order, title=item_title, guidance=guidance
            )
        )
    for item in items:
        item.full_clean()
        item.save()
    return template


def year_taken(township, year: int, exclude_pk: int | None = None) -> bool:
    taken = ScoringTemplate.objects.filter(township=township, year=year)
    if exclude_pk:
        taken = taken.exclude(pk=exclude_pk)
    return taken.exists()


def year_taken_message(township, year: int) -> str:
    return _("%(township)s already has a scoring template for %(year)s: open it, or choose another year.") % {
        "township": township,
        "year": year,
    }


@transaction.atomic
def copy_template(template: ScoringTemplate, year: int) -> ScoringTemplate:
    """A copy of the sheet (header and every item) for another year of the same township."""
    if year_taken(template.township, year):
        raise ValidationError({"year": year_taken_message(template.township, year)})
    copy = ScoringTemplate(
        township=template.township,
        year=year,
        title=template.title,
        bonus_cap=template.bonus_cap,
        good_from=template.good_from,
        fairly_good_from=template.fairly_good_from,
        average_from=template.average_from,
        note=template.note,
    )
    copy.full_clean()
    copy.save()
    TemplateItem.objects.bulk_create(
        TemplateItem(
            template=copy,
            kind=item.kind,
            group=item.group,
            order=item.order,
            title=item.title,
            guidance=item.guidance,
            max_points=item.max_points,
            method=item.method,
            indicator=item.indicator,
            rule=item.rule,
            points_per_missing=item.points_per_missing,
        )
        for item in template.items.order_by("kind", "group", "order", "pk")
    )
    return copy


# --- Reading a sheet ------------------------------------------------------------------------------------


def number(value) -> str:
    """2.00 → "2", 2.50 → "2.5": points as people write them."""
    value = Decimal(str(value))
    text = format(value.normalize(), "f")
    return text


def _threshold_text(threshold, unit: str) -> str:
    if unit == Unit.RATIO:
        return f"{number(Decimal(str(threshold)) * 100)}%"
    return number(threshold)


def _share_text(fraction) -> str:
    if fraction >= 1:
        return _("full points")
    if fraction <= 0:
        return _("no points")
    return _("%(share)s of the points") % {"share": f"{number(Decimal(str(fraction)) * 100)}%"}


def rule_in_words(item: TemplateItem) -> str:
    """How an item's points are worked out, as the sheet prints it."""
    if item.kind == ItemKind.VETO:
        return _("Grade 差 whatever the score.")
    if item.method == Method.DEDUCTION:
        if item.points_per_missing is None:
            return ""
        return _("%(points)s points off for each missing thing, not below zero") % {
            "points": number(item.points_per_missing)
        }
    if item.method != Method.AUTOMATIC:
        return ""
    rule = item.rule or {}
    if validate_rule(rule):
        return _("The points rule is not valid.")
    indicator = INDICATORS.get(item.indicator)
    unit = indicator.unit if indicator else Unit.RATIO
    kind = rule["kind"]
    if kind == "linear":
        if "full" in rule:
            return _("value ÷ %(full)s × maximum points") % {"full": number(rule["full"])}
        return _("rate × maximum points")
    if kind == "threshold":
        parts = [
            _("≥%(threshold)s: %(share)s")
            % {"threshold": _threshold_text(threshold, unit), "share": _share_text(fraction)}
            for threshold, fraction in sorted(rule["bands"], key=lambda band: band[0], reverse=True)
        ]
        return _("; ").join(parts) + _("; below that, no points")
    if kind == "bool":
        return _("full points when met, otherwise none")
    return _("%(points)s points off for each missing thing, not below zero") % {
        "points": number(rule["points"])
    }


@dataclass
class Group:
    code: str
    label: str
    items: list = field(default_factory=list)

    @property
    def subtotal(self) -> Decimal:
        return sum((item.max_points for item in self.items), Decimal("0"))


@dataclass
class Sheet:
    template: ScoringTemplate
    groups: list[Group]
    bonus: list
    veto: list
    stray: list  # scored items without a group (only possible through bad data)

    @property
    def scored_total(self) -> Decimal:
        return sum((group.subtotal for group in self.groups), Decimal("0")) + sum(
            (item.max_points for item in self.stray), Decimal("0")
        )

    @property
    def bonus_total(self) -> Decimal:
        return sum((item.max_points for item in self.bonus), Decimal("0"))

    @property
    def adds_up(self) -> bool:
        return self.scored_total == FULL_MARKS


def sheet(template: ScoringTemplate, items=None) -> Sheet:
    """The template laid out as the paper form: the five goods in order with their items, the bonus items
    and the veto items; each item carries `rule_text` and `indicator_label`."""
    if items is None:
        items = list(template.items.order_by("order", "pk"))
    items = sorted(items, key=lambda item: (item.order, item.pk or 0))
    groups = {code: Group(code, label) for code, label in FiveGoods.choices}
    bonus, veto, stray = [], [], []
    for item in items:
        item.rule_text = rule_in_words(item)
        indicator = INDICATORS.get(item.indicator) if item.method == Method.AUTOMATIC else None
        item.indicator_label = indicator.label if indicator else ""
        if item.kind == ItemKind.BONUS:
            bonus.append(item)
        elif item.kind == ItemKind.VETO:
            veto.append(item)
        elif item.group in groups:
            groups[item.group].items.append(item)
        else:
            stray.append(item)
    return Sheet(template, list(groups.values()), bonus, veto, stray)


def template_problems(template: ScoringTemplate, layout: Sheet | None = None) -> list[str]:
    """What is wrong with a sheet before it is used, in words: scored items not adding up to 100, a good
    without items, a bonus cap without bonus items, an automatic item whose rule or indicator is wrong."""
    layout = layout or sheet(template)
    problems = []
    if not layout.adds_up:
        problems.append(
            _("The scored items add up to %(total)s points, not 100.")
            % {"total": number(layout.scored_total)}
        )
    for group in layout.groups:
        if not group.items:
            problems.append(_("“%(group)s” has no items.") % {"group": group.label})
    if layout.stray:
        problems.append(
            _("%(count)s scored items belong to none of the five goods.") % {"count": len(layout.stray)}
        )
    if template.bonus_cap > 0 and not layout.bonus:
        problems.append(
            _("The bonus cap is %(cap)s points but there is no bonus item.")
            % {"cap": number(template.bonus_cap)}
        )
    for item in [item for group in layout.groups for item in group.items] + layout.bonus:
        if item.method == Method.AUTOMATIC:
            errors = validate_rule(item.rule)
            if item.indicator not in INDICATORS:
                errors = [_("no indicator is chosen"), *errors]
            if errors:
                problems.append(
                    _("“%(item)s”: %(errors)s")
                    % {"item": item.title, "errors": _("; ").join(str(e) for e in errors)}
                )
    return problems


# --- Order ----------------------------------------------------------------------------------------------


@transaction.atomic
def move_item(item: TemplateItem, up: bool) -> bool:
    """Swap an item with its neighbour among the items of its kind and group; False at either end."""
    siblings = list(
        TemplateItem.objects.select_for_update()
        .filter(template_id=item.template_id, kind=item.kind, group=item.group)
        .order_by("order", "pk")
    )
    index = next(i for i, sibling in enumerate(siblings) if sibling.pk == item.pk)
    other = index - 1 if up else index + 1
    if not 0 <= other < len(siblings):
        return False
    siblings[index], siblings[other] = siblings[other], siblings[index]
    for order, sibling in enumerate(siblings, start=1):
        if sibling.order != order:
            sibling.order = order
            sibling.save(update_fields=["order"])
    return True


def next_order(template: ScoringTemplate, kind: str, group: str) -> int:
    last = (
        TemplateItem.objects.filter(template=template, kind=kind, group=group)
        .order_by("-order")
        .values_list("order", flat=True)
        .first()
    )
    return (last or 0) + 1


# --- The workbook --------------------------------------------------------------------------------------


def workbook_sheet(template: ScoringTemplate) -> dict:
    """The sheet as build_workbook's arguments: the blank score sheet with a column for the points."""
    layout = sheet(template)
    headers = [
        _("five goods"),
        _("No."),
        _("item"),
        _("scoring criteria"),
        _("maximum points"),
        _("method"),
        _("points rule"),
        _("points given"),
    ]
    rows: list[list] = []

    def item_row(label: str, number_: int, item) -> list:
        how = item.rule_text
        if item.indicator_label:
            how = f"{item.indicator_label}：{how}"
        return [
            label,
            number_,
            item.title,
            item.guidance,
            item.max_points,
            item.get_method_display(),
            how,
            None,
        ]

    for group in layout.groups:
        for index, item in enumerate(group.items, start=1):
            rows.append(item_row(group.label, index, item))
        rows.append([group.label, None, _("subtotal"), None, group.subtotal, None, None, None])
    rows.append([None, None, _("Total of the scored items"), None, layout.scored_total, None, None, None])
    bonus_label = _("bonus items (at most %(cap)s points)") % {"cap": number(template.bonus_cap)}
    for index, item in enumerate(layout.bonus, start=1):
        rows.append(item_row(bonus_label, index, item))
    for index, item in enumerate(layout.veto, start=1):
        rows.append([_("veto items"), index, item.title, item.guidance, None, None, item.rule_text, None])
    bands = _("Grades: 好 ≥ %(good)s, 较好 ≥ %(fairly)s, 一般 ≥ %(average)s, below that 差.") % {
        "good": number(template.good_from),
        "fairly": number(template.fairly_good_from),
        "average": number(template.average_from),
    }
    rows.append([None, None, bands, None, None, None, None, None])
    return {
        "title": f"{template.year} {template.title}",
        "headers": headers,
        "rows": rows,
        "unit": str(template.township),
    }
