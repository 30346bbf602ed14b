"""Demo companies for `flask demo`: credit codes of Jiangbei firms with both check characters.

The demo's draws are made by the procedures themselves (the pool draw by contractors.demo, each
project's award and rate draws by the trading services in contracts.demo), not here."""

from __future__ import annotations

# GB 32100-2015 统一社会信用代码 (DESIGN.md, "Identities").
USCC_CHARSET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)
# GB 11714-1997 组织机构代码, the 9th–17th characters of a USCC.
_ORG_WEIGHTS = (3, 7, 9, 10, 5, 8, 4, 2)
#: 登记管理部门 9 (市场监管) + 机构类别 1 (企业) + 行政区划 330205 (宁波市江北区).
_PREFIX = "91330205"


def _value(ch: str) -> int:
    return int(ch) if ch.isdigit() else ord(ch) - ord("A") + 10


def uscc(org_body: str) -> str:
    """A USCC of a Jiangbei company from the first 8 characters of its organisation code, with
    both check characters computed (the organisation code's, then the USCC's)."""
    check = 11 - sum(_value(c) * w for c, w in zip(org_body, _ORG_WEIGHTS, strict=True)) % 11
    org = org_body + {10: "X", 11: "0"}.get(check, str(check))
    body = _PREFIX + org
    total = sum(USCC_CHARSET.index(c) * w for c, w in zip(body, _USCC_WEIGHTS, strict=True))
    return body + USCC_CHARSET[(31 - total % 31) % 31]


#: 建筑工程 applicants of the demo pool: name by code (older firms have numeric codes, those
#: registered since 2015 "MA…").
AWARD_COMPANIES = {
    uscc("14402576"): "宁波甬江建设有限公司",
    uscc("14408139"): "宁波江北第二建筑工程有限公司",
    uscc("25484067"): "宁波洪塘建筑安装有限公司",
    uscc("72048361"): "宁波甬北建工集团有限公司",
    uscc("MA281Q3L"): "宁波慈湖建设工程有限公司",
    uscc("MA2AG7E0"): "宁波江北明达建筑有限公司",
    uscc("MA2CKT5N"): "宁波姚江古建筑修缮有限公司",
}
#: 市政公用工程 applicants of the demo pool.
WAITING_COMPANIES = {
    uscc("14413025"): "宁波庄桥路桥工程有限公司",
    uscc("66847312"): "宁波甬城道路工程有限公司",
    uscc("MA2B1KX4"): "宁波江北恒达市政工程有限公司",
    uscc("MA2H0F9D"): "宁波北岸市政建设有限公司",
    uscc("MA2J3P8R"): "宁波慈城市政园林有限公司",
    uscc("MA2L4QD7"): "宁波湾头市政工程有限公司",
    uscc("MA2M6RB2"): "宁波孔浦道路桥梁有限公司",
}
