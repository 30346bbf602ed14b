"""Every route × every office role × every office: an account acts on, and reads, only the records
of the offices it covers ([Offices]: its own office; a district's account its platforms too).

The routes are read from the url map (as tests/web/test_routes_roles.py does), so a route added
tomorrow that names a record is walked too. Each route that names a record of an office — a
project code, a notice, a draw, a complaint, a trading objection, a pool call or entry, a case, a
sanction — is requested (GET, and POST with a valid CSRF token) by an account of every role the
view admits in: another platform of the same district and another district (and, for the
records a district keeps — its pool, its cases and sanctions, the handling of complaints —
every platform). Each of those must be refused (403, or 404 as if the record did not exist) and
nothing may change. An account of the record's own office or its district is not judged here
(its forms may refuse bad input in their own way); `test_the_world_s_records_are_reachable_by_
their_own_office` checks that the ids are real.

The world: district A (the default district of the factories) with platforms A1 and A2, and
district B with platform B1. A1 has a project announced from A's pool (its trading notice, its
draws, a company's objection and complaint), and a draft notice; A has its pool call (entries),
a draft notice, and a case decided into a sanction.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from datetime import date

import pytest
from flask import url_for

from app import clock
from app.calendar.services import build_arrangement, confirm_year
from app.extensions import db
from tests.conftest import BACKENDS, build_app, empty_database
from tests.factories import (
    HOLIDAYS_2027,
    NOTICE_2027,
    PASSWORD,
    PDF,
    Browser,
    make_notice,
    make_office,
    make_user,
    use_cheap_password_hashes,
)
from tests.pool_factories import at
from tests.trading_factories import active_pool, announced, member_user
from tests.web.test_routes_roles import ROUTES, Route, intended_access, post_data, state

#: The roles whose accounts belong to an office (a company's account belongs to none).
OFFICE_ROLES = ("staff", "admin", "owner", "reviewer", "supervisor")
#: Roles an account of a platform may have (reviewers and supervisors belong to a district).
PLATFORM_ROLES = ("staff", "admin", "owner")
WRITES = {"POST", "PUT", "PATCH", "DELETE"}

#: Endpoints whose record is the district's to act on, never a platform's, even when the record
#: belongs to a platform (a complaint about a platform's project is handled by its district).
DISTRICT_WRITES = ("complaints_staff.", "pool_staff.", "sanctions_staff.")


# ---- the world ---------------------------------------------------------------------------------


@dataclass
class World:
    offices: dict  # name ("A", "A1", "A2", "B", "B1") → Office
    #: argument name → {office name → value}: the records each office holds, by route argument.
    records: dict[str, dict[str, object]] = field(default_factory=dict)
    accounts: dict[tuple[str, str], object] = field(default_factory=dict)  # (role, office) → user

    def put(self, arg: str, office: str, value) -> None:
        self.records.setdefault(arg, {})[office] = value


#: Route arguments naming a record, and which other arguments of the same route go with it.
RECORD_ARGS = (
    "code",
    "notice_id",
    "draw_id",
    "complaint_id",
    "objection_id",
    "call_id",
    "entry_id",
    "case_id",
    "sanction_id",
)


def build_world() -> World:
    clock.set_now(at(2026, 9, 18, 9, 0))
    offices = {"A": None}
    phase = active_pool()  # district A's pool (the factories' default district), its roster
    from tests.factories import default_district

    offices["A"] = default_district()
    offices["A1"] = make_office("a-one", "甲街道")
    offices["A2"] = make_office("a-two", "乙街道")
    offices["B"] = make_office("b-district", "乙区公共资源交易管理办公室", kind="district")
    offices["B1"] = make_office("b-one", "丙街道", parent=offices["B"])
    world = World(offices)
    for name, office in offices.items():
        roles = OFFICE_ROLES if office.is_district else PLATFORM_ROLES
        for role in roles:
            world.accounts[(role, name)] = make_user(role, f"{role}-{office.code}", office=office)

    confirm_year(build_arrangement(2027, NOTICE_2027, HOLIDAYS_2027, ""), actor=phase.staff)
    # A1's project: entered by A1's owner, filed and announced (its trading notice, its draws).
    project, t = announced(
        phase, world.accounts[("owner", "A1")], town="甲街道", office_id=offices["A1"].id
    )
    world.put("code", "A1", project.code)
    world.put("draw_id", "A1", t.award_draw_id)
    # A company objects to the notice, and complains, while its publicity runs.
    from contractors.queries import active_members
    from contracts.complaints import services as complaints
    from contracts.objections import services as objections

    member = member_user(active_members("JZ", date(2026, 11, 27))[0].contractor_id)
    clock.set_now(at(2026, 11, 30, 10, 0))
    objection = objections.file_objection(
        t.code, "notice", "交易公告的资格条件与交易文件不一致。", actor=member
    )
    world.put("objection_id", "A1", objection.id)
    complaint = complaints.file_complaint(
        complaints.ComplaintInput(
            trading_code=t.code,
            matter="other",
            knew_on=date(2026, 11, 27),
            complainant_name="宁波某建设有限公司",
            complainant_contact="张三 13800000000 宁波市江北区某路1号",
            respondent_name="甲街道某村股份经济合作社",
            respondent_contact="王五 0574-87654321",
            facts="交易公告要求的业绩条件与交易文件示范文本不一致。",
            requests="请求责令改正交易公告。",
            evidence=(complaints.Upload("公告截图.pdf", PDF),),
        ),
        actor=member,
    )
    world.put("complaint_id", "A1", complaint.id)
    # Draft notices: one of the platform A1, one of the district A.
    from notices.services import issuer

    for name in ("A1", "A"):
        author = world.accounts[("staff", name)]
        draft = make_notice(
            author,
            publish=False,
            title=f"{offices[name].name}办事指南",
            **issuer(offices[name].id),
        )
        world.put("notice_id", name, draft.id)
    world.put("evidence_id", "A1", complaint.evidence[0].id)
    # District A's pool call and an entry of it; a case opened and decided into a sanction.
    from contractors.queries import entries_of
    from contractors.sanctions import services as sanctions
    from tests.sanction_factories import decision

    world.put("call_id", "A", phase.call.id)
    world.put("entry_id", "A", entries_of(phase.call.id)[0].id)
    staff_a = world.accounts[("staff", "A")]
    case = sanctions.open_case(
        entries_of(phase.call.id)[0].application.contractor_id,
        "by_hand",
        "经查，该企业在入库申请中提供虚假业绩材料。",
        actor=staff_a,
    )
    world.put("case_id", "A", case.id)
    sanctions.state_case(case.id, "业绩材料系原项目部人员提供，请求从轻处理。", actor=staff_a)
    decided = sanctions.decide(case.id, decision(deciding_body=offices["A"].name), actor=staff_a)
    world.put("sanction_id", "A", decided.sanction.id)
    db.session.commit()
    return world


# ---- who may, who may not ----------------------------------------------------------------------


def _district(world: World, name: str) -> str:
    return name[0]  # "A1" → "A": the world's names say it


def covers(holder: str, target: str) -> bool:
    """Whether an account of office `holder` covers a record of office `target` (the semantics,
    restated for the world's names: its own office, or a platform of its district)."""
    return holder == target or (len(holder) == 1 and target.startswith(holder))


def _outsiders(world: World, route: Route, method: str, record_office: str, roles) -> list:
    """The accounts of the roles the view admits that must be refused this record."""
    district_only = method in WRITES and route.endpoint.startswith(DISTRICT_WRITES)
    out = []
    for (role, office), user in world.accounts.items():
        if role not in roles:
            continue
        if not covers(office, record_office) or (
            district_only and office != _district(world, record_office)
        ):
            out.append(user)
    return out


def _records(world: World, route: Route) -> list[tuple[str, dict]]:
    """(record office, url values) for each record of the world `route` can name."""
    args = [name for name, _conv in route.args]
    primary = next((a for a in args if a in world.records), None)
    if primary is None or (primary == "code" and "call_id" in args):
        primary = "call_id" if "call_id" in args else primary
    if primary is None:
        return []
    out = []
    for office, value in world.records[primary].items():
        values = {}
        for name, conv in route.args:
            if name == primary:
                values[name] = value
            elif name == "code" and primary == "call_id":
                values[name] = "JZ"  # the call's category
            elif name in world.records and office in world.records[name]:
                values[name] = world.records[name][office]
            else:
                values[name] = 987_654 if conv == "int" else "no-such"
        out.append((office, values))
    return out


class Signed(Browser):
    """A Browser signed in once as `user`, its CSRF token read once (a page that carries it is a
    full staff page: fetched before each of ~450 POSTs it was half the matrix's time). The
    token is read again whenever the session's own token changed, so each POST still carries the
    token the session would give it."""

    def __init__(self, app, user):
        super().__init__(app)
        response = self.login(user.username, PASSWORD)
        assert response.status_code == 302, user.username
        self.user = user
        self._raw, self._token = None, None

    def _session_token(self):
        with self.client.session_transaction() as session:
            return session.get("csrf_token")

    def token(self, page: str | None = None) -> str:
        if page is not None:
            return super().token(page)
        raw = self._session_token()
        if self._token is None or raw != self._raw:
            self._token = super().token()
            self._raw = self._session_token()
        return self._token


def _office_routes(app) -> list[Route]:
    out = []
    for route in ROUTES:
        access = intended_access(app.view_functions[route.endpoint])
        if isinstance(access, str):  # public, or any signed-in account: not an office's page
            continue
        if not set(access) & set(OFFICE_ROLES):
            continue  # a company's own pages: it belongs to no office (THE rule admits it)
        if route.id_args or any(name in RECORD_ARGS for name, _conv in route.args):
            out.append(route)
    # The routes that remove what they act on last: a missing guard there would hide the record
    # from the routes after it (each failure is listed either way).
    return sorted(out, key=lambda r: (r.endpoint.endswith(DESTRUCTIVE), r.rule))


DESTRUCTIVE = ("delete", "withdraw", "abandon", "remove_attachment")
#: The answers that refuse: 403, or 404 as if the record did not exist. A POST's body is the
#: same junk for every route (a file and the CSRF token), so a form that validates before its
#: guard answers 400 — refused too, and the data are compared to show that nothing changed.
REFUSED = {False: (403, 404), True: (400, 403, 404)}


# ---- the tests ---------------------------------------------------------------------------------


@dataclass
class Matrix:
    """The world of one database, built once for the tests of this module, and a browser signed
    in for each of its accounts (a login writes its own rows: all of them before any test)."""

    app: object
    world: World
    browsers: dict  # user id → Signed

    def browser(self, role: str, office: str) -> Signed:
        return self.browsers[self.world.accounts[(role, office)].id]


@pytest.fixture(scope="module", params=BACKENDS)
def matrix(request, tmp_path_factory):
    """Built once per database (it took ~10 s, and each test built its own): the tests here read
    it, and the matrix asserts that it changes nothing."""
    tmp = tmp_path_factory.mktemp(f"office-matrix-{request.param}")
    app = build_app(empty_database(request, request.param, tmp), tmp)
    with pytest.MonkeyPatch.context() as patch, app.app_context():
        use_cheap_password_hashes(patch)  # 19 accounts made and signed in
        try:
            world = build_world()
            browsers = {user.id: Signed(app, user) for user in world.accounts.values()}
            yield Matrix(app, world, browsers)
        finally:
            clock.reset()
            db.session.remove()
            db.engine.dispose()


def test_the_url_map_has_office_routes_naming_records_of_every_kind(matrix):
    routes = _office_routes(matrix.app)
    assert len(routes) > 50
    named = {name for r in routes for name, _c in r.args}
    assert set(RECORD_ARGS) <= named


def test_the_world_s_records_are_reachable_by_their_own_office(matrix):
    world = matrix.world
    clock.set_now(at(2026, 11, 30, 10, 0))
    code = world.records["code"]["A1"]
    for office in ("A1", "A"):
        staff = matrix.browser("staff", office)
        assert staff.get(f"/staff/projects/{code}").status_code == 200, office
    owner = matrix.browser("owner", "A1")
    assert owner.get(f"/owner/projects/{code}").status_code == 200
    district = matrix.browser("staff", "A")
    for path in (
        f"/staff/complaints/{world.records['complaint_id']['A1']}",
        f"/staff/pool/calls/{world.records['call_id']['A']}",
        f"/staff/sanctions/cases/{world.records['case_id']['A']}",
        f"/staff/notices/{world.records['notice_id']['A1']}",
        f"/staff/objections/{world.records['objection_id']['A1']}",
    ):
        assert district.get(path).status_code == 200, path


def test_no_account_acts_on_or_reads_a_record_of_an_office_it_does_not_cover(matrix):
    """The matrix: 0 unintended allows. Every failure is listed (route, method, account,
    answer), so the report names each guard still missing.

    The data are compared after each route that writes with the data before it — read once at
    the start, then after the previous such route: a read in between that changed anything is
    caught too (named with the route after it)."""
    app, world = matrix.app, matrix.world
    clock.set_now(at(2026, 11, 30, 11, 0))
    started = time.perf_counter()
    unintended: list[str] = []
    changed: list[str] = []
    walked = 0
    before = state(app)
    for route in _office_routes(app):
        access = intended_access(app.view_functions[route.endpoint])
        for record_office, values in _records(world, route):
            with app.test_request_context():
                url = url_for(route.endpoint, **values)
            for method in sorted(route.methods):
                for user in _outsiders(world, route, method, record_office, access):
                    browser = matrix.browsers[user.id]
                    data = None
                    if method in WRITES:
                        data = {**post_data(), "csrf_token": browser.token()}
                    response = browser.open(url, method, data=data)
                    walked += 1
                    if response.status_code not in REFUSED[method in WRITES]:
                        unintended.append(
                            f"{method} {url} ({route.endpoint}, record of {record_office}) as"
                            f" {user.username}: {response.status_code}"
                        )
            if route.methods & WRITES:
                after = state(app)
                if after != before:
                    changed.append(f"{route.endpoint} ({url}, record of {record_office})")
                before = after
    print(f"office matrix: {walked} requests in {time.perf_counter() - started:.1f} s")
    assert walked > 300
    report = "\n".join(unintended + [f"CHANGED DATA: {c}" for c in changed])
    assert not unintended and not changed, (
        f"{len(unintended)} unintended allows, {len(changed)} routes changed data:\n{report}"
    )
