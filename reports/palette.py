"""The brief's colours: the organisation's brand colour and the shades derived from it."""

import re
from dataclasses import dataclass

DEFAULT_BRAND = "#1f4e79"
INK = "#1b2733"


def _hex(colour: str) -> tuple[int, int, int]:
    return int(colour[1:3], 16), int(colour[3:5], 16), int(colour[5:7], 16)


def _luminance(colour: str) -> float:
    def channel(c: int) -> float:
        c = c / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (channel(c) for c in _hex(colour))
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: str, b: str) -> float:
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def _mix(colour: str, other: str, share: float) -> str:
    """``colour`` moved ``share`` (0..1) of the way to ``other``."""
    mixed = (round(c + (o - c) * share) for c, o in zip(_hex(colour), _hex(other), strict=True))
    return "#" + "".join(f"{c:02x}" for c in mixed)


@dataclass(frozen=True)
class Palette:
    """The organisation's colour and the shades the brief derives from it.

    ``brand`` fills bands and rules; ``text`` is the brand darkened until it
    reads on white (WCAG 4.5:1), so a pale brand colour never makes pale
    headings; ``on_brand`` is white or ink, whichever reads on the brand.
    """

    brand: str
    text: str
    tint: str
    rule: str
    on_brand: str


def palette(colour: str) -> Palette:
    if not re.fullmatch(r"#[0-9a-fA-F]{6}", colour or ""):
        colour = DEFAULT_BRAND
    colour = colour.lower()
    text = colour
    step = 0.0
    while contrast(text, "#ffffff") < 4.5 and step < 1:
        step += 0.05
        text = _mix(colour, INK, step)
    on_brand = "#ffffff" if contrast(colour, "#ffffff") >= contrast(colour, INK) else INK
    return Palette(
        brand=colour,
        text=text,
        tint=_mix(colour, "#ffffff", 0.92),
        rule=_mix(colour, "#ffffff", 0.55),
        on_brand=on_brand,
    )
