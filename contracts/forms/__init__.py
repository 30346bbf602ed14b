"""Forms of the trading pages."""
