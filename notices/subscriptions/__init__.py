"""Notice subscriptions (我的订阅): an account chooses categories and notice types and is texted
each matching new notice as an optional SMS; one button stops it."""


def init_app(app) -> None:
    """Wire subscriptions into `app` (notices.init_app calls it): the page and the fan-out tick.
    Who can be texted comes from the pool (`services.register_audience`)."""
    from app.scheduler import register_tick
    from notices.subscriptions import jobs
    from notices.subscriptions.views import bp

    app.register_blueprint(bp)
    register_tick(
        app,
        "subscriptions-fanout",
        jobs.fan_out_tick,
        seconds=float(app.config["SMS_TICK_SECONDS"]),
    )
