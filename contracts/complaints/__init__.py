"""Complaints (投诉) about a trading to the supervising department (issue 12, item 2):
《招标投标法实施条例》 arts. 60–62 and 《工程建设项目招标投标活动投诉处理办法》."""


def init_app(app) -> None:
    """Wire complaints into `app` (contracts.init_app calls it): the complainant's, the staff's
    and the public API's blueprints, and the two deadlines the oversight pages list."""
    from app.deadlines import register_deadline_source
    from contracts.complaints import queries
    from contracts.complaints.api import bp as api_bp
    from contracts.complaints.views import account_bp, staff_bp

    app.register_blueprint(api_bp)
    app.register_blueprint(account_bp)
    app.register_blueprint(staff_bp)
    register_deadline_source(app, "complaint.accept", queries.accept_deadlines)
    register_deadline_source(app, "complaint.decide", queries.decide_deadlines)
