"""Surname stroke order (姓氏笔画) and the pinyin keys stored on each member."""

from members.strokes import stroke_count, stroke_key


def test_it_counts_strokes_of_common_surnames():
    assert [stroke_count(c) for c in "丁于王刘李张陈"] == [2, 3, 4, 6, 7, 7, 7]


def test_it_orders_names_by_stroke_count_then_stroke_order():
    names = ["陈七", "张三", "李四", "刘备", "王五", "于谦", "丁一", "马六"]
    # Equal counts break by the first different stroke, 横 竖 撇 点 折: 于 (横) before 马 (折),
    # 李 (横) before 张 and 陈 (折), 张 (折横) before 陈 (折竖).
    assert sorted(names, key=stroke_key) == ["丁一", "于谦", "马六", "王五", "刘备", "李四", "张三", "陈七"]


def test_it_compares_the_given_name_when_surnames_are_equal():
    assert sorted(["王五", "王二", "王一"], key=stroke_key) == ["王一", "王二", "王五"]


def test_a_shorter_name_comes_before_a_longer_one_with_the_same_start():
    assert sorted(["王小明", "王小"], key=stroke_key) == ["王小", "王小明"]


def test_characters_without_data_sort_last():
    assert stroke_key("Ａlice") > stroke_key("龘")


def test_member_keeps_pinyin_initials_and_stroke_key(party):
    member = party.member  # 张三
    assert member.name_pinyin == "zhangsan"
    assert member.name_initials == "zs"
    assert member.stroke_key == stroke_key("张三")
