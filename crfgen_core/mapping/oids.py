"""OID rules (docs/oids.md): from CDASH names, test codes and visit identity, never run order."""

from __future__ import annotations

import hashlib
import re

MAX_PART = 48


def slug(text: str) -> str:
    """Given any text, return an upper-case OID part of letters, digits and underscores."""
    part = re.sub(r"[^A-Za-z0-9]+", "_", text).strip("_").upper()
    return part[:MAX_PART].rstrip("_") or "X"


def study_oid(name: str) -> str:
    return f"ST.{slug(name)}"


def event_oid(identity: str) -> str:
    return f"SE.{slug(identity)}"


def form_oid(form_key: str) -> str:
    return f"F.{slug(form_key)}"


def item_group_oid(form_key: str, group: str) -> str:
    return f"IG.{slug(form_key)}.{slug(group)}"


def item_oid(form_key: str, variable: str, test_code: str | None = None) -> str:
    middle = f".{slug(test_code)}" if test_code else ""
    return f"IT.{slug(form_key)}{middle}.{slug(variable)}"


def ct_codelist_oid(submission_value: str, values: list[str], full: bool) -> str:
    """A CT subset is named by its codelist and a hash of its values; the full codelist by name only."""
    if full:
        return f"CL.{slug(submission_value)}"
    digest = hashlib.sha1("\n".join(values).encode()).hexdigest()[:6].upper()
    return f"CL.{slug(submission_value)}.{digest}"


def sponsor_codelist_oid(form_key: str, variable: str, test_code: str | None = None) -> str:
    middle = f".{slug(test_code)}" if test_code else ""
    return f"CL.{slug(form_key)}{middle}.{slug(variable)}"
