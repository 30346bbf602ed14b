"""What the other domains tell the draws at start-up (their `init_app`): where a subject's
candidates come from, and which subjects only their owner's meeting may draw.

Kept per application (app.wiring), filled only by the domains' `init_app`: importing a module
registers nothing, and every app `create_app` builds — one per test — has its own, complete.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

from flask import Flask

from app.wiring import registry
from lottery import rules
from lottery.errors import DrawError
from lottery.models import Draw

#: Registry names (app.wiring): subject type → source, subject type → (where zh, where en).
CANDIDATE_SOURCES = "lottery.candidate_sources"
OWNED_SUBJECTS = "lottery.owned_subjects"
MINUTES_SECTIONS = "lottery.minutes_sections"


@dataclass(frozen=True)
class MinutesSection:
    """A section a subject's owner adds to a draw's minutes (e.g. the award meeting's credit
    screen): a title, an introduction, a table (header and rows of text) and a closing note.
    The draw record itself never changes: this only prints what the owner recorded beside it."""

    title: str
    intro: str
    header: tuple[str, ...]
    rows: tuple[tuple[str, ...], ...]
    note: str = ""


MinutesSource = Callable[[Draw], "list[MinutesSection]"]


@dataclass(frozen=True)
class CandidateList:
    """Candidate ids in draw order (a ranking's sorted), with the names pages show beside them."""

    ids: tuple[str, ...]
    labels: Mapping[str, str] = field(default_factory=dict)

    @property
    def digest(self) -> str:
        return rules.candidates_digest(self.ids)


CandidateSource = Callable[[str], "CandidateList | None"]


def register_candidate_source(app: Flask, subject_type: str, source: CandidateSource) -> None:
    """Tell the console where the current candidates of a subject type come from.

    Pool registers its qualified applicants per category, Trading a project's respondents:
    `source(subject_code)` returns a CandidateList (ids and names; a ranking's ids in any order,
    they are sorted here) or None while the list is not final. The staff console freezes what the
    source returns at the moment of the draw. A draw whose candidates were given at its
    commitment (a pick's options) needs no source.
    """
    registry(CANDIDATE_SOURCES, app)[subject_type] = source


def register_owned_subject(app: Flask, subject_type: str, where_zh: str, where_en: str) -> None:
    """Draws of this subject type are run only by their owner, inside its own use case, which
    names itself (`draw(..., owner=subject_type)`, likewise `abandon` and `show_pending_entropy`);
    without `owner` — the generic console — they are refused, with where to go instead."""
    registry(OWNED_SUBJECTS, app)[subject_type] = (where_zh, where_en)


def register_minutes_section(app: Flask, subject_type: str, source: MinutesSource) -> None:
    """Tell the minutes what a subject type's owner adds to them: `source(draw)` returns the
    sections (an empty list for none), printed after the candidates."""
    registry(MINUTES_SECTIONS, app)[subject_type] = source


def minutes_sections(d: Draw) -> list[MinutesSection]:
    """The sections the draw's subject owner adds to its minutes, if any."""
    source = registry(MINUTES_SECTIONS).get(d.subject_type)
    return list(source(d)) if source else []


def owned_where(d: Draw) -> tuple[str, str] | None:
    """Where a draw run only by its subject's owner is run ((Chinese, English), e.g. the project's
    award meeting page), or None for a draw the generic console runs. One rule for the console's
    page (no entries form, no abandon, a link there instead) and for the services' refusal."""
    return registry(OWNED_SUBJECTS).get(d.subject_type)


def check_owner(d: Draw, owner: str | None) -> None:
    """The console (no `owner`) may not run an owned subject's draw; an owner only its own."""
    if owner is None:
        where = owned_where(d)
        if where is not None:
            raise DrawError(f"此抽签须在{where[0]}进行", f"This draw is run on {where[1]}")
    elif d.subject_type != owner:
        raise DrawError(
            f"抽签 {d.draw_id} 不属于本会议", f"Draw {d.draw_id} does not belong to this meeting"
        )


def proposed_candidates(d: Draw) -> CandidateList | None:
    """The candidates a draw would freeze now: its own if final, else its subject's source."""
    if d.candidates is not None:
        return CandidateList(tuple(d.candidates), dict(d.candidate_labels or {}))
    source = registry(CANDIDATE_SOURCES).get(d.subject_type)
    found = source(d.subject_code) if source else None
    if found is None:
        return None
    ids = rules.sorted_candidates(found.ids) if d.kind == "ranking" else list(found.ids)
    return CandidateList(tuple(ids), dict(found.labels))
