"""Per-project trading (DESIGN.md, procedure B): projects, filing, trading notices, response
commitments, award draws, results, contracts and refusals."""


def init_app(app) -> None:
    """Wire trading into `app` (create_app calls it): its pages and API, and what it tells the
    draws (a trading's respondents are its candidates; its draws run only at its award meeting;
    their subject is the project page)."""
    from contractors.views.public import register_record_section
    from contracts import queries, rules, stage
    from contracts.api import bp as api_bp
    from contracts.api import stats_bp as stats_api_bp
    from contracts.evaluations import views as evaluations_views
    from contracts.evaluations.views import bp as evaluations_bp
    from contracts.screening import queries as screen_queries
    from contracts.views import staff_meeting
    from contracts.views.account import bp as account_bp
    from contracts.views.documents import bp as documents_bp
    from contracts.views.owner import bp as owner_bp
    from contracts.views.public import bp as public_bp
    from contracts.views.related import notice_links
    from contracts.views.staff import bp as staff_bp
    from contracts.views.stats import bp as stats_bp
    from lottery import services as draws
    from lottery.views import register_meeting_page, register_subject_page
    from notices.categories import register_subject_category
    from notices.related import register_related_links

    # Project.stage follows every flush that writes a project's facts (contracts.stage).
    stage.listen()
    app.register_blueprint(api_bp)
    # Open data in OCDS 1.1 (docs/ocds.md).
    from contracts.ocds.api import bp as ocds_bp

    app.register_blueprint(ocds_bp)
    app.register_blueprint(stats_api_bp)
    app.register_blueprint(stats_bp)
    from contracts.cli import projects_cli, stats_cli

    app.cli.add_command(stats_cli)
    app.cli.add_command(projects_cli)
    app.register_blueprint(public_bp)
    app.register_blueprint(documents_bp)
    app.register_blueprint(owner_bp)
    app.register_blueprint(staff_bp)
    app.register_blueprint(account_bp)
    app.register_blueprint(evaluations_bp)
    # Performance evaluations are part of a company's public record (issue 12, item 6).
    register_record_section(app, "evaluations", evaluations_views.record_section)
    # A trading's draws — under either subject type, the legacy one included — are run only at
    # its award meeting (contracts.services.hold_meeting), which also fails the trading or
    # publishes its result: never by the generic console.
    for subject_type in rules.DRAW_SUBJECT_TYPES:
        draws.register_candidate_source(app, subject_type, queries.trading_candidates)
        draws.register_owned_subject(
            app, subject_type, "项目的定标会议页面", "the project's award meeting page"
        )
        register_subject_page(app, subject_type, "projects.detail", "code")
        # The console of such a draw links to the award meeting instead (issue 13, item 10).
        register_meeting_page(app, subject_type, staff_meeting.meeting_url_of)
        # The award draw's minutes print the meeting's credit screen (contracts.screening).
        draws.register_minutes_section(app, subject_type, screen_queries.minutes_sections)
    # A trading's notices lead to its project, its draws, the response page and the result.
    register_related_links(app, rules.SUBJECT_TYPE, notice_links)
    # A trading's notices are of its project's category (the notice list's ?category=).
    register_subject_category(app, rules.SUBJECT_TYPE, queries.category_of_trading)
    # Responses close and meetings begin by the clock (app.pagecache ends cached pages then).
    from app.pagecache import register_time_edge

    register_time_edge(app, "trading", queries.next_clock_change)
    # The forms trading prints, as blank model forms in the 统一表式 section (notices.guides).
    from contracts.documents.blanks import FORMS
    from notices.guides.blanks import BlankForm, register_blank_form

    for form in FORMS:
        register_blank_form(app, BlankForm(*form))
    # Filed projects are found by the site search (app.search).
    from contracts import search

    search.init_app(app)
    from contracts import objections

    objections.init_app(app)
    # Complaints about a trading (投诉): their pages, API and deadlines.
    from contracts import complaints

    complaints.init_app(app)
    # Revision histories (修改记录, app.history): a project with its rounds, a decided complaint.
    from app.history.queries import register_kind
    from contracts import history

    register_kind(app, "project", history.project_target)
    register_kind(app, "complaint", history.complaint_target)
    app.add_template_global(history.complaint_of_notice, "complaint_of_notice")
