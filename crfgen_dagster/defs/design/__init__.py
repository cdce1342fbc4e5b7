"""design definitions."""
