"""Users, roles, the org-unit tree they work in, API tokens, the audit log, and user
management (账号管理) for the township office and system administrators."""
