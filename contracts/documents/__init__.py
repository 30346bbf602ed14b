"""Trading PDFs: the bulletin-board notice (信息公开栏), the copy of a response commitment
(交易响应承诺) and the result notification letter (交易结果通知书).

Pure functions: each takes a frozen dataclass (filled by the views from the models) and returns
the PDF bytes. All text is drawn in the embedded CJK TrueType fonts of `app.pdf` (DESIGN.md,
"PDFs"), wrapped with `wordWrap='CJK'`. Money is `Decimal`, never float. One module a document
(bulletin, commitment, letter) over the shared `layout`; callers import them from here.
"""

from contracts.rules import contract_price

from . import bulletin, commitment, layout, letter
from .bulletin import BulletinNotice, bulletin_pdf
from .commitment import CommitmentCopy, commitment_pdf
from .layout import percent, yuan
from .letter import ResultLetter, result_letter_pdf

#: The modules whose code lays the documents out: a stored PDF is built again when one changes
#: (app.built).
SOURCES = (bulletin, commitment, layout, letter)

__all__ = [
    "SOURCES",
    "BulletinNotice",
    "CommitmentCopy",
    "ResultLetter",
    "bulletin_pdf",
    "commitment_pdf",
    "contract_price",
    "percent",
    "result_letter_pdf",
    "yuan",
]
