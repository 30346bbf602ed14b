"""Accounts, roles, login and the role guard."""
