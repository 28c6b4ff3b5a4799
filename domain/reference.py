"""Reference data: owned by the server, pulled by devices, never pushed."""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, StringConstraints, field_validator

RefId = Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")]
Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Phone = Annotated[str, StringConstraints(strip_whitespace=True, pattern=r"^[0-9+\- ]{5,20}$")]


class Role(StrEnum):
    inspector = "inspector"
    enterprise = "enterprise"
    office = "office"
    admin = "admin"


class RiskColor(StrEnum):
    red = "red"
    orange = "orange"
    yellow = "yellow"
    blue = "blue"


class Reference(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Community(Reference):
    id: RefId
    code: RefId
    name: Text


class Grid(Reference):
    id: RefId
    code: RefId
    name: Text
    community_id: RefId


# GB 32100-2015: 统一社会信用代码 — 18 characters from this alphabet, the last a check character.
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def uscc_check_char(first17: str) -> str:
    """The check character of a unified social credit code, from its first 17 characters."""
    total = sum(USCC_ALPHABET.index(c) * w for c, w in zip(first17, USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def is_valid_uscc(code: str) -> bool:
    if len(code) != 18 or any(c not in USCC_ALPHABET for c in code):
        return False
    return uscc_check_char(code[:17]) == code[17]


class Enterprise(Reference):
    id: RefId
    name: Text
    credit_code: str | None = None
    address: Text
    community_id: RefId
    grid_id: RefId
    sector_tags: list[Text] = Field(default_factory=list, max_length=20)
    special_tags: list[Text] = Field(default_factory=list, max_length=20)
    contact_name: Text
    contact_phone: Phone
    risk_color: RiskColor = RiskColor.blue
    status: Literal["open", "suspended", "closed", "moved"] = "open"
    employees: int | None = Field(default=None, ge=0, le=1_000_000)
    lat: float | None = Field(default=None, ge=-90, le=90)
    lon: float | None = Field(default=None, ge=-180, le=180)

    @field_validator("credit_code")
    @classmethod
    def _uscc(cls, value: str | None) -> str | None:
        if value is None or value == "":
            return None
        value = value.strip().upper()
        if not is_valid_uscc(value):
            raise ValueError("统一社会信用代码无效（18 位，校验位不符）")
        return value


class TemplateItem(Reference):
    code: Annotated[str, StringConstraints(pattern=r"^[A-Z0-9][A-Z0-9-]{1,31}$")]
    text: Annotated[str, StringConstraints(min_length=1, max_length=500)]
    major_if_failed: bool = False
    basis: Annotated[str, StringConstraints(max_length=500)] = ""
    category: Annotated[str, StringConstraints(pattern=r"^[AB](0[1-9]|1[0-2]|99)$")] | None = None


class TemplateSection(Reference):
    title: Text
    items: list[TemplateItem] = Field(min_length=1)


class ChecklistTemplate(Reference):
    code: Annotated[str, StringConstraints(pattern=r"^[A-Z][A-Z0-9-]{1,31}$")]
    version: int = Field(ge=1)
    title: Annotated[str, StringConstraints(min_length=1, max_length=300)]
    applies_to: list[Text] = Field(default_factory=list)
    sections: list[TemplateSection] = Field(min_length=1)
    notes: Annotated[str, StringConstraints(max_length=2000)] = ""

    @property
    def id(self) -> str:
        return template_id(self.code, self.version)

    def item(self, code: str) -> TemplateItem | None:
        return next((i for s in self.sections for i in s.items if i.code == code), None)

    @field_validator("sections")
    @classmethod
    def _unique_items(cls, sections: list[TemplateSection]) -> list[TemplateSection]:
        codes = [i.code for s in sections for i in s.items]
        dupes = sorted({c for c in codes if codes.count(c) > 1})
        if dupes:
            raise ValueError(f"duplicate item codes: {', '.join(dupes)}")
        return sections


def template_id(code: str, version: int) -> str:
    return f"{code}@{version}"


USERNAME_RE = re.compile(r"^[a-z][a-z0-9_.-]{2,31}$")


class UserPublic(Reference):
    """What any device may know about a user: never a password or a token."""

    id: RefId
    username: Annotated[str, StringConstraints(pattern=USERNAME_RE.pattern)]
    name: Text
    role: Role
    grid_ids: list[RefId] = Field(default_factory=list)
    enterprise_id: RefId | None = None
    phone: Phone | None = None


REFERENCE_MODELS: dict[str, type[Reference]] = {
    "community": Community,
    "grid": Grid,
    "enterprise": Enterprise,
    "template": ChecklistTemplate,
    "user": UserPublic,
}
