"""A company's registration: its documents, its public listing and who may read its documents."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import datetime

from app.auth.roles import OFFICE_ROLES, Role
from app.workdays import local_date

from ._common import RuleError

DOCUMENT_KINDS: dict[str, tuple[str, str]] = {
    "business_licence": ("营业执照", "Business licence"),
    "qualification": ("资质证书", "Qualification certificate"),
    "safety_licence": ("安全生产许可证", "Safety production licence"),
    "other": ("其他材料", "Other document"),
}

#: The most qualification certificates (资质证书) a company's record holds: the profile form offers
#: one blank row below those stored, and never more rows than this.
MAX_QUALIFICATIONS = 10

# ---- a company's public presence --------------------------------------------------------------


class Listing(enum.StrEnum):
    """Whether a registered company is shown to the public (its page, the pool's lists, the API),
    derived from its facts, never stored."""

    UNCHECKED = "unchecked"  # 新注册，待区公管办核验：不公开
    CHECKED = "checked"  # 区公管办已核验：公开
    APPLICANT = "applicant"  # 已向征集提交申请：公开（申请人依法在资格审查结果中公示）


LISTING_LABELS = {
    Listing.UNCHECKED: ("待核验（不公开）", "Awaiting check (not public)"),
    Listing.CHECKED: ("已核验", "Checked"),
    Listing.APPLICANT: ("已申请入库（公开）", "Applied to a call (public)"),
}


@dataclass(frozen=True)
class ListingFacts:
    """What a company's public presence depends on."""

    #: When trading-office staff checked the registration (None: not yet).
    checked_at: datetime | None = None
    #: Its applications to calls that are not withdrawn.
    live_applications: int = 0


def listing(f: ListingFacts) -> Listing:
    if f.checked_at is not None:
        return Listing.CHECKED
    if f.live_applications > 0:
        return Listing.APPLICANT
    return Listing.UNCHECKED


def is_publicly_listed(f: ListingFacts) -> bool:
    """THE rule of a company's public presence. Anyone can sign up, so a sign-up alone publishes
    nothing: a company appears once staff checked it (核验) or once it applied to a call — an
    applicant is public by law anyway (资格审查结果公示 names every applicant). Every public query
    (the company's page, the pool's lists, the API) follows this through contractors.queries."""
    return listing(f) is not Listing.UNCHECKED


def require_unchecked(f: ListingFacts) -> None:
    """Staff check a registration once; a second press is refused, not recorded again."""
    if f.checked_at is not None:
        raise RuleError(
            f"该企业已于{local_date(f.checked_at).isoformat()}核验通过，无需重复核验",
            f"This company was already checked on {local_date(f.checked_at).isoformat()}",
        )


@dataclass(frozen=True)
class DocumentReader:
    """Who asks for a company's uploaded document, and how they stand to it."""

    role: str | None
    #: The asking account owns the document's company.
    owns_company: bool = False
    #: The document was submitted with a live (not withdrawn) application to a call: the review
    #: panel's reviewers read it there.
    submitted_to_a_call: bool = False


def may_read_document(reader: DocumentReader) -> bool:
    """A company's documents (营业执照, licences) are read by the company itself, the trading
    office, and the review panel (资格审查小组) of a call it applied to with them — nobody else.
    Anyone else is told the document does not exist (no existence oracle)."""
    if reader.role in OFFICE_ROLES:
        return True
    if reader.role == Role.CONTRACTOR:
        return reader.owns_company
    if reader.role == Role.REVIEWER:
        return reader.submitted_to_a_call
    return False
