"""Scoring templates as data (issue 7): the default sheet, copying forward, the item form's rule fields,
reordering and deleting items, the sheet's problems, print and Excel, and who sees what."""

import io
from decimal import Decimal

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import translation

from assessments import templating
from assessments.forms_templates import TemplateItemForm
from assessments.indicators import FiveGoods
from assessments.models import Method, ScoringTemplate, TemplateItem
from assessments.scoring import ItemKind
from tests.access import check_access

READ = {
    "anonymous": 302,
    "township": 200,
    "other_township": 404,
    "office": 200,
    "other_office": 200,
    "village": 404,
    "other_village": 404,
    "county": 200,
}
CHANGE = {**READ, "office": 403, "other_office": 403, "county": 403}


@pytest.fixture
def template(world) -> ScoringTemplate:
    return templating.default_template(world.township, 2025)


def client_for(world, role: str) -> Client:
    client = Client()
    client.force_login(world.users[role])
    return client


def scored(template) -> list[TemplateItem]:
    return list(template.items.filter(kind=ItemKind.SCORED))


def item_data(**fields) -> dict:
    data = {
        "kind": ItemKind.SCORED,
        "group": FiveGoods.MECHANISMS,
        "title": "会议记录规范",
        "guidance": "",
        "max_points": "5",
        "method": Method.AUTOMATIC,
        "indicator": "meeting_cadence",
        "points_per_missing": "",
        "rule_kind": "linear",
    }
    data.update(fields)
    return data


def item_form(template, instance=None, **fields) -> TemplateItemForm:
    instance = instance or TemplateItem(template=template)
    return TemplateItemForm(item_data(**fields), instance=instance, user=None)


# --- The default sheet and copying ---------------------------------------------------------------------


def test_default_template_sums_to_100_and_every_item_is_valid(template):
    assert sum(item.max_points for item in scored(template)) == Decimal("100")
    for item in template.items.all():
        item.full_clean()
    layout = templating.sheet(template)
    assert [group.code for group in layout.groups] == list(FiveGoods.values)
    assert all(group.items for group in layout.groups)
    assert len(layout.bonus) == 2 and template.bonus_cap == Decimal("5")
    assert [item.title for item in layout.veto] == ["发生严重违纪违法问题", "党组织软弱涣散被通报"]
    assert templating.template_problems(template) == []
    duty = template.items.get(indicator="duty_score")
    assert duty.rule == {"kind": "linear", "full": 100}


def test_copy_forward_copies_every_item(template):
    copy = templating.copy_template(template, 2026)
    assert copy.township == template.township and copy.year == 2026
    fields = ["kind", "group", "order", "title", "guidance", "max_points", "method", "indicator", "rule"]
    assert list(copy.items.order_by("kind", "group", "order").values_list(*fields)) == list(
        template.items.order_by("kind", "group", "order").values_list(*fields)
    )
    assert template.items.count() == copy.items.count() == 19  # 15 scored, 2 bonus, 2 veto


def test_copy_refuses_a_year_that_has_a_sheet(template):
    templating.copy_template(template, 2026)
    with pytest.raises(ValidationError) as caught:
        templating.copy_template(template, 2026)
    assert "2026" in caught.value.messages[0]
    assert ScoringTemplate.objects.filter(year=2026).count() == 1


def test_copy_forward_is_one_click(world, template):
    client = client_for(world, "township")
    page = client.get(reverse("assessments:template_list"))
    assert page.status_code == 200
    assert page.context["copy_from"] == template
    year = page.context["next_year"]
    response = client.post(reverse("assessments:template_create"), {"year": year, "source": template.pk})
    copy = ScoringTemplate.objects.get(township=world.township, year=year)
    assert response.status_code == 302 and response["Location"] == copy.get_absolute_url()
    assert copy.items.count() == template.items.count()
    # Again: refused with a message, nothing written.
    response = client.post(
        reverse("assessments:template_create"), {"year": year, "source": template.pk}, follow=True
    )
    assert ScoringTemplate.objects.filter(township=world.township, year=year).count() == 1
    assert any(str(year) in str(message) for message in response.context["messages"])


def test_new_sheet_from_the_default(world):
    client = client_for(world, "township")
    client.post(reverse("assessments:template_create"), {"year": 2027, "source": "default"})
    template = ScoringTemplate.objects.get(township=world.township, year=2027)
    assert sum(item.max_points for item in scored(template)) == 100


