"""Public sign-up: a contractor's account and its company, created together in one transaction."""

from __future__ import annotations

from app.auth.models import User
from app.auth.services import NewUser, create_user
from contractors.errors import RegistrationError

from ._common import transaction
from .registration import ContractorInput, register_contractor


@transaction
def sign_up(account: NewUser, company: ContractorInput) -> User:
    """Create a contractor account and register its company: both or neither.

    The two use cases run undecorated (`__wrapped__`) inside this one transaction, so a company
    refused after the account was written (a bad credit code, a duplicate) leaves no orphan
    account behind, and the audit log shows both steps or none.
    """
    if account.role != "contractor":
        raise RegistrationError(
            "只能注册企业账户", "Only a contractor account can sign up here", field="role"
        )
    user = create_user.__wrapped__(account, actor="self-registration")
    register_contractor.__wrapped__(company, actor=user)
    return user
