"""How much any one request, file or text may hold: one place, every path reads it.

docs/security.md ("Limits") lists them with the reason for each. A form, a
CSV or JSON import and the API refuse what is over a limit with a message
that names it; nothing over a limit is stored, so whatever is stored can be
shown, exported and imported again.
"""

# JSON documents (the roadmap import, API bodies).
JSON_MAX_BYTES = 2 * 1024 * 1024
# Keys in the whole document. A full export of the largest roadmap the app
# allows holds far fewer; 184,016 keys in 2 MB once held a process for minutes.
JSON_MAX_KEYS = 100_000
# Objects and arrays inside one another. Our export nests six deep.
JSON_MAX_DEPTH = 32
# Values of any kind (objects, arrays, texts, numbers). An export at a
# roadmap's limits holds about 30,000; 2 MB of nested arrays holds a million,
# which took seconds to parse and walk.
JSON_MAX_VALUES = 200_000

# Stakeholders and needs, per organisation. A scoring round asks every
# executive about every need: 200 is far beyond a workshop, and the pages and
# the brief stay quick (48,606 needs once made the communities page 99.6 MB).
# An export at these counts fits in NEEDS_CSV_MAX_BYTES unless its texts are
# at their longest and mostly characters of three or more bytes.
MAX_COMMUNITIES = 30
MAX_NEEDS = 200
NEEDS_CSV_MAX_BYTES = 2 * 1024 * 1024

# Milestones and dependencies per roadmap. The roadmap page and its timeline
# are measured at 200 milestones (bench/roadmap.py); an import of 4,162 once
# held a web process for two minutes.
MAX_MILESTONES = 500
MAX_DEPENDENCIES = 2_000
