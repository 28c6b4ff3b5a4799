"""Field records: created on devices, identified by a device-minted UUID, immutable once sent.

A correction is a new record that ``supersedes`` the old one; merging is a set union.
Every record carries ``content_hash``: sha256 of its canonical JSON without
``content_hash`` and ``signatures`` (a recorded refusal is part of the content). Every signature repeats the
``content_hash`` its signer saw, so a signed record cannot be altered unnoticed.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    SerializerFunctionWrapHandler,
    StringConstraints,
    TypeAdapter,
    ValidationInfo,
    field_validator,
    model_serializer,
    model_validator,
)

from domain.canonical import content_hash_of, record_hash_of
from domain.ids import UUID_PATTERN
from domain.reference import Phone, RefId

RecordId = Annotated[str, StringConstraints(pattern=UUID_PATTERN)]
Sha256 = Annotated[str, StringConstraints(pattern=r"^[0-9a-f]{64}$")]
Short = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
Long = Annotated[str, StringConstraints(strip_whitespace=True, max_length=4000)]
Photos = Annotated[list[Sha256], Field(default_factory=list, max_length=30)]
ItemCode = Annotated[str, StringConstraints(pattern=r"^[A-Z0-9][A-Z0-9-]{1,31}$")]

MAX_PHOTOS_PER_RECORD = 200

# Every date and time a record carries lies in this range (as written, in its own offset):
# a far date (9999-12-31T23:00Z) would overflow on the first conversion to a time zone.
EARLIEST = dt.date(2000, 1, 1)
LATEST = dt.date(2199, 12, 31)


def _moment_in_range(value: dt.datetime) -> dt.datetime:
    """Checked on the date as written (no conversion: a far one would overflow)."""
    if not (EARLIEST <= value.date() <= LATEST):
        raise ValueError(f"time must lie between {EARLIEST} and {LATEST}")
    return value


def _day_in_range(value: dt.date) -> dt.date:
    if not (EARLIEST <= value <= LATEST):
        raise ValueError(f"date must lie between {EARLIEST} and {LATEST}")
    return value


Moment = Annotated[AwareDatetime, AfterValidator(_moment_in_range)]
Day = Annotated[dt.date, AfterValidator(_day_in_range)]


class RecordKind(StrEnum):
    inspection = "inspection"
    hazard_event = "hazard_event"
    review = "review"


class Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Signature(Frozen):
    role: Literal["inspector", "enterprise"]
    signer_name: Short
    signer_title: Short | None = None
    signer_user_id: RefId | None = None
    signed_at: Moment
    png_sha256: Sha256
    content_hash: Sha256


class Refusal(Frozen):
    """An enterprise that will not sign: the reason and who witnessed it."""

    reason: Short
    witness_name: Short
    witness_title: Short | None = None
    recorded_at: Moment


class Location(Frozen):
    lat: float = Field(ge=-90, le=90)
    lon: float = Field(ge=-180, le=180)
    accuracy_m: float | None = Field(default=None, ge=0, le=100_000)


class FieldRecord(Frozen):
    id: RecordId
    enterprise_id: RefId
    created_by: RefId
    supersedes: RecordId | None = None
    content_hash: Sha256
    signatures: list[Signature] = Field(default_factory=list, max_length=10)

    kind: str = ""  # set by each subclass as a Literal

    def blob_refs(self) -> list[str]:
        """Every blob (photo or signature PNG) this record points at, in order, once each."""
        seen: dict[str, None] = {}
        for sha in self._photo_refs():
            seen.setdefault(sha, None)
        for sig in self.signatures:
            seen.setdefault(sig.png_sha256, None)
        return list(seen)

    def _photo_refs(self) -> list[str]:
        return []

    def index_columns(self) -> dict[str, str | None]:
        """What the device's and the server's stores index a record by."""
        inspection_id = (
            self.id if self.kind == "inspection" else getattr(self, "inspection_id", None)
        )
        return {
            "id": self.id,
            "kind": self.kind,
            "type": getattr(self, "type", None),
            "enterprise_id": self.enterprise_id,
            "hazard_id": getattr(self, "hazard_id", None),
            "inspection_id": inspection_id,
            "created_by": self.created_by,
        }

    def wire(self) -> dict[str, Any]:
        """The record as it travels and is stored: normalised JSON-compatible data."""
        return self.model_dump(mode="json")

    def expected_content_hash(self) -> str:
        return content_hash_of(self.wire())

    def record_hash(self) -> str:
        return record_hash_of(self.wire())


# ---------------------------------------------------------------- inspection


class ItemResultValue(StrEnum):
    passed = "pass"
    failed = "fail"
    na = "na"


class ItemResult(Frozen):
    item_code: ItemCode
    result: ItemResultValue
    note: Long = ""
    photos: Photos


class InspectionKind(StrEnum):
    routine = "routine"
    special = "special"
    joint = "joint"
    recheck = "recheck"
    self_check = "self"


class Inspection(FieldRecord):
    kind: Literal["inspection"] = "inspection"
    template_code: Annotated[str, StringConstraints(pattern=r"^[A-Z][A-Z0-9-]{1,31}$")]
    template_version: int = Field(ge=1)
    inspection_kind: InspectionKind = InspectionKind.routine
    inspector_ids: list[RefId] = Field(min_length=1, max_length=10)
    started_at: Moment
    finished_at: Moment
    location: Location | None = None
    location_status: Literal["ok", "denied", "unavailable"] = "ok"
    items: list[ItemResult] = Field(default_factory=list, max_length=500)
    summary: Long = ""
    refusal: Refusal | None = None

    def _photo_refs(self) -> list[str]:
        return [p for item in self.items for p in item.photos]

    @model_validator(mode="after")
    def _rules(self) -> Inspection:
        if self.finished_at < self.started_at:
            raise ValueError("finished_at is before started_at")
        codes = [i.item_code for i in self.items]
        if len(codes) != len(set(codes)):
            raise ValueError("an item appears twice")
        inspector_sigs = [s for s in self.signatures if s.role == "inspector"]
        if not any(s.signer_user_id == self.inspector_ids[0] for s in inspector_sigs):
            raise ValueError("the first inspector must sign (检查人签名)")
        if len(set(self.inspector_ids)) != len(self.inspector_ids):
            raise ValueError("an inspector is listed twice")
        enterprise_sigs = [s for s in self.signatures if s.role == "enterprise"]
        if len(enterprise_sigs) > 1:
            raise ValueError("one enterprise signature at most")
        if enterprise_sigs and self.refusal is not None:
            raise ValueError("the enterprise signed, so no refusal can be recorded")
        if not enterprise_sigs and self.refusal is None:
            raise ValueError("the enterprise must sign, or its refusal be recorded (拒签)")
        if len(self._photo_refs()) > MAX_PHOTOS_PER_RECORD:
            raise ValueError("too many photos in one inspection")
        return self


# ---------------------------------------------------------------- hazard events


class HazardLevel(StrEnum):
    general = "general"
    major = "major"


class Handling(StrEnum):
    on_site = "on_site"  # 现场整改
    deadline = "deadline"  # 限期整改
    suspend = "suspend"  # 停产停业整改


class HazardSource(StrEnum):
    grid_patrol = "grid_patrol"  # 网格巡查
    supervision = "supervision"  # 监督检查
    complaint = "complaint"  # 投诉举报
    self_check = "self_check"  # 企业自查
    other = "other"


CategoryCode = Annotated[str, StringConstraints(pattern=r"^[AB](0[1-9]|1[0-2]|99)$")]


LATE_FIELDS = ("follows", "device_last_sync")


class HazardEventBase(FieldRecord):
    """``at`` is when the device says it happened: a claim, kept beside the server's receipt.

    ``follows`` names the latest event of the hazard its device knew (None for ``reported``,
    and in events recorded before it existed); the lifecycle is folded in that causal order.
    ``device_last_sync`` is the device's last successful sync before it was sealed.
    """

    kind: Literal["hazard_event"] = "hazard_event"
    hazard_id: RecordId
    at: Moment
    follows: RecordId | None = None
    device_last_sync: Moment | None = None

    @model_serializer(mode="wrap")
    def _without_unset_late_fields(self, handler: SerializerFunctionWrapHandler) -> Any:
        """Fields added later are left out while unset: records sealed before they existed
        keep their content (and so their content hash) in every dump."""
        data = handler(self)
        if isinstance(data, dict):
            for name in LATE_FIELDS:
                if data.get(name) is None:
                    data.pop(name, None)
        return data


class Reported(HazardEventBase):
    """隐患登记, with the five must-haves: 责任、措施、资金、时限、预案."""

    type: Literal["reported"] = "reported"
    title: Short
    description: Long = ""
    place: Short  # 隐患部位
    level: HazardLevel
    category: CategoryCode
    basis: Annotated[str, StringConstraints(max_length=500)] = ""
    handling: Handling
    measures: Annotated[
        str, StringConstraints(strip_whitespace=True, min_length=1, max_length=4000)
    ]
    responsible_name: Short
    responsible_phone: Phone
    deadline: Day
    funds_yuan: Decimal = Field(ge=0, le=Decimal("1e10"), decimal_places=2)

    @field_validator("funds_yuan")
    @classmethod
    def _two_places(cls, value: Decimal) -> Decimal:
        """One written form per amount (100, 100.00 and 1E+2 hash alike)."""
        return value.quantize(Decimal("0.01")) + Decimal("0.00")

    interim_measures: Long = Field(default="", validate_default=True)
    source: HazardSource = HazardSource.grid_patrol
    photos: Photos
    inspection_id: RecordId | None = None
    item_code: ItemCode | None = None

    def _photo_refs(self) -> list[str]:
        return list(self.photos)

    @field_validator("interim_measures")
    @classmethod
    def _interim_unless_on_site(cls, value: str, info: ValidationInfo) -> str:
        """Checked per field, so the form shows it next to the field with the others."""
        if info.data.get("handling", Handling.on_site) != Handling.on_site and not value:
            raise ValueError(
                "interim_measures (临时管控措施/预案) are required unless fixed on site"
            )
        return value

    @model_validator(mode="after")
    def _must_haves(self) -> Reported:
        if self.deadline < self.at.date():
            raise ValueError("deadline is before the day the hazard was found")
        return self


class Rectified(HazardEventBase):
    type: Literal["rectified"] = "rectified"
    note: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=4000)]
    photos: Photos

    def _photo_refs(self) -> list[str]:
        return list(self.photos)

    @model_validator(mode="after")
    def _signed(self) -> Rectified:
        if [s.role for s in self.signatures] != ["enterprise"]:
            raise ValueError(
                "a rectification report carries the enterprise's signature (also when an "
                "inspector records it on the enterprise's behalf)"
            )
        return self


class Rechecked(HazardEventBase):
    type: Literal["rechecked"] = "rechecked"
    passed: bool
    note: Long = ""
    photos: Photos

    def _photo_refs(self) -> list[str]:
        return list(self.photos)

    @model_validator(mode="after")
    def _signed(self) -> Rechecked:
        if [s.role for s in self.signatures] != ["inspector"]:
            raise ValueError("a re-check carries the inspector's signature")
        return self


class DeadlineExtended(HazardEventBase):
    type: Literal["deadline_extended"] = "deadline_extended"
    new_deadline: Day
    reason: Short


class Escalated(HazardEventBase):
    type: Literal["escalated"] = "escalated"
    mode: Literal["reminder", "listed"]  # 督办提醒 / 挂牌督办
    note: Long = ""


class Closed(HazardEventBase):
    type: Literal["closed"] = "closed"
    note: Long = ""


class Voided(HazardEventBase):
    type: Literal["voided"] = "voided"
    reason: Short


HazardEventRecord = (
    Reported | Rectified | Rechecked | DeadlineExtended | Escalated | Closed | Voided
)
HazardEvent = Annotated[HazardEventRecord, Field(discriminator="type")]
HAZARD_EVENT_TYPES = (
    "reported",
    "rectified",
    "rechecked",
    "deadline_extended",
    "escalated",
    "closed",
    "voided",
)

# ---------------------------------------------------------------- review


class Review(FieldRecord):
    kind: Literal["review"] = "review"
    inspection_id: RecordId
    decision: Literal["approved", "returned"]
    comment: Long = ""
    at: Moment

    @model_validator(mode="after")
    def _comment_when_returned(self) -> Review:
        if self.decision == "returned" and not self.comment:
            raise ValueError("a returned inspection needs a comment")
        return self


AnyRecord = Inspection | HazardEventRecord | Review

_ADAPTERS: dict[str, TypeAdapter[Any]] = {
    RecordKind.inspection: TypeAdapter(Inspection),
    RecordKind.hazard_event: TypeAdapter(HazardEvent),
    RecordKind.review: TypeAdapter(Review),
}


def parse_record(kind: str, data: Any) -> AnyRecord:
    """Validate ``data`` as a record of ``kind``; raises KeyError or pydantic.ValidationError."""
    adapter = _ADAPTERS[kind]
    if isinstance(data, dict) and "kind" not in data:
        data = {**data, "kind": kind}
    return adapter.validate_python(data)


def seal(kind: str, data: dict[str, Any]) -> dict[str, Any]:
    """Fill in ``content_hash`` and every signature's copy of it; return the wire form.

    The device calls this when the record is finished and signed. The hash covers the
    content as validated and normalised, so the server recomputes exactly the same value.
    """
    placeholder = "0" * 64
    signatures = [{**s, "content_hash": placeholder} for s in data.get("signatures", [])]
    draft = {**data, "content_hash": placeholder, "signatures": signatures}
    digest = content_hash_of(parse_record(kind, draft).wire())
    signatures = [{**s, "content_hash": digest} for s in signatures]
    return parse_record(kind, {**draft, "content_hash": digest, "signatures": signatures}).wire()


def integrity_problems(record: FieldRecord, wire: dict[str, Any] | None = None) -> list[str]:
    """Why the record's hashes do not match its content; empty when they do.

    ``wire`` is ``record.wire()`` when the caller has it already (dumping a record is not free).
    """
    expected = record.expected_content_hash() if wire is None else content_hash_of(wire)
    problems = []
    if record.content_hash != expected:
        problems.append("content_hash")
    problems += [
        f"signatures.{i}.content_hash"
        for i, sig in enumerate(record.signatures)
        if sig.content_hash != expected
    ]
    return problems