def test_other_township_cannot_copy_from_our_sheet(world, template):
    client = client_for(world, "other_township")
    client.post(reverse("assessments:template_create"), {"year": 2026, "source": template.pk})
    assert not ScoringTemplate.objects.filter(year=2026).exists()


def test_header_form_refuses_a_year_clash(world, template):
    templating.copy_template(template, 2026)
    client = client_for(world, "township")
    data = {
        "year": 2026,
        "title": "评分表",
        "bonus_cap": "5",
        "good_from": "90",
        "fairly_good_from": "80",
        "average_from": "60",
        "note": "",
    }
    response = client.post(reverse("assessments:template_update", args=[template.pk]), data)
    assert response.status_code == 200
    assert "2026" in response.context["form"].errors["year"][0]
    template.refresh_from_db()
    assert template.year == 2025
    data.update(year=2024, good_from="70")  # bands out of order
    response = client.post(reverse("assessments:template_update", args=[template.pk]), data)
    assert response.context["form"].errors["good_from"]
    data.update(good_from="92")
    response = client.post(reverse("assessments:template_update", args=[template.pk]), data)
    template.refresh_from_db()
    assert response.status_code == 302 and template.year == 2024 and template.good_from == 92


# --- The item form -------------------------------------------------------------------------------------


def test_item_form_builds_a_linear_rule(template):
    form = item_form(template, rule_kind="linear", full="100")
    assert form.is_valid(), form.errors
    assert form.save().rule == {"kind": "linear", "full": 100}
    form = item_form(template, rule_kind="linear", full="")
    assert form.is_valid(), form.errors
    assert form.instance.rule == {"kind": "linear"}


def test_item_form_builds_a_threshold_rule(template):
    form = item_form(
        template,
        rule_kind="threshold",
        threshold_1="0.95",
        fraction_1="1",
        threshold_2="0.8",
        fraction_2="0.7",
    )
    assert form.is_valid(), form.errors
    item = form.save()
    assert item.rule == {"kind": "threshold", "bands": [[0.95, 1], [0.8, 0.7]]}
    item.refresh_from_db()
    with translation.override("en"):
        assert (
            templating.rule_in_words(item)
            == "≥95%: full points; ≥80%: 70% of the points; below that, no points"
        )
    # Editing shows the rows again.
    again = TemplateItemForm(instance=item, user=None)
    assert again.initial["threshold_2"] == 0.8 and again.initial["rule_kind"] == "threshold"


def test_item_form_builds_bool_and_per_missing_rules(template):
    form = item_form(template, rule_kind="bool")
    assert form.is_valid(), form.errors
    assert form.instance.rule == {"kind": "bool"}
    form = item_form(template, rule_kind="per_missing", rule_points="2")
    assert form.is_valid(), form.errors
    assert form.save().rule == {"kind": "per_missing", "points": 2}


def test_item_form_refuses_a_fraction_above_one_on_its_field(template):
    form = item_form(template, rule_kind="threshold", threshold_1="0.9", fraction_1="1.5")
    assert not form.is_valid()
    assert form.errors["fraction_1"]
    assert "rule_kind" not in form.errors


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"rule_kind": ""}, "rule_kind"),
        ({"rule_kind": "per_missing", "rule_points": ""}, "rule_points"),
        ({"rule_kind": "per_missing", "rule_points": "-1"}, "rule_points"),
        ({"rule_kind": "linear", "full": "0"}, "full"),
        ({"rule_kind": "threshold"}, "threshold_1"),
        ({"rule_kind": "threshold", "threshold_1": "0.9"}, "fraction_1"),
        (
            {
                "rule_kind": "threshold",
                "threshold_1": "0.9",
                "fraction_1": "1",
                "threshold_2": "0.9",
                "fraction_2": "0",
            },
            "threshold_2",
        ),
        ({"indicator": ""}, "indicator"),
    ],
)
def test_item_form_refuses_bad_rules_on_the_field(template, fields, field):
    form = item_form(template, **fields)
    assert not form.is_valid()
    assert field in form.errors, form.errors
    assert not form.errors.get("__all__")


def test_item_form_deduction_needs_points_per_missing(template):
    form = item_form(template, method=Method.DEDUCTION, points_per_missing="")
    assert not form.is_valid() and "points_per_missing" in form.errors
    form = item_form(template, method=Method.DEDUCTION, points_per_missing="2")
    assert form.is_valid(), form.errors
    item = form.save()
    assert item.rule == {} and item.indicator == ""
    with translation.override("en"):
        assert templating.rule_in_words(item) == "2 points off for each missing thing, not below zero"


