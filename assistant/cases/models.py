"""The demo back office's table: sample cases imported from knowledge/sample_cases.csv."""

from __future__ import annotations

from sqlalchemy import String
from sqlalchemy.orm import Mapped, mapped_column

from assistant.db import Base


class SampleCaseRow(Base):
    __tablename__ = "sample_cases"

    number: Mapped[str] = mapped_column(String(32), primary_key=True)  # 受理号
    service_id: Mapped[str] = mapped_column(String(80))
    check: Mapped[str] = mapped_column(String(4))  # last four digits of the applicant's ID or mobile
    status: Mapped[str] = mapped_column(String(16))  # received | reviewing | ready | posted | rejected
    updated: Mapped[str] = mapped_column(String(10))
    window: Mapped[str] = mapped_column(String(16), default="")
    tracking: Mapped[str] = mapped_column(String(40), default="")
