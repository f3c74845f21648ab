"""Who may read and set policy parameters. The numbers are public policy, not personal data:
every signed-in role reads them; the county office and the system administrator set a site's
own values (a township office follows the county's)."""

from __future__ import annotations

from fupin.accounts.roles import Role

EDIT_ROLES = frozenset({Role.COUNTY_OFFICER, Role.SYSTEM_ADMIN})
