"""The pre-selected contractor pool (预选承包商名录库): registration, calls, applications, review,
pool draws and rosters (DESIGN.md, procedure A)."""
