"""Reads of trading, one module per concern: a project, its state and the draws' candidates
(projects), the public list (public), a project's public page and timeline (timeline), the
5-working-day figures (figures), a contractor's tradings (members), a trading's suspensions (suspensions). Callers use
`from contracts import queries; queries.x`."""

from .figures import LetterDistribution, letter_distribution, notice_to_letter_days
from .members import (
    member_categories,
    open_tradings,
    own_response,
    refused_tradings,
    response_of,
    responses_of,
)
from .projects import (
    MAX_CODE,
    SUBJECT_TYPE,
    attachment_of,
    attachments_of,
    award_holder,
    contract_of,
    facts_of,
    get_project,
    latest_round,
    latest_trading,
    plausible_code,
    project_state,
    respondents,
    state_filter,
    state_of,
    trading_by_code,
    trading_candidates,
)
from .public import (
    PUBLIC_STATES,
    ProjectRow,
    category_names,
    get_public_project,
    latest_public_projects,
    parse_state,
    public_projects_page,
)
from .suspensions import suspensions_of, suspensions_of_code
from .timeline import Event, ProjectPage, RefusalView, RoundView, project_page

__all__ = [
    "MAX_CODE",
    "PUBLIC_STATES",
    "SUBJECT_TYPE",
    "Event",
    "LetterDistribution",
    "ProjectPage",
    "ProjectRow",
    "RefusalView",
    "RoundView",
    "attachment_of",
    "attachments_of",
    "award_holder",
    "category_names",
    "contract_of",
    "facts_of",
    "get_project",
    "get_public_project",
    "latest_public_projects",
    "latest_round",
    "latest_trading",
    "letter_distribution",
    "member_categories",
    "notice_to_letter_days",
    "open_tradings",
    "own_response",
    "parse_state",
    "plausible_code",
    "project_page",
    "project_state",
    "public_projects_page",
    "refused_tradings",
    "respondents",
    "response_of",
    "responses_of",
    "state_filter",
    "state_of",
    "suspensions_of",
    "suspensions_of_code",
    "trading_by_code",
    "trading_candidates",
]
