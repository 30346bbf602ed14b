"""Misconduct cases (不良行为) and sanctions (处理): cases opened by staff or by other domains'
services, the company's statement, the decision, publication within 20 工作日 and the 6-month
record (《招标投标违法行为记录公告暂行办法》), changes and corrections, and the sanction's effect on
the pool (a suspension source of THE membership rule; a removal's reserve entering)."""


def init_app(app) -> None:
    """Wire sanctions into `app` (contractors.init_app calls it): the pool's suspension source
    and the oversight deadlines."""
    from app.deadlines import register_deadline_source
    from contractors.queries import register_suspension_source

    from . import queries

    register_suspension_source(app, "sanctions", queries.suspensions)
    register_deadline_source(app, "sanctions", queries.deadlines)
