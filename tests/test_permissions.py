"""Who may emit which record, in which scope (domain.permissions.may_emit)."""

from __future__ import annotations

import pytest

from domain.permissions import (
    ENTERPRISE_EVENTS,
    INSPECTOR_EVENTS,
    OFFICE_EVENTS,
    Principal,
    may_emit,
    record_action,
)
from domain.records import HAZARD_EVENT_TYPES, AnyRecord
from domain.reference import Role
from tests.domain_factories import (
    ADMIN,
    ENTERPRISE,
    ENTERPRISE_USER,
    GRID,
    INSPECTOR,
    INSPECTOR_2,
    OFFICE,
    event,
    event_data,
    inspection,
    review,
    sealed,
    signature,
    uid,
)

OTHER_GRID = "grid-9"
OTHER_ENTERPRISE = "ent-2"

PRINCIPALS = {
    Role.inspector: Principal(INSPECTOR, Role.inspector, grid_ids=frozenset({GRID, "grid-2"})),
    Role.enterprise: Principal(ENTERPRISE_USER, Role.enterprise, enterprise_id=ENTERPRISE),
    Role.office: Principal(OFFICE, Role.office),
    Role.admin: Principal(ADMIN, Role.admin),
}
ACTIONS = ("inspection", "review", *HAZARD_EVENT_TYPES)

ALLOWED = {
    Role.inspector: {"inspection", "reported", "rectified", "rechecked"},
    Role.enterprise: {"rectified"},
    Role.office: {"review", "escalated", "deadline_extended", "closed", "voided"},
    Role.admin: set(),
}
TABLE = [(role, action) for role in Role for action in ACTIONS]


def build(action: str, user_id: str, enterprise_id: str = ENTERPRISE) -> AnyRecord:
    """A valid record of ``action`` created (and, where it applies, signed) by ``user_id``."""
    if action == "inspection":
        return inspection(created_by=user_id, enterprise_id=enterprise_id)
    if action == "review":
        return review(inspection_id=uid(), created_by=user_id, enterprise_id=enterprise_id)
    return event(action, hazard_id=uid(), created_by=user_id, enterprise_id=enterprise_id)


def test_table_matches_the_module_constants() -> None:
    assert ALLOWED[Role.inspector] == INSPECTOR_EVENTS | {"inspection"}
    assert ALLOWED[Role.enterprise] == ENTERPRISE_EVENTS
    assert ALLOWED[Role.office] == OFFICE_EVENTS | {"review"}
    assert set(ACTIONS) == {a for actions in ALLOWED.values() for a in actions}


@pytest.mark.parametrize("action", ACTIONS)
def test_record_action(action: str) -> None:
    assert record_action(build(action, INSPECTOR)) == action


@pytest.mark.parametrize(("role", "action"), TABLE)
def test_role_action_table_in_scope(role: Role, action: str) -> None:
    principal = PRINCIPALS[role]
    reason = may_emit(principal, build(action, principal.user_id), GRID)
    if action in ALLOWED[role]:
        assert reason is None
    else:
        assert isinstance(reason, str) and reason


@pytest.mark.parametrize(("role", "action"), TABLE)
def test_created_by_must_be_the_principal(role: Role, action: str) -> None:
    principal = PRINCIPALS[role]
    someone_else = INSPECTOR_2 if principal.user_id != INSPECTOR_2 else INSPECTOR
    reason = may_emit(principal, build(action, someone_else), GRID)
    assert reason is not None and "created_by" in reason


@pytest.mark.parametrize(("role", "action"), TABLE)
def test_unknown_enterprise_is_forbidden(role: Role, action: str) -> None:
    principal = PRINCIPALS[role]
    reason = may_emit(principal, build(action, principal.user_id), None)
    assert reason is not None


@pytest.mark.parametrize("action", sorted(ALLOWED[Role.inspector]))
def test_inspector_outside_their_grids(action: str) -> None:
    principal = PRINCIPALS[Role.inspector]
    record = build(action, principal.user_id)
    assert may_emit(principal, record, "grid-2") is None
    reason = may_emit(principal, record, OTHER_GRID)
    assert reason is not None and "grid" in reason


