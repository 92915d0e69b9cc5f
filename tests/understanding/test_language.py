"""The language of a reply follows the words a person wrote, not markup, links or numbers."""

import pytest

from assistant.understanding.text import detect_lang, normalize


@pytest.mark.parametrize(
    "text",
    ["<b>身份证</b>丢了怎么办", "看了 https://www.example.gov.cn/guide?id=abc&lang=en 还是不懂怎么补办", "身份证号110101199003077777补办",
     "110101********7777 补办身份证", "<script>alert(1)</script>社保卡", "**护照** 要带啥", "[点这里](http://x.example/en/apply) 居住证怎么办",
     "我的邮箱 zhang.san@example.com 收不到通知", "手机13812345678，营业执照丢了", "&lt;div&gt;社保卡补办&lt;/div&gt;", "护照 ok?"],
)  # fmt: skip
def test_chinese_words_with_latin_noise_are_chinese(text):
    assert detect_lang(normalize(text)) == "zh"


@pytest.mark.parametrize("text", ["Lost my ID card", "how do I renew my passport? <br>", "居住证 residence permit application form", "ok"])
def test_english_words_are_english(text):
    assert detect_lang(normalize(text)) == "en"


def test_a_chinese_question_with_markup_is_answered_in_chinese(assistant):
    reply = assistant.ask("<p>社保卡丢了 https://example.com/en/help?q=lost 要带什么</p>")
    assert reply.lang == "zh" and reply.service == "social-security-card-replacement" and "必备材料" in reply.answer
