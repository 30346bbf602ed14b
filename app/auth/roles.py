"""The roles an account holds, and the groups of roles the guards admit. Pure: rules use them too."""

from __future__ import annotations

import enum


class Role(enum.StrEnum):
    STAFF = "staff"  # 区公管办 trading-office staff
    REVIEWER = "reviewer"  # department reviewer (建设、城管、农水…)
    OWNER = "owner"  # 业主 project owner
    CONTRACTOR = "contractor"  # 企业
    ADMIN = "admin"  # accounts and system settings
    SUPERVISOR = "supervisor"  # 纪检监察 / 审计: reads every case, complaint and the audit log


ROLE_VALUES = tuple(r.value for r in Role)

#: The trading office (区公管办): its staff and the administrator.
OFFICE_ROLES = (Role.STAFF, Role.ADMIN)
#: The review panel (资格审查小组): the office and the departments' reviewers.
PANEL_ROLES = (*OFFICE_ROLES, Role.REVIEWER)
#: Who enters a project: its owner (业主) or the office.
ENTRY_ROLES = (Role.OWNER, *OFFICE_ROLES)
#: Who reads the oversight records (complaints, cases, deadlines, the audit log): the office and
#: the supervisors (纪检监察 / 审计), who read everything and change nothing.
OVERSIGHT_ROLES = (*OFFICE_ROLES, Role.SUPERVISOR)
#: Roles that read and never write: every POST of theirs is refused (403) by the app-wide guard
#: (`app.auth.guards.refuse_writes_by_read_only_roles`), except on their own session and password.
READ_ONLY_ROLES = (Role.SUPERVISOR,)
#: Accounts an administrator creates on the accounts page. A company's account (`contractor`) is
#: made by the company's own sign-up, which also records the company.
ADMIN_CREATED_ROLES = (Role.STAFF, Role.REVIEWER, Role.OWNER, Role.SUPERVISOR, Role.ADMIN)
