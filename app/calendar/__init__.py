"""The office's working-day calendar: the years it confirmed and their holiday arrangements."""
