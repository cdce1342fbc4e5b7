"""XML safety in one place: the parser for everything we read (no entity expansion, no network, no DTD
loading) and the cleaning of every text the package writers write (no XML-forbidden character)."""

from __future__ import annotations

import re
from typing import Any, TypeVar

from lxml import etree
from pydantic import BaseModel


def safe_parser(*, huge_tree: bool = False) -> etree.XMLParser:
    """Return a parser that never resolves external entities or fetches anything."""
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=huge_tree,
    )


# Characters XML 1.0 forbids (C0 controls but tab/newline/return, lone surrogates, U+FFFE/U+FFFF): PDF
# text extraction carries them (a form feed, a stray U+0001), and lxml and python-docx refuse them.
_NOT_XML = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")

ModelT = TypeVar("ModelT", bound=BaseModel)


def xml_text(value: str) -> str:
    """Given any text, return it with every character XML 1.0 forbids replaced by a space."""
    return _NOT_XML.sub(" ", value)


def xml_safe(model: ModelT) -> ModelT:
    """Given a pydantic model, return a copy whose every string (keys included) is `xml_text`-clean.

    The one place package writers get XML-safe text: render_package and render_output pass the design
    through it, so ODM, DOCX, HTML, PDF and REDCap writers never see a forbidden character.
    """
    data = model.model_dump(mode="python")
    cleaned = _clean(data)
    if cleaned == data:
        return model
    return type(model).model_validate(cleaned)


def _clean(value: Any) -> Any:
    if isinstance(value, str):
        return xml_text(value)
    if isinstance(value, dict):
        return {_clean(k): _clean(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return type(value)(_clean(v) for v in value)
    return value
