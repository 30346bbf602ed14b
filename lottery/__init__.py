"""Public, re-runnable draws (format ``smallworks-draw/1``): engine, verifier, records, pages."""
