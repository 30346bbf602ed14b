"""Objections (异议) to a trading: to its notice (《招标投标法实施条例》 art. 22) while the notice's
publicity runs, to its result (art. 54) while the result's objection period runs; the office
answers within 3 日 and the answers are public on the project page."""


def init_app(app) -> None:
    """Wire objections into `app` (contracts.init_app calls it): the pages, and the answers'
    deadlines on the staff and supervisors' deadline pages."""
    from app.deadlines import register_deadline_source
    from contracts.objections import queries
    from contracts.objections.views import bp

    app.register_blueprint(bp)
    register_deadline_source(app, "objection.answer", queries.answer_deadlines)
