"""One router per area of the API; each declares the permission it needs (auth/roles.py)."""