def test_adding_an_item_through_the_page(world, template):
    client = client_for(world, "township")
    url = reverse("assessments:template_item_create", args=[template.pk])
    response = client.post(url, item_data(rule_kind="threshold", threshold_1="0.9", fraction_1="1.5"))
    assert response.status_code == 200
    assert "fraction_1" in response.context["form"].errors
    response = client.post(url, item_data(rule_kind="bool"))
    assert response.status_code == 302
    item = template.items.get(title="会议记录规范")
    assert item.rule == {"kind": "bool"}
    assert item.order == max(
        template.items.filter(group=FiveGoods.MECHANISMS).values_list("order", flat=True)
    )
    problems = templating.template_problems(template)
    assert any("105" in problem for problem in problems)


# --- Order, deletion, problems -------------------------------------------------------------------------


def test_move_item_up_and_down(world, template):
    client = client_for(world, "township")
    first, second = template.items.filter(group=FiveGoods.LEADERSHIP).order_by("order")[:2]
    url = reverse("assessments:template_item_move", args=[second.pk])
    assert client.post(url, {"direction": "up"}).status_code == 302
    titles = list(
        template.items.filter(group=FiveGoods.LEADERSHIP).order_by("order").values_list("title", flat=True)
    )
    assert titles[:2] == [second.title, first.title]
    client.post(url, {"direction": "down"})
    titles = list(
        template.items.filter(group=FiveGoods.LEADERSHIP).order_by("order").values_list("title", flat=True)
    )
    assert titles[:2] == [first.title, second.title]
    # Already first: nothing moves.
    assert templating.move_item(TemplateItem.objects.get(pk=first.pk), up=True) is False


def test_delete_asks_first(world, template):
    client = client_for(world, "township")
    item = template.items.filter(kind=ItemKind.BONUS).first()
    url = reverse("assessments:template_item_delete", args=[item.pk])
    page = client.get(url)
    assert page.status_code == 200 and item.title in page.content.decode()
    assert TemplateItem.objects.filter(pk=item.pk).exists()
    response = client.post(url)
    assert response.status_code == 302 and response["Location"] == template.get_absolute_url()
    assert not TemplateItem.objects.filter(pk=item.pk).exists()


def test_template_problems_flags_a_sheet_not_adding_up(template):
    template.items.filter(indicator="duty_score").delete()
    problems = templating.template_problems(template)
    assert any("88" in problem and "100" in problem for problem in problems)
    template.items.filter(group=FiveGoods.PUBLIC).delete()
    template.items.filter(kind=ItemKind.BONUS).delete()
    problems = templating.template_problems(template)
    assert len(problems) == 3  # the total, a good without items, a bonus cap without bonus items
    assert any(str(FiveGoods.PUBLIC.label) in problem for problem in problems)


def test_detail_shows_the_sheet_and_warns(world, template):
    client = client_for(world, "township")
    url = template.get_absolute_url()
    page = client.get(url).content.decode()
    assert page.count('class="rule-text"') == 11 and "≥95%" in page
    assert 'id="template-problems"' not in page
    template.items.filter(indicator="duty_score").delete()
    page = client.get(url).content.decode()
    assert 'id="template-problems"' in page
    assert "template_item_update" not in page
    office_page = client_for(world, "office").get(url).content.decode()
    assert 'id="item-add"' not in office_page and 'id="item-add"' in page


def test_print_and_export(world, template):
    client = client_for(world, "county")
    url = template.get_absolute_url()
    page = client.get(url, {"print": 1})
    assert page.status_code == 200
    assert 'id="score-sheet"' in page.content.decode() and 'id="sheet-sign"' in page.content.decode()
    response = client.get(url, {"export": "xlsx"})
    assert response.status_code == 200
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    values = [cell for row in book.active.iter_rows(values_only=True) for cell in row if cell is not None]
    assert "发生严重违纪违法问题" in values and 100 in values


# --- Who sees what -------------------------------------------------------------------------------------


def test_access_list_and_create(world, template):
    everyone = {**READ, "other_township": 200}
    check_access(world, reverse("assessments:template_list"), everyone)
    create = {**CHANGE, "other_township": 302, "township": 302}
    check_access(world, reverse("assessments:template_create"), create)
    check_access(
        world,
        reverse("assessments:template_create"),
        {**create, "other_township": 302, "township": 302},
        method="post",
        data={"year": 2030, "source": "default"},
    )


def test_access_detail_print_export(world, template):
    url = template.get_absolute_url()
    check_access(world, url, READ)
    check_access(world, url + "?print=1", READ)
    check_access(world, url + "?export=xlsx", READ)


