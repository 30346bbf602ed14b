"""Blank copies of trading's forms for the 统一表式 section (notices.guides.blanks): laid out by
the code that prints the filled ones, so the model form is always the form in use."""

from __future__ import annotations

from app.pdf import Fonts

from . import commitment
from .commitment import LINE, blank_commitment, commitment_pdf


def commitment_form(fonts: Fonts, office_name: str) -> bytes:
    """交易响应承诺 with the platform's wording and every fact a line to fill."""
    from contracts.services.trading import COMMITMENT_TEXT

    text = COMMITMENT_TEXT.format(name=LINE, code=LINE)
    return commitment_pdf(blank_commitment(office_name, text), fonts=fonts)


#: (slug, title, English title, purpose (zh, en), builder, modules that lay it out)
FORMS = (
    (
        "response-commitment",
        "交易响应承诺",
        "Response commitment",
        (
            "入围企业响应具体项目时在平台上在线确认的承诺，确认后可下载留存副本",
            "What a pool member confirms online to respond to a project; it then downloads its copy",
        ),
        commitment_form,
        (commitment,),
    ),
)
