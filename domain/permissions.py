"""Who may emit which record, in which scope. Pure rules; the server enforces them.

- inspector: inspections, and hazard events ``reported``, ``rectified`` (on the
  enterprise's behalf) and ``rechecked``, for enterprises in their grids;
- enterprise: ``rectified`` for its own enterprise;
- office: reviews, and hazard events ``escalated``, ``deadline_extended``, ``closed``,
  ``voided``, anywhere in the sub-district;
- admin: works from the server shell and pushes nothing.
"""

from __future__ import annotations

from dataclasses import dataclass

from domain.records import AnyRecord, Inspection, Rechecked, Review
from domain.reference import Role


@dataclass(frozen=True)
class Principal:
    user_id: str
    role: Role
    grid_ids: frozenset[str] = frozenset()
    enterprise_id: str | None = None


INSPECTOR_EVENTS = frozenset({"reported", "rectified", "rechecked"})
ENTERPRISE_EVENTS = frozenset({"rectified"})
OFFICE_EVENTS = frozenset({"escalated", "deadline_extended", "closed", "voided"})


def record_action(record: AnyRecord) -> str:
    """``inspection``, ``review`` or the hazard event's type."""
    return getattr(record, "type", record.kind)


def may_emit(principal: Principal, record: AnyRecord, enterprise_grid_id: str | None) -> str | None:
    """None when allowed; otherwise a short reason (the code is ``forbidden``).

    ``enterprise_grid_id`` is the grid of the record's enterprise on the server, or None
    when the enterprise is unknown there.
    """
    if record.created_by != principal.user_id:
        return "created_by is not the signed-in user"
    action = record_action(record)
    allowed = {
        Role.inspector: INSPECTOR_EVENTS | {"inspection"},
        Role.enterprise: ENTERPRISE_EVENTS,
        Role.office: OFFICE_EVENTS | {"review"},
        Role.admin: frozenset(),
    }[principal.role]
    if action not in allowed:
        return f"role {principal.role} may not record {action}"
    if enterprise_grid_id is None:
        return "unknown enterprise"
    if principal.role == Role.inspector and enterprise_grid_id not in principal.grid_ids:
        return "enterprise outside your grids"
    if principal.role == Role.enterprise and record.enterprise_id != principal.enterprise_id:
        return "not your enterprise"
    return _signer_rule(principal, record)


def _signer_rule(principal: Principal, record: AnyRecord) -> str | None:
    """Whoever inspects signs and answers for it."""
    if isinstance(record, Inspection) and record.inspector_ids[0] != principal.user_id:
        return "the signed-in inspector must be the first inspector"
    if isinstance(record, Inspection | Rechecked):
        own = [s for s in record.signatures if s.role == "inspector"]
        if not any(s.signer_user_id == principal.user_id for s in own):
            return "the inspector's signature is not the signed-in user's"
    if isinstance(record, Review) and principal.role != Role.office:
        return "only the office reviews"
    return None
