"""User accounts and their roles."""

from __future__ import annotations

from datetime import datetime

from flask_login import UserMixin
from sqlalchemy import Boolean, CheckConstraint, ForeignKey, Integer, String
from sqlalchemy import false as sa_false
from sqlalchemy.orm import Mapped, mapped_column

from app.auth.roles import Role
from app.extensions import db
from app.types import UTCDateTime


def N_(message: str) -> str:
    """Mark a string for translation; it is translated where it is shown."""
    return message


ROLE_LABELS = {
    Role.STAFF: N_("区公管办工作人员"),
    Role.REVIEWER: N_("部门审查人员"),
    Role.OWNER: N_("业主"),
    Role.CONTRACTOR: N_("企业"),
    Role.ADMIN: N_("系统管理员"),
    Role.SUPERVISOR: N_("纪检监察与审计人员"),
}


class User(UserMixin, db.Model):
    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint(
            "role IN ('staff','reviewer','owner','contractor','admin','supervisor')", name="role"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    #: Login name: lower-case ASCII, unique.
    username: Mapped[str] = mapped_column(String(64), unique=True)
    #: Name shown on pages and in the audit log, e.g. 张晓明.
    display_name: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(20))
    #: The department of a reviewer, the unit of an owner, or the company of a contractor.
    organisation: Mapped[str] = mapped_column(String(200), default="")
    #: The office it belongs to (app.offices): a district or a platform; none for a company or the deployment's administrator.
    office_id: Mapped[int | None] = mapped_column(ForeignKey("offices.id"), index=True)
    #: argon2id hash (argon2-cffi).
    password_hash: Mapped[str] = mapped_column(String(255))
    is_active_account: Mapped[bool] = mapped_column(Boolean, default=True)
    #: Set when an administrator resets the password to a one-time one: until the holder chooses
    #: their own, every page sends them to the password page (app.auth.guards).
    must_change_password: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=sa_false()
    )
    #: Failed logins from any address since the last success, counted atomically (for the audit
    #: and for staff to see; the throttle itself is per address: LoginThrottle).
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    #: Part of the session and remember-me identity ("<id>:<version>"): raising it ends every
    #: session of the account (logout, password change).
    session_version: Mapped[int] = mapped_column(Integer, default=1, server_default="1")
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_login_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    @property
    def is_active(self) -> bool:  # Flask-Login: a deactivated account cannot log in
        return self.is_active_account

    def get_id(self) -> str:  # Flask-Login: stored in the session and the remember-me cookie
        return f"{self.id}:{self.session_version}"

    def has_role(self, *roles: str) -> bool:
        return self.role in roles

    @property
    def role_label(self) -> str:
        return ROLE_LABELS[Role(self.role)]


class LoginThrottle(db.Model):
    """Failed logins of one login name from one client address (app/auth/rules.py). Keyed by
    the name as typed, known or not, so unknown names are throttled the same as real ones."""

    __tablename__ = "login_throttles"

    address: Mapped[str] = mapped_column(String(64), primary_key=True)
    #: The login name as normalised for lookup (lower case); need not be an account.
    username: Mapped[str] = mapped_column(String(64), primary_key=True)
    failures: Mapped[int] = mapped_column(Integer)
    last_failed_at: Mapped[datetime] = mapped_column(UTCDateTime())
