"""terminology definitions."""
