"""Every kind of personal number or address a visitor may type is masked; the access log keeps no query."""

import logging

import pytest

from assistant.privacy import mask, mask_data, set_public_numbers
from assistant.server import accesslog

CASES = [
    # (raw as typed, what must not survive, the masked form)
    ("身份证110101199003077777", "110101199003077777", "110101********7777"),
    ("身份证１１０１０１１９９００３０７７７７７", "１１０１０１１９９００３０７７７７７", "110101********7777"),
    ("身份证 110101 19900307 7777", "19900307", "110101********7777"),
    ("号码 1101-0119-9003-0777-7X", "0119-9003", "110101********777X"),
    ("手机13812345678", "13812345678", "138****5678"),
    ("手机 138 1234 5678", "1234 5678", "138****5678"),
    ("手机+86 138-1234-5678", "1234-5678", "+86 138****5678"),
    ("手机８６１３８１２３４５６７８", "１２３４", "86138****5678"),
    ("电话010-62345678", "62345678", "010-****5678"),
    ("座机0755 8888 1234", "8888 1234", "0755-****1234"),
    ("家里电话 87654321", "87654321", "****4321"),
    ("卡号6222 0212 3456 7890 123", "3456 7890", "6222***********0123"),
    ("卡号6228480402564890018", "6228480402564890018", "6228***********0018"),
    ("邮箱 zhang.san+hall@example.com.cn", "zhang.san", "z***@example.com.cn"),
    ("护照E12345678", "E12345678", "E******78"),
    ("护照号EA1234567", "EA1234567", "EA*****67"),
    ("港澳通行证C12345678", "C12345678", "C******78"),
    ("回乡证H1234567890", "H1234567890", "H********90"),
    ("车牌京A12345", "京A12345", "京A***45"),
    ("新能源车粤B·D12345", "D12345", "粤B****45"),
]


@pytest.mark.parametrize("raw, secret, masked", CASES)
def test_every_kind_is_masked(raw, secret, masked):
    out = mask(raw)
    assert secret not in out and masked in out, out


def test_ordinary_text_and_hall_numbers_are_left_alone():
    text = "请 A001 号到 A05 窗口，2024-01-01 办理，费用 3.5 元，下午3点到5点，投诉 12345，咨询 0000-66001001"
    assert mask(text) == text
    set_public_numbers(["0571-87654321"])
    try:
        assert mask("咨询电话0571-87654321") == "咨询电话0571-87654321"  # the hall's own number (from the guides)
        assert mask("我的电话0571-87654322") == "我的电话0571-****4322"
    finally:
        set_public_numbers([])


def test_mask_data_reaches_strings_inside_traces():
    trace = {"query": "13812345678 身份证", "hits": [{"guide_id": "id-card", "text": "110101199003077777"}], "score": 1.0}
    out = mask_data(trace)
    assert "13812345678" not in str(out) and "110101199003077777" not in str(out) and out["score"] == 1.0


def test_access_log_keeps_no_query_string():
    accesslog.install()
    accesslog.install()  # idempotent
    logger = logging.getLogger(accesslog.ACCESS_LOGGER)
    assert sum(isinstance(f, accesslog.DropQueryString) for f in logger.filters) == 1
    lines: list[str] = []

    class Keep(logging.Handler):
        def emit(self, record):
            lines.append(record.getMessage())

    handler = Keep()
    logger.addHandler(handler)
    level = logger.level
    logger.setLevel(logging.INFO)
    try:
        logger.info('%s - "%s %s HTTP/%s" %d', "127.0.0.1:5000", "GET", "/api/v1/search?q=13812345678%20110101199003077777", "1.1", 200)
    finally:
        logger.removeHandler(handler)
        logger.setLevel(level)
    assert lines and "/api/v1/search" in lines[0] and "13812345678" not in lines[0] and "q=" not in lines[0]
