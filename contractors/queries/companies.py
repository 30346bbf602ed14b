"""The pool's companies: a contractor account's company, a company's public presence (THE rule
`rules.is_publicly_listed`, in two queries for any number), registrations to check, the documents
a reader may open, an account's applications, and SMS's directory."""

from __future__ import annotations

from sqlalchemy import func, select

from app.extensions import db
from contractors import rules
from contractors.models import (
    Contractor,
    ContractorDocument,
    PoolApplication,
)

# ---- contractors ------------------------------------------------------------------------------


def contractor_of(user) -> Contractor | None:
    """The company a contractor account owns, or None (not registered yet, or another role)."""
    if user is None or getattr(user, "role", None) != "contractor":
        return None
    return db.session.scalar(select(Contractor).where(Contractor.user_id == user.id))


def contractor_by_uscc(uscc: str) -> Contractor | None:
    return db.session.scalar(select(Contractor).where(Contractor.uscc == uscc))


# ---- a company's public presence: THE rule's query ---------------------------------------------


def listing_facts(contractor_ids) -> dict[int, rules.ListingFacts]:
    """Each company's facts for `rules.is_publicly_listed`, in two queries for any number."""
    ids = list(contractor_ids)
    if not ids:
        return {}
    checked = dict(
        db.session.execute(
            select(Contractor.id, Contractor.checked_at).where(Contractor.id.in_(ids))
        ).all()
    )
    applied = dict(
        db.session.execute(
            select(PoolApplication.contractor_id, func.count(PoolApplication.id))
            .where(PoolApplication.contractor_id.in_(ids), PoolApplication.withdrawn_at.is_(None))
            .group_by(PoolApplication.contractor_id)
        ).all()
    )
    return {
        cid: rules.ListingFacts(checked_at=checked[cid], live_applications=applied.get(cid, 0))
        for cid in ids
        if cid in checked
    }


def listing_of(contractor: Contractor) -> rules.Listing:
    return rules.listing(listing_facts([contractor.id])[contractor.id])


def publicly_listed(contractor_ids) -> set[int]:
    """The companies among `contractor_ids` the public may see (`rules.is_publicly_listed`)."""
    return {cid for cid, f in listing_facts(contractor_ids).items() if rules.is_publicly_listed(f)}


def public_contractor(uscc: str) -> Contractor | None:
    """A company's public record, or None — for an unknown code and for a company the public may
    not see yet alike (a sign-up alone publishes nothing)."""
    c = contractor_by_uscc(uscc)
    if c is None or c.id not in publicly_listed([c.id]):
        return None
    return c


def unchecked_registrations() -> list[tuple[Contractor, rules.Listing]]:
    """Registrations staff have not checked (核验) yet, oldest first, with their listing (an
    applicant is public already; the others wait for the check)."""
    rows = list(
        db.session.scalars(
            select(Contractor)
            .where(Contractor.checked_at.is_(None))
            .order_by(Contractor.registered_at, Contractor.id)
        )
    )
    facts = listing_facts(c.id for c in rows)
    return [(c, rules.listing(facts[c.id])) for c in rows]


def document_for(document_id: int, user) -> ContractorDocument | None:
    """A company's uploaded document if `user` may read it (`rules.may_read_document`), else
    None: the caller answers 404 whether it exists or not."""
    doc = db.session.get(ContractorDocument, document_id)
    if doc is None or user is None or not getattr(user, "is_authenticated", False):
        return None
    submitted = any(
        doc.id in (a.document_ids or [])
        for a in db.session.scalars(
            select(PoolApplication).where(
                PoolApplication.contractor_id == doc.contractor_id,
                PoolApplication.withdrawn_at.is_(None),
            )
        )
    )
    reader = rules.DocumentReader(
        role=getattr(user, "role", None),
        owns_company=doc.contractor.user_id is not None and doc.contractor.user_id == user.id,
        submitted_to_a_call=submitted,
    )
    return doc if rules.may_read_document(reader) else None


def applications_of(user) -> list[PoolApplication]:
    """A contractor account's own applications, newest first; [] for anyone else."""
    c = contractor_of(user)
    if c is None:
        return []
    return list(
        db.session.scalars(
            select(PoolApplication)
            .where(PoolApplication.contractor_id == c.id)
            .order_by(PoolApplication.submitted_at.desc())
        )
    )


# ---- SMS's directory ---------------------------------------------------------------------------


def sms_contacts(ids) -> dict[int, tuple[str, str]]:
    """SMS's directory (contractors.init_app registers it): who each recipient is today."""
    rows = db.session.execute(
        select(Contractor.id, Contractor.name, Contractor.contact_mobile).where(
            Contractor.id.in_(list(ids))
        )
    )
    return {r.id: (r.name, r.contact_mobile) for r in rows}


def company_of_user(user_id: int) -> tuple[int, str] | None:
    """Subscriptions' source (contractors.init_app registers it): the company a contractor
    account owns and its contact mobile; None for another role or before registration."""
    from app.auth.models import User

    row = db.session.execute(
        select(Contractor.id, Contractor.contact_mobile)
        .join(User, User.id == Contractor.user_id)
        .where(Contractor.user_id == user_id, User.role == "contractor")
    ).first()
    return (row.id, row.contact_mobile) if row else None


def sms_reachable(on):
    """Subscriptions' audience (contractors.init_app registers it): companies that may receive
    optional texts on `on` — none under a suspension or removal in force in any district (a
    sanction takes a company out of SMS, DESIGN.md; the SQL form of
    sanctions.rules.restriction_covers)."""
    from sqlalchemy import exists, or_

    from contractors.sanctions.models import Sanction
    from contractors.sanctions.rules import SanctionKind

    restricted = exists().where(
        Sanction.contractor_id == Contractor.id,
        Sanction.kind.in_([SanctionKind.SUSPENSION, SanctionKind.REMOVAL]),
        Sanction.starts_on <= on,
        or_(Sanction.until.is_(None), Sanction.until > on),
    )
    return select(
        Contractor.id.label("contractor_id"), Contractor.contact_mobile.label("mobile")
    ).where(~restricted)
