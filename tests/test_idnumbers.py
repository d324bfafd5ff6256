import datetime

import pytest
from django.core.exceptions import ValidationError

from members.idnumbers import check_character, mask, normalise, parse


def test_it_accepts_a_valid_number_and_reads_birth_date_and_gender():
    facts = parse("11010519491231002X")
    assert facts.birth_date == datetime.date(1949, 12, 31)
    assert facts.gender == "female"
    male = "11010519491231003"
    assert parse(male + check_character(male)).gender == "male"


def test_it_normalises_full_width_spaces_and_lowercase_x():
    assert normalise(" １１０１０５ 19491231002x ") == "11010519491231002X"
    assert parse("11010519491231002x").number == "11010519491231002X"


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("1101051949123100", "length"),
        ("11010519491231002Y", "characters"),
        ("110105194902300021", "birth_date"),  # 30 February
        ("110105209912310021", "birth_date"),  # in the future
        ("110105194912310021", "check"),
    ],
)
def test_it_says_what_is_wrong(raw, code):
    with pytest.raises(ValidationError) as error:
        parse(raw, today=datetime.date(2026, 11, 26))
    assert error.value.code == code


def test_each_failure_has_its_own_chinese_message(settings):
    from django.utils import translation

    messages = set()
    with translation.override("zh-hans"):
        for raw in ["123", "11010519491231002Y", "110105194902300021", "110105194912310021"]:
            with pytest.raises(ValidationError) as error:
                parse(raw)
            messages.add(error.value.messages[0])
    assert len(messages) == 4
    assert "校验位错误" in " ".join(messages)


def test_masking_keeps_the_region_and_the_last_four():
    assert mask("33010219800101123X") == "3301**********123X"
