"""The section titles of a board brief, in order."""

BOARD_SECTIONS = [
    "Executive summary",
    "Purpose ranking and scores",
    "Timeline",
    "Community, risk, investment and decisions",
    "What changed since the previous brief",
    "Appendix: every purpose",
    "Board decision and sign-off",
]
