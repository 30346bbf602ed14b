"""Policies and guides (政策制度、办事指南、示范文本、统一表式): documents staff publish and keep
current, and the blank copies of the forms the platform itself generates."""


def init_app(app) -> None:
    """Wire the guides into `app` (notices.init_app calls it): the public and staff pages. No
    time edge: what changes by the clock alone is a policy's 尚未施行 → 现行有效 at local
    midnight, where the page cache ends every entry anyway."""
    from notices.guides import search
    from notices.guides.views import bp, staff_bp

    app.register_blueprint(bp)
    app.register_blueprint(staff_bp)
    search.init_app(app)
