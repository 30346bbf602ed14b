"""SMS outbox: messages queued in the event's transaction, sent by a job through a backend."""


def init_app(app) -> None:
    """Wire SMS into `app` (notices.init_app calls it): its pages, the status webhook, the
    sending tick and the queue's figures on /metrics. Who the recipients are comes from the pool
    (`services.register_directory`)."""
    from app.observability import register_metrics
    from app.scheduler import register_tick
    from notices.sms import jobs, queries
    from notices.sms.views import bp, staff_bp

    app.register_blueprint(bp)
    app.register_blueprint(staff_bp)
    register_tick(app, "sms-send", jobs.send_tick, seconds=float(app.config["SMS_TICK_SECONDS"]))
    register_metrics(app, "sms", queries.queue_metrics)
