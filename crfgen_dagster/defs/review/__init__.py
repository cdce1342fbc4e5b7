"""review definitions."""
