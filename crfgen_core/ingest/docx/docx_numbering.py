"""Word auto-numbering (w:numPr) turned back into the numbers a reader sees ("1.", "a)", "iv.")."""

from __future__ import annotations

from dataclasses import dataclass, field

from lxml import etree

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
BULLET = "•"


@dataclass(frozen=True)
class LevelFormat:
    num_format: str  # decimal, lowerLetter, upperRoman, bullet...
    text: str  # lvlText, e.g. "%1." or "%1.%2"
    start: int = 1


@dataclass(frozen=True)
class ListLabel:
    label: str  # as printed: "3.", "b)", "•"
    level: int  # 0-based ilvl
    num_format: str
    num_id: str


def _roman(value: int) -> str:
    pairs = [
        (1000, "m"),
        (900, "cm"),
        (500, "d"),
        (400, "cd"),
        (100, "c"),
        (90, "xc"),
        (50, "l"),
        (40, "xl"),
        (10, "x"),
        (9, "ix"),
        (5, "v"),
        (4, "iv"),
        (1, "i"),
    ]
    out = []
    for number, letters in pairs:
        while value >= number:
            out.append(letters)
            value -= number
    return "".join(out)


def _letter(value: int) -> str:
    # Word repeats the letter after z: aa, bb...
    return chr(ord("a") + (value - 1) % 26) * ((value - 1) // 26 + 1)


def format_number(value: int, num_format: str) -> str:
    """Given a counter value and a w:numFmt, return it as Word prints it."""
    if num_format in ("lowerLetter",):
        return _letter(value)
    if num_format == "upperLetter":
        return _letter(value).upper()
    if num_format == "lowerRoman":
        return _roman(value)
    if num_format == "upperRoman":
        return _roman(value).upper()
    if num_format == "decimalZero":
        return f"{value:02d}"
    if num_format in ("bullet", "none"):
        return ""
    return str(value)


def _val(node: etree._Element | None, name: str) -> str | None:
    if node is None:
        return None
    child = node.find(f"{W}{name}")
    return None if child is None else child.get(f"{W}val")


@dataclass
class Numbering:
    """numbering.xml definitions plus running counters, fed paragraphs in body order."""

    abstract: dict[str, dict[int, LevelFormat]] = field(default_factory=dict)
    instances: dict[str, str] = field(default_factory=dict)  # numId -> abstractNumId
    overrides: dict[str, dict[int, int]] = field(default_factory=dict)  # numId -> ilvl -> start
    counters: dict[str, dict[int, int]] = field(default_factory=dict)

    @classmethod
    def from_element(cls, root: etree._Element | None) -> Numbering:
        """Given the w:numbering element (or None), return the definitions it holds."""
        numbering = cls()
        if root is None:
            return numbering
        for abstract in root.iter(f"{W}abstractNum"):
            levels: dict[int, LevelFormat] = {}
            for lvl in abstract.iter(f"{W}lvl"):
                start = _val(lvl, "start")
                levels[int(lvl.get(f"{W}ilvl", "0"))] = LevelFormat(
                    num_format=_val(lvl, "numFmt") or "decimal",
                    text=_val(lvl, "lvlText") or "",
                    start=int(start) if start and start.lstrip("-").isdigit() else 1,
                )
            numbering.abstract[abstract.get(f"{W}abstractNumId", "")] = levels
        for num in root.iter(f"{W}num"):
            num_id = num.get(f"{W}numId", "")
            numbering.instances[num_id] = _val(num, "abstractNumId") or ""
            for override in num.iter(f"{W}lvlOverride"):
                start = _val(override, "startOverride")
                if start and start.isdigit():
                    numbering.overrides.setdefault(num_id, {})[int(override.get(f"{W}ilvl", "0"))] = int(
                        start
                    )
        return numbering

    def next_label(self, num_id: str, level: int) -> ListLabel | None:
        """Given a paragraph's numId and ilvl (in body order), return its printed label; None if no list."""
        levels = self.abstract.get(self.instances.get(num_id, ""))
        if num_id in ("", "0") or not levels or level not in levels:
            return None
        counters = self.counters.setdefault(num_id, {})
        if level in counters:
            counters[level] += 1
        else:
            counters[level] = self.overrides.get(num_id, {}).get(level, levels[level].start)
        for deeper in [key for key in counters if key > level]:
            del counters[deeper]
        fmt = levels[level]
        if fmt.num_format == "bullet":
            return ListLabel(label=BULLET, level=level, num_format="bullet", num_id=num_id)
        label = fmt.text
        for index in range(level + 1):
            placeholder = f"%{index + 1}"
            if placeholder in label:
                value = counters.get(index, levels.get(index, fmt).start)
                label = label.replace(placeholder, format_number(value, levels.get(index, fmt).num_format))
        return ListLabel(label=label.strip(), level=level, num_format=fmt.num_format, num_id=num_id)
