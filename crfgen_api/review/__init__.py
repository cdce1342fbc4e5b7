"""The review store behind the API: corrections, sign-off and the audit trail (crfgen_core.review)."""
