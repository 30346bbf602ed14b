"""Public, re-runnable draws (format ``smallworks-draw/1``): engine, verifier, records, pages."""


def init_app(app) -> None:
    """Wire the draws into `app` (create_app calls it): their pages, API and CLI group.

    The registries the other domains fill (candidate sources, owned subjects, subject pages) are
    the app's own (lottery.services.registries, lottery.views); this registers nothing there.
    It registers its draw ids as codes a rendered text links to their records (app.links).
    Imports stay inside: `lottery.verify` and `lottery.engine` are used without Flask.
    """
    from app.links import register_code_links
    from app.observability import register_metrics
    from lottery import queries
    from lottery.api import bp as api_bp
    from lottery.cli import draws_cli
    from lottery.views import bp, draw_links, staff_bp

    app.register_blueprint(bp)
    app.register_blueprint(staff_bp)
    app.register_blueprint(api_bp)
    app.cli.add_command(draws_cli)
    register_code_links(app, "draws", draw_links)
    register_metrics(app, "draws", queries.draw_metrics)
    # Draw records are found by the site search (app.search).
    from lottery import search

    search.init_app(app)
    # A draw's revision history (修改记录, app.history).
    from app.history.queries import register_kind
    from lottery import history

    register_kind(app, "draw", history.target)
