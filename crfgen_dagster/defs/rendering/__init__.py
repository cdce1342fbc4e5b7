"""rendering definitions."""
