"""Contractor registration and profile: validated identities, qualifications, uploads (logged)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from flask import current_app
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from app import audit, once
from app.audit import Action
from app.auth.models import User
from app.auth.roles import OFFICE_ROLES
from app.errors import refused_as
from app.extensions import db
from app.storage import Upload, UploadRejected, store_upload
from app.transactions import transactional
from contractors import rules
from contractors.errors import NotYours, PoolForbidden, PoolNotFound, RegistrationError
from contractors.identity import normalize_mobile, normalize_uscc
from contractors.models import Contractor, ContractorDocument, Qualification

from ._common import checked, now, require_district_account, role_of


@dataclass(frozen=True)
class QualificationInput:
    """A 资质证书 as entered: category, grade, number, validity (last valid day)."""

    category: str
    grade: str
    number: str
    valid_until: date | None = None


@dataclass(frozen=True)
class ContractorInput:
    """What a company enters at registration or later; frozen once the form validated."""

    uscc: str
    name: str
    legal_representative: str
    contact_person: str
    contact_mobile: str
    address: str
    safety_licence_number: str = ""
    safety_licence_valid_until: date | None = None
    qualifications: tuple[QualificationInput, ...] = field(default_factory=tuple)


def snapshot(c: Contractor) -> dict:
    return {
        "uscc": c.uscc,
        "name": c.name,
        "legal_representative": c.legal_representative,
        "contact_person": c.contact_person,
        "contact_mobile": c.contact_mobile,
        "address": c.address,
        "safety_licence_number": c.safety_licence_number,
        "safety_licence_valid_until": c.safety_licence_valid_until,
        "qualifications": [
            [q.category, q.grade, q.number, q.valid_until] for q in c.qualifications
        ],
    }


def _required(value: str, zh: str, en: str, name: str, limit: int) -> str:
    text = (value or "").strip()
    if not text:
        raise RegistrationError(f"请填写{zh}", f"Enter the {en}", field=name)
    if len(text) > limit:
        raise RegistrationError(
            f"{zh}不能超过{limit}个字符",
            f"The {en} may have at most {limit} characters",
            field=name,
        )
    return text


def _clean(data: ContractorInput) -> dict:
    with refused_as(RegistrationError, field="uscc"):
        uscc = normalize_uscc(data.uscc)
    with refused_as(RegistrationError, field="contact_mobile"):
        mobile = normalize_mobile(data.contact_mobile)
    if len(data.qualifications) > rules.MAX_QUALIFICATIONS:
        raise RegistrationError(
            f"资质证书最多登记{rules.MAX_QUALIFICATIONS}项",
            f"At most {rules.MAX_QUALIFICATIONS} qualification certificates can be registered",
            field="qualifications",
        )
    quals = []
    for q in data.qualifications:
        quals.append(
            Qualification(
                category=_required(
                    q.category, "资质类别", "qualification category", "qualifications", 100
                ),
                grade=_required(q.grade, "资质等级", "qualification grade", "qualifications", 50),
                number=_required(
                    q.number, "资质证书编号", "certificate number", "qualifications", 100
                ),
                valid_until=q.valid_until,
            )
        )
    return {
        "uscc": uscc,
        "name": _required(data.name, "企业名称", "company name", "name", 200),
        "legal_representative": _required(
            data.legal_representative,
            "法定代表人",
            "legal representative",
            "legal_representative",
            100,
        ),
        "contact_person": _required(
            data.contact_person, "联系人", "contact person", "contact_person", 100
        ),
        "contact_mobile": mobile,
        "address": _required(data.address, "地址", "address", "address", 300),
        "safety_licence_number": (data.safety_licence_number or "").strip()[:100],
        "safety_licence_valid_until": data.safety_licence_valid_until,
        "qualifications": quals,
    }


def _duplicate(uscc: str) -> RegistrationError:
    return RegistrationError(
        f"统一社会信用代码{uscc}已登记，不能重复登记；如需找回账户请联系区公管办",
        f"The credit code {uscc} is already registered; contact the trading office to "
        "recover the account",
        field="uscc",
    )


def _registered_already() -> RegistrationError:
    return RegistrationError(
        "本账户已登记企业，不能重复登记", "This account has already registered its company"
    )


def _refuse_duplicate(uscc: str, except_id: int | None = None) -> None:
    other = db.session.scalar(select(Contractor.id).where(Contractor.uscc == uscc))
    if other is not None and other != except_id:
        raise _duplicate(uscc)


@transactional
def register_contractor(data: ContractorInput, *, actor) -> Contractor:
    """A contractor account registers its company (one per account, one per credit code)."""
    if role_of(actor) != "contractor":
        raise PoolForbidden(
            "只有企业账户可以登记企业", "Only a contractor account may register a company"
        )
    # The account's row locked first (FOR NO KEY UPDATE, which the company's row naming it does
    # not wait for): the first save of the profile posted twenty times at once found no company
    # each, and the unique index answered nineteen with a 500.
    db.session.execute(select(User.id).where(User.id == actor.id).with_for_update(key_share=True))
    if db.session.scalar(select(Contractor.id).where(Contractor.user_id == actor.id)) is not None:
        raise _registered_already()
    values = _clean(data)
    _refuse_duplicate(values["uscc"])
    moment = now()
    c = Contractor(user_id=actor.id, registered_at=moment, updated_at=moment, **values)
    db.session.add(c)
    try:
        db.session.flush()
    except IntegrityError:
        # Two accounts registering one credit code at once: the unique index holds, and the
        # loser gets the refusal the check above gives (the transaction is rolled back).
        raise _duplicate(values["uscc"]) from None
    audit.record(Action.CONTRACTOR_REGISTERED, "contractor", c.uscc, actor=actor, after=snapshot(c))
    return c


@transactional
def check_registration(contractor_id: int, *, actor) -> Contractor:
    """Staff check (核验) a registration against its documents: from then on the company is
    public (contractors.rules.is_publicly_listed). Once per company; logged."""
    # A company registers once per deployment: any district's staff may check it, a street/town
    # platform (no pool work) may not.
    require_district_account(actor, "核验企业注册信息", "check a registration")
    c = db.session.scalar(
        # Locked and re-read: two staff pressing at once record one check.
        select(Contractor)
        .where(Contractor.id == contractor_id)
        .with_for_update()
        .execution_options(populate_existing=True)
    )
    if c is None:
        raise PoolNotFound("企业不存在", "No such company")
    checked(rules.require_unchecked, rules.ListingFacts(checked_at=c.checked_at))
    c.checked_at = now()
    c.checked_by_id = actor.id
    db.session.flush()
    audit.record(
        Action.CONTRACTOR_CHECKED,
        "contractor",
        c.uscc,
        actor=actor,
        before={"checked_at": None},
        after={"checked_at": c.checked_at, "name": c.name},
    )
    return c


def _editable(contractor_id: int, actor) -> Contractor:
    # Locked (FOR NO KEY UPDATE, which rows merely naming the company do not wait for): two
    # saves of the details at once each deleted the stored qualifications and inserted their
    # own — twenty posts of a ten-row form left the company with twenty rows.
    c = db.session.get(
        Contractor,
        contractor_id,
        with_for_update={"key_share": True},
        populate_existing=True,
    )
    if c is None:
        raise PoolNotFound("企业不存在", "No such company")
    if role_of(actor) in OFFICE_ROLES:
        return c
    if role_of(actor) != "contractor" or c.user_id != actor.id:
        raise NotYours("只能修改本企业的信息", "You may only change your own company's details")
    return c


@transactional
def update_contractor(contractor_id: int, data: ContractorInput, *, actor) -> Contractor:
    """Change a company's details (its own account, or staff); the credit code is fixed at
    registration. Every change is logged with its before and after: a pool member's details are
    what SMS and draws rely on."""
    c = _editable(contractor_id, actor)
    values = _clean(data)
    if values["uscc"] != c.uscc:
        # The code is the company's identity in every published review result, draw record and
        # roster: changing it would cut the public's trail from the notices to the roster.
        raise RegistrationError(
            "统一社会信用代码注册后不能修改；如企业代码确有变更，请持证明材料到区公管办办理",
            "The credit code cannot change after registration; if it really changed, bring the "
            "evidence to the trading office",
            field="uscc",
        )
    before = snapshot(c)
    quals = values.pop("qualifications")
    for key, value in values.items():
        setattr(c, key, value)
    c.qualifications = quals
    c.updated_at = now()
    db.session.flush()
    after = snapshot(c)
    if after != before:
        audit.record(
            Action.CONTRACTOR_UPDATED, "contractor", c.uscc, actor=actor, before=before, after=after
        )
    return c


@transactional
def add_document(
    contractor_id: int, kind: str, filename: str, data: Upload, *, actor, token: str | None = None
) -> ContractorDocument:
    """Upload a licence, certificate or permit: type read from the content, size capped. `token`:
    the upload form's once-only token (app.once), so a repeated post uploads nothing."""
    submission = once.claim(token, "contractor-document", actor)
    c = _editable(contractor_id, actor)
    if kind not in rules.DOCUMENT_KINDS:
        raise RegistrationError(
            f"未知的材料类型：{kind}", f"Unknown document kind: {kind}", field="kind"
        )
    name = (filename or "").strip().replace("\\", "/").rsplit("/", 1)[-1][:255]
    if not name:
        raise RegistrationError("请选择要上传的文件", "Choose a file to upload", field="file")
    try:
        stored = store_upload(data, current_app.config["MAX_ATTACHMENT_BYTES"])
    except UploadRejected as e:
        raise RegistrationError(e.message, e.message_en, field="file") from None
    doc = ContractorDocument(
        contractor=c,
        kind=kind,
        storage_key=stored.key,
        original_name=name,
        content_type=stored.content_type,
        size=stored.size,
        sha256=stored.sha256,
        uploaded_at=now(),
    )
    db.session.add(doc)
    db.session.flush()
    audit.record(
        Action.CONTRACTOR_DOCUMENT_ADDED,
        "contractor",
        c.uscc,
        actor=actor,
        after={"document_id": doc.id, "kind": kind, "name": name, "sha256": stored.sha256},
    )
    once.fulfil(submission, doc.id)
    return doc
