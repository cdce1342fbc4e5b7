"""One XML parser configuration for everything we read: no entity expansion, no network, no DTD loading."""

from __future__ import annotations

from lxml import etree


def safe_parser(*, huge_tree: bool = False) -> etree.XMLParser:
    """Return a parser that never resolves external entities or fetches anything."""
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=huge_tree,
    )
