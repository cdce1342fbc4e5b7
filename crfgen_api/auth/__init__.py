"""Who is calling: API tokens (hashed at rest) or OIDC bearer JWTs, and what each role may do."""
