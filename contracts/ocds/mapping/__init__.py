"""The OCDS 1.1 mapping, pure: a project's public facts in, its releases and package out.

No Flask, no SQLAlchemy (tests/unit/test_architecture.py): `contracts.ocds.queries` reads the
facts in a fixed number of queries, this package only arranges them, so a newcomer reads the
whole mapping here, field by field, beside docs/ocds.md.

One trading round (Trading) is one contracting process: its code gives the `ocid`
(`<prefix>-<trading code>`). Each published step of the round is one release with a stable `id`
and the moment of that step as its `date`, holding the process as it stood then — so the
releases of a package never change once made, and a package changes only by a new release.

The package reads in this order: `facts` (the plain facts in, and OCDS's formats of a date, an
amount, an id), `parties` (organisations, documents, a party's sanctions — our extension's field —
and the process of one round as it stands after each step), `releases` (the steps of a round and
what each changes) and `package` (a release package naming our extension).
"""

from .facts import (
    CST,
    CURRENCY,
    SUBMISSION_METHOD,
    TAGS,
    VERSION,
    Company,
    Contract,
    Document,
    Draw,
    Evaluation,
    Framework,
    Project,
    Refusal,
    Round,
    Sanction,
    amount,
    day_start,
    ocid,
    percent,
    stamp,
)
from .package import Publication, package
from .parties import company_id
from .releases import last_changed, releases, round_releases

__all__ = [
    "CST",
    "CURRENCY",
    "SUBMISSION_METHOD",
    "TAGS",
    "VERSION",
    "Company",
    "Contract",
    "Document",
    "Draw",
    "Evaluation",
    "Framework",
    "Project",
    "Publication",
    "Refusal",
    "Round",
    "Sanction",
    "amount",
    "company_id",
    "day_start",
    "last_changed",
    "ocid",
    "package",
    "percent",
    "releases",
    "round_releases",
    "stamp",
]
