"""Notices (公告) and their publicity periods, attachments and the public notice pages."""


def init_app(app) -> None:
    """Wire notices and their SMS into `app` (create_app calls it): pages, API, the SMS tick,
    and the lengthening of running publicity periods when the office changes its calendar."""
    from app.calendar.services import calendar_changed
    from notices import services, sms
    from notices.api import bp as api_bp
    from notices.views import bp, staff_bp

    app.register_blueprint(bp)
    app.register_blueprint(staff_bp)
    app.register_blueprint(api_bp)
    sms.init_app(app)
    # A process-wide signal: connecting the same receiver again is a no-op (blinker).
    calendar_changed.connect(services.lengthen_running_publicity)
