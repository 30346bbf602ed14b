"""The pre-selected contractor pool (预选承包商名录库): registration, calls, applications, review,
pool draws and rosters (DESIGN.md, procedure A)."""


def init_app(app) -> None:
    """Wire the pool into `app` (create_app calls it): its pages and API, and what it tells the
    draws (a category's candidates; its draws run only at its own meeting; their subject page) and
    SMS (who a recipient is — notices may not import contractors)."""
    from contractors import queries
    from contractors.api import bp as api_bp
    from contractors.views.account import bp as account_bp
    from contractors.views.public import bp as public_bp
    from contractors.views.related import notice_links
    from contractors.views.staff import bp as staff_bp
    from lottery import services as draws
    from lottery.views import register_subject_page
    from notices.categories import register_categories
    from notices.related import register_related_links
    from notices.sms import services as sms

    app.register_blueprint(api_bp)
    app.register_blueprint(staff_bp)
    app.register_blueprint(public_bp)
    app.register_blueprint(account_bp)
    draws.register_candidate_source(app, queries.SUBJECT_TYPE, queries.pool_candidates)
    # A pool category is settled at the pool's lottery meeting (draw, or all enter, then the
    # selections) — never by the generic draw console, which would leave the category unsettled.
    draws.register_owned_subject(
        app, queries.SUBJECT_TYPE, "名录库征集的摇号会议页面", "the pool call's meeting page"
    )
    register_subject_page(app, queries.SUBJECT_TYPE, "pool.draw_subject", "draw_id")
    sms.register_directory(app, queries.sms_contacts)
    # Who a subscription texts (notices.subscriptions): a company account's contact mobile.
    from notices.subscriptions import services as subscriptions

    subscriptions.register_audience(app, queries.company_of_user, queries.sms_reachable)
    # A pool call's notices lead to the call's page and its categories' draws.
    register_related_links(app, "pool_call", notice_links)
    # The notice list and feed filter by the pool's categories (notices.categories).
    register_categories(app, queries.notice_categories)
    # A pool meeting's appointed time (app.pagecache: the call's pages are cached until then).
    from app.pagecache import register_time_edge

    register_time_edge(app, "pool", queries.next_meeting)
    from contractors import sanctions

    sanctions.init_app(app)
    # Pool members are found by the site search (app.search).
    from contractors import search

    search.init_app(app)
    # Revision histories (修改记录, app.history): a company's record, a published sanction.
    from app.history.queries import register_kind
    from contractors import history

    register_kind(app, "contractor", history.contractor_target)
    register_kind(app, "sanction", history.sanction_target)
    # [Oversight] the 3-日 answer of each objection made in the roster publicity.
    from app.deadlines import register_deadline_source

    register_deadline_source(app, "pool_objection.answer", queries.roster_objection_deadlines)
