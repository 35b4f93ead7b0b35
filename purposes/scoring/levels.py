"""What each level of each scoring scale means, in words.

Executives score against sentences, not bare numbers: "3" means little, "It
addresses the need in part" means the same to everyone in the room. The
product ships a sentence for every level; an organisation may reword the
characteristic levels (``CharacteristicLevel`` rows), and a blank wording
falls back to the sentence here.
"""

from collections.abc import Iterable

from django.utils.translation import gettext_lazy as _

from purposes.models import Characteristic

NEED_FIT_MIN = 0
NEED_FIT_MAX = 5
CHARACTERISTIC_MIN = 1
CHARACTERISTIC_MAX = 5

NEED_FIT_LEVELS = {
    0: _("Does not address this need."),
    1: _("Touches the need only in passing."),
    2: _("Addresses a small part of the need."),
    3: _("Addresses the need in part; a visible gap remains."),
    4: _("Addresses most of the need."),
    5: _("Addresses the need fully."),
}

# The question each characteristic asks (PRODUCT.md, "Why").
CHARACTERISTIC_QUESTIONS = {
    Characteristic.MAGNETISM: _("Will people come and take part without costly incentives?"),
    Characteristic.DRAW: _("Will the community contribute far more than the company does?"),
    Characteristic.ORGANISATIONAL_VALUE: _(
        "Does it create value for the organisation that can be measured and shared back?"
    ),
    Characteristic.RISK: _(
        "How much risk does it carry: culture, compliance, security and privacy, reputation, "
        "intellectual capital, productivity? (5 = highest risk; it counts against the purpose.)"
    ),
    Characteristic.EVOLUTION: _("Will it lead on to further purposes and communities?"),
}

CHARACTERISTIC_LEVELS = {
    Characteristic.MAGNETISM: {
        1: _("Few would join even with incentives."),
        2: _("Some would join if we pay or push them."),
        3: _("A core group would join on its own; most need a nudge."),
        4: _("Most of the people it names would join without incentives."),
        5: _("People would seek it out and bring others along."),
    },
    Characteristic.DRAW: {
        1: _("We would have to supply almost all of the content and effort."),
        2: _("Members would contribute a little; we carry the rest."),
        3: _("Members and we would contribute about equally."),
        4: _("Members would contribute clearly more than we do."),
        5: _("Members would contribute far more than we ever could."),
    },
    Characteristic.ORGANISATIONAL_VALUE: {
        1: _("No value to the organisation that we can name."),
        2: _("Some value, but we could not measure it."),
        3: _("Clear value that we could measure with some effort."),
        4: _("Significant value that we can measure and report."),
        5: _("Major, measurable value we would share back with the community."),
    },
    Characteristic.RISK: {
        1: _("Negligible risk: nothing sensitive, easy to moderate."),
        2: _("Low risk that ordinary policies and moderation cover."),
        3: _("Moderate risk that needs specific policies or moderation."),
        4: _("High risk: compliance, privacy or reputation exposure needs close control."),
        5: _("Severe risk that could harm the organisation or its members."),
    },
    Characteristic.EVOLUTION: {
        1: _("A dead end: it leads nowhere further."),
        2: _("Might lead to one related purpose."),
        3: _("Naturally leads to a next purpose."),
        4: _("Opens several further purposes or communities."),
        5: _("A platform from which many purposes and communities can grow."),
    },
}


def characteristic_sentences(overrides: Iterable[tuple[str, int, str]] = ()) -> dict:
    """The sentence of every characteristic level, an organisation's wording first.

    ``overrides`` are ``(characteristic, level, description)`` triples; a blank
    description keeps the default.
    """
    sentences = {
        characteristic: {level: str(text) for level, text in levels.items()}
        for characteristic, levels in CHARACTERISTIC_LEVELS.items()
    }
    for characteristic, level, description in overrides:
        known = characteristic in sentences and level in sentences[characteristic]
        if known and description.strip():
            sentences[characteristic][level] = description.strip()
    return sentences
