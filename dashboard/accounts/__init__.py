"""账号 — accounts and roles, the one place where a user's area and permissions are checked
(``access``), and the administrator's page logic.
"""
