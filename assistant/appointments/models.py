"""Booked places and closed days. Capacity is a database fact: a booking holds one numbered place of
its area's slot, and (area, slot, place) is unique, so two visitors racing for the last place cannot
both get it, whatever process or database they go through. A cancelled booking frees its place
(place becomes NULL; NULLs never collide)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import DateTime, Integer, String, UniqueConstraint, func
from sqlalchemy.orm import Mapped, mapped_column

from assistant.db import Base
from assistant.kb.models import utcnow


class AppointmentRow(Base):
    __tablename__ = "appointments"
    __table_args__ = (UniqueConstraint("area", "slot", "place", name="uq_appointments_area_slot_place"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    code: Mapped[str] = mapped_column(String(12), unique=True)
    service_id: Mapped[str] = mapped_column(String(80))
    area: Mapped[str] = mapped_column(String(4))  # the window area letter (A, B ...), as queue numbers
    day: Mapped[str] = mapped_column(String(10), index=True)
    slot: Mapped[str] = mapped_column(String(16))  # local start "2026-12-03T09:00"
    slot_end: Mapped[str] = mapped_column(String(16))
    place: Mapped[int | None] = mapped_column(Integer, nullable=True)
    status: Mapped[str] = mapped_column(String(12), default="booked", index=True)  # booked | cancelled | checked_in | no_show
    name: Mapped[str] = mapped_column(String(40))
    mobile_masked: Mapped[str] = mapped_column(String(16))  # 138****5678: never the whole number
    mobile_last4: Mapped[str] = mapped_column(String(4))
    lang: Mapped[str] = mapped_column(String(5), default="zh")
    channel: Mapped[str] = mapped_column(String(20), default="web")
    ticket: Mapped[str | None] = mapped_column(String(16), nullable=True)  # queue number given at check-in
    created_at: Mapped[dt.datetime] = mapped_column(DateTime(timezone=True), default=utcnow, server_default=func.now())


class ClosedDayRow(Base):
    """A day staff closed for bookings (holiday, event), besides those in the settings."""

    __tablename__ = "appointment_closed_days"

    day: Mapped[str] = mapped_column(String(10), primary_key=True)
    reason: Mapped[str] = mapped_column(String(80), default="")