def test_inspector_without_grids_may_do_nothing() -> None:
    principal = Principal(INSPECTOR, Role.inspector)
    for action in ALLOWED[Role.inspector]:
        assert may_emit(principal, build(action, INSPECTOR), GRID) is not None


@pytest.mark.parametrize("grid", [GRID, OTHER_GRID, "anything"])
def test_enterprise_own_enterprise_in_any_grid(grid: str) -> None:
    principal = PRINCIPALS[Role.enterprise]
    assert may_emit(principal, build("rectified", ENTERPRISE_USER), grid) is None


def test_enterprise_other_enterprise_is_forbidden() -> None:
    principal = PRINCIPALS[Role.enterprise]
    record = build("rectified", ENTERPRISE_USER, enterprise_id=OTHER_ENTERPRISE)
    reason = may_emit(principal, record, GRID)
    assert reason is not None and "enterprise" in reason


def test_enterprise_user_without_an_enterprise_is_forbidden() -> None:
    principal = Principal(ENTERPRISE_USER, Role.enterprise, enterprise_id=None)
    assert may_emit(principal, build("rectified", ENTERPRISE_USER), GRID) is not None


@pytest.mark.parametrize("action", sorted(ALLOWED[Role.office]))
@pytest.mark.parametrize("grid", [GRID, OTHER_GRID, "grid-x"])
def test_office_anywhere(action: str, grid: str) -> None:
    principal = PRINCIPALS[Role.office]
    record = build(action, OFFICE, enterprise_id=OTHER_ENTERPRISE)
    assert may_emit(principal, record, grid) is None


def test_office_with_grids_is_still_unrestricted() -> None:
    principal = Principal(OFFICE, Role.office, grid_ids=frozenset({GRID}))
    assert may_emit(principal, build("closed", OFFICE), OTHER_GRID) is None


def test_admin_may_emit_nothing_even_with_scope() -> None:
    principal = Principal(ADMIN, Role.admin, grid_ids=frozenset({GRID}), enterprise_id=ENTERPRISE)
    for action in ACTIONS:
        assert may_emit(principal, build(action, ADMIN), GRID) is not None


# ---------------------------------------------------------------- whoever inspects signs


def test_inspection_first_inspector_must_be_the_principal() -> None:
    principal = PRINCIPALS[Role.inspector]
    record = inspection(created_by=INSPECTOR, inspector_ids=[INSPECTOR_2, INSPECTOR])
    reason = may_emit(principal, record, GRID)
    assert reason is not None and "first inspector" in reason


def test_inspection_as_first_of_two_inspectors_is_allowed() -> None:
    principal = PRINCIPALS[Role.inspector]
    record = inspection(created_by=INSPECTOR, inspector_ids=[INSPECTOR, INSPECTOR_2])
    assert may_emit(principal, record, GRID) is None


def test_inspection_created_by_principal_on_behalf_of_another_is_forbidden() -> None:
    principal = PRINCIPALS[Role.inspector]
    record = inspection(created_by=INSPECTOR, inspector_ids=[INSPECTOR_2])
    assert may_emit(principal, record, GRID) is not None


@pytest.mark.parametrize("signer", [INSPECTOR_2, None])
def test_recheck_must_be_signed_by_the_principal(signer: str | None) -> None:
    principal = PRINCIPALS[Role.inspector]
    data = event_data(
        "rechecked",
        hazard_id=uid(),
        created_by=INSPECTOR,
        signatures=[signature("inspector", user_id=signer)],
    )
    reason = may_emit(principal, sealed("hazard_event", data), GRID)
    assert reason is not None and "signature" in reason


def test_recheck_signed_by_the_principal_is_allowed() -> None:
    principal = PRINCIPALS[Role.inspector]
    record = event("rechecked", hazard_id=uid(), created_by=INSPECTOR)
    assert record.signatures[0].signer_user_id == INSPECTOR
    assert may_emit(principal, record, GRID) is None


def test_inspector_may_report_rectification_on_the_enterprises_behalf() -> None:
    principal = PRINCIPALS[Role.inspector]
    data = event_data(
        "rectified",
        hazard_id=uid(),
        created_by=INSPECTOR,
        signatures=[signature("enterprise", user_id=None, name="王五")],
    )
    assert may_emit(principal, sealed("hazard_event", data), GRID) is None
