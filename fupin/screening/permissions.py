"""Who may do what with screening, by role (the roles table of fupin.accounts stays the one
for registry capabilities; screening's own verbs are listed here, in one place)."""

from __future__ import annotations

from fupin.accounts.roles import Role

# Start runs and handle findings (dismiss, send to monitoring) within their area.
RUN_ROLES = frozenset({Role.TOWNSHIP_OFFICER, Role.COUNTY_OFFICER, Role.SYSTEM_ADMIN})
HANDLE_ROLES = RUN_ROLES
# Follow runs (their counts per rule name no one) over their area.
RUN_VIEW_ROLES = RUN_ROLES | {Role.LEADER, Role.DEPARTMENT_STAFF}
# Publish a new version of a rule (validated before it is saved).
EDIT_RULE_ROLES = frozenset({Role.COUNTY_OFFICER, Role.SYSTEM_ADMIN, Role.TOWNSHIP_OFFICER})
# See findings at all (each within their own reach, see selectors.findings_visible_to).
VIEW_ROLES = frozenset(
    {
        Role.TOWNSHIP_OFFICER,
        Role.COUNTY_OFFICER,
        Role.SYSTEM_ADMIN,
        Role.DEPARTMENT_STAFF,
        Role.VILLAGE_CADRE,
        Role.WORK_TEAM,
        Role.LEADER,
        Role.HELPER_CADRE,
    }
)
