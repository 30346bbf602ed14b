"""Staff project pages: open projects with their next step, entry for an owner, filing (备案) or
sending back, and recording the contract or a refusal."""

from __future__ import annotations

from contracts.views.staff import bp  # noqa: F401
