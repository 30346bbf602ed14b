"""Public sign-up: a contractor's account and its company, created together in one transaction."""

from __future__ import annotations

from app.auth.models import User
from app.auth.services import NewUser, create_user
from app.transactions import transactional
from contractors.errors import RegistrationError

from .registration import ContractorInput, register_contractor


@transactional
def sign_up(account: NewUser, company: ContractorInput) -> User:
    """Create a contractor account and register its company: both or neither.

    The two use cases join this one transaction (app.transactions), so a company refused after
    the account was written (a bad credit code, a duplicate) leaves no orphan account behind,
    and the audit log shows both steps or none.
    """
    if account.role != "contractor":
        raise RegistrationError(
            "只能注册企业账户", "Only a contractor account can sign up here", field="role"
        )
    user = create_user(account, actor="self-registration")
    register_contractor(company, actor=user)
    return user
