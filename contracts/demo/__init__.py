"""Demo projects for `flask demo`: one project in every state of procedure B, each walked through
the real trading services (submit, file or send back, announce, respond, hold the meeting,
record the contract or a refusal) with the clock moved to working days back from today.

So every project's draws are real `trading` draws committed with its trading notice and
drawn (or abandoned, when too few responded) at its meeting; they verify with
`python -m lottery.verify`. The projects' respondents are active members of the demo pool
(contractors.demo: 建筑工程 5, 市政公用工程 4, 园林绿化工程 2). A second run leaves everything alone.

One module a concern: the projects' plans (plans), running them (run), and the oversight steps
the plans include — credit screen, objection, suspension, evaluations (oversight); the complaints'
scenarios (contracts.complaints.demo) follow the projects. `from contracts.demo import seed` runs
them all.
"""

from .oversight import DEMO_PDF, LISTED_AT
from .plans import FIRST_NAME, NEXT_WORKING_DAY, OWNER_TOWN, PLACE, Plan, plans
from .run import seed

__all__ = [
    "DEMO_PDF",
    "FIRST_NAME",
    "LISTED_AT",
    "NEXT_WORKING_DAY",
    "OWNER_TOWN",
    "PLACE",
    "Plan",
    "plans",
    "seed",
]
