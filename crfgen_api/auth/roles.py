"""Roles and the permissions each grants. One permission per area of the API (a router checks one)."""

from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    UPLOADER = "uploader"
    REVIEWER = "reviewer"
    APPROVER = "approver"
    AUDITOR = "auditor"
    ADMIN = "admin"


class Permission(StrEnum):
    READ = "read"  # studies, versions, status, packages
    UPLOAD = "upload"  # POST /protocols
    REVIEW = "review"  # corrections (phase 2)
    APPROVE = "approve"  # sign-off (phase 2)
    AUDIT = "audit"  # the audit trail (phase 2)


GRANTS: dict[Role, frozenset[Permission]] = {
    Role.UPLOADER: frozenset({Permission.READ, Permission.UPLOAD}),
    Role.REVIEWER: frozenset({Permission.READ, Permission.REVIEW}),
    # an approver reviews too (reads what it signs); the two-person rule is the store's to enforce
    Role.APPROVER: frozenset({Permission.READ, Permission.REVIEW, Permission.APPROVE}),
    Role.AUDITOR: frozenset({Permission.READ, Permission.AUDIT}),
    Role.ADMIN: frozenset(Permission),
}


def permits(roles: frozenset[Role], permission: Permission) -> bool:
    return any(permission in GRANTS[role] for role in roles)
