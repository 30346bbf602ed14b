"""Draw documents as PDFs: the minutes (摇号记录, `minutes`) over their `layout`."""

from . import layout, minutes

#: The modules whose code lays the minutes out: a stored PDF is built again when one changes
#: (app.built).
SOURCES = (layout, minutes)

__all__ = ["SOURCES", "layout", "minutes"]
