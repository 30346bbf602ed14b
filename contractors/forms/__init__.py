"""Forms of the pool pages."""
