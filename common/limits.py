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
