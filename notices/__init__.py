"""Notices (公告) and their publicity periods, attachments and the public notice pages."""


def init_app(app) -> None:
    """Wire notices and their SMS into `app` (create_app calls it): pages, API, the SMS tick,
    the page cache's time edge (publicity ends), and the lengthening of running publicity
    periods when the office changes its calendar."""
    from app.calendar.services import calendar_changed
    from app.pagecache import register_time_edge
    from notices import queries, search, services, sms, subscriptions
    from notices.api import bp as api_bp
    from notices.timeliness import services as timeliness
    from notices.views import bp, staff_bp

    timeliness.check(app)  # a wrong NOTICE_PUBLISH_LIMITS stops start-up, naming the type
    app.register_blueprint(bp)
    app.register_blueprint(staff_bp)
    app.register_blueprint(api_bp)
    sms.init_app(app)
    from notices import guides

    guides.init_app(app)
    search.init_app(app)
    subscriptions.init_app(app)
    # A published notice's revision history (修改记录, app.history).
    from app.history.queries import register_field_links, register_kind
    from notices import history

    register_kind(app, "notice", history.target)
    for field in ("notice_id", "corrects_id"):
        register_field_links(app, field, history.public_pages)
    # A notice's publicity ends by the clock: the cached pages that say 公示中 end with it.
    register_time_edge(app, "notices", queries.next_publicity_end)
    # A process-wide signal: connecting the same receiver again is a no-op (blinker).
    calendar_changed.connect(services.lengthen_running_publicity)
