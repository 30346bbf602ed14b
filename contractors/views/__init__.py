"""HTML pages of the pool: public (rosters, calls, contractor records), contractor accounts, staff and reviewers."""
