"""Factories as plain functions, and a test client that submits forms with their CSRF token."""

from __future__ import annotations

import re

PASSWORD = "correct horse battery"


def make_user(role: str = "staff", username: str | None = None, **overrides):
    from app.auth.services import NewUser, create_user

    username = username or f"{role}{make_user.counter}"
    make_user.counter += 1
    return create_user(
        NewUser(
            username=username,
            display_name=overrides.get("display_name", f"测试{role}"),
            role=role,
            password=overrides.get("password", PASSWORD),
            organisation=overrides.get("organisation", "测试单位"),
        )
    )


make_user.counter = 1


def make_notice(actor=None, publish: bool = True, **overrides):
    from notices import services

    data = services.NoticeInput(
        type=overrides.pop("type", "trading_notice"),
        title=overrides.pop("title", "甬江街道某村道路硬化工程交易公告"),
        issuing_body=overrides.pop("issuing_body", "区公共资源交易管理办公室"),
        legal_basis=overrides.pop("legal_basis", "交易公告不少于3个工作日"),
        body=overrides.pop("body", "**控制价**：862,300.00元"),
        **overrides,
    )
    notice = services.create_draft(data, actor=actor)
    return services.publish(notice.id, actor=actor) if publish else notice


CSRF_RE = re.compile(
    r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"'
)


def csrf_token(client, path: str) -> str:
    html = client.get(path).get_data(as_text=True)
    match = CSRF_RE.search(html)
    assert match, f"no CSRF token on {path}"
    return match.group(1) or match.group(2)


class Browser:
    """A browser of its own: the test client, each request in a fresh app context as in production.

    (The `app` fixture keeps one context pushed for the test; without a context per request Flask
    would reuse it, and Flask-Login's cached `current_user` in `g` would leak between browsers.)
    `submit` fetches the form page's CSRF token first.
    """

    def __init__(self, client):
        self.client = client
        self.app = client.application

    def open(self, path: str, method: str = "GET", **kw):
        with self.app.app_context():
            return self.client.open(path, method=method, **kw)

    def get(self, path: str, **kw):
        return self.open(path, "GET", **kw)

    def post(self, path: str, **kw):
        return self.open(path, "POST", **kw)

    def submit(self, path: str, data: dict | None = None, *, form_page: str | None = None, **kw):
        token = csrf_token(self, form_page or path)
        return self.post(path, data={**(data or {}), "csrf_token": token}, **kw)