def test_access_changes(world, template):
    item = template.items.filter(kind=ItemKind.SCORED).order_by("order").last()
    check_access(world, reverse("assessments:template_update", args=[template.pk]), CHANGE)
    check_access(world, reverse("assessments:template_item_create", args=[template.pk]), CHANGE)
    check_access(world, reverse("assessments:template_item_update", args=[item.pk]), CHANGE)
    check_access(world, reverse("assessments:template_item_delete", args=[item.pk]), CHANGE)
    moved = {**CHANGE, "township": 302}
    check_access(
        world,
        reverse("assessments:template_item_move", args=[item.pk]),
        moved,
        method="post",
        data={"direction": "up"},
    )
    url = reverse("assessments:template_item_delete", args=[item.pk])
    for role in ("other_township", "office", "other_office", "village", "other_village", "county"):
        assert client_for(world, role).post(url).status_code == CHANGE[role], role
    assert Client().post(url).status_code == 302
    assert TemplateItem.objects.filter(pk=item.pk).exists()
    assert client_for(world, "township").post(url).status_code == 302
    assert not TemplateItem.objects.filter(pk=item.pk).exists()


# --- On a phone ----------------------------------------------------------------------------------------

PHONE = {"width": 390, "height": 844}


@pytest.mark.browser
def test_an_item_with_thresholds_is_added_on_a_phone(page, live_server, world, template):
    from django.conf import settings
    from playwright.sync_api import expect

    from tests.conftest import PASSWORD

    shots = settings.BASE_DIR / "test-artifacts" / "screenshots"
    page.set_viewport_size(PHONE)
    page.goto(f"{live_server.url}{template.get_absolute_url()}")
    page.locator("#id_username").fill("township")
    page.locator("#id_password").fill(PASSWORD)
    page.locator("form button[type=submit]").click()
    page.wait_for_selector("#group-leadership")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.screenshot(path=shots / "template-detail-phone.png", full_page=True)
    page.locator("#item-add").click()
    # Manual by default: no rule fields (the page's script, a deferred static file, hides them).
    expect(page.locator("#id_rule_kind")).to_be_hidden()
    page.locator("#id_title").fill("会议记录规范")
    page.locator("#id_group").select_option(FiveGoods.MECHANISMS)
    page.locator("#id_max_points").fill("5")
    page.locator("#id_method").select_option(Method.AUTOMATIC)
    page.locator("#id_indicator").select_option("meeting_cadence")
    page.locator("#id_rule_kind").select_option("threshold")
    expect(page.locator("#id_full")).to_be_hidden()
    expect(page.locator("#id_threshold_1")).to_be_visible()
    page.locator("#id_threshold_1").fill("0.9")
    page.locator("#id_fraction_1").fill("1.5")
    page.locator("#item-form button[type=submit]").click()
    page.wait_for_selector("#id_fraction_1.is-invalid")
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    page.screenshot(path=shots / "template-item-form-phone.png", full_page=True)
    page.locator("#id_fraction_1").fill("1")
    page.locator("#item-form button[type=submit]").click()
    page.wait_for_selector("#template-problems")
    item = template.items.get(title="会议记录规范")
    assert item.rule == {"kind": "threshold", "bands": [[0.9, 1]]}


def test_a_sheet_a_round_used_is_kept_as_it_was_scored(world, template):
    import datetime

    from assessments import rounds

    rounds.open_round(
        world.township,
        template.year,
        template,
        world.users["township"],
        today=datetime.date(template.year, 7, 1),
    )
    client = client_for(world, "township")
    item = template.items.first()
    for url in (
        reverse("assessments:template_update", args=[template.pk]),
        reverse("assessments:template_item_update", args=[item.pk]),
        reverse("assessments:template_item_delete", args=[item.pk]),
        reverse("assessments:template_item_create", args=[template.pk]),
    ):
        response = client.post(url, {"title": "改了"}, follow=True)
        assert response.redirect_chain[0][0] == template.get_absolute_url(), url
        assert (
            "copy it to a new year" in response.content.decode()
            or "复制为新一年" in response.content.decode()
        )
    item.refresh_from_db()
    assert item.title != "改了" and template.items.count() > 1
    page = client.get(template.get_absolute_url()).content.decode()
    assert 'id="template-in-use"' in page and 'id="item-add"' not in page
    # Copying it forward is how it changes.
    assert templating.copy_template(template, template.year + 1).items.count() == template.items.count()
