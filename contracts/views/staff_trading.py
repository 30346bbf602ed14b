"""Staff trading pages: the trading notice, the bulletin-board posting and the award meeting."""

from __future__ import annotations

from contracts.views.staff import bp  # noqa: F401
