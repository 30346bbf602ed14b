"""Per-project trading (DESIGN.md, procedure B): projects, filing, trading notices, response
commitments, award draws, results, contracts and refusals."""
