"""Control characters are removed at the way in and never break a store or an export."""

import io

import pytest
from openpyxl import Workbook, load_workbook
from pydantic import ValidationError

from assistant.hygiene import clean_cell, clean_text
from assistant.server.schemas import ChatIn, LoginIn, RasaIn, RatingIn


def test_clean_text_keeps_newline_and_tab_only():
    assert clean_text("a\x00b\x1b[31mc\r\nd\te\x7f\x85\ud800f\uffff") == "ab[31mc\nd\tef"
    assert clean_text("普通的问题\n第二行") == "普通的问题\n第二行"


def test_schemas_clean_every_text_field():
    assert ChatIn(text="身份证\x00丢了").text == "身份证丢了"
    assert RasaIn(sender="s\x00", message="hi\x07").model_dump()["message"] == "hi"
    assert RatingIn(session_id="s1", message_id="m1", score=3, comment="差\x00评").comment == "差评"
    assert LoginIn(name="wang\x00", password="p\x00ss").password == "p\x00ss"  # compared as typed, never stored


@pytest.mark.parametrize("bad", ["\x00", "\x00\x01\x02", "\x1b"])
def test_text_of_only_control_characters_is_refused(bad):
    with pytest.raises(ValidationError, match="at least 1 character"):
        ChatIn(text=bad)


@pytest.mark.parametrize("field", ["session_id", "message_id", "ticket_number"])
def test_ids_with_control_characters_or_markup_are_refused(field):
    data = {"session_id": "s1", "message_id": "m1", "score": 4, field: "a<b>\u0000"}
    with pytest.raises(ValidationError):
        RatingIn(**data)


def test_a_sheet_accepts_any_stored_text():
    wb = Workbook()
    stored = ["bad\x00\x01\x0bcell", "=HYPERLINK(\"http://x\")", "+86 138****5678", 3]
    wb.active.append([clean_cell(v) for v in stored])
    buf = io.BytesIO()
    wb.save(buf)
    row = next(load_workbook(io.BytesIO(buf.getvalue())).active.iter_rows(values_only=True))
    assert row == ("badcell", "'=HYPERLINK(\"http://x\")", "'+86 138****5678", 3)
