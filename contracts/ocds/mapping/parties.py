"""The OCDS mapping's organisations and documents, pure: a company as a party (its sanctions in
our extension's `sanctions` field), a notice as a document, and the process of one round as it
stands after each step (its parties, tender, awards and contracts), of which releases are copies."""

from __future__ import annotations

import copy
from datetime import datetime

from .facts import (
    TAGS,
    Company,
    Document,
    Project,
    Sanction,
    amount,
    day_start,
    ocid,
    stamp,
)


def _org(c: Company) -> dict:
    return {"id": company_id(c.uscc), "name": c.name}


def company_id(uscc: str) -> str:
    return f"CN-USCC-{uscc}"


def _party(c: Company, roles: list[str]) -> dict:
    return {
        **_org(c),
        "identifier": {"scheme": "CN-USCC", "id": c.uscc, "legalName": c.name},
        "roles": roles,
    }


def _document(d: Document) -> dict:
    return {
        "id": d.id,
        "documentType": d.type,
        "title": d.title,
        "url": d.url,
        "datePublished": stamp(d.published),
        "language": "zh",
    }


def _sanction(s: Sanction) -> dict:
    return {
        "id": str(s.id),
        "kind": s.kind,
        "source": s.source,
        "reason": s.reason,
        "basis": s.basis,
        "startDate": day_start(s.starts_on),
        "endDate": day_start(s.until) if s.until else None,
        "publishedDate": stamp(s.published_at),
        "url": s.url,
    }


class _Process:
    """The process of one round as it stands after each step (releases are copies of it)."""

    def __init__(self, p: Project, code: str, prefix: str, prior: list[str]):
        self.buyer = {"id": "owner", "name": p.owner_name}
        self.office = {"id": f"office-{p.office_code}", "name": p.office_name}
        self.parties: dict[str, dict] = {
            "owner": {**self.buyer, "roles": ["buyer"]},
            self.office["id"]: {**self.office, "roles": ["procuringEntity"]},
        }
        related = []
        if p.framework is not None:
            related.append(
                {
                    "id": "framework",
                    "relationship": ["framework"],
                    "title": p.framework.title,
                    "scheme": "ocid",
                    "identifier": ocid(prefix, p.framework.code),
                    "uri": p.framework.url,
                }
            )
        for n, earlier in enumerate(prior, start=1):
            related.append(
                {
                    "id": f"prior-{n}",
                    "relationship": ["unsuccessfulProcess"],
                    "title": f"{p.name}（第{n}次交易，流标）",
                    "scheme": "ocid",
                    "identifier": earlier,
                }
            )
        self.base = {
            "ocid": ocid(prefix, code),
            "initiationType": "tender",
            "language": "zh",
            "buyer": self.buyer,
            "planning": {
                "budget": {
                    "description": "单项合同估算价",
                    "amount": amount(p.estimate),
                },
                "rationale": f"{p.category_name}类小型建设工程，在预选承包商名录库内公开交易",
            },
            **({"relatedProcesses": related} if related else {}),
        }
        self.tender: dict | None = None
        self.awards: list[dict] = []
        self.contracts: list[dict] = []

    def add_role(self, c: Company, role: str) -> dict:
        party = self.parties.setdefault(company_id(c.uscc), _party(c, []))
        if role not in party["roles"]:
            party["roles"].append(role)
        return party

    def snapshot(self, step_id: str, kind: str, moment: datetime) -> dict:
        release = {
            "id": f"{self.base['ocid']}-{step_id}",
            "date": stamp(moment),
            "tag": TAGS[kind],
            **copy.deepcopy(self.base),
            "parties": copy.deepcopy(list(self.parties.values())),
        }
        if self.tender is not None:
            release["tender"] = copy.deepcopy(self.tender)
        if self.awards:
            release["awards"] = copy.deepcopy(self.awards)
        if self.contracts:
            release["contracts"] = copy.deepcopy(self.contracts)
        return release
