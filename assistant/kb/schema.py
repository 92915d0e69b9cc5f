"""Guide schema: what one 办事指南 holds (see docs in README for the field list).

Every field carries its Chinese display label as the pydantic ``title``; free text is
Chinese with an optional ``*_en`` English twin used when the citizen writes in English.
"""

from __future__ import annotations

import datetime as dt
import re
from enum import Enum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, HttpUrl, field_validator, model_validator

ID_PATTERN = r"^[a-z0-9]+(-[a-z0-9]+)*$"
Text = Annotated[str, Field(min_length=1, max_length=4000)]
ShortText = Annotated[str, Field(min_length=1, max_length=300)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class CaseType(str, Enum):
    on_the_spot = "on_the_spot"  # 即办件
    promised = "promised"  # 承诺件


class MaterialForm(str, Enum):
    original = "original"  # 原件
    copy = "copy"  # 复印件
    original_and_copy = "original_and_copy"  # 原件及复印件
    electronic = "electronic"  # 电子证照
    form = "form"  # 申请表（现场填写或下载）
    on_site = "on_site"  # 现场采集（照片、指纹）


FORM_LABELS = {
    MaterialForm.original: ("原件", "original"),
    MaterialForm.copy: ("复印件", "photocopy"),
    MaterialForm.original_and_copy: ("原件及复印件", "original and photocopy"),
    MaterialForm.electronic: ("电子证照", "electronic licence"),
    MaterialForm.form: ("申请表", "form"),
    MaterialForm.on_site: ("现场采集", "taken on site"),
}


class Medium(str, Enum):
    paper = "paper"  # 纸质
    electronic = "electronic"  # 电子
    either = "either"  # 纸质或电子


class Scope(str, Enum):
    local = "local"  # 本市通办
    province = "province"  # 全省通办
    cross_province = "cross_province"  # 跨省通办


SCOPE_LABELS = {
    Scope.local: ("示例市内通办", "anywhere in the city"),
    Scope.province: ("全省通办", "anywhere in the province"),
    Scope.cross_province: ("跨省通办", "across provinces"),
}


class OnlineLevel(str, Enum):
    """How much of a service the internet really does: the answer to "can I do it online?"."""

    full = "full"  # 全程网办：no visit at all
    partial = "partial"  # 部分网办：some steps online (apply, upload), then still a visit
    booking = "booking"  # 仅网上预约：booking, pre-filling or progress online; the application is at the window
    none = "none"  # 只能窗口办理


class DayUnit(str, Enum):
    working = "working"  # 工作日
    calendar = "calendar"  # 日（自然日）


DAY_UNIT_LABELS = {DayUnit.working: ("个工作日", "working days"), DayUnit.calendar: ("日", "calendar days")}


class Status(str, Enum):
    draft = "draft"
    published = "published"


class LegalBasis(_Strict):
    name: ShortText = Field(title="法规名称")
    article: str | None = Field(default=None, max_length=200, title="条款")


class Alternative(_Strict):
    """One of the documents a one-of group accepts (任选其一)."""

    name: ShortText = Field(title="材料名称")
    name_en: ShortText | None = Field(default=None, title="材料名称（英文）")
    condition: ShortText | None = Field(default=None, title="适用情形")
    condition_en: ShortText | None = Field(default=None, title="适用情形（英文）")
    source: ShortText | None = Field(default=None, title="来源渠道")


class Material(_Strict):
    name: ShortText = Field(title="材料名称")
    name_en: ShortText | None = Field(default=None, title="材料名称（英文）")
    form: MaterialForm = Field(default=MaterialForm.original, title="材料形式")
    copies: int = Field(default=1, ge=0, le=20, title="份数")
    medium: Medium = Field(default=Medium.paper, title="纸质/电子")
    required: bool = Field(default=True, title="是否必需")
    condition: ShortText | None = Field(default=None, title="适用情形")
    condition_en: ShortText | None = Field(default=None, title="适用情形（英文）")
    source: ShortText | None = Field(default=None, title="来源渠道")
    notes: Text | None = Field(default=None, title="填报须知")
    notes_en: Text | None = Field(default=None, title="填报须知（英文）")
    sample_url: HttpUrl | None = Field(default=None, title="样表/空表下载")
    one_of: list[Alternative] = Field(default_factory=list, title="以下任选其一")
    show_notes: bool = Field(default=False, title="须知改变要带的材料（答复中显示）")

    @model_validator(mode="after")
    def _condition_when_optional(self) -> "Material":
        if not self.required and not self.condition:
            raise ValueError("a conditional material (required: false) needs a condition")
        return self


class Step(_Strict):
    title: ShortText = Field(title="环节")
    title_en: ShortText | None = Field(default=None, title="环节（英文）")
    detail: Text | None = Field(default=None, title="说明")
    online: bool = Field(default=False, title="可网上办理")
    visit: bool = Field(default=False, title="需到现场（计一次跑动）")


class VisitPath(_Strict):
    """A choice that changes the number of visits: 选择邮寄领证跑1次 (else the guide's visits)."""

    when: ShortText = Field(title="选择")
    when_en: ShortText | None = Field(default=None, title="选择（英文）")
    visits: int = Field(ge=0, le=5, title="跑动次数")


class TimeLimit(_Strict):
    legal_days: int | None = Field(default=None, ge=0, le=3650, title="法定时限")
    legal_unit: DayUnit = Field(default=DayUnit.working, title="法定时限单位（工作日/日）")
    promised_days: int = Field(ge=0, le=3650, title="承诺时限")
    promised_unit: DayUnit = Field(default=DayUnit.working, title="承诺时限单位（工作日/日）")
    waiting_days: int | None = Field(default=None, ge=1, le=3650, title="法定等待期（日，如离婚冷静期）")
    note: Text | None = Field(default=None, title="时限说明")
    note_en: Text | None = Field(default=None, title="时限说明（英文）")


class Fee(_Strict):
    free: bool = Field(title="是否收费")
    amount: ShortText | None = Field(default=None, title="收费标准")
    amount_en: ShortText | None = Field(default=None, title="收费标准（英文）")
    basis: ShortText | None = Field(default=None, title="收费依据")

    @model_validator(mode="after")
    def _amount_when_charged(self) -> "Fee":
        if not self.free and not self.amount:
            raise ValueError("a charged service needs an amount")
        return self


class Channels(_Strict):
    window: bool = Field(default=True, title="窗口办理")
    online: bool = Field(default=False, title="网上办理")
    post: bool = Field(default=False, title="邮寄办理")
    mini_program: ShortText | None = Field(default=None, title="移动端（小程序/App）")
    online_steps: list[ShortText] = Field(default_factory=list, title="可网上办理的环节")


class Appointment(_Strict):
    required: bool = Field(default=False, title="是否需预约")
    how: ShortText | None = Field(default=None, title="预约方式")
    how_en: ShortText | None = Field(default=None, title="预约方式（英文）")


class Location(_Strict):
    hall: ShortText = Field(title="办理地点")
    hall_en: ShortText | None = Field(default=None, title="办理地点（英文）")
    address: ShortText = Field(title="地址")
    windows: list[ShortText] = Field(min_length=1, title="窗口")


class FAQ(_Strict):
    q: ShortText = Field(title="问题")
    a: Text = Field(title="解答")
    q_en: ShortText | None = Field(default=None, title="问题（英文）")
    a_en: Text | None = Field(default=None, title="解答（英文）")


PHONE_PATTERN = r"^[0-9\-+ ()]{3,30}$"


class Guide(_Strict):
    """One service guide. The same model is used for YAML, JSON, xlsx and the database."""

    id: str = Field(pattern=ID_PATTERN, max_length=80, title="事项编码")
    name: ShortText = Field(title="事项名称")
    name_en: ShortText = Field(title="事项名称（英文）")
    sample: bool = Field(default=True, title="示例数据（示例市，非真实办事依据）")
    department: ShortText = Field(title="实施机关")
    department_en: ShortText | None = Field(default=None, title="实施机关（英文）")
    category: str = Field(pattern=ID_PATTERN, title="主题分类")
    life_events: list[Annotated[str, Field(pattern=ID_PATTERN)]] = Field(default_factory=list, title="一件事")
    case_type: CaseType = Field(title="办件类型")
    summary: Text = Field(title="事项简介")
    summary_en: Text | None = Field(default=None, title="事项简介（英文）")
    keywords: list[ShortText] = Field(default_factory=list, title="俗称/关键词")
    legal_basis: list[LegalBasis] = Field(min_length=1, title="设定依据")
    eligibility: Text = Field(title="受理条件")
    eligibility_en: Text | None = Field(default=None, title="受理条件（英文）")
    materials: list[Material] = Field(min_length=1, title="申请材料")
    steps: list[Step] = Field(min_length=1, title="办理流程")
    time_limit: TimeLimit = Field(title="办理时限")
    fee: Fee = Field(title="收费标准及依据")
    channels: Channels = Field(title="办理形式")
    online_level: OnlineLevel = Field(default=None, title="网办深度（全程网办/部分网办/仅预约/窗口）")  # type: ignore[assignment]
    online_url: HttpUrl | None = Field(default=None, title="网上办理入口")
    visits: int = Field(ge=0, le=5, title="到办事现场次数")
    visits_paths: list[VisitPath] = Field(default_factory=list, title="按选择的跑动次数")
    appointment: Appointment = Field(default_factory=Appointment, title="预约")
    location: Location = Field(title="办理地点")
    hours: ShortText = Field(title="办理时间")
    hours_en: ShortText | None = Field(default=None, title="办理时间（英文）")
    phone: str = Field(pattern=PHONE_PATTERN, title="咨询电话")
    complaint_phone: str = Field(pattern=PHONE_PATTERN, title="监督投诉电话")
    scope: Scope = Field(title="通办范围")
    faq: list[FAQ] = Field(default_factory=list, title="常见问题")
    updated_at: dt.date = Field(title="更新时间")
    status: Status = Field(default=Status.published, title="状态")
    updated_by: ShortText | None = Field(default=None, title="更新人")

    @field_validator("materials")
    @classmethod
    def _unique_materials(cls, items: list[Material]) -> list[Material]:
        seen: set[tuple[str, str | None]] = set()
        for item in items:
            key = (_norm(item.name), item.condition and _norm(item.condition))
            if key in seen:
                raise ValueError(f"duplicate material: {item.name}")
            seen.add(key)
        return items

    @model_validator(mode="before")
    @classmethod
    def _level_of_old_guides(cls, data: object) -> object:
        """A guide written before online_level keeps its meaning: no online channel -> none, no visit ->
        full, else partial. ``channels.online`` stays as the yes/no that older readers use."""
        if isinstance(data, dict) and data.get("online_level") is None:
            channels = data.get("channels") if isinstance(data.get("channels"), dict) else {}
            online, visits = channels.get("online", False), data.get("visits")
            level = "none" if not online else ("full" if visits == 0 else "partial")
            data = {**data, "online_level": level}
        return data

    @model_validator(mode="after")
    def _online_needs_entry(self) -> "Guide":
        self.channels.online = self.online_level is not OnlineLevel.none  # computed: is there anything online
        if self.channels.online and self.online_url is None:
            raise ValueError(f"online_level is {self.online_level.value} but online_url is missing")
        return self

    @property
    def required_materials(self) -> list[Material]:
        return [m for m in self.materials if m.required]

    @property
    def conditional_materials(self) -> list[Material]:
        return [m for m in self.materials if not m.required]


def _norm(text: str) -> str:
    return re.sub(r"\s+", "", text).lower()


class Category(_Strict):
    id: str = Field(pattern=ID_PATTERN, title="分类编码")
    sample: bool = Field(default=True, title="示例数据")
    name: ShortText = Field(title="分类名称")
    name_en: ShortText = Field(title="分类名称（英文）")


class LifeEvent(_Strict):
    id: str = Field(pattern=ID_PATTERN, title="一件事编码")
    sample: bool = Field(default=True, title="示例数据")
    name: ShortText = Field(title="一件事名称")
    name_en: ShortText = Field(title="一件事名称（英文）")
    summary: Text | None = Field(default=None, title="说明")
    summary_en: Text | None = Field(default=None, title="说明（英文）")
    keywords: list[ShortText] = Field(default_factory=list, title="俗称/关键词")
    services: list[Annotated[str, Field(pattern=ID_PATTERN)]] = Field(min_length=1, title="包含事项")


class Synonyms(_Strict):
    """terms: a canonical word -> the other ways people write it; services: guide id -> colloquial names."""

    sample: bool = Field(default=True, title="示例数据")
    terms: dict[ShortText, list[ShortText]] = Field(default_factory=dict, title="同义词")
    services: dict[str, list[ShortText]] = Field(default_factory=dict, title="事项俗称")


class HallFAQ(_Strict):
    id: str = Field(pattern=ID_PATTERN, title="编码")
    sample: bool = Field(default=True, title="示例数据")
    q: ShortText = Field(title="问题")
    a: Text = Field(title="解答")
    also: list[ShortText] = Field(default_factory=list, title="其他问法")  # other ways people ask it (zh or en)
    q_en: ShortText | None = Field(default=None, title="问题（英文）")
    a_en: Text | None = Field(default=None, title="解答（英文）")
