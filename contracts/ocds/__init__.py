"""Open data in OCDS 1.1 (Open Contracting Data Standard): each trading round of a project as a
contracting process, its release package, the change feed and the dated bulk download."""
