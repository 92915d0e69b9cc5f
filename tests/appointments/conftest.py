from __future__ import annotations

import datetime as dt

import pytest

from assistant.appointments.book import Bookings
from assistant.appointments.slots import SlotRules
from assistant.db import Database
from assistant.kb.source import load_knowledge
from tests.conftest import KNOWLEDGE

# a Wednesday morning in the hall; tomorrow (Thursday) is an ordinary working day
NOW = dt.datetime(2026, 12, 2, 8, 30)


@pytest.fixture(scope="session")
def kb():
    kb, problems = load_knowledge(KNOWLEDGE)
    assert not problems
    return kb


@pytest.fixture
def clock():
    return {"now": NOW}


@pytest.fixture
def bookings(db_url, kb, clock):
    db = Database(db_url)
    rules = SlotRules(minutes=30, capacity=2, area_capacity={"B": 3}, closed={"2027-01-01"})
    yield Bookings(db, kb.guides.get, rules, now=lambda: clock["now"])
    db.dispose()
