"""Users, roles, the org-unit tree they work in, API tokens, and the audit log."""
