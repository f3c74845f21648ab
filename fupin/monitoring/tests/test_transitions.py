"""The transition table is complete and its roles are consistent."""

from fupin.accounts.roles import Role
from fupin.monitoring.models import TERMINAL_STATES, CaseState
from fupin.monitoring.transitions import (
    CASEWORK_ROLES,
    INTAKE_ROLES,
    OBJECTION_ROLES,
    TRANSITIONS,
    Step,
    steps_for,
)


def reachable_from(start):
    seen, frontier = {start}, [start]
    while frontier:
        state = frontier.pop()
        for (from_state, _step), (to_state, _roles) in TRANSITIONS.items():
            if from_state == state and to_state not in seen:
                seen.add(to_state)
                frontier.append(to_state)
    return seen


def test_every_state_is_reachable_from_a_clue():
    assert reachable_from(CaseState.CLUE) == set(CaseState.values)


def test_every_state_but_the_terminal_ones_has_a_way_on():
    sources = {state for state, _step in TRANSITIONS}
    assert sources == set(CaseState.values) - TERMINAL_STATES


def test_no_step_leaves_a_terminal_state():
    assert not [key for key in TRANSITIONS if key[0] in TERMINAL_STATES]


def test_every_step_is_in_the_table_and_every_entry_names_real_roles():
    assert {step for _state, step in TRANSITIONS} == set(Step.values)
    for key, (to_state, roles) in TRANSITIONS.items():
        assert to_state in CaseState.values, key
        assert roles and roles <= set(Role.values), key
    for roles in (INTAKE_ROLES, OBJECTION_ROLES, CASEWORK_ROLES):
        assert roles <= set(Role.values)


def test_village_steps_are_the_villages_and_decisions_the_countys():
    assert steps_for(CaseState.CLUE, Role.VILLAGE_CADRE) == [Step.APPLY, Step.REJECT]
    assert steps_for(CaseState.CLUE, Role.TOWNSHIP_OFFICER) == []
    assert steps_for(CaseState.POSTED, Role.TOWNSHIP_OFFICER) == [
        Step.TOWNSHIP_REVIEW,
        Step.REJECT,
    ]
    assert steps_for(CaseState.TOWNSHIP_REVIEWED, Role.COUNTY_OFFICER) == [
        Step.APPROVE_MONITORING,
        Step.REJECT,
    ]
    nobody = (Role.LEADER, Role.DEPARTMENT_STAFF, Role.HELPER_CADRE, Role.SYSTEM_ADMIN)
    for role in nobody:
        assert all(role not in roles for _next, roles in TRANSITIONS.values())


def test_an_elimination_mirrors_the_identification_steps():
    path, state = [], CaseState.MONITORED
    while state != CaseState.ELIMINATED:
        step = next(s for (f, s) in TRANSITIONS if f == state and s != Step.KEEP_MONITORING)
        path.append(step)
        state = TRANSITIONS[(state, step)][0]
    assert path == [
        Step.PROPOSE_ELIMINATION,
        Step.VERIFY,
        Step.VILLAGE_REVIEW,
        Step.POST,
        Step.TOWNSHIP_REVIEW,
        Step.APPROVE_ELIMINATION,
    ]
