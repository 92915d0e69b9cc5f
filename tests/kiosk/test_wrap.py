from __future__ import annotations

from kiosk.wrap import is_cjk, wrap, wrap_line


def width(text: str) -> float:
    """A monospace measure: CJK characters are two cells wide, everything else one."""
    return sum(2 if is_cjk(ch) else 1 for ch in text)


def test_chinese_breaks_between_characters_not_only_at_spaces() -> None:
    lines = wrap_line("居民身份证有效期满换领需要准备以下材料", 10, width)
    assert lines == ["居民身份证", "有效期满换", "领需要准备", "以下材料"]
    assert all(width(line) <= 10 for line in lines)


def test_chinese_after_a_space_fills_the_line_instead_of_jumping_down() -> None:
    lines = wrap_line("入口 示例市民通小程序可以办理", 12, width)
    assert lines[0] == "入口 示例市"  # 4 + 1 + 6 cells; 民 would make 13


def test_latin_words_stay_whole_and_long_urls_are_split() -> None:
    assert wrap_line("Please bring your ID card", 12, width) == ["Please bring", "your ID card"]
    url = "https://zwfw.shili.example/service/id-card-renewal"
    lines = wrap_line(f"入口 {url}", 20, width)
    assert "".join(lines).replace(" ", "") == f"入口{url}"
    assert all(width(line) <= 20 for line in lines)


def test_closing_punctuation_never_starts_a_line_and_opening_never_ends_one() -> None:
    lines = wrap_line("材料一二三四，（原件）", 8, width)
    assert not any(line[0] in "，）" for line in lines)
    assert not any(line[-1] == "（" for line in lines)


def test_paragraphs_are_kept_and_empty_text_is_safe() -> None:
    assert wrap("第一行\n第二行", 100, width) == "第一行\n第二行"
    assert wrap("", 10, width) == ""
    assert wrap_line("任意", 0, width) == ["任意"]
