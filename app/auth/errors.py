"""Errors of the accounts domain."""

from app.errors import DomainError, Forbidden


class AccountError(DomainError):
    """An account could not be created or changed."""


class AccountForbidden(AccountError, Forbidden):
    """An administrator may not open an account outside the offices it administers."""


class LoginRefused(DomainError):
    """Wrong credentials or an inactive account. The message never says which part was wrong."""


class LoginThrottled(LoginRefused):
    """Too many failures from this address for this login name: wait, then try again.

    Said alike for known and unknown names (the throttle counts both), so it reveals nothing."""

    def __init__(self, wait_seconds: int):
        self.wait_seconds = wait_seconds
        if wait_seconds >= 120:
            minutes = -(-wait_seconds // 60)
            zh, en = f"{minutes}分钟", f"{minutes} minutes"
        else:
            zh, en = f"{wait_seconds}秒", f"{wait_seconds} seconds"
        super().__init__(
            f"从本地址登录失败次数过多，请{zh}后再试",
            f"Too many failed logins from this address; try again in {en}",
        )
